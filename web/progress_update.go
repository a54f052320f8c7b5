package web

import (
	"strconv"
	"time"

	"github.com/guizhou-portal/portal/internal/policy"
)

// UpdateForm is the form that adds a progress update.
type UpdateForm struct {
	HappenedOn  string
	Status      string
	Progress    string
	Note        string
	EvidenceURL string
	Visibility  string // public or internal
	Signed      bool
	Version     int
}

// NewUpdateForm is an empty update form for a commitment, dated now's day in
// China and starting from the commitment's current status and progress.
func NewUpdateForm(c policy.Commitment, now time.Time) UpdateForm {
	f := UpdateForm{HappenedOn: policy.Today(now).Format(time.DateOnly), Status: string(c.Status), Version: c.Version, Visibility: "public"}
	if c.Progress != nil {
		f.Progress = strconv.Itoa(*c.Progress)
	}
	return f
}
