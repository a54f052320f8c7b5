package policy_test

import (
	"os"
	"strings"
	"testing"

	"github.com/guizhou-portal/portal/internal/policy"
)

// Every date and time frame of the reply, found in its text.
func TestTimeMentionsFindEveryDateOfTheReply(t *testing.T) {
	src, err := os.ReadFile("../../testdata/000_ddc10b41889c9f4f.txt")
	if err != nil {
		t.Fatal(err)
	}
	var paras []policy.Place
	for i, line := range strings.Split(string(src), "\n")[7:58] {
		if strings.TrimSpace(line) != "" {
			paras = append(paras, policy.Place{ParagraphSeq: i, ParagraphText: line})
		}
	}
	var got []string
	for _, m := range policy.TimeMentions(paras) {
		s := m.Text
		if m.Calendar() {
			s += "=" + m.Start.Format("2006-01-02") + "/" + m.End.Format("2006-01-02")
		}
		got = append(got, s)
		if r := []rune(m.Place.ParagraphText); string(r[m.Place.Start:m.Place.End]) != m.Text {
			t.Errorf("%s is not at its offsets", m.Text)
		}
	}
	want := []string{
		"2022-2030年=2022-01-01/2030-12-31",
		"2022-2035年=2022-01-01/2035-12-31",
		"2022-2025年=2022-01-01/2025-12-31",
		"“十四五”期间=2021-01-01/2025-12-31",
		"2022年至2023年=2022-01-01/2023-12-31",
		"下一步",
		"目前",
		"2022年=2022-01-01/2022-12-31",
		"短期",
		"2022年11月=2022-11-01/2022-11-30",
		"近期",
		"2022年11月=2022-11-01/2022-11-30",
		"目前",
		"2023年度=2023-01-01/2023-12-31",
		"2023年6月28日=2023-06-28/2023-06-28",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("time mentions:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
