package web

import (
	"context"
	"io"
	"strconv"
	"strings"
	"unicode"

	"github.com/a-h/templ"

	"github.com/guizhou-portal/portal/internal/policy"
)

// Language of parts (WCAG 2.2 3.1.2): a page says its language on <html>,
// and every run of text in the other language carries its own lang, so that
// a screen reader speaks 宁德时代 with Chinese rules on an English page. The
// data (names, titles, the document's text) is Chinese unless an English
// translation exists; these helpers pick the reader's language where they can
// and mark the rest.

// hasHan reports whether s holds a Chinese character.
func hasHan(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.Is(unicode.Han, r) }) >= 0
}

// latinOnly reports whether s holds Latin letters and no Chinese character:
// English (or another Latin-script language) on a Chinese page.
func latinOnly(s string) bool {
	letters := 0
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Han, r):
			return false
		case unicode.Is(unicode.Latin, r):
			letters++
		}
	}
	return letters >= 2
}

// partLang is the lang a text needs on the current page, or "" when it is in
// the page's own language (or in neither script: numbers, dates, symbols).
func partLang(ctx context.Context, s string) string {
	switch {
	case english(ctx) && hasHan(s):
		return "zh-CN"
	case !english(ctx) && latinOnly(s):
		return "en"
	}
	return ""
}

// Local writes s escaped, marking what is not in the page's language: on an
// English page each run of Chinese (a name, a quoted word, a 文号) in its own
// <span lang="zh-CN">; on a Chinese page, text all in Latin letters in a
// <span lang="en">. For data whose language is not known in advance (a name,
// a user's query, a staff member's note) and messages that quote Chinese.
func Local(s string) templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		return writeLocal(ctx, w, s)
	})
}

func writeLocal(ctx context.Context, w io.Writer, s string) error {
	if !english(ctx) {
		if latinOnly(s) {
			_, err := io.WriteString(w, `<span lang="en">`+templ.EscapeString(s)+`</span>`)
			return err
		}
		_, err := io.WriteString(w, templ.EscapeString(s))
		return err
	}
	var b strings.Builder
	for _, r := range hanRuns(s) {
		if r.han {
			b.WriteString(`<span lang="zh-CN">` + templ.EscapeString(r.text) + `</span>`)
		} else {
			b.WriteString(templ.EscapeString(r.text))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// textRun is a piece of a text, Chinese or not.
type textRun struct {
	text string
	han  bool
}

// hanRuns cuts s into runs of Chinese and the rest. A Chinese run goes from
// a Chinese character or opening mark to the last Chinese character or
// closing mark before the next Latin letter, so that 黔工信提复字〔2023〕4号
// is one run and the spaces and ASCII punctuation around it are not in it.
func hanRuns(s string) []textRun {
	rs := []rune(s)
	var out []textRun
	plain := 0 // start of the text not yet written
	for i := 0; i < len(rs); {
		if !hanStart(rs[i]) {
			i++
			continue
		}
		j := i
		last := i
		for j < len(rs) && !unicode.Is(unicode.Latin, rs[j]) {
			if hanStart(rs[j]) || hanEnd(rs[j]) {
				last = j
			}
			j++
		}
		if plain < i {
			out = append(out, textRun{string(rs[plain:i]), false})
		}
		out = append(out, textRun{string(rs[i : last+1]), true})
		plain, i = last+1, last+1
	}
	if plain < len(rs) {
		out = append(out, textRun{string(rs[plain:]), false})
	}
	// A run of marks alone (“” around an English word) is not Chinese.
	for k := range out {
		if out[k].han && !hasHan(out[k].text) {
			out[k].han = false
		}
	}
	return out
}

// hanStart is a character that can begin a Chinese run: a Chinese character
// or an opening mark of Chinese typography.
func hanStart(r rune) bool {
	return unicode.Is(unicode.Han, r) || strings.ContainsRune("〔《“「『（【", r)
}

// hanEnd is a character that can end a Chinese run besides a Chinese
// character: closing marks and full-width punctuation.
func hanEnd(r rune) bool {
	return strings.ContainsRune("〕》”」』）】、。，；：！？", r) || (r >= 0xFF01 && r <= 0xFF5E)
}

// langAttr gives an element holding s alone (an <option>, an SVG <title>,
// anything that cannot hold a <span>) the lang s needs on this page.
func langAttr(ctx context.Context, s string) templ.Attributes {
	if l := partLang(ctx, s); l != "" {
		return templ.Attributes{"lang": l}
	}
	return nil
}

// argMark brackets the index of an argument in a message being split by Tl;
// private-use characters, which no message or argument contains.
const argOpen, argClose = "\ue000", "\ue001"

// Tl is T for a message whose string arguments are data in either language
// (a title, a name, a quoted word): the message's own words stay in the
// page's language and each argument is marked as Local marks it.
func Tl(id string, args ...any) templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		marked := make([]any, len(args))
		for i, a := range args {
			if _, ok := a.(string); ok {
				marked[i] = argOpen + strconv.Itoa(i) + argClose
			} else {
				marked[i] = a
			}
		}
		msg := T(ctx, id, marked...)
		for msg != "" {
			before, rest, found := strings.Cut(msg, argOpen)
			if err := writeLocal(ctx, w, before); err != nil {
				return err
			}
			if !found {
				break
			}
			num, after, _ := strings.Cut(rest, argClose)
			i, err := strconv.Atoi(num)
			if err != nil || i < 0 || i >= len(args) {
				return err
			}
			if err := writeLocal(ctx, w, args[i].(string)); err != nil {
				return err
			}
			msg = after
		}
		return nil
	})
}

// pick is the English text on an English page when there is one, else the
// Chinese: for <title> and attributes, which cannot mark a part's language.
func pick(ctx context.Context, zh, en string) string {
	if english(ctx) && en != "" {
		return en
	}
	return zh
}

// entityName is an entity's name in the reader's language where it has one.
func entityName(ctx context.Context, e policy.Entity) string { return pick(ctx, e.Name, e.NameEN) }

// commitmentTitle is a commitment's title in the reader's language where it
// has one.
func commitmentTitle(ctx context.Context, c policy.Commitment) string {
	return pick(ctx, c.Title, c.TitleEN)
}

// documentTitle is a document's title in the reader's language where it has one.
func documentTitle(ctx context.Context, d policy.Document) string {
	return pick(ctx, d.Title, d.TitleEN)
}

// documentShortName is how lists name a document: its 文号 where it has one
// (which stays Chinese: it is an identifier as issued), else its short title.
func documentShortName(ctx context.Context, d policy.Document) string {
	if english(ctx) && d.DocNumber == "" {
		if d.ShortTitleEN != "" {
			return d.ShortTitleEN
		}
		if d.ShortTitle == "" && d.TitleEN != "" {
			return d.TitleEN
		}
	}
	return d.ShortName()
}

// sectionHeading is a section's heading in the reader's language where it
// has an English title (3. …, (2) …), else as the text numbers it (三、…).
func sectionHeading(ctx context.Context, s policy.Section) string {
	return s.HeadingIn(english(ctx))
}

// Named writes a name in the reader's language with, on an English page,
// the Chinese original beside it in a smaller type, marked as Chinese; with
// no English name, the Chinese alone, marked.
func Named(zh, en string) templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		if !english(ctx) || en == "" || en == zh {
			return writeLocal(ctx, w, zh)
		}
		if err := writeLocal(ctx, w, en); err != nil {
			return err
		}
		_, err := io.WriteString(w, ` <span class="zh-original" lang="zh-CN">`+templ.EscapeString(zh)+`</span>`)
		return err
	})
}

// displayTitle is a document's title as lists show it: the Chinese in 《》,
// the English title as it is.
func displayTitle(ctx context.Context, d policy.Document) string {
	if english(ctx) && d.TitleEN != "" {
		return d.TitleEN
	}
	return d.DisplayTitle()
}

// LocalSVG is Local inside an SVG <text>, where a part's language is marked
// on a <tspan>.
func LocalSVG(s string) templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		var b strings.Builder
		if err := writeLocal(ctx, &b, s); err != nil {
			return err
		}
		out := strings.ReplaceAll(b.String(), "<span lang=", "<tspan lang=")
		_, err := io.WriteString(w, strings.ReplaceAll(out, "</span>", "</tspan>"))
		return err
	})
}
