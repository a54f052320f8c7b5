package policy

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Limits on what a search box accepts. A longer query is almost always a pasted
// paragraph, and every term costs an index lookup.
const (
	MaxSearchRunes = 100
	MaxSearchTerms = 8
)

// SearchQuery is a parsed search: what the reader typed and the terms that a
// result must all contain. Chinese has no spaces between words, so a term is
// matched as a substring, never split further.
type SearchQuery struct {
	Text  string   // as typed, trimmed
	Terms []string // separated by whitespace, in order, without repeats
}

// Empty reports whether there is nothing to search for.
func (q SearchQuery) Empty() bool { return len(q.Terms) == 0 }

// Phrase is the terms written together: the exact phrase that ranks first.
// Readers often put spaces between the words of one phrase (锂矿 提取).
func (q SearchQuery) Phrase() string { return strings.Join(q.Terms, "") }

// ParseSearch splits a query into terms. It returns EINVALID, with a message a
// reader can act on, for text that is not UTF-8, holds control characters, or
// is too long or has too many terms. Tabs and line breaks count as spaces, as
// does the ideographic space.
func ParseSearch(raw string) (SearchQuery, error) {
	if !utf8.ValidString(raw) {
		return SearchQuery{}, Errorm(EINVALID, "err.search.utf8")
	}
	if n := utf8.RuneCountInString(raw); n > MaxSearchRunes {
		return SearchQuery{}, Errorm(EINVALID, "err.search.long", n, MaxSearchRunes)
	}
	for _, r := range raw {
		if unicode.IsControl(r) && !unicode.IsSpace(r) {
			return SearchQuery{}, Errorm(EINVALID, "err.search.control", fmt.Sprintf("U+%04X", r))
		}
	}
	q := SearchQuery{Text: strings.TrimSpace(raw)}
	seen := map[string]bool{}
	for _, t := range strings.FieldsFunc(q.Text, unicode.IsSpace) {
		if key := normalizeSearch(t); !seen[key] {
			seen[key] = true
			q.Terms = append(q.Terms, t)
		}
	}
	if len(q.Terms) > MaxSearchTerms {
		return SearchQuery{}, Errorm(EINVALID, "err.search.terms", len(q.Terms), MaxSearchTerms)
	}
	return q, nil
}

// foldRune normalises a character as the database's search_normalize does for
// the characters readers type in two widths: full-width ASCII and the
// ideographic space to ASCII, letters to lower case. Each rune maps to one rune,
// so offsets survive, which highlighting needs.
func foldRune(r rune) rune {
	switch {
	case r >= 0xFF01 && r <= 0xFF5E:
		r -= 0xFF01 - 0x21
	case r == 0x3000:
		r = ' '
	}
	return unicode.ToLower(r)
}

func normalizeSearch(s string) string { return strings.Map(foldRune, s) }

// FoldSearch is s as the database's search_normalize makes it: NFKC (full-width
// ASCII to ASCII, among others), then lower case. Unlike foldRune it may change
// the length, so it serves comparisons, not offsets.
func FoldSearch(s string) string { return strings.ToLower(norm.NFKC.String(s)) }

// SearchKind is what a search result is.
type SearchKind string

// Search result kinds, in the order results are shown.
const (
	HitParagraph  SearchKind = "paragraph"
	HitCommitment SearchKind = "commitment"
	HitEntity     SearchKind = "entity"
	HitDocument   SearchKind = "document"
)

// SearchKinds lists the kinds in display order.
var SearchKinds = []SearchKind{HitParagraph, HitCommitment, HitEntity, HitDocument}

// Valid reports whether k is one of SearchKinds.
func (k SearchKind) Valid() bool { return slices.Contains(SearchKinds, k) }

// SearchHit is one result. Which fields are set depends on the kind: a
// paragraph has Document, Seq and Text; a commitment its ID, Title, Text (the
// quote), Status and Document; an entity its Entity; a document its Document.
type SearchHit struct {
	Kind     SearchKind
	Phrase   bool // holds the query's terms as one phrase, not scattered
	Document Document
	Seq      int // paragraph number
	ID       int64
	Title    string
	Text     string
	Status   Status
	Entity   Entity
}

// SearchGroup is the results of one kind: the best ones, and how many there are.
type SearchGroup struct {
	Kind  SearchKind
	Total int
	Hits  []SearchHit
}

// SearchResults is every group of results for a query.
type SearchResults struct {
	Query  SearchQuery
	Groups []SearchGroup
	// Typed is the query as typed when English words in it were searched
	// as the Chinese they stand for (lithium as 锂): Query is then what was
	// searched. Empty when nothing was translated.
	Typed string
}

// Total is the number of results of every kind.
func (r SearchResults) Total() int {
	n := 0
	for _, g := range r.Groups {
		n += g.Total
	}
	return n
}

// Fragment is a piece of a snippet; Match marks the words searched for.
type Fragment struct {
	Text  string
	Match bool
}

// Highlight cuts text to about width characters around the first place a term
// occurs and marks every occurrence of every term in it. A cut is shown by an
// ellipsis. Terms are compared after the same folding the search uses, so
// ２０２５ marks 2025. Text without any term is returned cut, unmarked.
func Highlight(text string, terms []string, width int) []Fragment {
	r := []rune(text)
	norm := []rune(normalizeSearch(text))
	if len(norm) != len(r) { // cannot happen with foldRune; stay safe
		norm = r
	}
	marked := make([]bool, len(r))
	first := -1
	for _, t := range terms {
		tr := []rune(normalizeSearch(t))
		if len(tr) == 0 {
			continue
		}
		for i := 0; i+len(tr) <= len(norm); i++ {
			if equalRunes(norm[i:i+len(tr)], tr) {
				for k := i; k < i+len(tr); k++ {
					marked[k] = true
				}
				if first < 0 || i < first {
					first = i
				}
			}
		}
	}
	lo, hi := 0, len(r)
	if width > 0 && len(r) > width {
		lo = max(0, first-width/4)
		hi = min(len(r), lo+width)
		lo = max(0, hi-width)
	}
	var out []Fragment
	if lo > 0 {
		out = append(out, Fragment{Text: "…"})
	}
	for i := lo; i < hi; {
		j := i
		for j < hi && marked[j] == marked[i] {
			j++
		}
		out = append(out, Fragment{Text: string(r[i:j]), Match: marked[i]})
		i = j
	}
	if hi < len(r) {
		out = append(out, Fragment{Text: "…"})
	}
	return out
}

func equalRunes(a, b []rune) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
