// Package config reads the portal's settings from the environment.
package config

import (
	"fmt"
	"net/mail"
	"net/netip"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// Defaults for a development machine.
const (
	DefaultDatabaseURL     = "postgres://postgres@127.0.0.1:5432/portal?sslmode=disable"
	DefaultAddr            = "127.0.0.1:8080"
	DefaultSessionIdle     = 30 * time.Minute
	DefaultSessionLifetime = 12 * time.Hour
	DefaultShutdownGrace   = 10 * time.Second
	DefaultRequestTimeout  = 10 * time.Second
	DefaultDBRole          = "portal_app"
	// DefaultRenderLimit renders per DefaultRenderWindow is what one client
	// may have rendered outside the page cache: a person clicking through
	// filters stays well under it, a script cannot hold the CPUs with it.
	DefaultRenderLimit  = 60
	DefaultRenderWindow = time.Minute
	// DefaultEvaluationLinkDays is how long an evaluation link lasts: about
	// the two months a proposer is given to answer.
	DefaultEvaluationLinkDays = 60
	// DefaultEvidenceMaxMB is the largest evidence file, in megabytes
	// (MiB): a scanned document of some dozens of pages.
	DefaultEvidenceMaxMB = 20
)

// Config is the portal's configuration.
type Config struct {
	DatabaseURL string // DATABASE_URL
	Addr        string // PORTAL_ADDR
	// BaseURL is the portal's public address (https://portal.example.gov.cn), for
	// the absolute links and ids of feeds; empty means taken from each request.
	// PORTAL_BASE_URL.
	BaseURL string
	// HTTPS says the portal is reached over HTTPS (usually through a proxy that
	// ends TLS), so session cookies are marked Secure. PORTAL_HTTPS=1.
	HTTPS bool
	// TrustedProxies are the addresses whose X-Forwarded-For header is believed
	// for the client's address. PORTAL_TRUSTED_PROXIES, comma-separated CIDRs.
	TrustedProxies []netip.Prefix
	// SessionIdle ends a session after this long without a request;
	// SessionLifetime ends it this long after login in any case.
	// PORTAL_SESSION_IDLE and PORTAL_SESSION_LIFETIME, as Go durations (30m, 12h).
	SessionIdle     time.Duration
	SessionLifetime time.Duration
	// ShutdownGrace is how long, after SIGTERM, requests in flight may take to
	// finish before their connections are closed. PORTAL_SHUTDOWN_GRACE.
	ShutdownGrace time.Duration
	// RequestTimeout is every request's deadline: a database that has not
	// answered by then gives a 503. PORTAL_REQUEST_TIMEOUT.
	RequestTimeout time.Duration
	// LogFormat is json or text; empty means json for serve, text for the
	// other commands. PORTAL_LOG_FORMAT.
	LogFormat string
	// MetricsAddr is a separate address that serves Prometheus metrics at
	// /metrics; empty means none. PORTAL_METRICS_ADDR.
	MetricsAddr string
	// MetricsToken, when set, also serves /metrics on the main address to
	// requests carrying "Authorization: Bearer <token>". PORTAL_METRICS_TOKEN.
	MetricsToken string
	// SMTPURL is where mail is delivered (PORTAL_SMTP_URL); empty keeps mail
	// in the queue. Checked by CheckSMTPURL.
	SMTPURL string
	// MailFrom is the From address of the portal's mail. PORTAL_MAIL_FROM.
	MailFrom string
	// DBRole is the role serve's queries run as (SET ROLE at connection), with
	// only the privileges the portal needs; "none" runs them as the user of
	// DATABASE_URL. PORTAL_DB_ROLE.
	DBRole string
	// DirectDatabaseURL reaches the same database without a pooler in
	// transaction mode, for what needs a session of its own: the change
	// listener (LISTEN) and migrations under their advisory lock. Empty means
	// DatabaseURL. PORTAL_DIRECT_DATABASE_URL.
	DirectDatabaseURL string
	// RenderLimit is how many pages one client (or one staff session) may
	// have rendered outside the page cache per RenderWindow; more get 429.
	// 0 turns the limit off. PORTAL_RENDER_LIMIT and PORTAL_RENDER_WINDOW.
	RenderLimit  int
	RenderWindow time.Duration
	// EvaluationLinkDays is how many days a proposer's evaluation link stays
	// usable after staff issue it. PORTAL_EVALUATION_LINK_DAYS.
	EvaluationLinkDays int
	// EvidenceMaxBytes is the largest evidence file one may attach
	// (PORTAL_EVIDENCE_MAX_MB).
	EvidenceMaxBytes int64
	// EditorsPublish says an editor's change to a commitment's public values
	// goes public at once, as before reviews existed; false sends it to the
	// review queue (/reviews) for a reviewer or an admin to approve.
	// PORTAL_EDITORS_PUBLISH.
	EditorsPublish bool
	// EvidenceStore is where evidence files' bytes go: EvidenceStorePostgres
	// (the default) or EvidenceStoreS3, with S3 saying which store.
	// PORTAL_EVIDENCE_STORE.
	EvidenceStore string
	S3            S3
}

// The evidence stores PORTAL_EVIDENCE_STORE names.
const (
	EvidenceStorePostgres = "postgres"
	EvidenceStoreS3       = "s3"
)

// S3 is an S3-compatible object store (MinIO, Ceph, a cloud's) that holds
// evidence files when PORTAL_EVIDENCE_STORE=s3. PORTAL_S3_*.
type S3 struct {
	Endpoint  string // host[:port], without a scheme
	Bucket    string
	AccessKey string
	SecretKey string
	Region    string // "" lets the client ask the store
	Insecure  bool   // plain HTTP instead of HTTPS
}

// FromEnv reads the configuration, using the defaults for unset variables. A
// malformed value is an error that names the variable.
func FromEnv() (Config, error) {
	cfg := Config{
		DatabaseURL: getenv("DATABASE_URL", DefaultDatabaseURL),
		Addr:        getenv("PORTAL_ADDR", DefaultAddr),

		DirectDatabaseURL: os.Getenv("PORTAL_DIRECT_DATABASE_URL"),
	}
	if v := strings.TrimRight(os.Getenv("PORTAL_BASE_URL"), "/"); v != "" {
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Path != "" || u.RawQuery != "" {
			return cfg, fmt.Errorf("PORTAL_BASE_URL must be like https://portal.example.gov.cn, not %q", v)
		}
		cfg.BaseURL = v
	}
	switch v := os.Getenv("PORTAL_EDITORS_PUBLISH"); v {
	case "", "1", "true":
		cfg.EditorsPublish = true
	case "0", "false":
	default:
		return cfg, fmt.Errorf("PORTAL_EDITORS_PUBLISH must be true or false, not %q", v)
	}
	switch v := os.Getenv("PORTAL_HTTPS"); v {
	case "", "0", "false":
	case "1", "true":
		cfg.HTTPS = true
	default:
		return cfg, fmt.Errorf("PORTAL_HTTPS must be 1 or 0, not %q", v)
	}
	for _, s := range strings.Split(os.Getenv("PORTAL_TRUSTED_PROXIES"), ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		p, err := netip.ParsePrefix(s)
		if err != nil {
			addr, aerr := netip.ParseAddr(s)
			if aerr != nil {
				return cfg, fmt.Errorf("PORTAL_TRUSTED_PROXIES: %q is neither a CIDR nor an address", s)
			}
			p = netip.PrefixFrom(addr, addr.BitLen())
		}
		cfg.TrustedProxies = append(cfg.TrustedProxies, p.Masked())
	}
	var err error
	if cfg.SessionIdle, err = duration("PORTAL_SESSION_IDLE", DefaultSessionIdle); err != nil {
		return cfg, err
	}
	if cfg.SessionLifetime, err = duration("PORTAL_SESSION_LIFETIME", DefaultSessionLifetime); err != nil {
		return cfg, err
	}
	if cfg.ShutdownGrace, err = duration("PORTAL_SHUTDOWN_GRACE", DefaultShutdownGrace); err != nil {
		return cfg, err
	}
	if cfg.RequestTimeout, err = duration("PORTAL_REQUEST_TIMEOUT", DefaultRequestTimeout); err != nil {
		return cfg, err
	}
	if cfg.RenderWindow, err = duration("PORTAL_RENDER_WINDOW", DefaultRenderWindow); err != nil {
		return cfg, err
	}
	cfg.RenderLimit = DefaultRenderLimit
	if v := os.Getenv("PORTAL_RENDER_LIMIT"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return cfg, fmt.Errorf("PORTAL_RENDER_LIMIT must be a whole number of pages (0 for no limit), not %q", v)
		}
		cfg.RenderLimit = n
	}
	cfg.EvaluationLinkDays = DefaultEvaluationLinkDays
	if v := os.Getenv("PORTAL_EVALUATION_LINK_DAYS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 3650 {
			return cfg, fmt.Errorf("PORTAL_EVALUATION_LINK_DAYS must be a whole number of days from 1 to 3650, not %q", v)
		}
		cfg.EvaluationLinkDays = n
	}
	cfg.EvidenceMaxBytes = DefaultEvidenceMaxMB << 20
	if v := os.Getenv("PORTAL_EVIDENCE_MAX_MB"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1024 {
			return cfg, fmt.Errorf("PORTAL_EVIDENCE_MAX_MB must be a whole number of megabytes from 1 to 1024, not %q", v)
		}
		cfg.EvidenceMaxBytes = int64(n) << 20
	}
	if cfg.EvidenceStore, cfg.S3, err = evidenceStore(); err != nil {
		return cfg, err
	}
	switch cfg.LogFormat = os.Getenv("PORTAL_LOG_FORMAT"); cfg.LogFormat {
	case "", "json", "text":
	default:
		return cfg, fmt.Errorf("PORTAL_LOG_FORMAT must be json or text, not %q", cfg.LogFormat)
	}
	cfg.MetricsAddr = os.Getenv("PORTAL_METRICS_ADDR")
	cfg.MetricsToken = os.Getenv("PORTAL_METRICS_TOKEN")
	if cfg.MetricsToken != "" && len(cfg.MetricsToken) < 16 {
		return cfg, fmt.Errorf("PORTAL_METRICS_TOKEN must be at least 16 characters")
	}
	cfg.SMTPURL = os.Getenv("PORTAL_SMTP_URL")
	if err := CheckSMTPURL(cfg.SMTPURL); err != nil {
		return cfg, err
	}
	cfg.MailFrom = getenv("PORTAL_MAIL_FROM", DefaultMailFrom)
	if a, err := mail.ParseAddress(cfg.MailFrom); err != nil || strings.ContainsAny(cfg.MailFrom, "\r\n") || a.Address == "" {
		return cfg, fmt.Errorf("PORTAL_MAIL_FROM must be one mail address, not %q", cfg.MailFrom)
	}
	cfg.DBRole = getenv("PORTAL_DB_ROLE", DefaultDBRole)
	if cfg.DBRole == "none" {
		cfg.DBRole = ""
	} else if !validRole(cfg.DBRole) {
		return cfg, fmt.Errorf("PORTAL_DB_ROLE must be a role name of letters, digits and _, or none; not %q", cfg.DBRole)
	}
	return cfg, nil
}

// s3Variables are the settings of the S3 store, in the order they are checked.
var s3Variables = []string{"PORTAL_S3_ENDPOINT", "PORTAL_S3_BUCKET", "PORTAL_S3_ACCESS_KEY", "PORTAL_S3_SECRET_KEY", "PORTAL_S3_REGION", "PORTAL_S3_INSECURE"}

// evidenceStore reads PORTAL_EVIDENCE_STORE and, for s3, PORTAL_S3_*. A
// PORTAL_S3_* set while the store is postgres is refused too: whoever set it
// meant files to go to S3, and they would silently go to PostgreSQL.
func evidenceStore() (string, S3, error) {
	var c S3
	store := getenv("PORTAL_EVIDENCE_STORE", EvidenceStorePostgres)
	switch store {
	case EvidenceStorePostgres:
		for _, name := range s3Variables {
			if os.Getenv(name) != "" {
				return store, c, fmt.Errorf("%s is set but PORTAL_EVIDENCE_STORE is postgres: set PORTAL_EVIDENCE_STORE=s3 to keep evidence files in S3, or unset %s", name, name)
			}
		}
		return store, c, nil
	case EvidenceStoreS3:
	default:
		return store, c, fmt.Errorf("PORTAL_EVIDENCE_STORE must be postgres or s3, not %q", store)
	}
	c = S3{Endpoint: os.Getenv("PORTAL_S3_ENDPOINT"), Bucket: os.Getenv("PORTAL_S3_BUCKET"),
		AccessKey: os.Getenv("PORTAL_S3_ACCESS_KEY"), SecretKey: os.Getenv("PORTAL_S3_SECRET_KEY"), Region: os.Getenv("PORTAL_S3_REGION")}
	switch v := os.Getenv("PORTAL_S3_INSECURE"); v {
	case "", "0", "false":
	case "1", "true":
		c.Insecure = true
	default:
		return store, c, fmt.Errorf("PORTAL_S3_INSECURE must be 1 (plain HTTP) or 0 (HTTPS), not %q", v)
	}
	return store, c, c.Check()
}

// Check says what is missing or malformed in an S3 store's settings, naming
// the variable.
func (c S3) Check() error {
	switch {
	case c.Endpoint == "":
		return fmt.Errorf("PORTAL_EVIDENCE_STORE=s3 needs PORTAL_S3_ENDPOINT, the store's host[:port] such as s3.example.gov.cn or 127.0.0.1:9000")
	case strings.Contains(c.Endpoint, "://"):
		return fmt.Errorf("PORTAL_S3_ENDPOINT is a host[:port] without a scheme, such as 127.0.0.1:9000, not %q; PORTAL_S3_INSECURE=1 chooses plain HTTP", c.Endpoint)
	}
	if u, err := url.Parse("//" + c.Endpoint); err != nil || u.Host != c.Endpoint || u.Hostname() == "" || u.User != nil {
		return fmt.Errorf("PORTAL_S3_ENDPOINT must be a host[:port] such as s3.example.gov.cn or 127.0.0.1:9000, not %q", c.Endpoint)
	} else if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return fmt.Errorf("PORTAL_S3_ENDPOINT has a bad port %q", p)
		}
	}
	if !validBucket(c.Bucket) {
		return fmt.Errorf("PORTAL_S3_BUCKET must name a bucket: 3 to 63 lower-case letters, digits, dots and hyphens, starting and ending with a letter or digit; not %q", c.Bucket)
	}
	if c.AccessKey == "" || c.SecretKey == "" {
		return fmt.Errorf("PORTAL_EVIDENCE_STORE=s3 needs both PORTAL_S3_ACCESS_KEY and PORTAL_S3_SECRET_KEY")
	}
	for _, r := range c.Region {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return fmt.Errorf("PORTAL_S3_REGION must be a region name such as us-east-1 or cn-southwest-1, not %q", c.Region)
		}
	}
	return nil
}

// validBucket accepts S3's bucket names.
func validBucket(s string) bool {
	if len(s) < 3 || len(s) > 63 || strings.Contains(s, "..") {
		return false
	}
	for i, r := range s {
		alnum := r >= 'a' && r <= 'z' || r >= '0' && r <= '9'
		if !alnum && ((r != '.' && r != '-') || i == 0 || i == len(s)-1) {
			return false
		}
	}
	return true
}

// validRole accepts plain lower-case identifiers, which need no quoting.
func validRole(s string) bool {
	if s == "" || len(s) > 63 || (s[0] >= '0' && s[0] <= '9') {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

func duration(key string, def time.Duration) (time.Duration, error) {
	v := os.Getenv(key)
	if v == "" {
		return def, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%s must be a positive duration such as 30m or 12h, not %q", key, v)
	}
	return d, nil
}

func getenv(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// DefaultMailFrom is the From address when PORTAL_MAIL_FROM is unset.
const DefaultMailFrom = "portal@localhost"

// CheckSMTPURL accepts "" (no delivery), smtp://[user:pass@]host[:port] with
// STARTTLS required, the same ending in ?tls=none (clear text, for a local
// catcher) and smtps:// (TLS from the start).
func CheckSMTPURL(raw string) error {
	if raw == "" {
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("PORTAL_SMTP_URL: %w", err)
	}
	if u.Scheme != "smtp" && u.Scheme != "smtps" {
		return fmt.Errorf("PORTAL_SMTP_URL must start with smtp:// or smtps://, not %q", u.Scheme+"://")
	}
	if u.Hostname() == "" {
		return fmt.Errorf("PORTAL_SMTP_URL names no host")
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return fmt.Errorf("PORTAL_SMTP_URL has a bad port %q", p)
		}
	}
	for k, v := range u.Query() {
		if k != "tls" || len(v) != 1 || v[0] != "none" || u.Scheme == "smtps" {
			return fmt.Errorf("PORTAL_SMTP_URL takes only ?tls=none (on smtp://), not %q", u.RawQuery)
		}
	}
	return nil
}
