package server

import (
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/guizhou-portal/portal/internal/policy"
	"github.com/guizhou-portal/portal/web"
)

// showDocument shows a document page, or its plain text for a slug ending in .txt.
func (s *Server) showDocument(w http.ResponseWriter, r *http.Request) {
	slug := chi.URLParam(r, "slug")
	if base, ok := strings.CutSuffix(slug, ".txt"); ok {
		s.showDocumentText(w, r, base)
		return
	}
	marksOff, err := marksParam(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	fd, ok := s.loadDocument(w, r, slug)
	if !ok {
		return
	}
	s.renderDocument(w, r, fd, http.StatusOK, web.DocumentExtras{MarksOff: marksOff, Grade: web.GradeForm{Grade: string(fd.Grade)}})
}

// renderDocument shows the document page of fd with x, reading what it
// shows besides the document; the grade form re-renders it with its errors.
func (s *Server) renderDocument(w http.ResponseWriter, r *http.Request, fd *policy.FullDocument, status int, x web.DocumentExtras) {
	figures, err := s.store.Figures(r.Context(), fd.ID)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	commitments, err := s.store.Commitments(r.Context(), policy.CommitmentFilter{Documents: []string{fd.Slug}})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if fd.Chain, err = s.store.DocumentChain(r.Context(), fd.ID); err != nil {
		s.renderError(w, r, err)
		return
	}
	at, err := s.store.DocumentUpdatedAt(r.Context(), fd.ID)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	x.UpdatedAt = &at
	if x.Evaluated, err = s.documentEvaluations(r, fd, x.Evaluated); err != nil {
		s.renderError(w, r, err)
		return
	}
	if x.MarksOff {
		stripMarks(fd.Paragraphs)
	}
	s.render(w, r, status, web.DocumentPage(fd, figures, policy.PublicCommitments(commitments), x))
}

// showDocumentText writes the document as plain UTF-8 text rebuilt from the
// database: the title, then every paragraph, with one blank line between.
func (s *Server) showDocumentText(w http.ResponseWriter, r *http.Request, slug string) {
	fd, ok := s.loadDocument(w, r, slug)
	if !ok {
		return
	}
	if len(fd.Paragraphs) == 0 {
		s.renderError(w, r, policy.Errorm(policy.ENOTFOUND, "err.notext", fd.Title))
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if r.Method != http.MethodHead {
		w.Write([]byte(fd.PlainText()))
	}
}

// urlSlug is the {slug} of the request's route; one that no document or
// entity could have is notFound, without asking the store.
func urlSlug(r *http.Request, notFound error) (string, error) {
	slug := chi.URLParam(r, "slug")
	if !policy.ValidSlug(slug) {
		return "", notFound
	}
	return slug, nil
}

// loadDocument loads the full document with the given slug, or renders the
// error page and reports false. A slug that cannot exist never reaches the database.
func (s *Server) loadDocument(w http.ResponseWriter, r *http.Request, slug string) (*policy.FullDocument, bool) {
	if !policy.ValidSlug(slug) {
		s.renderError(w, r, errNoDocument)
		return nil, false
	}
	fd, err := s.store.FullDocument(r.Context(), slug)
	if err != nil {
		s.renderError(w, r, err)
		return nil, false
	}
	return fd, true
}
