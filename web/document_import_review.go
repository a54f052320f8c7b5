package web

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/guizhou-portal/portal/internal/importer"
	"github.com/guizhou-portal/portal/internal/policy"
)

// ImportReviewForm is what staff decide in an import's review, posted with
// the confirmation: a theme for each top-level section, preselected with
// the suggestion from its words, and the candidate commitments to accept,
// each with its fields as edited.
type ImportReviewForm struct {
	Themes     []policy.ThemeEntry
	Sections   []ImportSectionTheme
	Candidates []ImportCandidate
	Units      []policy.Entity
	Errors     FieldErrors
}

// ImportSectionTheme is a top-level section's theme in the review.
type ImportSectionTheme struct {
	Anchor, Heading string
	Suggested       string // the theme its words suggest, "" for none
	Chosen          string // the theme selected, "" for none
}

// ImportCandidate is a candidate commitment in the review, with the fields
// that make it a commitment once accepted.
type ImportCandidate struct {
	importer.Candidate
	Number int // from 1, in reading order
	Accept bool
	Title  string
	Kind   string
	// Strength and Status start as the importer read them; the status is
	// saved with the reply's word that supports it.
	Strength string
	Lead     string // an entity slug, "" for none
	DueOn    string // as typed, 2006-01-02
	// Held lists the positions of the document's commitments that already
	// hold some of its words, when the text updates a document.
	Held []int
}

// heldLabel names the commitments that already hold a candidate's words.
func heldLabel(held []int) string {
	var b strings.Builder
	for i, n := range held {
		if i > 0 {
			b.WriteString("、")
		}
		b.WriteString(strconv.Itoa(n))
	}
	return b.String()
}

// ThemeField is the form field that carries a section's theme.
func ThemeField(anchor string) string { return "theme-" + anchor }

// CandidateField is the form field that carries one field of candidate n.
func CandidateField(n int, field string) string { return "cand-" + strconv.Itoa(n) + "-" + field }

// readFieldMessages name the fields the reader reports on (importer.FieldNote).
var readFieldMessages = map[string]string{
	"title": "imp.m.title", "doc_number": "imp.m.docnumber", "index_number": "imp.m.index", "addressee": "imp.m.addressee",
	"signers": "imp.m.signers", "date": "imp.m.signed", "contact": "imp.m.contact", "sections": "imp.m.sections",
	"text": "imp.m.text", "header": "imp.m.header",
}

// readFieldName is a field's name in the reader's language; a field the
// catalogue does not know is shown by its key.
func readFieldName(ctx context.Context, field string) string {
	if id, ok := readFieldMessages[field]; ok {
		return T(ctx, id)
	}
	return field
}

// unreadFields lists the fields the reader could not find, once each.
func unreadFields(ctx context.Context, notes []importer.FieldNote) string {
	var names []string
	for _, n := range notes {
		if name := readFieldName(ctx, n.Field); !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	return strings.Join(names, "、")
}

// themeOption is a theme as the review's select offers it, marked when it
// is the one suggested.
func themeOption(ctx context.Context, t policy.ThemeEntry, suggested string) string {
	if t.Key == suggested {
		return themeName(ctx, t.Theme) + " " + T(ctx, "imp.theme.suggested")
	}
	return themeName(ctx, t.Theme)
}

// noteLabel names what a reader's note is about: the field, and its line
// where it has one.
func noteLabel(ctx context.Context, n importer.FieldNote) string {
	if n.Line > 0 {
		return readFieldName(ctx, n.Field) + " · " + T(ctx, "imp.atline", strconv.Itoa(n.Line))
	}
	return readFieldName(ctx, n.Field)
}
