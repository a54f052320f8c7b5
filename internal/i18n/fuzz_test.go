package i18n_test

import (
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/language"

	"github.com/guizhou-portal/portal/internal/i18n"
)

// FuzzPick: whatever the cookie and Accept-Language say, the interface speaks
// Chinese or English; a valid cookie wins, and a header that asks only for
// one of the two gets it.
func FuzzPick(f *testing.F) {
	for _, h := range []string{"", "zh-CN,zh;q=0.9", "en-US,en;q=0.8", "fr", "en;q=0", "zh-TW", "*", "en;q=1e308",
		"zh;q=-1", "en-GB,zh;q=0.1", "<script>alert(1)</script>", "\xff\xfe", "en\x00", strings.Repeat("en,", 2000),
		"x-klingon", "zh-Hant-HK;q=0.5, en;q=0.4", "i-default"} {
		for _, c := range []string{"", "zh", "en", "de", "' OR 1=1--"} {
			f.Add(c, h)
		}
	}
	f.Fuzz(func(t *testing.T, cookie, header string) {
		l := i18n.Pick(cookie, header)
		if !slices.Contains(i18n.Langs, l.Code()) {
			t.Fatalf("Pick(%q, %q) chose %q", cookie, header, l.Code())
		}
		if _, err := language.Parse(l.HTMLLang()); err != nil {
			t.Fatalf("<html lang=%q> is not a language tag", l.HTMLLang())
		}
		if slices.Contains(i18n.Langs, cookie) && l.Code() != cookie {
			t.Fatalf("cookie %q, header %q: chose %q", cookie, header, l.Code())
		}
		if cookie != "" && slices.Contains(i18n.Langs, cookie) {
			return
		}
		tags, q, err := language.ParseAcceptLanguage(header)
		if err != nil || len(tags) == 0 {
			if l.Code() != "zh" {
				t.Fatalf("unreadable header %q chose %q", header, l.Code())
			}
			return
		}
		only := func(lang string) bool {
			for i, tag := range tags {
				if base, _ := tag.Base(); base.String() != lang || q[i] <= 0 {
					return false
				}
			}
			return true
		}
		if only("en") && l.Code() != "en" || only("zh") && l.Code() != "zh" {
			t.Fatalf("header %q chose %q", header, l.Code())
		}
	})
}
