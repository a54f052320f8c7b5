package web

// LoginView is the login form as typed, with what went wrong.
type LoginView struct {
	Email   string
	Next    string
	Errors  FieldErrors
	Message string // the one message for a failed or throttled login
}
