package server

import (
	"net/http"
	"strconv"
	"time"

	"github.com/guizhou-portal/portal/internal/auth"
	"github.com/guizhou-portal/portal/internal/i18n"
	"github.com/guizhou-portal/portal/internal/policy"
	"github.com/guizhou-portal/portal/web"
)

// requireAccount lets any signed-in account through: every user manages their
// own password.
func (s *Server) requireAccount(next http.Handler) http.Handler {
	return s.requireRole(func(u *policy.User) bool { return u.DisabledAt == nil }, next)
}

// showAccountPassword shows the form that changes one's own password.
func (s *Server) showAccountPassword(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, web.AccountPasswordPage(web.AccountPasswordView{}))
}

// changeAccountPassword changes the user's own password. The current password
// is required and checked like a login, counted with the logins of the account
// (not of the client address: one user's mistakes must not lock out everyone
// behind it), so that a left-open session cannot be used to guess it. On success every other session of the account ends and this one goes on
// under a new token.
func (s *Server) changeAccountPassword(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		s.renderError(w, r, err)
		return
	}
	ctx := r.Context()
	u := userOf(r)
	l := i18n.From(ctx)
	form := r.PostForm
	current, next, confirm := form.Get("current_password"), form.Get("new_password"), form.Get("confirm_password")
	v := web.AccountPasswordView{Errors: fieldErrors{}}
	if current == "" {
		v.Errors["current_password"] = l.T("login.password.missing")
	}
	if p := auth.CheckPassword(next); !p.OK() {
		v.Errors["new_password"] = l.T(p.ID, p.Args...)
	} else if next == current {
		v.Errors["new_password"] = l.T("account.same")
	}
	if confirm != next {
		v.Errors["confirm_password"] = l.T("account.mismatch")
	}
	if len(v.Errors) > 0 {
		s.render(w, r, http.StatusUnprocessableEntity, web.AccountPasswordPage(v))
		return
	}
	client := s.clientAddr(r)
	attempt, wait, err := s.store.BeginOwnPasswordAttempt(ctx, u.Email, loginLimit, loginWindow)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if wait > 0 {
		minutes := max(1, int(wait.Round(time.Minute)/time.Minute))
		s.logger.WarnContext(ctx, "password change throttled", "user_id", u.ID, "client", client.String())
		w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
		v.Message = l.T("login.throttled", minutes)
		s.render(w, r, http.StatusTooManyRequests, web.AccountPasswordPage(v))
		return
	}
	_, hash, err := s.store.UserForLogin(ctx, u.Email)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	ok, verr := auth.VerifyPassword(current, hash)
	if verr != nil {
		s.logger.ErrorContext(ctx, "stored password hash unreadable", "user_id", u.ID, "err", verr)
	}
	if err := s.store.FinishLoginAttempt(ctx, attempt, ok); err != nil {
		s.renderError(w, r, err)
		return
	}
	if !ok {
		s.logger.InfoContext(ctx, "password change: wrong current password", "user_id", u.ID, "client", client.String())
		v.Errors["current_password"] = l.T("account.wrong")
		s.render(w, r, http.StatusUnprocessableEntity, web.AccountPasswordPage(v))
		return
	}
	newHash, err := auth.HashPassword(next)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	// This session goes on under a new token; every other one ends.
	if err := s.sessions.RenewToken(ctx); err != nil {
		s.renderError(w, r, err)
		return
	}
	if err := s.saveSession(w, r, u.ID); err != nil {
		s.renderError(w, r, err)
		return
	}
	if err := s.store.ChangeOwnPassword(ctx, actorOf(r), u.ID, newHash, s.sessions.Token(ctx)); err != nil {
		s.renderError(w, r, err)
		return
	}
	s.logger.InfoContext(ctx, "own password changed", "user_id", u.ID)
	http.Redirect(w, r, "/account/password", http.StatusSeeOther)
}
