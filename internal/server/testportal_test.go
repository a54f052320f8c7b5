package server_test

// The test portal and what every test of it shares: one builder with options
// (newTestPortal), its staff accounts and forms, one way to send a request
// (request, over send), one query for a single value (scalar) and one wait
// (waitFor).

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/guizhou-portal/portal/internal/auth"
	"github.com/guizhou-portal/portal/internal/policy"
	"github.com/guizhou-portal/portal/internal/postgres"
	"github.com/guizhou-portal/portal/internal/postgres/pgtest"
	"github.com/guizhou-portal/portal/internal/server"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// replySlug is the seeded reply every fresh database holds.
const replySlug = "qgxtfz-2023-4"

// The staff withStaff adds: an admin (王管理) and an editor (李编辑), both with
// this password.
const (
	adminEmail  = "admin@example.gov.cn"
	editorEmail = "editor@example.gov.cn"
	password    = "左磷右锂开辟新赛道"
)

// testPortal is the portal served over HTTP by an httptest server.
type testPortal struct {
	URL     string        // the server's base address, without a trailing slash
	Pool    *pgxpool.Pool // the pool the portal reads and writes through
	Store   *postgres.Store
	Server  *server.Server
	Handler http.Handler // what the httptest server serves
}

type portalConfig struct {
	pool       *pgxpool.Pool
	opts       server.Options
	logger     *slog.Logger
	clock      func() time.Time
	staff      bool
	panicRoute bool
	listen     bool
	mail       bool
}

// portalOption changes how newTestPortal builds the portal.
type portalOption func(*portalConfig)

// withPool serves pool instead of a fresh seeded database.
func withPool(pool *pgxpool.Pool) portalOption { return func(c *portalConfig) { c.pool = pool } }

// withOptions passes opts to server.NewWithOptions.
func withOptions(opts server.Options) portalOption { return func(c *portalConfig) { c.opts = opts } }

// withLogger logs to l instead of the test log.
func withLogger(l *slog.Logger) portalOption { return func(c *portalConfig) { c.logger = l } }

// withClock fixes the portal's clock at now, so that what is overdue does not
// change with the day the test runs.
func withClock(now time.Time) portalOption {
	return func(c *portalConfig) { c.clock = func() time.Time { return now } }
}

// withStaff adds the admin and the editor named above.
func withStaff() portalOption { return func(c *portalConfig) { c.staff = true } }

// withPanicRoute adds GET /test/panic, whose handler panics.
func withPanicRoute() portalOption { return func(c *portalConfig) { c.panicRoute = true } }

// withChangeListener listens for changes as `portal serve` does, and returns
// only once the page cache serves the home page.
func withChangeListener() portalOption { return func(c *portalConfig) { c.listen = true } }

// withMail delivers mail to smtpURL ("" keeps it in the queue) and works
// the queue as `portal serve` does, retrying failures after a fraction of a
// second instead of 30.
func withMail(smtpURL string) portalOption {
	return func(c *portalConfig) {
		c.mail = true
		c.opts.SMTPURL, c.opts.MailFrom = smtpURL, "portal@example.gov.cn"
		c.opts.MailRetryBase, c.opts.MailPoll = 300*time.Millisecond, 100*time.Millisecond
	}
}

// newTestPortal starts the portal, by default over a fresh seeded database
// with no accounts, and stops it when the test ends.
func newTestPortal(t testing.TB, options ...portalOption) *testPortal {
	t.Helper()
	var c portalConfig
	for _, o := range options {
		o(&c)
	}
	if c.pool == nil {
		c.pool = pgtest.NewDB(t)
	}
	if c.logger == nil {
		c.logger = pgtest.Logger()
	}
	if c.staff {
		addUser(t, c.pool, adminEmail, "王管理", policy.RoleAdmin)
		addUser(t, c.pool, editorEmail, "李编辑", policy.RoleEditor)
	}
	latest, err := postgres.LatestVersion()
	if err != nil {
		t.Fatal(err)
	}
	s := server.NewWithOptions(c.pool, c.logger, latest, c.opts)
	if c.clock != nil {
		s.SetClock(c.clock)
	}
	h := s.Handler()
	if c.panicRoute {
		h = s.HandlerWithPanicRoute()
	}
	p := &testPortal{Pool: c.pool, Store: postgres.NewStore(c.pool), Server: s, Handler: h}
	ts := httptest.NewServer(h)
	p.URL = ts.URL
	if c.mail {
		ctx, cancel := context.WithCancel(context.Background())
		if err := s.StartMail(ctx, ts.URL); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			stop, done := context.WithTimeout(context.Background(), 5*time.Second)
			s.StopMail(stop)
			done()
			cancel()
		})
	}
	if !c.listen {
		t.Cleanup(ts.Close)
		return p
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { s.ListenForChanges(ctx); close(done) }()
	t.Cleanup(func() { ts.Close(); cancel(); <-done })
	pgtest.WaitFor(t, 10*time.Second, "the page cache to serve /", func() bool {
		return request(t, nil, http.MethodGet, p.URL+"/", nil).header.Get("X-Portal-Cache") == "hit"
	})
	return p
}

// addUser adds an account with the password above.
func addUser(t testing.TB, pool *pgxpool.Pool, email, name string, role policy.Role) int64 {
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
func browserClient(t testing.TB) *http.Client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// loggedIn returns a client signed in as email; nil email means the public.
func loggedIn(t testing.TB, base, email string) *http.Client {
	t.Helper()
	c := browserClient(t)
	if email == "" {
		return c
	}
	r := request(t, c, http.MethodPost, base+"/login", url.Values{"email": {email}, "password": {password}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("login as %s: status %d\n%s", email, r.status, r.body)
	}
	return c
}

// sessionCookie is the session token the client holds for base: the
// cookie's value without its signature, as the sessions table keeps it.
func sessionCookie(t testing.TB, c *http.Client, base string) string {
	u, _ := url.Parse(base)
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == "portal_session" {
			token, _, _ := strings.Cut(ck.Value, ".")
			return token
		}
	}
	return ""
}

// response is an answer read whole.
type response struct {
	status int
	header http.Header
	body   string
}

// request sends method to u as client c, with form (when not nil) as a
// urlencoded body and the headers given in pairs, and reads the whole answer.
// A nil c is http.DefaultClient: no cookies, redirects followed.
func request(t testing.TB, c *http.Client, method, u string, form url.Values, header ...string) response {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	if c == nil {
		c = http.DefaultClient
	}
	return send(t, c, req)
}

// send sends a request built by hand (a multipart or streamed body, a raw
// path) as client c and reads the whole answer.
func send(t testing.TB, c *http.Client, req *http.Request) response {
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

// scalar is the one value sql returns.
func scalar[T any](t testing.TB, pool *pgxpool.Pool, sql string, args ...any) T {
	t.Helper()
	var v T
	if err := pool.QueryRow(context.Background(), sql, args...).Scan(&v); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return v
}

// version is commitment id's current version.
func version(t testing.TB, pool *pgxpool.Pool, id int64) int {
	return scalar[int](t, pool, `SELECT version FROM commitments WHERE id = $1`, id)
}

func itoa(n int) string { return strconv.Itoa(n) }

// editForm is a valid edit of commitment id at its current version.
func editForm(t testing.TB, pool *pgxpool.Pool, id int64) url.Values {
	return url.Values{
		"version": {itoa(version(t, pool, id))}, "status": {"in_progress"}, "progress": {"40"},
		"title": {scalar[string](t, pool, `SELECT title FROM commitments WHERE id = $1`, id)}, // as the form shows it
		"lead":  {"gz-industry-it-dept"}, "time_frame": {"2023年至2025年"}, "due_on": {"2025-12-31"},
		"public_note": {"已召开项目推进会。"},
	}
}

// updateForm is a valid progress update of commitment id at its current version.
func updateForm(t testing.TB, pool *pgxpool.Pool, id int64, note, visibility string) url.Values {
	return url.Values{
		"version": {itoa(version(t, pool, id))}, "happened_on": {"2026-10-15"}, "update_status": {"in_progress"},
		"update_progress": {"60"}, "note": {note}, "evidence_url": {"https://gxt.guizhou.gov.cn/news/1.html"},
		"visibility": {visibility},
	}
}

// parallel sends n requests at once and counts their statuses.
func parallel(t *testing.T, n int, send func(i int) int) map[int]int {
	var wg sync.WaitGroup
	var mu sync.Mutex
	statuses := map[int]int{}
	for i := range n {
		wg.Go(func() {
			s := send(i)
			mu.Lock()
			statuses[s]++
			mu.Unlock()
		})
	}
	wg.Wait()
	return statuses
}

// commitmentPath is the page of commitment id.
func commitmentPath(id int64) string { return "/commitments/" + strconv.FormatInt(id, 10) }
