package server

import (
	"net/http"
	"strconv"
	"sync"

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
//
// A window's limit alone lets its whole budget through at once: measured
// with make bench, 64 connections from one address got 60 renders of the
// list (0.6 s each) going together and held both cores for seconds. So a
// client also has at most rendersInFlight renders going at a time; one more
// is refused at once (429, Retry-After: 1) without using its budget.
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
			s.logger.WarnContext(r.Context(), "render limit reached", "path", logPath(r), "client", s.clientAddr(r).String())
			s.renderError(w, r, policy.Errorm(policy.ETOOMANY, "err.429", retry))
		}))
	busy := &rendersBusy{n: map[string]int{}}
	return func(next http.Handler) http.Handler {
		limited := limiter.Handler(next)
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			key, _ := s.renderKey(r)
			if !busy.acquire(key) {
				w.Header().Set("Retry-After", "1")
				s.logger.WarnContext(r.Context(), "renders in flight limit reached", "path", logPath(r), "client", s.clientAddr(r).String())
				s.renderError(w, r, policy.Errorm(policy.ETOOMANY, "err.429", "1"))
				return
			}
			defer busy.release(key)
			limited.ServeHTTP(w, r)
		})
	}
}

// rendersInFlight is how many renders outside the cache one client may have
// going at once. A public client is an address, and a department's readers
// often share one behind their office's gateway, so it allows a few tabs
// at once; more than this from one address is a flood, not a reader.
const rendersInFlight = 4

// rendersBusy counts each client's renders in flight.
type rendersBusy struct {
	mu sync.Mutex
	n  map[string]int
}

func (b *rendersBusy) acquire(key string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.n[key] >= rendersInFlight {
		return false
	}
	b.n[key]++
	return true
}

func (b *rendersBusy) release(key string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.n[key]--; b.n[key] <= 0 {
		delete(b.n, key)
	}
}

// renderKey is whose budget a render counts against: a live staff session's,
// or else the client address's.
func (s *Server) renderKey(r *http.Request) (string, error) {
	if token, err := s.liveToken(r); err == nil && token != "" {
		return "session " + token, nil
	}
	return "client " + s.clientAddr(r).String(), nil
}
