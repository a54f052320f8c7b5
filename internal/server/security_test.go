package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/guizhou-portal/portal/internal/postgres"
	"github.com/guizhou-portal/portal/internal/postgres/pgtest"
	"github.com/guizhou-portal/portal/internal/server"
)

// checkSecurityHeaders fails unless r carries the whole security header set.
func checkSecurityHeaders(t *testing.T, what string, r response, https bool) {
	t.Helper()
	csp := r.header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "script-src 'self'", "style-src 'self'", "object-src 'none'",
		"base-uri 'none'", "frame-ancestors 'none'", "form-action 'self'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("%s: Content-Security-Policy %q lacks %q", what, csp, want)
		}
	}
	for _, bad := range []string{"unsafe-inline", "unsafe-eval", "*", "data:"} {
		if strings.Contains(csp, bad) {
			t.Errorf("%s: Content-Security-Policy %q allows %q", what, csp, bad)
		}
	}
	for h, want := range map[string]string{
		"X-Content-Type-Options": "nosniff",
		"Referrer-Policy":        "strict-origin-when-cross-origin",
		"X-Frame-Options":        "DENY",
	} {
		if got := r.header.Get(h); got != want {
			t.Errorf("%s: %s = %q, want %q", what, h, got, want)
		}
	}
	if id := r.header.Get("X-Request-Id"); !regexp.MustCompile(`^[0-9a-f]{16}$`).MatchString(id) {
		t.Errorf("%s: X-Request-Id = %q", what, id)
	}
	hsts := r.header.Get("Strict-Transport-Security")
	switch {
	case https && !strings.HasPrefix(hsts, "max-age="):
		t.Errorf("%s: over HTTPS, Strict-Transport-Security = %q", what, hsts)
	case !https && hsts != "":
		t.Errorf("%s: over plain HTTP, Strict-Transport-Security = %q", what, hsts)
	}
}

func TestEveryKindOfResponseCarriesTheSecurityHeaders(t *testing.T) {
	for _, https := range []bool{false, true} {
		p := newTestPortal(t, withStaff(), withOptions(server.Options{HTTPS: https}))
		base, pool := p.URL, p.Pool
		id := firstCommitmentID(t, base)
		editor := loggedIn(t, base, editorEmail)
		c := browserClient(t)
		big := url.Values{"email": {"a@b.cn"}, "password": {strings.Repeat("x", 300<<10)}}
		cases := []struct {
			what   string
			status int
			r      response
		}{
			{"home page", 200, request(t, c, "GET", base+"/", nil)},
			{"document page", 200, request(t, c, "GET", base+"/documents/"+replySlug, nil)},
			{"unknown page", 404, request(t, c, "GET", base+"/no/such/page", nil)},
			{"unknown commitment", 404, request(t, c, "GET", base+"/commitments/99999999", nil)},
			{"bad filter", 400, request(t, c, "GET", base+"/commitments?status=nonsense", nil)},
			{"wrong method", 405, request(t, c, "POST", base+"/dashboard", url.Values{})},
			{"static file", 200, request(t, c, "GET", base+"/static/style.css", nil)},
			{"missing static file", 404, request(t, c, "GET", base+"/static/nothing.css", nil)},
			{"API", 200, request(t, c, "GET", base+"/api/v1/commitments", nil)},
			{"API error", 404, request(t, c, "GET", base+"/api/v1/commitments/99999999", nil)},
			{"CSV", 200, request(t, c, "GET", base+"/commitments.csv", nil)},
			{"feed", 200, request(t, c, "GET", base+"/updates.atom", nil)},
			{"healthz", 200, request(t, c, "GET", base+"/healthz", nil)},
			{"readyz", 200, request(t, c, "GET", base+"/readyz", nil)},
			{"staff page", 200, request(t, editor, "GET", base+commitmentPath(id)+"/edit", nil)},
			{"not logged in", 401, request(t, c, "POST", base+commitmentPath(id)+"/withdraw", url.Values{})},
			{"cross-origin post", 403, request(t, editor, "POST", base+commitmentPath(id)+"/edit", editForm(t, pool, id), "Sec-Fetch-Site", "cross-site")},
			{"body too large", 413, request(t, c, "POST", base+"/login", big)},
			{"redirect", 303, request(t, c, "GET", base+"/documents/import", nil)},
		}
		for _, tc := range cases {
			if tc.r.status != tc.status {
				t.Errorf("%s: status %d, want %d", tc.what, tc.r.status, tc.status)
			}
			checkSecurityHeaders(t, tc.what, tc.r, https)
		}
	}
}

// The policy forbids inline scripts and styles; the pages must not need them.
// Scripts come from the portal's static files only.
func TestPagesNeedNothingThePolicyForbids(t *testing.T) {
	base := newTestPortal(t, withStaff()).URL
	id := firstCommitmentID(t, base)
	editor := loggedIn(t, base, editorEmail)
	inline := regexp.MustCompile(`(?i)<script|<style|\sstyle=|\son[a-z]+=|javascript:|<base\s|<object|<embed|<iframe`)
	// The portal's own scripts, served from /static, are what script-src 'self' allows.
	own := regexp.MustCompile(`<script src="/static/[a-z_]+\.[0-9a-f]{12}\.js" defer></script>`)
	for _, path := range []string{"/", "/documents/" + replySlug, "/commitments", commitmentPath(id), commitmentPath(id) + "/history",
		"/entities", "/entities/guizhou", "/dashboard", "/map", "/search?q=锂", "/changes", "/login", commitmentPath(id) + "/edit"} {
		c := editor
		if path == "/login" {
			c = browserClient(t) // staff are sent on from the login page
		}
		r := request(t, c, "GET", base+path, nil)
		if r.status != 200 {
			t.Errorf("%s: status %d", path, r.status)
		}
		if m := inline.FindString(own.ReplaceAllString(r.body, "")); m != "" {
			t.Errorf("%s: the page holds %q, which the Content-Security-Policy blocks", path, m)
		}
	}
}

func TestStaffResponsesAreNeverStored(t *testing.T) {
	p := newTestPortal(t, withStaff())
	base, pool := p.URL, p.Pool
	id := firstCommitmentID(t, base)
	admin := loggedIn(t, base, adminEmail)
	stale := editForm(t, pool, id)
	if r := request(t, admin, "POST", base+commitmentPath(id)+"/edit", editForm(t, pool, id)); r.status != 303 {
		t.Fatalf("save: status %d", r.status)
	}
	for _, tc := range []struct {
		what   string
		status int
		r      response
	}{
		{"home page while logged in", 200, request(t, admin, "GET", base+"/", nil)},
		{"edit page", 200, request(t, admin, "GET", base+commitmentPath(id)+"/edit", nil)},
		{"new commitment page", 200, request(t, admin, "GET", base+"/commitments/new?document="+replySlug+"&paragraph=3", nil)},
		{"changes", 200, request(t, admin, "GET", base+"/changes", nil)},
		{"accounts", 200, request(t, admin, "GET", base+"/admin/users", nil)},
		{"history", 200, request(t, admin, "GET", base+commitmentPath(id)+"/history", nil)},
		{"unknown commitment", 404, request(t, admin, "GET", base+"/commitments/99999999/edit", nil)},
		{"unknown page", 404, request(t, admin, "GET", base+"/no/such/page", nil)},
		{"stale save", 409, request(t, admin, "POST", base+commitmentPath(id)+"/edit", stale)},
		{"invalid save", 422, request(t, admin, "POST", base+commitmentPath(id)+"/edit", url.Values{"version": {"1"}, "progress": {"900"}})},
	} {
		if tc.r.status != tc.status {
			t.Errorf("%s: status %d, want %d", tc.what, tc.r.status, tc.status)
		}
		if cc := tc.r.header.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
			t.Errorf("%s: Cache-Control %q, want no-store", tc.what, cc)
		}
	}
}

func TestBodiesOverTheCapGet413WithThePortalsPage(t *testing.T) {
	p := newTestPortal(t, withStaff())
	base, pool := p.URL, p.Pool
	id := firstCommitmentID(t, base)
	editor := loggedIn(t, base, editorEmail)
	huge := updateForm(t, pool, id, strings.Repeat("进展", 200<<10), "public")
	// Declared length over the cap, and a chunked body of unknown length.
	declared := request(t, editor, "POST", base+commitmentPath(id)+"/updates", huge)
	req, _ := http.NewRequest(http.MethodPost, base+"/login", io.MultiReader(strings.NewReader("email=a%40b.cn&password="), strings.NewReader(strings.Repeat("y", 1<<20))))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	chunked := send(t, browserClient(t), req)
	api, _ := http.NewRequest(http.MethodGet, base+"/api/v1/commitments", strings.NewReader(strings.Repeat("z", 1<<20)))
	apiBig := send(t, browserClient(t), api)
	for what, r := range map[string]response{"declared": declared, "chunked": chunked, "GET with a body": apiBig} {
		if r.status != http.StatusRequestEntityTooLarge {
			t.Errorf("%s: status %d, want 413", what, r.status)
			continue
		}
		if !strings.Contains(r.body, "提交的内容太大") || !strings.Contains(r.body, `class="site"`) {
			t.Errorf("%s: 413 without the portal's page:\n%.400s", what, r.body)
		}
	}
	if n := scalar[int](t, pool, `SELECT count(*) FROM progress_updates`); n != 0 {
		t.Errorf("%d progress updates stored from refused bodies", n)
	}
}

// lockedBuffer collects log output written from many goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// records are the JSON log records written so far.
func (b *lockedBuffer) records(t *testing.T) []map[string]any {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(b.buf.String()), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log line is not JSON: %q", line)
		}
		out = append(out, rec)
	}
	return out
}

func find(recs []map[string]any, msg string, match func(map[string]any) bool) map[string]any {
	for _, r := range recs {
		if r["msg"] == msg && (match == nil || match(r)) {
			return r
		}
	}
	return nil
}

// jsonLogged is a portal with staff and the panic route whose log is read
// back from logs.
func jsonLogged(t *testing.T) (*testPortal, *lockedBuffer) {
	t.Helper()
	logs := &lockedBuffer{}
	return newTestPortal(t, withStaff(), withPanicRoute(), withLogger(slog.New(slog.NewJSONHandler(logs, nil)))), logs
}

func TestAPanicGivesThe500PageWithItsRequestIDAndTheServerGoesOn(t *testing.T) {
	p, logs := jsonLogged(t)
	r := request(t, nil, "GET", p.URL+"/test/panic", nil)
	id := r.header.Get("X-Request-Id")
	if r.status != 500 || id == "" {
		t.Fatalf("panic: status %d, request id %q", r.status, id)
	}
	if !strings.Contains(r.body, `<code class="request-id">`+id+`</code>`) || !strings.Contains(r.body, "服务器内部错误") {
		t.Errorf("the 500 page does not show request id %s:\n%.600s", id, r.body)
	}
	checkSecurityHeaders(t, "500 page", r, false)
	rec := find(logs.records(t), "panic", nil)
	if rec == nil || rec["request_id"] != id || !strings.Contains(rec["stack"].(string), "runtime/debug.Stack") ||
		!strings.Contains(rec["value"].(string), "test panic") {
		t.Errorf("panic log record: %v", rec)
	}
	if r := request(t, nil, "GET", p.URL+"/documents/"+replySlug, nil); r.status != 200 {
		t.Errorf("after the panic: status %d", r.status)
	}
}

func TestLogsAreJSONWithRouteStatusDurationAndEveryEvent(t *testing.T) {
	p, logs := jsonLogged(t)
	base, pool := p.URL, p.Pool
	id := firstCommitmentID(t, base)
	page := request(t, nil, "GET", base+commitmentPath(id), nil)
	request(t, browserClient(t), "POST", base+"/login", url.Values{"email": {editorEmail}, "password": {"not the password"}})
	editor := loggedIn(t, base, editorEmail)
	save := request(t, editor, "POST", base+commitmentPath(id)+"/edit", editForm(t, pool, id))
	request(t, editor, "POST", base+commitmentPath(id)+"/updates", updateForm(t, pool, id, "召开推进会。", "public"))
	request(t, editor, "POST", base+commitmentPath(id)+"/withdraw", url.Values{"version": {itoa(version(t, pool, id))}, "reason": {"重复"}})
	request(t, editor, "POST", base+"/admin/users", url.Values{"email": {"x@example.gov.cn"}, "name": {"某"}, "role": {"editor"}})
	request(t, browserClient(t), "POST", base+commitmentPath(id)+"/restore", url.Values{})
	imported := request(t, editor, "POST", base+"/documents/import", url.Values{"text": {newReply}, "sum": {sha256hex(newReply)}, "confirm": {"1"}})
	// A body sent without its length, cut off at the cap while being read.
	chunked, err := http.NewRequest(http.MethodPost, base+"/login", io.MultiReader(strings.NewReader("email="+strings.Repeat("x", 300<<10))))
	if err != nil {
		t.Fatal(err)
	}
	chunked.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if r := send(t, http.DefaultClient, chunked); r.status != http.StatusRequestEntityTooLarge {
		t.Errorf("a chunked body over the cap: %d", r.status)
	}
	request(t, editor, "POST", base+"/logout", url.Values{})

	recs := logs.records(t)
	req := find(recs, "request", func(r map[string]any) bool { return r["path"] == commitmentPath(id) && r["method"] == "GET" })
	if req == nil || req["route"] != "/commitments/{id}" || req["status"] != 200.0 || req["request_id"] != page.header.Get("X-Request-Id") ||
		req["level"] != "INFO" || req["client"] != "127.0.0.1" {
		t.Errorf("request record: %v", req)
	}
	if _, ok := req["duration_ms"].(float64); !ok {
		t.Errorf("request record without duration_ms: %v", req)
	}
	for _, ev := range []struct {
		msg   string
		level string
		match func(map[string]any) bool
	}{
		{"login failed", "INFO", func(r map[string]any) bool { return r["email"] == editorEmail }},
		{"login", "INFO", nil},
		{"commitment updated", "INFO", func(r map[string]any) bool { return r["request_id"] == save.header.Get("X-Request-Id") }},
		{"progress update added", "INFO", nil},
		{"commitment withdrawn or restored", "INFO", nil},
		{"refused: role", "WARN", func(r map[string]any) bool { return r["path"] == "/admin/users" }},
		{"refused: not logged in", "WARN", nil},
		{"request", "WARN", func(r map[string]any) bool { return r["status"] == 403.0 && r["route"] == "/admin/users" }},
		{"logout", "INFO", nil},
		{"document imported", "INFO", func(r map[string]any) bool { return r["request_id"] == imported.header.Get("X-Request-Id") }},
		{"request body refused", "WARN", func(r map[string]any) bool { return r["path"] == "/login" }},
	} {
		rec := find(recs, ev.msg, ev.match)
		if rec == nil {
			t.Errorf("no %q record", ev.msg)
			continue
		}
		if rec["level"] != ev.level || rec["request_id"] == nil {
			t.Errorf("%q record: %v", ev.msg, rec)
		}
	}
}

func metricsText(t *testing.T, u, token string) response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return send(t, http.DefaultClient, req)
}

func TestMetricsCountRequestsBehindTheToken(t *testing.T) {
	const token = "metrics-token-0123456789"
	base := newTestPortal(t, withStaff(), withOptions(server.Options{MetricsToken: token})).URL
	for range 3 {
		request(t, nil, "GET", base+"/documents/"+replySlug, nil)
	}
	request(t, nil, "GET", base+"/no/such/page", nil)
	for _, bad := range []string{"", "wrong-token-0123456789"} {
		if r := metricsText(t, base+"/metrics", bad); r.status != 401 || strings.Contains(r.body, "portal_http") {
			t.Errorf("metrics with token %q: status %d", bad, r.status)
		}
	}
	req, err := http.NewRequest(http.MethodGet, base+"/metrics", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "bearer "+token) // the scheme is case-insensitive
	if r := send(t, http.DefaultClient, req); r.status != 200 {
		t.Errorf("metrics with a lower-case scheme: status %d", r.status)
	}
	r := metricsText(t, base+"/metrics", token)
	if r.status != 200 {
		t.Fatalf("metrics with the token: status %d", r.status)
	}
	for _, want := range []string{
		`portal_http_requests_total{method="GET",route="/documents/{slug}",status="200"} 3`,
		`portal_http_requests_total{method="GET",route="unmatched",status="404"} 1`,
		`portal_http_request_duration_seconds_count{method="GET",route="/documents/{slug}",status="200"} 3`,
		`portal_http_requests_in_flight 1`,
		`portal_db_pool_connections{state="idle"}`,
		`portal_db_pool_acquires_total`,
		`go_goroutines`,
		`process_resident_memory_bytes`,
	} {
		if !strings.Contains(r.body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if strings.Contains(r.body, replySlug) {
		t.Error("metrics label a path, not a route pattern")
	}
}

func TestMetricsAreNotPublicWithoutTokenButServeOnTheirOwnAddress(t *testing.T) {
	free, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	metricsAddr := free.Addr().String()
	free.Close()
	pool := pgtest.NewDB(t)
	latest, _ := postgres.LatestVersion()
	s := server.NewWithOptions(pool, pgtest.Logger(), latest, server.Options{MetricsAddr: metricsAddr})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	base := "http://" + ln.Addr().String()
	pgtest.WaitFor(t, 5*time.Second, "the metrics address to answer", func() bool {
		res, err := http.Get("http://" + metricsAddr + "/metrics")
		if err == nil {
			res.Body.Close()
		}
		return err == nil && res.StatusCode == 200
	})
	request(t, nil, "GET", base+"/", nil)
	if r := metricsText(t, base+"/metrics", ""); r.status != 404 || strings.Contains(r.body, "portal_http") {
		t.Errorf("/metrics on the main address without a configured token: status %d", r.status)
	}
	if r := metricsText(t, base+"/metrics", "anything-at-all-0123"); r.status != 404 {
		t.Errorf("/metrics on the main address with a made-up token: status %d", r.status)
	}
	if r := metricsText(t, "http://"+metricsAddr+"/metrics", ""); !strings.Contains(r.body, `portal_http_requests_total{method="GET",route="/",status="200"} 1`) {
		t.Errorf("metrics address does not count the request:\n%.2000s", r.body)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Serve after its context ended: %v", err)
	}
}
