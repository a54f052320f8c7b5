package server_test

import (
	"context"
	"net/url"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/guizhou-portal/portal/internal/postgres"
	"github.com/guizhou-portal/portal/internal/postgres/pgtest"
	"github.com/guizhou-portal/portal/internal/server"
)

// TestARestoredBackupServesTheSameData runs `make backup` on a database with
// staff edits, `make restore` into an empty database, and compares what the
// two serve, byte for byte, and the tables row for row.
func TestARestoredBackupServesTheSameData(t *testing.T) {
	for _, tool := range []string{"make", "pg_dump", "pg_restore"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed", tool)
		}
	}
	opts := server.Options{BaseURL: "https://portal.example.gov.cn"}
	p := newTestPortal(t, withStaff(), withOptions(opts))
	base, pool := p.URL, p.Pool
	id := firstCommitmentID(t, base)
	admin := loggedIn(t, base, adminEmail)
	for _, step := range []struct {
		path string
		form url.Values
	}{
		{commitmentPath(id) + "/edit", editForm(t, pool, id)},
		{commitmentPath(id) + "/updates", nil},
		{commitmentPath(id+1) + "/withdraw", url.Values{"version": {itoa(version(t, pool, id+1))}, "reason": {"与第1项重复。"}}},
		{"/admin/users", url.Values{"email": {"new@example.gov.cn"}, "name": {"赵编辑"}, "role": {"editor"}, "password": {password}}},
	} {
		if step.form == nil {
			step.form = updateForm(t, pool, id, "签订项目合同。", "public")
		}
		if r := request(t, admin, "POST", base+step.path, step.form); r.status != 303 {
			t.Fatalf("%s: status %d\n%.500s", step.path, r.status, r.body)
		}
	}

	root, _ := filepath.Abs("../..")
	dir := t.TempDir()
	runMake := func(args ...string) {
		t.Helper()
		out, err := exec.Command("make", append([]string{"-s", "-C", root}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("make %v: %v\n%s", args, err, out)
		}
	}
	runMake("backup", "DATABASE_URL="+pool.Config().ConnString(), "BACKUP_DIR="+dir)
	dumps, _ := filepath.Glob(filepath.Join(dir, "portal-*.dump"))
	if len(dumps) != 1 {
		t.Fatalf("backup files: %v", dumps)
	}
	restoredURL := pgtest.EmptyDB(t)
	runMake("restore", "FILE="+dumps[0], "DATABASE_URL="+restoredURL)

	// Served as serve does: the restricted role, granted afresh.
	ctx := context.Background()
	restoredOwner := pgtest.Pool(t, restoredURL)
	if err := postgres.PrepareAppRole(ctx, restoredOwner, "portal_app"); err != nil {
		t.Fatal(err)
	}
	restoredPool, err := postgres.OpenAs(ctx, restoredURL, "portal_app")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(restoredPool.Close)
	restored := newTestPortal(t, withPool(restoredPool), withOptions(opts)).URL

	for _, path := range []string{"/", "/documents/" + replySlug, "/commitments", commitmentPath(id), commitmentPath(id) + "/history",
		commitmentPath(id + 1), "/dashboard", "/entities/guizhou", "/search?q=锂矿", "/api/v1/commitments?limit=100",
		"/api/v1/commitments/" + itoa(int(id)), "/commitments.csv", "/updates.atom", "/readyz"} {
		a, b := request(t, nil, "GET", base+path, nil), request(t, nil, "GET", restored+path, nil)
		if a.status != b.status || a.body != b.body {
			t.Errorf("%s: the restored database serves %d (%d bytes), the original %d (%d bytes)", path, b.status, len(b.body), a.status, len(a.body))
		}
	}
	for _, table := range []string{"documents", "paragraphs", "sections", "entities", "commitments", "progress_updates",
		"audit_log", "users", "login_attempts", "goose_db_version"} {
		q := `SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM ` + table + ` t`
		if a, b := scalar[string](t, pool, q), scalar[string](t, restoredOwner, q); a != b {
			t.Errorf("table %s: original %s, restored %s", table, a, b)
		}
	}
	// The restored audit log is append-only still.
	if _, err := restoredPool.Exec(ctx, `DELETE FROM audit_log`); err == nil {
		t.Error("the restored audit log can be deleted")
	}
	if _, err := restoredOwner.Exec(ctx, `DELETE FROM audit_log`); err == nil {
		t.Error("the restored audit log lost its triggers")
	}
}
