package policy_test

import (
	"strings"
	"testing"
	"time"

	"github.com/guizhou-portal/portal/internal/policy"
)

func TestEvaluationTokens(t *testing.T) {
	a, b := policy.NewEvaluationToken(), policy.NewEvaluationToken()
	if a == b || !a.WellFormed() || !b.WellFormed() {
		t.Fatalf("two new tokens %q %q", a, b)
	}
	if string(a.Hash()) == string(b.Hash()) || len(a.Hash()) != 32 {
		t.Errorf("hashes of two tokens")
	}
	for _, bad := range []string{"", string(a[:42]), string(a) + "A", strings.Repeat("=", 43), string(a[:42]) + "+",
		string(a[:42]) + "B", // the last character carries 4 bits: B sets a padding bit
	} {
		if policy.EvaluationToken(bad).WellFormed() {
			t.Errorf("%q is well formed", bad)
		}
	}
}

func TestEvaluationLinkStates(t *testing.T) {
	now := time.Date(2026, 12, 3, 2, 0, 0, 0, time.UTC)
	at := func(d time.Duration) *time.Time { v := now.Add(d); return &v }
	for _, c := range []struct {
		link policy.EvaluationLink
		want policy.LinkState
	}{
		{policy.EvaluationLink{ExpiresAt: now.Add(time.Second)}, policy.LinkIssued},
		{policy.EvaluationLink{ExpiresAt: now}, policy.LinkExpired},
		{policy.EvaluationLink{ExpiresAt: now.Add(-time.Hour), UsedAt: at(-2 * time.Hour)}, policy.LinkUsed},
		{policy.EvaluationLink{ExpiresAt: now.Add(time.Hour), RevokedAt: at(-time.Hour)}, policy.LinkRevoked},
	} {
		if got := c.link.StateAt(now); got != c.want {
			t.Errorf("%+v: %s, want %s", c.link, got, c.want)
		}
	}
}

func TestFollowUpTimeliness(t *testing.T) {
	opened := time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)
	due := policy.FollowUpDue(opened)
	if !due.Equal(time.Date(2027, 3, 3, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("due %v", due)
	}
	f := policy.FollowUp{DueOn: due}
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	for _, c := range []struct {
		today  time.Time
		closed bool
		want   policy.Timeliness
	}{
		{day(2026, 12, 3), false, policy.TimelinessOnTime},
		{day(2027, 2, 1), false, policy.TimelinessDueSoon},
		{day(2027, 3, 3), false, policy.TimelinessDueSoon},
		{day(2027, 3, 4), false, policy.TimelinessOverdue},
		{day(2027, 3, 4), true, policy.TimelinessOnTime},
	} {
		g := f
		if c.closed {
			g.ClosedAt = &c.today
		}
		if got := g.TimelinessOn(c.today); got != c.want {
			t.Errorf("on %s (closed %v): %s, want %s", c.today.Format(time.DateOnly), c.closed, got, c.want)
		}
	}
}

func TestCleanComment(t *testing.T) {
	for in, want := range map[string]string{
		"  答复认真。\r\n希望加快进度。 ": "答复认真。\n希望加快进度。",
		"a\x00b\x1bc\td": "abc\td",
		"\n\n":           "",
	} {
		if got := policy.CleanComment(in); got != want {
			t.Errorf("CleanComment(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPublicEvaluationHidesAPrivateComment(t *testing.T) {
	e := policy.Evaluation{Comment: "内部意见"}
	if e.Public().Comment != "" {
		t.Errorf("a private comment is public")
	}
	e.CommentPublic = true
	if e.Public().Comment != "内部意见" {
		t.Errorf("a public comment is hidden")
	}
}
