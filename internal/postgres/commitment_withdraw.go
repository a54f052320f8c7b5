package postgres

import (
	"context"

	"github.com/guizhou-portal/portal/internal/policy"
)

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
			 AND c.parent_id IS NULL AND o.parent_id IS NULL -- parts stand on their parent's words
			 AND o.anchor_review IS DISTINCT FROM 'unplaced' AND c.anchor_review IS DISTINCT FROM 'unplaced'
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
