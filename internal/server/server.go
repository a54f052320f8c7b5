// Package server holds the portal's HTTP side: routes, middleware, handlers and
// the one place where errors become status codes and pages.
package server

import (
	"context"
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/guizhou-portal/portal/internal/postgres"
	"github.com/guizhou-portal/portal/web"
)

// Server serves the portal.
type Server struct {
	store  *postgres.Store
	pool   *pgxpool.Pool
	logger *slog.Logger
	// latest is the schema version this binary expects; /readyz compares it with the database.
	latest int64
}

// New returns a server over pool. latest is the newest embedded migration version.
func New(pool *pgxpool.Pool, logger *slog.Logger, latest int64) *Server {
	return &Server{store: postgres.NewStore(pool), pool: pool, logger: logger, latest: latest}
}

// Handler returns the portal's routes with their middleware.
func (s *Server) Handler() http.Handler {
	r := chi.NewRouter()
	r.Use(middleware.RequestID, middleware.RealIP, s.logRequests, s.recoverPanics)
	r.Use(middleware.RedirectSlashes, middleware.GetHead, middleware.Timeout(15*time.Second))
	r.NotFound(func(w http.ResponseWriter, r *http.Request) {
		s.renderError(w, r, errNotFoundPage)
	})
	r.MethodNotAllowed(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", "GET, HEAD")
		s.renderError(w, r, errMethod)
	})

	r.Get("/healthz", s.healthz)
	r.Get("/readyz", s.readyz)
	static, _ := fs.Sub(web.Static, "static")
	r.Handle("/static/*", http.StripPrefix("/static/", s.staticFiles(static)))

	r.Get("/", s.showHome)
	r.Get("/documents/{slug}", s.showDocument)
	r.Get("/documents/{slug}/sections/{anchor}", s.showSection)
	r.Get("/commitments", s.listCommitments)
	r.Get("/commitments/{id}", s.showCommitment)
	r.Get("/entities", s.listEntities)
	r.Get("/entities/{slug}", s.showEntity)
	return r
}

// Run serves the portal on addr until ctx ends, then drains open requests.
func (s *Server) Run(ctx context.Context, addr string) error {
	srv := &http.Server{
		Addr:              addr,
		Handler:           s.Handler(),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(s.logger.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	s.logger.Info("portal listening", "addr", "http://"+addr)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s.logger.Info("shutting down")
	return srv.Shutdown(shutdown)
}

// staticFiles serves the embedded assets; a missing file gets the portal's own
// 404 page, and directories are not listed.
func (s *Server) staticFiles(fsys fs.FS) http.Handler {
	files := http.FileServerFS(fsys)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if info, err := fs.Stat(fsys, r.URL.Path); err != nil || info.IsDir() {
			s.renderError(w, r, errNotFoundPage)
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=3600")
		files.ServeHTTP(w, r)
	})
}
