package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/guizhou-portal/portal/internal/policy"
)

// dashboardDocuments is the condition, over documents d, that picks what the
// dashboard and the map count: the listed documents (documentScope), or only
// the one whose slug is the text argument arg when it is not empty.
func dashboardDocuments(ctx context.Context, arg string) string {
	return documentScope(ctx) + " AND (" + arg + "::text = '' OR d.slug = " + arg + "::text)"
}

// MoneyFigures lists every sum of money in every listed document, or in the
// one with the slug document, in 亿元, with the theme of the top-level section
// it appears in ("" outside themed sections), in document and reading order.
func (s *Store) MoneyFigures(ctx context.Context, document string) ([]policy.MoneyFigure, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT f.id, f.quote, f.kind, f.value::text, f.unit, f.base_value::text, f.base_unit, f.qualifier, f.measure,
		       coalesce(f.period, ''), d.slug, d.title, p.seq, p.text, f.start_offset, f.end_offset,
		       coalesce(top.theme_key, '')
		FROM figures f
		JOIN paragraphs p ON p.id = f.paragraph_id
		JOIN documents d ON d.id = p.document_id
		LEFT JOIN LATERAL (
		    SELECT x.theme_key FROM sections x
		    JOIN paragraphs ps ON ps.id = x.start_paragraph_id
		    JOIN paragraphs pe ON pe.id = x.end_paragraph_id
		    WHERE x.document_id = d.id AND x.parent_id IS NULL
		      AND (ps.seq, x.start_offset) <= (p.seq, f.start_offset)
		      AND (p.seq, f.end_offset) <= (pe.seq, x.end_offset)
		    LIMIT 1) top ON true
		WHERE f.kind = 'money' AND f.base_unit = 'yuan' AND `+dashboardDocuments(ctx, "$1")+`
		ORDER BY d.signed_on DESC NULLS LAST, d.id, p.seq, f.start_offset`, document)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (policy.MoneyFigure, error) {
		var m policy.MoneyFigure
		f := &m.Figure
		if err := r.Scan(&f.ID, &f.Quote, &f.Kind, &f.Value, &f.Unit, &f.BaseValue, &f.BaseUnit, &f.Qualifier, &f.Measure,
			&f.Period, &f.Place.DocumentSlug, &f.Place.DocumentTitle, &f.Place.ParagraphSeq, &f.Place.ParagraphText,
			&f.Place.Start, &f.Place.End, &m.ThemeKey); err != nil {
			return m, err
		}
		yi, ok := policy.ToYi(f.BaseValue)
		if !ok {
			return m, policy.Errorf(policy.EINTERNAL, "figure %d has base value %q", f.ID, f.BaseValue)
		}
		m.Yi = yi
		return m, nil
	})
}

// ReplyParagraphs lists the paragraphs of every listed document with text, or
// of the one with the slug document, in document and reading order, as places
// for finding dates in them.
func (s *Store) ReplyParagraphs(ctx context.Context, document string) ([]policy.Place, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT d.slug, d.title, p.seq, p.text
		FROM paragraphs p JOIN documents d ON d.id = p.document_id
		WHERE `+dashboardDocuments(ctx, "$1")+`
		ORDER BY d.signed_on DESC NULLS LAST, d.id, p.seq`, document)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (policy.Place, error) {
		var p policy.Place
		return p, r.Scan(&p.DocumentSlug, &p.DocumentTitle, &p.ParagraphSeq, &p.ParagraphText)
	})
}

// DivisionFacts looks up, for each division, the reply's regions and parks that
// lie in it (its regions, everything under them, and its other places) and
// counts the commitments the public sees that name any of them in their words
// or as a unit: in every listed document, or in the one with the slug document.
func (s *Store) DivisionFacts(ctx context.Context, divisions []policy.Division, document string) ([]policy.DivisionFacts, error) {
	out := make([]policy.DivisionFacts, len(divisions))
	b := &pgx.Batch{}
	for i, d := range divisions {
		out[i].Division = d
		facts := &out[i]
		b.Queue(areaSQL+`
			SELECT e.slug, e.kind, e.name, `+mentionCount(ctx, "e")+`, coalesce(e.name_en, '')
			FROM entities e JOIN area USING (id)
			WHERE e.kind IN ('region', 'park')
			ORDER BY e.kind DESC, array_position($1::text[], e.slug), e.name`, d.Regions, d.Places).
			Fn = func(br pgx.BatchResults) error {
			rows, _ := br.Query()
			es, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (policy.Entity, error) {
				var e policy.Entity
				return e, r.Scan(&e.Slug, &e.Kind, &e.Name, &e.Mentions, &e.NameEN)
			})
			for _, e := range es {
				if e.Kind == "park" {
					facts.Parks = append(facts.Parks, e)
				} else {
					facts.Regions = append(facts.Regions, e)
				}
			}
			return err
		}
		b.Queue(areaSQL+`
			SELECT count(*) FROM commitments c
			WHERE c.withdrawn_at IS NULL
			  AND c.document_id IN (SELECT d.id FROM documents d WHERE `+dashboardDocuments(ctx, "$3")+`)
			  AND (EXISTS (SELECT 1 FROM commitment_units u JOIN area a ON a.id = u.entity_id WHERE u.commitment_id = c.id)
			   OR EXISTS (SELECT 1 FROM mentions m JOIN area a ON a.id = m.entity_id
			              WHERE m.paragraph_id = c.paragraph_id
			                AND m.start_offset >= c.start_offset AND m.end_offset <= c.end_offset))`, d.Regions, d.Places, document).
			Fn = func(br pgx.BatchResults) error {
			return br.QueryRow().Scan(&facts.Commitments)
		}
	}
	return out, s.pool.SendBatch(ctx, b).Close()
}

// areaSQL is the set of entities in a division: the regions $1, the places $2,
// and everything beneath them.
const areaSQL = `
	WITH RECURSIVE area (id) AS (
	    SELECT id FROM entities WHERE slug = ANY($1::text[]) OR slug = ANY($2::text[])
	    UNION
	    SELECT e.id FROM entities e JOIN area a ON e.parent_id = a.id)`
