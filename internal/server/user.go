package server

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/guizhou-portal/portal/internal/auth"
	"github.com/guizhou-portal/portal/internal/i18n"
	"github.com/guizhou-portal/portal/internal/policy"
	"github.com/guizhou-portal/portal/web"
)

// listUsers shows every account with the forms that manage them.
func (s *Server) listUsers(w http.ResponseWriter, r *http.Request) {
	s.renderUsers(w, r, http.StatusOK, web.UsersView{New: web.NewUserForm{Role: string(policy.RoleEditor)}})
}

func (s *Server) renderUsers(w http.ResponseWriter, r *http.Request, status int, v web.UsersView) {
	users, err := s.store.Users(r.Context())
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v.Users, v.Self = users, userOf(r).ID
	s.render(w, r, status, web.UsersPage(v))
}

// createUser adds an account.
func (s *Server) createUser(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		s.renderError(w, r, err)
		return
	}
	form := r.PostForm
	errs := fieldErrors{}
	f := web.NewUserForm{Email: strings.ToLower(strings.TrimSpace(form.Get("email"))), Name: form.Get("name"), Role: form.Get("role")}
	l := i18n.From(r.Context())
	if p := auth.CheckEmail(f.Email); !p.OK() {
		errs["email"] = l.T(p.ID, p.Args...)
	}
	name := text(l, errs, form, "name", l.T("field.name"), 60, true, false)
	role := policy.Role(f.Role)
	if !role.Valid() {
		errs["role"] = l.T("form.role")
	}
	password := form.Get("password")
	if p := auth.CheckPassword(password); !p.OK() {
		errs["password"] = l.T(p.ID, p.Args...)
	}
	if len(errs) > 0 {
		s.renderUsers(w, r, http.StatusUnprocessableEntity, web.UsersView{New: f, Errors: errs})
		return
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	_, err = s.store.CreateUser(r.Context(), actorOf(r), f.Email, name, role, hash)
	if policy.ErrorCode(err) == policy.ECONFLICT {
		s.renderUsers(w, r, http.StatusUnprocessableEntity, web.UsersView{New: f, Errors: fieldErrors{"email": errorMessage(l, err)}})
		return
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.logger.InfoContext(r.Context(), "account created", "email", f.Email, "role", role, "by", userOf(r).ID)
	http.Redirect(w, r, "/admin/users", http.StatusSeeOther)
}

func userID(r *http.Request) (int64, error) {
	raw := chi.URLParam(r, "id")
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 || strconv.FormatInt(id, 10) != raw {
		return 0, policy.Errorm(policy.ENOTFOUND, "err.account")
	}
	return id, nil
}

// updateUser changes an account's name and role, or disables or enables it.
// Admins cannot disable or demote themselves, so the portal always keeps one.
func (s *Server) updateUser(w http.ResponseWriter, r *http.Request) {
	id, err := userID(r)
	if err == nil {
		err = parseForm(w, r)
	}
	var u policy.User
	if err == nil {
		u, err = s.store.User(r.Context(), id)
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	form := r.PostForm
	errs := fieldErrors{}
	l := i18n.From(r.Context())
	name := text(l, errs, form, "name", l.T("field.name"), 60, true, false)
	role := policy.Role(form.Get("role"))
	if !role.Valid() {
		errs["role"] = l.T("form.role")
	}
	var disabled bool
	switch form.Get("state") {
	case "enabled":
	case "disabled":
		disabled = true
	default:
		errs["state"] = l.T("form.state")
	}
	if id == userOf(r).ID && (disabled || role != policy.RoleAdmin) {
		errs["state"] = l.T("form.self")
	}
	if len(errs) > 0 {
		s.renderUsers(w, r, http.StatusUnprocessableEntity, web.UsersView{Errors: errs, ErrorsFor: id,
			Submitted: &web.AccountRow{Name: form.Get("name"), Role: role, Disabled: disabled},
			New:       web.NewUserForm{Role: string(policy.RoleEditor)}})
		return
	}
	if err := s.store.UpdateUser(r.Context(), actorOf(r), id, name, role, disabled); err != nil {
		s.renderError(w, r, err)
		return
	}
	s.logger.InfoContext(r.Context(), "account updated", "user_id", id, "role", role, "disabled", disabled, "was_disabled", u.DisabledAt != nil, "by", userOf(r).ID)
	http.Redirect(w, r, "/admin/users", http.StatusSeeOther)
}

// resetPassword sets a new password for an account and ends its sessions.
func (s *Server) resetPassword(w http.ResponseWriter, r *http.Request) {
	id, err := userID(r)
	if err == nil {
		err = parseForm(w, r)
	}
	if err == nil {
		_, err = s.store.User(r.Context(), id)
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	password := r.PostForm.Get("password")
	if p := auth.CheckPassword(password); !p.OK() {
		msg := i18n.From(r.Context()).T(p.ID, p.Args...)
		s.renderUsers(w, r, http.StatusUnprocessableEntity, web.UsersView{Errors: fieldErrors{"password": msg}, ErrorsFor: id,
			New: web.NewUserForm{Role: string(policy.RoleEditor)}})
		return
	}
	hash, err := auth.HashPassword(password)
	if err == nil {
		err = s.store.SetPassword(r.Context(), actorOf(r), id, hash)
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.logger.InfoContext(r.Context(), "password reset", "user_id", id, "by", userOf(r).ID)
	http.Redirect(w, r, "/admin/users", http.StatusSeeOther)
}
