// Package postgres stores the policy-document model in PostgreSQL: it opens
// the pool, creates the database, runs the goose migrations and turns rows into
// policy types. All SQL of the portal lives in this package.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// ErrUnreachable wraps connection failures with one sentence that says what to do.
var ErrUnreachable = errors.New("PostgreSQL is not reachable")

// DefaultConnectTimeout bounds a new connection, login included, unless the
// URL sets connect_timeout: a database that does not answer must fail a
// request quickly (a 503 within seconds), not hold it.
const DefaultConnectTimeout = 2 * time.Second

// Open connects a pool to url and checks that the server answers.
func Open(ctx context.Context, url string) (*pgxpool.Pool, error) {
	return OpenAs(ctx, url, "")
}

// OpenAs is Open with every connection's queries run as role (the role
// startup parameter, the same as SET ROLE at login), when role is not empty.
func OpenAs(ctx context.Context, url, role string) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("DATABASE_URL is not a valid PostgreSQL URL: %w", err)
	}
	if cfg.ConnConfig.ConnectTimeout == 0 {
		cfg.ConnConfig.ConnectTimeout = DefaultConnectTimeout
	}
	if role != "" {
		cfg.ConnConfig.RuntimeParams["role"] = role
	}
	// The portal's queries are short: compiling them (JIT) or starting parallel
	// workers costs more than it saves (JIT added 40 ms to a 5 ms search), and
	// the cores serve concurrent requests better.
	cfg.ConnConfig.RuntimeParams["jit"] = "off"
	cfg.ConnConfig.RuntimeParams["max_parallel_workers_per_gather"] = "0"
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, explain(cfg.ConnConfig, err)
	}
	return pool, nil
}

// CreateDatabase creates the database named in url unless it exists, connecting
// to the server's postgres database to do so. It reports whether it created one.
func CreateDatabase(ctx context.Context, url string) (bool, error) {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return false, fmt.Errorf("DATABASE_URL is not a valid PostgreSQL URL: %w", err)
	}
	name := cfg.Database
	admin := cfg.Copy()
	admin.Database = "postgres"
	admin.ConnectTimeout = 5 * time.Second
	conn, err := pgx.ConnectConfig(ctx, admin)
	if err != nil {
		return false, explain(admin, err)
	}
	defer conn.Close(ctx)
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return false, err
	}
	if exists {
		return false, nil
	}
	_, err = conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize())
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "42P04" { // created meanwhile by another process
		return false, nil
	}
	return err == nil, err
}

// explain turns a connection error into a sentence naming the server and what to do.
func explain(cfg *pgx.ConnConfig, err error) error {
	var netErr net.Error
	var opErr *net.OpError
	var pgErr *pgconn.PgError
	where := fmt.Sprintf("%s:%d", cfg.Host, cfg.Port)
	switch {
	case errors.As(err, &pgErr) && pgErr.Code == "3D000":
		return fmt.Errorf("%w: database %q does not exist on %s; run `make run` or `portal createdb` to create it", ErrUnreachable, cfg.Database, where)
	case errors.As(err, &pgErr):
		return fmt.Errorf("%w: PostgreSQL at %s refused the connection (%s); check the user and password in DATABASE_URL", ErrUnreachable, where, pgErr.Message)
	case errors.As(err, &opErr), errors.As(err, &netErr), errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("%w: no PostgreSQL answers at %s; start PostgreSQL there or set DATABASE_URL to a server that runs", ErrUnreachable, where)
	default:
		return fmt.Errorf("%w: cannot connect to PostgreSQL at %s (%v); start PostgreSQL or set DATABASE_URL", ErrUnreachable, where, err)
	}
}

// CheckServer checks that the PostgreSQL server of url answers, connecting to
// its postgres database so that the check works before the portal's own exists.
func CheckServer(ctx context.Context, url string) error {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return fmt.Errorf("DATABASE_URL is not a valid PostgreSQL URL: %w", err)
	}
	cfg.Database = "postgres"
	cfg.ConnectTimeout = 5 * time.Second
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return explain(cfg, err)
	}
	return conn.Close(ctx)
}
