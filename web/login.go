package web

// LoginView is the login form as typed, with what went wrong.
type LoginView struct {
	Email   string
	Next    string
	Errors  FieldErrors
	Message string // the one message for a failed or throttled login
	// Kept is a form that was sent after the session ended, carried through
	// the login to be shown again, filled in, once the user is back.
	Kept KeptForm
}

// KeptForm is a staff form posted without a live session: where it was sent
// (Action), what it held (Form, URL-encoded) and whose session it was sent
// under when the portal still knows (Owner, 0 otherwise).
type KeptForm struct {
	Action string
	Form   string
	Owner  int64
	Seal   string // the owner binding the login form carries (kept_owner), made and checked by the server
}
