package postgres_test

import (
	"context"
	"slices"
	"testing"

	"github.com/guizhou-portal/portal/internal/policy"
	"github.com/guizhou-portal/portal/internal/postgres"
	"github.com/guizhou-portal/portal/internal/postgres/pgtest"
)

// TestCommitmentPagesEqualTheWholeList checks that paging in SQL, as the API
// does, gives the whole list in the same order, and that the count agrees.
func TestCommitmentPagesEqualTheWholeList(t *testing.T) {
	store := postgres.NewStore(pgtest.NewDB(t))
	ctx := context.Background()
	for _, f := range []policy.CommitmentFilter{{}, {Statuses: []policy.Status{policy.StatusCompleted}}, {Themes: []string{"investment_attraction"}}} {
		all, err := store.Commitments(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		n, err := store.CountCommitments(ctx, f)
		if err != nil || n != len(all) || n == 0 {
			t.Fatalf("%+v: count %d (%v), list %d", f, n, err, len(all))
		}
		var paged []int64
		for offset := 0; offset < n+7; offset += 7 {
			g := f
			g.Limit, g.Offset = 7, offset
			page, err := store.Commitments(ctx, g)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range page {
				paged = append(paged, c.ID)
			}
		}
		var whole []int64
		for _, c := range all {
			whole = append(whole, c.ID)
		}
		if !slices.Equal(paged, whole) {
			t.Errorf("%+v: pages %v\nwhole %v", f, paged, whole)
		}
	}
}
