package postgres

// WithoutCommitmentIndex is a store over the same database that always
// answers from PostgreSQL: the reference the index is tested against.
func (s *Store) WithoutCommitmentIndex() *Store {
	return &Store{pool: s.pool, onChange: s.onChange}
}

// CommitmentIndexReady reports whether the index answers.
func (s *Store) CommitmentIndexReady() bool {
	ready, _ := s.CommitmentIndexState()
	return ready
}

// CompactCommitmentIndex drops the values no entry has from the index's
// arena, as it does by itself once they are many.
func (s *Store) CompactCommitmentIndex() {
	s.index.mu.Lock()
	defer s.index.mu.Unlock()
	s.index.compact()
}
