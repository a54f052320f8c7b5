// Package anchor places words in text: a new commitment's quote in its
// paragraph, and, when an import rewrites a document, the commitments,
// figures, mentions and citations pinned to the old text in the new one.
// It is pure text logic, without SQL or HTTP, so that its rules can be
// tested on their own. Offsets are in characters (code points), as the
// database stores them.
package anchor

import (
	"strings"
	"unicode/utf8"

	"github.com/guizhou-portal/portal/internal/policy"
)

// Span is where words sit in a paragraph, in characters: from Start up to,
// not including, End.
type Span struct{ Start, End int }

// overlaps says whether s and t share a character.
func (s Span) overlaps(t Span) bool { return s.Start < t.End && t.Start < s.End }

// Taken is a span a commitment already holds, with the label that names the
// commitment in messages (承诺 3:…).
type Taken struct {
	Span
	Label string
}

// Reason is why a quote cannot be placed.
type Reason int

// The reasons a quote cannot be placed.
const (
	NotInText Reason = iota + 1 // empty, or not word for word in the paragraph
	Repeated                    // occurs more than once in the paragraph
	Overlaps                    // overlaps a commitment already there
)

// QuoteError says why Locate could not place a quote; Label names the
// commitment it overlaps. For a quote not in the text, After is the
// quote's longest beginning that the text holds (its last few characters),
// and Source and Typed the characters that follow it in the text and in the
// quote; all three are empty when not even the first character matches.
type QuoteError struct {
	Reason Reason
	Label  string

	After, Source, Typed string
}

// Error says which rule the quote breaks, in the catalogue's Chinese.
func (e *QuoteError) Error() string { return e.Unwrap().Error() }

// Unwrap gives the rule as a coded EINVALID error with its catalogue
// message, so that forms show it in the reader's language.
func (e *QuoteError) Unwrap() error {
	switch e.Reason {
	case Repeated:
		return policy.Errorm(policy.EINVALID, "err.quote.twice")
	case Overlaps:
		return policy.Errorm(policy.EINVALID, "err.quote.overlap", e.Label)
	}
	if e.After != "" && e.Source == "" {
		return policy.Errorm(policy.EINVALID, "err.quote.mismatch.end", e.After, e.Typed)
	}
	if e.After != "" {
		return policy.Errorm(policy.EINVALID, "err.quote.mismatch", e.After, e.Source, e.Typed)
	}
	return policy.Errorm(policy.EINVALID, "err.quote.missing")
}

// Locate finds quote in text. It must occur exactly once and overlap none of
// the taken spans; otherwise the error is a *QuoteError saying which rule
// it breaks. A quote that is not word for word in the text is looked for
// again after folding full- and half-width punctuation and dropping spaces
// (fold.go), so that "，" typed by an input method matches the ","
// of the source; the span is always the original text's, whose words
// (Span.Of) are what a caller stores. A quote still not found says where
// it stops matching.
func Locate(text, quote string, taken []Taken) (Span, error) {
	span, err := find(text, quote)
	if err != nil {
		return Span{}, err
	}
	for _, t := range taken {
		if span.overlaps(t.Span) {
			return Span{}, &QuoteError{Reason: Overlaps, Label: t.Label}
		}
	}
	return span, nil
}

// find is Locate without the taken spans.
func find(text, quote string) (Span, error) {
	if quote == "" {
		return Span{}, &QuoteError{Reason: NotInText}
	}
	if i := strings.Index(text, quote); i >= 0 {
		if strings.Contains(text[i+1:], quote) {
			return Span{}, &QuoteError{Reason: Repeated}
		}
		start := utf8.RuneCountInString(text[:i])
		return Span{start, start + utf8.RuneCountInString(quote)}, nil
	}
	ft, fq := fold(text), fold(quote)
	switch at := ft.matches(fq.s); len(at) {
	case 0:
		if e := mismatch(text, quote); e != nil {
			return Span{}, e
		}
		return Span{}, &QuoteError{Reason: NotInText}
	case 1:
		return ft.span(at[0], len(fq.s)), nil
	}
	return Span{}, &QuoteError{Reason: Repeated}
}

// Of is the words of text that s covers.
func (s Span) Of(text string) string {
	r := []rune(text)
	if s.Start < 0 || s.End > len(r) || s.Start > s.End {
		return ""
	}
	return string(r[s.Start:s.End])
}

// IndexAll lists the character offsets at which sub occurs in s, overlapping
// occurrences included; none for an empty sub.
func IndexAll(s, sub string) []int {
	var out []int
	if sub == "" {
		return nil
	}
	runes := 0
	for from := 0; ; {
		i := strings.Index(s[from:], sub)
		if i < 0 {
			return out
		}
		runes += utf8.RuneCountInString(s[from : from+i])
		out = append(out, runes)
		_, size := utf8.DecodeRuneInString(s[from+i:])
		runes++
		from += i + size
	}
}

// Truncate shortens s to n characters and an ellipsis, for messages that
// quote long words.
func Truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
