package policy_test

import (
	"strings"
	"testing"
	"time"

	"github.com/guizhou-portal/portal/internal/policy"
)

func TestNormalizeEmail(t *testing.T) {
	for _, c := range []struct {
		in, want string
		ok       bool
	}{
		{"Li.Ming@Example.GOV.cn", "Li.Ming@example.gov.cn", true},
		{"  a@b.cn ", "a@b.cn", true},
		{"", "", false},
		{"no-at.example.cn", "", false},
		{"a@localhost", "", false},
		{"a@b.cn\r\nBcc: x@y.cn", "", false},
		{"a@b.cn\nSubject: hi", "", false},
		{"Ming <a@b.cn>", "", false},
		{"a@b.cn, c@d.cn", "", false},
		{strings.Repeat("a", 250) + "@b.cn", "", false},
	} {
		got, ok := policy.NormalizeEmail(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("NormalizeEmail(%q) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func TestReminderDue(t *testing.T) {
	day := func(s string) time.Time { d, _ := time.Parse("2006-01-02", s); return d }
	due := day("2026-06-30")
	for _, c := range []struct {
		today string
		last  map[string]time.Time
		want  string
	}{
		{"2026-05-01", nil, ""},
		{"2026-05-31", nil, policy.ReminderDue30},
		{"2026-06-02", map[string]time.Time{policy.ReminderDue30: day("2026-05-31")}, ""},
		{"2026-06-23", map[string]time.Time{policy.ReminderDue30: day("2026-05-31")}, policy.ReminderDue7},
		{"2026-06-25", map[string]time.Time{policy.ReminderDue7: day("2026-06-23")}, ""},
		{"2026-06-30", map[string]time.Time{policy.ReminderDue7: day("2026-06-23")}, ""},
		{"2026-07-01", nil, policy.ReminderOverdue},
		{"2026-07-05", map[string]time.Time{policy.ReminderOverdue: day("2026-07-01")}, ""},
		{"2026-07-08", map[string]time.Time{policy.ReminderOverdue: day("2026-07-01")}, policy.ReminderOverdue},
	} {
		if got := policy.ReminderDue(day(c.today), due, c.last); got != c.want {
			t.Errorf("on %s: %q, want %q", c.today, got, c.want)
		}
	}
}
