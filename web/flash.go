package web

import "context"

type flashKey struct{}

// WithFlash returns ctx carrying a one-shot message for the page (its
// catalogue ID): what the last form did, shown once by the layout. Only staff
// pages, which are never cached, carry one.
func WithFlash(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, flashKey{}, id)
}

// flashFrom is the one-shot message of the page, or "".
func flashFrom(ctx context.Context) string {
	id, _ := ctx.Value(flashKey{}).(string)
	return id
}
