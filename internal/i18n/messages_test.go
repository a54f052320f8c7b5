package i18n

import (
	"regexp"
	"strings"
	"testing"
)

// TestEveryMessageFormatsCleanly renders each message with arguments of the
// kinds its verbs ask for: a bare % or a verb without its argument would show
// as %!…(MISSING) on the page.
func TestEveryMessageFormatsCleanly(t *testing.T) {
	verb := regexp.MustCompile(`%%|%(?:\[\d+\])?[dsvq]`)
	for _, m := range messages {
		for lang, text := range map[string]string{"zh": m.zh, "en": m.en} {
			var args []any
			for _, v := range verb.FindAllString(text, -1) {
				switch v[len(v)-1] {
				case '%':
				case 'd':
					args = append(args, 3)
				default:
					args = append(args, "x")
				}
			}
			if got := For(lang).T(m.id, args...); strings.Contains(got, "%!") {
				t.Errorf("%s in %s renders as %q", m.id, lang, got)
			}
		}
	}
}
