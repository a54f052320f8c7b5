package server_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/guizhou-portal/portal/internal/auth"
	"github.com/guizhou-portal/portal/internal/policy"
	"github.com/guizhou-portal/portal/internal/postgres"
	"github.com/guizhou-portal/portal/internal/postgres/pgtest"
	"github.com/guizhou-portal/portal/internal/server"
)

const (
	adminEmail  = "admin@example.gov.cn"
	editorEmail = "editor@example.gov.cn"
	password    = "左磷右锂开辟新赛道"
)

// staffPortal starts the portal with opts over a fresh database that has an
// admin (王管理) and an editor (李编辑), both with the password above.
func staffPortal(t *testing.T, opts server.Options) (string, *pgxpool.Pool) {
	t.Helper()
	pool := pgtest.NewDB(t)
	addUser(t, pool, adminEmail, "王管理", policy.RoleAdmin)
	addUser(t, pool, editorEmail, "李编辑", policy.RoleEditor)
	latest, err := postgres.LatestVersion()
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(server.NewWithOptions(pool, pgtest.Logger(), latest, opts).Handler())
	t.Cleanup(ts.Close)
	return ts.URL, pool
}

func addUser(t *testing.T, pool *pgxpool.Pool, email, name string, role policy.Role) int64 {
	t.Helper()
	hash, err := auth.HashPassword(password)
	if err != nil {
		t.Fatal(err)
	}
	id, err := postgres.NewStore(pool).CreateUser(context.Background(), policy.Actor{}, email, name, role, hash)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// browserClient is a client with its own cookie jar that does not follow
// redirects, so tests see each 303.
func browserClient(t *testing.T) *http.Client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// loggedIn returns a client signed in as email; nil email means the public.
func loggedIn(t *testing.T, base, email string) *http.Client {
	t.Helper()
	c := browserClient(t)
	if email == "" {
		return c
	}
	r := post(t, c, base+"/login", url.Values{"email": {email}, "password": {password}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("login as %s: status %d\n%s", email, r.status, r.body)
	}
	return c
}

func post(t *testing.T, c *http.Client, u string, form url.Values, header ...string) response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return send(t, c, req)
}

func fetch(t *testing.T, c *http.Client, u string) response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	return send(t, c, req)
}

func send(t *testing.T, c *http.Client, req *http.Request) response {
	t.Helper()
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{res.StatusCode, res.Header, string(b)}
}

// sessionCookie is the session token the client holds for base.
func sessionCookie(t *testing.T, c *http.Client, base string) string {
	u, _ := url.Parse(base)
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == "portal_session" {
			return ck.Value
		}
	}
	return ""
}

func scalar[T any](t *testing.T, pool *pgxpool.Pool, sql string, args ...any) T {
	t.Helper()
	var v T
	if err := pool.QueryRow(context.Background(), sql, args...).Scan(&v); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return v
}

func version(t *testing.T, pool *pgxpool.Pool, id int64) int {
	return scalar[int](t, pool, `SELECT version FROM commitments WHERE id = $1`, id)
}

func itoa(n int) string { return strconv.Itoa(n) }

// editForm is a valid edit of commitment id at its current version.
func editForm(t *testing.T, pool *pgxpool.Pool, id int64) url.Values {
	return url.Values{
		"version": {itoa(version(t, pool, id))}, "status": {"in_progress"}, "progress": {"40"},
		"lead": {"gz-industry-it-dept"}, "time_frame": {"2023年至2025年"}, "due_on": {"2025-12-31"},
		"public_note": {"已召开项目推进会。"},
	}
}

// updateForm is a valid progress update of commitment id at its current version.
func updateForm(t *testing.T, pool *pgxpool.Pool, id int64, note, visibility string) url.Values {
	return url.Values{
		"version": {itoa(version(t, pool, id))}, "happened_on": {"2026-10-15"}, "update_status": {"in_progress"},
		"update_progress": {"60"}, "note": {note}, "evidence_url": {"https://gxt.guizhou.gov.cn/news/1.html"},
		"visibility": {visibility},
	}
}
