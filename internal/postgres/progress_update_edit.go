package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/guizhou-portal/portal/internal/policy"
)

// ProgressUpdate returns one update of a commitment, hidden or not, for staff
// to correct.
func (s *Store) ProgressUpdate(ctx context.Context, commitmentID, updateID int64) (policy.ProgressUpdate, error) {
	rows, err := s.pool.Query(ctx, updateSQL+` WHERE u.commitment_id = $1 AND u.id = $3`, commitmentID, true, updateID)
	if err != nil {
		return policy.ProgressUpdate{}, err
	}
	u, err := pgx.CollectExactlyOneRow(rows, scanUpdate)
	return u, notFound(err, "err.update")
}

// lockUpdate locks an update of a commitment and returns its recorded state.
func lockUpdate(ctx context.Context, tx pgx.Tx, commitmentID, updateID int64) (*policy.UpdateState, error) {
	var st policy.UpdateState
	var happened time.Time
	err := tx.QueryRow(ctx, `
		SELECT happened_on, note, coalesce(evidence_url, ''), public, hidden_at IS NOT NULL, coalesce(hide_reason, '')
		FROM progress_updates WHERE commitment_id = $1 AND id = $2 FOR UPDATE`, commitmentID, updateID).
		Scan(&happened, &st.Note, &st.EvidenceURL, &st.Public, &st.Hidden, &st.HideReason)
	if err != nil {
		return nil, notFound(err, "err.update")
	}
	st.HappenedOn = happened.Format(time.DateOnly)
	return &st, nil
}

// CorrectProgressUpdate corrects an update's words and link, on a form loaded
// at the commitment's version, with its audit record, in one transaction. A
// correction that changes nothing leaves no record. A stale version gets
// policy.ErrStale.
func (s *Store) CorrectProgressUpdate(ctx context.Context, a policy.Actor, commitmentID, updateID int64, version int, c policy.UpdateCorrection) error {
	return s.changeUpdate(ctx, a, commitmentID, updateID, version, policy.ActionUpdateEdit, func(st *policy.UpdateState) string {
		st.Note, st.EvidenceURL = c.Note, c.EvidenceURL
		return `UPDATE progress_updates SET note = $3, evidence_url = nullif($4, ''), corrected_at = now()
			WHERE commitment_id = $1 AND id = $2`
	}, c.Note, c.EvidenceURL)
}

// HideProgressUpdate hides an update from the public (hide) with a reason, or
// shows it again, audited like a correction.
func (s *Store) HideProgressUpdate(ctx context.Context, a policy.Actor, commitmentID, updateID int64, version int, hide bool, reason string) error {
	action := policy.ActionUpdateShow
	if hide {
		action = policy.ActionUpdateHide
	} else {
		reason = ""
	}
	return s.changeUpdate(ctx, a, commitmentID, updateID, version, action, func(st *policy.UpdateState) string {
		st.Hidden, st.HideReason = hide, reason
		return `UPDATE progress_updates SET hidden_at = CASE WHEN $3 THEN coalesce(hidden_at, now()) END, hide_reason = nullif($4, '')
			WHERE commitment_id = $1 AND id = $2`
	}, hide, reason)
}

// changeUpdate locks the commitment at version and the update, applies the
// change that apply describes (its SQL takes the commitment's id, the
// update's and args) and records the update's state before and after.
func (s *Store) changeUpdate(ctx context.Context, a policy.Actor, commitmentID, updateID int64, version int, action string,
	apply func(*policy.UpdateState) string, args ...any) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	if _, err := lockForChange(ctx, tx, commitmentID, version); err != nil {
		return err
	}
	before, err := lockUpdate(ctx, tx, commitmentID, updateID)
	if err != nil {
		return err
	}
	after := *before
	sql := apply(&after)
	if after == *before {
		return nil // nothing changed: no version, no record
	}
	if _, err := tx.Exec(ctx, sql, append([]any{commitmentID, updateID}, args...)...); err != nil {
		return err
	}
	if err := audit(ctx, tx, a, action, "commitment", commitmentID, before, &after, updateDetail{UpdateID: updateID}); err != nil {
		return err
	}
	return tx.Commit(ctx)
}
