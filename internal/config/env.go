package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Reader says which program reads a variable: the portal binary, the tests,
// or make bench. The usage text of `portal help` lists only the portal's.
type Reader string

// The readers of the variables, as docs/configuration.md names them.
const (
	ReaderPortal Reader = "portal"
	ReaderTests  Reader = "tests"
	ReaderBench  Reader = "make bench"
)

// Variable is one environment variable: the single place its name, default
// and meaning are written. `portal help` and the table in
// docs/configuration.md are made from Variables (a test compares the doc
// with Markdown), so the three cannot drift apart again.
type Variable struct {
	Name string
	// Default is the value used when the variable is unset, as typed; empty
	// when there is none, and Unset then says what happens instead.
	Default string
	// Unset says, in words, what an unset variable means when there is no
	// literal default (such as "the request's host").
	Unset string
	// Short is the one line `portal help` prints.
	Short string
	// Doc is the Markdown of docs/configuration.md's Meaning column.
	Doc    string
	Reader Reader
}

// Variables lists every environment variable the portal, its tests and its
// tools read, in the order the docs show them.
var Variables = []Variable{
	{Name: "DATABASE_URL", Default: DefaultDatabaseURL, Reader: ReaderPortal,
		Short: "PostgreSQL URL",
		Doc: "The portal's database. Tests use the same server with their own databases. A connection gives up " +
			"after 2 seconds unless the URL sets `connect_timeout`."},
	{Name: "TEST_DATABASE_URL", Unset: "`DATABASE_URL`", Reader: ReaderTests,
		Short: "another PostgreSQL server for the tests",
		Doc:   "Another server for tests, if wanted."},
	{Name: "PORTAL_ADDR", Default: DefaultAddr, Reader: ReaderPortal,
		Short: "address to listen on",
		Doc:   "The address to listen on."},
	{Name: "PORTAL_BASE_URL", Unset: "the request's host", Reader: ReaderPortal,
		Short: "the public address, e.g. https://portal.example.gov.cn, for feed links",
		Doc: "The portal's public address, such as `https://portal.example.gov.cn`. Atom feeds, the CSV's links, " +
			"the evaluation links staff hand to proposers and the links in mail are built from it; set it in " +
			"production, or they follow whatever `Host` header a client sends."},
	{Name: "PORTAL_HTTPS", Default: "0", Reader: ReaderPortal,
		Short: "1 when users reach the portal over HTTPS: session cookies are Secure",
		Doc: "Set to `1` when users reach the portal over HTTPS (usually through a proxy that ends TLS): " +
			"session cookies are then marked `Secure`, and responses carry `Strict-Transport-Security`."},
	{Name: "PORTAL_TRUSTED_PROXIES", Unset: "none", Reader: ReaderPortal,
		Short: "comma-separated CIDRs whose X-Forwarded-For is believed",
		Doc: "Comma-separated addresses or CIDRs of proxies whose `X-Forwarded-For` is believed. Without it " +
			"the client address is the TCP peer, so nobody can dodge login throttling with a forged header."},
	{Name: "PORTAL_SESSION_IDLE", Default: durationText(DefaultSessionIdle), Reader: ReaderPortal,
		Short: "end a staff session after this long idle",
		Doc:   "A staff session ends after this long without a request."},
	{Name: "PORTAL_SESSION_LIFETIME", Default: durationText(DefaultSessionLifetime), Reader: ReaderPortal,
		Short: "end a staff session this long after login",
		Doc:   "A staff session ends this long after login, however active."},
	{Name: "PORTAL_PASSWORD", Unset: "read from standard input", Reader: ReaderPortal,
		Short: `the password for "user add"`,
		Doc:   "The password for `portal user add`; when unset it is read from standard input."},
	{Name: "PORTAL_REQUEST_TIMEOUT", Default: durationText(DefaultRequestTimeout), Reader: ReaderPortal,
		Short: "every request's deadline; a database slower than this gives 503",
		Doc:   "Every request's deadline. A database that has not answered by then gives the 503 page."},
	{Name: "PORTAL_SHUTDOWN_GRACE", Default: durationText(DefaultShutdownGrace), Reader: ReaderPortal,
		Short: "after SIGTERM, how long requests in flight may finish",
		Doc:   "After SIGTERM, how long requests in flight may take to finish before their connections are closed."},
	{Name: "PORTAL_RENDER_LIMIT", Default: strconv.Itoa(DefaultRenderLimit), Reader: ReaderPortal,
		Short: "pages one client may have rendered outside the page cache per PORTAL_RENDER_WINDOW; 0 for no limit",
		Doc: "How many pages one client (by address, or one staff session) may have rendered outside the page " +
			"cache per `PORTAL_RENDER_WINDOW`: staff views, filter combinations and searches nobody asked for " +
			"lately. More get a 429 page with `Retry-After`; cached pages are never limited. `0` turns it off."},
	{Name: "PORTAL_RENDER_WINDOW", Default: durationText(DefaultRenderWindow), Reader: ReaderPortal,
		Short: "the window of PORTAL_RENDER_LIMIT",
		Doc:   "The window over which `PORTAL_RENDER_LIMIT` counts (a sliding window)."},
	{Name: "PORTAL_EVALUATION_LINK_DAYS", Default: strconv.Itoa(DefaultEvaluationLinkDays), Reader: ReaderPortal,
		Short: "days a proposer's evaluation link stays usable after it is issued",
		Doc: "How many days a proposer's personal evaluation link (`/evaluations/{token}`) stays usable after " +
			"staff issue it; from 1 to 3650."},
	{Name: "PORTAL_EVIDENCE_MAX_MB", Default: strconv.Itoa(DefaultEvidenceMaxMB), Reader: ReaderPortal,
		Short: "the largest evidence file staff may attach, in MB",
		Doc: "The largest evidence file staff may attach to a progress update, in megabytes (MiB, 1 to 1024). " +
			"A larger upload gets the 413 page before its body is read."},
	{Name: "PORTAL_EVIDENCE_STORE", Default: EvidenceStorePostgres, Reader: ReaderPortal,
		Short: "where evidence files go: postgres, or s3 with the PORTAL_S3_* settings",
		Doc: "Where evidence files' bytes are kept: `postgres` (in the database, in 1 MiB chunks) or `s3`, an " +
			"S3-compatible object store (MinIO, Ceph, a cloud's) that the `PORTAL_S3_*` variables describe and " +
			"every instance reaches. Each file's name, type, size, SHA-256 and visibility stay in PostgreSQL " +
			"either way; a file keeps being served from where it was stored. See [pages](pages.md#evidence-files)."},
	{Name: "PORTAL_S3_ENDPOINT", Unset: "none; required for s3", Reader: ReaderPortal,
		Short: "the S3 store's host[:port], e.g. s3.example.gov.cn or 127.0.0.1:9000",
		Doc:   "The S3 store's `host[:port]`, without `https://`, such as `s3.example.gov.cn` or `127.0.0.1:9000`."},
	{Name: "PORTAL_S3_BUCKET", Unset: "none; required for s3", Reader: ReaderPortal,
		Short: "the bucket evidence files go to; it must exist",
		Doc: "The bucket evidence files go to, under keys `evidence/<random>`; it must exist (`portal serve` " +
			"stops with a message if it does not, or if the keys are refused). Keep it private: the portal checks who may read a file."},
	{Name: "PORTAL_S3_ACCESS_KEY", Unset: "none; required for s3", Reader: ReaderPortal,
		Short: "the S3 access key",
		Doc:   "The access key of an account that may read, write, list and delete objects in the bucket."},
	{Name: "PORTAL_S3_SECRET_KEY", Unset: "none; required for s3", Reader: ReaderPortal,
		Short: "the S3 secret key",
		Doc:   "The secret key that goes with `PORTAL_S3_ACCESS_KEY`."},
	{Name: "PORTAL_S3_REGION", Unset: "asked of the store", Reader: ReaderPortal,
		Short: "the bucket's region, e.g. us-east-1",
		Doc:   "The bucket's region, such as `us-east-1`; unset, the client asks the store once."},
	{Name: "PORTAL_S3_INSECURE", Default: "0", Reader: ReaderPortal,
		Short: "1 reaches the S3 store over plain HTTP",
		Doc:   "`1` reaches the S3 store over plain HTTP instead of HTTPS: only for a store on the same host or a private network."},
	{Name: "PORTAL_EDITORS_PUBLISH", Default: "true", Reader: ReaderPortal,
		Short: "false sends editors' changes to public values for review (/reviews) before they are public",
		Doc: "Whether an editor's change to a commitment's public values (status, progress, public note, dates) " +
			"goes public at once. `false` sends it to the review queue at `/reviews`, where a reviewer or an " +
			"admin approves it or returns it with a comment; the public sees the last approved values only. " +
			"Through the queue go the edit form and progress updates that are public or move status or progress. " +
			"Actions with no review path are then refused to editors (403) and left to reviewers and admins: " +
			"a new commitment, adding parts, switching the progress source, correcting or hiding an update, " +
			"attaching evidence, withdrawing and restoring, re-pinning or confirming a quote, publishing, " +
			"unpublishing and grading a document, and moving or closing a follow-up."},
	{Name: "PORTAL_LOG_FORMAT", Unset: "json for serve, text otherwise", Reader: ReaderPortal,
		Short: "json or text",
		Doc:   "`json` or `text` logs on standard error."},
	{Name: "PORTAL_METRICS_ADDR", Unset: "none", Reader: ReaderPortal,
		Short: "a separate address serving Prometheus metrics at /metrics",
		Doc:   "A separate address, such as `127.0.0.1:9090`, serving Prometheus metrics at `/metrics`."},
	{Name: "PORTAL_METRICS_TOKEN", Unset: "none", Reader: ReaderPortal,
		Short: `at least 16 characters: also serve /metrics on PORTAL_ADDR to "Authorization: Bearer <token>"`,
		Doc: "At least 16 characters: `/metrics` is then also served on `PORTAL_ADDR` to requests with " +
			"`Authorization: Bearer <token>`. Without it, `/metrics` there is a 404."},
	{Name: "PORTAL_DB_ROLE", Default: DefaultDBRole, Reader: ReaderPortal,
		Short: "the restricted role serve's queries run as; none runs them as DATABASE_URL's user",
		Doc: "The restricted database role `serve` runs its queries as (see [operations](operations.md)); " +
			"`none` runs them as the user of `DATABASE_URL`."},
	{Name: "PORTAL_DIRECT_DATABASE_URL", Unset: "`DATABASE_URL`", Reader: ReaderPortal,
		Short: "the database without a transaction pooler, for LISTEN and migrations",
		Doc: "The same database reached without a pooler in transaction mode, for what needs a session of its " +
			"own: the change listener (LISTEN) and migrations under their advisory lock (see [scaling](scaling.md))."},
	{Name: "PORTAL_SMTP_URL", Unset: "no delivery: mail waits in the queue", Reader: ReaderPortal,
		Short: "smtp://user:pass@host:587 for mail; ?tls=none only for a local catcher",
		Doc: "Where mail is delivered, such as `smtp://user:pass@host:587` (STARTTLS required) or " +
			"`smtps://user:pass@host:465` (TLS from the start). `?tls=none` sends in clear text, for a local " +
			"catcher such as mailpit (`smtp://127.0.0.1:1025?tls=none`). Unset: subscriptions still work, and " +
			"mail waits in the queue, shown at `/admin/mail`, until an instance with this set sends it (see [mail](mail.md))."},
	{Name: "PORTAL_MAIL_FROM", Default: DefaultMailFrom, Reader: ReaderPortal,
		Short: "the From address of the portal's mail",
		Doc:   "The `From` address of every mail the portal sends."},
	{Name: "PORTAL_PPROF_ADDR", Unset: "none", Reader: ReaderPortal,
		Short: "serve Go's profiles on this private address, e.g. 127.0.0.1:6060",
		Doc: "Serve Go's profiles (`/debug/pprof/`) on this address, which must stay private, " +
			"e.g. `127.0.0.1:6060` (see [performance](performance.md))."},
	{Name: "GOGC", Unset: "the portal's own: a heap target of 32 MB or more while little is live", Reader: ReaderPortal,
		Short: "Go's garbage collector target; set, it replaces the portal's heap floor",
		Doc: "Go's garbage collector target (percent). Unset, `serve` raises it after each collection while " +
			"less than 16 MB is live, so that the next starts at 32 MB (`internal/heapfloor`; see " +
			"[performance](performance.md)); set, the operator's value stands."},
	{Name: "PORTAL_BENCH_DATABASE_URL", Unset: "`portal_bench` on `DATABASE_URL`'s server", Reader: ReaderBench,
		Short: "the database make bench and the Go benchmarks fill and serve",
		Doc: "The database `make bench` and `make bench-go` fill with synthetic replies and serve " +
			"(never `DATABASE_URL`'s)."},
	{Name: "PORTAL_REQUIRE_BROWSER", Unset: "browser tests skip without chromium or npm", Reader: ReaderTests,
		Short: "make a missing chromium or npm a test failure",
		Doc: "Any value makes a missing `chromium` (or `npm`, for the axe-core audit) a failure instead of " +
			"a skip; `.ci/run` sets it."},
	{Name: "PORTAL_SCREENSHOTS", Unset: "no screenshots", Reader: ReaderTests,
		Short: "1 saves the browser tests' pages under docs/screenshots/",
		Doc:   "`1` makes the browser tests save each main page under `docs/screenshots/` (`make screenshots`)."},
	{Name: "MAIL_TIMING", Unset: "skipped", Reader: ReaderTests,
		Short: "measure mail delivery in internal/server",
		Doc:   "Any value runs the test that measures mail delivery to a local SMTP server (see [mail](mail.md)); it measures, it does not judge."},
	{Name: "IMPORT_TIMING", Unset: "skipped", Reader: ReaderTests,
		Short: "time large imports in internal/postgres",
		Doc:   "Any value runs the test that times large imports in `internal/postgres`; it measures, it does not judge."},
}

// durationText writes a default duration as a person types it: 30m, not 30m0s.
func durationText(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// defaultText is a variable's default in words, for `portal help`.
func (v Variable) defaultText() string {
	if v.Default != "" {
		return "(default " + v.Default + ")"
	}
	return "(unset: " + strings.ReplaceAll(v.Unset, "`", "") + ")"
}

// Usage is the Environment part of `portal help`: the portal's own
// variables, one line each, with their defaults.
func Usage() string {
	width := 0
	for _, v := range Variables {
		if v.Reader == ReaderPortal {
			width = max(width, len(v.Name))
		}
	}
	var b strings.Builder
	b.WriteString("Environment:\n")
	for _, v := range Variables {
		if v.Reader != ReaderPortal {
			continue
		}
		fmt.Fprintf(&b, "  %-*s  %s %s\n", width, v.Name, v.Short, v.defaultText())
	}
	return b.String()
}

// Markdown is the table of every variable that docs/configuration.md holds
// between its "env table" markers.
func Markdown() string {
	var b strings.Builder
	b.WriteString("| Variable | Default | Read by | Meaning |\n| --- | --- | --- | --- |\n")
	for _, v := range Variables {
		def := "(" + v.Unset + ")"
		if v.Default != "" {
			def = "`" + v.Default + "`"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", v.Name, cell(def), v.Reader, cell(v.Doc))
	}
	return b.String()
}

// cell keeps a table cell on its row: a | would end it.
func cell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
