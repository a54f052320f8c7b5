package server

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/guizhou-portal/portal/internal/policy"
	"github.com/guizhou-portal/portal/web"
)

// showSection shows one section or sub-item with the commitments made in it.
func (s *Server) showSection(w http.ResponseWriter, r *http.Request) {
	anchor := chi.URLParam(r, "anchor")
	fd, ok := s.loadDocument(w, r, chi.URLParam(r, "slug"))
	if !ok {
		return
	}
	sec := (*policy.Section)(nil)
	if policy.ValidAnchor(anchor) {
		sec = fd.Section(anchor)
	}
	if sec == nil {
		s.renderError(w, r, policy.Errorm(policy.ENOTFOUND, "err.section", fd.Title))
		return
	}
	all, err := s.store.Commitments(r.Context(), policy.CommitmentFilter{Documents: []string{fd.Slug}})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	var inside []policy.Commitment
	for _, c := range all {
		if sec.Contains(c.Place.ParagraphSeq, c.Place.Start, c.Place.End) {
			inside = append(inside, c.Public())
		}
	}
	var ratings []policy.Evaluation
	if sec.ParentID == 0 {
		if ratings, err = s.store.SectionEvaluations(r.Context(), sec.ID); err != nil {
			s.renderError(w, r, err)
			return
		}
	}
	s.render(w, r, http.StatusOK, web.SectionPage(fd, sec, fd.Excerpt(sec), inside, ratings))
}
