package server

import (
	"net/http"
	"slices"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/guizhou-portal/portal/internal/i18n"
	"github.com/guizhou-portal/portal/internal/policy"
)

// langCookie remembers the language a reader chose with the switch.
const langCookie = "lang"

// switchLanguage remembers the chosen language in a cookie for a year and
// sends the reader back to the page they came from.
func (s *Server) switchLanguage(w http.ResponseWriter, r *http.Request) {
	code := chi.URLParam(r, "lang")
	if !slices.Contains(i18n.Langs, code) {
		s.renderError(w, r, errNotFoundPage)
		return
	}
	q, err := parseQuery(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	next := q.Get("next")
	if next == "" {
		next = "/"
	}
	// Only a path on this site, and not the switch itself.
	if !isLocalPath(next) || strings.HasPrefix(next, "/lang/") {
		s.renderError(w, r, policy.Errorm(policy.EINVALID, "err.next"))
		return
	}
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: code, Path: "/", MaxAge: 365 * 24 * 60 * 60,
		HttpOnly: true, SameSite: http.SameSiteLaxMode})
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, next, http.StatusSeeOther)
}
