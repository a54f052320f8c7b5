package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/guizhou-portal/portal/internal/auth"
	"github.com/guizhou-portal/portal/internal/policy"
	"github.com/guizhou-portal/portal/internal/postgres"
	"github.com/guizhou-portal/portal/internal/postgres/pgtest"
)

// TestTwoInstancesOnOneDatabase starts two portal processes together on an
// empty database: they must migrate it once between them (advisory lock),
// and an edit through one must reach the other's readers, whose cached page
// it replaces.
func TestTwoInstancesOnOneDatabase(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and starts the binary")
	}
	bin, err := buildPortal()
	if err != nil {
		t.Fatal(err)
	}
	dbURL := pgtest.EmptyDB(t)

	// Start returns at once: both processes race to migrate.
	a, b := startInstance(t, bin, dbURL), startInstance(t, bin, dbURL)
	for _, in := range []*instance{a, b} {
		pgtest.WaitFor(t, 60*time.Second, in.base+" to be ready", ready(in.base))
	}
	pool := pgtest.Pool(t, dbURL)
	// goose records each application of a migration as a row of its own.
	var applied int
	if err := pool.QueryRow(context.Background(),
		`SELECT count(*) FROM goose_db_version WHERE version_id = 1 AND is_applied`).Scan(&applied); err != nil {
		t.Fatal(err)
	}
	if applied != 1 {
		t.Errorf("the first migration was applied %d times, want once", applied)
	}
	hash, err := auth.HashPassword("左磷右锂开辟新赛道")
	if err != nil {
		t.Fatal(err)
	}
	store := postgres.NewStore(pool)
	if _, err := store.CreateUser(context.Background(), policy.Actor{}, "editor@example.gov.cn", "李编辑", policy.RoleEditor, hash); err != nil {
		t.Fatal(err)
	}

	// B's readers have the page cached.
	pgtest.WaitFor(t, 5*time.Second, "B to serve the page from its cache", func() bool {
		_, h, _ := b.get(t, nil, "/commitments/2")
		return h.Get("X-Portal-Cache") == "hit"
	})

	// The editor saves through A.
	jar, _ := cookiejar.New(nil)
	editor := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := editor.PostForm(a.base+"/login", url.Values{"email": {"editor@example.gov.cn"}, "password": {"左磷右锂开辟新赛道"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("login through A: status %d", res.StatusCode)
	}
	var version int
	var title string
	if err := pool.QueryRow(context.Background(), `SELECT version, title FROM commitments WHERE id = 2`).Scan(&version, &title); err != nil {
		t.Fatal(err)
	}
	note := fmt.Sprintf("经实例A保存的说明 %d。", time.Now().UnixNano())
	res, err = editor.PostForm(a.base+"/commitments/2/edit", url.Values{
		"version": {strconv.Itoa(version)}, "title": {title}, "status": {"in_progress"}, "progress": {"40"},
		"lead": {"gz-industry-it-dept"}, "time_frame": {"2023年至2025年"}, "due_on": {"2025-12-31"},
		"public_note": {note},
	})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save through A: status %d", res.StatusCode)
	}

	// The editor sees it through A at once; B's public page follows.
	if _, _, body := a.get(t, editor, "/commitments/2"); !strings.Contains(body, note) {
		t.Errorf("the editor does not see their edit through A")
	}
	// B served the old page from its cache; only an emptied cache shows the new one.
	took := pgtest.WaitFor(t, 2*time.Second, "B to show the edit", func() bool {
		_, _, body := b.get(t, nil, "/commitments/2")
		return strings.Contains(body, note)
	})
	t.Logf("B showed the edit %s after the save", took.Round(time.Millisecond))
}
