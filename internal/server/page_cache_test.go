package server_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/guizhou-portal/portal/internal/postgres"
	"github.com/guizhou-portal/portal/internal/postgres/pgtest"
	"github.com/guizhou-portal/portal/internal/server"
)

// cachingPortal serves a fresh database with staff, listening for changes
// as `portal serve` does, once the page cache is on.
func cachingPortal(t *testing.T) (string, *pgxpool.Pool) {
	t.Helper()
	p := newTestPortal(t, withStaff(), withChangeListener())
	return p.URL, p.Pool
}

// anon asks for u as a reader without a session, with the headers given in pairs.
func anon(t *testing.T, u string, header ...string) response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept-Encoding", "identity") // read bodies as they are
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return send(t, noRedirects, req)
}

// noRedirects is a client without cookies that returns redirects as they come.
var noRedirects = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func TestCachedPagesAnswerConditionalRequests(t *testing.T) {
	base, _ := cachingPortal(t)
	// Last-Modified has whole seconds, so a date is believed only for a page
	// rendered in a later second than the cache's last emptying.
	time.Sleep(1100 * time.Millisecond)
	first := anon(t, base+"/commitments/2")
	second := anon(t, base+"/commitments/2")
	if first.status != 200 || second.header.Get("X-Portal-Cache") != "hit" || second.body != first.body {
		t.Fatalf("second request: status %d, cache %q, same body %v", second.status,
			second.header.Get("X-Portal-Cache"), second.body == first.body)
	}
	etag, modified := second.header.Get("ETag"), second.header.Get("Last-Modified")
	if etag == "" || modified == "" {
		t.Fatalf("no validators: ETag %q, Last-Modified %q", etag, modified)
	}
	vary := strings.Join(second.header.Values("Vary"), ", ")
	for _, v := range []string{"Accept-Language", "Cookie", "Accept-Encoding"} {
		if !strings.Contains(vary, v) {
			t.Errorf("Vary %q lacks %s", vary, v)
		}
	}

	for _, tc := range []struct {
		name   string
		header []string
		want   int
	}{
		// The cases in full are internal/pagecache's; these go through the portal.
		{"its ETag", []string{"If-None-Match", etag}, 304},
		{"another ETag", []string{"If-None-Match", `"0123456789abcdef01234567"`}, 200},
		{"its Last-Modified", []string{"If-Modified-Since", modified}, 304},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := anon(t, base+"/commitments/2", tc.header...)
			if r.status != tc.want {
				t.Fatalf("status %d, want %d", r.status, tc.want)
			}
			if tc.want == 304 && r.body != "" {
				t.Errorf("304 with a body of %d bytes", len(r.body))
			}
			if tc.want == 200 && r.body != first.body {
				t.Errorf("200 with another body")
			}
		})
	}

	t.Run("compressed forms", func(t *testing.T) {
		for _, enc := range []string{"br", "gzip"} {
			r := anon(t, base+"/commitments/2", "Accept-Encoding", enc)
			if r.header.Get("Content-Encoding") != enc || len(r.body) >= len(first.body) {
				t.Errorf("%s: Content-Encoding %q, %d bytes of %d", enc, r.header.Get("Content-Encoding"), len(r.body), len(first.body))
			}
			tag := r.header.Get("ETag")
			if tag == etag {
				t.Errorf("%s: the same ETag as the identity body", enc)
			}
			if r := anon(t, base+"/commitments/2", "Accept-Encoding", enc, "If-None-Match", tag); r.status != 304 {
				t.Errorf("%s: If-None-Match its own ETag: status %d", enc, r.status)
			}
		}
		if r := anon(t, base+"/commitments/2", "Accept-Encoding", "br;q=0, gzip"); r.header.Get("Content-Encoding") != "gzip" {
			t.Errorf("br;q=0, gzip: Content-Encoding %q", r.header.Get("Content-Encoding"))
		}
	})

	t.Run("language is part of the key", func(t *testing.T) {
		en := anon(t, base+"/commitments/2", "Accept-Language", "en-GB,en;q=0.9")
		if !strings.Contains(en.body, `<html lang="en">`) {
			t.Fatalf("Accept-Language en got another language's page")
		}
		if r := anon(t, base+"/commitments/2", "Cookie", "lang=en"); !strings.Contains(r.body, `<html lang="en">`) {
			t.Errorf("the lang=en cookie got another language's page")
		}
		if r := anon(t, base+"/commitments/2"); !strings.Contains(r.body, `<html lang="zh-CN">`) {
			t.Errorf("Chinese readers got the English page from the cache")
		}
	})

	t.Run("query order is normalised, values are not", func(t *testing.T) {
		anon(t, base+"/commitments?status=planned&kind=measure")
		if r := anon(t, base+"/commitments?kind=measure&status=planned"); r.header.Get("X-Portal-Cache") != "hit" {
			t.Errorf("the same filters in another order: %q", r.header.Get("X-Portal-Cache"))
		}
		planned := anon(t, base+"/commitments?status=planned")
		completed := anon(t, base+"/commitments?status=completed")
		if planned.body == completed.body {
			t.Errorf("different filters got the same page")
		}
	})

	t.Run("not cached", func(t *testing.T) {
		for _, path := range []string{"/healthz", "/readyz", "/login", "/updates.atom", "/commitments.csv", "/commitments/99999"} {
			anon(t, base+path)
			if r := anon(t, base+path); r.header.Get("X-Portal-Cache") == "hit" {
				t.Errorf("%s was served from the cache", path)
			}
		}
	})
}

func TestAWriteEmptiesTheCache(t *testing.T) {
	base, pool := cachingPortal(t)
	before := anon(t, base+"/commitments/2")
	if anon(t, base+"/commitments/2").header.Get("X-Portal-Cache") != "hit" {
		t.Fatal("the page was not cached")
	}

	// A write from outside the portal (an importer, psql) reaches the cache
	// through the trigger's notification.
	if _, err := pool.Exec(context.Background(), `UPDATE commitments SET public_note = '外部写入的说明。' WHERE id = 2`); err != nil {
		t.Fatal(err)
	}
	var after response
	pgtest.WaitFor(t, 5*time.Second, "the page to show the change", func() bool {
		after = anon(t, base+"/commitments/2")
		return strings.Contains(after.body, "外部写入的说明。")
	})
	if after.header.Get("ETag") == before.header.Get("ETag") {
		t.Errorf("changed page, same ETag")
	}
	if r := anon(t, base+"/commitments/2", "If-None-Match", before.header.Get("ETag")); r.status != 200 {
		t.Errorf("the old ETag got %d, want 200 with the new page", r.status)
	}

	// A write that rolls back sends nothing; the cache keeps serving.
	anon(t, base+"/commitments/2")
	tx, err := pool.Begin(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	tx.Exec(context.Background(), `UPDATE commitments SET public_note = '回滚' WHERE id = 2`)
	tx.Rollback(context.Background())
	time.Sleep(100 * time.Millisecond)
	if r := anon(t, base+"/commitments/2"); r.header.Get("X-Portal-Cache") != "hit" {
		t.Errorf("a rolled-back write emptied the cache: %q", r.header.Get("X-Portal-Cache"))
	}
}

func TestStaffBypassTheCacheAndSeeTheirEdits(t *testing.T) {
	base, pool := cachingPortal(t)
	anon(t, base+"/commitments/2")
	if anon(t, base+"/commitments/2").header.Get("X-Portal-Cache") != "hit" {
		t.Fatal("the public page was not cached")
	}
	editor := loggedIn(t, base, editorEmail)
	page := request(t, editor, "GET", base+"/commitments/2", nil)
	if page.header.Get("X-Portal-Cache") != "bypass" || page.header.Get("Cache-Control") != "no-store" {
		t.Errorf("staff page: cache %q, Cache-Control %q", page.header.Get("X-Portal-Cache"), page.header.Get("Cache-Control"))
	}
	if !strings.Contains(page.body, "/commitments/2/edit") {
		t.Errorf("the staff page has no edit link: it came from the public's cache")
	}
	if strings.Contains(anon(t, base+"/commitments/2").body, "/commitments/2/edit") {
		t.Errorf("the public got the staff page")
	}

	form := editForm(t, pool, 2)
	form.Set("public_note", "编辑刚保存的说明。")
	if r := request(t, editor, "POST", base+"/commitments/2/edit", form); r.status != http.StatusSeeOther {
		t.Fatalf("save: status %d\n%s", r.status, r.body)
	}
	// The very next requests, before any notification could have arrived.
	if r := request(t, editor, "GET", base+"/commitments/2", nil); !strings.Contains(r.body, "编辑刚保存的说明。") {
		t.Errorf("the editor does not see their own edit")
	}
	if r := anon(t, base+"/commitments/2"); !strings.Contains(r.body, "编辑刚保存的说明。") {
		t.Errorf("the public does not see the edit made through this instance")
	}
}

func TestTheCacheRecoversWhenTheListenerIsCut(t *testing.T) {
	base, pool := cachingPortal(t)
	anon(t, base+"/commitments/2")
	// Cut the listening connection; a write made while it is down must not
	// leave the old page in the cache.
	n := scalar[int](t, pool, `SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE application_name = 'portal-listener' AND datname = current_database()) t`)
	if n != 1 {
		t.Fatalf("%d listening connections, want 1", n)
	}
	if _, err := pool.Exec(context.Background(), `UPDATE commitments SET public_note = '断线时写入。' WHERE id = 2`); err != nil {
		t.Fatal(err)
	}
	pgtest.WaitFor(t, 5*time.Second, "the page to show the write", func() bool {
		return strings.Contains(anon(t, base+"/commitments/2").body, "断线时写入。")
	})
	pgtest.WaitFor(t, 5*time.Second, "the cache to serve again", func() bool {
		return anon(t, base+"/commitments/2").header.Get("X-Portal-Cache") == "hit"
	})
}

// A page served from the cache is counted, in the metrics and the log line,
// under its route, like one its handler renders.
func TestCacheHitsAreCountedUnderTheirRoute(t *testing.T) {
	const token = "metrics-token-0123456789"
	pool := pgtest.NewDB(t)
	latest, err := postgres.LatestVersion()
	if err != nil {
		t.Fatal(err)
	}
	s := server.NewWithOptions(pool, pgtest.Logger(), latest, server.Options{MetricsToken: token})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { s.ListenForChanges(ctx); close(done) }()
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(func() { ts.Close(); cancel(); <-done })
	pgtest.WaitFor(t, 5*time.Second, "the cache to serve the document", func() bool {
		return anon(t, ts.URL+"/documents/"+replySlug).header.Get("X-Portal-Cache") == "hit"
	})
	before := metricsText(t, ts.URL+"/metrics", token).body
	for range 3 {
		if r := anon(t, ts.URL+"/documents/"+replySlug); r.header.Get("X-Portal-Cache") != "hit" {
			t.Fatalf("not served from the cache: %q", r.header.Get("X-Portal-Cache"))
		}
	}
	after := metricsText(t, ts.URL+"/metrics", token).body
	count := func(body string) int {
		const series = `portal_http_requests_total{method="GET",route="/documents/{slug}",status="200"} `
		i := strings.Index(body, series)
		if i < 0 {
			return 0
		}
		n, _ := strconv.Atoi(strings.Fields(body[i+len(series):])[0])
		return n
	}
	if got := count(after) - count(before); got != 3 {
		t.Errorf("3 hits counted %d times under /documents/{slug}", got)
	}
	if strings.Contains(after, `route="unmatched",status="200"`) {
		t.Error("hits counted as unmatched")
	}
}

// Only a committed write empties the cache: a POST that any client can have
// answered below 400 (a slash redirect, a refusal) leaves it as it is.
func TestRequestsThatWriteNothingKeepTheCache(t *testing.T) {
	base, _ := cachingPortal(t)
	for _, req := range []struct{ method, path string }{
		{http.MethodPost, "/commitments/1/withdraw/"}, // 301 from the slash redirect
		{http.MethodOptions, "/commitments/"},
		{http.MethodPost, "/logout"},
		{http.MethodPost, "/commitments/1/edit"}, // refused: not logged in
	} {
		r, err := http.NewRequest(req.method, base+req.path, nil)
		if err != nil {
			t.Fatal(err)
		}
		r.Header.Set("Origin", base)
		resp, err := noRedirects.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := anon(t, base+"/").header.Get("X-Portal-Cache"); got != "hit" {
			t.Errorf("%s %s (%d) emptied the cache: / is %q", req.method, req.path, resp.StatusCode, got)
		}
	}
}

// The router reads the escaped path, so /commitments/2%2Fhistory is not
// /commitments/2/history and must not be answered from its cache entry.
func TestEscapedPathsAreNotTheirDecodedTwins(t *testing.T) {
	base, _ := cachingPortal(t)
	pgtest.WaitFor(t, 5*time.Second, "the history to be cached", func() bool {
		return anon(t, base+"/commitments/2/history").header.Get("X-Portal-Cache") == "hit"
	})
	if r := anon(t, base+"/commitments/2%2Fhistory"); r.status == http.StatusOK {
		t.Errorf("/commitments/2%%2Fhistory: %d, %q", r.status, r.header.Get("X-Portal-Cache"))
	}
}

// A session cookie the portal did not sign, or whose session has ended, is no
// session: its holder is the public and gets the public's cached page, without
// a lookup of the session store (the forged) or after one (the ended).
func TestCookiesThatAreNoSessionGetThePublicCache(t *testing.T) {
	base, pool := cachingPortal(t)
	anon(t, base+"/commitments/2")
	for _, value := range []string{"x", "forged-token", "abc.def", strings.Repeat("A", 43) + "." + strings.Repeat("B", 43)} {
		r := anon(t, base+"/commitments/2", "Cookie", "portal_session="+value)
		if r.status != 200 || r.header.Get("X-Portal-Cache") != "hit" || r.header.Get("Set-Cookie") != "" {
			t.Errorf("cookie %q: status %d, cache %q, Set-Cookie %q", value, r.status, r.header.Get("X-Portal-Cache"), r.header.Get("Set-Cookie"))
		}
	}

	// A signed cookie whose session is gone from the store: one lookup ends
	// it, and after that it is the public's.
	editor := loggedIn(t, base, editorEmail)
	u, _ := url.Parse(base)
	signed := ""
	for _, ck := range editor.Jar.Cookies(u) {
		if ck.Name == "portal_session" {
			signed = ck.Value
		}
	}
	if r := anon(t, base+"/commitments/2", "Cookie", "portal_session="+signed); r.header.Get("X-Portal-Cache") != "bypass" {
		t.Fatalf("a live session: cache %q, want bypass", r.header.Get("X-Portal-Cache"))
	}
	if _, err := pool.Exec(context.Background(), `DELETE FROM sessions`); err != nil {
		t.Fatal(err)
	}
	first := anon(t, base+"/commitments/2", "Cookie", "portal_session="+signed)
	if first.header.Get("X-Portal-Cache") != "bypass" || !strings.Contains(first.header.Get("Set-Cookie"), "Max-Age=0") {
		t.Errorf("an ended session's first request: cache %q, Set-Cookie %q; want a lookup that clears the cookie",
			first.header.Get("X-Portal-Cache"), first.header.Get("Set-Cookie"))
	}
	if r := anon(t, base+"/commitments/2", "Cookie", "portal_session="+signed); r.header.Get("X-Portal-Cache") != "hit" {
		t.Errorf("an ended session, again: cache %q, want hit", r.header.Get("X-Portal-Cache"))
	}
}

// Query parameters a route does not read never make cache entries: random
// ones would fill the cache with copies and push real pages out.
func TestUnknownQueryParametersMakeNoEntries(t *testing.T) {
	base, _ := cachingPortal(t)
	for _, u := range []string{"/commitments?utm_source=x", "/commitments?status=planned&nonce=1", "/commitments/2?x=1", "/?page=2", "/documents/" + replySlug + "?v=1"} {
		first := anon(t, base+u)
		if first.status != 200 {
			t.Errorf("%s: status %d", u, first.status)
		}
		if r := anon(t, base+u); r.header.Get("X-Portal-Cache") != "bypass" {
			t.Errorf("%s asked twice: cache %q, want bypass", u, r.header.Get("X-Portal-Cache"))
		}
	}
	// The parameters the route reads still share entries.
	anon(t, base+"/commitments?status=planned")
	if r := anon(t, base+"/commitments?status=planned"); r.header.Get("X-Portal-Cache") != "hit" {
		t.Errorf("a known filter: cache %q, want hit", r.header.Get("X-Portal-Cache"))
	}
	for _, u := range []string{"/search?q=锂电", "/api/v1/commitments?status=planned&page=1", "/api/v1/entities?page=1", "/api/v1/documents?per_page=5"} {
		anon(t, base+u)
		if r := anon(t, base+u); r.header.Get("X-Portal-Cache") != "hit" {
			t.Errorf("%s: cache %q, want hit", u, r.header.Get("X-Portal-Cache"))
		}
	}
}

// A save drops the cached pages that show what it changed, and only those:
// the commitment's own pages, its document's, and every page without a tag
// (lists, counts, dashboard); another commitment's pages stay cached.
func TestASaveDropsOnlyWhatItChanged(t *testing.T) {
	base, pool := cachingPortal(t)
	// Signing in writes too (the account's last login): before the pages are cached.
	editor := loggedIn(t, base, editorEmail)
	shows := []string{"/commitments/2", "/commitments/2/history", "/documents/" + replySlug, "/commitments",
		"/commitments?status=in_progress", "/dashboard", "/", "/entities/gz-industry-it-dept", "/map", "/search?q=锂电"}
	unrelated := []string{"/commitments/3", "/commitments/3/history"}
	for _, u := range append(shows, unrelated...) {
		anon(t, base+u)
		if r := anon(t, base+u); r.status != 200 || r.header.Get("X-Portal-Cache") != "hit" {
			t.Fatalf("%s: status %d, cache %q before the save", u, r.status, r.header.Get("X-Portal-Cache"))
		}
	}
	if strings.Contains(anon(t, base+"/commitments?status=in_progress").body, `href="/commitments/2"`) {
		t.Fatal("commitment 2 is in progress already: the test needs another")
	}

	form := editForm(t, pool, 2)
	form.Set("public_note", "只影响该承诺的说明。")
	if r := request(t, editor, "POST", base+"/commitments/2/edit", form); r.status != http.StatusSeeOther {
		t.Fatalf("save: status %d\n%s", r.status, r.body)
	}
	pgtest.WaitFor(t, 5*time.Second, "the commitment page to show the save", func() bool {
		return strings.Contains(anon(t, base+"/commitments/2").body, "只影响该承诺的说明。")
	})
	for _, u := range shows[1:] {
		if r := anon(t, base+u); r.header.Get("X-Portal-Cache") == "hit" {
			t.Errorf("%s still served from the cache after the save", u)
		}
	}
	if r := anon(t, base+"/commitments?status=in_progress"); !strings.Contains(r.body, `href="/commitments/2"`) {
		t.Errorf("the list filtered by the new status lacks the commitment")
	}
	for _, u := range unrelated {
		if r := anon(t, base+u); r.header.Get("X-Portal-Cache") != "hit" {
			t.Errorf("%s was dropped by another commitment's save: cache %q", u, r.header.Get("X-Portal-Cache"))
		}
	}

	// A write that does not say what it touched still empties everything.
	if _, err := pool.Exec(context.Background(), `UPDATE documents SET title = title`); err != nil {
		t.Fatal(err)
	}
	pgtest.WaitFor(t, 5*time.Second, "a document write to empty the cache", func() bool {
		return anon(t, base+"/commitments/3").header.Get("X-Portal-Cache") != "hit"
	})
}

// TestEveryFilteredPublicPageIsCached: routeParams lists the parameters each
// cached route reads; a route that reads one it does not list is rendered
// afresh for every reader. Each URL here carries parameters its page reads.
func TestEveryFilteredPublicPageIsCached(t *testing.T) {
	base, _ := cachingPortal(t)
	for _, u := range []string{
		"/documents?kind=reply&year=2023&q=锂&sort=commitments",
		"/dashboard?document=" + replySlug,
		"/map?document=" + replySlug,
		"/documents/" + replySlug + "/diff?from=1&to=1",
		"/documents/" + replySlug + "/versions/1",
		"/commitments?status=planned&document=" + replySlug,
		"/entities?kind=company",
		"/search?q=锂",
		"/api/v1/commitments?status=planned&per_page=5",
		"/commitments?due=overdue&sort=due",
		"/documents?grade=B&sort=updated",
		"/documents/" + replySlug + "?marks=off",
		"/api/v1/commitments?due=due_soon&sort=progress",
	} {
		if r := anon(t, base+u); r.status != http.StatusOK {
			t.Errorf("%s: status %d", u, r.status)
			continue
		}
		if got := anon(t, base+u).header.Get("X-Portal-Cache"); got != "hit" {
			t.Errorf("%s asked twice: X-Portal-Cache %q, want hit", u, got)
		}
	}
}
