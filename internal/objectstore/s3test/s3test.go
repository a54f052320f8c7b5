// Package s3test gives tests a real S3-compatible store: gofakes3, run in
// the test's own process behind a real HTTP server, spoken to with the S3
// protocol by the portal's own client. Only tests import it; the portal
// binary never starts a store of its own.
package s3test

import (
	"context"
	"net/http/httptest"
	"strings"
	"sync"
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
}

// New starts a store for test t, stopped when t ends.
func New(t testing.TB) *Server {
	t.Helper()
	backend := s3mem.New()
	if err := backend.CreateBucket(Bucket); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(gofakes3.New(backend, gofakes3.WithLogger(gofakes3.DiscardLog())).Server())
	s := &Server{
		Config: config.S3{Endpoint: strings.TrimPrefix(ts.URL, "http://"), Bucket: Bucket,
			AccessKey: "portal-test", SecretKey: "portal-test-secret", Region: "us-east-1", Insecure: true},
		Backend: backend,
		http:    ts,
	}
	t.Cleanup(s.Stop)
	return s
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
