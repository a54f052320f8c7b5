package i18n

import (
	"slices"
	"testing"
	"unicode"
)

// TestChineseCopyUsesFullWidthPunctuation scans the Chinese catalogue: a
// comma, semicolon, colon or parenthesis beside a Chinese character is the
// full-width one (，；：（）), as Chinese typesetting writes it. Half-width
// ones stay where they belong: in addresses (http://), between digits
// (10,000) and in English or code.
func TestChineseCopyUsesFullWidthPunctuation(t *testing.T) {
	var zh []struct{ id, text string }
	for _, m := range slices.Concat(messages, accountabilityMessages, documentMessages, readersMessages) {
		zh = append(zh, struct{ id, text string }{m.id, m.zh})
	}
	for _, m := range counted {
		zh = append(zh, struct{ id, text string }{m.id, m.zh})
	}
	for _, m := range zh {
		if bad := halfWidthBesideHan(m.text); bad != "" {
			t.Errorf("%s: half-width %q in %q", m.id, bad, m.text)
		}
	}
}

// halfWidthBesideHan returns the first half-width , ; : ( or ) in s that has a
// Han character on one side (an address's "://" excepted), or "".
func halfWidthBesideHan(s string) string {
	runes := []rune(s)
	han := func(i int) bool { return i >= 0 && i < len(runes) && unicode.Is(unicode.Han, runes[i]) }
	for i, r := range runes {
		switch r {
		case ',', ';', ':', '(', ')':
		default:
			continue
		}
		if r == ':' && i+2 < len(runes) && string(runes[i+1:i+3]) == "//" {
			continue
		}
		if han(i-1) || han(i+1) {
			return string(r)
		}
	}
	return ""
}

// TestHalfWidthBesideHan keeps the scanner honest on both sides.
func TestHalfWidthBesideHan(t *testing.T) {
	for s, want := range map[string]string{
		"逐段阅读答复原文,查看":       ",",
		"本节承诺事项(%d)":        "(",
		"最后更新:":             ":",
		"逐段阅读答复原文，查看":       "",
		"以 http:// 开头的网址":   "",
		"搜索词太长（10,000 个字符）": "",
		"例如 ?from=1&to=2。":  "",
		"%s（量级）":            "",
	} {
		if got := halfWidthBesideHan(s); got != want {
			t.Errorf("halfWidthBesideHan(%q) = %q, want %q", s, got, want)
		}
	}
}
