package web

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/guizhou-portal/portal/internal/i18n"
	"github.com/guizhou-portal/portal/internal/policy"
)

// T renders a message of the catalogue in the request's language.
func T(ctx context.Context, id string, args ...any) string { return i18n.From(ctx).T(id, args...) }

func english(ctx context.Context) bool { return i18n.From(ctx).English() }

// themeName is a section theme's name in the interface language.
func themeName(ctx context.Context, t policy.Theme) string {
	switch {
	case t.Key == "":
		return T(ctx, "theme.none")
	case english(ctx) && t.NameEN != "":
		return t.NameEN
	default:
		return t.NameZH
	}
}

func statusName(ctx context.Context, s policy.Status) string { return T(ctx, "status."+string(s)) }

func kindName(ctx context.Context, k policy.CommitmentKind) string { return T(ctx, "ckind."+string(k)) }

func strengthName(ctx context.Context, s policy.Strength) string {
	return T(ctx, "strength."+string(s))
}

// entityKindName names a kind of entity as a group (Companies); entityKindOne
// names the kind of one entity (Company).
func entityKindName(ctx context.Context, k policy.EntityKind) string {
	return T(ctx, "ekind."+string(k))
}

func entityKindOne(ctx context.Context, k policy.EntityKind) string {
	return T(ctx, "ekind1."+string(k))
}

// actionName names an audit action; an unknown one shows as recorded.
func actionName(ctx context.Context, action string) string {
	if id := "action." + action; i18n.Has(id) {
		return T(ctx, id)
	}
	return action
}

// fieldLabel names a field of the history; a field the catalogue lacks keeps
// the Chinese label it was recorded with.
func fieldLabel(ctx context.Context, key, label string) string {
	if id := "field." + key; key != "" && i18n.Has(id) {
		return T(ctx, id)
	}
	return label
}

// fieldValues name the coded values of history fields through the catalogue.
var fieldValues = map[string]string{"status": "status.", "verified_status": "status.", "kind": "ckind.", "strength": "strength.", "role": "urole.",
	"withdrawn": "bool.", "disabled": "bool.", "update_hidden": "bool."}

// fieldValue writes a recorded value in the reader's language: a code is named
// through the catalogue, anything else is shown as recorded.
func fieldValue(ctx context.Context, key, v string) string {
	if prefix, ok := fieldValues[key]; ok && v != "" && i18n.Has(prefix+v) {
		return T(ctx, prefix+v)
	}
	return v
}

func docKindName(ctx context.Context, k policy.DocumentKind) string {
	return T(ctx, "dkind."+string(k))
}

func figureKindName(ctx context.Context, k policy.FigureKind) string {
	return T(ctx, "fkind."+string(k))
}

func roleName(ctx context.Context, r policy.LayoutRole) string { return T(ctx, "role."+string(r)) }

// localDate writes a date as the language writes it: 2023年6月28日, 28 June 2023.
func localDate(ctx context.Context, t *time.Time) string {
	if t == nil {
		return ""
	}
	if english(ctx) {
		return t.Format("2 January 2006")
	}
	return chineseDate(t)
}

// divisionName is a division's short name in the interface language.
func divisionName(ctx context.Context, d policy.Division) string {
	if english(ctx) {
		return d.NameEN
	}
	return d.Short
}

// qualified writes an amount with its qualifier: 超过 50, 1000 (量级).
func qualified(ctx context.Context, qualifier, amount string) string {
	switch qualifier {
	case "more_than":
		return T(ctx, "qual.more_than", amount)
	case "order_of":
		return T(ctx, "qual.order_of", amount)
	}
	return amount
}

func yearString(y int) string { return fmt.Sprint(y) }

// PathKey is the context key WithPath keeps the request's path and query
// under. A context that carries them by other means answers Value(PathKey{})
// with the string.
type PathKey struct{}

// WithPath records the request's path and query in ctx, so that the language
// switch can come back to the same page.
func WithPath(ctx context.Context, path string) context.Context {
	return context.WithValue(ctx, PathKey{}, path)
}

// maxReturnPath is the longest request URI a link repeats to come back to
// the page (the language switch, the login link).
const maxReturnPath = 512

// returnPath is the page to come back to: the request's path and query, the
// path alone when that is longer than maxReturnPath (a pasted 10,000-character
// search comes back to the page, not the query), and "" when even the path is
// longer, so that no page grows with its request.
func returnPath(ctx context.Context) string {
	p, _ := ctx.Value(PathKey{}).(string)
	// A proposer's evaluation link is a secret: it must not travel in next=
	// to the login or language pages (and on into their logs and referrers).
	if rest, ok := strings.CutPrefix(p, "/evaluations/"); ok && rest != "thanks" && !strings.HasPrefix(rest, "thanks?") {
		return ""
	}
	if len(p) > maxReturnPath {
		p, _, _ = strings.Cut(p, "?")
	}
	if len(p) > maxReturnPath {
		return ""
	}
	return p
}

// otherLang is the code of the language the switch offers.
func otherLang(ctx context.Context) string {
	if english(ctx) {
		return "zh"
	}
	return "en"
}

// switchURL is the link that sets the other language and returns to this page.
func switchURL(ctx context.Context) string {
	next := returnPath(ctx)
	if next == "" {
		next = "/"
	}
	return "/lang/" + otherLang(ctx) + "?next=" + url.QueryEscape(next)
}

// interfaceLang is the interface language's tag, for marking interface text
// inside an element that holds the documents' Chinese.
func interfaceLang(ctx context.Context) string { return i18n.From(ctx).HTMLLang() }

// paren puts s in parentheses as the interface language writes them:
// full-width and without a space in Chinese, half-width after a space in English.
func paren(ctx context.Context, s string) string {
	if english(ctx) {
		return " (" + s + ")"
	}
	return "（" + s + "）"
}

// colon is the colon between a label and its value: full-width in Chinese.
func colon(ctx context.Context) string {
	if english(ctx) {
		return ": "
	}
	return "："
}
