// Command portal serves the policy-document tracking portal and manages its
// database.
//
//	portal [serve]                 apply pending migrations, then serve
//	portal migrate up|down|status  manage the schema
//	portal createdb                create the database named in DATABASE_URL
//	portal dbcheck                 check that the PostgreSQL server answers
//	portal user add --email E --name N --role admin|reviewer|editor
//	portal user disable --email E
//	portal demo-data --documents N --database-url URL
//	                               fill another database with synthetic replies
//	portal import [--as EMAIL] [--publish] [--title TITLE] FILE...
//	                               save published replies, as drafts unless --publish
//	portal import --dry-run [--json] [--entities] FILE...
//	                               parse them and print what was found
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/guizhou-portal/portal/internal/config"
	"github.com/guizhou-portal/portal/internal/heapfloor"
	"github.com/guizhou-portal/portal/internal/logbuf"
	"github.com/guizhou-portal/portal/internal/objectstore"
	"github.com/guizhou-portal/portal/internal/postgres"
	"github.com/guizhou-portal/portal/internal/server"
)

// usage is the help text; its Environment part is made from
// config.Variables, the one list of the variables and their defaults.
var usage = `usage: portal [serve | migrate up|down|status | createdb | dbcheck]
       portal user add --email E --name N --role admin|reviewer|editor
       portal user disable --email E
       portal demo-data --documents N [--database-url URL] [--seed S] [--yes-default]
       portal import [--as EMAIL] [--publish] [--title TITLE] FILE...
       portal import --dry-run [--json] [--entities] FILE...

demo-data creates and migrates the database at URL if needed, then adds N
synthetic replies titled 【演示数据】. It refuses the configured DATABASE_URL
itself unless --yes-default is given.

serve and migrate up grant the restricted role PORTAL_DB_ROLE what serving
needs (on audit_log only SELECT and INSERT); serve then runs as that role.

import saves published replies (UTF-8 text, at most 1 MB each) in one
transaction: each file creates a document, or updates the one with the same
文号, 索引号 or title; if any file cannot be parsed or saved, the problems are
listed with their file and line and nothing is saved. A new document is a
draft, seen by staff only until an editor publishes it; --publish publishes
the files' documents at once, in the same transaction (one already published
stays published either way). The audit log names the account --as EMAIL (an
enabled editor or admin), else 命令行. A file whose text has no title (copied
from the salutation on) is refused unless --title TITLE gives it, for one FILE.
import --dry-run parses the files and prints what it found (--json: the whole
structure; --entities: also the entities the database knows, read from
DATABASE_URL); it writes nothing. --json needs --dry-run.

` + config.Usage()

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	cfg, err := config.FromEnv()
	if err != nil {
		fmt.Fprintln(os.Stderr, "portal:", err)
		os.Exit(2)
	}
	logger, flush := newLogger(cfg.LogFormat, len(os.Args) < 2 || os.Args[1] == "serve")
	slog.SetDefault(logger)
	err = run(ctx, logger, cfg, os.Args[1:])
	flush()
	if err != nil {
		if errors.Is(err, postgres.ErrUnreachable) {
			fmt.Fprintln(os.Stderr, "portal:", err)
		} else {
			logger.Error("portal failed", "err", err)
		}
		os.Exit(1)
	}
}

func run(ctx context.Context, logger *slog.Logger, cfg config.Config, args []string) error {
	cmd := "serve"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serve(ctx, logger, cfg)
	case "migrate":
		if len(args) != 1 {
			return usageError("migrate needs one of up, down, status")
		}
		return migrate(ctx, logger, cfg, args[0])
	case "createdb":
		created, err := postgres.CreateDatabase(ctx, cfg.DatabaseURL)
		if err == nil && created {
			logger.Info("database created")
		}
		return err
	case "dbcheck":
		return postgres.CheckServer(ctx, cfg.DatabaseURL)
	case "user":
		return userCommand(ctx, logger, cfg, args, os.Stdin, os.Stdout)
	case "demo-data":
		return demoData(ctx, logger, cfg, args)
	case "import":
		return importCommand(ctx, cfg, args, os.Stdout, os.Stderr)
	case "help", "-h", "--help":
		fmt.Print(usage)
		return nil
	default:
		return usageError("unknown command " + cmd)
	}
}

func usageError(msg string) error {
	fmt.Fprint(os.Stderr, usage)
	return errors.New(msg)
}

// newLogger writes structured logs to standard error: JSON by default for
// serve (for a log collector), text for the other commands (for a person).
// serve logs a line for every request, so its lines are written together, at
// most 100 ms after they are logged and at once after an error
// (internal/logbuf); flush writes what is still kept, before the process
// exits.
func newLogger(format string, serving bool) (*slog.Logger, func()) {
	newHandler := func(w io.Writer) slog.Handler {
		if format == "json" || (format == "" && serving) {
			return slog.NewJSONHandler(w, nil)
		}
		return slog.NewTextHandler(w, nil)
	}
	if !serving {
		return slog.New(newHandler(os.Stderr)), func() {}
	}
	w := logbuf.New(os.Stderr, logbuf.DefaultDelay)
	return slog.New(logbuf.NewHandler(newHandler(w), w)), func() { w.Flush() }
}

// serve migrates the database as the user of DATABASE_URL, prepares the
// restricted role (PORTAL_DB_ROLE), and serves with a pool whose connections
// run as that role, until ctx ends (SIGTERM or SIGINT).
func serve(ctx context.Context, logger *slog.Logger, cfg config.Config) error {
	owner, err := openMigrated(ctx, logger, cfg)
	if err != nil {
		return err
	}
	if cfg.DBRole != "" {
		if err := postgres.PrepareAppRole(ctx, owner, cfg.DBRole); err != nil {
			owner.Close()
			return err
		}
	}
	if n, err := postgres.NewStore(owner).EnabledAdmins(ctx); err == nil && n == 0 {
		fmt.Fprintf(os.Stderr, "\nNo admin account yet. Create the first one, then log in at http://%s/login :\n\n"+
			"    PORTAL_PASSWORD='at least 8 characters' bin/portal user add --email you@example.gov.cn --name 你的姓名 --role admin\n\n", cfg.Addr)
	}
	owner.Close()
	latest, err := postgres.LatestVersion()
	if err != nil {
		return err
	}
	opts := server.OptionsFrom(cfg)
	if opts.EvidenceObjects, err = openEvidenceStore(ctx, logger, cfg); err != nil {
		return err
	}
	pool, err := postgres.OpenAs(ctx, cfg.DatabaseURL, cfg.DBRole)
	if err != nil {
		return err
	}
	defer pool.Close()
	startProfiling(logger)
	// Fewer collections while little is live (internal/heapfloor).
	go heapfloor.Keep(ctx, heapfloor.Floor)
	return server.NewWithOptions(pool, logger, latest, opts).Run(ctx, cfg.Addr)
}

// openEvidenceStore is the S3 store of PORTAL_EVIDENCE_STORE=s3, or nil for
// PostgreSQL. A bucket that is missing or refuses the keys stops serve with
// the reason; a store that does not answer yet is logged and served
// around: uploads get a 503 until it does.
func openEvidenceStore(ctx context.Context, logger *slog.Logger, cfg config.Config) (*objectstore.Store, error) {
	if cfg.EvidenceStore != config.EvidenceStoreS3 {
		return nil, nil
	}
	store, err := objectstore.New(cfg.S3)
	if err != nil {
		return nil, err
	}
	check, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	switch err := store.Check(check); {
	case errors.Is(err, objectstore.ErrSetup):
		return nil, err
	case err != nil:
		logger.Warn("evidence store unavailable at start: uploads and downloads of files get a 503 until it answers",
			"endpoint", cfg.S3.Endpoint, "bucket", cfg.S3.Bucket, "err", err)
	default:
		logger.Info("evidence files in the S3 store", "endpoint", cfg.S3.Endpoint, "bucket", cfg.S3.Bucket)
	}
	return store, nil
}

func migrate(ctx context.Context, logger *slog.Logger, cfg config.Config, direction string) error {
	pool, m, err := open(ctx, logger, cfg)
	if err != nil {
		return err
	}
	defer pool.Close()
	defer m.Close()
	switch direction {
	case "up":
		if err := m.Up(ctx); err != nil {
			return err
		}
		if cfg.DBRole == "" {
			return nil
		}
		return postgres.PrepareAppRole(ctx, pool, cfg.DBRole)
	case "down":
		return m.Down(ctx)
	case "status":
		return m.Status(ctx, os.Stdout)
	default:
		return usageError("migrate needs one of up, down, status")
	}
}

// openMigrated connects to the database and applies pending migrations under
// the advisory lock. The lock belongs to a session, so with
// PORTAL_DIRECT_DATABASE_URL set (the pool goes through a transaction pooler)
// migrations go through that direct connection instead.
func openMigrated(ctx context.Context, logger *slog.Logger, cfg config.Config) (*pgxpool.Pool, error) {
	if cfg.DirectDatabaseURL != "" {
		direct := cfg
		direct.DatabaseURL = cfg.DirectDatabaseURL
		direct.DirectDatabaseURL = ""
		pool, err := openMigrated(ctx, logger, direct)
		if err != nil {
			return nil, err
		}
		pool.Close()
		return postgres.Open(ctx, cfg.DatabaseURL)
	}
	pool, m, err := open(ctx, logger, cfg)
	if err != nil {
		return nil, err
	}
	err = m.Up(ctx)
	m.Close()
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("migrate: %w", err)
	}
	return pool, nil
}

// open connects to the database and prepares its migrations.
func open(ctx context.Context, logger *slog.Logger, cfg config.Config) (*pgxpool.Pool, *postgres.Migrator, error) {
	pool, err := postgres.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, nil, err
	}
	m, err := postgres.NewMigrator(pool, logger)
	if err != nil {
		pool.Close()
		return nil, nil, err
	}
	return pool, m, nil
}
