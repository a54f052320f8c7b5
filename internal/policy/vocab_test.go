package policy_test

import (
	"testing"

	"github.com/guizhou-portal/portal/internal/policy"
)

func TestCompletedMeansAHundredPercentOrNothingStated(t *testing.T) {
	pct := func(n int) *int { return &n }
	for _, c := range []struct {
		status   policy.Status
		progress *int
		fits     bool
	}{
		{policy.StatusCompleted, nil, true},
		{policy.StatusCompleted, pct(100), true},
		{policy.StatusCompleted, pct(99), false},
		{policy.StatusCompleted, pct(0), false},
		{policy.StatusInProgress, pct(40), true},
		{policy.StatusInProgress, pct(100), true},
		{policy.StatusPlanned, nil, true},
	} {
		if got := c.status.ProgressFits(c.progress); got != c.fits {
			t.Errorf("%s with %v: fits %v, want %v", c.status, c.progress, got, c.fits)
		}
	}
}
