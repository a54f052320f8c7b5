package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/url"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/guizhou-portal/portal/internal/postgres"
	"github.com/guizhou-portal/portal/internal/postgres/pgtest"
)

func TestTheAppRoleCannotRewriteTheAuditLog(t *testing.T) {
	ctx := context.Background()
	owner := pgtest.NewDB(t)
	for range 2 { // preparing twice (every start does) changes nothing
		if err := postgres.PrepareAppRole(ctx, owner, "portal_app"); err != nil {
			t.Fatal(err)
		}
	}
	app, err := postgres.OpenAs(ctx, owner.Config().ConnString(), "portal_app")
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close()
	var who string
	if err := app.QueryRow(ctx, `SELECT current_user`).Scan(&who); err != nil || who != "portal_app" {
		t.Fatalf("the app pool runs as %q (%v)", who, err)
	}
	// What the portal needs works.
	for _, q := range []string{
		`INSERT INTO audit_log (actor_name, action, subject_type, subject_id) VALUES ('测试', 'commitment.update', 'commitment', 1)`,
		`SELECT count(*) FROM audit_log`,
		`UPDATE commitments SET progress = 10 WHERE id = 1`,
		`INSERT INTO login_attempts (email, client, outcome) VALUES ('a@b.cn', '127.0.0.1', 'failed')`,
		`DELETE FROM login_attempts`,
		`SELECT max(version_id) FROM goose_db_version`,
		`SELECT count(*) FROM document_versions`,
		`INSERT INTO document_versions (document_id, number, paragraphs, text_sha256) SELECT document_id, number + 100, paragraphs, text_sha256 FROM document_versions LIMIT 1`,
	} {
		if _, err := app.Exec(ctx, q); err != nil {
			t.Errorf("%s: %v", q, err)
		}
	}
	// What would rewrite history does not.
	for _, q := range []string{
		`UPDATE audit_log SET actor_name = '别人'`,
		`DELETE FROM audit_log`,
		`TRUNCATE audit_log`,
		`ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update`,
		`ALTER TABLE audit_log DISABLE TRIGGER ALL`,
		`DROP TRIGGER audit_log_no_update ON audit_log`,
		`DROP TABLE audit_log`,
		`ALTER TABLE audit_log RENAME TO audit_log_old`,
		`CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$`,
		`SET session_replication_role = replica`,
		`UPDATE goose_db_version SET is_applied = false`,
		`UPDATE document_versions SET paragraphs = '[]'`,
		`DELETE FROM document_versions`,
	} {
		_, err := app.Exec(ctx, q)
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) || pgErr.Code != "42501" {
			t.Errorf("%s: want insufficient_privilege (42501), got %v", q, err)
		}
	}
	var n int
	if err := owner.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE actor_name = '测试'`).Scan(&n); err != nil || n != 1 {
		t.Errorf("the audit record written as the app role: %d (%v)", n, err)
	}
}

// In production the portal logs in as a role that is only a member of the
// app role (README, Operations): then not even RESET ROLE gives the owner's
// rights back.
func TestALoginMemberOfTheAppRoleCannotEscapeIt(t *testing.T) {
	ctx := context.Background()
	owner := pgtest.NewDB(t)
	if err := postgres.PrepareAppRole(ctx, owner, "portal_app"); err != nil {
		t.Fatal(err)
	}
	login := fmt.Sprintf("portal_web_test_%d", rand.Uint32())
	if _, err := owner.Exec(ctx, "CREATE ROLE "+login+" LOGIN IN ROLE portal_app"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { owner.Exec(context.Background(), "DROP ROLE IF EXISTS "+login) })
	u, err := url.Parse(owner.Config().ConnString())
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.User(login)
	app, err := postgres.OpenAs(ctx, u.String(), "portal_app")
	if err != nil {
		t.Skipf("cannot log in as a new role on this server (its pg_hba.conf): %v", err)
	}
	defer app.Close()
	for _, q := range []string{`SET ROLE postgres`, `RESET ROLE; UPDATE audit_log SET actor_name = 'x'`,
		`SET ROLE NONE; DELETE FROM audit_log`, `SET SESSION AUTHORIZATION postgres`} {
		_, err := app.Exec(ctx, q)
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) || pgErr.Code != "42501" {
			t.Errorf("%s: want insufficient_privilege (42501), got %v", q, err)
		}
	}
}
