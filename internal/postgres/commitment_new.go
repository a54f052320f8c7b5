package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/guizhou-portal/portal/internal/anchor"
	"github.com/guizhou-portal/portal/internal/policy"
)

// ParagraphForCommitment returns a paragraph of a document with the commitments
// already pinned to it.
func (s *Store) ParagraphForCommitment(ctx context.Context, slug string, seq int) (policy.Document, policy.Paragraph, []anchor.Taken, error) {
	d, err := s.Document(ctx, slug)
	if err != nil {
		return d, policy.Paragraph{}, nil, err
	}
	var p policy.Paragraph
	err = s.pool.QueryRow(ctx, `SELECT id, seq, role, text FROM paragraphs WHERE document_id = $1 AND seq = $2`, d.ID, seq).
		Scan(&p.ID, &p.Seq, &p.Role, &p.Text)
	if err != nil {
		return d, p, nil, notFound(err, "err.paragraph")
	}
	rows, err := s.pool.Query(ctx, `
		SELECT start_offset, end_offset, '承诺 ' || position || ':' || title FROM commitments
		WHERE paragraph_id = $1 AND parent_id IS NULL AND withdrawn_at IS NULL AND anchor_review IS DISTINCT FROM 'unplaced' ORDER BY start_offset`, p.ID)
	if err != nil {
		return d, p, nil, err
	}
	spans, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (anchor.Taken, error) {
		var c anchor.Taken
		return c, r.Scan(&c.Start, &c.End, &c.Label)
	})
	return d, p, spans, err
}

// CreateCommitment pins a new commitment to a quote of a paragraph, in the
// deepest section that contains it, with its audit record. The quote must
// occur once in the paragraph and overlap no other commitment (EINVALID).
func (s *Store) CreateCommitment(ctx context.Context, a policy.Actor, n policy.NewCommitment) (int64, error) {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback(ctx)
	// The document's row lock serialises this with imports, which rewrite
	// the text under the same lock. The paragraph is read by a statement of
	// its own once the lock is held, so that it is the text as it stands
	// after an import this waited for (a locking read that waited re-checks
	// only the locked row; joined rows would keep their older version).
	var docID, paraID int64
	var text string
	err = tx.QueryRow(ctx, `SELECT id FROM documents WHERE slug = $1 FOR NO KEY UPDATE`, n.DocumentSlug).Scan(&docID)
	if err != nil {
		return 0, notFound(err, "err.paragraph")
	}
	err = tx.QueryRow(ctx, `SELECT id, text FROM paragraphs WHERE document_id = $1 AND seq = $2`, docID, n.ParagraphSeq).Scan(&paraID, &text)
	if err != nil {
		return 0, notFound(err, "err.paragraph")
	}
	rows, err := tx.Query(ctx, `
		SELECT start_offset, end_offset, '承诺 ' || position || ':' || title FROM commitments
		WHERE paragraph_id = $1 AND parent_id IS NULL AND withdrawn_at IS NULL AND anchor_review IS DISTINCT FROM 'unplaced'`, paraID)
	if err != nil {
		return 0, err
	}
	taken, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (anchor.Taken, error) {
		var c anchor.Taken
		return c, r.Scan(&c.Start, &c.End, &c.Label)
	})
	if err != nil {
		return 0, err
	}
	span, err := anchor.Locate(text, n.Quote, taken)
	if err != nil {
		return 0, err
	}
	// The quote as typed may differ from the text in its punctuation's
	// width and its spaces; the text's own words are stored.
	quote := span.Of(text)
	var sectionID int64
	err = tx.QueryRow(ctx, `
		SELECT x.id FROM sections x
		JOIN paragraphs ps ON ps.id = x.start_paragraph_id JOIN paragraphs pe ON pe.id = x.end_paragraph_id
		JOIN paragraphs p ON p.id = $1
		WHERE x.document_id = $2
		  AND (ps.seq, x.start_offset) <= (p.seq, $3) AND (p.seq, $4) <= (pe.seq, x.end_offset)
		ORDER BY CASE x.kind WHEN 'point' THEN 0 WHEN 'item' THEN 1 ELSE 2 END LIMIT 1`, paraID, docID, span.Start, span.End).Scan(&sectionID)
	if err != nil {
		return 0, notFound(err, "err.paragraph.section")
	}
	var id int64
	var author *int64
	if a.UserID != 0 {
		author = &a.UserID
	}
	err = tx.QueryRow(ctx, `
		INSERT INTO commitments (document_id, section_id, paragraph_id, start_offset, end_offset, quote, position,
		                         title, kind, strength, status, created_by)
		VALUES ($1, $2, $3, $4, $5, $6, (SELECT coalesce(max(position), 0) + 1 FROM commitments WHERE document_id = $1),
		        $7, $8, $9, $10, $11)
		RETURNING id`, docID, sectionID, paraID, span.Start, span.End, quote, n.Title, n.Kind, n.Strength, n.Status, author).Scan(&id)
	if err != nil {
		return 0, err
	}
	if err := setUnits(ctx, tx, id, n.Lead, n.Support); err != nil {
		return 0, err
	}
	after, _, err := lockCommitment(ctx, tx, id)
	if err != nil {
		return 0, err
	}
	if err := audit(ctx, tx, a, policy.ActionCommitmentCreate, "commitment", id, nil, after, nil); err != nil {
		return 0, err
	}
	return id, tx.Commit(ctx)
}
