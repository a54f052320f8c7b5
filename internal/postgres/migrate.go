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

	"github.com/guizhou-portal/portal/migrations"
)

// Migrator applies the embedded migrations. Up and Down hold a PostgreSQL
// advisory lock, so two portals starting at once never migrate together.
type Migrator struct {
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
	return &Migrator{db: db, provider: p, logger: logger}, nil
}

// Close releases the migrator's connection handle (not the pool).
func (m *Migrator) Close() error { return m.db.Close() }

// Up applies every pending migration and logs each one.
func (m *Migrator) Up(ctx context.Context) error {
	results, err := m.provider.Up(ctx)
	for _, r := range results {
		m.logger.Info("migration applied", "version", r.Source.Version, "file", r.Source.Path, "duration", r.Duration)
	}
	return err
}

// Down rolls back the most recent migration.
func (m *Migrator) Down(ctx context.Context) error {
	r, err := m.provider.Down(ctx)
	if r != nil {
		m.logger.Info("migration rolled back", "version", r.Source.Version, "file", r.Source.Path)
	}
	return err
}

// DownTo rolls back every migration above version (0 for all).
func (m *Migrator) DownTo(ctx context.Context, version int64) error {
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
