package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"slices"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/guizhou-portal/portal/migrations"
)

// Migrator applies the embedded migrations, then river's (the mail queue's
// tables, issue 17), which river's own migrator keeps in step with the river
// module in go.mod. Up and Down hold a PostgreSQL advisory lock, so two
// portals starting at once never migrate together.
type Migrator struct {
	pool     *pgxpool.Pool
	db       *sql.DB
	provider *goose.Provider
	logger   *slog.Logger
}

// NewMigrator prepares the embedded migrations for the pool's database; it logs
// each applied migration to logger.
func NewMigrator(pool *pgxpool.Pool, logger *slog.Logger) (*Migrator, error) {
	db := stdlib.OpenDBFromPool(pool)
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return nil, err
	}
	p, err := goose.NewProvider(goose.DialectPostgres, db, migrations.FS, goose.WithSessionLocker(locker))
	if err != nil {
		db.Close()
		return nil, err
	}
	return &Migrator{pool: pool, db: db, provider: p, logger: logger}, nil
}

// Close releases the migrator's connection handle (not the pool).
func (m *Migrator) Close() error { return m.db.Close() }

// Up applies every pending migration, the portal's and then river's, and logs each one.
func (m *Migrator) Up(ctx context.Context) error {
	results, err := m.provider.Up(ctx)
	for _, r := range results {
		m.logger.Info("migration applied", "version", r.Source.Version, "file", r.Source.Path, "duration", r.Duration)
	}
	if err != nil {
		return err
	}
	return m.river(ctx, rivermigrate.DirectionUp, nil)
}

// river runs river's migrations (each in its own transaction: an enum value
// added by one is used by the next) under a session advisory lock of its own,
// as river's migrator takes none.
func (m *Migrator) river(ctx context.Context, direction rivermigrate.Direction, opts *rivermigrate.MigrateOpts) error {
	rm, err := rivermigrate.New(riverpgxv5.New(m.pool), &rivermigrate.Config{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return err
	}
	conn, err := m.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock(hashtext('portal.river_migrate'))`); err != nil {
		return err
	}
	defer conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock(hashtext('portal.river_migrate'))`)
	res, err := rm.Migrate(ctx, direction, opts)
	if err != nil {
		return fmt.Errorf("river migrations: %w", err)
	}
	for _, v := range res.Versions {
		m.logger.Info("river migration applied", "version", v.Version, "name", v.Name, "direction", direction)
	}
	return nil
}

// Down rolls back the most recent migration.
func (m *Migrator) Down(ctx context.Context) error {
	r, err := m.provider.Down(ctx)
	if r != nil {
		m.logger.Info("migration rolled back", "version", r.Source.Version, "file", r.Source.Path)
	}
	return err
}

// DownTo rolls back every migration above version (0 for all, river's tables too).
func (m *Migrator) DownTo(ctx context.Context, version int64) error {
	if version == 0 {
		if err := m.river(ctx, rivermigrate.DirectionDown, &rivermigrate.MigrateOpts{TargetVersion: -1}); err != nil {
			return err
		}
	}
	_, err := m.provider.DownTo(ctx, version)
	return err
}

// Status writes a line per migration: its version, file and whether it is applied.
func (m *Migrator) Status(ctx context.Context, w io.Writer) error {
	st, err := m.provider.Status(ctx)
	if err != nil {
		return err
	}
	for _, s := range st {
		applied := "pending"
		if s.State == goose.StateApplied {
			applied = "applied " + s.AppliedAt.Format("2006-01-02 15:04:05")
		}
		fmt.Fprintf(w, "%05d  %-45s %s\n", s.Source.Version, s.Source.Path, applied)
	}
	return nil
}

// SchemaVersion reads the highest applied migration version without taking the
// lock or creating goose's table; 0 when no migration was ever applied.
func SchemaVersion(ctx context.Context, pool *pgxpool.Pool) (int64, error) {
	var v *int64
	err := pool.QueryRow(ctx, `SELECT max(version_id) FROM goose_db_version WHERE is_applied`).Scan(&v)
	if err != nil {
		if isUndefinedTable(err) {
			return 0, nil
		}
		return 0, err
	}
	if v == nil {
		return 0, nil
	}
	return *v, nil
}

// EmbeddedVersions are the versions of the embedded migrations, read from
// their file names, in ascending order.
func EmbeddedVersions() ([]int64, error) {
	names, err := fs.Glob(migrations.FS, "*.sql")
	if err != nil {
		return nil, err
	}
	versions := make([]int64, 0, len(names))
	for _, n := range names {
		v, err := goose.NumericComponent(n)
		if err != nil {
			return nil, err
		}
		versions = append(versions, v)
	}
	slices.Sort(versions)
	return versions, nil
}

// LatestVersion is the highest version among the embedded migrations.
func LatestVersion() (int64, error) {
	versions, err := EmbeddedVersions()
	if err != nil {
		return 0, err
	}
	if len(versions) == 0 {
		return 0, errors.New("no migrations embedded")
	}
	return versions[len(versions)-1], nil
}
