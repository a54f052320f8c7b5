package server

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/guizhou-portal/portal/internal/i18n"
	"github.com/guizhou-portal/portal/internal/policy"
	"github.com/guizhou-portal/portal/web"
)

// Parameters of /documents besides kind and year, which it shares with
// /commitments: q, a part of a title, 文号 or addressee, and sort, one of
// policy.DocumentSorts.
const (
	paramText  = "q"
	paramSort  = "sort"
	paramGrade = "grade" // a reply's handling grade, A to D
)

// documentTextMax is the longest text filter /documents takes, in characters.
const documentTextMax = 100

// showHome lists the documents.
func (s *Server) showHome(w http.ResponseWriter, r *http.Request) {
	docs, err := s.store.Documents(r.Context(), policy.DocumentFilter{Today: s.today()})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, web.Home(docs))
}

// listDocuments shows every public document with its counts, filtered by
// kind, year and text and sorted by date, commitments or last update. A bad
// value is a 400 that says which values are valid.
func (s *Server) listDocuments(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q, err := parseQuery(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	f, err := parseDocumentQuery(i18n.From(ctx), q)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	f.Today = s.today()
	docs, err := s.store.Documents(ctx, f)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	years, err := s.store.DocumentYears(ctx)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v := web.DocumentsView{Documents: docs, Text: f.Text, Sort: f.Sort, Sorts: policy.DocumentSorts, Today: f.Today}
	for _, k := range policy.DocumentKinds {
		v.Kinds = append(v.Kinds, web.FilterOption{Value: string(k), Selected: slices.Contains(f.Kinds, k)})
	}
	for _, g := range policy.Grades {
		v.Grades = append(v.Grades, web.FilterOption{Value: string(g), Selected: slices.Contains(f.Grades, g)})
	}
	for _, y := range years {
		v.Years = append(v.Years, web.FilterOption{Value: strconv.Itoa(y), Selected: slices.Contains(f.Years, y)})
	}
	for _, y := range f.Years { // a year no document has still shows as chosen
		if !slices.Contains(years, y) {
			v.Years = append(v.Years, web.FilterOption{Value: strconv.Itoa(y), Selected: true})
		}
	}
	s.render(w, r, http.StatusOK, web.DocumentsPage(v))
}

// parseDocumentQuery checks the filters and order of /documents strictly.
func parseDocumentQuery(l *i18n.Localizer, q url.Values) (policy.DocumentFilter, error) {
	f := policy.DocumentFilter{Sort: policy.SortDocumentsDate}
	kinds := names(l, "dkind.", policy.DocumentKinds)
	for _, v := range q[paramKind] {
		if _, ok := kinds[v]; !ok {
			return f, policy.Errorm(policy.EINVALID, "err.filter.value", l.T("doc.category"), truncate(v, 40), validList(kinds, l.T("list.sep")))
		}
		f.Kinds = append(f.Kinds, policy.DocumentKind(v))
	}
	for _, y := range q[paramYear] {
		n, err := strconv.Atoi(y)
		if err != nil || n < 1900 || n > 2100 || strconv.Itoa(n) != y {
			return f, policy.Errorm(policy.EINVALID, "err.filter.year", truncate(y, 40))
		}
		f.Years = append(f.Years, n)
	}
	grades := names(l, "grade.", policy.Grades)
	for _, v := range q[paramGrade] {
		if _, ok := grades[v]; !ok {
			return f, policy.Errorm(policy.EINVALID, "err.filter.value", l.T("grade"), truncate(v, 40), validList(grades, l.T("list.sep")))
		}
		f.Grades = append(f.Grades, policy.Grade(v))
	}
	switch texts := q[paramText]; {
	case len(texts) > 1:
		return f, policy.Errorm(policy.EINVALID, "err.documents.text", documentTextMax)
	case len(texts) == 1:
		t := strings.TrimSpace(texts[0])
		// Each refusal says its own reason: bytes that are no text are not a
		// length problem.
		if !utf8.ValidString(t) {
			return f, policy.Errorm(policy.EINVALID, "err.documents.utf8")
		}
		if i := strings.IndexFunc(t, unicode.IsControl); i >= 0 {
			r, _ := utf8.DecodeRuneInString(t[i:])
			return f, policy.Errorm(policy.EINVALID, "err.documents.control", fmt.Sprintf("U+%04X", r))
		}
		if utf8.RuneCountInString(t) > documentTextMax {
			return f, policy.Errorm(policy.EINVALID, "err.documents.text", documentTextMax)
		}
		f.Text = t
	}
	sorts := names(l, "docs.sort.", policy.DocumentSorts)
	switch vs := q[paramSort]; {
	case len(vs) > 1:
		return f, policy.Errorm(policy.EINVALID, "err.filter.value", l.T("docs.sort"), truncate(strings.Join(vs, ","), 40), validList(sorts, l.T("list.sep")))
	case len(vs) == 1 && vs[0] != "":
		if _, ok := sorts[vs[0]]; !ok {
			return f, policy.Errorm(policy.EINVALID, "err.filter.value", l.T("docs.sort"), truncate(vs[0], 40), validList(sorts, l.T("list.sep")))
		}
		f.Sort = policy.DocumentSort(vs[0])
	}
	return f, nil
}
