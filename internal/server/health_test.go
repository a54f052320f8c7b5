package server_test

import (
	"context"
	"strings"
	"testing"

	"github.com/guizhou-portal/portal/internal/postgres"
	"github.com/guizhou-portal/portal/internal/postgres/pgtest"
)

func TestReadinessFollowsTheDatabaseAndItsSchema(t *testing.T) {
	ctx := context.Background()

	t.Run("schema behind the binary", func(t *testing.T) {
		pool := pgtest.Pool(t, pgtest.EmptyDB(t))
		m, err := postgres.NewMigrator(pool, pgtest.Logger())
		if err != nil {
			t.Fatal(err)
		}
		defer m.Close()
		base := newTestPortal(t, withPool(pool)).URL
		if r := request(t, nil, "GET", base+"/readyz", nil); r.status != 503 {
			t.Errorf("unmigrated: /readyz %d, want 503", r.status)
		}
		if err := m.Up(ctx); err != nil {
			t.Fatal(err)
		}
		if r := request(t, nil, "GET", base+"/readyz", nil); r.status != 200 {
			t.Errorf("migrated: /readyz %d, want 200: %s", r.status, r.body)
		}
		if err := m.Down(ctx); err != nil {
			t.Fatal(err)
		}
		if r := request(t, nil, "GET", base+"/readyz", nil); r.status != 503 || !strings.Contains(r.body, "schema at version") {
			t.Errorf("one migration behind: /readyz %d %q, want 503", r.status, r.body)
		}
	})

	t.Run("database gone", func(t *testing.T) {
		p := newTestPortal(t)
		base := p.URL
		p.Pool.Close()
		if r := request(t, nil, "GET", base+"/readyz", nil); r.status != 503 {
			t.Errorf("closed pool: /readyz %d, want 503", r.status)
		}
		if r := request(t, nil, "GET", base+"/healthz", nil); r.status != 200 {
			t.Errorf("closed pool: /healthz %d, want 200: liveness must not depend on the database", r.status)
		}
		for _, path := range []string{"/", "/documents/" + replySlug, "/commitments", "/commitments/1", "/entities/catl"} {
			r := request(t, nil, "GET", base+path, nil)
			if r.status != 503 || r.header.Get("Retry-After") == "" || !strings.Contains(r.body, "服务暂时不可用") {
				t.Errorf("closed pool: %s gave %d (Retry-After %q), want 503 with a retry hint", path, r.status, r.header.Get("Retry-After"))
			}
			if strings.Contains(r.body, "pgx") || strings.Contains(r.body, "closed pool") {
				t.Errorf("closed pool: %s leaks internals: %s", path, r.body)
			}
		}
	})
}
