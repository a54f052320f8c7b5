package postgres

import (
	"context"
	"fmt"
	"strconv"

	"github.com/guizhou-portal/portal/internal/anchor"
	"github.com/guizhou-portal/portal/internal/importer"
	"github.com/guizhou-portal/portal/internal/policy"
)

// Where what was pinned to a document's old text goes in its new text:
// commitments by the alignment of the two texts (anchor.Align), kept,
// re-anchored or unplaced, never dropped; figures, mentions and citations
// the same way, dropped with a note only where they were made by hand.

// Review flags of a commitment (commitments.anchor_review).
const (
	reviewChanged  = "changed"
	reviewUnplaced = "unplaced"
)

// commitmentPlace is where an old commitment goes in the new text: its
// paragraph, rune offsets and words there, the anchor of its section, and
// how it fared. An unplaced one keeps its words, near where they were.
type commitmentPlace struct {
	seq, start, end int
	quote, section  string
	outcome         anchor.Outcome
}

// reanchorDetail is the audit detail of a commitment an import re-anchored
// or could not place.
type reanchorDetail struct {
	File    string `json:"file"`
	Outcome string `json:"outcome"`
	Was     string `json:"was"`
}

// placeCommitments finds where every old commitment goes. Only a new text
// without any section refuses the import: a commitment must stand in one.
func (im *docImport) placeCommitments() (map[int64]commitmentPlace, error) {
	out := map[int64]commitmentPlace{}
	var problems []*policy.Error
	for _, c := range im.old.commitments {
		p, ok := im.placeCommitment(c)
		if !ok {
			problems = append(problems, policy.Errorm(policy.ECONFLICT, "import.err.outside", im.file.Name,
				strconv.Itoa(c.position), anchor.Truncate(c.quote, 40)))
			continue
		}
		out[c.id] = p
	}
	if len(problems) > 0 {
		return nil, &ImportRefusal{Problems: problems}
	}
	return out, nil
}

// placeCommitment follows a commitment's words by the alignment: kept where
// they stand, re-anchored to the words now at their place when they were
// changed. Words the alignment loses are looked for as before (their one
// occurrence in the paragraph, else anywhere: anchor.Rewrite), so that a
// commitment unplaced by an earlier import is placed again when its words
// come back. Failing that, it stays near where its words were, unplaced.
func (im *docImport) placeCommitment(c oldCommitment) (commitmentPlace, bool) {
	if c.review != reviewUnplaced {
		p := im.align.Place(c.seq, c.start, c.end, c.quote)
		if p.Outcome != anchor.Unplaced {
			if sec := anchor.SectionFor(im.doc.Tree, c.sectionAnchor, p.Seq, p.Start); sec != "" {
				return commitmentPlace{p.Seq, p.Start, p.End, p.Quote, sec, p.Outcome}, true
			}
		}
	}
	pin := anchor.Pin{Seq: c.seq, Start: c.start, Quote: c.quote}
	if pl, problem := im.text.PlaceCommitment(pin, c.sectionAnchor); problem == anchor.Placed {
		n := len([]rune(c.quote))
		return commitmentPlace{pl.Seq, pl.Start, pl.Start + n, c.quote, pl.Section, anchor.Kept}, true
	}
	seq, off := im.align.Near(c.seq, c.start)
	if seq == 0 {
		return commitmentPlace{}, false
	}
	// Offsets within the paragraph, so that nothing that slices its text
	// by them can fail; the span check is waived for an unplaced one.
	n := len([]rune(im.doc.Paragraphs[seq-1].Text))
	start := min(off, max(n-1, 0))
	sec := nearestSection(im.doc.Tree, c.sectionAnchor, seq, start)
	if sec == "" {
		return commitmentPlace{}, false
	}
	return commitmentPlace{seq, start, start + 1, c.quote, sec, anchor.Unplaced}, true
}

// nearestSection is the section that holds (seq, offset), else the one
// holding the start of the paragraph, else the last top-level section that
// starts before it, else the first: an unplaced commitment must stand in
// some section, best the one its words were in.
func nearestSection(tree []*importer.Section, was string, seq, offset int) string {
	if s := anchor.SectionFor(tree, was, seq, offset); s != "" {
		return s
	}
	if s := anchor.SectionFor(tree, was, seq, 0); s != "" {
		return s
	}
	if len(tree) == 0 {
		return ""
	}
	pick := tree[0].Anchor
	for _, s := range tree {
		if s.Start.Paragraph <= seq {
			pick = s.Anchor
		}
	}
	return pick
}

// writeCommitments pins every old commitment where placeCommitments put it,
// with its flag: a re-anchored one holds its new words, its previous quote
// kept (the one staff last confirmed, if it was re-anchored before), until
// staff confirm it; an unplaced one keeps its words until pinned again; a
// kept one keeps whatever flag it had, but an unplaced one whose words came
// back is placed again. Every re-anchoring is audited on the commitment,
// so its history shows it.
func (im *docImport) writeCommitments(ctx context.Context, places map[int64]commitmentPlace, sectionIDs map[string]int64, res *ImportResult) error {
	for _, c := range im.old.commitments {
		p := places[c.id]
		review, previous := c.review, c.previous
		switch p.outcome {
		case anchor.Kept:
			if review == reviewUnplaced {
				review = ""
			}
		case anchor.Changed:
			review = reviewChanged
			if previous == nil {
				previous = &c.quote
			}
		case anchor.Unplaced:
			review = reviewUnplaced
		}
		audited := p.quote != c.quote || review != c.review
		var before *policy.CommitmentState
		var err error
		if audited {
			if before, _, err = lockCommitment(ctx, im.tx, c.id); err != nil {
				return err
			}
		}
		if _, err := im.tx.Exec(ctx, `UPDATE commitments SET paragraph_id = $2, start_offset = $3, end_offset = $4, section_id = $5,
			    quote = $6, anchor_review = nullif($7, ''), previous_quote = $8
			WHERE id = $1 AND (paragraph_id, start_offset, end_offset, section_id, quote, anchor_review, previous_quote)
			      IS DISTINCT FROM ($2, $3, $4, $5, $6, nullif($7, ''), $8)`,
			c.id, im.paraID[p.seq], p.start, p.end, sectionIDs[p.section], p.quote, review, previous); err != nil {
			return err
		}
		if audited {
			after, _, err := lockCommitment(ctx, im.tx, c.id)
			if err != nil {
				return err
			}
			if err := audit(ctx, im.tx, im.actor, policy.ActionCommitmentReanchor, "commitment", c.id, before, after,
				reanchorDetail{File: im.file.Name, Outcome: p.outcome.String(), Was: c.quote}); err != nil {
				return err
			}
		}
		where := fmt.Sprintf("p%d:%d", p.seq, p.start)
		switch {
		case p.outcome == anchor.Changed:
			res.Reanchored = append(res.Reanchored, ReanchoredCommitment{ID: c.id, Position: c.position, Title: c.title,
				Was: c.quote, Now: p.quote, Where: where})
		case p.outcome == anchor.Unplaced:
			res.Unplaced = append(res.Unplaced, UnplacedCommitment{ID: c.id, Position: c.position, Title: c.title, Quote: c.quote})
		case p.seq == c.seq && p.start == c.start && p.section == c.sectionAnchor:
			res.Kept++
		default:
			res.Moved = append(res.Moved, MovedCommitment{ID: c.id, Position: c.position, Title: c.title,
				From: fmt.Sprintf("p%d:%d", c.seq, c.start), To: where, FromSection: c.sectionAnchor, ToSection: p.section})
		}
	}
	return nil
}

// relocate says where an old span's words go: by the alignment, and where it
// loses them, as a reader would find them (anchor.Rewrite.Relocate). Words
// the new text changed are not followed (ok false), except that Placement
// says where the changed words stand, for a figure's measure.
func (im *docImport) relocate(s oldSpan) (p anchor.Placement, ok bool) {
	p = im.align.Place(s.seq, s.start, s.end, s.quote)
	switch p.Outcome {
	case anchor.Kept:
		return p, true
	case anchor.Changed:
		return p, false
	}
	seq, start, ok := im.text.Relocate(anchor.Pin{Seq: s.seq, Start: s.start, Quote: s.quote})
	if !ok {
		return p, false
	}
	return anchor.Placement{Seq: seq, Start: start, End: start + s.end - s.start, Quote: s.quote, Outcome: anchor.Kept}, true
}

// newTexts is the new text's paragraphs, in order.
func newTexts(d *importer.Document) []string {
	out := make([]string, len(d.Paragraphs))
	for i, p := range d.Paragraphs {
		out[i] = p.Text
	}
	return out
}
