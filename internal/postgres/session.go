package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// SessionStore keeps alexedwards/scs sessions in PostgreSQL, so that they
// survive restarts and are shared by every instance. Unlike scs's own pgx store
// it honours each request's deadline and records which user a session belongs
// to, so that disabling an account ends its sessions in one statement.
type SessionStore struct {
	pool *pgxpool.Pool
	// UserOf returns the user id a session's data holds (0 for none); it is given
	// the context scs commits with, which carries that data.
	UserOf func(context.Context) int64
}

// NewSessionStore returns a store over pool.
func NewSessionStore(pool *pgxpool.Pool, userOf func(context.Context) int64) *SessionStore {
	return &SessionStore{pool: pool, UserOf: userOf}
}

// FindCtx returns the data of an unexpired session.
func (s *SessionStore) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	var b []byte
	err := s.pool.QueryRow(ctx, `SELECT data FROM sessions WHERE token = $1 AND now() < expiry`, token).Scan(&b)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, false, nil
	}
	return b, err == nil, err
}

type onlyIfLiveKey struct{}

// OnlyIfLive marks ctx so that a commit under it changes a session that is
// still live and never makes one again: a write after the request's own work
// may have ended the session (a password reset ends its owner's sessions).
func OnlyIfLive(ctx context.Context) context.Context {
	return context.WithValue(ctx, onlyIfLiveKey{}, true)
}

// CommitCtx saves a session's data and expiry.
func (s *SessionStore) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	var user *int64
	if id := s.UserOf(ctx); id != 0 {
		user = &id
	}
	if only, _ := ctx.Value(onlyIfLiveKey{}).(bool); only {
		_, err := s.pool.Exec(ctx, `UPDATE sessions SET data = $2, expiry = $3 WHERE token = $1 AND now() < expiry`, token, b, expiry)
		return err
	}
	_, err := s.pool.Exec(ctx, `
		INSERT INTO sessions (token, data, expiry, user_id) VALUES ($1, $2, $3, $4)
		ON CONFLICT (token) DO UPDATE SET data = EXCLUDED.data, expiry = EXCLUDED.expiry, user_id = EXCLUDED.user_id`,
		token, b, expiry, user)
	return err
}

// DeleteCtx removes a session.
func (s *SessionStore) DeleteCtx(ctx context.Context, token string) error {
	_, err := s.pool.Exec(ctx, `DELETE FROM sessions WHERE token = $1`, token)
	return err
}

// Find is FindCtx without a deadline, for scs's Store interface.
func (s *SessionStore) Find(token string) ([]byte, bool, error) {
	return s.FindCtx(context.Background(), token)
}

// Commit is CommitCtx without a deadline or user, for scs's Store interface.
func (s *SessionStore) Commit(token string, b []byte, expiry time.Time) error {
	return s.CommitCtx(context.Background(), token, b, expiry)
}

// Delete is DeleteCtx without a deadline, for scs's Store interface.
func (s *SessionStore) Delete(token string) error {
	return s.DeleteCtx(context.Background(), token)
}

// DeleteExpired removes sessions past their expiry.
func (s *SessionStore) DeleteExpired(ctx context.Context) (int64, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM sessions WHERE expiry < now()`)
	return tag.RowsAffected(), err
}

// Owner returns the account a session belonged to, expired or not, while its
// row is still kept (the sweep deletes expired rows); 0 when unknown.
func (s *SessionStore) Owner(ctx context.Context, token string) (int64, error) {
	var id *int64
	err := s.pool.QueryRow(ctx, `SELECT user_id FROM sessions WHERE token = $1`, token).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) || id == nil {
		return 0, nil
	}
	return *id, err
}
