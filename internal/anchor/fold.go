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

// folded is a text folded for matching: its characters and, for each, the
// index of the original character it came from.
type folded struct {
	runes []rune
	from  []int
}

// fold folds s (see the comment above punctuationFold).
func fold(s string) folded {
	var f folded
	i := 0
	for _, r := range s {
		for _, c := range foldRune(r) {
			f.runes = append(f.runes, c)
			f.from = append(f.from, i)
		}
		i++
	}
	return f
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

// matches lists where q's runes occur in f's, overlapping occurrences too,
// keeping only those that begin and end on whole original characters.
func (f folded) matches(q []rune) []int {
	var out []int
	if len(q) == 0 {
		return nil
	}
	for i := 0; i+len(q) <= len(f.runes); i++ {
		if !equalRunes(f.runes[i:i+len(q)], q) {
			continue
		}
		end := i + len(q)
		if (i > 0 && f.from[i-1] == f.from[i]) || (end < len(f.runes) && f.from[end] == f.from[end-1]) {
			continue // it would cut a character in two
		}
		out = append(out, i)
	}
	return out
}

// span is the original's span of the folded runes [i, i+n).
func (f folded) span(i, n int) Span { return Span{f.from[i], f.from[i+n-1] + 1} }

func equalRunes(a, b []rune) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// containsRunes says whether q occurs in f's runes.
func (f folded) containsRunes(q []rune) bool {
	for i := 0; i+len(q) <= len(f.runes); i++ {
		if equalRunes(f.runes[i:i+len(q)], q) {
			return true
		}
	}
	return false
}

// mismatchContext is how many characters a mismatch message shows on
// each side of where a quote stops matching.
const mismatchContext = 12

// mismatch says where a quote that is not in the text stops matching: the
// longest beginning of the folded quote that the folded text holds, and
// what follows it in the text and in the quote, in original characters.
// It returns nil when not even the first character is in the text.
func mismatch(text, quote string) *QuoteError {
	ft, fq := fold(text), fold(quote)
	// The beginnings the text holds are all those up to some length, so
	// the longest is found by halving.
	lo, hi := 0, len(fq.runes) // fq.runes[:lo] occurs; fq.runes[:hi+1] does not
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if ft.containsRunes(fq.runes[:mid]) {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	if lo == 0 || lo == len(fq.runes) {
		return nil
	}
	tr, qr := []rune(text), []rune(quote)
	at := 0
	for i := 0; i+lo <= len(ft.runes); i++ {
		if equalRunes(ft.runes[i:i+lo], fq.runes[:lo]) {
			at = i
			break
		}
	}
	// The words both share, as the text writes them.
	next := ft.from[at+lo-1] + 1 // in the text's characters
	before := strings.TrimSpace(string(tr[ft.from[at]:next]))
	if r := []rune(before); len(r) > mismatchContext {
		before = "…" + string(r[len(r)-mismatchContext:])
	}
	return &QuoteError{Reason: NotInText, After: before,
		Source: Truncate(strings.TrimSpace(string(tr[next:])), mismatchContext),
		Typed:  Truncate(strings.TrimSpace(string(qr[fq.from[lo]:])), mismatchContext)}
}
