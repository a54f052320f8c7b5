package server

import (
	"context"
	"net/http"
	"slices"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/jackc/pgx/v5"

	"github.com/guizhou-portal/portal/internal/changes"
	"github.com/guizhou-portal/portal/internal/i18n"
	"github.com/guizhou-portal/portal/internal/pagecache"
)

// The page cache (internal/pagecache) serves the routes Handler marks with
// s.cached to anonymous readers; here is what the server tells it: who is
// anonymous (session_token.go), what a page depends on besides its URL,
// which query parameters each route takes, what each page shows (its tags),
// and what to drop when (internal/changes). What it renders rather than
// serves from memory counts against the client's render limit
// (render_limit.go).

// newPageCache returns the cache of s's public pages, off until
// ListenForChanges listens.
func (s *Server) newPageCache() *pagecache.Cache {
	return pagecache.New(pagecache.Options{
		Private: s.hasSession,
		Variant: pageLanguage,
		Abandon: s.renderError,
		Now:     func() time.Time { return s.now() }, // SetClock may replace s.now later
		Params:  routeTakes,
		Tags:    pageTags,
	})
}

// cached marks a route's pages as the same for every anonymous reader: they
// get them from the page cache, which they fill. It is the cache's own
// middleware, named for where routes are registered; what it renders is
// limited per client.
func (s *Server) cached(next http.Handler) http.Handler {
	return s.cache.Middleware(s.renders(next))
}

// routeParams are the query parameters each cached route reads. A query with
// any other is rendered (and counted against the render limit) but never
// kept, so random parameters cannot fill the cache with copies. A route that
// learns a parameter must be added here, or its pages are not cached.
var routeParams = map[string][]string{
	"/commitments":           {paramDocument, paramSection, paramStatus, paramKind, paramStrength, paramLead, paramRegion, paramMineral, paramYear, paramDue, paramSort, paramAsOf},
	"/commitments/{id}":      {paramAsOf},
	"/documents":             {paramKind, paramYear, paramText, paramSort, paramGrade},
	"/dashboard":             {paramDocument, paramAsOf},
	"/map":                   {paramDocument},
	"/entities":              {"kind"},
	"/units":                 {paramSort, paramAsOf},
	"/units/{slug}":          {paramAsOf},
	"/documents/{slug}/diff": {"from", "to"},
	"/documents/{slug}":      {paramMarks, paramAsOf},
	"/search":                {"q", "kind", "page"},
	"/changes":               {"from", "to"},
	// The API's lists; each refuses any other parameter itself (apiQuery).
	"/api/v1/documents": {paramPage, paramPerPage},
	"/api/v1/commitments": {paramDocument, paramSection, paramStatus, paramKind, paramStrength, paramLead,
		paramRegion, paramMineral, paramYear, paramDue, paramSort, paramPage, paramPerPage, paramAsOf},
	"/api/v1/commitments/{id}": {paramAsOf},
	"/api/v1/documents/{slug}": {paramAsOf},
	"/api/v1/entities":         {"kind", paramPage, paramPerPage},
}

// routeTakes reports whether r's route reads the query parameter name.
func routeTakes(r *http.Request, name string) bool {
	return slices.Contains(routeParams[routePattern(r)], name)
}

// pageTags names what a page shows, as migration 00013's notifications do: a
// commitment's pages their commitment, a document's pages their document.
// Pages that show many things (lists, counts, the dashboard, the map,
// search, entities) carry none and are dropped at every change. The route
// has answered 200 for the URL's own id or slug, so the URL names it.
func pageTags(r *http.Request) []string {
	switch routePattern(r) {
	case "/commitments/{id}", "/commitments/{id}/history":
		return []string{"c:" + chi.URLParam(r, "id")}
	case "/documents/{slug}", "/documents/{slug}/sections/{anchor}", "/documents/{slug}/versions",
		"/documents/{slug}/versions/{n}", "/documents/{slug}/diff":
		return []string{"d:" + chi.URLParam(r, "slug")}
	}
	return nil
}

// pageLanguage is the language the reader gets (cookie or Accept-Language,
// as prepare has picked it for the request), which every public page
// depends on.
func pageLanguage(r *http.Request) string {
	return i18n.From(r.Context()).HTMLLang()
}

// ListenForChanges listens for every write to the database until ctx ends,
// and drops from the page cache what each can have changed; the cache serves
// only while it listens. It listens on the pool's server unless ListenURL names a direct
// connection (a transaction pooler does not keep LISTEN). Run calls it; a
// test that wants the cache calls it itself.
func (s *Server) ListenForChanges(ctx context.Context) {
	cfg := s.pool.Config().ConnConfig
	if s.opts.ListenURL != "" {
		var err error
		if cfg, err = pgx.ParseConfig(s.opts.ListenURL); err != nil {
			s.logger.Error("PORTAL_DIRECT_DATABASE_URL is not a valid PostgreSQL URL; the page cache stays off", "err", err)
			return
		}
	}
	changes.Listen(ctx, cfg, s.logger, changes.Fanout{s.cache, s.store.CommitmentIndex()}, s.marks)
}

// ownWriteWait bounds how long a staff write waits to be heard: a slow
// listener delays the editor's redirect by at most this much, never fails it.
const ownWriteWait = 500 * time.Millisecond

// awaitOwnWrites holds a staff write's answer (a 303, still in the
// response's buffer) until this instance's listener has heard the write, so
// that the page it redirects to, and the public's copy, already show it.
func (s *Server) awaitOwnWrites(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			next.ServeHTTP(w, r)
			return
		}
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		next.ServeHTTP(ww, r)
		if ww.Status() != http.StatusSeeOther {
			return
		}
		ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), ownWriteWait)
		defer cancel()
		if err := s.marks.Wait(ctx, s.pool); err != nil {
			s.logger.WarnContext(r.Context(), "a write was not heard back in time; the public may see the page before it briefly", "err", err)
		}
	})
}
