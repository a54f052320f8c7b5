package postgres

import (
	"context"
	"regexp"
	"time"

	"github.com/guizhou-portal/portal/internal/policy"
)

// commitmentsRel is the relation a public read of commitments takes: the
// table itself, or, when the context asks for the ledger at a past date
// (policy.WithAsOf), migration 00020's commitments_as_of at the end of that
// day, which replays the audit log. The present keeps the plain table, so
// current pages cost what they did.
func commitmentsRel(ctx context.Context) string {
	a, ok := policy.AsOfFrom(ctx)
	if !ok {
		return "commitments"
	}
	// The instant is the server's own value, never the reader's text.
	return "commitments_as_of('" + a.End.UTC().Format(time.RFC3339Nano) + "'::timestamptz)"
}

// commitmentsAliasC finds where a read takes the commitments table under the
// alias c: after FROM or JOIN, with any white space around the name.
var commitmentsAliasC = regexp.MustCompile(`\b(FROM|JOIN)(\s+)commitments(\s+)c\b`)

// asOf rewrites a read whose commitments are aliased c ("FROM commitments c"
// or "JOIN commitments c", whatever the white space) to read them at the
// context's date. A read with no such reference would silently show the
// present under a past date's banner: that is a programming error, and it
// panics (the recoverer answers 500, and any test of the read fails).
func asOf(ctx context.Context, q string) string {
	rel := commitmentsRel(ctx)
	if rel == "commitments" {
		return q
	}
	if !commitmentsAliasC.MatchString(q) {
		panic("postgres: asOf on a read without commitments aliased c: " + q)
	}
	return commitmentsAliasC.ReplaceAllString(q, "${1}${2}"+rel+"${3}c")
}

// LedgerStart is when the first commitment the public can see was recorded:
// the ledger has no earlier state. With none, it is the zero time.
func (s *Store) LedgerStart(ctx context.Context) (time.Time, error) {
	var t *time.Time
	err := s.pool.QueryRow(ctx, `SELECT min(c.created_at) FROM commitments c WHERE `+visibleDocument(ctx, "c.document_id")).Scan(&t)
	if err != nil || t == nil {
		return time.Time{}, err
	}
	return *t, nil
}

// asOfEnd is the end of the context's as_of day, for queries that take it as
// an argument (what was recorded before it); nil for the present.
func asOfEnd(ctx context.Context) *time.Time {
	if a, ok := policy.AsOfFrom(ctx); ok {
		return &a.End
	}
	return nil
}
