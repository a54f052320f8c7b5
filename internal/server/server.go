// Package server holds the portal's HTTP side: routes, middleware, handlers and
// the one place where errors become status codes and pages.
package server

import (
	"cmp"
	"context"
	"io/fs"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"sync/atomic"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/guizhou-portal/portal/internal/changes"
	"github.com/guizhou-portal/portal/internal/config"
	"github.com/guizhou-portal/portal/internal/mail"
	"github.com/guizhou-portal/portal/internal/metrics"
	"github.com/guizhou-portal/portal/internal/objectstore"
	"github.com/guizhou-portal/portal/internal/pagecache"
	"github.com/guizhou-portal/portal/internal/postgres"
	"github.com/guizhou-portal/portal/web"
)

// Server serves the portal.
type Server struct {
	store        *postgres.Store
	pool         *pgxpool.Pool
	logger       *slog.Logger
	requestLog   slog.Handler // the logger's handler without requestIDLogs: observeRequests adds the id itself
	todayBox     atomic.Pointer[dayBox]
	opts         Options
	sessions     *scs.SessionManager
	sessionStore *postgres.SessionStore
	// latest is the schema version this binary expects; /readyz compares it with the database.
	latest int64
	// now is the server's clock: what is due on the dashboard, today's date in
	// forms, the static files' time. Tests set their own. Durations and
	// network deadlines keep the real clock.
	now         func() time.Time
	mapGeometry web.MapGeometry
	mapErr      error
	metrics     *metrics.Metrics
	cache       *pagecache.Cache                // public pages for anonymous readers (page_cache.go)
	marks       *changes.Marks                  // lets a staff write wait until the cache has heard it
	tokens      *sessionTokens                  // signed session cookies (session_token.go)
	renders     func(http.Handler) http.Handler // the limit on renders outside the cache (render_limit.go)
	routes      chi.Routes                      // the routes Handler made, to find a form's page (form_recovery.go)
	mail        *mail.Mailer                    // the mail queue of this instance (subscription.go, mail_queue.go)
	objects     *objectstore.Store              // where new evidence files go; nil for PostgreSQL (evidence.go)
}

// Options are the settings a server takes from the configuration.
type Options struct {
	BaseURL         string         // the public address for feeds' absolute links; "" takes the request's
	HTTPS           bool           // mark session cookies Secure
	TrustedProxies  []netip.Prefix // whose X-Forwarded-For to believe
	SessionIdle     time.Duration
	SessionLifetime time.Duration
	RequestTimeout  time.Duration // every request's deadline; zero takes the default
	ImportTimeout   time.Duration // the deadline of an import's review and confirmation; zero takes 60 s (never less than RequestTimeout)
	ShutdownGrace   time.Duration // how long Run lets requests finish after its context ends
	MetricsAddr     string        // a separate address for /metrics; "" for none
	MetricsToken    string        // the bearer token for /metrics on the main address; "" for none
	ListenURL       string        // a direct connection for LISTEN when the pool goes through a transaction pooler; "" uses the pool's
	RenderLimit     int           // pages one client may have rendered outside the cache per RenderWindow; 0 for no limit
	RenderWindow    time.Duration // zero takes config.DefaultRenderWindow
	EvaluationDays  int           // how long an evaluation link lasts; zero takes config.DefaultEvaluationLinkDays
	// EvidenceMaxBytes is the largest evidence file; zero takes config.DefaultEvidenceMaxMB.
	EvidenceMaxBytes int64
	// EvidenceObjects is the S3-compatible store new evidence files go to
	// (PORTAL_EVIDENCE_STORE=s3); nil keeps them in PostgreSQL.
	EvidenceObjects *objectstore.Store
	ReviewEdits     bool          // editors' changes to public values wait for a reviewer (PORTAL_EDITORS_PUBLISH=false)
	SMTPURL         string        // where mail goes; "" keeps it in the queue
	MailFrom        string        // the From of the portal's mail; "" takes config.DefaultMailFrom
	MailRetryBase   time.Duration // the first retry's delay of a failed mail; zero takes 30 s
	MailPoll        time.Duration // how often the queue is polled besides notifications; zero takes 1 s
	MailTimeout     time.Duration // the limit of one SMTP conversation; zero takes 30 s
}

// OptionsFrom takes a server's options from the configuration.
func OptionsFrom(cfg config.Config) Options {
	return Options{BaseURL: cfg.BaseURL, HTTPS: cfg.HTTPS, TrustedProxies: cfg.TrustedProxies,
		SessionIdle: cfg.SessionIdle, SessionLifetime: cfg.SessionLifetime,
		RequestTimeout: cfg.RequestTimeout, ShutdownGrace: cfg.ShutdownGrace,
		MetricsAddr: cfg.MetricsAddr, MetricsToken: cfg.MetricsToken,
		ListenURL: cfg.DirectDatabaseURL, RenderLimit: cfg.RenderLimit, RenderWindow: cfg.RenderWindow,
		EvaluationDays: cfg.EvaluationLinkDays, EvidenceMaxBytes: cfg.EvidenceMaxBytes,
		ReviewEdits: !cfg.EditorsPublish,

		SMTPURL: cfg.SMTPURL, MailFrom: cfg.MailFrom}
}

// New returns a server over pool with the default options. latest is the
// newest embedded migration version.
func New(pool *pgxpool.Pool, logger *slog.Logger, latest int64) *Server {
	return NewWithOptions(pool, logger, latest, Options{})
}

// NewWithOptions returns a server over pool; zero session timeouts take the defaults.
func NewWithOptions(pool *pgxpool.Pool, logger *slog.Logger, latest int64, opts Options) *Server {
	if opts.SessionIdle <= 0 {
		opts.SessionIdle = config.DefaultSessionIdle
	}
	if opts.SessionLifetime <= 0 {
		opts.SessionLifetime = config.DefaultSessionLifetime
	}
	requestLog := logger.Handler()
	logger = slog.New(requestIDLogs{requestLog})
	s := &Server{store: postgres.NewStore(pool), pool: pool, logger: logger, requestLog: requestLog, latest: latest, opts: opts, now: time.Now,
		objects: opts.EvidenceObjects}
	s.cache = s.newPageCache()
	s.marks = changes.NewMarks()
	s.metrics = metrics.New(pool)
	s.sessionStore = postgres.NewSessionStore(pool, sessionOwner)
	s.tokens = &sessionTokens{load: func(ctx context.Context) ([]byte, error) {
		return s.sessionStore.SigningKey(ctx, sessionKeyName)
	}}
	s.renders = s.renderLimit()
	s.sessions = newSessionManager(s.sessionStore, opts.SessionIdle, opts.SessionLifetime)
	s.mapGeometry, s.mapErr = web.LoadMap()
	from := cmp.Or(opts.MailFrom, config.DefaultMailFrom)
	mailer, err := mail.New(pool, s.store, func(ctx context.Context) ([]byte, error) { return s.sessionStore.SigningKey(ctx, "mail") },
		mail.Config{SMTPURL: opts.SMTPURL, From: from, BaseURL: opts.BaseURL, RetryBase: opts.MailRetryBase,
			PollInterval: opts.MailPoll, SendTimeout: opts.MailTimeout, Now: func() time.Time { return s.now() }, Logger: logger})
	if err != nil {
		panic("mail queue: " + err.Error()) // only a configuration river refuses, fixed in this code
	}
	s.mail = mailer
	return s
}

// StartMail starts working the mail queue, with baseURL for the links in
// mails when Options.BaseURL is unset, until StopMail.
func (s *Server) StartMail(ctx context.Context, baseURL string) error {
	s.mail.SetBaseURL(baseURL)
	return s.mail.Start(ctx)
}

// StopMail lets the mails in hand finish, within ctx.
func (s *Server) StopMail(ctx context.Context) error { return s.mail.Stop(ctx) }

// Mailer is the server's mail queue, for tests and tools.
func (s *Server) Mailer() *mail.Mailer { return s.mail }

// SetClock replaces the server's clock, by which the dashboard decides what is
// due soon or overdue and forms take today's date; tests use it to fix the date.
func (s *Server) SetClock(now func() time.Time) { s.now = now }

// Handler returns the portal's routes with their middleware.
func (s *Server) Handler() http.Handler {
	r := chi.NewRouter()
	s.routes = r
	// Operations first (see middleware.go, security.go): an id, the security
	// headers, the language and the deadline, then metrics and the log line
	// for every response.
	r.Use(s.prepare, s.observeRequests, s.recoverPanics, s.limitBodies)
	r.Use(redirectSlashes, middleware.GetHead)
	r.Use(s.crossOriginProtection)
	r.NotFound(func(w http.ResponseWriter, r *http.Request) {
		s.renderError(w, r, errNotFoundPage)
	})
	r.MethodNotAllowed(func(w http.ResponseWriter, req *http.Request) {
		w.Header().Set("Allow", allowedMethods(r, req.URL.Path))
		s.renderError(w, req, errMethod)
	})

	r.Get("/healthz", s.healthz)
	r.Get("/readyz", s.readyz)
	r.Get("/metrics", s.metricsOnMain)
	static, _ := fs.Sub(web.Static, "static")
	files := s.staticFiles(static)
	r.Handle("/static/*", http.StripPrefix("/static/", files))
	r.Get("/favicon.ico", func(w http.ResponseWriter, r *http.Request) {
		r.URL.Path = "favicon.ico" // browsers ask at the root; the file lives with the others
		files.ServeHTTP(w, r)
	})
	r.Route("/api/v1", s.apiRoutes)
	r.With(s.readAsOf).Get("/commitments.csv", s.exportCommitments)
	r.Get("/updates.atom", s.showUpdatesFeed)
	r.Get("/commitments/{id}/updates.atom", s.showCommitmentFeed)

	// Public pages, the same for every anonymous reader: cached
	// (page_cache.go) before the session is looked at.
	r.Group(func(r chi.Router) {
		r.Use(s.cached, s.loadSession)
		r.Get("/", s.showHome)
		r.Get("/documents", s.listDocuments)
		r.With(s.readAsOf).Get("/documents/{slug}", s.showDocument)
		r.Get("/documents/{slug}/sections/{anchor}", s.showSection)
		r.Get("/documents/{slug}/versions", s.listVersions)
		r.Get("/documents/{slug}/versions/{n}", s.showVersion)
		r.Get("/documents/{slug}/diff", s.showDiff)
		r.With(s.readAsOf).Get("/commitments", s.listCommitments)
		r.With(s.readAsOf).Get("/commitments/{id}", s.showCommitment)
		r.Get("/commitments/{id}/history", s.showHistory)
		r.Get("/entities", s.listEntities)
		r.Get("/entities/{slug}", s.showEntity)
		r.With(s.readAsOf).Get("/units", s.listUnits)
		r.With(s.readAsOf).Get("/units/{slug}", s.showUnit)
		r.With(s.readAsOf).Get("/dashboard", s.showDashboard)
		r.Get("/map", s.showMap)
		r.Get("/search", s.showSearch)
		r.Get("/changes", s.showChanges)
	})

	r.Group(func(r chi.Router) {
		r.Use(s.loadSession)
		r.Get("/lang/{lang}", s.switchLanguage)
		r.Get("/login", s.showLogin)
		r.Post("/login", s.login)
		r.Post("/logout", s.logout)
		r.Get("/evidence/{id}/{name}", s.showEvidence)

		// The proposer's evaluation, by a personal link: never cached.
		r.Group(func(r chi.Router) {
			r.Use(s.evaluationGuard())
			r.Get("/evaluations/thanks", s.showEvaluationThanks)
			r.Get("/evaluations/{token}", s.showEvaluation)
			r.Post("/evaluations/{token}", s.submitEvaluation)
		})

		r.Post("/subscriptions", s.subscribe)
		r.Get("/subscriptions/sent", s.showSubscriptionSent)
		r.Get("/subscriptions/confirm", s.showConfirm)
		r.Post("/subscriptions/confirm", s.confirmSubscription)
		r.Get("/subscriptions/manage", s.showSubscription)
		r.Post("/subscriptions/manage", s.saveSubscription)
		r.Get("/subscriptions/unsubscribe", s.showUnsubscribe)
		r.Post("/subscriptions/unsubscribe", s.unsubscribe)

		r.Group(func(r chi.Router) {
			r.Use(s.requireEditor, s.awaitOwnWrites, s.confirmSaves)
			r.With(s.requirePublisher).Get("/commitments/new", s.showNewCommitment)
			r.With(s.requirePublisher).Post("/commitments", s.createCommitment)
			r.Get("/commitments/{id}/edit", s.showEditCommitment)
			r.Post("/commitments/{id}/edit", s.saveCommitment)
			r.Post("/commitments/{id}/updates", s.addProgressUpdate)
			r.With(s.requirePublisher).Post("/commitments/{id}/updates/{update}/evidence", s.addEvidence)
			r.With(s.requirePublisher).Get("/commitments/{id}/updates/{update}/edit", s.showEditUpdate)
			r.With(s.requirePublisher).Post("/commitments/{id}/updates/{update}/edit", s.saveUpdateCorrection)
			r.With(s.requirePublisher).Post("/commitments/{id}/updates/{update}/hide", s.hideUpdate)
			r.With(s.requirePublisher).Post("/commitments/{id}/withdraw", s.withdrawCommitment)
			r.With(s.requirePublisher).Post("/commitments/{id}/restore", s.restoreCommitment)
			r.With(s.requirePublisher).Post("/commitments/{id}/parts", s.addPart)
			r.With(s.requirePublisher).Post("/commitments/{id}/progress-source", s.setProgressSource)
			r.Get("/commitments/{id}/anchor", s.showRepin)
			r.With(s.requirePublisher).Post("/commitments/{id}/anchor", s.repinCommitment)
			r.With(s.requirePublisher).Post("/commitments/{id}/anchor/confirm", s.confirmAnchor)
			r.Get("/documents/{slug}/anchors", s.showAnchorReview)
			r.Get("/documents/import", s.showImport)
			r.Post("/documents/import", s.importDocument)
			r.With(s.requirePublisher).Post("/documents/{slug}/publish", s.publishDocument)
			r.With(s.requirePublisher).Post("/documents/{slug}/unpublish", s.unpublishDocument)
			r.With(s.requirePublisher).Post("/documents/{slug}/grade", s.setDocumentGrade)
			r.Post("/documents/{slug}/evaluation-links", s.issueEvaluationLink)
			r.Post("/documents/{slug}/evaluation-links/{id}/revoke", s.revokeEvaluationLink)
			r.With(s.requirePublisher).Post("/follow-ups/{id}/due", s.setFollowUpDue)
			r.With(s.requirePublisher).Post("/follow-ups/{id}/close", s.closeFollowUp)
		})
		r.Group(func(r chi.Router) {
			r.Use(s.requireReviewer, s.awaitOwnWrites, s.confirmSaves)
			r.Get("/reviews", s.listReviews)
			r.Post("/reviews/{id}/approve", s.approveReview)
			r.Post("/reviews/{id}/return", s.returnReview)
			r.Post("/commitments/{id}/verify", s.verifyStatus)
		})
		r.Group(func(r chi.Router) {
			// Nothing public changes here, so no write is awaited.
			r.Use(s.requireAccount, s.confirmSaves)
			r.Get("/account/password", s.showAccountPassword)
			r.Post("/account/password", s.changeAccountPassword)
		})
		r.Group(func(r chi.Router) {
			r.Use(s.requireAdmin, s.awaitOwnWrites, s.confirmSaves)
			r.Get("/admin/users", s.listUsers)
			r.Post("/admin/users", s.createUser)
			r.Post("/admin/users/{id}", s.updateUser)
			r.Post("/admin/users/{id}/password", s.resetPassword)
			r.Get("/admin/themes", s.listThemes)
			r.Post("/admin/themes", s.createTheme)
			r.Post("/admin/themes/{key}", s.updateTheme)
			r.Post("/admin/themes/{key}/move", s.moveTheme)
			r.Get("/admin/units", s.showUnitRegistry)
			r.Post("/admin/units", s.createUnit)
			r.Get("/admin/units/{unit}", s.showUnitRegistryEdit)
			r.Post("/admin/units/{unit}", s.updateUnit)
			r.Get("/admin/mail", s.listMailQueue)
			r.Get("/admin/mail/{id}", s.showMailJob)
			r.Post("/admin/mail/{id}/retry", s.retryMailJob)
		})
	})
	return r
}

// redirectSlashes sends /commitments/ to /commitments, except under /static/:
// there a trailing slash names no file, and a redirect to /static would only
// lead to the same 404 one hop later.
func redirectSlashes(next http.Handler) http.Handler {
	redirect := middleware.RedirectSlashes(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/static/") {
			next.ServeHTTP(w, r)
			return
		}
		redirect.ServeHTTP(w, r)
	})
}

// crossOriginProtection refuses state-changing requests that a browser marks
// as coming from another site, whatever cookies they carry.
func (s *Server) crossOriginProtection(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.logger.WarnContext(r.Context(), "cross-origin request refused", "method", r.Method, "path", logPath(r),
			"origin", r.Header.Get("Origin"), "sec_fetch_site", r.Header.Get("Sec-Fetch-Site"))
		s.renderError(w, r, errCrossOrigin)
	}))
	return cop.Handler(next)
}

// allowedMethods lists the methods that router serves at path, for the Allow header.
func allowedMethods(router chi.Routes, path string) string {
	var allowed []string
	if router.Match(chi.NewRouteContext(), http.MethodGet, path) {
		allowed = append(allowed, http.MethodGet, http.MethodHead) // GetHead serves HEAD from GET
	}
	if router.Match(chi.NewRouteContext(), http.MethodPost, path) {
		allowed = append(allowed, http.MethodPost)
	}
	return strings.Join(allowed, ", ")
}

// loginAttemptsKept is how long login attempts stay on record.
const loginAttemptsKept = 90 * 24 * time.Hour

// sweepSessions deletes expired sessions and old login attempts every few
// minutes until ctx ends.
func (s *Server) sweepSessions(ctx context.Context) {
	tick := time.NewTicker(5 * time.Minute)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			if n, err := s.sessionStore.DeleteExpired(ctx); err != nil {
				s.logger.WarnContext(ctx, "deleting expired sessions", "err", err)
			} else if n > 0 {
				s.logger.InfoContext(ctx, "expired sessions deleted", "count", n)
			}
			if _, err := s.store.DeleteOldLoginAttempts(ctx, loginAttemptsKept); err != nil {
				s.logger.WarnContext(ctx, "deleting old login attempts", "err", err)
			}
		}
	}
}
