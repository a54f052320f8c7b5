package importer

import (
	"cmp"
	"slices"
	"strings"
	"unicode/utf8"
)

// Alias is a surface form by which the portal knows an entity.
type Alias struct {
	Text   string
	Entity string // the entity's slug
}

// Mention is a span of the text that names a known entity.
type Mention struct {
	Span
	Entity string `json:"entity"`
}

// LinkEntities finds the known entities in the text the way the seed's
// mentions were made: every occurrence of every alias in every paragraph is a
// candidate, and a candidate is dropped when it overlaps a longer one, or an
// equally long one that starts earlier. So 贵州磷化集团 wins over 贵州 and 磷.
func LinkEntities(d *Document, aliases []Alias) []Mention {
	out := []Mention{}
	longest := 0
	for _, a := range aliases {
		longest = max(longest, utf8.RuneCountInString(a.Text))
	}
	for _, p := range d.Paragraphs {
		var cands []Mention
		var runeAt []int // byte offset → code-point offset, built on the first match
		for _, a := range aliases {
			if a.Text == "" {
				continue
			}
			for from := 0; ; {
				i := strings.Index(p.Text[from:], a.Text)
				if i < 0 {
					break
				}
				lo, hi := from+i, from+i+len(a.Text)
				if runeAt == nil {
					runeAt = runeOffsets(p.Text)
				}
				cands = append(cands, Mention{Span{p.Seq, runeAt[lo], runeAt[hi], a.Text}, a.Entity})
				_, size := utf8.DecodeRuneInString(p.Text[lo:])
				from = lo + size
			}
		}
		slices.SortFunc(cands, func(a, b Mention) int { return cmp.Compare(a.Start, b.Start) })
		for i, c := range cands {
			beaten := false
			// Only candidates starting less than the longest alias away can overlap.
			for j := i - 1; j >= 0 && cands[j].Start > c.Start-longest && !beaten; j-- {
				beaten = beats(cands[j], c)
			}
			for j := i + 1; j < len(cands) && cands[j].Start < c.End && !beaten; j++ {
				beaten = beats(cands[j], c)
			}
			if !beaten {
				out = append(out, c)
			}
		}
	}
	return out
}

// beats reports whether candidate o overlaps c and is longer, or as long and earlier.
func beats(o, c Mention) bool {
	lo, lc := o.End-o.Start, c.End-c.Start
	return o.Start < c.End && c.Start < o.End && (lo > lc || (lo == lc && o.Start < c.Start))
}

// runeOffsets maps every byte offset of s that starts a character (and len(s))
// to its code-point offset.
func runeOffsets(s string) []int {
	out := make([]int, len(s)+1)
	n := 0
	for i := range s {
		out[i] = n
		n++
	}
	out[len(s)] = n
	return out
}
