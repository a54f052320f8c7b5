package policy

import (
	"errors"
	"fmt"

	"github.com/guizhou-portal/portal/internal/i18n"
)

// Error codes. The server maps each to an HTTP status; only EINTERNAL is logged,
// and its message is never shown to users.
const (
	EINVALID      = "invalid"
	ENOTFOUND     = "not_found"
	ECONFLICT     = "conflict"
	EUNAUTHORIZED = "unauthorized" // not logged in
	EFORBIDDEN    = "forbidden"    // logged in, but the role does not allow it
	ETOOLARGE     = "too_large"    // a request body over the cap
	EMETHOD       = "method"       // a method the address does not accept; the API's published code
	ETOOMANY      = "too_many"     // a client over its limit of pages rendered outside the cache
	EGONE         = "gone"         // something that existed and no longer serves: a spent or expired link
	EUNAVAILABLE  = "unavailable"  // a service besides the database is down, such as the evidence file store
	EINTERNAL     = "internal"
)

// Codes lists every error code, so that a test can check each has a status.
var Codes = []string{EINVALID, ENOTFOUND, ECONFLICT, EUNAUTHORIZED, EFORBIDDEN, ETOOLARGE, EMETHOD, ETOOMANY, EGONE, EUNAVAILABLE, EINTERNAL}

// The two conflicts of saving a commitment. Both are ECONFLICT, but a handler
// answers them differently (a stale form is shown again beside the current
// values; a withdrawn commitment takes no change), so each is a value of its
// own, told apart with errors.Is.
var (
	// ErrStale is what a save of a form loaded at an older version gets.
	ErrStale = Errorm(ECONFLICT, "err.stale")
	// ErrWithdrawn refuses changes to a withdrawn commitment other than restoring it.
	ErrWithdrawn = Errorm(ECONFLICT, "err.withdrawn")
)

// Error is a domain error with a code and a message fit to show a user. When
// MessageID is set, the interface shows that message of its catalogue, in the
// reader's language, with Args; Message is then the Chinese text, for logs.
type Error struct {
	Code      string
	Message   string
	MessageID string
	Args      []any
}

func (e *Error) Error() string {
	return fmt.Sprintf("policy error: code=%s message=%s", e.Code, e.Message)
}

// Errorf returns an *Error with the given code and formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Errorm returns an *Error with the given code whose message is the catalogue
// message id with args. The interface shows it in the reader's language;
// Message holds the Chinese text, for logs and for callers without a language.
func Errorm(code, id string, args ...any) *Error {
	return &Error{Code: code, Message: i18n.For("zh").T(id, args...), MessageID: id, Args: args}
}

// ErrorCode returns the code of err's *Error, EINTERNAL for any other error and ""
// for nil.
func ErrorCode(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Code
	default:
		return EINTERNAL
	}
}

// ErrorMessage returns the user-facing message of err.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return i18n.For("zh").T("err.internal")
}
