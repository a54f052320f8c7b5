package web

import (
	"time"

	"github.com/guizhou-portal/portal/internal/policy"
)

// SubscribeForm is the form of a refused subscription, shown again with the
// address typed and the message.
type SubscribeForm struct {
	Email  string
	Kind   string
	Key    string
	Label  string // what is followed, in words
	Back   string // the page it was on
	Errors FieldErrors
}

// SubscriptionView is a subscription's manage page, reached by its personal link.
type SubscriptionView struct {
	Subscription policy.Subscription
	Token        string
	Label        string
	Path         string
	Confirmed    bool // just confirmed
	Saved        bool
}

// MessageView is a page with a heading and one paragraph.
type MessageView struct {
	Title, Body string
	Back        string
}

// ConfirmView asks for the click that confirms a subscription: a link that
// mail scanners follow must not confirm on their own.
type ConfirmView struct{ Token string }

// UnsubscribeView asks for the click that ends a subscription.
type UnsubscribeView struct {
	Token, Email, Label string
}

// MailJob is one job of the mail queue as staff see it.
type MailJob struct {
	ID          int64
	State       string
	To, Subject string
	Purpose     string
	Attempt     int
	MaxAttempts int
	When        time.Time
	Error       string
	Text        string
	HTML        string
	Retryable   bool // it failed: "retry now" is offered
}

// MailQueueView is /admin/mail.
type MailQueueView struct {
	Jobs       []MailJob
	Filter     string // "", pending, sent, failed
	Delivering bool
	Retried    bool
}

var chinaZone = policy.China

func queryIf(name, v string) string {
	if v == "" {
		return ""
	}
	return "?" + name + "=" + v
}

func orAll(f string) string {
	if f == "" {
		return "all"
	}
	return f
}
