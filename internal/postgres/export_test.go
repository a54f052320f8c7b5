package postgres

// WithoutCommitmentIndex is a store over the same database that always
// answers from PostgreSQL: the reference the index is tested against.
func (s *Store) WithoutCommitmentIndex() *Store {
	return &Store{pool: s.pool, onChange: s.onChange}
}

// CommitmentIndexReady reports whether the index answers.
func (s *Store) CommitmentIndexReady() bool {
	s.index.mu.RLock()
	defer s.index.mu.RUnlock()
	return s.index.ready
}
