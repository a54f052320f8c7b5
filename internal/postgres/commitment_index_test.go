package postgres_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/guizhou-portal/portal/internal/changes"
	"github.com/guizhou-portal/portal/internal/demo"
	"github.com/guizhou-portal/portal/internal/policy"
	"github.com/guizhou-portal/portal/internal/postgres"
	"github.com/guizhou-portal/portal/internal/postgres/pgtest"
)

// indexFixture is a database with the seeded reply and synthetic ones,
// some of them drafts, with commitments withdrawn, finished, late and
// half done, so that every facet and order has ties and gaps.
func indexFixture(t *testing.T) (*pgxpool.Pool, *postgres.Store) {
	t.Helper()
	ctx := context.Background()
	pool := pgtest.NewDB(t)
	store := postgres.NewStore(pool)
	if err := demo.Fill(ctx, store, 30, 7, nil); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`UPDATE documents SET published_at = NULL WHERE id IN (SELECT id FROM documents WHERE synthetic ORDER BY id LIMIT 4)`,
		`UPDATE commitments SET withdrawn_at = now(), withdrawn_reason = 'test' WHERE id % 17 = 3`,
		`UPDATE commitments SET status = 'completed', progress = 100 WHERE id % 11 = 1`,
		`UPDATE commitments SET status = 'dropped' WHERE id % 23 = 5`,
		`UPDATE commitments SET progress = (id * 7) % 100 WHERE id % 5 = 2`,
		`UPDATE commitments SET due_on = DATE '2026-01-10' + (id % 60)::int WHERE id % 4 = 0`,
		`UPDATE commitments SET updated_at = now() - (id % 9) * interval '1 day'`,
	} {
		if _, err := pool.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	return pool, store
}

// loadIndex starts the index as the listener's start does and waits for it.
func loadIndex(t *testing.T, store *postgres.Store) {
	t.Helper()
	store.CommitmentIndex().Flush(true)
	pgtest.WaitFor(t, 30*time.Second, "the commitment index to load", store.CommitmentIndexReady)
}

// randomFilters picks filters from the values the facets offer, with now
// and then a value nobody has, several at once, or none.
func randomFilters(t *testing.T, store *postgres.Store, n int) []policy.CommitmentFilter {
	ctx := policy.WithViewer(context.Background(), policy.Staff)
	all, err := store.WithoutCommitmentIndex().CommitmentFacets(ctx, policy.CommitmentFilter{Today: indexToday})
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	sorts := []policy.CommitmentSort{policy.SortCommitmentsDefault, policy.SortCommitmentsDue, policy.SortCommitmentsUpdated, policy.SortCommitmentsProgress}
	out := []policy.CommitmentFilter{{Today: indexToday}, {Today: indexToday, RealOnly: true}}
	for range n {
		f := policy.CommitmentFilter{Today: indexToday, RealOnly: r.IntN(4) == 0, Sort: sorts[r.IntN(len(sorts))]}
		for _, facet := range policy.Facets {
			if r.IntN(3) != 0 {
				continue
			}
			values := all.Values[facet]
			for range 1 + r.IntN(2) {
				v := "nobody-has-this"
				if facet == policy.FacetYear {
					v = "1999"
				}
				if len(values) > 0 && r.IntN(8) != 0 {
					v = values[r.IntN(len(values))].Value
				}
				f = withAlso(f, facet, v)
			}
		}
		out = append(out, f)
	}
	return out
}

// indexToday is the day the tests judge timeliness on: some due dates are
// before it, some soon after and some later.
var indexToday = time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)

// withAlso returns f with value added to the facet's selection.
func withAlso(f policy.CommitmentFilter, facet, value string) policy.CommitmentFilter {
	g := withOnly(policy.CommitmentFilter{}, facet, value)
	f.Documents = append(f.Documents, g.Documents...)
	f.Themes = append(f.Themes, g.Themes...)
	f.Statuses = append(f.Statuses, g.Statuses...)
	f.Kinds = append(f.Kinds, g.Kinds...)
	f.Strengths = append(f.Strengths, g.Strengths...)
	f.Leads = append(f.Leads, g.Leads...)
	f.Regions = append(f.Regions, g.Regions...)
	f.Minerals = append(f.Minerals, g.Minerals...)
	f.Years = append(f.Years, g.Years...)
	f.Due = append(f.Due, g.Due...)
	return f
}

// sameAnswers fails t where the index (store) and PostgreSQL (sql) answer f
// differently for the viewer of ctx: facet counts and labels, the count, the
// last change, and pages of the list in f's order.
func sameAnswers(t *testing.T, ctx context.Context, store, sql *postgres.Store, f policy.CommitmentFilter) {
	t.Helper()
	got, err := store.CommitmentFacets(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	want, err := sql.CommitmentFacets(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	if g, w := facetText(got), facetText(want); g != w {
		t.Errorf("filter %+v: facets from the index\n%s\nfrom PostgreSQL\n%s", f, g, w)
	}
	n, err := store.CountCommitments(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	if n != want.Total {
		t.Errorf("filter %+v: count %d from the index, total %d from PostgreSQL", f, n, want.Total)
	}
	gotAt, err := store.CommitmentsUpdatedAt(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	wantAt, err := sql.CommitmentsUpdatedAt(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	if (gotAt == nil) != (wantAt == nil) || gotAt != nil && !gotAt.Equal(*wantAt) {
		t.Errorf("filter %+v: last change %v from the index, %v from PostgreSQL", f, gotAt, wantAt)
	}
	for _, page := range [][2]int{{20, 0}, {7, 13}, {200, 0}} {
		f.Limit, f.Offset = page[0], page[1]
		g, err := store.Commitments(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		w, err := sql.Commitments(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		if gi, wi := ids(g), ids(w); !slices.Equal(gi, wi) {
			t.Errorf("filter %+v: page from the index %v, from PostgreSQL %v", f, gi, wi)
		}
	}
}

func ids(cs []policy.Commitment) []int64 {
	out := make([]int64, len(cs))
	for i, c := range cs {
		out[i] = c.ID
	}
	return out
}

// facetText writes facets one value a line, most frequent first and then by
// value, the order both paths promise.
func facetText(f policy.CommitmentFacets) string {
	var b strings.Builder
	fmt.Fprintf(&b, "total %d\n", f.Total)
	for _, facet := range policy.Facets {
		for _, v := range f.Values[facet] {
			fmt.Fprintf(&b, "%s %s %d %s\n", facet, v.Value, v.Count, v.Label)
		}
	}
	return b.String()
}

func sameLeadUnits(t *testing.T, ctx context.Context, store, sql *postgres.Store) {
	t.Helper()
	got, err := store.LeadUnits(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want, err := sql.LeadUnits(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("lead units from the index\n%v\nfrom PostgreSQL\n%v", got, want)
	}
}

// The index answers every filter, order, page and viewer exactly as the
// queries it stands in for: the SQL path is the definition.
func TestCommitmentIndexAnswersAsPostgreSQL(t *testing.T) {
	_, store := indexFixture(t)
	sql := store.WithoutCommitmentIndex()
	loadIndex(t, store)
	public := context.Background()
	staff := policy.WithViewer(public, policy.Staff)
	filters := randomFilters(t, store, 60)
	for i, f := range filters {
		ctx := public
		if i%2 == 1 {
			ctx = staff
		}
		sameAnswers(t, ctx, store, sql, f)
	}
	sameLeadUnits(t, public, store, sql)
	sameLeadUnits(t, staff, store, sql)
	sameUnitRollups(t, public, store, sql)
	sameUnitRollups(t, staff, store, sql)
	// ?as_of= is never answered from the index.
	if _, err := store.CommitmentFacets(policy.WithAsOf(public, policy.AsOf{End: time.Now()}), policy.CommitmentFilter{}); err != nil {
		t.Fatal(err)
	}
}

// The index follows writes as the listener hears them: once a writer's mark
// is heard (what a staff save waits for), the index already answers with
// the write, for each kind of write an editor or an import makes.
func TestCommitmentIndexFollowsWrites(t *testing.T) {
	pool, store := indexFixture(t)
	sql := store.WithoutCommitmentIndex()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	marks := changes.NewMarks()
	done := make(chan struct{})
	go func() {
		changes.Listen(ctx, pool.Config().ConnConfig, pgtest.Logger(), store.CommitmentIndex(), marks)
		close(done)
	}()
	defer func() { cancel(); <-done }()
	pgtest.WaitFor(t, 30*time.Second, "the commitment index to load", store.CommitmentIndexReady)
	public := context.Background()
	staff := policy.WithViewer(public, policy.Staff)
	filters := randomFilters(t, store, 8)
	writes := []string{
		`UPDATE commitments SET status = 'completed', progress = 100, updated_at = now() WHERE id = (SELECT min(id) FROM commitments WHERE withdrawn_at IS NULL)`,
		`UPDATE commitments SET withdrawn_at = now(), withdrawn_reason = 'test' WHERE id IN (SELECT id FROM commitments WHERE withdrawn_at IS NULL ORDER BY id DESC LIMIT 3)`,
		`UPDATE commitments SET withdrawn_at = NULL, withdrawn_reason = NULL WHERE id % 17 = 3`,
		`UPDATE commitments SET due_on = DATE '2026-02-03', kind = 'plan', strength = 'definite' WHERE id % 13 = 0`,
		`DELETE FROM commitment_units WHERE role = 'lead' AND commitment_id IN (SELECT id FROM commitments ORDER BY id LIMIT 5)`,
		`INSERT INTO commitment_units (commitment_id, entity_id, role)
		 SELECT c.id, e.id, 'lead' FROM commitments c, entities e WHERE c.id % 19 = 0 AND e.slug = 'guizhou' ON CONFLICT DO NOTHING`,
		`UPDATE documents SET published_at = now() WHERE published_at IS NULL AND id = (SELECT min(id) FROM documents WHERE published_at IS NULL)`,
		`UPDATE documents SET published_at = NULL WHERE id = (SELECT max(id) FROM documents WHERE synthetic)`,
		`UPDATE entities SET name = name || '（改）' WHERE slug = 'guizhou'`,
		`UPDATE figures SET quote = quote WHERE false`,
	}
	for _, w := range writes {
		loads := store.CommitmentIndexLoads()
		if _, err := pool.Exec(context.Background(), w); err != nil {
			t.Fatalf("%s: %v", w, err)
		}
		if err := marks.Wait(context.Background(), pool); err != nil {
			t.Fatal(err)
		}
		// Publishing or withdrawing a document, or renaming a unit (writes
		// that name no rows), is followed at once, not by a whole load.
		if (strings.HasPrefix(w, "UPDATE documents") || strings.HasPrefix(w, "UPDATE entities")) && store.CommitmentIndexLoads() != loads {
			t.Errorf("%s: the index loads whole", w)
		}
		// A write the index cannot follow row by row reloads it whole,
		// and until then the store answers from PostgreSQL: either way,
		// the answers are the write's.
		for i, f := range filters {
			c := public
			if i%2 == 0 {
				c = staff
			}
			sameAnswers(t, c, store, sql, f)
		}
		sameLeadUnits(t, public, store, sql)
		sameUnitRollups(t, public, store, sql)
		sameUnitRollups(t, staff, store, sql)
	}
	pgtest.WaitFor(t, 30*time.Second, "the commitment index to reload", store.CommitmentIndexReady)
	// Replaced entries leave their values behind in the arena until it is
	// compacted; compacted, it answers the same.
	if _, err := pool.Exec(context.Background(), `UPDATE commitments SET updated_at = now() WHERE id % 3 = 0`); err != nil {
		t.Fatal(err)
	}
	if err := marks.Wait(context.Background(), pool); err != nil {
		t.Fatal(err)
	}
	store.CompactCommitmentIndex()
	for _, f := range filters {
		sameAnswers(t, staff, store, sql, f)
	}
}

// sameUnitRollups fails t where the index and PostgreSQL roll up the units
// differently for the viewer of ctx (/units).
func sameUnitRollups(t *testing.T, ctx context.Context, store, sql *postgres.Store) {
	t.Helper()
	got, err := store.UnitRollups(ctx, indexToday)
	if err != nil {
		t.Fatal(err)
	}
	want, err := sql.UnitRollups(ctx, indexToday)
	if err != nil {
		t.Fatal(err)
	}
	text := func(rs []policy.Rollup) string {
		var b strings.Builder
		for _, r := range rs {
			mean, at := "-", "-"
			if r.Mean != nil {
				mean = fmt.Sprintf("%.9f", *r.Mean)
			}
			if r.UpdatedAt != nil {
				at = r.UpdatedAt.UTC().Format(time.RFC3339Nano)
			}
			fmt.Fprintf(&b, "%s %s %s n=%d led=%d sup=%d done=%d late=%d soon=%d nodate=%d known=%d mean=%s at=%s sat=%v\n",
				r.Key, r.Label, r.LabelEN, r.Count, r.Led, r.Supported, r.Completed, r.Overdue, r.DueSoon, r.NoDate, r.Known, mean, at, r.Satisfaction)
		}
		return b.String()
	}
	if g, w := text(got), text(want); g != w {
		t.Errorf("unit roll-ups from the index\n%s\nfrom PostgreSQL\n%s", g, w)
	}
}
