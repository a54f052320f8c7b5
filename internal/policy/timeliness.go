package policy

import "time"

// Timeliness is where a commitment stands against its date, as of a day. It
// is derived, never stored: it moves with the calendar.
type Timeliness string

// Timeliness values. Closed commitments (completed, dropped, withdrawn) are
// never late: with a date they are on time.
const (
	TimelinessOverdue Timeliness = "overdue"  // its date has passed and it is still open
	TimelinessDueSoon Timeliness = "due_soon" // open, due within DueSoonDays
	TimelinessOnTime  Timeliness = "on_time"  // open and due later, or closed
	TimelinessNoDate  Timeliness = "no_date"  // neither a due date nor a calendar period
)

// Timelinesses lists the values in the order filters and legends show them.
var Timelinesses = []Timeliness{TimelinessOverdue, TimelinessDueSoon, TimelinessOnTime, TimelinessNoDate}

// DueSoonDays is how many days ahead a due date counts as due soon.
const DueSoonDays = 30

// Due is when the commitment should be done: its due date, else the end of
// its stated period; nil when it has neither. The store's SQL
// (postgres.timelinessSQL) follows the same rule.
func (c Commitment) Due() *time.Time {
	if c.DueOn != nil {
		return c.DueOn
	}
	return c.PeriodEnd
}

// closed reports whether the commitment can no longer be late.
func (c Commitment) closed() bool {
	return c.Status == StatusCompleted || c.Status == StatusDropped || c.WithdrawnAt != nil
}

// TimelinessOn is the commitment's timeliness on the day today (a date, as
// Today gives it). A due date lasts the whole day: it is overdue from the
// day after.
func (c Commitment) TimelinessOn(today time.Time) Timeliness {
	due := c.Due()
	switch {
	case due == nil:
		return TimelinessNoDate
	case c.closed():
		return TimelinessOnTime
	}
	d := time.Date(due.Year(), due.Month(), due.Day(), 0, 0, 0, 0, time.UTC)
	t := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	switch {
	case d.Before(t):
		return TimelinessOverdue
	case !d.After(t.AddDate(0, 0, DueSoonDays)):
		return TimelinessDueSoon
	}
	return TimelinessOnTime
}

// ValidTimeliness reports whether t is one of Timelinesses.
func ValidTimeliness(t string) bool {
	for _, v := range Timelinesses {
		if string(v) == t {
			return true
		}
	}
	return false
}

// Late reports whether t is a warning worth a badge: overdue or due soon.
func (t Timeliness) Late() bool { return t == TimelinessOverdue || t == TimelinessDueSoon }

// CommitmentSort is an order of the commitments list.
type CommitmentSort string

// Commitment list orders. The zero value is reading order: document by
// document, as the text runs.
const (
	SortCommitmentsDefault  CommitmentSort = ""
	SortCommitmentsDue      CommitmentSort = "due"      // soonest due first, undated last
	SortCommitmentsUpdated  CommitmentSort = "updated"  // most recently changed first
	SortCommitmentsProgress CommitmentSort = "progress" // least progress first, unknown last
)

// CommitmentSorts lists the orders /commitments offers besides the default.
var CommitmentSorts = []CommitmentSort{SortCommitmentsDue, SortCommitmentsUpdated, SortCommitmentsProgress}
