package web

import (
	"context"
	"net/url"
	"time"

	"github.com/guizhou-portal/portal/internal/policy"
)

// asOfDay is the date the page shows the ledger at, "" for the present.
func asOfDay(ctx context.Context) string {
	if a, ok := policy.AsOfFrom(ctx); ok {
		return a.Day.Format(time.DateOnly)
	}
	return ""
}

// presentURL is the page's own address without as_of: the same page today.
func presentURL(ctx context.Context) string {
	next, _ := ctx.Value(PathKey{}).(string)
	u, err := url.Parse(next)
	if err != nil || next == "" {
		return "/"
	}
	q := u.Query()
	q.Del("as_of")
	u.RawQuery = q.Encode()
	return u.RequestURI()
}

// asOfParam is the day of t in China, as as_of takes it.
func asOfParam(t time.Time) string { return t.In(policy.China).Format(time.DateOnly) }
