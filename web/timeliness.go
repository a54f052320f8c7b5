package web

import (
	"context"
	"time"

	"github.com/guizhou-portal/portal/internal/policy"
)

// TodayKey is the context key WithToday keeps the day under. A context that
// carries it by other means answers Value(TodayKey{}) with the time.Time.
type TodayKey struct{}

// WithToday returns ctx carrying the day by which pages judge what is late
// (the server's clock, which tests fix).
func WithToday(ctx context.Context, today time.Time) context.Context {
	return context.WithValue(ctx, TodayKey{}, today)
}

// today is the day ctx carries, else the current date in China.
func today(ctx context.Context) time.Time {
	if t, ok := ctx.Value(TodayKey{}).(time.Time); ok {
		return t
	}
	return policy.Today(time.Now())
}

// timeliness is c's timeliness on the request's day.
func timeliness(ctx context.Context, c policy.Commitment) policy.Timeliness {
	return c.TimelinessOn(today(ctx))
}

// timelinessGlyph marks a timeliness besides its colour and words, so that
// it reads in black and white and without colour vision. Due soon has no
// character: "⏳" is in no CJK font (Noto CJK drew a box), so style.css
// draws an hourglass from borders in its empty span.
func timelinessGlyph(t policy.Timeliness) string {
	switch t {
	case policy.TimelinessOverdue:
		return "⚠"
	case policy.TimelinessDueSoon:
		return ""
	case policy.TimelinessNoDate:
		return "–"
	}
	return "✓"
}

// chinaDay is the moment at as a date in China, where the portal's readers are.
func chinaDay(at *time.Time) *time.Time {
	if at == nil {
		return nil
	}
	d := policy.Today(*at)
	return &d
}
