package policy

import (
	"context"
	"time"
)

// AsOf is a past date at which a reader asks to see the ledger: the public
// values of commitments as they stood at the end of that day in China.
type AsOf struct {
	Day time.Time // the date, a UTC midnight like Today's
	End time.Time // the instant the day ends in China: what was recorded before it counts
}

// NewAsOf is the ledger at the end of day (any time of it is ignored).
func NewAsOf(day time.Time) AsOf {
	y, m, d := day.Date()
	return AsOf{Day: time.Date(y, m, d, 0, 0, 0, 0, time.UTC), End: time.Date(y, m, d+1, 0, 0, 0, 0, China)}
}

// ParseAsOf reads an as_of parameter (YYYY-MM-DD). A date that is not one, or
// is later than today, is EINVALID; so is one before start, the day the ledger
// begins (the first commitment was recorded), which the message names.
func ParseAsOf(text string, today, start time.Time) (AsOf, error) {
	day, err := time.Parse(time.DateOnly, text)
	if err != nil {
		return AsOf{}, Errorm(EINVALID, "err.as_of.format", text)
	}
	if day.After(today) {
		return AsOf{}, Errorm(EINVALID, "err.as_of.future", text, today.Format(time.DateOnly))
	}
	if first := Today(start); day.Before(first) {
		return AsOf{}, Errorm(EINVALID, "err.as_of.early", text, first.Format(time.DateOnly))
	}
	return NewAsOf(day), nil
}

type asOfKey struct{}

// WithAsOf returns ctx whose reads of commitments give their values at a.
func WithAsOf(ctx context.Context, a AsOf) context.Context {
	return context.WithValue(ctx, asOfKey{}, a)
}

// AsOfFrom is the date ctx's reads are for; ok is false for the present.
func AsOfFrom(ctx context.Context) (AsOf, bool) {
	a, ok := ctx.Value(asOfKey{}).(AsOf)
	return a, ok && !a.End.IsZero()
}

// Present returns ctx whose reads are for the present, whatever date it held.
func Present(ctx context.Context) context.Context { return WithAsOf(ctx, AsOf{}) }
