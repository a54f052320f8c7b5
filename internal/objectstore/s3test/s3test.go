// Package s3test gives tests a real S3-compatible store: gofakes3, run in
// the test's own process behind a real HTTP server, spoken to with the S3
// protocol by the portal's own client. Only tests import it; the portal
// binary never starts a store of its own.
package s3test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/guizhou-portal/portal/internal/config"
	"github.com/guizhou-portal/portal/internal/objectstore"
)

// Bucket is the bucket every test store has.
const Bucket = "portal-evidence"

// Server is one in-process S3 store with an empty Bucket.
type Server struct {
	// Config reaches the store, as PORTAL_S3_* would.
	Config  config.S3
	Backend *s3mem.Backend
	http    *httptest.Server
	stop    sync.Once
	// partBytes counts the bytes of the parts stored.
	partBytes atomic.Int64
}

// New starts a store for test t, stopped when t ends.
func New(t testing.TB) *Server {
	t.Helper()
	backend := s3mem.New()
	if err := backend.CreateBucket(Bucket); err != nil {
		t.Fatal(err)
	}
	s := &Server{Backend: backend}
	faker := gofakes3.New(backend, gofakes3.WithLogger(gofakes3.DiscardLog())).Server()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		faker.ServeHTTP(rec, r)
		if r.Method == http.MethodPut && r.URL.Query().Has("partNumber") && rec.status == http.StatusOK {
			s.partBytes.Add(r.ContentLength)
		}
	}))
	s.Config = config.S3{Endpoint: strings.TrimPrefix(ts.URL, "http://"), Bucket: Bucket,
		AccessKey: "portal-test", SecretKey: "portal-test-secret", Region: "us-east-1", Insecure: true}
	s.http = ts
	t.Cleanup(s.Stop)
	return s
}

// statusWriter remembers the status a handler wrote.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(status int) {
	w.status = status
	w.ResponseWriter.WriteHeader(status)
}

// Store is a client of the store, as the portal makes one.
func (s *Server) Store(t testing.TB) *objectstore.Store {
	t.Helper()
	st, err := objectstore.New(s.Config)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// Stop takes the store down: from then on its address refuses connections.
func (s *Server) Stop() {
	s.stop.Do(func() {
		s.http.CloseClientConnections()
		s.http.Close()
	})
}

// PartBytes is how many bytes the store has taken in parts of multipart
// uploads: the bytes of files streamed to it a part at a time.
func (s *Server) PartBytes() int64 { return s.partBytes.Load() }

// Objects lists what the bucket holds under the portal's prefix, by key.
func (s *Server) Objects(t testing.TB) map[string]objectstore.Object {
	t.Helper()
	out := map[string]objectstore.Object{}
	err := s.Store(t).List(context.Background(), time.Now().Add(24*time.Hour), func(o objectstore.Object) error {
		out[o.Key] = o
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
