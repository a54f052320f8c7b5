package web

import (
	"fmt"
	"net/url"
	"slices"

	"github.com/guizhou-portal/portal/internal/policy"
)

// UnitsView is the /units index: every responsible unit's roll-up in the
// chosen order.
type UnitsView struct {
	Units []policy.Rollup
	Sort  policy.UnitSort
}

// UnitView is a unit's scorecard: its roll-up across all documents and the
// commitments it leads or supports.
type UnitView struct {
	Unit        policy.Entity
	Rollup      policy.Rollup
	Commitments []policy.Commitment
}

// NewUnitView is a unit's scorecard from its roll-up (policy.Rollup as the
// store computes it over all its commitments) and the commitments listed.
func NewUnitView(e policy.Entity, r policy.Rollup, cs []policy.Commitment) UnitView {
	v := UnitView{Unit: e, Commitments: cs, Rollup: r}
	v.Rollup.Key, v.Rollup.Label, v.Rollup.LabelEN = e.Slug, e.Name, e.NameEN
	return v
}

// Leads reports whether the unit leads c (else it supports it).
func (v UnitView) Leads(c policy.Commitment) bool {
	return slices.ContainsFunc(c.Lead, func(e policy.Entity) bool { return e.Slug == v.Unit.Slug })
}

func unitURL(slug string) string { return "/units/" + url.PathEscape(slug) }

func unitsSortURL(s policy.UnitSort) string {
	if s == policy.SortUnitsProgress {
		return "/units"
	}
	return "/units?sort=" + url.QueryEscape(string(s))
}

// meanText is a roll-up's mean progress, one decimal, or — when none is known.
func meanText(r policy.Rollup) string {
	if r.Mean == nil {
		return "—"
	}
	return fmt.Sprintf("%.1f%%", *r.Mean)
}

// ariaSort is the aria-sort of a sortable column header.
func ariaSort(current, col policy.UnitSort) string {
	if current == col {
		if col == policy.SortUnitsName {
			return "ascending"
		}
		return "descending"
	}
	return "none"
}
