package web

import (
	"context"
	"strings"
	"time"

	"github.com/guizhou-portal/portal/internal/policy"
)

// FilterOption is one value a filter can take, with whether it is selected
// and how many commitments it would leave.
type FilterOption struct {
	Value    string
	Label    string
	Selected bool
	Count    int
}

// FilterGroup is one filter (a query parameter) with its options.
type FilterGroup struct {
	Param   string
	Legend  string
	Options []FilterOption
}

func (g FilterGroup) anySelected() bool {
	for _, o := range g.Options {
		if o.Selected {
			return true
		}
	}
	return false
}

// ActiveFilter is a selected filter value with the link that removes it.
type ActiveFilter struct {
	Legend    string
	Label     string
	RemoveURL string
}

// CommitmentsView is the commitments list with its filters.
type CommitmentsView struct {
	Groups      []FilterGroup
	Active      []ActiveFilter
	Documents   []policy.Document // the documents filtered to, if any
	Commitments []policy.Commitment
	Total       int        // how many match; Commitments may hold only the first ones
	CSVURL      string     // the same filters as a CSV download
	Sort        string     // the order asked for; empty for reading order
	Sorts       []SortLink // the orders offered
	UpdatedAt   *time.Time // the last change to any commitment listed; nil if none
	FollowKey   string     // the filters as a query string, which a subscription to this list follows
}

// SortLink is an order of a list, as a link that keeps its filters.
type SortLink struct {
	Label   string
	URL     string
	Current bool
}

// commitmentsTitle names a filtered view by its filters, so that a shared
// link says in its title what it shows: 承诺事项:已完成、人才与科技支撑.
func commitmentsTitle(ctx context.Context, v CommitmentsView) string {
	if len(v.Active) == 0 {
		return T(ctx, "c.title")
	}
	labels := make([]string, len(v.Active))
	for i, a := range v.Active {
		labels[i] = a.Label
	}
	return T(ctx, "c.title.filtered", strings.Join(labels, T(ctx, "list.sep")))
}
