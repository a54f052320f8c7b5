package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/guizhou-portal/portal/internal/policy"
)

// AddDocument inserts a whole document in one transaction and returns its id.
// The document is published at once: these are documents made whole (the
// demo data), with nothing for staff to review.
// Quotes are taken from the paragraph text, so the span trigger can only fail on
// a span outside the text; that, a duplicate slug or 文号, or an unknown entity
// or section is EINVALID or ECONFLICT.
func (s *Store) AddDocument(ctx context.Context, dd policy.NewDocument) (int64, error) {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback(ctx)
	d := dd.Document
	var id int64
	err = tx.QueryRow(ctx, `
		INSERT INTO documents (slug, kind, genre, title, short_title, doc_number, issuer, addressee, signed_on,
		                       disclosure, contact_person, contact_phone, source_name, synthetic, published_at)
		VALUES ($1, $2, nullif($3, ''), $4, nullif($5, ''), nullif($6, ''), nullif($7, ''), nullif($8, ''), $9,
		        nullif($10, ''), nullif($11, ''), nullif($12, ''), nullif($13, ''), $14, now())
		RETURNING id`,
		d.Slug, d.Kind, d.Genre, d.Title, d.ShortTitle, d.DocNumber, d.Issuer, d.Addressee, d.SignedOn,
		d.Disclosure, d.ContactPerson, d.ContactPhone, d.SourceName, d.Synthetic).Scan(&id)
	if err != nil {
		return 0, addError(err, d)
	}
	texts := make([][]rune, len(dd.Paragraphs))
	rows := make([][]any, len(dd.Paragraphs))
	for i, p := range dd.Paragraphs {
		texts[i] = []rune(p.Text)
		rows[i] = []any{id, i + 1, string(p.Role), p.Text}
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"paragraphs"}, []string{"document_id", "seq", "role", "text"},
		pgx.CopyFromRows(rows)); err != nil {
		return 0, addError(err, d)
	}
	quote := func(seq, start, end int) (string, error) {
		if seq < 1 || seq > len(texts) || start < 0 || end > len(texts[seq-1]) || start >= end {
			return "", policy.Errorf(policy.EINVALID, "《%s》: span [%d, %d) of paragraph %d is outside the text", d.Title, start, end, seq)
		}
		return string(texts[seq-1][start:end]), nil
	}

	b := &pgx.Batch{}
	const para = `(SELECT id FROM paragraphs WHERE document_id = $1 AND seq = %s)`
	for _, x := range dd.Sections {
		b.Queue(fmt.Sprintf(`
			INSERT INTO sections (document_id, parent_id, position, kind, label, title, anchor, theme_key,
			                      start_paragraph_id, start_offset, end_paragraph_id, end_offset)
			VALUES ($1, (SELECT id FROM sections WHERE document_id = $1 AND anchor = nullif($2, '')), $3, $4, $5, $6, $7,
			        nullif($8, ''), `+para+`, $10, `+para+`, $12)`, "$9", "$11"),
			id, x.Parent, x.Position, x.Kind, x.Label, x.Title, x.Anchor, x.ThemeKey,
			x.Start.ParagraphSeq, x.Start.Offset, x.End.ParagraphSeq, x.End.Offset)
	}
	for i, c := range dd.Commitments {
		q, err := quote(c.ParagraphSeq, c.Start, c.End)
		if err != nil {
			return 0, err
		}
		b.Queue(fmt.Sprintf(`
			INSERT INTO commitments (document_id, section_id, paragraph_id, start_offset, end_offset, quote, position,
			                         title, kind, strength, status, status_basis, time_frame, period_start, period_end, due_on)
			VALUES ($1, (SELECT id FROM sections WHERE document_id = $1 AND anchor = $2), `+para+`, $4, $5, $6, $7,
			        $8, $9, $10, $11, nullif($12, ''), nullif($13, ''), $14, $15, $16)`, "$3"),
			id, c.Section, c.ParagraphSeq, c.Start, c.End, q, i+1,
			c.Title, c.Kind, c.Strength, c.Status, c.StatusBasis, c.TimeFrame, c.PeriodStart, c.PeriodEnd, c.DueOn)
		for _, slug := range c.Leads {
			b.Queue(`
				INSERT INTO commitment_units (commitment_id, entity_id, role)
				SELECT c.id, e.id, 'lead' FROM commitments c, entities e
				WHERE c.document_id = $1 AND c.position = $2 AND e.slug = $3`, id, i+1, slug)
		}
	}
	for _, m := range dd.Mentions {
		q, err := quote(m.ParagraphSeq, m.Start, m.End)
		if err != nil {
			return 0, err
		}
		b.Queue(fmt.Sprintf(`
			INSERT INTO mentions (entity_id, paragraph_id, start_offset, end_offset, quote)
			VALUES ((SELECT id FROM entities WHERE slug = $2), `+para+`, $4, $5, $6)`, "$3"),
			id, m.EntitySlug, m.ParagraphSeq, m.Start, m.End, q)
	}
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return 0, addError(err, d)
	}
	return id, addError(tx.Commit(ctx), d)
}

// draftError turns constraint violations into coded errors naming the document.
func addError(err error, d policy.Document) error {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		return err
	}
	switch pgErr.Code {
	case "23505":
		return policy.Errorf(policy.ECONFLICT, "《%s》: %s", d.Title, pgErr.Detail)
	case "23502", "23503", "23514":
		return policy.Errorf(policy.EINVALID, "《%s》: %s", d.Title, pgErr.Message)
	}
	return err
}

// CountSynthetic returns how many synthetic documents the database holds.
func (s *Store) CountSynthetic(ctx context.Context) (int, error) {
	var n int
	err := s.pool.QueryRow(ctx, `SELECT count(*) FROM documents WHERE synthetic`).Scan(&n)
	return n, err
}

// documentTables are the tables that adding documents fills.
var documentTables = []string{"documents", "paragraphs", "sections", "commitments", "commitment_units", "mentions"}

// Analyze refreshes the planner's statistics of the document tables. While many
// documents are added, statistics from when the tables were nearly empty make
// the planner scan whole tables for single rows.
func (s *Store) Analyze(ctx context.Context) error {
	_, err := s.pool.Exec(ctx, "ANALYZE "+strings.Join(documentTables, ", "))
	return err
}

// Vacuum is Analyze that also moves the search indexes' pending entries into
// the indexes proper, so that searches need not scan them.
func (s *Store) Vacuum(ctx context.Context) error {
	_, err := s.pool.Exec(ctx, "VACUUM (ANALYZE) "+strings.Join(documentTables, ", "))
	return err
}
