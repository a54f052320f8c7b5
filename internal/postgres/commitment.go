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
	// Other commitments are found from this one's entities through the
	// commitment_entities table (00025), both ways by index, and ranked there:
	// only the first few are looked up (at 10,000 documents one entity can be
	// named by 8,000 commitments). They are today's at any date: read through
	// the ledger's replay they took 7.3 s instead of 2.0 s at 10,000 documents.
	b.Queue(`
		WITH theirs AS (
		         SELECT t.commitment_id AS id, count(*) AS shared, min(t.position) AS position
		         FROM commitment_entities mine JOIN commitment_entities t ON t.entity_id = mine.entity_id
		         WHERE mine.commitment_id = $1 AND t.commitment_id <> $1 AND t.live
		         GROUP BY t.commitment_id
		         ORDER BY shared DESC, position)
		SELECT o.id, o.position, o.title, o.status, theirs.shared, coalesce(o.title_en, '')
		FROM theirs CROSS JOIN LATERAL (
		    SELECT o.* FROM commitments o
		    WHERE o.id = theirs.id AND o.withdrawn_at IS NULL AND `+visibleDocument(ctx, "o.document_id")+`) o
		ORDER BY theirs.shared DESC, theirs.position
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
