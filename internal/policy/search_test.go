package policy

import (
	"slices"
	"strings"
	"testing"
)

func TestParseSearchSplitsTermsAndRefusesWhatCannotBeSearched(t *testing.T) {
	cases := []struct {
		raw   string
		terms []string
		err   string // part of the message, "" for none
	}{
		{"锂", []string{"锂"}, ""},
		{"  宁德时代　比亚迪\t", []string{"宁德时代", "比亚迪"}, ""},
		{"电池 电池", []string{"电池"}, ""},
		{"ABC abc", []string{"ABC"}, ""},
		{"", nil, ""},
		{"   ", nil, ""},
		{"<b>锂</b>", []string{"<b>锂</b>"}, ""},
		{"锂\x00矿", nil, "控制字符"},
		{"锂\x1b", nil, "控制字符"},
		{"\xff\xfe", nil, "UTF-8"},
		{strings.Repeat("锂", MaxSearchRunes+1), nil, "太长"},
		{"a b c d e f g h i", nil, "太多"},
	}
	for _, c := range cases {
		q, err := ParseSearch(c.raw)
		if c.err != "" {
			if ErrorCode(err) != EINVALID || !strings.Contains(ErrorMessage(err), c.err) {
				t.Errorf("ParseSearch(%q) error = %v, want EINVALID saying %q", c.raw, err, c.err)
			}
			continue
		}
		if err != nil || !slices.Equal(q.Terms, c.terms) {
			t.Errorf("ParseSearch(%q) = %q, %v; want %q", c.raw, q.Terms, err, c.terms)
		}
	}
}

func TestHighlightMarksEveryTermAndCutsAroundTheFirst(t *testing.T) {
	show := func(fs []Fragment) string {
		var b strings.Builder
		for _, f := range fs {
			if f.Match {
				b.WriteString("[" + f.Text + "]")
			} else {
				b.WriteString(f.Text)
			}
		}
		return b.String()
	}
	cases := []struct {
		text  string
		terms []string
		width int
		want  string
	}{
		{"宁德时代、比亚迪等头部企业", []string{"比亚迪", "宁德时代"}, 0, "[宁德时代]、[比亚迪]等头部企业"},
		{"2025年找矿方案", []string{"２０２５"}, 0, "[2025]年找矿方案"},
		{"ABC abc", []string{"abc"}, 0, "[ABC] [abc]"},
		{"一二三四五六七八九十锂一二三四五六七八九十", []string{"锂"}, 8, "…九十[锂]一二三四五…"},
		{"锂一二三四五六七八九十", []string{"锂"}, 4, "[锂]一二三…"},
		{"没有", []string{"锂"}, 0, "没有"},
	}
	for _, c := range cases {
		if got := show(Highlight(c.text, c.terms, c.width)); got != c.want {
			t.Errorf("Highlight(%q, %q, %d) = %q, want %q", c.text, c.terms, c.width, got, c.want)
		}
	}
}
