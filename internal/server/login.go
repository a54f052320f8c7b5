package server

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/guizhou-portal/portal/internal/auth"
	"github.com/guizhou-portal/portal/internal/i18n"
	"github.com/guizhou-portal/portal/internal/policy"
	"github.com/guizhou-portal/portal/web"
)

// Login throttling: after loginLimit failures within loginWindow, for one
// account or from one client address, further attempts wait.
const (
	loginLimit  = 5
	loginWindow = 15 * time.Minute
)

// loginFailed is the one message (its catalogue ID) for every failed login,
// so that it never tells whether an account exists or is disabled.
const loginFailed = "login.failed"

// showLogin shows the login form; a signed-in user goes straight on.
func (s *Server) showLogin(w http.ResponseWriter, r *http.Request) {
	next := localPath(r.URL.Query().Get("next"))
	if userOf(r) != nil {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, web.LoginPage(web.LoginView{Next: next}))
}

// login checks the credentials and starts a session under a new token.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		s.renderError(w, r, err)
		return
	}
	v := web.LoginView{
		Email:  strings.ToLower(strings.TrimSpace(strings.ToValidUTF8(r.PostForm.Get("email"), "\uFFFD"))),
		Next:   localPath(r.PostForm.Get("next")),
		Errors: fieldErrors{},
	}
	v.Kept, _ = keptFromLogin(r.PostForm)
	password := r.PostForm.Get("password")
	// Any address may be tried, but only something that could be an address is
	// recorded; the answer still says nothing about whether an account exists.
	l := i18n.From(r.Context())
	if v.Email == "" {
		v.Errors["email"] = l.T("login.email.missing")
	} else if !auth.CheckEmail(v.Email).OK() {
		v.Errors["email"] = l.T("login.email.bad")
	}
	if password == "" {
		v.Errors["password"] = l.T("login.password.missing")
	}
	if len(v.Errors) > 0 {
		s.render(w, r, http.StatusUnprocessableEntity, web.LoginPage(v))
		return
	}
	ctx := r.Context()
	client := s.clientAddr(r)
	attempt, wait, err := s.store.BeginLoginAttempt(ctx, v.Email, client, loginLimit, loginWindow)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if wait > 0 {
		minutes := max(1, int(wait.Round(time.Minute)/time.Minute))
		s.logger.WarnContext(r.Context(), "login throttled", "email", v.Email, "client", client.String(), "retry_after", wait.Round(time.Second))
		w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
		v.Message = l.T("login.throttled", minutes)
		s.render(w, r, http.StatusTooManyRequests, web.LoginPage(v))
		return
	}
	u, hash, err := s.store.UserForLogin(ctx, v.Email)
	ok := false
	switch policy.ErrorCode(err) {
	case "":
		var verr error
		ok, verr = auth.VerifyPassword(password, hash)
		if verr != nil {
			s.logger.ErrorContext(r.Context(), "stored password hash unreadable", "user_id", u.ID, "err", verr)
		}
		ok = ok && u.DisabledAt == nil
	case policy.ENOTFOUND:
		auth.VerifyNobody(password)
	default:
		s.renderError(w, r, err)
		return
	}
	if err := s.store.FinishLoginAttempt(ctx, attempt, ok); err != nil {
		s.renderError(w, r, err)
		return
	}
	if !ok {
		s.logger.InfoContext(r.Context(), "login failed", "email", v.Email, "client", client.String())
		v.Message = l.T(loginFailed)
		s.render(w, r, http.StatusUnprocessableEntity, web.LoginPage(v))
		return
	}
	// A new token at login, so that a token planted before it is worthless.
	if err := s.sessions.RenewToken(ctx); err != nil {
		s.renderError(w, r, err)
		return
	}
	s.sessions.Put(ctx, sessionUserID, u.ID)
	s.keepFormAfterLogin(ctx, v.Kept, u.ID, v.Next)
	if err := s.saveSession(w, r, u.ID); err != nil {
		s.renderError(w, r, err)
		return
	}
	s.logger.InfoContext(r.Context(), "login", "user_id", u.ID, "client", client.String())
	http.Redirect(w, r, v.Next, http.StatusSeeOther)
}

// logout ends the session on the server and in the browser.
func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if u := userOf(r); u != nil {
		s.logger.InfoContext(r.Context(), "logout", "user_id", u.ID)
	}
	if err := s.endSession(w, r); err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// localPath returns next if it is a path on this site, "/" otherwise, so that
// the login form cannot send anyone elsewhere.
func localPath(next string) string {
	if !isLocalPath(next) {
		return "/"
	}
	return next
}

// isLocalPath reports whether a redirect to next stays on this site in every
// browser: a path, with no backslash (read as /) and no control character
// (browsers drop tabs and line breaks, so /<tab>/host is //host).
func isLocalPath(next string) bool {
	if next == "" || len(next) > 2000 || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") ||
		strings.ContainsAny(next, "\\") || !utf8.ValidString(next) ||
		strings.ContainsFunc(next, unicode.IsControl) {
		return false
	}
	u, err := url.Parse(next)
	return err == nil && u.Scheme == "" && u.Host == ""
}
