package postgres_test

import (
	"context"
	"strings"
	"testing"

	"github.com/guizhou-portal/portal/internal/policy"
	"github.com/guizhou-portal/portal/internal/postgres"
	"github.com/guizhou-portal/portal/internal/postgres/pgtest"
)

// FuzzStoreSearch runs whatever ParseSearch accepts against the seeded
// database: no query is an error, and every hit holds every term (after the
// same folding the search does).
func FuzzStoreSearch(f *testing.F) {
	for _, s := range []string{"锂", "锂矿 提取", "２０２５", "c级", "388.7", "黔工信提复字", "宁德时代 比亚迪", "' OR 1=1--",
		"<script>", "%", "_", "\\", "ﬁ", "é", "e\u0301"} {
		f.Add(s)
	}
	store := postgres.NewStore(pgtest.NewDB(f))
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := policy.ParseSearch(raw)
		if err != nil {
			return
		}
		res, err := store.Search(context.Background(), q, 5)
		if err != nil {
			t.Fatalf("search %q: %v", raw, err)
		}
		for _, g := range res.Groups {
			if g.Total < len(g.Hits) {
				t.Fatalf("%q: %s total %d below %d hits", raw, g.Kind, g.Total, len(g.Hits))
			}
			for _, h := range g.Hits {
				text := h.Text + " " + h.Title + " " + h.Document.Title + " " + h.Document.DocNumber + " " +
					h.Entity.Name + " " + h.Entity.FullName + " " + strings.Join(h.Entity.Aliases, " ")
				for _, term := range q.Terms {
					if !strings.Contains(policy.FoldSearch(text), policy.FoldSearch(term)) {
						t.Fatalf("%q: %s hit %+v lacks %q", raw, g.Kind, h, term)
					}
				}
			}
		}
	})
}
