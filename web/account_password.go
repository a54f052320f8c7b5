package web

// AccountPasswordView is the page on which a user changes their own password.
// Passwords are never shown again: a refused form comes back empty, with its
// messages.
type AccountPasswordView struct {
	Errors  FieldErrors
	Message string // a throttled attempt
}
