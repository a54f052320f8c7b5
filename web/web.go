// Package web holds the portal's templ components and static assets. Components
// are pure functions of policy types and small view models; they never touch the
// database.
package web

import (
	"context"
	"embed"
	"fmt"
	"math/big"
	"net/url"
	"strings"
	"time"

	"github.com/guizhou-portal/portal/internal/policy"
)

// Static holds the stylesheet and other assets, served under /static/.
//
//go:embed static
var Static embed.FS

// chineseDate formats a date the way the documents do: 2023年6月28日.
func chineseDate(t *time.Time) string {
	if t == nil {
		return ""
	}
	return fmt.Sprintf("%d年%d月%d日", t.Year(), int(t.Month()), t.Day())
}

// dateTime formats a local timestamp as the site publishes it.
func dateTime(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.Format("2006-01-02 15:04:05")
}

// baseAmount writes a figure's normalised value with thousands separators and
// its base unit, e.g. 399,328,200 元.
func baseAmount(ctx context.Context, f policy.Figure) string {
	if f.Kind == policy.FigureRating {
		return f.Quote // a grade is not a quantity to convert
	}
	r, ok := new(big.Rat).SetString(f.BaseValue)
	if !ok {
		return f.BaseValue
	}
	if f.BaseUnit == "yuan" {
		return moneyAmount(ctx, r)
	}
	s := r.FloatString(0)
	if !r.IsInt() {
		s = strings.TrimRight(strings.TrimRight(r.FloatString(4), "0"), ".")
	}
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if frac != "" {
		b.WriteString("." + frac)
	}
	return b.String() + " " + T(ctx, "unit."+f.BaseUnit)
}

// moneyAmount is a sum of yuan as its readers count money: in 亿元 (10^8
// yuan) in Chinese, which is how the documents write large sums, and in
// billions or millions of yuan in English; never a twelve-digit number.
func moneyAmount(ctx context.Context, yuan *big.Rat) string {
	trim := func(r *big.Rat) string {
		s := r.FloatString(6)
		return strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	if !english(ctx) {
		if yuan.Cmp(big.NewRat(10_000, 1)) < 0 {
			return trim(yuan) + " 元"
		}
		return trim(new(big.Rat).Quo(yuan, policy.YuanPerYi)) + " 亿元"
	}
	if yuan.Cmp(big.NewRat(1_000_000_000, 1)) >= 0 {
		return trim(new(big.Rat).Quo(yuan, big.NewRat(1_000_000_000, 1))) + " billion yuan"
	}
	if yuan.Cmp(big.NewRat(1_000_000, 1)) >= 0 {
		return trim(new(big.Rat).Quo(yuan, big.NewRat(1_000_000, 1))) + " million yuan"
	}
	return trim(yuan) + " yuan"
}

// wholeParagraph is a context width larger than any paragraph, for showing a
// quote within its whole paragraph.
const wholeParagraph = 1 << 20

func documentURL(slug string) string { return "/documents/" + url.PathEscape(slug) }

func paragraphURL(p policy.Place) string { return documentURL(p.DocumentSlug) + "#" + p.Anchor() }

func sectionURL(docSlug, anchor string) string {
	return documentURL(docSlug) + "/sections/" + url.PathEscape(anchor)
}

func commitmentURL(id int64) string { return fmt.Sprintf("/commitments/%d", id) }

func entityURL(slug string) string { return "/entities/" + url.PathEscape(slug) }

func percent(p *int) string {
	if p == nil {
		return "—"
	}
	return fmt.Sprintf("%d%%", *p)
}

// period is a commitment's time frame as the text gives it, or 未载明.
func period(ctx context.Context, c policy.Commitment) string {
	if c.TimeFrame == "" {
		return T(ctx, "c.notstated")
	}
	return c.TimeFrame
}

func relationName(ctx context.Context, r policy.LinkRelation) string { return T(ctx, "rel."+string(r)) }

func roleClass(r policy.ParagraphRole) string { return "para para-" + string(r) }

// shortRef is the 承诺 N part of a commitment annotation's label, in the
// interface language.
func shortRef(ctx context.Context, label string) string {
	ref, _, _ := strings.Cut(label, ":")
	if n, ok := strings.CutPrefix(ref, "承诺 "); ok {
		return T(ctx, "c.ref", n)
	}
	return ref
}

func isoDate(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.Format("2006-01-02")
}

// orDash shows an empty value as a dash, so an empty table cell reads as "none".
func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// instant formats a moment of the portal's own record (a change, a login) in
// Beijing time.
func instant(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.In(policy.China).Format("2006-01-02 15:04")
}
