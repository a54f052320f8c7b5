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
// context's date, and with them their units (unitsAsOf) wherever the read
// takes them. A read with no such reference would silently show the
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
	return rewriteUnits(ctx, commitmentsAliasC.ReplaceAllString(q, "${1}${2}"+rel+"${3}c"))
}

// The relations migration 00027 replays at a date, by the alias reads give
// them: a commitment's units (u), the entities a commitment names in its
// words or as its units (ce), and follow-ups (f).
var (
	unitsAliasU     = regexp.MustCompile(`\b(FROM|JOIN)(\s+)commitment_units(\s+)u\b`)
	entitiesAliasCE = regexp.MustCompile(`\b(FROM|JOIN)(\s+)commitment_entities(\s+)ce\b`)
	followUpsAliasF = regexp.MustCompile(`\b(FROM|JOIN)(\s+)follow_ups(\s+)f\b`)
)

// asOfArg is the end of the context's as_of day as SQL text (the server's
// own value, never the reader's), "" for the present.
func asOfArg(ctx context.Context) string {
	a, ok := policy.AsOfFrom(ctx)
	if !ok {
		return ""
	}
	return "'" + a.End.UTC().Format(time.RFC3339Nano) + "'::timestamptz"
}

// rewriteUnits reads every commitment_units u and commitment_entities ce of
// q at the context's date; q unchanged for the present.
func rewriteUnits(ctx context.Context, q string) string {
	t := asOfArg(ctx)
	if t == "" {
		return q
	}
	q = unitsAliasU.ReplaceAllString(q, "${1}${2}commitment_units_as_of("+t+")${3}u")
	return entitiesAliasCE.ReplaceAllString(q, "${1}${2}commitment_entities_as_of("+t+")${3}ce")
}

// unitsAsOf rewrites a read of commitments' units (commitment_units u or
// commitment_entities ce) that takes no commitments c to read them at the
// context's date. Like asOf it panics on a read it cannot rewrite.
func unitsAsOf(ctx context.Context, q string) string {
	t := asOfArg(ctx)
	if t == "" {
		return q
	}
	if !unitsAliasU.MatchString(q) && !entitiesAliasCE.MatchString(q) {
		panic("postgres: unitsAsOf on a read without commitment_units u or commitment_entities ce: " + q)
	}
	return rewriteUnits(ctx, q)
}

// followUpsAsOf rewrites a read of follow_ups f to read them at the
// context's date (follow_ups_as_of); like asOf it panics on a read it cannot
// rewrite.
func followUpsAsOf(ctx context.Context, q string) string {
	t := asOfArg(ctx)
	if t == "" {
		return q
	}
	if !followUpsAliasF.MatchString(q) {
		panic("postgres: followUpsAsOf on a read without follow_ups f: " + q)
	}
	return followUpsAliasF.ReplaceAllString(q, "${1}${2}follow_ups_as_of("+t+")${3}f")
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
