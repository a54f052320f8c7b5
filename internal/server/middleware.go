package server

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"runtime/debug"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
)

// assignRequestID gives every request an id, in its context (for logs and the
// audit log) and in the X-Request-Id response header, so that a user who
// reports an error page can be matched with its log lines. An id sent by a
// trusted proxy is kept when it is short and plain; anyone else's is replaced.
func (s *Server) assignRequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-Id")
		if id == "" || !plainID(id) || !s.trustedPeer(r) {
			// An id needs to be unique, not secret: math/rand's generator
			// is per thread and needs no system call.
			var b [8]byte
			binary.BigEndian.PutUint64(b[:], rand.Uint64())
			id = hex.EncodeToString(b[:])
		}
		w.Header().Set("X-Request-Id", id)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), middleware.RequestIDKey, id)))
	})
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
// status, size, duration and client (the request id comes from the context).
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
		s.logger.LogAttrs(r.Context(), level, "request", slog.String("method", r.Method), slog.String("route", a.Route),
			slog.String("path", logPath(r)), slog.Int("status", a.Status), slog.Int("bytes", a.Bytes),
			slog.Float64("duration_ms", float64(a.Took.Microseconds())/1000), slog.String("client", s.clientAddr(r).String()))
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
