package postgres

// The commitment index's answers about units: the lead units the list
// filters by and the units' roll-ups of /units (commitment_index.go).

import (
	"context"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/guizhou-portal/portal/internal/policy"
)

// leadUnitsAt is the lead units as they were at an index version.
type leadUnitsAt struct {
	version uint64
	units   []policy.Entity
}

// leadUnits lists the entities that lead a commitment the viewer sees, as
// LeadUnits: most commitments first, then by name. The list is kept until
// the next change.
func (x *commitmentIndex) leadUnits(ctx context.Context) ([]policy.Entity, bool) {
	if !x.usable(ctx) {
		return nil, false
	}
	drafts := 0
	if policy.ViewerFrom(ctx).Drafts {
		drafts = 1
	}
	x.mu.RLock()
	if !x.ready {
		x.mu.RUnlock()
		return nil, false
	}
	if kept := x.leads[drafts]; kept.units != nil && kept.version == x.version {
		x.mu.RUnlock()
		return slices.Clone(kept.units), true
	}
	version := x.version
	lead := slices.IndexFunc(commitmentFilters, func(cf commitmentFilter) bool { return cf.name == policy.FacetLead })
	counts := make([]int, len(x.dict.values))
	x.scan(x.query(ctx, policy.CommitmentFilter{}), func(e *indexEntry, _ int32) {
		for _, v := range x.values(e, lead) {
			counts[v]++
		}
	}, nil)
	out := []policy.Entity{}
	for id, n := range counts {
		if n == 0 {
			continue
		}
		slug := x.dict.values[id]
		names := x.entityNames[slug]
		out = append(out, policy.Entity{Slug: slug, Name: names[0], NameEN: names[1], Mentions: n})
	}
	x.mu.RUnlock()
	slices.SortFunc(out, func(a, b policy.Entity) int {
		if a.Mentions != b.Mentions {
			return b.Mentions - a.Mentions
		}
		return strings.Compare(a.Name, b.Name)
	})
	x.mu.Lock()
	if x.version == version {
		x.leads[drafts] = leadUnitsAt{version: version, units: out}
	}
	x.mu.Unlock()
	return slices.Clone(out), true
}

// indexSupport is the group of an entry's values after the facets': the
// units that support it.
const indexSupport = indexFacets

// unitRollups rolls up every unit's commitments (or the one unit's whose
// slug is given) as unitRollups' SQL does: the commitments not withdrawn,
// not parts, of the documents the viewer sees, judged on the day today;
// satisfaction from the evaluations of the replies each unit leads in,
// which are few and read from PostgreSQL. Ordered by name.
func (x *commitmentIndex) unitRollups(ctx context.Context, today time.Time, slug string) ([]policy.Rollup, bool, error) {
	if !x.usable(ctx) {
		return nil, false, nil
	}
	evaluated, err := x.evaluations(ctx)
	if err != nil {
		return nil, false, err
	}
	x.mu.RLock()
	defer x.mu.RUnlock()
	if !x.ready {
		return nil, false, nil
	}
	q := x.query(ctx, policy.CommitmentFilter{Today: today})
	q.judge = true
	lead := slices.IndexFunc(commitmentFilters, func(cf commitmentFilter) bool { return cf.name == policy.FacetLead })
	type tally struct {
		policy.Rollup
		progress int
		updated  int64
		docs     map[int64]bool // the documents it leads in
	}
	units := map[string]*tally{} // by slug: a unit's ids as lead and as support differ
	x.scan(q, func(e *indexEntry, due int32) {
		if e.part {
			return
		}
		for _, role := range []int{lead, indexSupport} {
			for _, v := range x.values(e, role) {
				key := x.dict.values[v]
				if slug != "" && key != slug {
					continue
				}
				u := units[key]
				if u == nil {
					u = &tally{docs: map[int64]bool{}, updated: math.MinInt64}
					units[key] = u
				}
				u.Count++
				if role == lead {
					u.Led++
					u.docs[x.docs[e.doc].id] = true
				} else {
					u.Supported++
				}
				if e.done {
					u.Completed++
				}
				switch due {
				case dueOverdue:
					u.Overdue++
				case dueSoon:
					u.DueSoon++
				case dueNoDate:
					u.NoDate++
				}
				if e.progress >= 0 {
					u.Known++
					u.progress += int(e.progress)
				}
				u.updated = max(u.updated, e.updated)
			}
		}
	}, nil)
	out := make([]policy.Rollup, 0, len(units))
	for key, u := range units {
		r := u.Rollup
		r.Key = key
		names := x.entityNames[r.Key]
		r.Label, r.LabelEN = names[0], names[1]
		if r.Known > 0 {
			mean := float64(u.progress) / float64(r.Known)
			r.Mean = &mean
		}
		at := time.UnixMicro(u.updated)
		r.UpdatedAt = &at
		var sat *policy.RollupSatisfaction
		for doc := range u.docs {
			if n, ok := evaluated[doc]; ok {
				if sat == nil {
					sat = &policy.RollupSatisfaction{}
				}
				sat.Satisfied += n.Satisfied
				sat.Basic += n.Basic
				sat.Unsatisfied += n.Unsatisfied
			}
		}
		r.Satisfaction = sat
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b policy.Rollup) int { return strings.Compare(a.Label, b.Label) })
	return out, true, nil
}

// evaluations counts the proposers' evaluations of each reply the viewer
// sees, by rating, as unitSatisfactionSQL does: a handful of rows.
func (x *commitmentIndex) evaluations(ctx context.Context) (map[int64]policy.RollupSatisfaction, error) {
	rows, err := x.pool.Query(ctx, `
		SELECT ev.document_id,
		       count(*) FILTER (WHERE ev.rating = 'satisfied'),
		       count(*) FILTER (WHERE ev.rating = 'basically_satisfied'),
		       count(*) FILTER (WHERE ev.rating = 'unsatisfied')
		FROM evaluations ev JOIN documents d ON d.id = ev.document_id
		WHERE `+visible(ctx, "d")+`
		GROUP BY ev.document_id`)
	if err != nil {
		return nil, err
	}
	out := map[int64]policy.RollupSatisfaction{}
	var id int64
	var n policy.RollupSatisfaction
	_, err = pgx.ForEachRow(rows, []any{&id, &n.Satisfied, &n.Basic, &n.Unsatisfied}, func() error {
		out[id] = n
		return nil
	})
	return out, err
}
