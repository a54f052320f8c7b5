package server

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strconv"
	"unicode/utf8"

	"github.com/a-h/templ"

	"github.com/guizhou-portal/portal/internal/i18n"
	"github.com/guizhou-portal/portal/internal/policy"
	"github.com/guizhou-portal/portal/internal/postgres"
	"github.com/guizhou-portal/portal/web"
)

var (
	errNotFoundPage = policy.Errorm(policy.ENOTFOUND, "err.page")
	errMethod       = policy.Errorm(policy.EMETHOD, "err.method")
	errForbidden    = policy.Errorm(policy.EFORBIDDEN, "err.forbidden")
	errCrossOrigin  = policy.Errorm(policy.EFORBIDDEN, "err.crossorigin")
	errPanic        = errors.New("handler panicked")
	errNoDocument   = policy.Errorm(policy.ENOTFOUND, "err.document")
	errNoEntity     = policy.Errorm(policy.ENOTFOUND, "err.entity")
)

// codeStatus is the HTTP status of each error code: the one table of it.
var codeStatus = map[string]int{
	policy.EINVALID:      http.StatusBadRequest,
	policy.ENOTFOUND:     http.StatusNotFound,
	policy.ECONFLICT:     http.StatusConflict,
	policy.EUNAUTHORIZED: http.StatusUnauthorized,
	policy.EFORBIDDEN:    http.StatusForbidden,
	policy.ETOOLARGE:     http.StatusRequestEntityTooLarge,
	policy.EMETHOD:       http.StatusMethodNotAllowed,
	policy.ETOOMANY:      http.StatusTooManyRequests,
	policy.EGONE:         http.StatusGone,
	policy.EUNAVAILABLE:  http.StatusServiceUnavailable,
	policy.EINTERNAL:     http.StatusInternalServerError,
}

// statusOf maps an error to its HTTP status by its code; an uncoded error is
// a 503 when the database is unavailable and a 500 otherwise.
func statusOf(err error) int {
	code := policy.ErrorCode(err)
	if status, ok := codeStatus[code]; ok && code != policy.EINTERNAL {
		return status
	}
	if postgres.Unavailable(err) {
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// renderError is the one place where errors become pages: it picks the status,
// logs what users must not see, and renders a message they can act on.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, err error) {
	status := statusOf(err)
	l := i18n.From(r.Context())
	heading, message := l.T("err.heading"), errorMessage(l, err)
	switch status {
	case http.StatusNotFound, http.StatusBadRequest, http.StatusUnauthorized, http.StatusForbidden,
		http.StatusConflict, http.StatusMethodNotAllowed, http.StatusTooManyRequests, http.StatusGone:
		// These have a heading of their own in the catalogue: err.heading.404 ...
		heading = l.T("err.heading." + strconv.Itoa(status))
	case http.StatusRequestEntityTooLarge:
		// Declared too large, or cut off at the cap while being read.
		s.logger.WarnContext(r.Context(), "request body refused", "path", logPath(r), "content_length", r.ContentLength)
	case http.StatusServiceUnavailable:
		w.Header().Set("Retry-After", "5")
		heading = l.T("err.heading.503")
		if policy.ErrorCode(err) == policy.EUNAVAILABLE {
			break // its own message says what is down; its handler logged why
		}
		s.logger.WarnContext(r.Context(), "database unavailable", "path", logPath(r), "err", err)
		message = l.T("err.503")
	case http.StatusInternalServerError:
		s.logger.ErrorContext(r.Context(), "internal error", "path", logPath(r), "err", err)
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, status, web.ErrorPage(status, heading, message, requestID(r)))
}

// errorMessage is what the user reads about err, in their language: the
// catalogue message of a coded error, or its Chinese message when it has none.
func errorMessage(l *i18n.Localizer, err error) string {
	var e *policy.Error
	switch {
	case !errors.As(err, &e):
		return l.T("err.internal")
	case e.MessageID != "":
		return l.T(e.MessageID, e.Args...)
	default:
		return e.Message
	}
}

// render writes a component with status. Rendering into a buffer first means a
// failure half-way never sends half a page with a 200.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, c templ.Component) {
	buf := templ.GetBuffer()
	defer templ.ReleaseBuffer(buf)
	// Rendering does no I/O; an expired request deadline (the very reason for
	// a 503 page) must not stop it.
	if err := c.Render(context.WithoutCancel(r.Context()), buf); err != nil {
		s.logger.ErrorContext(r.Context(), "render failed", "path", logPath(r), "err", err)
		http.Error(w, i18n.From(r.Context()).T("err.render"), http.StatusInternalServerError)
		return
	}
	page := buf.Bytes()
	// A form shown again holds what was typed, invalid bytes and NULs
	// included; the page says it is UTF-8 and HTML allows no NUL, so both
	// become U+FFFD, as a browser would show them.
	if !utf8.Valid(page) {
		page = bytes.ToValidUTF8(page, []byte("\uFFFD"))
	}
	if bytes.IndexByte(page, 0) >= 0 {
		page = bytes.ReplaceAll(page, []byte{0}, []byte("\uFFFD"))
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(page)
	}
}
