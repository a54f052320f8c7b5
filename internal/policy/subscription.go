package policy

import (
	"net/mail"
	"strings"
	"time"
)

// EmailMax is the longest address accepted (RFC 5321's path limit).
const EmailMax = 254

// Limits on confirmation mails: a flood of subscriptions for one address, or
// from one client, gets a message and sends nothing.
const (
	ConfirmationsPerAddress = 3  // subscription requests (confirmation mails) for one address per day
	ConfirmationsPerClient  = 10 // subscription requests from one client address per day
)

// The things one can follow with a subscription.
const (
	FollowCommitment = "commitment"
	FollowDocument   = "document"
	FollowSection    = "section" // key: document slug "/" section anchor
	FollowEntity     = "entity"
	FollowList       = "list" // key: the /commitments query string
)

// FollowKinds lists the kinds of subscription target.
var FollowKinds = []string{FollowCommitment, FollowDocument, FollowSection, FollowEntity, FollowList}

// How often a subscription sends mail.
const (
	FrequencyImmediate = "immediate"
	FrequencyDaily     = "daily"
)

// Subscription is one address following one thing.
type Subscription struct {
	ID          int64
	Email       string
	Lang        string // zh or en
	Kind        string // one of FollowKinds
	Key         string
	Frequency   string
	Confirmed   bool
	Nonce       int64 // part of the personal link; changing it invalidates old links
	Filter      *CommitmentFilter
	ConfirmedAt *time.Time
}

// NormalizeEmail checks an address typed into the form and returns it with its
// domain in lower case. It refuses anything but a bare address: names,
// comments, several addresses, line breaks (header injection) and addresses
// over EmailMax.
func NormalizeEmail(raw string) (string, bool) {
	s := strings.TrimSpace(raw)
	if s == "" || len(s) > EmailMax || strings.ContainsAny(s, "\r\n\t <>,;\"()\\") {
		return "", false
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s {
		return "", false
	}
	at := strings.LastIndexByte(s, '@')
	if at < 1 || at == len(s)-1 || !strings.Contains(s[at+1:], ".") || strings.HasSuffix(s, ".") {
		return "", false
	}
	return s[:at] + "@" + strings.ToLower(s[at+1:]), true
}

// CommitmentChange is what a saved edit or progress update changed in a
// commitment, as its subscribers are told. Note and EvidenceURL are public
// text only: an update staff kept internal leaves them empty.
type CommitmentChange struct {
	CommitmentID   int64     `json:"commitment_id"`
	UpdateID       int64     `json:"update_id,omitempty"` // the progress update it reports, re-read when the mail is written and sent
	Action         string    `json:"action"`              // commitment.update or update.add
	StatusBefore   Status    `json:"status_before"`
	StatusAfter    Status    `json:"status_after"`
	ProgressBefore *int      `json:"progress_before,omitempty"`
	ProgressAfter  *int      `json:"progress_after,omitempty"`
	Note           string    `json:"note,omitempty"`
	EvidenceURL    string    `json:"evidence_url,omitempty"`
	At             time.Time `json:"at"`
	Title          string    `json:"title,omitempty"` // filled in when the mail is written
}

// Reminder kinds: a commitment falling due in 30 or 7 days, or overdue.
const (
	ReminderDue30   = "due30"
	ReminderDue7    = "due7"
	ReminderOverdue = "overdue"
)

// ReminderDue says which reminder, if any, a unit gets today about a
// commitment it leads that falls due on due. last maps each kind to the day
// it was last sent (absent: never). A reminder 30 days and another 7 days
// ahead go once each (on the day or, if an instance was down that day, on the
// next); an overdue one goes every 7 days. Completed or dropped commitments
// are the caller's to leave out.
func ReminderDue(today, due time.Time, last map[string]time.Time) string {
	days := int(due.Sub(today).Hours() / 24)
	switch {
	case days < 0:
		if t, ok := last[ReminderOverdue]; ok && today.Sub(t) < 7*24*time.Hour {
			return ""
		}
		return ReminderOverdue
	case days <= 7:
		if _, ok := last[ReminderDue7]; ok {
			return ""
		}
		return ReminderDue7
	case days <= 30:
		if _, ok := last[ReminderDue30]; ok {
			return ""
		}
		return ReminderDue30
	}
	return ""
}
