package postgres

import "github.com/jackc/pgx/v5/pgxpool"

// Store reads the policy-document model. Its methods return *policy.Error with
// ENOTFOUND for unknown slugs and ids, and plain errors for database failures.
type Store struct {
	pool *pgxpool.Pool
}

// NewStore returns a store over pool.
func NewStore(pool *pgxpool.Pool) *Store { return &Store{pool: pool} }

// toStrings turns typed values (statuses, kinds) into the text array a query takes.
func toStrings[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}
