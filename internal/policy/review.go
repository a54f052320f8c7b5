package policy

import (
	"encoding/json"
	"strconv"
	"time"
)

// Review kinds: what a change sent for review is.
const (
	ReviewEdit   = "edit"   // an edit of the commitment's form
	ReviewUpdate = "update" // a progress update
)

// Review states: a change sent for review waits until a reviewer approves it
// (it is then applied) or returns it with a comment (nothing changes).
const (
	ReviewPending  = "pending"
	ReviewApproved = "approved"
	ReviewReturned = "returned"
)

// Review is an editor's change to a commitment's public values sent for
// review instead of published.
type Review struct {
	ID              int64
	CommitmentID    int64
	CommitmentLabel string          // 承诺 N：title, as it is now
	Kind            string          // ReviewEdit or ReviewUpdate
	BaseVersion     int             // the commitment's version the change was made on
	Proposal        CommitmentEdit  // an edit's change
	Update          *NewUpdate      // an update's change
	Before          CommitmentState // the commitment when the change was sent
	After           CommitmentState // Before with the change made
	ProposedBy      string
	ProposedAt      time.Time
	State           string
	DecidedBy       string
	DecidedAt       *time.Time
	Comment         string
}

// SetProposal reads the stored change of the review's kind.
func (r *Review) SetProposal(b []byte) error {
	if r.Kind == ReviewUpdate {
		r.Update = new(NewUpdate)
		return json.Unmarshal(b, r.Update)
	}
	return json.Unmarshal(b, &r.Proposal)
}

// Diffs lists what the change would alter.
func (r Review) Diffs() []FieldDiff { return Diff(r.Before.Fields(), r.After.Fields()) }

// Proposed is st with the edit e made; leads and supports are given by name,
// as states record them.
func (st CommitmentState) Proposed(e CommitmentEdit, lead, support []string) CommitmentState {
	if e.Title != "" {
		st.Title = e.Title
	}
	st.Status, st.Progress, st.TimeFrame, st.PublicNote = e.Status, e.Progress, e.TimeFrame, e.PublicNote
	st.DueOn = ""
	if e.DueOn != nil {
		st.DueOn = e.DueOn.Format(time.DateOnly)
	}
	st.Lead, st.Support = lead, support
	return st
}

// ReviewDetail is what the audit log records of a review with the change it
// approved (commitment.update) or with its own events (review.*).
type ReviewDetail struct {
	ReviewID     int64  `json:"review_id,omitempty"`
	CommitmentID int64  `json:"commitment_id,omitempty"`
	ProposedBy   string `json:"proposed_by,omitempty"`
	ProposedAt   string `json:"proposed_at,omitempty"`
	Comment      string `json:"comment,omitempty"`
}

// ReviewLabel names a review in the audit log's lists: 审核 N.
func ReviewLabel(id int64) string { return "审核 " + strconv.FormatInt(id, 10) }
