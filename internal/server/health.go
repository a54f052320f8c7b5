package server

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/guizhou-portal/portal/internal/postgres"
)

// healthz answers as long as the process serves; it does not touch the
// database. Load balancers ask it often, so its header values are made once.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h["Content-Type"] = textPlain
	h["Cache-Control"] = noStore
	w.Write(healthyBody)
}

// Shared header values: a later Set replaces the slice, an Add appends past
// its capacity, so none of them is ever written through.
var (
	textPlain   = []string{"text/plain; charset=utf-8"}
	noStore     = []string{"no-store"}
	healthyBody = []byte("ok\n")
)

// readyz answers 200 only when the database answers and its schema is at the
// version this binary was built with.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	version, err := postgres.SchemaVersion(ctx, s.pool)
	switch {
	case err != nil:
		s.logger.WarnContext(r.Context(), "not ready: database", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintln(w, "database unavailable")
	case version != s.latest:
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintf(w, "schema at version %d, want %d\n", version, s.latest)
	default:
		fmt.Fprintf(w, "ready: schema version %d\n", version)
		// The lists answer either way: from the index once it has loaded,
		// from PostgreSQL (slower) until then.
		if ready, n := s.store.CommitmentIndexState(); ready {
			fmt.Fprintf(w, "commitment index: loaded, %d commitments\n", n)
		} else {
			fmt.Fprintln(w, "commitment index: not loaded; lists are read from PostgreSQL")
		}
	}
}
