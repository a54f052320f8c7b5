package server

import (
	"net/http"
	"strconv"

	"github.com/go-chi/httprate"

	"github.com/guizhou-portal/portal/internal/config"
	"github.com/guizhou-portal/portal/internal/policy"
)

// renderLimit limits, per client, the pages rendered outside the page cache on
// the cached routes: what a reader gets by asking for a filter combination or
// search nobody asked for lately, and what staff get for every view. A page
// served from the cache costs nothing and is never counted. Readers are
// counted by the address clientAddr works out (so by the proxy's
// X-Forwarded-For only when the proxy is trusted), staff by their session, so
// that a whole office behind one address does not share one budget with the
// public. Over the limit: the 429 page with Retry-After. With no limit set it
// lets everything through.
func (s *Server) renderLimit() func(http.Handler) http.Handler {
	if s.opts.RenderLimit <= 0 {
		return func(next http.Handler) http.Handler { return next }
	}
	window := s.opts.RenderWindow
	if window <= 0 {
		window = config.DefaultRenderWindow
	}
	limiter := httprate.NewRateLimiter(s.opts.RenderLimit, window,
		httprate.WithKeyFuncs(s.renderKey),
		// Only Retry-After, and only on a refusal: the X-RateLimit-* headers of
		// a rendered page would be kept in the cache and served to everyone.
		httprate.WithResponseHeaders(httprate.ResponseHeaders{RetryAfter: "Retry-After"}),
		httprate.WithLimitHandler(func(w http.ResponseWriter, r *http.Request) {
			retry := w.Header().Get("Retry-After")
			if _, err := strconv.Atoi(retry); err != nil {
				retry = strconv.Itoa(int(window.Seconds()))
				w.Header().Set("Retry-After", retry)
			}
			s.logger.WarnContext(r.Context(), "render limit reached", "path", r.URL.Path, "client", s.clientAddr(r).String())
			s.renderError(w, r, policy.Errorm(policy.ETOOMANY, "err.429", retry))
		}))
	return limiter.Handler
}

// renderKey is whose budget a render counts against: a live staff session's,
// or else the client address's.
func (s *Server) renderKey(r *http.Request) (string, error) {
	if token, err := s.liveToken(r); err == nil && token != "" {
		return "session " + token, nil
	}
	return "client " + s.clientAddr(r).String(), nil
}
