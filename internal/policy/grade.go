package policy

// Grade is the handling grade (办理结果) of a reply to a proposal, as CPPCC
// and people's-congress practice classes it.
type Grade string

// The grades.
const (
	GradeA Grade = "A" // 所提问题已经解决或采纳
	GradeB Grade = "B" // 正在解决或列入计划逐步解决
	GradeC Grade = "C" // 因条件限制暂时不能解决
	GradeD Grade = "D" // 留作参考
)

// Grades lists the grades in order.
var Grades = []Grade{GradeA, GradeB, GradeC, GradeD}

// ValidGrade reports whether g is one of Grades.
func ValidGrade(g string) bool {
	for _, v := range Grades {
		if string(v) == g {
			return true
		}
	}
	return false
}
