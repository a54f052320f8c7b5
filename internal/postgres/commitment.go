package postgres

import (
	"context"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/guizhou-portal/portal/internal/policy"
)

const commitmentColumns = `
	c.id, c.position, c.title, c.kind, c.strength, c.status, coalesce(c.status_basis, ''), c.progress,
	coalesce(c.time_frame, ''), c.period_start, c.period_end, c.due_on, c.quote, c.version, c.updated_at,
	coalesce(c.public_note, ''), c.withdrawn_at, coalesce(c.withdrawn_reason, ''),
	d.id, d.slug, d.title, coalesce(d.short_title, ''), coalesce(d.doc_number, ''),
	x.id, x.anchor, x.kind, x.label, x.title,
	top.id, top.anchor, top.label, top.title, coalesce(top.theme_key, ''), coalesce(t.name_zh, ''), coalesce(t.name_en, ''),
	p.seq, p.text, c.start_offset, c.end_offset,
	coalesce((SELECT array_agg(e.slug || '|' || e.name ORDER BY e.name) FROM commitment_units u
	          JOIN entities e ON e.id = u.entity_id WHERE u.commitment_id = c.id AND u.role = 'lead'), '{}'),
	coalesce((SELECT array_agg(e.slug || '|' || e.name ORDER BY e.name) FROM commitment_units u
	          JOIN entities e ON e.id = u.entity_id WHERE u.commitment_id = c.id AND u.role = 'support'), '{}')`

// The top section is found by walking up from the commitment's own section;
// the view section_roots walks every section of every document first, which
// made one commitment cost 234 ms at 1,000 documents instead of 8.
const commitmentFrom = `
	FROM commitments c
	JOIN documents d ON d.id = c.document_id
	JOIN sections x ON x.id = c.section_id
	JOIN LATERAL (
	    WITH RECURSIVE up (id, parent_id) AS (
	        SELECT s.id, s.parent_id FROM sections s WHERE s.id = c.section_id
	        UNION ALL
	        SELECT s.id, s.parent_id FROM up JOIN sections s ON s.id = up.parent_id)
	    SELECT id AS root_id FROM up WHERE parent_id IS NULL) r ON true
	JOIN sections top ON top.id = r.root_id
	LEFT JOIN themes t ON t.key = top.theme_key
	JOIN paragraphs p ON p.id = c.paragraph_id`

func scanCommitment(r pgx.CollectableRow) (policy.Commitment, error) {
	var c policy.Commitment
	var progress *int16
	var lead, support []string
	var themeKey, themeName, themeNameEN string
	err := r.Scan(&c.ID, &c.Position, &c.Title, &c.Kind, &c.Strength, &c.Status, &c.StatusBasis, &progress,
		&c.TimeFrame, &c.PeriodStart, &c.PeriodEnd, &c.DueOn, &c.Quote, &c.Version, &c.UpdatedAt,
		&c.PublicNote, &c.WithdrawnAt, &c.WithdrawnReason,
		&c.Document.ID, &c.Document.Slug, &c.Document.Title, &c.Document.ShortTitle, &c.Document.DocNumber,
		&c.Section.ID, &c.Section.Anchor, &c.Section.Kind, &c.Section.Label, &c.Section.Title,
		&c.TopSection.ID, &c.TopSection.Anchor, &c.TopSection.Label, &c.TopSection.Title, &themeKey, &themeName, &themeNameEN,
		&c.Place.ParagraphSeq, &c.Place.ParagraphText, &c.Place.Start, &c.Place.End, &lead, &support)
	if progress != nil {
		v := int(*progress)
		c.Progress = &v
	}
	c.TopSection.Kind = policy.SectionTop
	if themeKey != "" {
		c.TopSection.Theme = &policy.Theme{Key: themeKey, NameZH: themeName, NameEN: themeNameEN}
	}
	c.Place.DocumentSlug, c.Place.DocumentTitle = c.Document.Slug, c.Document.Title
	c.Lead, c.Support = unitList(lead), unitList(support)
	return c, err
}

func unitList(pairs []string) []policy.Entity {
	out := make([]policy.Entity, 0, len(pairs))
	for _, p := range pairs {
		slug, name, _ := strings.Cut(p, "|")
		out = append(out, policy.Entity{Slug: slug, Name: name})
	}
	return out
}

// Commitment returns one commitment with its figures, the entities its quote
// names, and other commitments that share those entities.
func (s *Store) Commitment(ctx context.Context, id int64) (policy.Commitment, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+commitmentColumns+commitmentFrom+` WHERE c.id = $1`, id)
	if err != nil {
		return policy.Commitment{}, err
	}
	c, err := pgx.CollectExactlyOneRow(rows, scanCommitment)
	if err != nil {
		return c, notFound(err, "err.commitment")
	}
	b := &pgx.Batch{}
	b.Queue(figuresSQL+` WHERE f.paragraph_id = (SELECT paragraph_id FROM commitments WHERE id = $1)
		AND f.start_offset >= (SELECT start_offset FROM commitments WHERE id = $1)
		AND f.end_offset <= (SELECT end_offset FROM commitments WHERE id = $1)
		ORDER BY f.start_offset`, id).Fn = func(br pgx.BatchResults) error {
		rows, _ := br.Query()
		c.Figures, err = pgx.CollectRows(rows, scanFigure)
		return err
	}
	b.Queue(`
		SELECT DISTINCT e.id, e.slug, e.kind, e.name
		FROM commitments c
		JOIN mentions m ON m.paragraph_id = c.paragraph_id AND m.start_offset >= c.start_offset AND m.end_offset <= c.end_offset
		JOIN entities e ON e.id = m.entity_id
		WHERE c.id = $1
		UNION
		SELECT e.id, e.slug, e.kind, e.name FROM commitment_units u JOIN entities e ON e.id = u.entity_id WHERE u.commitment_id = $1
		ORDER BY kind, name`, id).Fn = func(br pgx.BatchResults) error {
		rows, _ := br.Query()
		c.Entities, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (policy.Entity, error) {
			var e policy.Entity
			return e, r.Scan(&e.ID, &e.Slug, &e.Kind, &e.Name)
		})
		return err
	}
	// Other commitments are found from this one's entities (by index), not
	// by computing every commitment's entities and joining: 105 ms instead
	// of 484 ms at 1,000 documents.
	b.Queue(`
		WITH mine AS (`+commitmentEntitiesSQL+` WHERE c.id = $1),
		     theirs AS (
		         SELECT c.id AS commitment_id, m.entity_id
		         FROM mine JOIN mentions m ON m.entity_id = mine.entity_id
		         JOIN commitments c ON c.paragraph_id = m.paragraph_id
		             AND m.start_offset >= c.start_offset AND m.end_offset <= c.end_offset
		         WHERE c.id <> $1
		         UNION
		         SELECT u.commitment_id, u.entity_id
		         FROM mine JOIN commitment_units u ON u.entity_id = mine.entity_id
		         WHERE u.commitment_id <> $1)
		SELECT o.id, o.position, o.title, o.status, count(DISTINCT entity_id) AS shared
		FROM theirs JOIN commitments o ON o.id = theirs.commitment_id
		WHERE o.withdrawn_at IS NULL
		GROUP BY o.id, o.position, o.title, o.status
		ORDER BY shared DESC, o.position
		LIMIT 8`, id).Fn = func(br pgx.BatchResults) error {
		rows, _ := br.Query()
		c.Related, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (policy.Commitment, error) {
			var o policy.Commitment
			var shared int
			return o, r.Scan(&o.ID, &o.Position, &o.Title, &o.Status, &shared)
		})
		return err
	}
	return c, s.pool.SendBatch(ctx, b).Close()
}

// commitmentEntitiesSQL pairs commitments with the entities named in their quote
// or as their units; callers append a condition on c.id.
const commitmentEntitiesSQL = `
	SELECT c.id AS commitment_id, e.entity_id FROM commitments c
	CROSS JOIN LATERAL (
	    SELECT m.entity_id FROM mentions m
	    WHERE m.paragraph_id = c.paragraph_id AND m.start_offset >= c.start_offset AND m.end_offset <= c.end_offset
	    UNION
	    SELECT u.entity_id FROM commitment_units u WHERE u.commitment_id = c.id) e`
