package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/guizhou-portal/portal/internal/config"
	"github.com/guizhou-portal/portal/internal/demo"
	"github.com/guizhou-portal/portal/internal/postgres"
)

// demoOptions are the flags of portal demo-data.
type demoOptions struct {
	documents  int
	url        string
	seed       uint64
	yesDefault bool
}

// parseDemoFlags reads the flags and refuses a target that is the configured
// database, where real users' documents live, unless --yes-default says so.
func parseDemoFlags(cfg config.Config, args []string) (demoOptions, error) {
	var o demoOptions
	fs := flag.NewFlagSet("demo-data", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.IntVar(&o.documents, "documents", 0, "how many synthetic replies to add")
	fs.StringVar(&o.url, "database-url", "", "the database to fill")
	fs.Uint64Var(&o.seed, "seed", 1, "seed of the generator")
	fs.BoolVar(&o.yesDefault, "yes-default", false, "allow filling the configured DATABASE_URL")
	if err := fs.Parse(args); err != nil {
		return o, usageError("demo-data: " + err.Error())
	}
	if fs.NArg() > 0 {
		return o, usageError("demo-data: unexpected argument " + fs.Arg(0))
	}
	if o.documents < 1 || o.documents > 100000 {
		return o, usageError("demo-data: --documents must be between 1 and 100000")
	}
	if o.url == "" {
		o.url = cfg.DatabaseURL
	}
	same, err := sameDatabase(o.url, cfg.DatabaseURL)
	if err != nil {
		return o, err
	}
	if same && !o.yesDefault {
		return o, errors.New("demo-data: refusing to add synthetic documents to the configured database (DATABASE_URL); " +
			"give --database-url with another database, e.g. .../portal_demo, or --yes-default if you really mean it")
	}
	return o, nil
}

// sameDatabase reports whether two URLs name the same database on the same server.
func sameDatabase(a, b string) (bool, error) {
	ca, err := pgx.ParseConfig(a)
	if err != nil {
		return false, fmt.Errorf("demo-data: --database-url is not a valid PostgreSQL URL: %w", err)
	}
	cb, err := pgx.ParseConfig(b)
	if err != nil {
		return false, fmt.Errorf("DATABASE_URL is not a valid PostgreSQL URL: %w", err)
	}
	return ca.Host == cb.Host && ca.Port == cb.Port && ca.Database == cb.Database, nil
}

// demoData creates and migrates the target database if needed, then fills it.
func demoData(ctx context.Context, logger *slog.Logger, cfg config.Config, args []string) error {
	o, err := parseDemoFlags(cfg, args)
	if err != nil {
		return err
	}
	if _, err := postgres.CreateDatabase(ctx, o.url); err != nil {
		return err
	}
	target := cfg
	target.DatabaseURL = o.url
	pool, err := openMigrated(ctx, logger, target)
	if err != nil {
		return err
	}
	defer pool.Close()
	start := time.Now()
	report := func(done int) {
		if done%100 == 0 || done == o.documents {
			logger.Info("synthetic replies added", "done", done, "of", o.documents, "elapsed", time.Since(start).Round(time.Second))
		}
	}
	if err := demo.Fill(ctx, postgres.NewStore(pool), o.documents, o.seed, report); err != nil {
		return err
	}
	logger.Info("demo data ready", "documents", o.documents, "took", time.Since(start).Round(time.Millisecond))
	return nil
}
