package server

import (
	"context"
	"net/url"
	"strings"

	"github.com/guizhou-portal/portal/internal/i18n"
	"github.com/guizhou-portal/portal/internal/policy"
	"github.com/guizhou-portal/portal/web"
)

// parseCommitmentSort reads the order of /commitments (and its CSV and API)
// from q: none is reading order; an unknown or repeated one is EINVALID.
func parseCommitmentSort(l *i18n.Localizer, q url.Values) (policy.CommitmentSort, error) {
	sorts := names(l, "c.sort.", policy.CommitmentSorts)
	switch vs := q[paramSort]; {
	case len(vs) > 1:
		return "", policy.Errorm(policy.EINVALID, "err.filter.value", l.T("c.sort"), truncate(strings.Join(vs, ","), 40), validList(sorts, l.T("list.sep")))
	case len(vs) == 1 && vs[0] != "":
		if _, ok := sorts[vs[0]]; !ok {
			return "", policy.Errorm(policy.EINVALID, "err.filter.value", l.T("c.sort"), truncate(vs[0], 40), validList(sorts, l.T("list.sep")))
		}
		return policy.CommitmentSort(vs[0]), nil
	}
	return policy.SortCommitmentsDefault, nil
}

// commitmentListExtras adds to the list's view its orders, as links that
// keep the filters, and when what it lists last changed. An error reading
// the date leaves it out.
func (s *Server) commitmentListExtras(ctx context.Context, v *web.CommitmentsView, q url.Values, f policy.CommitmentFilter) {
	l := i18n.From(ctx)
	v.Sort = string(f.Sort)
	for _, o := range append([]policy.CommitmentSort{policy.SortCommitmentsDefault}, policy.CommitmentSorts...) {
		u := url.Values{}
		for k, vs := range q {
			if k != paramSort {
				u[k] = vs
			}
		}
		if o != policy.SortCommitmentsDefault {
			u.Set(paramSort, string(o))
		}
		link := "/commitments"
		if len(u) > 0 {
			link += "?" + u.Encode()
		}
		v.Sorts = append(v.Sorts, web.SortLink{Label: l.T("c.sort." + string(o)), URL: link, Current: f.Sort == o})
	}
	if at, err := s.store.CommitmentsUpdatedAt(ctx, f); err == nil {
		v.UpdatedAt = at
	}
}
