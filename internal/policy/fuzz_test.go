package policy

import (
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

var searchSeeds = []string{"锂", "锂矿", "宁德时代 比亚迪", "  宁德时代\u3000比亚迪\t", "ABC abc", "２０２５", "c级", "", "   ",
	"<script>alert(1)</script>", "' OR 1=1--", "a\x00b", "\xff", "1 2 3 4 5 6 7 8 9", strings.Repeat("锂", 101),
	"javascript:alert(1)", "../../etc/passwd", "%00", "\u200b", "ﬁ", "İ", "ǅ"}

// FuzzParseSearch: a query is refused with EINVALID, or split into at most
// MaxSearchTerms distinct terms of valid UTF-8 without spaces, each part of
// the text as typed; parsing the text again gives the same terms.
func FuzzParseSearch(f *testing.F) {
	for _, s := range searchSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := ParseSearch(raw)
		if err != nil {
			if ErrorCode(err) != EINVALID || ErrorMessage(err) == "" {
				t.Fatalf("%q: %v", raw, err)
			}
			return
		}
		if len(q.Terms) > MaxSearchTerms || q.Text != strings.TrimSpace(raw) || (q.Empty() != (len(q.Terms) == 0)) {
			t.Fatalf("%q parsed as %+v", raw, q)
		}
		seen := map[string]bool{}
		for _, term := range q.Terms {
			if term == "" || !utf8.ValidString(term) || strings.ContainsFunc(term, unicode.IsSpace) || !strings.Contains(q.Text, term) {
				t.Fatalf("%q: term %q", raw, term)
			}
			if key := normalizeSearch(term); seen[key] {
				t.Fatalf("%q: term %q twice", raw, term)
			} else {
				seen[key] = true
			}
		}
		again, err := ParseSearch(q.Text)
		if err != nil || !slices.Equal(again.Terms, q.Terms) {
			t.Fatalf("%q: parsing %q again gave %+v, %v", raw, q.Text, again, err)
		}
		if q.Phrase() != strings.Join(q.Terms, "") {
			t.Fatalf("phrase %q", q.Phrase())
		}
	})
}

// FuzzHighlight: the fragments of a snippet are pieces of the text in order,
// all of it when it fits; a marked piece holds a term (folded), and valid
// text gives valid fragments.
func FuzzHighlight(f *testing.F) {
	for _, s := range searchSeeds {
		f.Add("省工业和信息化厅关于锂矿与电池的答复"+s, s, 10)
	}
	f.Add("ＡＢＣabc", "abc", 0)
	f.Add("\xff锂\xfe", "锂", 3)
	f.Fuzz(func(t *testing.T, text, term string, width int) {
		width %= 200
		terms := strings.Fields(term)
		frags := Highlight(text, terms, width)
		var b strings.Builder
		cut := width > 0 && utf8.RuneCountInString(text) > width
		for i, fr := range frags {
			if fr.Text == "…" && !fr.Match && (i == 0 || i == len(frags)-1) {
				continue
			}
			// A match may be cut at the snippet's edges, and matches of two
			// terms may touch; elsewhere a marked piece holds a whole term.
			edge := i <= 1 || i >= len(frags)-2
			if fr.Match && !(cut && edge) && !slices.ContainsFunc(terms, func(t string) bool {
				return strings.Contains(normalizeSearch(fr.Text), normalizeSearch(t))
			}) {
				t.Fatalf("%q marked in %q for %q", fr.Text, text, terms)
			}
			if utf8.ValidString(text) && !utf8.ValidString(fr.Text) {
				t.Fatalf("fragment %q of valid text", fr.Text)
			}
			b.WriteString(fr.Text)
		}
		got := b.String()
		runes := []rune(text)
		if width <= 0 || len(runes) <= width {
			if got != string(runes) {
				t.Fatalf("whole text %q shown as %q", text, got)
			}
		} else if !strings.Contains(string(runes), got) || utf8.RuneCountInString(got) > width {
			t.Fatalf("snippet %q of %q (width %d)", got, text, width)
		}
	})
}

// FuzzTimeMentions: every date or time frame found is a span of its
// paragraph holding exactly its text, in reading order without overlaps, and
// a calendar period names the days written, starting no later than it ends.
func FuzzTimeMentions(f *testing.F) {
	for _, s := range []string{"2022年至2023年,完成“十四五”期间8种矿产调查。", "2025年12月31日前", "2023年2月30日", "2023年13月",
		"2022-2025年找矿实施方案", "12023年", "近期将", "下一步", "2023年0月0日", "9999年99月99日", "\xff2023年", "２０２３年"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		ms := TimeMentions([]Place{{ParagraphSeq: 1, ParagraphText: text}})
		runes := []rune(text)
		end := 0
		for _, m := range ms {
			p := m.Place
			if p.Start < end || p.End <= p.Start || p.End > len(runes) || string(runes[p.Start:p.End]) != m.Text {
				t.Fatalf("%q: mention %+v", text, p)
			}
			end = p.End
			if (m.Start == nil) != (m.End == nil) {
				t.Fatalf("%q: half a period", m.Text)
			}
			if m.Calendar() {
				if m.End.Before(*m.Start) {
					t.Fatalf("%q: period %v to %v", m.Text, m.Start, m.End)
				}
				if y := m.Start.Format("2006"); !strings.HasPrefix(m.Text, y) && !strings.Contains(m.Text, "十四五") {
					t.Fatalf("%q: period starts %v", m.Text, m.Start)
				}
			}
		}
	})
}
