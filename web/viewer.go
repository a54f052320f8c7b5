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

type reviewEditsKey struct{}

// WithReviewEdits returns ctx saying whether editors' changes to public values
// wait for a reviewer (PORTAL_EDITORS_PUBLISH=false).
func WithReviewEdits(ctx context.Context, on bool) context.Context {
	return context.WithValue(ctx, reviewEditsKey{}, on)
}

// CanPublish reports whether the signed-in account may change public values
// directly: any staff account, except an editor while edits are reviewed.
// The forms of the actions that have no review path (new commitment, parts,
// progress source, correcting or hiding an update, evidence, withdraw,
// restore, re-pinning and confirming quotes, publishing, grading, follow-ups)
// are offered only then.
func CanPublish(ctx context.Context) bool {
	u := UserFrom(ctx)
	review, _ := ctx.Value(reviewEditsKey{}).(bool)
	return u.CanEdit() && (!review || u.CanReview())
}
