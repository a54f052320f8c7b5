package postgres

import (
	"context"
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/guizhou-portal/portal/internal/policy"
)

// UnitKinds are the kinds of entity that can lead or support a commitment.
var UnitKinds = []policy.EntityKind{"government", "organisation", "institution", "company", "region", "park"}

// Units lists the entities that can lead or support a commitment, by kind and name.
func (s *Store) Units(ctx context.Context) ([]policy.Entity, error) {
	return s.Entities(ctx, UnitKinds...)
}

// lockCommitment reads a commitment's recorded state inside tx and locks its row
// until tx ends, so that concurrent saves queue here and see each other's result.
func lockCommitment(ctx context.Context, tx pgx.Tx, id int64) (*policy.CommitmentState, int, error) {
	var st policy.CommitmentState
	var version int
	var progress *int16
	err := tx.QueryRow(ctx, `
		SELECT c.title, c.quote, c.kind, c.strength, c.status, c.progress,
		       coalesce((SELECT array_agg(e.name ORDER BY e.name) FROM commitment_units u JOIN entities e ON e.id = u.entity_id
		                 WHERE u.commitment_id = c.id AND u.role = 'lead'), '{}'),
		       coalesce((SELECT array_agg(e.name ORDER BY e.name) FROM commitment_units u JOIN entities e ON e.id = u.entity_id
		                 WHERE u.commitment_id = c.id AND u.role = 'support'), '{}'),
		       coalesce(c.time_frame, ''), coalesce(to_char(c.due_on, 'YYYY-MM-DD'), ''), coalesce(c.public_note, ''),
		       c.withdrawn_at IS NOT NULL, coalesce(c.withdrawn_reason, ''), c.version
		FROM commitments c WHERE c.id = $1 FOR NO KEY UPDATE OF c`, id).
		Scan(&st.Title, &st.Quote, &st.Kind, &st.Strength, &st.Status, &progress, &st.Lead, &st.Support,
			&st.TimeFrame, &st.DueOn, &st.PublicNote, &st.Withdrawn, &st.WithdrawnReason, &version)
	if err != nil {
		return nil, 0, notFound(err, "err.commitment")
	}
	if progress != nil {
		p := int(*progress)
		st.Progress = &p
	}
	return &st, version, nil
}

// lockForSave locks a commitment and checks that the form was loaded at its
// current version: ENOTFOUND or policy.ErrStale otherwise.
func lockForSave(ctx context.Context, tx pgx.Tx, id int64, version int) (*policy.CommitmentState, error) {
	st, current, err := lockCommitment(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if version > current {
		return nil, policy.Errorm(policy.EINVALID, "err.version.ahead")
	}
	if current != version {
		return nil, policy.ErrStale
	}
	return st, nil
}

// bumpVersion moves a locked commitment to its next version; the WHERE clause
// is the optimistic check itself, kept even though the row is locked.
func bumpVersion(ctx context.Context, tx pgx.Tx, id int64, version int) error {
	tag, err := tx.Exec(ctx, `UPDATE commitments SET version = version + 1, updated_at = now() WHERE id = $1 AND version = $2`, id, version)
	if err != nil {
		return err
	}
	if tag.RowsAffected() != 1 {
		return policy.ErrStale
	}
	return nil
}

// lockForChange prepares an edit or an update of a live commitment: it locks
// the row, checks the form's version, refuses a withdrawn commitment and moves
// to the next version; it returns the state before the change.
func lockForChange(ctx context.Context, tx pgx.Tx, id int64, version int) (*policy.CommitmentState, error) {
	before, err := lockForSave(ctx, tx, id, version)
	if err != nil {
		return nil, err
	}
	if before.Withdrawn {
		return nil, policy.ErrWithdrawn
	}
	return before, bumpVersion(ctx, tx, id, version)
}

// setUnits replaces a commitment's lead and supporting units.
func setUnits(ctx context.Context, tx pgx.Tx, id int64, lead, support []string) error {
	if _, err := tx.Exec(ctx, `DELETE FROM commitment_units WHERE commitment_id = $1`, id); err != nil {
		return err
	}
	for _, group := range []struct {
		role  string
		slugs []string
	}{{"lead", lead}, {"support", support}} {
		if len(group.slugs) == 0 {
			continue
		}
		tag, err := tx.Exec(ctx, `
			INSERT INTO commitment_units (commitment_id, entity_id, role)
			SELECT $1, e.id, $2 FROM entities e WHERE e.slug = ANY($3) AND e.kind = ANY($4)`,
			id, group.role, group.slugs, toStrings(UnitKinds))
		if err != nil {
			if isUniqueViolation(err) {
				return policy.Errorm(policy.EINVALID, "err.units.both")
			}
			return err
		}
		if int(tag.RowsAffected()) != len(group.slugs) {
			return policy.Errorm(policy.EINVALID, "err.units.unknown")
		}
	}
	return nil
}

// UpdateCommitment saves an edit made on a form loaded at version, with its
// audit record, in one transaction. A stale version gets policy.ErrStale, a
// withdrawn commitment policy.ErrWithdrawn; either changes nothing.
func (s *Store) UpdateCommitment(ctx context.Context, a policy.Actor, id int64, version int, e policy.CommitmentEdit) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	before, err := lockForChange(ctx, tx, id, version)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `
		UPDATE commitments SET status = $2, progress = $3, time_frame = nullif($4, ''), due_on = $5, public_note = nullif($6, ''),
		       status_basis = CASE WHEN status = $2 THEN status_basis END -- the reply's word no longer supports another status
		WHERE id = $1`, id, e.Status, e.Progress, e.TimeFrame, e.DueOn, e.PublicNote)
	if err != nil {
		return err
	}
	if err := setUnits(ctx, tx, id, e.Lead, e.Support); err != nil {
		return err
	}
	after, _, err := lockCommitment(ctx, tx, id)
	if err != nil {
		return err
	}
	if reflect.DeepEqual(before, after) {
		return nil // a save that changes nothing leaves no version and no record behind
	}
	if err := audit(ctx, tx, a, policy.ActionCommitmentUpdate, "commitment", id, before, after, nil); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// AddProgressUpdate adds a dated entry to a commitment's timeline and moves the
// commitment to the entry's status and progress, with the audit record, in one
// transaction; the form must have been loaded at version.
func (s *Store) AddProgressUpdate(ctx context.Context, a policy.Actor, id int64, version int, u policy.NewUpdate) (int64, error) {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback(ctx)
	before, err := lockForChange(ctx, tx, id, version)
	if err != nil {
		return 0, err
	}
	// Only the newest entry of the timeline sets the commitment's current state;
	// an entry dated earlier fills in the past.
	after := *before
	var newest bool
	err = tx.QueryRow(ctx, `SELECT NOT EXISTS (SELECT 1 FROM progress_updates WHERE commitment_id = $1 AND happened_on > $2)`,
		id, u.HappenedOn).Scan(&newest)
	if err != nil {
		return 0, err
	}
	if newest {
		if _, err := tx.Exec(ctx, `UPDATE commitments SET status = $2, progress = $3,
			status_basis = CASE WHEN status = $2 THEN status_basis END WHERE id = $1`, id, u.Status, u.Progress); err != nil {
			return 0, err
		}
		after.Status, after.Progress = u.Status, u.Progress
	}
	var updateID int64
	var author *int64
	if a.UserID != 0 {
		author = &a.UserID
	}
	err = tx.QueryRow(ctx, `
		INSERT INTO progress_updates (commitment_id, happened_on, status, progress, note, evidence_url, public, signed, author_id)
		VALUES ($1, $2, $3, $4, $5, nullif($6, ''), $7, $8, $9) RETURNING id`,
		id, u.HappenedOn, u.Status, u.Progress, u.Note, u.EvidenceURL, u.Public, u.Signed, author).Scan(&updateID)
	if err != nil {
		return 0, err
	}
	if err := audit(ctx, tx, a, policy.ActionUpdateAdd, "commitment", id, before, &after, updateDetail{updateID}); err != nil {
		return 0, err
	}
	return updateID, tx.Commit(ctx)
}

// WithdrawCommitment hides a commitment from the public and keeps its history;
// RestoreCommitment shows it again. Both need the version the page was loaded at.
func (s *Store) WithdrawCommitment(ctx context.Context, a policy.Actor, id int64, version int, reason string) error {
	return s.setWithdrawn(ctx, a, id, version, true, reason)
}

// RestoreCommitment undoes WithdrawCommitment.
func (s *Store) RestoreCommitment(ctx context.Context, a policy.Actor, id int64, version int) error {
	return s.setWithdrawn(ctx, a, id, version, false, "")
}

func (s *Store) setWithdrawn(ctx context.Context, a policy.Actor, id int64, version int, withdraw bool, reason string) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	if !withdraw {
		// Restoring checks the commitment's words against the others on the
		// text, which an import rewrites under the document's row lock.
		if _, err := tx.Exec(ctx, `SELECT FROM documents d JOIN commitments c ON c.document_id = d.id
			WHERE c.id = $1 FOR NO KEY UPDATE OF d`, id); err != nil {
			return err
		}
	}
	before, err := lockForSave(ctx, tx, id, version)
	if err != nil {
		return err
	}
	if before.Withdrawn == withdraw {
		if withdraw {
			return policy.Errorm(policy.ECONFLICT, "err.withdrawn.already")
		}
		return policy.Errorm(policy.ECONFLICT, "err.withdrawn.not")
	}
	if !withdraw {
		// The text may have gained a commitment over the same words meanwhile.
		var overlap string
		err := tx.QueryRow(ctx, `
			SELECT coalesce(min('承诺 ' || o.position || ':' || o.title), '') FROM commitments c JOIN commitments o
			  ON o.paragraph_id = c.paragraph_id AND o.id <> c.id AND o.withdrawn_at IS NULL
			 AND o.start_offset < c.end_offset AND c.start_offset < o.end_offset
			WHERE c.id = $1`, id).Scan(&overlap)
		if err != nil {
			return err
		}
		if overlap != "" {
			return policy.Errorm(policy.ECONFLICT, "err.restore.overlap", overlap)
		}
	}
	if err := bumpVersion(ctx, tx, id, version); err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `
		UPDATE commitments SET withdrawn_at = CASE WHEN $2 THEN now() END, withdrawn_reason = nullif($3, '')
		WHERE id = $1`, id, withdraw, reason)
	if err != nil {
		return err
	}
	after := *before
	after.Withdrawn, after.WithdrawnReason = withdraw, reason
	action := policy.ActionCommitmentRestore
	if withdraw {
		action = policy.ActionCommitmentWithdraw
	}
	if err := audit(ctx, tx, a, action, "commitment", id, before, &after, nil); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// QuoteSpan is where a quote sits in a paragraph, in characters.
type QuoteSpan struct{ Start, End int }

// CommitmentSpan is where an existing commitment sits in a paragraph, so that
// a new quote can be checked against it.
type CommitmentSpan struct {
	QuoteSpan
	Label string
}

// ParagraphForCommitment returns a paragraph of a document with the commitments
// already pinned to it.
func (s *Store) ParagraphForCommitment(ctx context.Context, slug string, seq int) (policy.Document, policy.Paragraph, []CommitmentSpan, error) {
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
		WHERE paragraph_id = $1 AND withdrawn_at IS NULL ORDER BY start_offset`, p.ID)
	if err != nil {
		return d, p, nil, err
	}
	spans, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (CommitmentSpan, error) {
		var c CommitmentSpan
		return c, r.Scan(&c.Start, &c.End, &c.Label)
	})
	return d, p, spans, err
}

// LocateQuote finds quote in text, in characters. It must occur exactly once and
// not overlap an existing commitment; the EINVALID error says what is wrong otherwise.
func LocateQuote(text, quote string, taken []CommitmentSpan) (QuoteSpan, error) {
	i := strings.Index(text, quote)
	if quote == "" || i < 0 {
		return QuoteSpan{}, policy.Errorm(policy.EINVALID, "err.quote.missing")
	}
	if strings.Contains(text[i+1:], quote) {
		return QuoteSpan{}, policy.Errorm(policy.EINVALID, "err.quote.twice")
	}
	start := utf8.RuneCountInString(text[:i])
	span := QuoteSpan{start, start + utf8.RuneCountInString(quote)}
	for _, t := range taken {
		if span.Start < t.End && t.Start < span.End {
			return QuoteSpan{}, policy.Errorm(policy.EINVALID, "err.quote.overlap", t.Label)
		}
	}
	return span, nil
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
		WHERE paragraph_id = $1 AND withdrawn_at IS NULL`, paraID)
	if err != nil {
		return 0, err
	}
	taken, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (CommitmentSpan, error) {
		var c CommitmentSpan
		return c, r.Scan(&c.Start, &c.End, &c.Label)
	})
	if err != nil {
		return 0, err
	}
	span, err := LocateQuote(text, n.Quote, taken)
	if err != nil {
		return 0, err
	}
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
		RETURNING id`, docID, sectionID, paraID, span.Start, span.End, n.Quote, n.Title, n.Kind, n.Strength, n.Status, author).Scan(&id)
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

// ProgressUpdates lists a commitment's timeline, newest first. The public sees
// public updates only, and an author's name only where the update is signed.
func (s *Store) ProgressUpdates(ctx context.Context, commitmentID int64, staff bool) ([]policy.ProgressUpdate, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT u.id, u.happened_on, u.status, u.progress, u.note, coalesce(u.evidence_url, ''), u.public, u.signed,
		       CASE WHEN $2 OR u.signed THEN coalesce(a.name, '') ELSE '' END, u.created_at
		FROM progress_updates u LEFT JOIN users a ON a.id = u.author_id
		WHERE u.commitment_id = $1 AND ($2 OR u.public)
		ORDER BY u.happened_on DESC, u.id DESC`, commitmentID, staff)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (policy.ProgressUpdate, error) {
		var u policy.ProgressUpdate
		var progress *int16
		err := r.Scan(&u.ID, &u.HappenedOn, &u.Status, &progress, &u.Note, &u.EvidenceURL, &u.Public, &u.Signed, &u.Author, &u.CreatedAt)
		if progress != nil {
			p := int(*progress)
			u.Progress = &p
		}
		return u, err
	})
}
