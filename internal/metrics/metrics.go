// Package metrics counts and times the portal's HTTP requests and reads the
// database pool's statistics, for Prometheus. Each Metrics has a registry of
// its own, so that several servers in one test binary do not collide.
package metrics

import (
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Pool is what is read of the database pool at each scrape.
type Pool interface {
	Stat() *pgxpool.Stat
}

// Metrics are one server's metrics.
type Metrics struct {
	registry *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	inFlight prometheus.Gauge
	// series holds each (method, route, status)'s counter and histogram once
	// looked up: the vectors hash their labels at every lookup, and there are
	// few series (routes are patterns).
	series sync.Map // seriesKey -> *series
}

type seriesKey struct {
	method, route string
	status        int
}

type series struct {
	requests prometheus.Counter
	duration prometheus.Observer
}

// New returns the metrics of a server over pool, with the Go runtime's and
// the process's.
func New(pool Pool) *Metrics {
	m := &Metrics{
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

// Middleware counts and times every request under the route label that
// route gives it once it has been answered: its route pattern, never its
// path, which would give one series per URL.
func (m *Metrics) Middleware(route func(*http.Request) string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			m.Serve(next, w, r, route)
		})
	}
}

// Answered is how a request was answered, for a caller that also logs it.
type Answered struct {
	Route  string // the route label it was counted under
	Status int
	Bytes  int
	Took   time.Duration
}

// Serve has next answer r, counting and timing it under the route label
// route gives it once answered, and says how it was answered. It wraps the
// writer and reads the clock once for both the metrics and the caller's log.
func (m *Metrics) Serve(next http.Handler, w http.ResponseWriter, r *http.Request, route func(*http.Request) string) Answered {
	m.Begin()
	ww := &recorder{ResponseWriter: w}
	start := time.Now()
	next.ServeHTTP(ww, r)
	a := Answered{Took: time.Since(start), Status: ww.status, Bytes: ww.bytes}
	if a.Status == 0 {
		a.Status = http.StatusOK
	}
	a.Route = route(r)
	m.End(r.Method, a.Route, a.Status, a.Took)
	return a
}

// recorder notes the status and the size of the response it passes on. It
// is one allocation (chi's WrapResponseWriter, which it replaces, was two
// for every request); http.ResponseController reaches the connection's
// writer through Unwrap.
type recorder struct {
	http.ResponseWriter
	status      int
	bytes       int
	wroteHeader bool
}

// WriteHeader passes on informational answers, and the first final one.
func (w *recorder) WriteHeader(code int) {
	if code >= 100 && code <= 199 && code != http.StatusSwitchingProtocols {
		w.ResponseWriter.WriteHeader(code)
		return
	}
	if !w.wroteHeader {
		w.status, w.wroteHeader = code, true
		w.ResponseWriter.WriteHeader(code)
	}
}

func (w *recorder) Write(b []byte) (int, error) {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

// Flush sends what is written so far, when the writer beneath can.
func (w *recorder) Flush() {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap is the writer beneath, for http.ResponseController.
func (w *recorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Begin counts a request in flight, for a caller that answers it by other
// means than Serve; End must follow.
func (m *Metrics) Begin() { m.inFlight.Inc() }

// End counts and times a request answered with status under its route
// pattern, and ends its time in flight.
func (m *Metrics) End(method, route string, status int, d time.Duration) {
	m.inFlight.Dec()
	key := seriesKey{method, route, status}
	v, ok := m.series.Load(key)
	if !ok {
		code := strconv.Itoa(status)
		v, _ = m.series.LoadOrStore(key, &series{
			requests: m.requests.WithLabelValues(method, route, code),
			duration: m.duration.WithLabelValues(method, route, code),
		})
	}
	s := v.(*series)
	s.requests.Inc()
	s.duration.Observe(d.Seconds())
}

// Handler serves the metrics in Prometheus' text format. It checks no
// credentials: the caller decides where it is reachable.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
}

// poolCollector reports the database pool's statistics at each scrape.
type poolCollector struct{ pool Pool }

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
