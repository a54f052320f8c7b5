package policy

import (
	"testing"
	"time"
)

func TestRollUpCountsLiveTopLevelCommitmentsOnce(t *testing.T) {
	day := func(s string) *time.Time {
		d, err := time.Parse("2006-01-02", s)
		if err != nil {
			t.Fatal(err)
		}
		return &d
	}
	pct := func(n int) *int { return &n }
	today := *day("2026-01-10")
	cs := []Commitment{
		{ID: 1, Status: StatusInProgress, DueOn: day("2025-12-31"), Progress: pct(75)}, // overdue
		{ID: 2, Status: StatusPlanned, DueOn: day("2026-02-01"), Progress: pct(20)},    // due soon
		{ID: 3, Status: StatusCompleted, DueOn: day("2020-01-01"), Progress: pct(100)}, // completed, never late
		{ID: 4, Status: StatusNotAssessed},                                             // no date, progress unknown
		{ID: 5, Status: StatusInProgress, DueOn: day("2025-01-01"), Progress: pct(0), WithdrawnAt: day("2025-06-01")},
		{ID: 6, ParentID: 1, Status: StatusBlocked, DueOn: day("2024-01-01"), Progress: pct(1)}, // a part: inside its parent
		{ID: 7, Status: StatusOngoing, PeriodEnd: day("2027-12-31")},                            // on time by its period
	}
	r := RollUp(cs, today)
	if r.Count != 5 || r.Completed != 1 || r.Overdue != 1 || r.DueSoon != 1 || r.NoDate != 1 || r.OnTime() != 2 || r.Known != 3 {
		t.Errorf("roll-up %+v", r)
	}
	if r.Mean == nil || *r.Mean != 65 {
		t.Errorf("mean of 75, 20 and 100: %v", r.Mean)
	}
	if r.CompletedPercent() != 20 {
		t.Errorf("completed percent %d", r.CompletedPercent())
	}
	if e := RollUp(nil, today); e.Mean != nil || e.Count != 0 || e.CompletedPercent() != 0 {
		t.Errorf("empty roll-up %+v", e)
	}
}

func TestSortUnits(t *testing.T) {
	mean := func(v float64) *float64 { return &v }
	units := []Rollup{
		{Key: "a", Label: "甲", Count: 2, Completed: 1, Overdue: 0, Mean: mean(50)},
		{Key: "b", Label: "乙", Count: 5, Completed: 0, Overdue: 3},
		{Key: "c", Label: "丙", Count: 1, Completed: 1, Overdue: 1, Mean: mean(90)},
	}
	for _, tc := range []struct {
		sort UnitSort
		want string
	}{
		{SortUnitsProgress, "cab"}, // highest mean first, unknown last
		{SortUnitsCount, "bac"},
		{SortUnitsCompleted, "cab"}, // ties by label: 丙 before 甲
		{SortUnitsOverdue, "bca"},
	} {
		rs := append([]Rollup(nil), units...)
		SortUnits(rs, tc.sort)
		got := ""
		for _, r := range rs {
			got += r.Key
		}
		if got != tc.want {
			t.Errorf("sort %q: %s, want %s", tc.sort, got, tc.want)
		}
	}
	if !ValidUnitSort("") || !ValidUnitSort("overdue") || ValidUnitSort("progress") || ValidUnitSort("bogus") {
		t.Errorf("ValidUnitSort accepts the wrong values")
	}
}
