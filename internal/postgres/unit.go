package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/guizhou-portal/portal/internal/policy"
)

// Units are the entities that commitments name as leading or supporting them
// (commitment_units). Their roll-ups count as policy.Rollup says: commitments
// not withdrawn, top-level (parts carry no units), of visible documents.

// UnitRollups rolls up every unit's commitments, judged on the day today, in
// one query: the /units index. Their order is the caller's (policy.SortUnits).
func (s *Store) UnitRollups(ctx context.Context, today time.Time) ([]policy.Rollup, error) {
	return s.unitRollups(ctx, today, policy.Entity{})
}

// unitRollups is UnitRollups for the unit e (by its id and slug), or for
// every unit when e is the zero entity.
func (s *Store) unitRollups(ctx context.Context, today time.Time, e policy.Entity) ([]policy.Rollup, error) {
	if rollups, ok, err := s.index.unitRollups(ctx, today, e.Slug); ok || err != nil {
		return rollups, err
	}
	rows, err := s.pool.Query(ctx, asOf(ctx, `
		WITH sat AS (`+unitSatisfactionSQL(ctx)+`)
		SELECT e.slug, e.name, coalesce(e.name_en, ''), count(*),
		       count(*) FILTER (WHERE u.role = 'lead'), count(*) FILTER (WHERE u.role = 'support'),
		       count(*) FILTER (WHERE c.status = 'completed'),
		       count(*) FILTER (WHERE t.timeliness = 'overdue'), count(*) FILTER (WHERE t.timeliness = 'due_soon'),
		       count(*) FILTER (WHERE t.timeliness = 'no_date'),
		       count(c.progress), avg(c.progress)::float8, max(c.updated_at),
		       min(sat.satisfied), min(sat.basic), min(sat.unsatisfied)
		FROM commitment_units u
		JOIN commitments c ON c.id = u.commitment_id
		JOIN entities e ON e.id = u.entity_id
		CROSS JOIN LATERAL (SELECT `+timelinessSQL("$1::date")+` AS timeliness) t
		LEFT JOIN sat ON sat.entity_id = e.id
		WHERE c.withdrawn_at IS NULL AND c.parent_id IS NULL AND `+visibleDocument(ctx, "c.document_id")+`
		  AND ($2::bigint = 0 OR u.entity_id = $2)
		GROUP BY e.id
		ORDER BY e.name`), dayOrToday(today).Format("2006-01-02"), e.ID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (policy.Rollup, error) {
		var u policy.Rollup
		var sat [3]*int
		err := r.Scan(&u.Key, &u.Label, &u.LabelEN, &u.Count, &u.Led, &u.Supported, &u.Completed, &u.Overdue, &u.DueSoon,
			&u.NoDate, &u.Known, &u.Mean, &u.UpdatedAt, &sat[0], &sat[1], &sat[2])
		u.Satisfaction = satisfaction(sat)
		return u, err
	})
}

// unitSatisfactionSQL counts, per unit (entity_id), the proposers'
// evaluations of the visible replies in which the unit leads a counted
// commitment (not withdrawn, top-level): each evaluation once per unit, by
// its rating of the reply as a whole. A unit that only supports is not
// judged by the reply's evaluation: the lead unit answers for the reply.
// The argument $2 is the entity id of the one unit wanted, or 0 for all.
func unitSatisfactionSQL(ctx context.Context) string {
	return `SELECT l.entity_id,
		       count(*) FILTER (WHERE ev.rating = 'satisfied') AS satisfied,
		       count(*) FILTER (WHERE ev.rating = 'basically_satisfied') AS basic,
		       count(*) FILTER (WHERE ev.rating = 'unsatisfied') AS unsatisfied
		FROM (SELECT DISTINCT u.entity_id, c.document_id FROM commitment_units u
		      JOIN commitments c ON c.id = u.commitment_id
		      WHERE u.role = 'lead' AND c.withdrawn_at IS NULL AND c.parent_id IS NULL
		        AND ($2::bigint = 0 OR u.entity_id = $2)) l
		JOIN evaluations ev ON ev.document_id = l.document_id
		JOIN documents d ON d.id = ev.document_id
		WHERE ` + visible(ctx, "d") + evaluatedBefore(ctx, "ev") + `
		GROUP BY l.entity_id`
}

// evaluatedBefore is the condition, to append, that the evaluation alias e
// was submitted before the end of the context's as_of day; "" for the
// present. Evaluations are never changed once submitted.
func evaluatedBefore(ctx context.Context, e string) string {
	if t := asOfArg(ctx); t != "" {
		return " AND " + e + ".submitted_at < " + t
	}
	return ""
}

// satisfaction is the counts read from unitSatisfactionSQL's row, nil for a
// unit without evaluations.
func satisfaction(n [3]*int) *policy.RollupSatisfaction {
	if n[0] == nil {
		return nil
	}
	return &policy.RollupSatisfaction{Satisfied: *n[0], Basic: *n[1], Unsatisfied: *n[2]}
}

// DocumentSatisfaction counts the listed replies by the rating of their
// latest evaluation ("" for the ones not evaluated yet): the dashboard's
// satisfaction across documents.
func (s *Store) DocumentSatisfaction(ctx context.Context) (map[string]int, error) {
	rows, err := s.pool.Query(ctx, `SELECT coalesce(ev.rating, ''), count(*) FROM documents d
		LEFT JOIN LATERAL (SELECT e.rating FROM evaluations e WHERE e.document_id = d.id`+evaluatedBefore(ctx, "e")+`
		                   ORDER BY e.submitted_at DESC, e.id DESC LIMIT 1) ev ON true
		WHERE d.kind = 'reply' AND `+documentScope(ctx)+` GROUP BY 1`)
	if err != nil {
		return nil, err
	}
	out := map[string]int{}
	var g string
	var n int
	_, err = pgx.ForEachRow(rows, []any{&g, &n}, func() error { out[g] = n; return nil })
	return out, err
}

// UnitListLimit is how many commitments a unit's page lists at most; its
// roll-up counts them all. At 10,000 documents a unit names 14,000 commitments:
// listing them all made a 6.8 MB page that took 2 s.
const UnitListLimit = 100

// Unit returns the unit with the slug, the roll-up of its commitments judged
// on the day today (as UnitRollups), and the first limit of the commitments
// that name it as leading or supporting, top-level and not withdrawn, of the
// visible documents, real documents first, then in document and reading
// order. An entity no commitment names as a unit is ENOTFOUND.
func (s *Store) Unit(ctx context.Context, slug string, today time.Time, limit int) (policy.Entity, policy.Rollup, []policy.Commitment, error) {
	var e policy.Entity
	var r policy.Rollup
	err := s.pool.QueryRow(ctx, unitsAsOf(ctx, `
		SELECT e.id, e.slug, e.kind, e.name, coalesce(e.full_name, ''), coalesce(e.name_en, '') FROM entities e
		WHERE e.slug = $1 AND EXISTS (SELECT 1 FROM commitment_units u WHERE u.entity_id = e.id)`), slug).
		Scan(&e.ID, &e.Slug, &e.Kind, &e.Name, &e.FullName, &e.NameEN)
	if err != nil {
		return e, r, nil, notFound(err, "err.unit")
	}
	rollups, err := s.unitRollups(ctx, today, e)
	if err != nil {
		return e, r, nil, err
	}
	if len(rollups) == 1 {
		r = rollups[0]
	}
	rows, err := s.pool.Query(ctx, asOf(ctx, `SELECT `+commitmentColumns+commitmentFrom+`
		WHERE c.withdrawn_at IS NULL AND c.parent_id IS NULL AND `+visible(ctx, "d")+`
		  AND c.id IN (SELECT u.commitment_id FROM commitment_units u WHERE u.entity_id = $1)
		ORDER BY d.synthetic, d.signed_on DESC NULLS LAST, d.id, p.seq, c.start_offset
		LIMIT $2`), e.ID, limit)
	if err != nil {
		return e, r, nil, err
	}
	cs, err := pgx.CollectRows(rows, scanCommitment)
	return e, r, cs, err
}

// DocumentGrades counts the listed replies by their handling grade (A–D),
// with "" for the ones not graded yet: the dashboard's grades across
// documents.
func (s *Store) DocumentGrades(ctx context.Context) (map[string]int, error) {
	rows, err := s.pool.Query(ctx, `SELECT coalesce(d.reply_class, ''), count(*) FROM documents d
		WHERE d.kind = 'reply' AND `+documentScope(ctx)+` GROUP BY 1`)
	if err != nil {
		return nil, err
	}
	out := map[string]int{}
	var g string
	var n int
	_, err = pgx.ForEachRow(rows, []any{&g, &n}, func() error { out[g] = n; return nil })
	return out, err
}
