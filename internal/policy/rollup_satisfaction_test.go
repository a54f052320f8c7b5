package policy

import (
	"testing"
	"time"
)

func TestRollupSatisfactionCountsEachRatingOnce(t *testing.T) {
	evals := []Evaluation{
		{Rating: RatingSatisfied, Sections: []SectionRating{{SectionID: 1, Rating: RatingUnsatisfied}, {SectionID: 2, Rating: RatingSatisfied}}},
		{Rating: RatingUnsatisfied, Sections: []SectionRating{{SectionID: 1, Rating: RatingBasically}}},
		{Rating: RatingSatisfied},
	}
	if got := SatisfactionOf(evals); got == nil || *got != (RollupSatisfaction{Satisfied: 2, Unsatisfied: 1}) || got.Total() != 3 {
		t.Errorf("document: %+v", got)
	}
	if got := SatisfactionOf(nil); got != nil {
		t.Errorf("no evaluations gave %+v, want none", got)
	}
	if got := SectionSatisfaction(evals, 1); got == nil || *got != (RollupSatisfaction{Basic: 1, Unsatisfied: 1}) {
		t.Errorf("section 1: %+v", got)
	}
	if got := SectionSatisfaction(evals, 3); got != nil {
		t.Errorf("an unrated section gave %+v, want none", got)
	}
	sections := []*Section{{ID: 1, Anchor: "s1"}, {ID: 2, Anchor: "s2"}, {ID: 3, Anchor: "s3"}}
	cs := []Commitment{{ID: 1, TopSection: Section{Anchor: "s1"}}, {ID: 2, TopSection: Section{Anchor: "s2"}}, {ID: 3, TopSection: Section{Anchor: "s3"}}}
	doc, rows := RollUpDocument(sections, cs, evals, time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC))
	if doc.Count != 3 || doc.Satisfaction == nil || doc.Satisfaction.Total() != 3 || len(rows) != 3 {
		t.Fatalf("document roll-up %+v, %d rows", doc, len(rows))
	}
	if rows[0].Satisfaction.Total() != 2 || rows[1].Satisfaction.Satisfied != 1 || rows[2].Satisfaction != nil {
		t.Errorf("sections: %+v %+v %+v", rows[0].Satisfaction, rows[1].Satisfaction, rows[2].Satisfaction)
	}
}
