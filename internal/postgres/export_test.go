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

// CommitmentIndexLoading reports whether a whole load of the index is under
// way.
func (s *Store) CommitmentIndexLoading() bool {
	s.index.mu.RLock()
	defer s.index.mu.RUnlock()
	return s.index.loading
}

// CommitmentIndexLoads counts the whole loads of the index begun.
func (s *Store) CommitmentIndexLoads() uint64 {
	s.index.mu.RLock()
	defer s.index.mu.RUnlock()
	return s.index.gen
}
