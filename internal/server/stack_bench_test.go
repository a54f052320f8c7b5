package server_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/guizhou-portal/portal/internal/postgres"
	"github.com/guizhou-portal/portal/internal/postgres/pgtest"
	"github.com/guizhou-portal/portal/internal/server"
)

// BenchmarkStack measures what the portal's middleware costs between the
// socket and the handler, in process (no network), against a bare chi router:
// /healthz, which does nothing, and a page served from the cache. The log
// goes to a file, as a portal's standard error usually does.
func BenchmarkStack(b *testing.B) {
	bare := chi.NewRouter()
	bare.Get("/healthz", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok\n")) })

	pool := pgtest.NewDB(b)
	logFile, err := os.Create(filepath.Join(b.TempDir(), "portal.log"))
	if err != nil {
		b.Fatal(err)
	}
	defer logFile.Close()
	latest, err := postgres.LatestVersion()
	if err != nil {
		b.Fatal(err)
	}
	s := server.NewWithOptions(pool, slog.New(slog.NewJSONHandler(logFile, nil)), latest, server.Options{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go s.ListenForChanges(ctx)
	portal := s.Handler()
	deadline := time.Now().Add(10 * time.Second)
	for {
		rec := httptest.NewRecorder()
		portal.ServeHTTP(rec, httptest.NewRequest("GET", "/documents/"+replySlug, nil))
		if rec.Header().Get("X-Portal-Cache") == "hit" || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}

	for _, tc := range []struct {
		name string
		h    http.Handler
		path string
	}{
		{"bare chi", bare, "/healthz"},
		{"portal healthz", portal, "/healthz"},
		{"portal cached document", portal, "/documents/" + replySlug},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					req := httptest.NewRequest("GET", tc.path, nil)
					req.RemoteAddr = "127.0.0.1:5555"
					req.Header.Set("Accept-Encoding", "gzip, deflate, br")
					rec := httptest.NewRecorder()
					tc.h.ServeHTTP(rec, req)
					if rec.Code != 200 {
						b.Fatalf("%s: status %d", tc.path, rec.Code)
					}
				}
			})
		})
	}
}
