// Package i18n is the portal's message catalogue and the choice of interface
// language. Every label, message and vocabulary name of the interface has a
// message ID with a Chinese and an English text, built into a
// golang.org/x/text catalogue; the documents' own text is never translated.
package i18n

import (
	"context"
	"slices"
	"sort"
	"sync"
	"sync/atomic"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/message/catalog"
)

// The interface languages. Chinese is the default: the first one the matcher offers.
var (
	Chinese = language.MustParse("zh-CN")
	English = language.English
)

// Langs lists the interface languages by their codes, default first.
var Langs = []string{"zh", "en"}

var (
	cat     *catalog.Builder
	known   = map[string]bool{}
	matcher = language.NewMatcher([]language.Tag{Chinese, English})
)

func init() {
	cat = catalog.NewBuilder(catalog.Fallback(Chinese))
	for _, m := range slices.Concat(messages, accountabilityMessages, documentMessages, evaluationMessages, unitsMessages, evidenceMessages, correctionMessages, rollupMessages, reviewMessages, readersMessages, mailMessages, englishMessages, satisfactionMessages, fixbMessages, mailfixMessages) {
		must(cat.SetString(Chinese, m.id, m.zh))
		must(cat.SetString(English, m.id, m.en))
		known[m.id] = true
	}
	for _, m := range counted {
		must(cat.SetString(Chinese, m.id, m.zh))
		must(cat.Set(English, m.id, pluralEN(m.one, m.other)))
		known[m.id] = true
	}
	localizers = map[string]*Localizer{
		"zh": {code: "zh", tag: Chinese, htmlLang: Chinese.String(), printer: message.NewPrinter(Chinese, message.Catalog(cat))},
		"en": {code: "en", tag: English, htmlLang: English.String(), printer: message.NewPrinter(English, message.Catalog(cat))},
	}
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}

// Localizer renders messages in one language.
type Localizer struct {
	code     string // zh or en
	tag      language.Tag
	htmlLang string // tag.String(), which makes a new string at each call
	printer  *message.Printer
}

// localizers are built by init, once the catalogue is.
var localizers map[string]*Localizer

// For returns the localizer of a language code, zh or en; any other code gets Chinese.
func For(code string) *Localizer {
	if l, ok := localizers[code]; ok {
		return l
	}
	return localizers["zh"]
}

// Code is the language's short code, zh or en, as the switch and the cookie use it.
func (l *Localizer) Code() string { return l.code }

// HTMLLang is the value of <html lang>: zh-CN or en.
func (l *Localizer) HTMLLang() string { return l.htmlLang }

// English reports whether the localizer writes English.
func (l *Localizer) English() bool { return l.code == "en" }

// T renders the message id with args. An id missing from the catalogue renders
// as ⟦id⟧, so that it shows up on the page and in tests instead of passing silently.
func (l *Localizer) T(id string, args ...any) string {
	if !known[id] {
		return "⟦" + id + "⟧"
	}
	return l.printer.Sprintf(id, args...)
}

// Has reports whether id is in the catalogue.
func Has(id string) bool { return known[id] }

// IDs lists every message ID in the catalogue, sorted.
func IDs() []string {
	out := make([]string, 0, len(known))
	for id := range known {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

// Pick chooses the interface language: the cookie's choice when it names one,
// otherwise the best match for the Accept-Language header, otherwise Chinese.
func Pick(cookie, acceptLanguage string) *Localizer {
	if slices.Contains(Langs, cookie) {
		return For(cookie)
	}
	if v, ok := picked.Load(acceptLanguage); ok {
		return v.(*Localizer)
	}
	l := pick(acceptLanguage)
	// Browsers send few distinct headers; a client that sends a new one each
	// time only stops filling the memo.
	if pickedCount.Add(1) <= pickedMax {
		picked.Store(acceptLanguage, l)
	}
	return l
}

// picked memoises pick: parsing and matching Accept-Language was a tenth of
// the cost of a cached page.
var (
	picked      sync.Map // Accept-Language -> *Localizer
	pickedCount atomic.Int64
)

const pickedMax = 1000

func pick(acceptLanguage string) *Localizer {
	tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(tags) == 0 {
		return For("zh")
	}
	_, i, conf := matcher.Match(tags...)
	if conf == language.No {
		return For("zh")
	}
	return For(Langs[i])
}

// ContextKey is the context key With keeps the localizer under. A context
// that carries it by other means (the server's one per request) answers
// Value(ContextKey{}) with the *Localizer.
type ContextKey struct{}

// With returns ctx carrying l.
func With(ctx context.Context, l *Localizer) context.Context {
	return context.WithValue(ctx, ContextKey{}, l)
}

// From returns the localizer in ctx, or the Chinese one.
func From(ctx context.Context) *Localizer {
	if l, ok := ctx.Value(ContextKey{}).(*Localizer); ok {
		return l
	}
	return For("zh")
}
