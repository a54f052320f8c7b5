package web

import (
	"context"
	"slices"

	"github.com/guizhou-portal/portal/internal/policy"
)

// sectionRollup is a section's roll-up with the satisfaction of the ratings
// the proposers gave it (ratings, as SectionEvaluations lists them).
func sectionRollup(ctx context.Context, cs []policy.Commitment, ratings []policy.Evaluation) policy.Rollup {
	r := policy.RollUp(cs, today(ctx))
	r.Satisfaction = policy.SatisfactionOf(ratings)
	return r
}

// satisfactionText states satisfaction counts in words (满意 2，基本满意 1，不满意 0),
// or that there is no evaluation yet.
func satisfactionText(ctx context.Context, s *policy.RollupSatisfaction) string {
	if s == nil {
		return T(ctx, "roll.satisfaction.none")
	}
	return T(ctx, "roll.satisfaction.counts", s.Satisfied, s.Basic, s.Unsatisfied)
}

// anySatisfaction reports whether any of rows has evaluations, so that a
// table shows its satisfaction column.
func anySatisfaction(rows []policy.Rollup) bool {
	return slices.ContainsFunc(rows, func(r policy.Rollup) bool { return r.Satisfaction != nil })
}
