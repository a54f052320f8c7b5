package web

import (
	"time"

	"github.com/guizhou-portal/portal/internal/policy"
)

// EvaluationView is the proposer's evaluation page: the reply, its top-level
// sections to rate, and the form as sent with its errors.
type EvaluationView struct {
	Token    policy.EvaluationToken
	Document *policy.FullDocument
	Link     policy.EvaluationLink
	Form     EvaluationForm
}

// EvaluationForm is the evaluation form as submitted, with its errors.
type EvaluationForm struct {
	Rating        string
	Sections      map[int64]string // section id → rating, "" for none
	Comment       string
	CommentPublic bool
	Errors        FieldErrors
}

// DocumentEvaluations is what a document page shows of its evaluations: the
// evaluations (comments only when public, unless staff), the follow-ups, and
// to staff the evaluation links with the form that issues one.
type DocumentEvaluations struct {
	Evaluations []policy.Evaluation
	FollowUps   []policy.FollowUp
	Links       []policy.EvaluationLink // staff only
	Now         time.Time               // the server's clock, for the links' states
	LinkForm    EvaluationLinkForm
	FollowUp    FollowUpForm // the follow-up form that failed, if any
}

// EvaluationLinkForm is the form that issues an evaluation link.
type EvaluationLinkForm struct {
	Addressee string
	Errors    FieldErrors
}

// FollowUpForm is a follow-up's due-date or reply form as submitted.
type FollowUpForm struct {
	ID     int64
	DueOn  string
	Reply  string
	Errors FieldErrors
}

// EvaluationLinkIssued is the page that shows a new link once.
type EvaluationLinkIssued struct {
	Document  policy.Document
	Addressee string
	URL       string
	ExpiresAt time.Time
}

// sectionRatingName finds the section's heading among the document's for
// the evaluations on the document page.
func sectionRatingName(sections []*policy.Section, id int64) string {
	for _, s := range sections {
		if s.ID == id {
			return s.Heading()
		}
	}
	return ""
}

// ratingGlyph marks a rating besides its words, for black and white.
func ratingGlyph(r policy.Rating) string {
	switch r {
	case policy.RatingSatisfied:
		return "●"
	case policy.RatingBasically:
		return "◐"
	}
	return "○"
}
