package server_test

import (
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/guizhou-portal/portal/internal/postgres/pgtest"
)

// nullWriter is a ResponseWriter that keeps the status and headers and drops
// the body, so that what is counted is the portal's own work.
type nullWriter struct {
	header http.Header
	code   int
}

func (w *nullWriter) Header() http.Header         { return w.header }
func (w *nullWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *nullWriter) WriteHeader(code int)        { w.code = code }

// Every request pays for the stack before its handler: ids, headers, the
// language, the deadline, metrics and the log line. Profiled, its
// allocations were much of that cost: here 33 for /healthz and 44 for a
// cached page, now 12 and 17 (the header map growing past eight keys, the
// request id, the request's context and its copy, the metrics' writer, the
// log record's attributes past five, chi's own). This keeps them from
// creeping back; the bounds leave room for one more.
func TestTheStackAllocatesLittlePerRequest(t *testing.T) {
	p := newTestPortal(t, withChangeListener(), withLogger(slog.New(slog.NewJSONHandler(io.Discard, nil))))
	page := "/documents/" + replySlug
	// The commitment index loads in the background when the listener
	// starts: its allocations would be counted against the requests.
	waitForCommitmentIndex(t, p.URL)
	pgtest.WaitFor(t, 10*time.Second, "the reply's page to be cached", func() bool {
		return request(t, nil, http.MethodGet, p.URL+page, nil).header.Get("X-Portal-Cache") == "hit"
	})
	for _, tc := range []struct {
		path  string
		most  float64
		cache string
	}{
		{"/healthz", 13, ""},
		{page, 18, "hit"},
	} {
		req, err := http.NewRequest(http.MethodGet, tc.path, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.RemoteAddr = "192.0.2.7:50000"
		req.Header.Set("Accept-Encoding", "gzip, deflate, br")
		req.Header.Set("Accept-Language", "zh-CN,zh;q=0.9,en;q=0.8")
		var w *nullWriter
		allocs := testing.AllocsPerRun(200, func() {
			w = &nullWriter{header: http.Header{}}
			p.Handler.ServeHTTP(w, req)
		})
		allocs-- // the nullWriter
		if w.code != http.StatusOK || w.header.Get("X-Portal-Cache") != tc.cache || w.header.Get("X-Request-Id") == "" ||
			w.header.Get("Content-Security-Policy") == "" {
			t.Fatalf("%s: status %d, headers %v", tc.path, w.code, w.header)
		}
		if allocs > tc.most {
			t.Errorf("%s: %.0f allocations a request; at most %.0f", tc.path, allocs, tc.most)
		}
		t.Logf("%s: %.0f allocations a request", tc.path, allocs)
	}
}
