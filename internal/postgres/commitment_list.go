package postgres

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/guizhou-portal/portal/internal/policy"
)

// Commitments lists the commitments that match f, in document and reading order.
func (s *Store) Commitments(ctx context.Context, f policy.CommitmentFilter) ([]policy.Commitment, error) {
	where, args := commitmentWhere(ctx, f)
	by, ok := commitmentOrders[f.Sort]
	if !ok {
		return nil, policy.Errorf(policy.EINVALID, "unknown commitment order %q", f.Sort)
	}
	order := " ORDER BY " + by
	if f.Limit > 0 {
		if ids, ok := s.index.page(ctx, f); ok {
			return s.commitmentsByID(ctx, f, ids)
		}
	}
	q := `SELECT ` + commitmentColumns + commitmentFrom + " WHERE " + where + order
	if f.Limit > 0 {
		// Pick the page on narrow rows first: sorting every commitment with its
		// paragraph text and units took most of the time at 25,000 commitments.
		q = `SELECT ` + commitmentColumns + commitmentFrom + ` WHERE c.id IN (
			SELECT c.id` + commitmentNarrowFrom + `
			WHERE ` + where + order + fmt.Sprintf(" LIMIT %d OFFSET %d)", f.Limit, max(f.Offset, 0)) + order
	}
	rows, err := s.pool.Query(ctx, asOf(ctx, q), args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanCommitment)
}

// commitmentsByID reads the commitments with ids, in that order, that are
// still in f's scope: the index may be a moment behind a withdrawal or an
// unpublished document, and what the viewer may not see is left out here.
func (s *Store) commitmentsByID(ctx context.Context, f policy.CommitmentFilter, ids []int64) ([]policy.Commitment, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+commitmentColumns+commitmentFrom+` WHERE c.id = ANY($1) AND `+commitmentScope(ctx, f), ids)
	if err != nil {
		return nil, err
	}
	list, err := pgx.CollectRows(rows, scanCommitment)
	if err != nil {
		return nil, err
	}
	at := make(map[int64]int, len(ids))
	for i, id := range ids {
		at[id] = i
	}
	slices.SortFunc(list, func(a, b policy.Commitment) int { return at[a.ID] - at[b.ID] })
	return list, nil
}

// CountCommitments counts the commitments that match f, ignoring its Limit and Offset.
func (s *Store) CountCommitments(ctx context.Context, f policy.CommitmentFilter) (int, error) {
	if n, _, ok := s.index.count(ctx, f); ok {
		return n, nil
	}
	where, args := commitmentWhere(ctx, f)
	var n int
	err := s.pool.QueryRow(ctx, asOf(ctx, `SELECT count(*)`+commitmentNarrowFrom+` WHERE `+where), args...).Scan(&n)
	return n, err
}

// commitmentNarrowFrom joins what commitmentWhere's conditions need and no
// more: the top section through at most two parents instead of the recursive view.
const commitmentNarrowFrom = `
	FROM commitments c
	JOIN documents d ON d.id = c.document_id
	JOIN paragraphs p ON p.id = c.paragraph_id
	JOIN sections x ON x.id = c.section_id
	LEFT JOIN sections px ON px.id = x.parent_id
	LEFT JOIN sections gx ON gx.id = px.parent_id
	JOIN sections top ON top.id = coalesce(gx.id, px.id, x.id)`

// commitmentFilter is one filter of the commitments list and the facet that
// counts it. It defines once which values a commitment has: the list's
// condition, its count's, the facet counts (and so the page, the CSV and the
// API, which share these methods) are all made from it. Adding a filter is
// adding one to commitmentFilters (and its field to policy.CommitmentFilter).
type commitmentFilter struct {
	name string // the facet, also the query parameter: one of policy.Facets
	// value is a commitment's value, an SQL expression over the aliases of
	// commitmentNarrowFrom; with many, an array of its values.
	value string
	many  bool
	// pairs, instead of value, lists (commitment id, value) rows, for
	// values found in other tables: a commitment has any number of them.
	pairs string
	// label names a value (the SQL text "value") on the facet; the value
	// itself when it is empty or finds nothing.
	label string
	// selected are the values f selects, any of which a commitment must
	// have; none selects every commitment.
	selected func(f policy.CommitmentFilter) []string
}

// commitmentFilters are the filters, in the order of policy.Facets.
var commitmentFilters = []commitmentFilter{
	{name: policy.FacetDocument, value: "d.slug",
		label:    "(SELECT coalesce(d.doc_number, d.short_title, d.title) FROM documents d WHERE d.slug = value)",
		selected: func(f policy.CommitmentFilter) []string { return f.Documents }},
	{name: policy.FacetTheme, value: "top.theme_key",
		label:    "(SELECT t.name_zh FROM themes t WHERE t.key = value)",
		selected: func(f policy.CommitmentFilter) []string { return f.Themes }},
	{name: policy.FacetStatus, value: "c.status",
		selected: func(f policy.CommitmentFilter) []string { return toStrings(f.Statuses) }},
	{name: policy.FacetKind, value: "c.kind",
		selected: func(f policy.CommitmentFilter) []string { return toStrings(f.Kinds) }},
	{name: policy.FacetStrength, value: "c.strength",
		selected: func(f policy.CommitmentFilter) []string { return toStrings(f.Strengths) }},
	{name: policy.FacetLead,
		pairs: `SELECT u.commitment_id, e.slug FROM commitment_units u JOIN entities e ON e.id = u.entity_id
		        WHERE u.role = 'lead'`,
		label:    "(SELECT e.name FROM entities e WHERE e.slug = value)",
		selected: func(f policy.CommitmentFilter) []string { return f.Leads }},
	// A commitment's regions are those its quote or units name, or that
	// hold a park or county they name.
	{name: policy.FacetRegion,
		pairs: `SELECT ce.commitment_id, a.slug FROM commitment_entities ce
		        JOIN entity_lineage l ON l.entity_id = ce.entity_id JOIN entities a ON a.id = l.ancestor_id
		        WHERE a.kind = 'region'`,
		label:    "(SELECT e.name FROM entities e WHERE e.slug = value)",
		selected: func(f policy.CommitmentFilter) []string { return f.Regions }},
	{name: policy.FacetMineral,
		pairs: `SELECT ce.commitment_id, e.slug FROM commitment_entities ce JOIN entities e ON e.id = ce.entity_id
		        WHERE e.kind = 'mineral'`,
		label:    "(SELECT e.name FROM entities e WHERE e.slug = value)",
		selected: func(f policy.CommitmentFilter) []string { return f.Minerals }},
	// Its years are those from the start to the end of its stated period,
	// or its due date.
	{name: policy.FacetYear, many: true,
		value: `ARRAY(SELECT y::text FROM generate_series(
		            extract(year FROM coalesce(c.period_start, c.due_on))::int,
		            extract(year FROM coalesce(c.period_end, c.due_on))::int) AS y)`,
		label: "value || '年'",
		selected: func(f policy.CommitmentFilter) []string {
			years := make([]string, len(f.Years))
			for i, y := range f.Years {
				years[i] = strconv.Itoa(y)
			}
			return years
		}},
	// Its timeliness on the filter's day (commitment_timeliness.go).
	{name: policy.FacetDue, value: timelinessSQL(todayMark),
		selected: func(f policy.CommitmentFilter) []string { return toStrings(f.Due) }},
}

// queryArgs collects a query's arguments as its text is built.
type queryArgs []any

// add appends v and returns its placeholder, typed as the filters compare.
func (a *queryArgs) add(v []string) string {
	*a = append(*a, v)
	return fmt.Sprintf("$%d::text[]", len(*a))
}

// commitmentScope is what the list, its count and every facet count leave
// out before any filter: withdrawn commitments, drafts' commitments unless
// the context's viewer sees drafts, and synthetic documents when f asks for
// real ones only.
func commitmentScope(ctx context.Context, f policy.CommitmentFilter) string {
	scope := "c.withdrawn_at IS NULL AND " + visible(ctx, "d")
	if f.RealOnly {
		scope += " AND NOT d.synthetic"
	}
	return scope
}

// commitmentWhere is the condition that selects f's commitments, over the
// aliases of commitmentNarrowFrom, with its arguments.
func commitmentWhere(ctx context.Context, f policy.CommitmentFilter) (string, []any) {
	where := []string{commitmentScope(ctx, f)}
	var args queryArgs
	for _, cf := range commitmentFilters {
		sel := cf.selected(f)
		switch {
		case len(sel) == 0:
		case cf.pairs != "":
			where = append(where, `EXISTS (SELECT 1 FROM (`+cf.pairs+`) AS v(id, value)
			                               WHERE v.id = c.id AND v.value = ANY(`+args.add(sel)+`))`)
		case cf.many:
			where = append(where, filterToday(cf.value, f)+" && "+args.add(sel))
		default:
			where = append(where, filterToday(cf.value, f)+" = ANY("+args.add(sel)+")")
		}
	}
	return strings.Join(where, " AND "), args
}

// commitmentFacetsSQL is a query that gives every commitment in f's scope
// one row, base, with its value, or array of values, of every filter by
// the filter's name.
func commitmentFacetsSQL(ctx context.Context, f policy.CommitmentFilter) string {
	var with, columns, joins []string
	for _, cf := range commitmentFilters {
		if cf.pairs == "" {
			columns = append(columns, filterToday(cf.value, f)+" AS "+cf.name)
			continue
		}
		with = append(with, "f_"+cf.name+` AS (SELECT id, array_agg(DISTINCT value) AS vs FROM (`+cf.pairs+`) AS v(id, value) GROUP BY id)`)
		columns = append(columns, "coalesce(f_"+cf.name+".vs, '{}') AS "+cf.name)
		joins = append(joins, "LEFT JOIN f_"+cf.name+" ON f_"+cf.name+".id = c.id")
	}
	return "WITH " + strings.Join(with, ",\n") + `,
	base AS MATERIALIZED (
	    SELECT c.id, ` + strings.Join(columns, ", ") + commitmentNarrowFrom + `
	    ` + strings.Join(joins, "\n") + `
	    WHERE ` + commitmentScope(ctx, f) + `)`
}

// CommitmentFacets counts, for the filter f, the commitments it leaves and, for
// every value of every facet, how many commitments with that value the filters
// of the other facets leave. All in one query over one pass of the data.
func (s *Store) CommitmentFacets(ctx context.Context, f policy.CommitmentFilter) (policy.CommitmentFacets, error) {
	if out, ok := s.index.facets(ctx, f); ok {
		return out, nil
	}
	return s.commitmentFacetsSQL(ctx, f)
}

// commitmentFacetsSQL is CommitmentFacets read from PostgreSQL.
func (s *Store) commitmentFacetsSQL(ctx context.Context, f policy.CommitmentFilter) (policy.CommitmentFacets, error) {
	var args queryArgs
	match := map[string]string{}
	for _, cf := range commitmentFilters {
		sel := cf.selected(f)
		switch {
		case len(sel) == 0:
		case cf.pairs != "" || cf.many:
			match[cf.name] = "b." + cf.name + " && " + args.add(sel)
		default:
			match[cf.name] = "b." + cf.name + " = ANY(" + args.add(sel) + ")"
		}
	}
	// where is the condition of every selected facet but the one given.
	where := func(except string) string {
		conds := []string{"true"}
		for _, cf := range commitmentFilters {
			if c, ok := match[cf.name]; ok && cf.name != except {
				conds = append(conds, c)
			}
		}
		return strings.Join(conds, " AND ")
	}
	parts := []string{fmt.Sprintf(`SELECT '' AS facet, '' AS value, count(*) AS n FROM base b WHERE %s`, where(""))}
	labels := []string{}
	for _, cf := range commitmentFilters {
		value := "b." + cf.name
		from := "base b"
		if cf.pairs != "" || cf.many {
			value, from = "v", "base b CROSS JOIN LATERAL unnest(b."+cf.name+") AS v"
		}
		parts = append(parts, fmt.Sprintf(`SELECT '%s', %s, count(*) FROM %s WHERE %s AND %s IS NOT NULL GROUP BY 2`,
			cf.name, value, from, where(cf.name), value))
		if cf.label != "" {
			labels = append(labels, fmt.Sprintf("WHEN '%s' THEN %s", cf.name, cf.label))
		}
	}
	q := commitmentFacetsSQL(ctx, f) + `, counts AS (` + strings.Join(parts, "\n UNION ALL ") + `)
	SELECT facet, value, n::int, coalesce(CASE facet ` + strings.Join(labels, " ") + ` ELSE value END, value)
	FROM counts ORDER BY facet, n DESC, value`
	rows, err := s.pool.Query(ctx, asOf(ctx, q), args...)
	if err != nil {
		return policy.CommitmentFacets{}, err
	}
	out := policy.CommitmentFacets{Values: map[string][]policy.FacetValue{}}
	var facet string
	var v policy.FacetValue
	_, err = pgx.ForEachRow(rows, []any{&facet, &v.Value, &v.Count, &v.Label}, func() error {
		if facet == "" {
			out.Total = v.Count
		} else {
			out.Values[facet] = append(out.Values[facet], v)
		}
		return nil
	})
	return out, err
}

// LeadUnits lists the entities that lead at least one commitment, for the filter.
func (s *Store) LeadUnits(ctx context.Context) ([]policy.Entity, error) {
	if out, ok := s.index.leadUnits(ctx); ok {
		return out, nil
	}
	rows, err := s.pool.Query(ctx, `
		SELECT e.slug, e.name, count(*), coalesce(e.name_en, '') FROM commitment_units u JOIN entities e ON e.id = u.entity_id
		JOIN commitments c ON c.id = u.commitment_id
		WHERE u.role = 'lead' AND c.withdrawn_at IS NULL AND `+visibleDocument(ctx, "c.document_id")+` GROUP BY e.slug, e.name, e.name_en ORDER BY count(*) DESC, e.name`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (policy.Entity, error) {
		var e policy.Entity
		return e, r.Scan(&e.Slug, &e.Name, &e.Mentions, &e.NameEN)
	})
}

// Themes lists the section themes in order.
func (s *Store) Themes(ctx context.Context) ([]policy.Theme, error) {
	rows, err := s.pool.Query(ctx, `SELECT key, name_zh, name_en FROM themes ORDER BY position`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[policy.Theme])
}
