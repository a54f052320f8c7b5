package main

// The bench database: finding it, filling it once with the portal binary,
// and reading what it holds for the report.

import (
	"context"
	"errors"
	"log"
	"net/url"
	"os"
	"os/exec"
	"strconv"

	"github.com/jackc/pgx/v5"

	"github.com/guizhou-portal/portal/internal/config"
	"github.com/guizhou-portal/portal/internal/postgres"
)

// benchDatabase is the bench database's URL, refusing the configured one.
func benchDatabase() (string, error) {
	cfg, err := config.FromEnv()
	if err != nil {
		return "", err
	}
	if u := os.Getenv("PORTAL_BENCH_DATABASE_URL"); u != "" {
		if u == cfg.DatabaseURL {
			return "", errors.New("PORTAL_BENCH_DATABASE_URL must not be DATABASE_URL: the bench database is filled with synthetic documents")
		}
		return u, nil
	}
	u, err := url.Parse(cfg.DatabaseURL)
	if err != nil {
		return "", err
	}
	u.Path = "/portal_bench"
	return u.String(), nil
}

// prepare makes sure the bench database holds the seeded reply and exactly
// docs synthetic ones at a schema this binary can serve; a database that
// holds anything else is dropped and filled again.
func prepare(ctx context.Context, portalBin, dbURL string, docs int) error {
	n, version, err := countSynthetic(ctx, dbURL)
	if err != nil {
		return err
	}
	latest, err := postgres.LatestVersion()
	if err != nil {
		return err
	}
	if n == docs && version <= latest && version > 0 {
		log.Printf("reusing the bench database: %d synthetic documents, schema %d (the portal migrates it to %d)", n, version, latest)
		return nil
	}
	if n >= 0 {
		log.Printf("the bench database holds %d synthetic documents at schema %d; filling it again", n, version)
		if err := dropDatabase(ctx, dbURL); err != nil {
			return err
		}
	}
	log.Printf("filling the bench database with %d synthetic documents (a minute or two)", docs)
	cmd := exec.CommandContext(ctx, portalBin, "demo-data", "--documents", strconv.Itoa(docs), "--database-url", dbURL)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	return cmd.Run()
}

// countSynthetic returns the synthetic documents and schema version of the
// database, or -1 when it does not exist or has no schema.
func countSynthetic(ctx context.Context, dbURL string) (n int, version int64, err error) {
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		var pgErr interface{ SQLState() string }
		if errors.As(err, &pgErr) && pgErr.SQLState() == "3D000" {
			return -1, 0, nil
		}
		return 0, 0, err
	}
	defer conn.Close(ctx)
	if err := conn.QueryRow(ctx, `SELECT coalesce(max(version_id), 0) FROM goose_db_version WHERE is_applied`).Scan(&version); err != nil {
		return 0, 0, nil // no schema yet
	}
	// A database migrated by another build may lack a migration below its
	// version (goose refuses to serve it): every embedded one up to there
	// must be applied.
	var applied int64
	if err := conn.QueryRow(ctx, `SELECT count(DISTINCT version_id) FROM goose_db_version WHERE is_applied AND version_id BETWEEN 1 AND $1`, version).Scan(&applied); err != nil {
		return 0, 0, err
	}
	if want, err := embeddedUpTo(version); err != nil || applied != want {
		return 0, version, err
	}
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM documents WHERE synthetic`).Scan(&n); err != nil {
		return 0, version, nil
	}
	return n, version, nil
}

// embeddedUpTo counts the embedded migrations numbered up to version.
func embeddedUpTo(version int64) (int64, error) {
	versions, err := postgres.EmbeddedVersions()
	var n int64
	for _, v := range versions {
		if v <= version {
			n++
		}
	}
	return n, err
}

func dropDatabase(ctx context.Context, dbURL string) error {
	cfg, err := pgx.ParseConfig(dbURL)
	if err != nil {
		return err
	}
	name := cfg.Database
	cfg.Database = "postgres"
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)")
	return err
}

// dbStats describes the bench database for the report.
type dbStats struct {
	documents, paragraphs, commitments, mentions int
	commitment                                   string // a commitment of the seeded reply
}

func databaseStats(ctx context.Context, dbURL string) (dbStats, error) {
	var s dbStats
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return s, err
	}
	defer conn.Close(ctx)
	var id int64
	err = conn.QueryRow(ctx, `SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM paragraphs),
		(SELECT count(*) FROM commitments), (SELECT count(*) FROM mentions),
		(SELECT min(c.id) FROM commitments c JOIN documents d ON d.id = c.document_id WHERE d.slug = 'qgxtfz-2023-4')`).
		Scan(&s.documents, &s.paragraphs, &s.commitments, &s.mentions, &id)
	s.commitment = strconv.FormatInt(id, 10)
	return s, err
}
