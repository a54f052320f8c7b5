package web

import (
	"strconv"
	"time"

	"github.com/guizhou-portal/portal/internal/policy"
)

// CommitmentForm is the edit form of a commitment, as strings so that what was
// typed is shown again when it is refused.
type CommitmentForm struct {
	Title      string // a new version's figures may make the old title wrong
	Kind       string // a correction of how the commitment was read
	Strength   string
	TitleEN    string
	Status     string
	Progress   string
	Lead       []string // entity slugs
	Support    []string
	TimeFrame  string
	DueOn      string
	PublicNote string
	Version    int
}

// FormOf fills the edit form with a commitment's current values.
func FormOf(c policy.Commitment) CommitmentForm {
	f := CommitmentForm{Title: c.Title, TitleEN: c.TitleEN, Kind: string(c.Kind), Strength: string(c.Strength), Status: string(c.Status), TimeFrame: c.TimeFrame, PublicNote: c.PublicNote, Version: c.Version}
	if c.Progress != nil {
		f.Progress = strconv.Itoa(*c.Progress)
	}
	if c.DueOn != nil {
		f.DueOn = c.DueOn.Format(time.DateOnly)
	}
	for _, e := range c.Lead {
		f.Lead = append(f.Lead, e.Slug)
	}
	for _, e := range c.Support {
		f.Support = append(f.Support, e.Slug)
	}
	return f
}

// EditView is the edit page of a commitment. Conflict is set when the form was
// saved over a newer version: it lists the current values beside the submitted ones.
type EditView struct {
	Commitment policy.Commitment
	Form       CommitmentForm
	Errors     FieldErrors
	Units      []policy.Entity
	Conflict   []policy.FieldDiff
	ForReview  bool // saving sends the change for review (PORTAL_EDITORS_PUBLISH=false)
}
