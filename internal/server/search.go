package server

import (
	"net/http"
	"strconv"
	"strings"
	"unicode"

	"github.com/guizhou-portal/portal/internal/i18n"
	"github.com/guizhou-portal/portal/internal/policy"
	"github.com/guizhou-portal/portal/web"
)

// Search result page sizes: the overview shows the best of each kind, one kind
// is shown a page at a time.
const (
	searchOverview = 10
	searchPageSize = 50
	searchMaxPage  = 200
)

// searchExamples are offered on the empty search page; each finds something in
// the seeded reply and shows one kind of query.
var searchExamples = []string{"锂", "锂矿", "新能源电池及材料", "388.7", "黔工信提复字", "宁德时代 比亚迪", "铜仁"}

// showSearch answers /search?q=. No query shows how to search; a query that
// cannot be searched (not UTF-8, control characters, too long) is shown again
// with the reason and status 400; otherwise the results, grouped by kind, or
// one kind page by page with &kind=paragraph&page=2.
func (s *Server) showSearch(w http.ResponseWriter, r *http.Request) {
	q, err := parseQuery(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	raw := q.Get("q")
	v := web.SearchView{Query: printable(raw, policy.MaxSearchRunes), Examples: searchExamples, Page: 1}
	sq, err := policy.ParseSearch(raw)
	if err == nil {
		err = parseSearchPage(q.Get("kind"), q.Get("page"), &v)
	}
	if err != nil {
		if policy.ErrorCode(err) != policy.EINVALID {
			s.renderError(w, r, err)
			return
		}
		v.Error = errorMessage(i18n.From(r.Context()), err)
		s.render(w, r, http.StatusBadRequest, web.SearchPage(v))
		return
	}
	if v.Kind == "" {
		v.Results, err = s.store.Search(r.Context(), sq, searchOverview)
	} else {
		v.PageSize = searchPageSize
		v.Results, err = s.store.SearchKind(r.Context(), sq, v.Kind, searchPageSize, (v.Page-1)*searchPageSize)
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if v.Page > 1 && v.Results.Total() == 0 {
		s.renderError(w, r, policy.Errorm(policy.ENOTFOUND, "err.search.nopage", v.Page))
		return
	}
	s.render(w, r, http.StatusOK, web.SearchPage(v))
}

// parseSearchPage reads the optional kind and page of a search.
func parseSearchPage(kind, page string, v *web.SearchView) error {
	if kind != "" {
		if !policy.SearchKind(kind).Valid() {
			return policy.Errorm(policy.EINVALID, "err.search.kind", printable(kind, 20))
		}
		v.Kind = policy.SearchKind(kind)
	}
	if page != "" {
		n, err := strconv.Atoi(page)
		if err != nil || n < 1 || n > searchMaxPage || v.Kind == "" {
			return policy.Errorm(policy.EINVALID, "err.search.page", printable(page, 20), searchMaxPage)
		}
		v.Page = n
	}
	return nil
}

// printable makes user input safe to show again: invalid UTF-8 and control
// characters become �, and the text is cut to n characters. (Markup needs no
// care here: templates escape everything.)
func printable(s string, n int) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case unicode.IsSpace(r):
			return ' '
		case unicode.IsControl(r):
			return '�'
		}
		return r
	}, strings.ToValidUTF8(s, "�"))
	return truncate(s, n)
}
