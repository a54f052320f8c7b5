package anchor

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// A quote is typed, or pasted, through an input method that writes the
// full-width "，" where the published page has ",", and the other way
// round; and copies of one reply differ in their spaces. Folding makes such
// variants one: each character goes through NFKC (full-width letters,
// digits and punctuation become ASCII, the ideographic space a space), then
// through punctuationFold for the pairs NFKC leaves apart, and whitespace
// is dropped. The folded text keeps, for each of its characters, the
// character of the original it came from, so that a match is reported in
// the original's offsets.

// punctuationFold maps punctuation NFKC keeps apart to the one form a
// reader takes for the same mark.
var punctuationFold = map[rune]string{
	'。': ".", '｡': ".",
	'“': `"`, '”': `"`, '„': `"`, '‘': "'", '’': "'",
	'〔': "[", '〕': "]", '【': "[", '】': "]",
	'—': "-", '–': "-", '―': "-", '‐': "-", '‑': "-",
	'・': "·", '•': "·",
	'〜': "~",
}

// folded is a text folded for matching, and for each of its bytes the
// index of the original character it came from. The folded text is a
// string so that strings.Index, not a loop of ours, does the searching.
type folded struct {
	s    string
	from []int
}

// fold folds s (see the comment above punctuationFold).
func fold(s string) folded {
	var b strings.Builder
	from := make([]int, 0, len(s))
	i := 0
	for _, r := range s {
		f := foldRune(r)
		b.WriteString(f)
		for range len(f) {
			from = append(from, i)
		}
		i++
	}
	return folded{b.String(), from}
}

// foldRune is what one character folds to: none for whitespace, often one,
// sometimes several (… is ...).
func foldRune(r rune) string {
	if unicode.IsSpace(r) {
		return ""
	}
	if p, ok := punctuationFold[r]; ok {
		return p
	}
	n := norm.NFKC.String(string(r))
	if len(n) == 1 || n == string(r) {
		return n
	}
	var b strings.Builder
	for _, c := range n {
		if unicode.IsSpace(c) {
			continue
		}
		if p, ok := punctuationFold[c]; ok {
			b.WriteString(p)
		} else {
			b.WriteRune(c)
		}
	}
	return b.String()
}

// matches lists the byte offsets at which q occurs in f, overlapping
// occurrences too, keeping only those that begin and end on whole original
// characters. (A valid UTF-8 q cannot match in the middle of a character
// of f, so only the folding's own expansions need checking.)
func (f folded) matches(q string) []int {
	var out []int
	if q == "" {
		return nil
	}
	for off := 0; off < len(f.s); {
		i := strings.Index(f.s[off:], q)
		if i < 0 {
			break
		}
		b, e := off+i, off+i+len(q)
		if (b == 0 || f.from[b-1] != f.from[b]) && (e == len(f.s) || f.from[e] != f.from[e-1]) {
			out = append(out, b)
		}
		off = b + 1
	}
	return out
}

// span is the original's span of the folded bytes [b, b+n).
func (f folded) span(b, n int) Span { return Span{f.from[b], f.from[b+n-1] + 1} }

// mismatchContext is how many characters a mismatch message shows on
// each side of where a quote stops matching.
const mismatchContext = 12

// mismatch says where a quote that is not in the text stops matching: the
// longest beginning of the folded quote that the folded text holds, and
// what follows it in the text and in the quote, in original characters.
// It returns nil when not even the first character is in the text.
func mismatch(text, quote string) *QuoteError {
	ft, fq := fold(text), fold(quote)
	// The folded quote's character boundaries, in bytes.
	var ends []int
	for i := range fq.s {
		if i > 0 {
			ends = append(ends, i)
		}
	}
	ends = append(ends, len(fq.s))
	// The beginnings the text holds are all those up to some length, so
	// the longest is found by halving: ends[:lo] hold, ends[hi:] do not.
	lo, hi := 0, len(ends)
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if strings.Contains(ft.s, fq.s[:ends[mid-1]]) {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	if lo == 0 || lo == len(ends) {
		return nil
	}
	n := ends[lo-1] // bytes of the folded quote that match
	at := strings.Index(ft.s, fq.s[:n])
	tr, qr := []rune(text), []rune(quote)
	// The words both share, as the text writes them.
	next := ft.from[at+n-1] + 1 // in the text's characters
	before := strings.TrimSpace(string(tr[ft.from[at]:next]))
	if r := []rune(before); len(r) > mismatchContext {
		before = "…" + string(r[len(r)-mismatchContext:])
	}
	return &QuoteError{Reason: NotInText, After: before,
		Source: Truncate(strings.TrimSpace(string(tr[next:])), mismatchContext),
		Typed:  Truncate(strings.TrimSpace(string(qr[fq.from[n]:])), mismatchContext)}
}
