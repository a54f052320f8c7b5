package postgres

import (
	"context"
	"net/netip"
	"time"

	"github.com/guizhou-portal/portal/internal/policy"
)

// UserForLogin returns the account with the email and its password hash;
// ENOTFOUND if there is none.
func (s *Store) UserForLogin(ctx context.Context, email string) (policy.User, string, error) {
	var u policy.User
	var hash string
	err := s.pool.QueryRow(ctx, `SELECT id, email, name, role, disabled_at, password_hash FROM users WHERE email = $1`, email).
		Scan(&u.ID, &u.Email, &u.Name, &u.Role, &u.DisabledAt, &hash)
	return u, hash, notFound(err, "err.account")
}

// BeginLoginAttempt records a login attempt as pending, unless too many have
// failed lately: after limit failed or pending attempts within window, for the
// account (counted since its last successful login) or from the client
// address, it records the attempt as throttled and says how long to wait.
// Advisory locks on the email and the client make the check and the record one
// step, so parallel attempts cannot all slip under the limit. The caller
// settles a pending attempt with FinishLoginAttempt.
func (s *Store) BeginLoginAttempt(ctx context.Context, email string, client netip.Addr, limit int, window time.Duration) (int64, time.Duration, error) {
	return s.beginAttempt(ctx, email, client, true, limit, window)
}

// OwnPasswordClient is the client address recorded for a signed-in user's
// check of their own current password: such attempts are counted per account
// only, so that one user's mistakes never lock out the logins of everyone
// behind the same address.
var OwnPasswordClient = netip.IPv6Unspecified()

// BeginOwnPasswordAttempt is BeginLoginAttempt for a signed-in user checking
// their current password: counted with the account's logins, not the client's.
func (s *Store) BeginOwnPasswordAttempt(ctx context.Context, email string, limit int, window time.Duration) (int64, time.Duration, error) {
	return s.beginAttempt(ctx, email, OwnPasswordClient, false, limit, window)
}

func (s *Store) beginAttempt(ctx context.Context, email string, client netip.Addr, perClient bool, limit int, window time.Duration) (int64, time.Duration, error) {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return 0, 0, err
	}
	defer tx.Rollback(ctx)
	// Always the email's lock first, then the client's: no two attempts wait on each other in a cycle.
	_, err = tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('login-email:' || $1, 0)),
	                              pg_advisory_xact_lock(hashtextextended('login-client:' || $2, 0))`, email, client.String())
	if err != nil {
		return 0, 0, err
	}
	var wait time.Duration
	err = tx.QueryRow(ctx, `
		WITH by_email AS (
		    SELECT attempted_at FROM login_attempts
		    WHERE email = $1 AND outcome IN ('failed', 'pending') AND attempted_at > now() - $4::interval
		      AND id > coalesce((SELECT max(id) FROM login_attempts WHERE email = $1 AND outcome = 'succeeded'), 0)
		    ORDER BY attempted_at DESC LIMIT $3
		), by_client AS (
		    SELECT attempted_at FROM login_attempts
		    WHERE $5 AND client = $2 AND outcome IN ('failed', 'pending') AND attempted_at > now() - $4::interval
		    ORDER BY attempted_at DESC LIMIT $3
		)
		SELECT greatest(
		    CASE WHEN (SELECT count(*) FROM by_email) >= $3 THEN (SELECT min(attempted_at) FROM by_email) + $4::interval - now() END,
		    CASE WHEN (SELECT count(*) FROM by_client) >= $3 THEN (SELECT min(attempted_at) FROM by_client) + $4::interval - now() END,
		    '0'::interval)`, email, client, limit, window, perClient).Scan(&wait)
	if err != nil {
		return 0, 0, err
	}
	outcome := "pending"
	if wait > 0 {
		outcome = "throttled"
	}
	var id int64
	err = tx.QueryRow(ctx, `INSERT INTO login_attempts (email, client, outcome) VALUES ($1, $2, $3) RETURNING id`,
		email, client, outcome).Scan(&id)
	if err != nil {
		return 0, 0, err
	}
	return id, wait, tx.Commit(ctx)
}

// FinishLoginAttempt settles a pending attempt as succeeded or failed.
func (s *Store) FinishLoginAttempt(ctx context.Context, id int64, succeeded bool) error {
	outcome := "failed"
	if succeeded {
		outcome = "succeeded"
	}
	_, err := s.pool.Exec(ctx, `UPDATE login_attempts SET outcome = $2 WHERE id = $1 AND outcome = 'pending'`, id, outcome)
	return err
}

// DeleteOldLoginAttempts removes attempts older than age; throttling needs
// only the last minutes, the record a few weeks.
func (s *Store) DeleteOldLoginAttempts(ctx context.Context, age time.Duration) (int64, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM login_attempts WHERE attempted_at < now() - $1::interval`, age)
	return tag.RowsAffected(), err
}
