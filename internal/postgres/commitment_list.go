package postgres

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/guizhou-portal/portal/internal/policy"
)

// Commitments lists the commitments that match f, in document and reading order.
func (s *Store) Commitments(ctx context.Context, f policy.CommitmentFilter) ([]policy.Commitment, error) {
	where, args := commitmentWhere(f)
	const order = " ORDER BY d.synthetic, d.signed_on DESC NULLS LAST, d.id, p.seq, c.start_offset"
	q := `SELECT ` + commitmentColumns + commitmentFrom + " WHERE " + where + order
	if f.Limit > 0 {
		// Pick the page on narrow rows first: sorting every commitment with its
		// paragraph text and units took most of the time at 25,000 commitments.
		q = `SELECT ` + commitmentColumns + commitmentFrom + ` WHERE c.id IN (
			SELECT c.id` + commitmentNarrowFrom + `
			WHERE ` + where + order + fmt.Sprintf(" LIMIT %d OFFSET %d)", f.Limit, max(f.Offset, 0)) + order
	}
	rows, err := s.pool.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanCommitment)
}

// CountCommitments counts the commitments that match f, ignoring its Limit and Offset.
func (s *Store) CountCommitments(ctx context.Context, f policy.CommitmentFilter) (int, error) {
	where, args := commitmentWhere(f)
	var n int
	err := s.pool.QueryRow(ctx, `SELECT count(*)`+commitmentNarrowFrom+` WHERE `+where, args...).Scan(&n)
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

// commitmentWhere is the condition that selects f's commitments, over the
// aliases c, d, p and top, with its arguments.
func commitmentWhere(f policy.CommitmentFilter) (string, []any) {
	where := []string{"c.withdrawn_at IS NULL"}
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	if len(f.Documents) > 0 {
		add("d.slug = ANY($%d)", f.Documents)
	}
	if f.RealOnly {
		where = append(where, "NOT d.synthetic")
	}
	if len(f.Themes) > 0 {
		add("top.theme_key = ANY($%d)", f.Themes)
	}
	if len(f.Statuses) > 0 {
		add("c.status = ANY($%d)", toStrings(f.Statuses))
	}
	if len(f.Kinds) > 0 {
		add("c.kind = ANY($%d)", toStrings(f.Kinds))
	}
	if len(f.Strengths) > 0 {
		add("c.strength = ANY($%d)", toStrings(f.Strengths))
	}
	if len(f.Leads) > 0 {
		add(`EXISTS (SELECT 1 FROM commitment_units u JOIN entities e ON e.id = u.entity_id
		             WHERE u.commitment_id = c.id AND u.role = 'lead' AND e.slug = ANY($%d))`, f.Leads)
	}
	if len(f.Regions) > 0 {
		add(`EXISTS (SELECT 1 FROM commitment_entities ce JOIN entity_lineage l ON l.entity_id = ce.entity_id
		             JOIN entities a ON a.id = l.ancestor_id WHERE ce.commitment_id = c.id AND a.slug = ANY($%d))`, f.Regions)
	}
	if len(f.Minerals) > 0 {
		add(`EXISTS (SELECT 1 FROM commitment_entities ce JOIN entities e ON e.id = ce.entity_id
		             WHERE ce.commitment_id = c.id AND e.slug = ANY($%d))`, f.Minerals)
	}
	if len(f.Years) > 0 {
		add(`EXISTS (SELECT 1 FROM unnest($%d::int[]) AS y
		             WHERE y BETWEEN extract(year FROM coalesce(c.period_start, c.due_on))
		                         AND extract(year FROM coalesce(c.period_end, c.due_on)))`, f.Years)
	}
	return strings.Join(where, " AND "), args
}

// commitmentFacetsSQL gives every commitment that is not withdrawn one row with
// its value, or values, of every facet. A commitment's region is any region its
// quote or units name, or that holds a park or county they name; its years are
// those from the start to the end of its stated period (or its due date).
const commitmentFacetsSQL = `
	WITH ents AS (
	    SELECT ce.commitment_id AS id,
	           array_agg(DISTINCT a.slug) FILTER (WHERE a.kind = 'region') AS regions,
	           array_agg(DISTINCT e.slug) FILTER (WHERE e.kind = 'mineral') AS minerals
	    FROM commitment_entities ce
	    JOIN entities e ON e.id = ce.entity_id
	    JOIN entity_lineage l ON l.entity_id = e.id
	    JOIN entities a ON a.id = l.ancestor_id
	    GROUP BY ce.commitment_id
	), leads AS (
	    SELECT u.commitment_id AS id, array_agg(e.slug) AS leads
	    FROM commitment_units u JOIN entities e ON e.id = u.entity_id
	    WHERE u.role = 'lead' GROUP BY u.commitment_id
	), base AS MATERIALIZED (
	    SELECT c.id, d.slug AS document, top.theme_key AS section, c.status, c.kind, c.strength,
	           coalesce(l.leads, '{}') AS lead, coalesce(en.regions, '{}') AS region, coalesce(en.minerals, '{}') AS mineral,
	           coalesce(ARRAY(SELECT y::text FROM generate_series(
	               extract(year FROM coalesce(c.period_start, c.due_on))::int,
	               extract(year FROM coalesce(c.period_end, c.due_on))::int) AS y), '{}') AS year
	    FROM commitments c
	    JOIN documents d ON d.id = c.document_id
	    JOIN sections x ON x.id = c.section_id
	    LEFT JOIN sections px ON px.id = x.parent_id
	    LEFT JOIN sections gx ON gx.id = px.parent_id
	    JOIN sections top ON top.id = coalesce(gx.id, px.id, x.id)
	    LEFT JOIN leads l ON l.id = c.id
	    LEFT JOIN ents en ON en.id = c.id
	    WHERE c.withdrawn_at IS NULL
	)`

// facetColumns says, per facet, whether a commitment has one value or an array.
var facetArrays = map[string]bool{policy.FacetLead: true, policy.FacetRegion: true, policy.FacetMineral: true, policy.FacetYear: true}

// facetSelections is the filter's selected values, by facet name.
func facetSelections(f policy.CommitmentFilter) map[string][]string {
	years := make([]string, len(f.Years))
	for i, y := range f.Years {
		years[i] = strconv.Itoa(y)
	}
	return map[string][]string{
		policy.FacetDocument: f.Documents, policy.FacetTheme: f.Themes, policy.FacetStatus: toStrings(f.Statuses),
		policy.FacetKind: toStrings(f.Kinds), policy.FacetStrength: toStrings(f.Strengths), policy.FacetLead: f.Leads,
		policy.FacetRegion: f.Regions, policy.FacetMineral: f.Minerals, policy.FacetYear: years,
	}
}

// CommitmentFacets counts, for the filter f, the commitments it leaves and, for
// every value of every facet, how many commitments with that value the filters
// of the other facets leave. All in one query over one pass of the data.
func (s *Store) CommitmentFacets(ctx context.Context, f policy.CommitmentFilter) (policy.CommitmentFacets, error) {
	sel := facetSelections(f)
	var args []any
	match := map[string]string{}
	for _, name := range policy.Facets {
		if len(sel[name]) == 0 {
			continue
		}
		args = append(args, sel[name])
		if facetArrays[name] {
			match[name] = fmt.Sprintf("b.%s && $%d::text[]", name, len(args))
		} else {
			match[name] = fmt.Sprintf("b.%s = ANY($%d::text[])", name, len(args))
		}
	}
	// where is the condition of every selected facet but the one given.
	where := func(except string) string {
		conds := []string{"true"}
		for _, name := range policy.Facets {
			if c, ok := match[name]; ok && name != except {
				conds = append(conds, c)
			}
		}
		return strings.Join(conds, " AND ")
	}
	parts := []string{fmt.Sprintf(`SELECT '' AS facet, '' AS value, count(*) AS n FROM base b WHERE %s`, where(""))}
	for _, name := range policy.Facets {
		value := "b." + name
		from := "base b"
		if facetArrays[name] {
			value, from = "v", "base b CROSS JOIN LATERAL unnest(b."+name+") AS v"
		}
		parts = append(parts, fmt.Sprintf(`SELECT '%s', %s, count(*) FROM %s WHERE %s AND %s IS NOT NULL GROUP BY 2`,
			name, value, from, where(name), value))
	}
	q := commitmentFacetsSQL + `, counts AS (` + strings.Join(parts, "\n UNION ALL ") + `)
	SELECT facet, value, n::int, coalesce(CASE facet
	    WHEN 'document' THEN (SELECT coalesce(d.doc_number, d.short_title, d.title) FROM documents d WHERE d.slug = value)
	    WHEN 'section' THEN (SELECT t.name_zh FROM themes t WHERE t.key = value)
	    WHEN 'lead' THEN (SELECT e.name FROM entities e WHERE e.slug = value)
	    WHEN 'region' THEN (SELECT e.name FROM entities e WHERE e.slug = value)
	    WHEN 'mineral' THEN (SELECT e.name FROM entities e WHERE e.slug = value)
	    WHEN 'year' THEN value || '年'
	    ELSE value END, value)
	FROM counts ORDER BY facet, n DESC, value`
	rows, err := s.pool.Query(ctx, q, args...)
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
	rows, err := s.pool.Query(ctx, `
		SELECT e.slug, e.name, count(*) FROM commitment_units u JOIN entities e ON e.id = u.entity_id
		JOIN commitments c ON c.id = u.commitment_id
		WHERE u.role = 'lead' AND c.withdrawn_at IS NULL GROUP BY e.slug, e.name ORDER BY count(*) DESC, e.name`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (policy.Entity, error) {
		var e policy.Entity
		return e, r.Scan(&e.Slug, &e.Name, &e.Mentions)
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
