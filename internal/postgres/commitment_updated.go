package postgres

import (
	"context"
	"time"

	"github.com/guizhou-portal/portal/internal/policy"
)

// CommitmentsUpdatedAt is the last change to any commitment f selects
// (ignoring its Limit and Offset), for the list's 最后更新; nil when f selects none.
func (s *Store) CommitmentsUpdatedAt(ctx context.Context, f policy.CommitmentFilter) (*time.Time, error) {
	if _, at, ok := s.index.count(ctx, f); ok {
		return at, nil
	}
	where, args := commitmentWhere(ctx, f)
	var at *time.Time
	err := s.pool.QueryRow(ctx, asOf(ctx, `SELECT max(c.updated_at)`+commitmentNarrowFrom+` WHERE `+where), args...).Scan(&at)
	return at, err
}
