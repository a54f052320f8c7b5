package web

import "github.com/guizhou-portal/portal/internal/policy"

// CommitmentView is a commitment's page: the public part, and for staff the
// update form and the controls.
type CommitmentView struct {
	Commitment   policy.Commitment
	Updates      []policy.ProgressUpdate
	UpdateForm   UpdateForm
	UpdateErrors FieldErrors
	// UpdateConflict is set when the update was submitted on an outdated page.
	UpdateConflict bool
	// WithdrawReason and WithdrawErrors keep a refused withdrawal form.
	WithdrawReason string
	WithdrawErrors FieldErrors
	// Reviews are the changes waiting for review, for staff; VerifyErrors
	// keep a refused verification form.
	Reviews      []policy.Review
	Returned     []policy.Review // the latest changes returned, with the reviewers' comments
	VerifyErrors FieldErrors
	ForReview    bool // the viewer's changes to public values wait for review
}
