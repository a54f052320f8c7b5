package postgres_test

import (
	"context"
	"io/fs"
	"slices"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/pressly/goose/v3"

	"github.com/guizhou-portal/portal/internal/postgres"
	"github.com/guizhou-portal/portal/internal/postgres/pgtest"
	"github.com/guizhou-portal/portal/migrations"
)

// emptyMigrator is a migrator on a new empty database, closed when the test ends.
func emptyMigrator(t *testing.T) (*pgxpool.Pool, *postgres.Migrator) {
	t.Helper()
	pool := pgtest.Pool(t, pgtest.EmptyDB(t))
	m, err := postgres.NewMigrator(pool, pgtest.Logger())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return pool, m
}

func TestMigrationsUpDownToZeroAndUpAgain(t *testing.T) {
	ctx := context.Background()
	pool, m := emptyMigrator(t)
	latest, err := postgres.LatestVersion()
	if err != nil {
		t.Fatal(err)
	}

	if v, _ := postgres.SchemaVersion(ctx, pool); v != 0 {
		t.Fatalf("empty database reports schema version %d", v)
	}
	if err := m.Up(ctx); err != nil {
		t.Fatalf("up: %v", err)
	}
	if v, _ := postgres.SchemaVersion(ctx, pool); v != latest {
		t.Fatalf("after up: version %d, want %d", v, latest)
	}
	if n := count(t, pool, `SELECT count(*) FROM paragraphs`); n != 25 {
		t.Fatalf("after up: %d paragraphs, want 25", n)
	}
	if err := m.DownTo(ctx, 0); err != nil {
		t.Fatalf("down to zero: %v", err)
	}
	if v, _ := postgres.SchemaVersion(ctx, pool); v != 0 {
		t.Fatalf("after down: version %d, want 0", v)
	}
	if n := count(t, pool, `SELECT count(*) FROM information_schema.tables
		WHERE table_schema = 'public' AND table_name <> 'goose_db_version'`); n != 0 {
		t.Fatalf("after down to zero: %d tables or views left", n)
	}
	if err := m.Up(ctx); err != nil {
		t.Fatalf("up again: %v", err)
	}
	if n := count(t, pool, `SELECT count(*) FROM paragraphs`); n != 25 {
		t.Fatalf("after up again: %d paragraphs, want 25", n)
	}
}

func TestEachMigrationStepsDownCleanly(t *testing.T) {
	ctx := context.Background()
	pool, m := emptyMigrator(t)
	if err := m.Up(ctx); err != nil {
		t.Fatal(err)
	}
	versions := append([]int64{0}, migrationVersions(t)...)
	for i := len(versions) - 1; i > 0; i-- {
		if err := m.Down(ctx); err != nil {
			t.Fatalf("down from %d: %v", versions[i], err)
		}
		if got, _ := postgres.SchemaVersion(ctx, pool); got != versions[i-1] {
			t.Fatalf("after one down from %d: version %d, want %d", versions[i], got, versions[i-1])
		}
	}
}

// Two portals starting at once on an empty database must not both migrate: the
// advisory lock makes the second wait and then find nothing to do.
func TestConcurrentStartsMigrateOnce(t *testing.T) {
	ctx := context.Background()
	url := pgtest.EmptyDB(t)
	errs := make(chan error, 2)
	for range 2 {
		go func() {
			pool, err := postgres.Open(ctx, url)
			if err != nil {
				errs <- err
				return
			}
			defer pool.Close()
			m, err := postgres.NewMigrator(pool, pgtest.Logger())
			if err != nil {
				errs <- err
				return
			}
			defer m.Close()
			errs <- m.Up(ctx)
		}()
	}
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatalf("concurrent up: %v", err)
		}
	}
	applied := count(t, pgtest.Pool(t, url), `SELECT count(*) FROM goose_db_version WHERE version_id > 0`)
	if want := len(migrationVersions(t)); applied != want {
		t.Fatalf("%d migrations recorded, want %d (each exactly once)", applied, want)
	}
}

// migrationVersions lists the embedded migrations' versions in order; numbers
// may be skipped (one is reserved while its branch is under way).
func migrationVersions(t *testing.T) []int64 {
	t.Helper()
	names, err := fs.Glob(migrations.FS, "*.sql")
	if err != nil {
		t.Fatal(err)
	}
	var vs []int64
	for _, n := range names {
		v, err := goose.NumericComponent(n)
		if err != nil {
			t.Fatal(err)
		}
		vs = append(vs, v)
	}
	slices.Sort(vs)
	return vs
}
