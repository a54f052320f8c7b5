package server

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"github.com/guizhou-portal/portal/internal/i18n"
	"github.com/guizhou-portal/portal/web"
)

// prepare begins every request, before anything else runs: it gives it an
// id, in its context (for logs and the audit log) and in the X-Request-Id
// response header, so that a user who reports an error page can be matched
// with its log lines (an id sent by a trusted proxy is kept when it is short
// and plain; anyone else's is replaced); sets the security headers
// (secureHeaders); picks the interface language (the cookie set by the
// switch, else Accept-Language, else Chinese) and says so in
// Content-Language; and gives the request its deadline (see deadline).
//
// All of that goes into one requestContext: the id, the language, the page's
// address (for the language switch to return to), today's date (what is late
// is judged on the server's clock) and the deadline. Profiled under load,
// the four contexts, three request copies and the timer these took apart
// cost more than a bare chi router spends on a whole request.
func (s *Server) prepare(next http.Handler) http.Handler {
	timeoutOf := s.deadline()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := &requestContext{parent: r.Context(), url: *r.URL}
		id := r.Header.Get("X-Request-Id")
		if id == "" || !plainID(id) || !s.trustedPeer(r) {
			id = newRequestID()
		}
		c.id, c.idHeader[0] = id, id
		h := w.Header()
		h["X-Request-Id"] = c.idHeader[:]
		s.secureHeaders(h, r)

		cookie := ""
		if ck, err := r.Cookie(langCookie); err == nil {
			cookie = ck.Value
		}
		c.lang = i18n.Pick(cookie, r.Header.Get("Accept-Language"))
		// Shared values, set without Header.Add's copy: nothing sets Vary
		// before, and anything after appends past their capacity.
		h["Vary"] = varyLanguage
		h["Content-Language"] = contentLanguage[c.lang.HTMLLang()]
		c.today = s.todayValue()

		timeout := timeoutOf(w, r)
		c.deadline = time.Now().Add(timeout)
		if d, ok := c.parent.Deadline(); ok && d.Before(c.deadline) {
			c.deadline = d
		}
		defer c.stop()
		next.ServeHTTP(w, r.WithContext(c))
		if errors.Is(c.Err(), context.DeadlineExceeded) {
			s.logger.WarnContext(c, "request deadline exceeded", "timeout", timeout)
		}
	})
}

// newRequestID is 16 hex digits. An id needs to be unique, not secret:
// math/rand's generator is per thread and needs no system call.
func newRequestID() string {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], rand.Uint64())
	return hex.EncodeToString(b[:])
}

// varyLanguage is the Vary every response starts with: pages depend on the
// language, picked from Accept-Language or the lang cookie.
var varyLanguage = []string{"Accept-Language, Cookie"}

// contentLanguage is the Content-Language header value of each language.
var contentLanguage = func() map[string][]string {
	m := map[string][]string{}
	for _, code := range i18n.Langs {
		l := i18n.For(code).HTMLLang()
		m[l] = []string{l}
	}
	return m
}()

// todayValue is s.today() as the context carries it, boxed once a day
// rather than for every request.
func (s *Server) todayValue() any {
	d := s.today()
	if b := s.todayBox.Load(); b != nil && b.day.Equal(d) {
		return b.boxed
	}
	b := &dayBox{day: d, boxed: d}
	s.todayBox.Store(b)
	return b.boxed
}

type dayBox struct {
	day   time.Time
	boxed any
}

// requestContext is the context of every request from prepare on: the
// connection's context with the request's id, language, address, day and
// deadline, in one allocation. Its timer is made only when something waits
// for the deadline (Done: a query, a wait for another request's rendering of
// the same page): a page served from the cache, or /healthz, never makes
// one. Until then Err reads the clock itself.
type requestContext struct {
	parent   context.Context
	id       string
	idHeader [1]string // the X-Request-Id header's value, allocated with the rest
	lang     *i18n.Localizer
	url      url.URL // as it came, for the language switch's return address
	today    any     // time.Time
	deadline time.Time

	mu      sync.Mutex // guards making timed and setting stopped
	timed   atomic.Pointer[timedContext]
	stopped atomic.Bool
}

type timedContext struct {
	ctx    context.Context
	cancel context.CancelFunc
}

func (c *requestContext) Deadline() (time.Time, bool) { return c.deadline, true }

// Done makes the timer on first use.
func (c *requestContext) Done() <-chan struct{} { return c.timer().Done() }

func (c *requestContext) Err() error {
	if t := c.timed.Load(); t != nil {
		return t.ctx.Err()
	}
	if err := c.parent.Err(); err != nil {
		return err
	}
	if c.stopped.Load() {
		return context.Canceled
	}
	if !time.Now().Before(c.deadline) {
		return context.DeadlineExceeded
	}
	return nil
}

// Value answers the keys the stack sets; any other is the parent's, or the
// timer's once it is made (the context package finds its own cancellation
// there after calling Done).
func (c *requestContext) Value(key any) any {
	switch key {
	case middleware.RequestIDKey:
		return c.id
	case i18n.ContextKey{}:
		return c.lang
	case web.PathKey{}:
		return c.url.RequestURI()
	case web.TodayKey{}:
		return c.today
	}
	if t := c.timed.Load(); t != nil {
		return t.ctx.Value(key)
	}
	return c.parent.Value(key)
}

// timer is the context that ends at the deadline, made on first use; when
// the request is over already, it is made cancelled.
func (c *requestContext) timer() context.Context {
	if t := c.timed.Load(); t != nil {
		return t.ctx
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if t := c.timed.Load(); t != nil {
		return t.ctx
	}
	ctx, cancel := context.WithDeadline(c.parent, c.deadline)
	if c.stopped.Load() {
		cancel()
	}
	c.timed.Store(&timedContext{ctx, cancel})
	return ctx
}

// stop ends the context when the request is answered, as the cancel of
// context.WithTimeout would.
func (c *requestContext) stop() {
	c.mu.Lock()
	c.stopped.Store(true)
	t := c.timed.Load()
	c.mu.Unlock()
	if t != nil {
		t.cancel()
	}
}

// plainID accepts 1 to 64 letters, digits, '-', '_' and '.'.
func plainID(s string) bool {
	if len(s) > 64 {
		return false
	}
	for _, c := range []byte(s) {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// observeRequests counts and times every request in the metrics
// (internal/metrics) and logs one line for it: method, route pattern, path,
// status, size, duration, client and request id.
// Refusals (4xx other than 404) are warnings and server errors errors. One
// middleware does both so that each request wraps its writer, reads the
// clock and works out its route once (profiled: these were a third of the
// cost of a cached page before the handler).
func (s *Server) observeRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a := s.metrics.Serve(next, w, r, routePattern)
		level := slog.LevelInfo
		switch {
		case a.Status >= 500:
			level = slog.LevelError
		case a.Status >= 400 && a.Status != http.StatusNotFound:
			level = slog.LevelWarn
		}
		ctx := r.Context()
		if !s.requestLog.Enabled(ctx, level) {
			return
		}
		// The record is made here rather than by LogAttrs, with the request
		// id among its attributes: one allocation for the attributes past
		// the five a record holds (requestIDLogs added it in a second, which
		// grew them twice), and no call stack looked up for a source that
		// is not logged.
		var id string
		if c, ok := ctx.(*requestContext); ok {
			id = c.id // without boxing it to ask Value
		} else {
			id = middleware.GetReqID(ctx)
		}
		rec := slog.NewRecord(time.Now(), level, "request", 0)
		rec.AddAttrs(slog.String("method", r.Method), slog.String("route", a.Route),
			slog.String("path", logPath(r)), slog.Int("status", a.Status), slog.Int("bytes", a.Bytes),
			slog.Float64("duration_ms", float64(a.Took.Microseconds())/1000), slog.String("client", s.clientString(r)),
			slog.String("request_id", id))
		s.requestLog.Handle(ctx, rec)
	})
}

// routePattern is the chi pattern that served r ("/commitments/{id}"), which
// keeps logs and metrics to one series per route; "unmatched" when none did.
func routePattern(r *http.Request) string {
	if rctx := chi.RouteContext(r.Context()); rctx != nil {
		if p := rctx.RoutePattern(); p != "" {
			return p
		}
	}
	return "unmatched"
}

// recoverPanics turns a panic into a logged error with its stack and the
// friendly 500 page, which shows the request id; the server goes on serving.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.logger.ErrorContext(r.Context(), "panic", "value", v, "method", r.Method, "path", logPath(r), "stack", string(debug.Stack()))
				s.renderError(w, r, errPanic)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// requestIDLogs adds the request id of a log call's context to its record.
type requestIDLogs struct{ slog.Handler }

func (h requestIDLogs) Handle(ctx context.Context, rec slog.Record) error {
	if id := middleware.GetReqID(ctx); id != "" {
		rec.AddAttrs(slog.String("request_id", id))
	}
	return h.Handler.Handle(ctx, rec)
}

func (h requestIDLogs) WithAttrs(attrs []slog.Attr) slog.Handler {
	return requestIDLogs{h.Handler.WithAttrs(attrs)}
}

func (h requestIDLogs) WithGroup(name string) slog.Handler {
	return requestIDLogs{h.Handler.WithGroup(name)}
}

// logPath is the request's path as logs may keep it: a proposer's personal
// evaluation link is a secret, so /evaluations/{token} is logged without it.
func logPath(r *http.Request) string {
	p := r.URL.Path
	if rest, ok := strings.CutPrefix(p, "/evaluations/"); ok && rest != "thanks" {
		return "/evaluations/…"
	}
	return p
}
