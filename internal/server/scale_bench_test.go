package server_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/guizhou-portal/portal/internal/demo"
	"github.com/guizhou-portal/portal/internal/postgres"
	"github.com/guizhou-portal/portal/internal/postgres/pgtest"
)

// BenchmarkPagesAt1000Documents measures whole requests (HTTP, SQL and
// rendering) for search, filters and an entity page over the seeded reply and
// 1,000 synthetic ones, reporting the median and 95th percentile in ms.
// PORTAL_BENCH_DATABASE_URL may name a database already filled by
// `portal demo-data --documents 1000`; otherwise one is filled (about a minute).
func BenchmarkPagesAt1000Documents(b *testing.B) {
	var pool *pgxpool.Pool
	if u := os.Getenv("PORTAL_BENCH_DATABASE_URL"); u != "" {
		pool = pgtest.Pool(b, u)
	} else {
		pool = pgtest.NewDB(b)
		if err := demo.Fill(context.Background(), postgres.NewStore(pool), 1000, 1, nil); err != nil {
			b.Fatal(err)
		}
	}
	base := newTestPortal(b, withPool(pool)).URL
	for _, path := range []string{
		"/search?q=" + url.QueryEscape("锂矿"),
		"/search?q=" + url.QueryEscape("电池"),
		"/search?q=" + url.QueryEscape("宁德时代 比亚迪"),
		"/commitments",
		"/commitments?region=tongren&year=2025",
		"/entities/guizhou",
	} {
		name, _ := url.QueryUnescape(path)
		b.Run(name, func(b *testing.B) {
			var took []time.Duration
			for b.Loop() {
				start := time.Now()
				res, err := http.Get(base + path)
				if err != nil {
					b.Fatal(err)
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				took = append(took, time.Since(start))
				if res.StatusCode != 200 {
					b.Fatalf("status %d", res.StatusCode)
				}
			}
			slices.Sort(took)
			b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(took[(len(took)*95+99)/100-1].Microseconds())/1000, "p95-ms")
		})
	}
}
