package postgres_test

import (
	"context"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/guizhou-portal/portal/internal/demo"
	"github.com/guizhou-portal/portal/internal/policy"
	"github.com/guizhou-portal/portal/internal/postgres"
	"github.com/guizhou-portal/portal/internal/postgres/pgtest"
)

// benchDocuments is the corpus size the search must stay fast at.
const benchDocuments = 1000

// BenchmarkSearch measures Store.Search, everything the search page asks the
// database (four kinds, ten hits each, with counts), over the seeded reply and
// 1,000 synthetic ones. Besides ns/op it reports the median and 95th percentile
// of single searches in milliseconds. Filling the database takes about a minute;
// PORTAL_BENCH_DATABASE_URL may name one already filled by
// `portal demo-data --documents 1000`.
func BenchmarkSearch(b *testing.B) {
	ctx := context.Background()
	store := benchStore(b)
	for _, raw := range []string{"锂", "锂矿", "电池", "新能源电池及材料", "388.7", "黔工信提复字", "宁德时代 比亚迪", "石墨"} {
		q, err := policy.ParseSearch(raw)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(raw, func(b *testing.B) {
			var took []time.Duration
			for b.Loop() {
				start := time.Now()
				if _, err := store.Search(ctx, q, 10); err != nil {
					b.Fatal(err)
				}
				took = append(took, time.Since(start))
			}
			slices.Sort(took)
			b.ReportMetric(ms(took[len(took)/2]), "p50-ms")
			b.ReportMetric(ms(took[(len(took)*95+99)/100-1]), "p95-ms")
		})
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// benchStore returns a store over a database with benchDocuments synthetic
// replies: the one named by PORTAL_BENCH_DATABASE_URL, or a fresh one.
func benchStore(b *testing.B) *postgres.Store {
	ctx := context.Background()
	if url := os.Getenv("PORTAL_BENCH_DATABASE_URL"); url != "" {
		store := postgres.NewStore(pgtest.Pool(b, url))
		n, err := store.CountSynthetic(ctx)
		if err != nil || n < benchDocuments {
			b.Fatalf("PORTAL_BENCH_DATABASE_URL has %d synthetic documents (%v); want %d", n, err, benchDocuments)
		}
		return store
	}
	store := postgres.NewStore(pgtest.NewDB(b))
	start := time.Now()
	if err := demo.Fill(ctx, store, benchDocuments, 1, nil); err != nil {
		b.Fatal(err)
	}
	b.Logf("filled %s synthetic replies in %s", strconv.Itoa(benchDocuments), time.Since(start).Round(time.Second))
	return store
}
