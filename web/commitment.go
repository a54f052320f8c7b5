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
	// Evidence are the files of each update the viewer may see, by update id;
	// EvidenceErrors the message of a refused upload, beside its update.
	Evidence       map[int64][]policy.EvidenceFile
	EvidenceErrors map[int64]string
	// PartTitle, PartStatus and PartErrors keep a refused new part's form.
	PartTitle  string
	PartStatus string
	PartErrors FieldErrors
	// Reviews are the changes waiting for review, for staff; VerifyErrors
	// keep a refused verification form.
	Reviews      []policy.Review
	Returned     []policy.Review // the latest changes returned, with the reviewers' comments
	VerifyErrors FieldErrors
	ForReview    bool // the viewer's changes to public values wait for review
}

// partStatus is the status the new part's form shows: what was submitted,
// else not assessed.
func partStatus(v CommitmentView) string {
	if v.PartStatus != "" {
		return v.PartStatus
	}
	return string(policy.StatusNotAssessed)
}
