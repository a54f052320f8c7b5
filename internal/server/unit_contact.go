package server

import (
	"net/http"
	"strings"

	"github.com/guizhou-portal/portal/internal/i18n"
	"github.com/guizhou-portal/portal/internal/policy"
)

// setUnitContact sets the address a unit's reminders go to (the form on
// /admin/mail); an empty address removes it.
func (s *Server) setUnitContact(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		s.renderError(w, r, err)
		return
	}
	l := i18n.From(r.Context())
	slug := r.PostForm.Get("unit")
	raw := strings.TrimSpace(r.PostForm.Get("contact_email"))
	email := ""
	if raw != "" {
		var ok bool
		if email, ok = policy.NormalizeEmail(raw); !ok {
			s.renderMailQueue(w, r, http.StatusUnprocessableEntity, fieldErrors{"contact_email": l.T("sub.err.email")}, slug, raw)
			return
		}
	}
	if !policy.ValidSlug(slug) {
		s.renderMailQueue(w, r, http.StatusUnprocessableEntity, fieldErrors{"unit": l.T("mailq.err.unit")}, slug, raw)
		return
	}
	if err := s.store.SetUnitContact(r.Context(), actorOf(r), slug, email); err != nil {
		if policy.ErrorCode(err) == policy.ENOTFOUND {
			s.renderMailQueue(w, r, http.StatusUnprocessableEntity, fieldErrors{"unit": l.T("mailq.err.unit")}, slug, raw)
			return
		}
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/mail?contact=1", http.StatusSeeOther)
}
