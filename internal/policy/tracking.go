package policy

import (
	"strconv"
	"strings"
	"time"
)

// Actor is who makes a change: a signed-in user, or the command line.
type Actor struct {
	UserID    int64 // 0 for the command line
	Name      string
	RequestID string
}

// ProgressUpdate is a dated entry in a commitment's timeline: what staff
// submitted, as stored.
type ProgressUpdate struct {
	NewUpdate
	ID        int64
	Author    string // empty where the viewer may not see it
	CreatedAt time.Time
	// CorrectedAt is when its words or link were last corrected, if ever;
	// HiddenAt when staff hid it from the public, with their reason.
	CorrectedAt *time.Time
	HiddenAt    *time.Time
	HideReason  string
}

// CommitmentEdit is what staff may change on a commitment through its form.
type CommitmentEdit struct {
	Title    string         // blank keeps the title
	Kind     CommitmentKind // blank keeps the kind
	Strength Strength       // blank keeps the strength
	// TitleEN is the English title, blank to have none; nil keeps it (a
	// client that does not send the field changes nothing).
	TitleEN    *string
	Status     Status
	Progress   *int
	Lead       []string // entity slugs
	Support    []string // entity slugs
	TimeFrame  string
	DueOn      *time.Time
	PublicNote string
}

// NewUpdate is a progress update as staff submit it.
type NewUpdate struct {
	HappenedOn  time.Time
	Status      Status
	Progress    *int
	Note        string
	EvidenceURL string
	Public      bool
	Signed      bool // the author's name may be shown to the public
}

// NewCommitment is a commitment staff pin to a quote of a paragraph.
type NewCommitment struct {
	DocumentSlug string
	ParagraphSeq int
	Quote        string
	Title        string
	Kind         CommitmentKind
	Strength     Strength
	Status       Status
	Lead         []string
	Support      []string
}

// NewPart is a part staff add to a commitment: it stands on its parent's
// words and takes its kind and strength.
type NewPart struct {
	Title  string
	Status Status
}

// CommitmentState is a commitment's values as the audit log records them before
// and after a change. Units are kept by name, as they were at the time.
type CommitmentState struct {
	Title    string   `json:"title"`
	TitleEN  string   `json:"title_en,omitempty"`
	Quote    string   `json:"quote"`
	Kind     string   `json:"kind"`
	Strength string   `json:"strength"`
	Status   Status   `json:"status"`
	Progress *int     `json:"progress"`
	Lead     []string `json:"lead"`    // the units' names at the time
	Support  []string `json:"support"` // the units' names at the time
	// LeadUnits and SupportUnits are the same units' slugs, which never
	// change: the ledger at a past date reads them (migration 00027).
	// Records made before them name the units only.
	LeadUnits       []string `json:"lead_units"`
	SupportUnits    []string `json:"support_units"`
	TimeFrame       string   `json:"time_frame"`
	DueOn           string   `json:"due_on"` // YYYY-MM-DD or ""
	PublicNote      string   `json:"public_note"`
	Withdrawn       bool     `json:"withdrawn"`
	WithdrawnReason string   `json:"withdrawn_reason"`
	// VerifiedStatus is the status a reviewer verified against evidence;
	// records made before verification existed lack it.
	VerifiedStatus Status `json:"verified_status,omitempty"`
}

// UserState is an account's values as the audit log records them.
type UserState struct {
	Email    string `json:"email"`
	Name     string `json:"name"`
	Role     Role   `json:"role"`
	Disabled bool   `json:"disabled"`
}

// Field is one labelled value of a recorded state, as the history shows it.
// Vocabulary values (status, kind, strength, role) and flags are kept as their
// codes, so that the interface can name them in the reader's language.
type Field struct {
	Key, Label, Value string
}

// Fields lists the commitment's values in the order the history shows them.
func (s *CommitmentState) Fields() []Field {
	if s == nil {
		return nil
	}
	progress := ""
	if s.Progress != nil {
		progress = strconv.Itoa(*s.Progress) + "%"
	}
	return []Field{
		{"title", "标题", s.Title},
		{"title_en", "英文标题", s.TitleEN},
		{"quote", "原文", s.Quote},
		{"kind", "类型", s.Kind},
		{"strength", "承诺力度", s.Strength},
		{"status", "状态", string(s.Status)},
		{"progress", "进度", progress},
		{"lead", "牵头单位", strings.Join(s.Lead, "、")},
		{"support", "配合单位", strings.Join(s.Support, "、")},
		{"time_frame", "时间安排", s.TimeFrame},
		{"due_on", "完成期限", s.DueOn},
		{"public_note", "公开说明", s.PublicNote},
		{"withdrawn", "已撤回", strconv.FormatBool(s.Withdrawn)},
		{"withdrawn_reason", "撤回原因", s.WithdrawnReason},
		{"verified_status", "核实状态", string(s.VerifiedStatus)},
	}
}

// Fields lists the account's values in the order the history shows them.
func (s *UserState) Fields() []Field {
	if s == nil {
		return nil
	}
	return []Field{
		{"email", "邮箱", s.Email},
		{"name", "姓名", s.Name},
		{"role", "角色", string(s.Role)},
		{"disabled", "已停用", strconv.FormatBool(s.Disabled)},
	}
}

// FieldDiff is one field that a change altered; Key names the field for the
// interface's catalogue, Label is its Chinese name.
type FieldDiff struct {
	Key, Label, Before, After string
}

// StaffOnlyFields are recorded values the public never sees, even in history.
var StaffOnlyFields = map[string]bool{"withdrawn_reason": true}

// Diff lists the fields whose values differ between before and after; a nil
// before (a creation) lists every field that after sets.
func Diff(before, after []Field) []FieldDiff {
	old := make(map[string]string, len(before))
	for _, f := range before {
		old[f.Key] = f.Value
	}
	var out []FieldDiff
	for _, f := range after {
		if b := old[f.Key]; b != f.Value {
			out = append(out, FieldDiff{Key: f.Key, Label: f.Label, Before: b, After: f.Value})
		}
	}
	return out
}

// Change is one audit record, ready to show.
type Change struct {
	ID           int64
	At           time.Time
	Actor        string // empty where the viewer may not see it
	Action       string
	SubjectType  string
	SubjectID    int64
	SubjectLabel string // 承诺 12:..., an account's name, or a document's title
	SubjectSlug  string // a document's slug, for its link
	Diffs        []FieldDiff
	Update       *ProgressUpdate // the update an update.add change added, if the viewer may see it
	// Reviewed says the change was sent for review and approved by Actor;
	// ProposedBy is who sent it (empty where the viewer may not see it).
	Reviewed   bool
	ProposedBy string
}

// Audit actions.
const (
	ActionCommitmentCreate   = "commitment.create"
	ActionCommitmentUpdate   = "commitment.update"
	ActionCommitmentWithdraw = "commitment.withdraw"
	ActionCommitmentRestore  = "commitment.restore"
	// An import re-anchored a commitment to changed words, or could not
	// place it; staff confirm the one or pin the other again by hand.
	ActionCommitmentReanchor      = "commitment.reanchor"
	ActionCommitmentAnchorConfirm = "commitment.anchor_confirm"
	ActionCommitmentRepin         = "commitment.repin"
	ActionUpdateAdd               = "update.add"
	ActionUserCreate              = "user.create"
	ActionUserUpdate              = "user.update"
	ActionUserPassword            = "user.password"
	// A change sent for review, and returned; an approved one is the
	// commitment.update it makes, whose detail names who proposed it.
	ActionReviewPropose    = "review.propose"
	ActionReviewReturn     = "review.return"
	ActionCommitmentVerify = "commitment.verify"
)

// Correction actions of progress updates (issue 16): their audit records have
// the commitment as subject and an UpdateState before and after.
const (
	ActionUpdateEdit = "update.edit"
	ActionUpdateHide = "update.hide"
	ActionUpdateShow = "update.show"
	// ActionUserOwnPassword is a user changing their own password; an admin's
	// reset is ActionUserPassword.
	ActionUserOwnPassword = "user.password_own"
)

// UpdateCorrection is what staff may correct on a progress update: its words
// and its link. Its date, status and progress are the record of what was
// reported; a different state is a new update.
type UpdateCorrection struct {
	Note        string
	EvidenceURL string
}

// UpdateState is a progress update's values as the audit log records them
// before and after a correction.
type UpdateState struct {
	HappenedOn  string `json:"happened_on"` // YYYY-MM-DD
	Note        string `json:"note"`
	EvidenceURL string `json:"evidence_url"`
	Public      bool   `json:"public"`
	Hidden      bool   `json:"hidden"`
	HideReason  string `json:"hide_reason"`
}

// Fields lists the update's values in the order the history shows them.
func (s *UpdateState) Fields() []Field {
	if s == nil {
		return nil
	}
	return []Field{
		{"update_note", "进展说明", s.Note},
		{"update_evidence", "佐证链接", s.EvidenceURL},
		{"update_hidden", "已隐藏", strconv.FormatBool(s.Hidden)},
		{"update_hide_reason", "隐藏原因", s.HideReason},
	}
}
