package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/guizhou-portal/portal/internal/policy"
)

const userColumns = `u.id, u.email, u.name, u.role, u.disabled_at, u.created_at,
	(SELECT max(l.attempted_at) FROM login_attempts l WHERE l.email = u.email AND l.outcome = 'succeeded')`

func scanUser(r pgx.CollectableRow) (policy.User, error) {
	var u policy.User
	return u, r.Scan(&u.ID, &u.Email, &u.Name, &u.Role, &u.DisabledAt, &u.CreatedAt, &u.LastLogin)
}

// Users lists every account, admins first.
func (s *Store) Users(ctx context.Context) ([]policy.User, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+userColumns+` FROM users u
		ORDER BY u.disabled_at IS NOT NULL, u.role = 'editor', u.name, u.id`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanUser)
}

// User returns the account with the given id; ENOTFOUND if there is none.
func (s *Store) User(ctx context.Context, id int64) (policy.User, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+userColumns+` FROM users u WHERE u.id = $1`, id)
	if err != nil {
		return policy.User{}, err
	}
	u, err := pgx.CollectExactlyOneRow(rows, scanUser)
	return u, notFound(err, "err.account")
}

// EnabledAdmins counts the accounts that can manage other accounts.
func (s *Store) EnabledAdmins(ctx context.Context) (int, error) {
	var n int
	err := s.pool.QueryRow(ctx, `SELECT count(*) FROM users WHERE role = 'admin' AND disabled_at IS NULL`).Scan(&n)
	return n, err
}

func userState(u policy.User) *policy.UserState {
	return &policy.UserState{Email: u.Email, Name: u.Name, Role: u.Role, Disabled: u.DisabledAt != nil}
}

// CreateUser adds an account; ECONFLICT if the email is taken.
func (s *Store) CreateUser(ctx context.Context, a policy.Actor, email, name string, role policy.Role, hash string) (int64, error) {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback(ctx)
	var id int64
	err = tx.QueryRow(ctx, `INSERT INTO users (email, name, role, password_hash) VALUES ($1, $2, $3, $4) RETURNING id`,
		email, name, role, hash).Scan(&id)
	if isUniqueViolation(err) {
		return 0, policy.Errorm(policy.ECONFLICT, "err.account.taken", email)
	}
	if err != nil {
		return 0, err
	}
	after := &policy.UserState{Email: email, Name: name, Role: role}
	if err := audit(ctx, tx, a, policy.ActionUserCreate, "user", id, nil, after, nil); err != nil {
		return 0, err
	}
	return id, tx.Commit(ctx)
}

// UpdateUser changes an account's name, role and whether it is disabled.
// Disabling an account ends its sessions in the same transaction.
func (s *Store) UpdateUser(ctx context.Context, a policy.Actor, id int64, name string, role policy.Role, disabled bool) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	// Account changes queue here, one at a time, before any row is locked:
	// two admins demoting each other would otherwise each hold their own
	// row and wait for the other's (a deadlock, answered 500). They are
	// rare, so queueing them all costs nothing.
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('portal.users'))`); err != nil {
		return err
	}
	rows, err := tx.Query(ctx, `SELECT `+userColumns+` FROM users u WHERE u.id = $1 FOR NO KEY UPDATE`, id)
	if err != nil {
		return err
	}
	before, err := pgx.CollectExactlyOneRow(rows, scanUser)
	if err != nil {
		return notFound(err, "err.account")
	}
	if before.Name == name && before.Role == role && (before.DisabledAt != nil) == disabled {
		return nil // nothing to change, nothing to record
	}
	if before.IsAdmin() && (disabled || role != policy.RoleAdmin) {
		// Lock the other admins, so that two admins cannot demote each other at once.
		var others int
		err := tx.QueryRow(ctx, `SELECT count(*) FROM (SELECT id FROM users WHERE role = 'admin' AND disabled_at IS NULL
			AND id <> $1 FOR NO KEY UPDATE) a`, id).Scan(&others)
		if err != nil {
			return err
		}
		if others == 0 {
			return policy.Errorm(policy.EINVALID, "err.account.lastadmin")
		}
	}
	_, err = tx.Exec(ctx, `
		UPDATE users SET name = $2, role = $3, updated_at = now(),
		       disabled_at = CASE WHEN $4 THEN coalesce(disabled_at, now()) END
		WHERE id = $1`, id, name, role, disabled)
	if err != nil {
		return err
	}
	if disabled {
		if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = $1`, id); err != nil {
			return err
		}
	}
	after := &policy.UserState{Email: before.Email, Name: name, Role: role, Disabled: disabled}
	if err := audit(ctx, tx, a, policy.ActionUserUpdate, "user", id, userState(before), after, nil); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// SetPassword replaces an account's password hash and ends its sessions.
func (s *Store) SetPassword(ctx context.Context, a policy.Actor, id int64, hash string) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	tag, err := tx.Exec(ctx, `UPDATE users SET password_hash = $2, updated_at = now() WHERE id = $1`, id, hash)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return policy.Errorm(policy.ENOTFOUND, "err.account")
	}
	if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = $1`, id); err != nil {
		return err
	}
	if err := audit(ctx, tx, a, policy.ActionUserPassword, "user", id, nil, nil, nil); err != nil {
		return err
	}
	return tx.Commit(ctx)
}
