package postgres

import (
	"context"
	"crypto/rand"
)

// SigningKey returns the shared secret called name, making it on first use:
// every instance of the portal signs with the same key, so a cookie one
// signed is believed by all, and the key survives restarts.
func (s *SessionStore) SigningKey(ctx context.Context, name string) ([]byte, error) {
	fresh := make([]byte, 32)
	rand.Read(fresh)
	// Two instances starting at once both insert; the first one's key wins and
	// both read it back.
	if _, err := s.pool.Exec(ctx, `INSERT INTO signing_keys (name, key) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`, name, fresh); err != nil {
		return nil, err
	}
	var key []byte
	err := s.pool.QueryRow(ctx, `SELECT key FROM signing_keys WHERE name = $1`, name).Scan(&key)
	return key, err
}
