package anchor

import (
	"slices"
	"unicode/utf8"

	"github.com/guizhou-portal/portal/internal/importer"
)

// Rewrite is a document's text before and after an import.
type Rewrite struct {
	Old      map[int]string       // the old paragraphs' text, by seq
	New      []importer.Paragraph // the new paragraphs in order: New[i].Seq is i+1
	Sections []*importer.Section  // the new text's section tree
}

// Pin is words pinned to the old text: the paragraph's seq, the character
// offset where they start, and the words themselves.
type Pin struct {
	Seq, Start int
	Quote      string
}

// Relocate finds a pin's words in the new text, as a reader would: where
// they were; else their one occurrence in the paragraph of the same seq, or
// the same occurrence of as many there as the old paragraph had; else the
// same place in the one new paragraph whose text is the old paragraph's;
// else their one occurrence anywhere. It returns the paragraph and the
// start offset, and false when the words are gone or ambiguous.
func (r Rewrite) Relocate(p Pin) (seq, start int, ok bool) {
	n := utf8.RuneCountInString(p.Quote)
	if p.Quote == "" {
		return 0, 0, false
	}
	at := func(text string, start int) bool {
		r := []rune(text)
		return start+n <= len(r) && string(r[start:start+n]) == p.Quote
	}
	if p.Seq >= 1 && p.Seq <= len(r.New) {
		text := r.New[p.Seq-1].Text
		if at(text, p.Start) {
			return p.Seq, p.Start, true
		}
		now := IndexAll(text, p.Quote)
		if len(now) == 1 {
			return p.Seq, now[0], true
		}
		if old, ok := r.Old[p.Seq]; ok && len(now) > 1 {
			if was := IndexAll(old, p.Quote); len(was) == len(now) {
				if k := slices.Index(was, p.Start); k >= 0 {
					return p.Seq, now[k], true
				}
			}
		}
	}
	if oldText, ok := r.Old[p.Seq]; ok {
		seq := 0
		for _, np := range r.New {
			if np.Text == oldText {
				if seq != 0 {
					seq = -1
					break
				}
				seq = np.Seq
			}
		}
		if seq > 0 {
			return seq, p.Start, true
		}
	}
	seq, start = 0, 0
	for _, np := range r.New {
		for _, i := range IndexAll(np.Text, p.Quote) {
			if seq != 0 {
				return 0, 0, false
			}
			seq, start = np.Seq, i
		}
	}
	return seq, start, seq != 0
}

// Place is where a commitment's words stand in the new text, and the anchor
// of its section there.
type Place struct {
	Seq, Start int
	Section    string
}

// Problem is why a commitment cannot be placed in the new text.
type Problem int

// A commitment is placed, or it cannot be for one of these reasons.
const (
	Placed  Problem = iota
	Lost            // its words are gone
	Twice           // its words occur more than once, none where they were or once in their paragraph
	Outside         // its words stand outside every section
)

// PlaceCommitment finds the words of a commitment pinned at p in section
// (an anchor) of the old text, stricter than Relocate since a commitment
// is what the portal tracks: where they were, else their one occurrence in
// the same paragraph, else their one occurrence anywhere. Its section is
// the one it was in if that still holds it, else the deepest that does.
func (r Rewrite) PlaceCommitment(p Pin, section string) (Place, Problem) {
	var found []Place
	for _, np := range r.New {
		for _, at := range IndexAll(np.Text, p.Quote) {
			found = append(found, Place{Seq: np.Seq, Start: at})
		}
	}
	var pick *Place
	var same []Place
	for i, f := range found {
		if f.Seq == p.Seq && f.Start == p.Start {
			pick = &found[i]
		}
		if f.Seq == p.Seq {
			same = append(same, f)
		}
	}
	switch {
	case pick != nil:
	case len(same) == 1:
		pick = &same[0]
	case len(found) == 1:
		pick = &found[0]
	case len(found) == 0:
		return Place{}, Lost
	default:
		return Place{}, Twice
	}
	pick.Section = SectionFor(r.Sections, section, pick.Seq, pick.Start)
	if pick.Section == "" {
		return Place{}, Outside
	}
	return *pick, Placed
}

// SectionFor is the anchor of the section that words at (seq, offset)
// belong to: was, if that section still holds them, else the deepest that
// does; empty when none does.
func SectionFor(tree []*importer.Section, was string, seq, offset int) string {
	deepest := ""
	for _, f := range Flatten(tree) { // parents before their children
		if holds(f.Section, seq, offset) {
			if f.Section.Anchor == was {
				return was
			}
			deepest = f.Section.Anchor
		}
	}
	return deepest
}

// holds says whether s covers the character at (seq, offset).
func holds(s *importer.Section, seq, offset int) bool {
	at := func(p importer.Point) int64 { return int64(p.Paragraph)<<32 | int64(p.Offset) }
	x := int64(seq)<<32 | int64(offset)
	return at(s.Start) <= x && x < at(s.End)
}

// Flat is a section of a tree with its parent's anchor (empty at the top)
// and its position, from 1, among its siblings.
type Flat struct {
	Section  *importer.Section
	Parent   string
	Position int
}

// Flatten lists a section tree level by level under each parent: a
// parent's children together, after the parent, so that every parent comes
// before its children.
func Flatten(tree []*importer.Section) []Flat {
	var out []Flat
	var walk func([]*importer.Section, string)
	walk = func(ss []*importer.Section, parent string) {
		for i, s := range ss {
			out = append(out, Flat{s, parent, i + 1})
		}
		for _, s := range ss {
			walk(s.Children, s.Anchor)
		}
	}
	walk(tree, "")
	return out
}
