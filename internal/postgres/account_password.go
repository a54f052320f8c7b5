package postgres

import (
	"context"

	"github.com/guizhou-portal/portal/internal/policy"
)

// ChangeOwnPassword replaces a user's password hash at their own request and
// ends all their sessions but keep (the one they are using, under its new
// token), with the audit record, in one transaction.
func (s *Store) ChangeOwnPassword(ctx context.Context, a policy.Actor, id int64, hash, keep string) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	tag, err := tx.Exec(ctx, `UPDATE users SET password_hash = $2, updated_at = now() WHERE id = $1 AND disabled_at IS NULL`, id, hash)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return policy.Errorm(policy.ENOTFOUND, "err.account")
	}
	ended, err := tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = $1 AND token <> $2`, id, keep)
	if err != nil {
		return err
	}
	if err := audit(ctx, tx, a, policy.ActionUserOwnPassword, "user", id, nil, nil, ownPasswordDetail{ended.RowsAffected()}); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// ownPasswordDetail is the detail of a user.password_own record.
type ownPasswordDetail struct {
	SessionsEnded int64 `json:"sessions_ended"`
}
