package metrics_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/guizhou-portal/portal/internal/metrics"
)

func TestRequestsAreCountedByRouteAndStatus(t *testing.T) {
	// A pool that never connects: its statistics are all there is to read.
	pool, err := pgxpool.New(context.Background(), "postgres://nobody@127.0.0.1:1/none")
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	m := metrics.New(pool)
	h := m.Middleware(func(r *http.Request) string { return "/items/{id}" })(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/items/2" {
			w.WriteHeader(http.StatusNotFound)
			return
		}
		io.WriteString(w, "ok") // no WriteHeader: counted as 200
	}))
	for _, p := range []string{"/items/1", "/items/1", "/items/2"} {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", p, nil))
	}

	w := httptest.NewRecorder()
	m.Handler().ServeHTTP(w, httptest.NewRequest("GET", "/metrics", nil))
	body := w.Body.String()
	for _, want := range []string{
		`portal_http_requests_total{method="GET",route="/items/{id}",status="200"} 2`,
		`portal_http_requests_total{method="GET",route="/items/{id}",status="404"} 1`,
		`portal_http_request_duration_seconds_count{method="GET",route="/items/{id}",status="200"} 2`,
		`portal_http_requests_in_flight 0`,
		`portal_db_pool_connections{state="idle"} 0`,
		`portal_db_pool_max_connections `,
		`go_goroutines `,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if strings.Contains(body, `route="/items/1"`) {
		t.Error("a path used as a label")
	}
}

func TestEachMetricsHasItsOwnRegistry(t *testing.T) {
	pool, err := pgxpool.New(context.Background(), "postgres://nobody@127.0.0.1:1/none")
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	metrics.New(pool)
	metrics.New(pool) // would panic on a shared registry
}

func TestServeSaysHowARequestWasAnswered(t *testing.T) {
	pool, err := pgxpool.New(context.Background(), "postgres://nobody@127.0.0.1:1/none")
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	m := metrics.New(pool)
	route := func(*http.Request) string { return "/r" }
	for _, tc := range []struct {
		name   string
		h      http.HandlerFunc
		status int
		bytes  int
		code   int // what the client got
	}{
		{"a body alone is a 200", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "hello") }, 200, 5, 200},
		{"only the first status counts", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusTeapot)
			w.WriteHeader(http.StatusInternalServerError)
			io.WriteString(w, "tea")
		}, http.StatusTeapot, 3, http.StatusTeapot},
		{"an early hint is passed on and not counted", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusEarlyHints)
			w.WriteHeader(http.StatusAccepted)
		}, http.StatusAccepted, 0, http.StatusEarlyHints}, // httptest keeps the first code it is given
		{"flushed through the response controller", func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, "part")
			if err := http.NewResponseController(w).Flush(); err != nil {
				t.Errorf("flush: %v", err)
			}
		}, 200, 4, 200},
	} {
		rec := httptest.NewRecorder()
		a := m.Serve(tc.h, rec, httptest.NewRequest("GET", "/r", nil), route)
		if a.Status != tc.status || a.Bytes != tc.bytes || a.Route != "/r" || rec.Code != tc.code {
			t.Errorf("%s: answered %+v, client got %d", tc.name, a, rec.Code)
		}
		if strings.HasPrefix(tc.name, "flushed") && !rec.Flushed {
			t.Errorf("%s: not flushed", tc.name)
		}
	}
}
