package web

import (
	"context"
	"net/url"
	"strings"

	"github.com/guizhou-portal/portal/internal/policy"
)

type userKey struct{}

// WithUser returns ctx carrying the signed-in account, for the layout and pages
// that show staff controls.
func WithUser(ctx context.Context, u *policy.User) context.Context {
	return context.WithValue(ctx, userKey{}, u)
}

// UserFrom returns the signed-in account, or nil for the public.
func UserFrom(ctx context.Context) *policy.User {
	u, _ := ctx.Value(userKey{}).(*policy.User)
	return u
}

// loginURL is the login page, returning to the current page afterwards.
func loginURL(ctx context.Context) string {
	p := returnPath(ctx)
	if p == "" || p == "/" || strings.HasPrefix(p, "/login") {
		return "/login"
	}
	return "/login?next=" + url.QueryEscape(p)
}
