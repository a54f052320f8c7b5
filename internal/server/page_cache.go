package server

import (
	"context"
	"net/http"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/guizhou-portal/portal/internal/changes"
	"github.com/guizhou-portal/portal/internal/i18n"
	"github.com/guizhou-portal/portal/internal/pagecache"
)

// The page cache (internal/pagecache) serves the routes Handler marks with
// s.cached to anonymous readers; here is what the server tells it: who is
// anonymous, what a page depends on besides its URL, and when to empty it
// (internal/changes).

// newPageCache returns the cache of s's public pages, off until
// ListenForChanges listens.
func (s *Server) newPageCache() *pagecache.Cache {
	return pagecache.New(pagecache.Options{
		Private: hasSession,
		Variant: pageLanguage,
		Abandon: s.renderError,
		Now:     func() time.Time { return s.now() }, // SetClock may replace s.now later
	})
}

// cached marks a route's pages as the same for every anonymous reader: they
// get them from the page cache, which they fill. It is the cache's own
// middleware, named for where routes are registered.
func (s *Server) cached(next http.Handler) http.Handler {
	return s.cache.Middleware(next)
}

// hasSession reports whether the request carries a session cookie: staff, or
// someone whose session has just ended (the handler will clear the cookie).
// Their pages carry their own controls and must show their own edits at once.
func hasSession(r *http.Request) bool {
	_, err := r.Cookie(sessionCookie)
	return err == nil
}

// pageLanguage is the language the reader gets (cookie or Accept-Language,
// as localize picks it), which every public page depends on.
func pageLanguage(r *http.Request) string {
	cookie := ""
	if c, err := r.Cookie(langCookie); err == nil {
		cookie = c.Value
	}
	return i18n.Pick(cookie, r.Header.Get("Accept-Language")).HTMLLang()
}

// ListenForChanges listens for every write to the database until ctx ends,
// and empties the page cache at each; the cache serves only while it
// listens. It listens on the pool's server unless ListenURL names a direct
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
	changes.Listen(ctx, cfg, s.logger, s.cache.Flush)
}
