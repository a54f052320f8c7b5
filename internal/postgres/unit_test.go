package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/guizhou-portal/portal/internal/postgres"
	"github.com/guizhou-portal/portal/internal/postgres/pgtest"
)

// A unit's page lists its first commitments only, while its roll-up counts
// them all, as the /units index does.
func TestUnitListsTheFirstCommitmentsAndRollsUpAll(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.NewDB(t)
	store := postgres.NewStore(pool)
	// The seed names each unit on two commitments at most: CATL supports a
	// third of them here.
	if _, err := pool.Exec(ctx, `INSERT INTO commitment_units (commitment_id, entity_id, role)
		SELECT c.id, (SELECT id FROM entities WHERE slug = 'catl'), 'support' FROM commitments c
		WHERE c.id % 3 = 0 AND c.parent_id IS NULL ON CONFLICT DO NOTHING`); err != nil {
		t.Fatal(err)
	}
	today := time.Date(2026, 1, 10, 0, 0, 0, 0, time.UTC)
	_, all, every, err := store.Unit(ctx, "catl", today, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if len(every) < 3 || all.Count != len(every) {
		t.Fatalf("%d commitments listed, roll-up counts %d: the seed should give the unit at least 3", len(every), all.Count)
	}
	_, r, first, err := store.Unit(ctx, "catl", today, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(first) != 2 || first[0].ID != every[0].ID || first[1].ID != every[1].ID {
		t.Errorf("limited to 2: %d listed, not the first two of the whole list", len(first))
	}
	if r.Count != all.Count || r.Led != all.Led || r.Supported != all.Supported || r.Overdue != all.Overdue {
		t.Errorf("the limited roll-up %+v differs from the whole one %+v", r, all)
	}
	units, err := store.UnitRollups(ctx, today)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range units {
		if u.Key == "catl" && (u.Count != r.Count || u.Led != r.Led || u.Completed != r.Completed) {
			t.Errorf("the index says %+v, the unit's page %+v", u, r)
		}
	}
}
