package policy

// The reply's spatial plan, “一核两区” (one core, two zones), placed on Guizhou's
// nine prefecture-level divisions. Which division plays which role, and which of
// the reply's regions and parks lie in it, is read from the reply's section 一
// (paragraphs 4 to 6); the boundaries themselves come from the map data.

// LayoutRole is the part a division plays in the “一核两区” layout.
type LayoutRole string

// Layout roles.
const (
	RoleCore  LayoutRole = "core"  // 一核
	RoleZone  LayoutRole = "zone"  // 两区
	RoleOther LayoutRole = "other" // (三)其他地区
)

// Division is one prefecture-level division of Guizhou with its role in the
// layout and the entities of the reply that lie in it.
type Division struct {
	Code   string // the administrative division code, as in the map data
	Name   string // the full Chinese name, as in the map data
	Short  string // the name the reply uses or would use
	NameEN string
	Role   LayoutRole
	// Basis is the reply's own words that give the division its role.
	Basis string
	// Regions are the slugs of the reply's region entities that lie in the
	// division, the first being its page; a division the reply never names has none.
	Regions []string
	// Places are parks the reply names that lie in the division although the
	// model attaches them to the province, because the reply never names their
	// prefecture on its own (黔南高新区) or they span two divisions.
	Places []string
}

// Divisions are Guizhou's nine prefecture-level divisions, in the order of
// their codes. 贵安新区 lies across 贵阳 and 安顺; the reply names it with 贵阳
// (贵阳贵安), and so does the map.
var Divisions = []Division{
	{Code: "520100", Name: "贵阳市", Short: "贵阳", NameEN: "Guiyang", Role: RoleCore,
		Basis:   "以贵阳贵安和“开阳-息烽”“瓮安-福泉”两大磷化工产业基地为核心",
		Regions: []string{"guiyang-guian"}},
	{Code: "520200", Name: "六盘水市", Short: "六盘水", NameEN: "Liupanshui", Role: RoleZone,
		Basis:   "“黔西南州-六盘水”以义龙新区为重点,兴仁经开区、安龙工业园区、盘北经开区、六枝经开区等为支撑",
		Regions: []string{"liupanshui"}, Places: []string{"qianxinan-liupanshui-battery-cluster"}},
	{Code: "520300", Name: "遵义市", Short: "遵义", NameEN: "Zunyi", Role: RoleOther,
		Basis: "各市(州)依托自身资源优势和产业基础,因地制宜构建新能源动力电池及材料产业发展格局"},
	{Code: "520400", Name: "安顺市", Short: "安顺", NameEN: "Anshun", Role: RoleOther,
		Basis: "各市(州)依托自身资源优势和产业基础,因地制宜构建新能源动力电池及材料产业发展格局"},
	{Code: "520500", Name: "毕节市", Short: "毕节", NameEN: "Bijie", Role: RoleOther,
		Basis: "各市(州)依托自身资源优势和产业基础,因地制宜构建新能源动力电池及材料产业发展格局"},
	{Code: "520600", Name: "铜仁市", Short: "铜仁", NameEN: "Tongren", Role: RoleZone,
		Basis:   "铜仁市以大龙经开区为重点、以黔东工业集聚区产业带为支撑",
		Regions: []string{"tongren"}},
	{Code: "522300", Name: "黔西南布依族苗族自治州", Short: "黔西南州", NameEN: "Qianxinan", Role: RoleZone,
		Basis:   "“黔西南州-六盘水”以义龙新区为重点,兴仁经开区、安龙工业园区、盘北经开区、六枝经开区等为支撑",
		Regions: []string{"qianxinan"}, Places: []string{"qianxinan-liupanshui-battery-cluster"}},
	{Code: "522600", Name: "黔东南苗族侗族自治州", Short: "黔东南州", NameEN: "Qiandongnan", Role: RoleOther,
		Basis: "各市(州)依托自身资源优势和产业基础,因地制宜构建新能源动力电池及材料产业发展格局"},
	{Code: "522700", Name: "黔南布依族苗族自治州", Short: "黔南州", NameEN: "Qiannan", Role: RoleCore,
		Basis:   "以贵阳贵安和“开阳-息烽”“瓮安-福泉”两大磷化工产业基地为核心",
		Regions: []string{"wengan", "fuquan"}, Places: []string{"qiannan-hitech-zone"}},
}

// DivisionByCode finds a division by its code.
func DivisionByCode(code string) (Division, bool) {
	for _, d := range Divisions {
		if d.Code == code {
			return d, true
		}
	}
	return Division{}, false
}

// DivisionFacts is what the database says about a division: the reply's
// regions and parks in it and how many commitments name any of them.
type DivisionFacts struct {
	Division
	Regions     []Entity // the region entities, with their mention counts
	Parks       []Entity
	Commitments int
}
