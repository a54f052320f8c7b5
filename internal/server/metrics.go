package server

import (
	"crypto/subtle"
	"net/http"
	"strings"

	"github.com/guizhou-portal/portal/internal/policy"
)

// The metrics themselves are internal/metrics'; here is who may read them.

// MetricsHandler serves the metrics in Prometheus' text format, for the
// separate metrics address.
func (s *Server) MetricsHandler() http.Handler {
	return s.metrics.Handler()
}

var errMetricsToken = policy.Errorm(policy.EUNAUTHORIZED, "err.token")

// metricsOnMain serves /metrics on the main address only with the configured
// bearer token; without a configured token the path does not exist there.
func (s *Server) metricsOnMain(w http.ResponseWriter, r *http.Request) {
	if s.opts.MetricsToken == "" {
		s.renderError(w, r, errNotFoundPage)
		return
	}
	// The scheme's name is case-insensitive (RFC 9110, 11.1).
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || subtle.ConstantTimeCompare([]byte(token), []byte(s.opts.MetricsToken)) != 1 {
		s.logger.WarnContext(r.Context(), "metrics refused: no valid token", "client", s.clientAddr(r).String())
		w.Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
		s.renderError(w, r, errMetricsToken)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	s.MetricsHandler().ServeHTTP(w, r)
}
