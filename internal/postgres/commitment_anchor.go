package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/guizhou-portal/portal/internal/anchor"
	"github.com/guizhou-portal/portal/internal/policy"
)

// After an import makes a new version of a document's text, its commitments
// whose words changed are re-anchored to the changed words and flagged
// 'changed', and those whose words are gone are kept, flagged 'unplaced'
// (document_import_place.go). Here staff confirm the one and pin the other
// again by hand, each with its audit record.

const anchorItemSQL = `
	SELECT c.id, c.position, c.title, c.quote, coalesce(c.previous_quote, ''), coalesce(c.anchor_review, ''),
	       p.seq, p.text, c.withdrawn_at IS NOT NULL, d.slug, d.title,
	       (SELECT count(*) FROM paragraphs q WHERE q.document_id = d.id)
	FROM commitments c JOIN paragraphs p ON p.id = c.paragraph_id JOIN documents d ON d.id = c.document_id`

func scanAnchorItem(r pgx.CollectableRow) (policy.AnchorItem, error) {
	var a policy.AnchorItem
	return a, r.Scan(&a.ID, &a.Position, &a.Title, &a.Quote, &a.Previous, &a.Review, &a.ParagraphSeq, &a.ParagraphText,
		&a.Withdrawn, &a.DocumentSlug, &a.DocumentTitle, &a.Paragraphs)
}

// AnchorReview lists the flagged commitments of the document with the given
// slug, in reading order.
func (s *Store) AnchorReview(ctx context.Context, slug string) (policy.Document, []policy.AnchorItem, error) {
	d, err := s.Document(ctx, slug)
	if err != nil {
		return d, nil, err
	}
	rows, err := s.pool.Query(ctx, anchorItemSQL+` WHERE c.document_id = $1 AND c.anchor_review IS NOT NULL ORDER BY c.position`, d.ID)
	if err != nil {
		return d, nil, err
	}
	items, err := pgx.CollectRows(rows, scanAnchorItem)
	return d, items, err
}

// AnchorItem is one commitment as the re-pinning form shows it, flagged or not.
func (s *Store) AnchorItem(ctx context.Context, id int64) (policy.AnchorItem, error) {
	rows, err := s.pool.Query(ctx, anchorItemSQL+` WHERE c.id = $1`, id)
	if err != nil {
		return policy.AnchorItem{}, err
	}
	a, err := pgx.CollectExactlyOneRow(rows, scanAnchorItem)
	return a, notFound(err, "err.commitment")
}

// anchorDetail is the audit detail of confirming or re-pinning a
// commitment's words.
type anchorDetail struct {
	Was       string `json:"was"`
	Paragraph int    `json:"paragraph,omitempty"`
}

// ConfirmAnchor confirms the words an import re-anchored a commitment to:
// the flag and the previous quote go, and the audit record keeps them. A
// commitment not flagged 'changed' is ECONFLICT.
func (s *Store) ConfirmAnchor(ctx context.Context, a policy.Actor, id int64) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	// The document's row lock, which an import holds from reading the flags
	// to writing them: otherwise an import that read the flag before this
	// confirmation would write it back after.
	if err := lockDocumentOf(ctx, tx, id); err != nil {
		return err
	}
	st, _, err := lockCommitment(ctx, tx, id)
	if err != nil {
		return err
	}
	var review, was string
	if err := tx.QueryRow(ctx, `SELECT coalesce(anchor_review, ''), coalesce(previous_quote, '') FROM commitments WHERE id = $1`, id).
		Scan(&review, &was); err != nil {
		return err
	}
	if review != reviewChanged {
		return policy.Errorm(policy.ECONFLICT, "err.anchor.notchanged")
	}
	if _, err := tx.Exec(ctx, `UPDATE commitments SET anchor_review = NULL, previous_quote = NULL WHERE id = $1`, id); err != nil {
		return err
	}
	if err := audit(ctx, tx, a, policy.ActionCommitmentAnchorConfirm, "commitment", id, st, st, anchorDetail{Was: was}); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// RepinCommitment pins a commitment again, by hand, to a quote of a
// paragraph of its document's current text, validated as a new
// commitment's quote is (anchor.Locate: once in the paragraph, overlapping
// no other commitment): *anchor.QuoteError (EINVALID) otherwise, or
// ENOTFOUND for a paragraph the text does not have. Its section is the
// deepest that holds the quote; any flag goes.
func (s *Store) RepinCommitment(ctx context.Context, a policy.Actor, id int64, seq int, quote string) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	// The document's row lock first, as creating a commitment and importing
	// take it: the paragraph read below is the text as it stands.
	if err := lockDocumentOf(ctx, tx, id); err != nil {
		return err
	}
	var docID int64
	if err := tx.QueryRow(ctx, `SELECT document_id FROM commitments WHERE id = $1`, id).Scan(&docID); err != nil {
		return notFound(err, "err.commitment")
	}
	before, _, err := lockCommitment(ctx, tx, id)
	if err != nil {
		return err
	}
	var paraID int64
	var text string
	err = tx.QueryRow(ctx, `SELECT id, text FROM paragraphs WHERE document_id = $1 AND seq = $2`, docID, seq).Scan(&paraID, &text)
	if err != nil {
		return notFound(err, "err.paragraph")
	}
	rows, err := tx.Query(ctx, `
		SELECT start_offset, end_offset, '承诺 ' || position || ':' || title FROM commitments
		WHERE paragraph_id = $1 AND id <> $2 AND parent_id IS NULL AND withdrawn_at IS NULL AND anchor_review IS DISTINCT FROM 'unplaced'`, paraID, id)
	if err != nil {
		return err
	}
	taken, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (anchor.Taken, error) {
		var c anchor.Taken
		return c, r.Scan(&c.Start, &c.End, &c.Label)
	})
	if err != nil {
		return err
	}
	span, err := anchor.Locate(text, quote, taken)
	if err != nil {
		return err
	}
	// As for a new commitment: the quote as typed may differ from the text
	// in its punctuation's width and its spaces; the text's own words are
	// stored, as the span's check constraint wants.
	quote = span.Of(text)
	var sectionID int64
	err = tx.QueryRow(ctx, `
		SELECT x.id FROM sections x
		JOIN paragraphs ps ON ps.id = x.start_paragraph_id JOIN paragraphs pe ON pe.id = x.end_paragraph_id
		WHERE x.document_id = $1
		  AND (ps.seq, x.start_offset) <= ($2, $3) AND ($2, $4) <= (pe.seq, x.end_offset)
		ORDER BY CASE x.kind WHEN 'point' THEN 0 WHEN 'item' THEN 1 ELSE 2 END LIMIT 1`, docID, seq, span.Start, span.End).Scan(&sectionID)
	if err != nil {
		return notFound(err, "err.paragraph.section")
	}
	if _, err := tx.Exec(ctx, `UPDATE commitments SET paragraph_id = $2, section_id = $3, start_offset = $4, end_offset = $5,
		    quote = $6, anchor_review = NULL, previous_quote = NULL, updated_at = now()
		WHERE id = $1`, id, paraID, sectionID, span.Start, span.End, quote); err != nil {
		return repinError(err)
	}
	after, _, err := lockCommitment(ctx, tx, id)
	if err != nil {
		return err
	}
	if err := audit(ctx, tx, a, policy.ActionCommitmentRepin, "commitment", id, before, after,
		anchorDetail{Was: before.Quote, Paragraph: seq}); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// repinError turns a constraint the re-pinned row breaks into a coded
// error, so the form shows a message rather than a 500.
func repinError(err error) error {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		return err
	}
	switch pgErr.Code {
	case "23505", "23502", "23503", "23514":
		return policy.Errorm(policy.EINVALID, "err.anchor.unsaved")
	}
	return err
}

// lockDocumentOf takes the row lock of a commitment's document, as imports
// and new commitments do.
func lockDocumentOf(ctx context.Context, tx pgx.Tx, id int64) error {
	err := tx.QueryRow(ctx, `SELECT d.id FROM documents d JOIN commitments c ON c.document_id = d.id WHERE c.id = $1
		FOR NO KEY UPDATE OF d`, id).Scan(new(int64))
	return notFound(err, "err.commitment")
}
