package web

import (
	"strings"

	"github.com/guizhou-portal/portal/internal/policy"
)

// NewCommitmentView is the form that pins a new commitment to a paragraph.
type NewCommitmentView struct {
	Document  policy.Document
	Paragraph policy.Paragraph
	Taken     []string // the commitments already in the paragraph
	Quote     string
	Title     string
	Kind      string
	Strength  string
	Status    string
	Lead      []string
	Support   []string
	Units     []policy.Entity
	Errors    FieldErrors
}

func joinComma(ss []string) string { return strings.Join(ss, ";") }
