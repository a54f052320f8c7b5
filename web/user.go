package web

import "github.com/guizhou-portal/portal/internal/policy"

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

// errorsFor returns the page's field errors if they belong to the account id
// (0: the new-account form), none otherwise.
func errorsFor(v UsersView, id int64) FieldErrors {
	if v.ErrorsFor == id {
		return v.Errors
	}
	return nil
}
