package server

import (
	"net/http"

	"github.com/guizhou-portal/portal/internal/policy"
	"github.com/guizhou-portal/portal/internal/postgres"
	"github.com/guizhou-portal/portal/web"
)

var errNoUnit = policy.Errorm(policy.ENOTFOUND, "err.unit")

// listUnits ranks the responsible units (the entities commitments name as
// leading or supporting them) by their roll-ups: ?sort= is name,
// commitments, completed or overdue; none ranks by mean progress. With
// ?as_of= the units and their commitments are those of the end of that day.
func (s *Server) listUnits(w http.ResponseWriter, r *http.Request) {
	q, err := parseQuery(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	sort := q.Get(paramSort)
	if len(q[paramSort]) > 1 || !policy.ValidUnitSort(sort) {
		s.renderError(w, r, policy.Errorm(policy.EINVALID, "err.unit.sort", truncate(sort, 40)))
		return
	}
	units, err := s.store.UnitRollups(r.Context(), s.todayFor(r))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	policy.SortUnits(units, policy.UnitSort(sort))
	s.render(w, r, http.StatusOK, web.UnitsPage(web.UnitsView{Units: units, Sort: policy.UnitSort(sort)}))
}

// showUnit shows a unit's scorecard across all documents; an entity that no
// commitment names as a unit is a 404. With ?as_of= it is the scorecard at
// the end of that day.
func (s *Server) showUnit(w http.ResponseWriter, r *http.Request) {
	slug, err := urlSlug(r, errNoUnit)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	e, rollup, cs, err := s.store.Unit(r.Context(), slug, s.todayFor(r), postgres.UnitListLimit)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v := web.NewUnitView(e, rollup, policy.PublicCommitments(cs))
	s.render(w, r, http.StatusOK, web.UnitPage(v))
}
