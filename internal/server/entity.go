package server

import (
	"net/http"

	"github.com/guizhou-portal/portal/internal/policy"
	"github.com/guizhou-portal/portal/web"
)

// listEntities shows every entity grouped by kind; ?kind= narrows to one kind.
func (s *Server) listEntities(w http.ResponseWriter, r *http.Request) {
	q, err := parseQuery(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	var kinds []policy.EntityKind
	for _, k := range q["kind"] {
		if !policy.EntityKind(k).Valid() {
			s.renderError(w, r, policy.Errorm(policy.EINVALID, "err.kind", truncate(k, 40)))
			return
		}
		kinds = append(kinds, policy.EntityKind(k))
	}
	all, err := s.store.Entities(r.Context(), kinds...)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, web.EntitiesPage(web.GroupByKind(all)))
}

// showEntity shows one entity with its mentions and commitments.
func (s *Server) showEntity(w http.ResponseWriter, r *http.Request) {
	slug, err := urlSlug(r, errNoEntity)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	e, err := s.store.Entity(r.Context(), slug)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, web.EntityPage(e))
}
