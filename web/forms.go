package web

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"

	"github.com/guizhou-portal/portal/internal/policy"
)

// invalid marks a field that has an error for assistive technology, pointing
// at the message shown beside it.
func invalid(errs FieldErrors, name string) templ.Attributes {
	if errs[name] == "" {
		return templ.Attributes{}
	}
	return templ.Attributes{"aria-invalid": "true", "aria-describedby": "err-" + name}
}

// LoginView is the login form as typed, with what went wrong.
type LoginView struct {
	Email   string
	Next    string
	Errors  FieldErrors
	Message string // the one message for a failed or throttled login
}

// CommitmentForm is the edit form of a commitment, as strings so that what was
// typed is shown again when it is refused.
type CommitmentForm struct {
	Status     string
	Progress   string
	Lead       []string // entity slugs
	Support    []string
	TimeFrame  string
	DueOn      string
	PublicNote string
	Version    int
}

// FormOf fills the edit form with a commitment's current values.
func FormOf(c policy.Commitment) CommitmentForm {
	f := CommitmentForm{Status: string(c.Status), TimeFrame: c.TimeFrame, PublicNote: c.PublicNote, Version: c.Version}
	if c.Progress != nil {
		f.Progress = strconv.Itoa(*c.Progress)
	}
	if c.DueOn != nil {
		f.DueOn = c.DueOn.Format(time.DateOnly)
	}
	for _, e := range c.Lead {
		f.Lead = append(f.Lead, e.Slug)
	}
	for _, e := range c.Support {
		f.Support = append(f.Support, e.Slug)
	}
	return f
}

// EditView is the edit page of a commitment. Conflict is set when the form was
// saved over a newer version: it lists the current values beside the submitted ones.
type EditView struct {
	Commitment policy.Commitment
	Form       CommitmentForm
	Errors     FieldErrors
	Units      []policy.Entity
	Conflict   []policy.FieldDiff
}

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
}

// NewCommitmentView is the form that pins a new commitment to a paragraph.
type NewCommitmentView struct {
	Document  policy.Document
	Paragraph policy.Paragraph
	Taken     []string // the commitments already in the paragraph
	Quote     string
	Title     string
	Kind      string
	Strength  string
	Status    string
	Lead      []string
	Support   []string
	Units     []policy.Entity
	Errors    FieldErrors
}

// HistoryView is the change history of a commitment.
type HistoryView struct {
	Commitment policy.Commitment
	Changes    []policy.Change
	Staff      bool
}

// UsersView is the account administration page.
type UsersView struct {
	Users  []policy.User
	Self   int64
	New    NewUserForm
	Errors FieldErrors
	// ErrorsFor is the account whose row holds Errors, 0 for the new-account form.
	ErrorsFor int64
	// Submitted is the refused row's values as typed.
	Submitted *AccountRow
	Message   string
}

// AccountRow is an account row's form as shown: the stored values, or what was
// submitted when the change was refused.
type AccountRow struct {
	Name     string
	Role     policy.Role
	Disabled bool
}

// rowOf is what an account's row shows.
func rowOf(v UsersView, u policy.User) AccountRow {
	if v.Submitted != nil && v.ErrorsFor == u.ID {
		return *v.Submitted
	}
	return AccountRow{Name: u.Name, Role: u.Role, Disabled: u.DisabledAt != nil}
}

// NewUserForm is the form that adds an account.
type NewUserForm struct {
	Email, Name, Role string
}

func selected(values []string, v string) bool { return slices.Contains(values, v) }

// GroupByKind groups entities that arrive ordered by kind, keeping their order.
func GroupByKind(es []policy.Entity) []EntityGroup {
	var out []EntityGroup
	for _, e := range es {
		if n := len(out); n == 0 || out[n-1].Kind != e.Kind {
			out = append(out, EntityGroup{Kind: e.Kind})
		}
		out[len(out)-1].Entities = append(out[len(out)-1].Entities, e)
	}
	return out
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func joinComma(ss []string) string { return strings.Join(ss, ";") }

// errorsFor returns the page's field errors if they belong to the account id
// (0: the new-account form), none otherwise.
func errorsFor(v UsersView, id int64) FieldErrors {
	if v.ErrorsFor == id {
		return v.Errors
	}
	return nil
}

// instant formats a moment of the portal's own record (a change, a login) in
// Beijing time.
func instant(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.In(policy.China).Format("2006-01-02 15:04")
}
