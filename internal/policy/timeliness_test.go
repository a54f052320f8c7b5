package policy

import (
	"testing"
	"time"
)

func TestTimelinessOn(t *testing.T) {
	day := func(s string) *time.Time {
		d, err := time.Parse("2006-01-02", s)
		if err != nil {
			t.Fatal(err)
		}
		return &d
	}
	today := *day("2026-01-10")
	withdrawn := time.Now()
	for _, tc := range []struct {
		name string
		c    Commitment
		want Timeliness
	}{
		{"no date", Commitment{Status: StatusInProgress}, TimelinessNoDate},
		{"closed without date", Commitment{Status: StatusCompleted}, TimelinessNoDate},
		{"past due", Commitment{Status: StatusInProgress, DueOn: day("2025-12-31")}, TimelinessOverdue},
		{"due today", Commitment{Status: StatusInProgress, DueOn: day("2026-01-10")}, TimelinessDueSoon},
		{"due in 30 days", Commitment{Status: StatusPlanned, DueOn: day("2026-02-09")}, TimelinessDueSoon},
		{"due in 31 days", Commitment{Status: StatusPlanned, DueOn: day("2026-02-10")}, TimelinessOnTime},
		{"period end when no due date", Commitment{Status: StatusInProgress, PeriodEnd: day("2025-12-31")}, TimelinessOverdue},
		{"due date before period end", Commitment{Status: StatusInProgress, DueOn: day("2027-01-01"), PeriodEnd: day("2025-12-31")}, TimelinessOnTime},
		{"completed is never late", Commitment{Status: StatusCompleted, DueOn: day("2020-01-01")}, TimelinessOnTime},
		{"dropped is never late", Commitment{Status: StatusDropped, DueOn: day("2020-01-01")}, TimelinessOnTime},
		{"withdrawn is never late", Commitment{Status: StatusInProgress, DueOn: day("2020-01-01"), WithdrawnAt: &withdrawn}, TimelinessOnTime},
	} {
		if got := tc.c.TimelinessOn(today); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
}
