// Package pgtest gives tests their own real PostgreSQL databases. Each test
// binary migrates one template database; each test clones a fresh database
// from it, and both are dropped afterwards. The server is the one DATABASE_URL
// (or TEST_DATABASE_URL) points at; the database named there is never touched.
package pgtest

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/guizhou-portal/portal/internal/config"
	"github.com/guizhou-portal/portal/internal/postgres"
)

var (
	once     sync.Once
	template string
	setupErr error
	cloneMu  sync.Mutex // PostgreSQL refuses concurrent clones of one template
)

// Main runs the tests of a package and drops its template database afterwards.
// Call it from TestMain.
func Main(m *testing.M) {
	code := m.Run()
	if template != "" {
		if err := drop(context.Background(), template); err != nil {
			fmt.Fprintln(os.Stderr, "pgtest: dropping template:", err)
		}
	}
	os.Exit(code)
}

// serverURL is the URL of the test server with the database name replaced;
// everything else in the configured URL (user, password, host, parameters) is kept.
func serverURL(db string) string {
	base := os.Getenv("TEST_DATABASE_URL")
	if base == "" {
		base = os.Getenv("DATABASE_URL")
	}
	if base == "" {
		base = config.DefaultDatabaseURL
	}
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		panic("pgtest: TEST_DATABASE_URL/DATABASE_URL must be a postgres:// URL, got " + base)
	}
	u.Path = "/" + db
	return u.String()
}

func admin(ctx context.Context) (*pgx.Conn, error) {
	cfg, err := pgx.ParseConfig(serverURL("postgres"))
	if err != nil {
		return nil, err
	}
	cfg.ConnectTimeout = 5 * time.Second
	return pgx.ConnectConfig(ctx, cfg)
}

func exec(ctx context.Context, sql string) error {
	conn, err := admin(ctx)
	if err != nil {
		return fmt.Errorf("%w (set TEST_DATABASE_URL or DATABASE_URL to a running PostgreSQL server)", err)
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, sql)
	return err
}

func drop(ctx context.Context, name string) error {
	return exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)")
}

func uniqueName(prefix string) string {
	return fmt.Sprintf("%s_%d_%08x", prefix, os.Getpid(), rand.Uint32())
}

// EmptyDB creates an empty database for the test and returns its URL; it is
// dropped when the test ends.
func EmptyDB(t testing.TB) string {
	t.Helper()
	ctx := context.Background()
	name := uniqueName("portal_test")
	if err := exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("pgtest: create database: %v", err)
	}
	t.Cleanup(func() {
		if err := drop(context.Background(), name); err != nil {
			t.Errorf("pgtest: drop %s: %v", name, err)
		}
	})
	return serverURL(name)
}

// Pool opens a pool to url and closes it when the test ends.
func Pool(t testing.TB, url string) *pgxpool.Pool {
	t.Helper()
	pool, err := postgres.Open(context.Background(), url)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// NewDB returns a pool to a fresh database with every migration applied, cloned
// from the package's template.
func NewDB(t testing.TB) *pgxpool.Pool {
	t.Helper()
	once.Do(func() { setupErr = makeTemplate() })
	if setupErr != nil {
		t.Fatalf("pgtest: preparing the template database: %v", setupErr)
	}
	ctx := context.Background()
	name := uniqueName("portal_test")
	cloneMu.Lock()
	err := exec(ctx, "CREATE DATABASE "+name+" TEMPLATE "+template)
	cloneMu.Unlock()
	if err != nil {
		t.Fatalf("pgtest: clone template: %v", err)
	}
	pool := Pool(t, serverURL(name))
	t.Cleanup(func() {
		pool.Close()
		if err := drop(context.Background(), name); err != nil {
			t.Errorf("pgtest: drop %s: %v", name, err)
		}
	})
	return pool
}

func makeTemplate() error {
	ctx := context.Background()
	name := uniqueName("portal_tmpl")
	if err := exec(ctx, "CREATE DATABASE "+name); err != nil {
		return err
	}
	template = name
	pool, err := postgres.Open(ctx, serverURL(name))
	if err != nil {
		return err
	}
	defer pool.Close()
	m, err := postgres.NewMigrator(pool, Logger())
	if err != nil {
		return err
	}
	defer m.Close()
	if err := m.Up(ctx); err != nil {
		return err
	}
	// The template must have no open connections when it is cloned.
	pool.Close()
	return nil
}

// Logger discards log lines unless the tests run with -v.
func Logger() *slog.Logger {
	if testing.Verbose() {
		return slog.Default()
	}
	return slog.New(slog.DiscardHandler)
}

// WaitFor polls cond until it holds and says how long that took, failing the
// test after within. Tests wait with it for what another process, a
// listener or the database does in its own time.
func WaitFor(t testing.TB, within time.Duration, what string, cond func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for !cond() {
		if time.Since(start) > within {
			t.Fatalf("waited %s for %s", within, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
	return time.Since(start)
}
