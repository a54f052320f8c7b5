package server

import (
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/guizhou-portal/portal/internal/anchor"
	"github.com/guizhou-portal/portal/internal/policy"
	"github.com/guizhou-portal/portal/internal/postgres"
	"github.com/guizhou-portal/portal/web"
)

// Earlier versions of a document's text stay readable: the list of
// versions, one version as it stood, and what changed between two.

// maxVersion bounds a version number read from a URL: more than any
// document will have, and far from overflowing an integer column.
const maxVersion = 1_000_000

// versionNumber reads a version number: a whole number from 1, written
// plainly (no sign, no leading zero). EINVALID otherwise, with the value.
func versionNumber(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > maxVersion || strconv.Itoa(n) != s {
		return 0, policy.Errorm(policy.EINVALID, "err.docversion.number", anchor.Truncate(s, 20))
	}
	return n, nil
}

// listVersions shows the versions of a document's text: /documents/{slug}/versions.
func (s *Server) listVersions(w http.ResponseWriter, r *http.Request) {
	slug, err := urlSlug(r, errNoDocument)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	d, vs, err := s.store.DocumentVersions(r.Context(), slug)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v := web.VersionsView{Document: d}
	for _, x := range vs {
		v.Versions = append(v.Versions, web.VersionRow{Number: x.Number, At: x.At, By: x.By, File: x.File, Paragraphs: x.Paragraphs})
	}
	s.render(w, r, http.StatusOK, web.VersionsPage(v))
}

// showVersion shows one version's text as it stood: /documents/{slug}/versions/{n}.
func (s *Server) showVersion(w http.ResponseWriter, r *http.Request) {
	slug, err := urlSlug(r, errNoDocument)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	n, err := versionNumber(chi.URLParam(r, "n"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	d, err := s.store.Document(r.Context(), slug)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	ver, ps, current, err := s.store.DocumentVersionText(r.Context(), d.ID, n)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v := web.VersionView{Document: d, Number: ver.Number, Current: current, At: ver.At, By: ver.By, File: ver.File,
		Paragraphs: versionParagraphs(ps)}
	s.render(w, r, http.StatusOK, web.VersionPage(v))
}

func versionParagraphs(ps []postgres.VersionParagraph) []web.VersionParagraph {
	out := make([]web.VersionParagraph, len(ps))
	for i, p := range ps {
		out[i] = web.VersionParagraph{Seq: p.Seq, Role: policy.ParagraphRole(p.Role), Text: p.Text}
	}
	return out
}

// showDiff shows what changed between two versions, inline:
// /documents/{slug}/diff?from=N&to=M. Missing or malformed numbers are
// 400 with what to write; a version the document does not have is 404.
func (s *Server) showDiff(w http.ResponseWriter, r *http.Request) {
	slug, err := urlSlug(r, errNoDocument)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	q := r.URL.Query()
	if len(q["from"]) != 1 || len(q["to"]) != 1 {
		s.renderError(w, r, policy.Errorm(policy.EINVALID, "err.diff.params"))
		return
	}
	from, err := versionNumber(q.Get("from"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	to, err := versionNumber(q.Get("to"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	d, vs, err := s.store.DocumentVersions(r.Context(), slug)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	texts := map[int][]string{}
	for _, n := range []int{from, to} {
		if _, ok := texts[n]; ok {
			continue
		}
		_, ps, _, err := s.store.DocumentVersionText(r.Context(), d.ID, n)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		for _, p := range ps {
			texts[n] = append(texts[n], p.Text)
		}
	}
	v := web.DiffView{Document: d, From: from, To: to, Paragraphs: anchor.Diff(texts[from], texts[to])}
	for _, x := range vs {
		v.Numbers = append(v.Numbers, x.Number)
	}
	s.render(w, r, http.StatusOK, web.DiffPage(v))
}
