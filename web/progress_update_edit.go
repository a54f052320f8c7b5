package web

import (
	"strconv"

	"github.com/guizhou-portal/portal/internal/policy"
)

// UpdateCorrectionForm is the correction form of a progress update, as typed.
type UpdateCorrectionForm struct {
	Note        string
	EvidenceURL string
	HideReason  string
	Version     int // the commitment's, which every correction moves on
}

// UpdateEditView is the page on which staff correct or hide a progress update.
// Conflict is set when the form was sent from a page older than the
// commitment's current version; the form then holds what was sent.
type UpdateEditView struct {
	Commitment policy.Commitment
	Update     policy.ProgressUpdate
	Form       UpdateCorrectionForm
	Errors     FieldErrors
	Conflict   bool
}

// UpdateCorrectionFormOf fills the correction form with the update's values.
func UpdateCorrectionFormOf(c policy.Commitment, u policy.ProgressUpdate) UpdateCorrectionForm {
	return UpdateCorrectionForm{Note: u.Note, EvidenceURL: u.EvidenceURL, HideReason: u.HideReason, Version: c.Version}
}

// updateURL is the address of a commitment's progress update.
func updateURL(c policy.Commitment, u policy.ProgressUpdate) string {
	return commitmentURL(c.ID) + "/updates/" + strconv.FormatInt(u.ID, 10)
}
