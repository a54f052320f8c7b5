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

// At a date, asOf also reads the commitments' units (u) and the entities
// they name (ce) at that date; unitsAsOf does so for reads without
// commitments c; followUpsAsOf reads follow-ups (f). Each refuses a read it cannot rewrite, and the
// present is left as it was.
func TestAsOfRewritesUnitsAndFollowUps(t *testing.T) {
	ctx := policy.WithAsOf(context.Background(), policy.NewAsOf(time.Date(2026, 11, 5, 0, 0, 0, 0, time.UTC)))
	at := asOfArg(ctx)
	if at != "'2026-11-05T16:00:00Z'::timestamptz" {
		t.Fatalf("asOfArg = %s", at)
	}
	for _, c := range []struct {
		rewrite func(context.Context, string) string
		q, want string
	}{
		{asOf, "SELECT 1 FROM commitments c WHERE EXISTS (SELECT 1 FROM commitment_units u\n\tJOIN entities e ON e.id = u.entity_id)",
			"SELECT 1 FROM " + commitmentsRel(ctx) + " c WHERE EXISTS (SELECT 1 FROM commitment_units_as_of(" + at + ") u\n\tJOIN entities e ON e.id = u.entity_id)"},
		{asOf, "SELECT 1 FROM commitments c JOIN commitment_entities ce ON ce.commitment_id = c.id",
			"SELECT 1 FROM " + commitmentsRel(ctx) + " c JOIN commitment_entities_as_of(" + at + ") ce ON ce.commitment_id = c.id"},
		{unitsAsOf, "SELECT 1 FROM commitment_units u JOIN commitments o ON o.id = u.commitment_id",
			"SELECT 1 FROM commitment_units_as_of(" + at + ") u JOIN commitments o ON o.id = u.commitment_id"},
		{followUpsAsOf, "SELECT 1 FROM follow_ups f JOIN documents d ON d.id = f.document_id",
			"SELECT 1 FROM follow_ups_as_of(" + at + ") f JOIN documents d ON d.id = f.document_id"},
	} {
		if got := c.rewrite(ctx, c.q); got != c.want {
			t.Errorf("rewrote %q to %q, want %q", c.q, got, c.want)
		}
		if got := c.rewrite(context.Background(), c.q); got != c.q {
			t.Errorf("the present rewrote %q to %q", c.q, got)
		}
	}
	for _, c := range []struct {
		rewrite func(context.Context, string) string
		q       string
	}{
		{unitsAsOf, "SELECT 1 FROM commitment_units x"},
		{unitsAsOf, "SELECT 1 FROM commitments o"},
		{followUpsAsOf, "SELECT 1 FROM follow_ups fu"},
	} {
		func() {
			defer func() {
				if r := recover(); r == nil || !strings.Contains(r.(string), "AsOf") {
					t.Errorf("%q was not refused: %v", c.q, r)
				}
			}()
			c.rewrite(ctx, c.q)
		}()
	}
}
