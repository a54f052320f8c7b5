package i18n

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestEveryMessageFormatsCleanly renders each message with arguments of the
// kinds its verbs ask for: a bare % or a verb without its argument would show
// as %!…(MISSING) on the page.
func TestEveryMessageFormatsCleanly(t *testing.T) {
	verb := regexp.MustCompile(`%%|%(?:\[\d+\])?[dsvq]`)
	for _, m := range slices.Concat(messages, accountabilityMessages, documentMessages, evaluationMessages, unitsMessages, evidenceMessages, correctionMessages, rollupMessages, reviewMessages, readersMessages, mailMessages, englishMessages, satisfactionMessages, fixbMessages, mailfixMessages) {
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

// TestEveryCatalogueEntryHasBothLanguages checks the entries as written, before
// the catalogue's fallback could hide a missing English text behind the Chinese:
// every ID once, each with a Chinese and an English text, and English written
// in Latin letters rather than a copy of the Chinese (English readers must get
// English; quoting a Chinese term beside it is fine).
func TestEveryCatalogueEntryHasBothLanguages(t *testing.T) {
	latin := regexp.MustCompile(`[A-Za-z]`)
	seen := map[string]bool{}
	check := func(id, zh string, en ...string) {
		if id == "" || seen[id] {
			t.Errorf("message ID %q is empty or appears twice", id)
		}
		seen[id] = true
		if strings.TrimSpace(zh) == "" {
			t.Errorf("%s lacks its Chinese text", id)
		}
		for _, e := range en {
			if strings.TrimSpace(e) == "" {
				t.Errorf("%s lacks its English text", id)
			}
			if !latin.MatchString(e) && !notWords[id] {
				t.Errorf("%s: the English text %q has no English words", id, e)
			}
		}
	}
	for _, m := range slices.Concat(messages, accountabilityMessages, documentMessages, evaluationMessages, unitsMessages, evidenceMessages, correctionMessages, rollupMessages, reviewMessages, readersMessages, mailMessages, englishMessages, satisfactionMessages, fixbMessages, mailfixMessages) {
		check(m.id, m.zh, m.en)
	}
	for _, m := range counted {
		check(m.id, m.zh, m.one, m.other)
	}
}

// notWords are the messages whose English has no words of its own: the
// language switch names Chinese in Chinese, and marks are marks.
var notWords = map[string]bool{"lang.switch": true, "lang.switch.label": true, "list.sep": true, "unit.percent": true}
