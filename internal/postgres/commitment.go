package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/guizhou-portal/portal/internal/policy"
)

// Commitment returns one commitment with its figures, the entities its quote
// names, and other commitments that share those entities. A commitment of a
// draft is ENOTFOUND unless the context's viewer sees drafts.
func (s *Store) Commitment(ctx context.Context, id int64) (policy.Commitment, error) {
	rows, err := s.pool.Query(ctx, asOf(ctx, `SELECT `+commitmentColumns+commitmentFrom+` WHERE c.id = $1 AND `+visible(ctx, "d")), id)
	if err != nil {
		return policy.Commitment{}, err
	}
	c, err := pgx.CollectExactlyOneRow(rows, scanCommitment)
	if err != nil {
		return c, notFound(err, "err.commitment")
	}
	b := &pgx.Batch{}
	commitmentParts(ctx, b, id, &c.Parts)
	b.Queue(figuresSQL+` WHERE f.paragraph_id = (SELECT paragraph_id FROM commitments WHERE id = $1)
		AND f.start_offset >= (SELECT start_offset FROM commitments WHERE id = $1)
		AND f.end_offset <= (SELECT end_offset FROM commitments WHERE id = $1)
		ORDER BY f.start_offset`, id).Fn = func(br pgx.BatchResults) error {
		rows, _ := br.Query()
		c.Figures, err = pgx.CollectRows(rows, scanFigure)
		return err
	}
	// At a past date the units are those of then (unitsAsOf); the words
	// and their places are today's.
	b.Queue(unitsAsOf(ctx, `
		SELECT DISTINCT e.id, e.slug, e.kind, e.name, coalesce(e.name_en, '') AS name_en
		FROM commitments c
		JOIN mentions m ON m.paragraph_id = c.paragraph_id AND m.start_offset >= c.start_offset AND m.end_offset <= c.end_offset
		JOIN entities e ON e.id = m.entity_id
		WHERE c.id = $1
		UNION
		SELECT e.id, e.slug, e.kind, e.name, coalesce(e.name_en, '') FROM commitment_units u JOIN entities e ON e.id = u.entity_id WHERE u.commitment_id = $1
		ORDER BY kind, name`), id).Fn = func(br pgx.BatchResults) error {
		rows, _ := br.Query()
		c.Entities, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (policy.Entity, error) {
			var e policy.Entity
			return e, r.Scan(&e.ID, &e.Slug, &e.Kind, &e.Name, &e.NameEN)
		})
		return err
	}
	// Other commitments are found from this one's entities (by index), not
	// by computing every commitment's entities and joining: 105 ms instead
	// of 484 ms at 1,000 documents. They are today's at any date: read
	// through the ledger's replay they took 7.3 s instead of 2.0 s for a
	// unit of 13,500 commitments at 10,000 documents.
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
		SELECT o.id, o.position, o.title, o.status, count(DISTINCT entity_id) AS shared, coalesce(o.title_en, '')
		FROM theirs JOIN commitments o ON o.id = theirs.commitment_id
		WHERE o.withdrawn_at IS NULL AND `+visibleDocument(ctx, "o.document_id")+`
		GROUP BY o.id, o.position, o.title, o.status, o.title_en
		ORDER BY shared DESC, o.position
		LIMIT 8`, id).Fn = func(br pgx.BatchResults) error {
		rows, _ := br.Query()
		c.Related, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (policy.Commitment, error) {
			var o policy.Commitment
			var shared int
			return o, r.Scan(&o.ID, &o.Position, &o.Title, &o.Status, &shared, &o.TitleEN)
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
