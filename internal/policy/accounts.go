package policy

import "time"

// Role is what a staff account may do. The public has no account and reads only.
type Role string

// Roles.
const (
	RoleEditor   Role = "editor"   // edits commitments and adds progress updates
	RoleReviewer Role = "reviewer" // also approves or returns edits sent for review, and verifies statuses
	RoleAdmin    Role = "admin"    // also manages accounts, and may review
)

// Roles lists the roles in the order the interface offers them.
var Roles = []Role{RoleEditor, RoleReviewer, RoleAdmin}

// Name is the Chinese name of the role.
func (r Role) Name() string {
	return map[Role]string{RoleEditor: "编辑", RoleReviewer: "审核员", RoleAdmin: "管理员"}[r]
}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r == RoleEditor || r == RoleReviewer || r == RoleAdmin }

// User is a staff account.
type User struct {
	ID         int64
	Email      string
	Name       string
	Role       Role
	DisabledAt *time.Time
	CreatedAt  time.Time
	LastLogin  *time.Time
}

// CanEdit reports whether u may change commitments.
func (u *User) CanEdit() bool {
	return u != nil && u.DisabledAt == nil && (u.Role == RoleEditor || u.Role == RoleReviewer || u.Role == RoleAdmin)
}

// CanReview reports whether u may approve or return changes sent for review,
// and record a verified status: reviewers and admins.
func (u *User) CanReview() bool {
	return u != nil && u.DisabledAt == nil && (u.Role == RoleReviewer || u.Role == RoleAdmin)
}

// IsAdmin reports whether u may manage accounts.
func (u *User) IsAdmin() bool { return u != nil && u.DisabledAt == nil && u.Role == RoleAdmin }
