package server

import (
	"crypto/subtle"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5/middleware"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/guizhou-portal/portal/internal/policy"
)

// metrics are the server's Prometheus metrics, in a registry of its own (so
// that several servers in one test binary do not collide).
type metrics struct {
	registry *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	inFlight prometheus.Gauge
}

func newMetrics(pool *pgxpool.Pool) *metrics {
	m := &metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "portal_http_requests_total",
			Help: "HTTP requests answered, by method, route pattern and status.",
		}, []string{"method", "route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "portal_http_request_duration_seconds",
			Help:    "Time to answer HTTP requests, by method, route pattern and status.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"method", "route", "status"}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "portal_http_requests_in_flight",
			Help: "HTTP requests being answered now.",
		}),
	}
	m.registry.MustRegister(m.requests, m.duration, m.inFlight,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		poolCollector{pool})
	return m
}

// measure counts and times every request by its route pattern (never its
// path, which would give one series per URL).
func (s *Server) measure(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.metrics.inFlight.Inc()
		defer s.metrics.inFlight.Dec()
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		start := time.Now()
		next.ServeHTTP(ww, r)
		status := ww.Status()
		if status == 0 {
			status = http.StatusOK
		}
		labels := prometheus.Labels{"method": r.Method, "route": routePattern(r), "status": strconv.Itoa(status)}
		s.metrics.requests.With(labels).Inc()
		s.metrics.duration.With(labels).Observe(time.Since(start).Seconds())
	})
}

// MetricsHandler serves the metrics in Prometheus' text format, for the
// separate metrics address.
func (s *Server) MetricsHandler() http.Handler {
	return promhttp.HandlerFor(s.metrics.registry, promhttp.HandlerOpts{})
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

// poolCollector reports the database pool's statistics at each scrape.
type poolCollector struct{ pool *pgxpool.Pool }

var (
	poolConns = prometheus.NewDesc("portal_db_pool_connections",
		"Connections in the database pool, by state.", []string{"state"}, nil)
	poolMax = prometheus.NewDesc("portal_db_pool_max_connections",
		"The most connections the pool opens.", nil, nil)
	poolAcquires = prometheus.NewDesc("portal_db_pool_acquires_total",
		"Connections acquired from the pool.", nil, nil)
	poolEmptyAcquires = prometheus.NewDesc("portal_db_pool_empty_acquires_total",
		"Acquisitions that had to wait for a connection or open one.", nil, nil)
	poolCanceledAcquires = prometheus.NewDesc("portal_db_pool_canceled_acquires_total",
		"Acquisitions abandoned because their request's context ended.", nil, nil)
	poolAcquireSeconds = prometheus.NewDesc("portal_db_pool_acquire_seconds_total",
		"Time spent acquiring connections.", nil, nil)
	poolNewConns = prometheus.NewDesc("portal_db_pool_new_connections_total",
		"Connections opened.", nil, nil)
)

func (c poolCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{poolConns, poolMax, poolAcquires, poolEmptyAcquires,
		poolCanceledAcquires, poolAcquireSeconds, poolNewConns} {
		ch <- d
	}
}

func (c poolCollector) Collect(ch chan<- prometheus.Metric) {
	st := c.pool.Stat()
	ch <- prometheus.MustNewConstMetric(poolConns, prometheus.GaugeValue, float64(st.AcquiredConns()), "acquired")
	ch <- prometheus.MustNewConstMetric(poolConns, prometheus.GaugeValue, float64(st.IdleConns()), "idle")
	ch <- prometheus.MustNewConstMetric(poolConns, prometheus.GaugeValue, float64(st.ConstructingConns()), "constructing")
	ch <- prometheus.MustNewConstMetric(poolMax, prometheus.GaugeValue, float64(st.MaxConns()))
	ch <- prometheus.MustNewConstMetric(poolAcquires, prometheus.CounterValue, float64(st.AcquireCount()))
	ch <- prometheus.MustNewConstMetric(poolEmptyAcquires, prometheus.CounterValue, float64(st.EmptyAcquireCount()))
	ch <- prometheus.MustNewConstMetric(poolCanceledAcquires, prometheus.CounterValue, float64(st.CanceledAcquireCount()))
	ch <- prometheus.MustNewConstMetric(poolAcquireSeconds, prometheus.CounterValue, st.AcquireDuration().Seconds())
	ch <- prometheus.MustNewConstMetric(poolNewConns, prometheus.CounterValue, float64(st.NewConnsCount()))
}
