package postgres

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/guizhou-portal/portal/internal/policy"
)

// asOf reads commitments at the date wherever a read takes them as c, however
// the query is laid out, leaves other relations alone, and refuses a read it
// cannot rewrite instead of quietly showing the present under a past banner.
func TestAsOfRewritesEveryReferenceOrPanics(t *testing.T) {
	ctx := policy.WithAsOf(context.Background(), policy.NewAsOf(time.Date(2026, 11, 5, 0, 0, 0, 0, time.UTC)))
	rel := commitmentsRel(ctx)
	for _, c := range []struct{ q, want string }{
		{"SELECT 1 FROM commitments c\nWHERE c.id = 1", "SELECT 1 FROM " + rel + " c\nWHERE c.id = 1"},
		{"SELECT 1 FROM commitments c WHERE c.id = 1", "SELECT 1 FROM " + rel + " c WHERE c.id = 1"},
		{"SELECT 1 FROM documents d\n\tJOIN commitments c\n\tON c.document_id = d.id", "SELECT 1 FROM documents d\n\tJOIN " + rel + " c\n\tON c.document_id = d.id"},
		{"SELECT 1 FROM commitments c, (SELECT 1 FROM commitments p) x", "SELECT 1 FROM " + rel + " c, (SELECT 1 FROM commitments p) x"},
	} {
		if got := asOf(ctx, c.q); got != c.want {
			t.Errorf("asOf(%q) = %q, want %q", c.q, got, c.want)
		}
		if got := asOf(context.Background(), c.q); got != c.q {
			t.Errorf("the present rewrote %q to %q", c.q, got)
		}
	}
	for _, q := range []string{"SELECT 1 FROM commitments cc", "SELECT 1 FROM commitments x", "SELECT 1 FROM commitments_as_of(now()) c"} {
		func() {
			defer func() {
				if r := recover(); r == nil || !strings.Contains(r.(string), "asOf") {
					t.Errorf("asOf(%q) did not refuse: %v", q, r)
				}
			}()
			asOf(ctx, q)
		}()
	}
}
