package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/guizhou-portal/portal/internal/policy"
)

// AddProgressUpdate adds a dated entry to a commitment's timeline and moves the
// commitment to the entry's status and progress, with the audit record, in one
// transaction; the form must have been loaded at version.
func (s *Store) AddProgressUpdate(ctx context.Context, a policy.Actor, id int64, version int, u policy.NewUpdate) (int64, error) {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback(ctx)
	var author *int64
	if a.UserID != 0 {
		author = &a.UserID
	}
	updateID, err := s.addUpdate(ctx, tx, a, author, id, version, u, nil)
	if err != nil {
		return 0, err
	}
	return updateID, tx.Commit(ctx)
}

// addUpdate adds an update written by author inside tx, with the update.add
// record of a, whose detail also names the review that approved it, if any.
func (s *Store) addUpdate(ctx context.Context, tx pgx.Tx, a policy.Actor, author *int64, id int64, version int, u policy.NewUpdate, review *policy.ReviewDetail) (int64, error) {
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
	err = tx.QueryRow(ctx, `
		INSERT INTO progress_updates (commitment_id, happened_on, status, progress, note, evidence_url, public, signed, author_id)
		VALUES ($1, $2, $3, $4, $5, nullif($6, ''), $7, $8, $9) RETURNING id`,
		id, u.HappenedOn, u.Status, u.Progress, u.Note, u.EvidenceURL, u.Public, u.Signed, author).Scan(&updateID)
	if err != nil {
		return 0, err
	}
	detail := updateDetail{UpdateID: updateID}
	if review != nil {
		detail.ReviewDetail = *review
	}
	if err := audit(ctx, tx, a, policy.ActionUpdateAdd, "commitment", id, before, &after, detail); err != nil {
		return 0, err
	}
	ch := policy.CommitmentChange{CommitmentID: id, UpdateID: updateID, Action: policy.ActionUpdateAdd}
	if u.Public { // an internal update's words stay internal; its status and progress are public anyway
		ch.Note, ch.EvidenceURL = u.Note, u.EvidenceURL
	}
	if err := s.changed(ctx, tx, ch, before, &after); err != nil {
		return 0, err
	}
	return updateID, nil
}

// ProgressUpdates lists a commitment's timeline, newest first. The public sees
// public updates that are not hidden, and an author's name only where the
// update is signed; staff see every update, hidden ones marked.
func (s *Store) ProgressUpdates(ctx context.Context, commitmentID int64, staff bool) ([]policy.ProgressUpdate, error) {
	rows, err := s.pool.Query(ctx, updateSQL+`
		WHERE u.commitment_id = $1 AND ($2 OR (u.public AND u.hidden_at IS NULL)) AND ($3::timestamptz IS NULL OR u.created_at < $3)
		  AND `+visibleDocument(ctx, "(SELECT c.document_id FROM commitments c WHERE c.id = u.commitment_id)")+`
		ORDER BY u.happened_on DESC, u.id DESC`, commitmentID, staff, asOfEnd(ctx))
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanUpdate)
}

// updateSQL selects progress updates for scanUpdate; $2 is whether the viewer
// is staff, who see every author's name.
const updateSQL = `
		SELECT u.id, u.happened_on, u.status, u.progress, u.note, coalesce(u.evidence_url, ''), u.public, u.signed,
		       CASE WHEN $2 OR u.signed THEN coalesce(a.name, '') ELSE '' END, u.created_at,
		       u.corrected_at, u.hidden_at, coalesce(u.hide_reason, '')
		FROM progress_updates u LEFT JOIN users a ON a.id = u.author_id`

func scanUpdate(r pgx.CollectableRow) (policy.ProgressUpdate, error) {
	var u policy.ProgressUpdate
	var progress *int16
	err := r.Scan(&u.ID, &u.HappenedOn, &u.Status, &progress, &u.Note, &u.EvidenceURL, &u.Public, &u.Signed, &u.Author, &u.CreatedAt,
		&u.CorrectedAt, &u.HiddenAt, &u.HideReason)
	if progress != nil {
		p := int(*progress)
		u.Progress = &p
	}
	return u, err
}

// updateDetail is the detail of an update.add record: the update, and the
// review that approved it where there was one.
type updateDetail struct {
	UpdateID int64 `json:"update_id"`
	policy.ReviewDetail
}
