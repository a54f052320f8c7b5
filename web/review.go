package web

import "github.com/guizhou-portal/portal/internal/policy"

// ReviewsView is the review queue: every review, the waiting ones first, and
// a refused decision's form kept for the review For.
type ReviewsView struct {
	Reviews []policy.Review
	For     int64
	Comment string
	Errors  FieldErrors
}

// commentOf is what the comment field of review id holds: what was typed
// into a refused form, or nothing.
func (v ReviewsView) commentOf(id int64) string {
	if id == v.For {
		return v.Comment
	}
	return ""
}

// errorsOf are the messages of review id's refused form.
func (v ReviewsView) errorsOf(id int64) FieldErrors {
	if id == v.For {
		return v.Errors
	}
	return nil
}

// claimedAndVerified is what a status line says of a commitment's basis: ""
// when nobody has verified it; otherwise whether the verified status is the
// claimed one, or both where they differ.
func claimedAndVerified(c policy.Commitment) (verified, differs bool) {
	return c.VerifiedStatus != "", c.VerifiedStatus != "" && c.VerifiedStatus != c.Status
}
