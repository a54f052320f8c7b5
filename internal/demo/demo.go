// Package demo generates synthetic replies, so that search and filters can be
// measured on a database of realistic size. Every generated document is marked
// synthetic and its title starts with 【演示数据】; its sentences are variations on
// those of the seeded reply, naming the entities the database already knows, so
// that term frequencies, paragraph lengths and the section tree look like a real
// reply's.
package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/guizhou-portal/portal/internal/policy"
)

// TitlePrefix starts the title of every synthetic document.
const TitlePrefix = "【演示数据】"

// Store is what Fill needs of the database.
type Store interface {
	Entities(ctx context.Context, kinds ...policy.EntityKind) ([]policy.Entity, error)
	Themes(ctx context.Context) ([]policy.Theme, error)
	CountSynthetic(ctx context.Context) (int, error)
	AddDocument(ctx context.Context, d policy.NewDocument) (int64, error)
	Analyze(ctx context.Context) error
	Vacuum(ctx context.Context) error
}

// Fill adds n synthetic replies, numbered after those already there. It
// refreshes the planner's statistics as the tables grow (at 8, 16, 32 ...
// documents) and vacuums at the end. The same seed gives the same text.
// progress, if not nil, is called after each document.
func Fill(ctx context.Context, st Store, n int, seed uint64, progress func(done int)) error {
	ents, err := st.Entities(ctx)
	if err != nil {
		return err
	}
	themes, err := st.Themes(ctx)
	if err != nil {
		return err
	}
	first, err := st.CountSynthetic(ctx)
	if err != nil {
		return err
	}
	g := NewGenerator(ents, themes, seed)
	for i := range n {
		if _, err := st.AddDocument(ctx, g.Reply(first+i+1)); err != nil {
			return fmt.Errorf("synthetic reply %d: %w", first+i+1, err)
		}
		if progress != nil {
			progress(i + 1)
		}
		if done := i + 1; done >= 8 && done&(done-1) == 0 {
			if err := st.Analyze(ctx); err != nil {
				return err
			}
		}
	}
	return st.Vacuum(ctx)
}

// Generator writes synthetic replies from a vocabulary of entities and themes.
type Generator struct {
	byKind map[policy.EntityKind][]policy.Entity
	themes []policy.Theme
	seed   uint64
}

// NewGenerator returns a generator naming the given entities.
func NewGenerator(entities []policy.Entity, themes []policy.Theme, seed uint64) *Generator {
	g := &Generator{byKind: map[policy.EntityKind][]policy.Entity{}, themes: themes, seed: seed}
	for _, e := range entities {
		g.byKind[e.Kind] = append(g.byKind[e.Kind], e)
	}
	return g
}

// writer builds one document, recording where each entity and commitment lands.
type writer struct {
	rnd   *rand.Rand
	g     *Generator
	doc   policy.NewDocument
	text  strings.Builder
	runes int
	ments []policy.MentionDraft
	year  int
	// from and to are the last {year} and {next} written, for the time frame
	// of the commitment that names them.
	from, to int
}

// put appends plain text to the current paragraph.
func (w *writer) put(s string) {
	w.text.WriteString(s)
	w.runes += utf8.RuneCountInString(s)
}

// name appends the name of a random entity of the kind and records a mention.
func (w *writer) name(kind policy.EntityKind) string {
	list := w.g.byKind[kind]
	if len(list) == 0 {
		w.put("有关方面")
		return "有关方面"
	}
	e := list[w.rnd.IntN(len(list))]
	w.ments = append(w.ments, policy.MentionDraft{EntitySlug: e.Slug, ParagraphSeq: len(w.doc.Paragraphs) + 1,
		Start: w.runes, End: w.runes + utf8.RuneCountInString(e.Name)})
	w.put(e.Name)
	return e.Slug
}

// fill writes a template: {region} {park} {company} {mineral} {material} {tech}
// name entities, {year} {n} {money} are numbers. It returns the lead units named.
func (w *writer) fill(tmpl string) (leads []string) {
	for tmpl != "" {
		i := strings.IndexByte(tmpl, '{')
		if i < 0 {
			w.put(tmpl)
			break
		}
		w.put(tmpl[:i])
		j := strings.IndexByte(tmpl, '}')
		switch slot := tmpl[i+1 : j]; slot {
		case "year":
			w.from = w.year - w.rnd.IntN(2)
			w.put(fmt.Sprint(w.from))
		case "next":
			w.to = w.year + 1 + w.rnd.IntN(3)
			w.put(fmt.Sprint(w.to))
		case "n":
			w.put(fmt.Sprint(2 + w.rnd.IntN(98)))
		case "money":
			w.put(fmt.Sprintf("%d.%d", 1+w.rnd.IntN(500), w.rnd.IntN(10)))
		case "government":
			leads = append(leads, w.name(policy.EntityKind(slot)))
		default:
			w.name(policy.EntityKind(slot))
		}
		tmpl = tmpl[j+1:]
	}
	return leads
}

// endParagraph closes the current paragraph with a role.
func (w *writer) endParagraph(role policy.ParagraphRole) {
	w.doc.Paragraphs = append(w.doc.Paragraphs, policy.ParagraphDraft{Role: role, Text: w.text.String()})
	w.doc.Mentions = append(w.doc.Mentions, w.ments...)
	w.text.Reset()
	w.runes, w.ments = 0, nil
}

var (
	numerals  = []string{"一", "二", "三", "四", "五", "六", "七", "八", "九", "十"}
	proposers = []string{"民革贵州省委员会", "民盟贵州省委员会", "民建贵州省委员会", "民进贵州省委员会",
		"农工党贵州省委员会", "致公党贵州省委员会", "九三学社贵州省委员会", "省工商联"}
	headings = [][2]string{
		{"加快产业集群", "实现错位发展"}, {"加大找矿力度", "巩固资源优势"}, {"整合资源要素", "推动低碳发展"},
		{"强化招商引资", "培育龙头企业"}, {"完善配套设施", "强化服务保障"}, {"建强人才队伍", "强化科技支撑"},
		{"强化要素保障", "优化营商环境"},
	}
	items = []string{"就近开发利用", "强化技术攻关", "发展绿色产业", "积极延链补链强链", "围绕重点环节招商",
		"强化招商引资宣传", "强化省级资金支持园区建设", "积极对接其他资金保障", "强化创新支撑体系建设",
		"强化人力支持和智力支撑", "统筹能耗指标分配", "充分保障用电需求"}
	// facts are sentences that report; commitments are sentences that promise, with
	// their kind, strength, status and the word the status rests on.
	facts = []string{
		"{year}年,全省共新增引进新能源电池及材料产业项目{n}个,新增合同投资额{money}亿元。",
		"{company}、{company}等头部企业赴黔布局、发展壮大,其中{company}贵州板块总产值已突破{n}亿元。",
		"以{region}为核心,培育打造新能源电池及配套产业集群,培育壮大磷系、氟系电池材料产业带。",
		"{region}以{park}为重点,重点发展{material}及原辅料、{tech}材料及原辅料等产业。",
		"主攻新能源电池及材料产业所需的{mineral}、{mineral}、{mineral}等矿产调查评价和勘查。",
		"推动{mineral}、{mineral}、{mineral}等矿产资源就近开发利用,促进上游矿产资源与下游材料及电池等多种产业协同发展。",
		"聚焦重点园区配套基础设施建设滞后等问题,支持{park}等{n}个重点产业项目涉及的要素配套项目建设。",
		"目前,全省已布局{company}电池回收项目、废旧锂电池再生利用生产线建设项目等回收利用项目。",
		"依托{institution},吸纳新能源电池及材料产业链具有技术实力的企业成为成员单位。",
		"统筹省级能耗总量指标分配向新能源电池及材料产业特别是“一核两区”重点布局区域、重点项目予以倾斜。",
	}
	commitments = []struct {
		text, title string
		kind        policy.CommitmentKind
		strength    policy.Strength
		status      policy.Status
		basis       string
		frame       string // how the sentence states its time: range ({year}年至{next}年), due ({next}年前), next (下一步) or ""
	}{
		{"下一步,将坚持围绕新能源电池及材料产业发展需求,加大{mineral}、{mineral}等矿产勘查力度,新增一批资源储量。", "加大电池矿产勘查力度", policy.KindPlan, policy.StrengthDefinite, policy.StatusPlanned, "将", "next"},
		{"{government}正加快推进{park}配套基础设施建设,着力提升园区安全、环保等水平。", "推进园区配套基础设施建设", policy.KindMeasure, policy.StrengthDefinite, policy.StatusInProgress, "正", ""},
		{"{year}年至{next}年,{government}安排{money}万元专项资金,实施地质找矿项目{n}个。", "安排地质找矿专项资金", policy.KindMeasure, policy.StrengthDefinite, policy.StatusPlanned, "安排", "range"},
		{"力争{next}年前建成{tech}关键材料生产线,形成年产{n}万吨的产能。", "建成电池关键材料生产线", policy.KindTarget, policy.StrengthAspirational, policy.StatusPlanned, "力争", "due"},
		{"{government}已遴选出{n}家大数据人才实训基地,已完成实训{n}人。", "遴选人才实训基地", policy.KindResult, policy.StrengthDefinite, policy.StatusCompleted, "已", ""},
		{"积极引进{material}、{material}等新能源电池关键材料企业向{region}聚集。", "引进电池关键材料企业", policy.KindMeasure, policy.StrengthAspirational, policy.StatusNotAssessed, "", ""},
		{"重点突破{mineral}提取技术、{material}制备等技术,为下游产业提供原料保障。", "突破矿产提取与材料制备技术", policy.KindMeasure, policy.StrengthDefinite, policy.StatusNotAssessed, "", ""},
		{"近期,将积极组织{park}等向{government}申请危险化学品重大安全风险防控资金。", "申请安全风险防控资金", policy.KindPlan, policy.StrengthDefinite, policy.StatusPlanned, "将", ""},
		{"由{company}牵头,{company}、{institution}等共同参与,组建新能源材料创新平台。", "组建新能源材料创新平台", policy.KindResult, policy.StrengthDefinite, policy.StatusCompleted, "组建", ""},
	}
)

// Reply generates synthetic reply number k: about twenty paragraphs in seven
// sections with sub-items, some forty commitments and a hundred mentions, like
// the seeded reply.
func (g *Generator) Reply(k int) policy.NewDocument {
	w := &writer{rnd: rand.New(rand.NewPCG(g.seed, uint64(k))), g: g}
	w.year = 2019 + w.rnd.IntN(7)
	signed := time.Date(w.year, time.Month(1+w.rnd.IntN(12)), 1+w.rnd.IntN(28), 0, 0, 0, 0, time.UTC)
	proposer := proposers[w.rnd.IntN(len(proposers))]
	no := 1000 + k
	w.doc.Document = policy.Document{
		Slug: fmt.Sprintf("demo-%d-%d", w.year, k), Kind: policy.KindReply, Genre: "答复",
		Title:      fmt.Sprintf("%s省工业和信息化厅关于省政协第%d号提案的答复", TitlePrefix, no),
		ShortTitle: fmt.Sprintf("%s关于第%d号提案的答复", TitlePrefix, no),
		DocNumber:  fmt.Sprintf("黔工信演复字〔%d〕%d号", w.year, k), Issuer: "贵州省工业和信息化厅",
		Addressee: proposer, SignedOn: &signed, Disclosure: "全文公开", SourceName: "portal demo-data 生成的演示数据",
		Synthetic: true,
	}
	w.put(proposer + ":")
	w.endParagraph(policy.RoleSalutation)
	w.put("你委提出的《关于加快发展新能源电池及材料产业的建议》收悉。感谢您对贵州省新能源电池及材料产业的关心和支持,现就提案提出的有关问题答复如下:")
	w.endParagraph(policy.RoleOpening)

	for si, h := range headings {
		top := fmt.Sprintf("s%d", si+1)
		w.put(numerals[si] + "、" + h[0] + "," + h[1])
		start := len(w.doc.Paragraphs) + 1
		w.endParagraph(policy.RoleHeading)
		sec := policy.SectionDraft{Position: si + 1, Kind: policy.SectionTop, Label: numerals[si], Title: h[0] + "," + h[1],
			Anchor: top, Start: policy.TextPoint{ParagraphSeq: start}}
		if si < len(g.themes) {
			sec.ThemeKey = g.themes[si].Key
		}
		w.doc.Sections = append(w.doc.Sections, sec)
		top0 := len(w.doc.Sections) - 1
		for it := range 1 + w.rnd.IntN(3) {
			seq := len(w.doc.Paragraphs) + 1
			title := items[w.rnd.IntN(len(items))]
			label := "(" + numerals[it] + ")"
			w.put(label + title + "。")
			anchor := fmt.Sprintf("%s-%d", top, it+1)
			for range 2 + w.rnd.IntN(4) {
				if w.rnd.IntN(2) == 0 {
					w.fill(facts[w.rnd.IntN(len(facts))])
					continue
				}
				w.commitment(anchor, seq)
			}
			end := policy.TextPoint{ParagraphSeq: seq, Offset: w.runes}
			w.endParagraph(policy.RoleBody)
			w.doc.Sections = append(w.doc.Sections, policy.SectionDraft{Parent: top, Position: it + 1, Kind: policy.SectionItem,
				Label: label, Title: title, Anchor: anchor, Start: policy.TextPoint{ParagraphSeq: seq}, End: end})
			w.doc.Sections[top0].End = end
		}
	}
	w.put("贵州省工业和信息化厅")
	w.endParagraph(policy.RoleSignature)
	w.put(fmt.Sprintf("%d年%d月%d日", signed.Year(), int(signed.Month()), signed.Day()))
	w.endParagraph(policy.RoleDate)
	w.put("(全文公开)")
	w.endParagraph(policy.RoleDisclosure)
	return w.doc
}

// commitment writes one promising sentence into the current paragraph and pins
// a commitment to it.
func (w *writer) commitment(section string, seq int) {
	c := commitments[w.rnd.IntN(len(commitments))]
	start := w.runes
	leads := w.fill(c.text)
	cd := policy.CommitmentDraft{Section: section, ParagraphSeq: seq, Start: start, End: w.runes - 1, // without the 。
		Title: c.title, Kind: c.kind, Strength: c.strength, Status: c.status, StatusBasis: c.basis, Leads: leads}
	// The time frame is the sentence's own words, as the seeded reply's are.
	switch c.frame {
	case "range":
		from := time.Date(w.from, 1, 1, 0, 0, 0, 0, time.UTC)
		to := time.Date(w.to, 12, 31, 0, 0, 0, 0, time.UTC)
		cd.PeriodStart, cd.PeriodEnd = &from, &to
		cd.TimeFrame = fmt.Sprintf("%d年至%d年", w.from, w.to)
	case "due":
		due := time.Date(w.to, 12, 31, 0, 0, 0, 0, time.UTC)
		cd.DueOn = &due
		cd.TimeFrame = fmt.Sprintf("%d年前", w.to)
	case "next":
		cd.TimeFrame = "下一步"
	}
	w.doc.Commitments = append(w.doc.Commitments, cd)
}
