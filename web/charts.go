package web

import (
	"context"
	"fmt"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/guizhou-portal/portal/internal/i18n"
	"github.com/guizhou-portal/portal/internal/policy"
)

// The dashboard's charts are drawn here as plain SVG geometry; the templ
// components only lay the numbers out. Every series has a colour, a fill
// pattern and a legend label, so no reading depends on telling colours apart,
// and every chart has a text summary and a data table with the same numbers.

// Series is one kind of bar segment: a status, a strength.
type Series struct {
	Key   string
	Label string
	Class string // CSS class that gives its colour and pattern
}

// BarSegment is one part of a stacked bar.
type BarSegment struct {
	Series Series
	Value  int
	X, W   float64
	Href   string
}

// BarRow is one stacked bar with its label.
type BarRow struct {
	Label    string
	Href     string
	Note     string // shown after the bar: the total and share completed
	Segments []BarSegment
	Total    int
}

// BarChart is a horizontal stacked bar chart and the table behind it.
type BarChart struct {
	ID      string
	Title   string
	Summary string // the text alternative: what the chart says, in a sentence or two
	Series  []Series
	Rows    []BarRow
}

// Geometry of the bar charts, in SVG user units.
const (
	chartWidth = 720.0
	barLeft    = 4.0
	barSpan    = 520.0 // the width of the longest bar
	rowHeight  = 46.0
	barHeight  = 20.0
	barTop     = 20.0 // from the top of a row: its label comes first
)

// Height is the chart's height in SVG units.
func (c BarChart) Height() float64 { return float64(len(c.Rows))*rowHeight + 8 }

func rowY(i int) float64 { return float64(i) * rowHeight }

// layout scales every row against the largest total.
func (c *BarChart) layout() {
	maxTotal := 0
	for _, r := range c.Rows {
		maxTotal = max(maxTotal, r.Total)
	}
	if maxTotal == 0 {
		return
	}
	for i := range c.Rows {
		x := barLeft
		for j := range c.Rows[i].Segments {
			s := &c.Rows[i].Segments[j]
			s.X = x
			s.W = barSpan * float64(s.Value) / float64(maxTotal)
			x += s.W
		}
	}
}

// seriesOf is a series per value of a vocabulary, named from the catalogue
// under prefix and styled by class plus the value.
func seriesOf[T ~string](ctx context.Context, values []T, prefix, class string) []Series {
	l := i18n.From(ctx)
	out := make([]Series, len(values))
	for i, v := range values {
		out[i] = Series{Key: string(v), Label: l.T(prefix + string(v)), Class: class + string(v)}
	}
	return out
}

// tallyChart fills in c's rows and lays it out: the commitments of every
// theme stacked by c's series, with the overall total as its first row.
// count is a theme's commitments of one series, note a row's note; a
// segment links to the list at list narrowed by param to its series.
func tallyChart(ctx context.Context, c BarChart, d *policy.Dashboard, list, param string,
	count func(t policy.ThemeTally, key string) int, note func(t policy.ThemeTally) string) BarChart {
	l := i18n.From(ctx)
	row := func(t policy.ThemeTally, label, base string) BarRow {
		r := BarRow{Label: label, Href: base, Total: t.Total, Note: note(t)}
		for _, s := range c.Series {
			if n := count(t, s.Key); n > 0 {
				r.Segments = append(r.Segments, BarSegment{Series: s, Value: n, Href: addParam(base, param, s.Key)})
			}
		}
		return r
	}
	c.Rows = append(c.Rows, row(d.Total, l.T("dash.all"), list))
	for _, t := range d.Themes {
		base := list
		if t.Theme.Key != "" {
			base = addParam(base, "section", t.Theme.Key)
		}
		c.Rows = append(c.Rows, row(t, themeName(ctx, t.Theme), base))
	}
	c.layout()
	return c
}

// statusChart is the commitments of every theme, stacked by status, with the
// overall total as its first row. Its links go to the commitments list at
// list, which may be narrowed to one document.
func statusChart(ctx context.Context, d *policy.Dashboard, list string) BarChart {
	l, all := i18n.From(ctx), d.Total
	return tallyChart(ctx, BarChart{ID: "by-status", Title: l.T("dash.status.title"),
		Series: seriesOf(ctx, policy.Statuses, "status.", "s-"),
		Summary: l.T("dash.status.summary", all.Total, all.Completed(), all.Percent(),
			all.ByStatus[policy.StatusInProgress]+all.ByStatus[policy.StatusOngoing], all.ByStatus[policy.StatusPlanned],
			all.ByStatus[policy.StatusBlocked]+all.ByStatus[policy.StatusDropped], all.ByStatus[policy.StatusNotAssessed]),
	}, d, list, "status",
		func(t policy.ThemeTally, key string) int { return t.ByStatus[policy.Status(key)] },
		func(t policy.ThemeTally) string { return l.T("dash.status.note", t.Total, t.Completed(), t.Percent()) })
}

// strengthChart is the mix of definite and aspirational commitments per
// theme, linking to the commitments list at list.
func strengthChart(ctx context.Context, d *policy.Dashboard, list string) BarChart {
	l := i18n.From(ctx)
	definite, aspirational := d.Total.ByStrength[policy.StrengthDefinite], d.Total.ByStrength[policy.StrengthAspirational]
	return tallyChart(ctx, BarChart{ID: "by-strength", Title: l.T("dash.strength.title"),
		Series:  seriesOf(ctx, policy.Strengths, "strength.", "g-"),
		Summary: l.T("dash.strength.summary", d.Total.Total, definite, aspirational),
	}, d, list, "strength",
		func(t policy.ThemeTally, key string) int { return t.ByStrength[policy.Strength(key)] },
		func(t policy.ThemeTally) string {
			return l.T("dash.strength.note", t.ByStrength[policy.StrengthDefinite], t.ByStrength[policy.StrengthAspirational])
		})
}

func addParam(u, k, v string) string {
	if strings.Contains(u, "?") {
		return u + "&" + k + "=" + v
	}
	return u + "?" + k + "=" + v
}

// MoneyBar is one sum of money drawn to scale.
type MoneyBar struct {
	Figure policy.MoneyFigure
	Y, W   float64
}

// MoneyGroupView is the bars of one kind of money with the group's heading.
type MoneyGroupView struct {
	Group policy.MoneyGroup
	Y     float64 // of the heading
	Bars  []MoneyBar
}

// MoneyChart is every sum of money, in 亿元 on one linear scale, grouped by kind.
type MoneyChart struct {
	Groups     []MoneyGroupView
	Magnitudes []policy.MoneyFigure // orders of magnitude: listed beside the chart, never drawn
	Height     float64
	Max        *big.Rat
	Ticks      []MoneyTick
}

// MoneyTick is a gridline of the money chart's scale.
type MoneyTick struct {
	X     float64
	Label string
}

const (
	moneyLabelW = 250.0 // room for the quote and the amount left of the bars
	moneySpan   = 440.0
	moneyRow    = 24.0
)

func moneyChart(d *policy.Dashboard) MoneyChart {
	c := MoneyChart{Max: d.MoneyMax, Magnitudes: d.Magnitudes}
	y := 24.0 // below the scale
	maxF, _ := d.MoneyMax.Float64()
	for _, g := range d.Money {
		v := MoneyGroupView{Group: g, Y: y}
		y += moneyRow
		for _, f := range g.Figures {
			val, _ := f.Yi.Float64()
			w := 0.0
			if maxF > 0 {
				w = moneySpan * val / maxF
			}
			v.Bars = append(v.Bars, MoneyBar{Figure: f, Y: y, W: max(w, 1)}) // a hair's width stays visible
			y += moneyRow
		}
		c.Groups = append(c.Groups, v)
		y += 6
	}
	c.Height = y
	if maxF > 0 {
		step := niceStep(maxF / 4)
		for t := 0.0; t <= maxF*1.0001; t += step {
			c.Ticks = append(c.Ticks, MoneyTick{X: moneyLabelW + moneySpan*t/maxF, Label: strconv.FormatFloat(t, 'f', -1, 64)})
		}
	}
	return c
}

// niceStep rounds a step up to 1, 2 or 5 times a power of ten.
func niceStep(raw float64) float64 {
	p := 1.0
	for p*10 <= raw {
		p *= 10
	}
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= raw {
			return m * p
		}
	}
	return 10 * p
}

// Yi writes an amount in 亿元 exactly, without trailing zeros: 3.9932782, 588.7.
func Yi(r *big.Rat) string {
	if r == nil {
		return ""
	}
	s := r.FloatString(10)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

// TimelineView places the dashboard's timeline on a calendar axis.
type TimelineView struct {
	From, To int // the years at the ends of the axis
	Rows     []TimelineRow
	Years    []YearTick
	TodayX   float64
	ReplyX   float64
	Height   float64
}

// Commitments counts the rows that are commitments rather than dates of the text.
func (v TimelineView) Commitments() int {
	n := 0
	for _, r := range v.Rows {
		if r.Entry.Mention == nil {
			n++
		}
	}
	return n
}

// TimelineRow is one commitment with a time frame, or one date of the text.
type TimelineRow struct {
	Entry policy.TimelineEntry
	Y     float64
	X, W  float64 // the bar of its period; zero width for a relative time frame
}

// YearTick is a year on the timeline's axis.
type YearTick struct {
	X    float64
	Year int
}

const (
	tlLeft  = 8.0
	tlSpan  = 700.0
	tlRow   = 34.0
	tlAxisY = 22.0
)

func timelineView(d *policy.Dashboard, replyDate *time.Time) TimelineView {
	v := TimelineView{From: d.Today.Year(), To: d.Today.Year() + 1}
	widen := func(t *time.Time) {
		if t != nil {
			v.From = min(v.From, t.Year())
			v.To = max(v.To, t.Year()+1)
		}
	}
	for _, e := range d.Timeline {
		widen(e.Start)
		widen(e.End)
		widen(e.Due)
	}
	widen(replyDate)
	from := time.Date(v.From, 1, 1, 0, 0, 0, 0, time.UTC)
	days := time.Date(v.To, 1, 1, 0, 0, 0, 0, time.UTC).Sub(from).Hours() / 24
	x := func(t time.Time) float64 {
		t = time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
		return tlLeft + tlSpan*(t.Sub(from).Hours()/24)/days
	}
	for y := v.From; y <= v.To; y++ {
		v.Years = append(v.Years, YearTick{X: x(time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)), Year: y})
	}
	v.TodayX = x(d.Today)
	if replyDate != nil {
		v.ReplyX = x(*replyDate)
	}
	// In calendar order; a relative time frame counts from the reply's date.
	entries := slices.Clone(d.Timeline)
	at := func(e policy.TimelineEntry) time.Time {
		switch {
		case e.Start != nil:
			return *e.Start
		case e.Due != nil:
			return *e.Due
		case replyDate != nil:
			return *replyDate
		}
		return d.Today
	}
	slices.SortStableFunc(entries, func(a, b policy.TimelineEntry) int { return at(a).Compare(at(b)) })
	y := tlAxisY + 14
	for _, e := range entries {
		r := TimelineRow{Entry: e, Y: y}
		switch {
		case !e.Relative():
			r.X = x(*e.Start)
			r.W = max(x(e.End.AddDate(0, 0, 1))-r.X, 3)
		case e.Due != nil:
			r.X = x(*e.Due)
		default:
			r.X = v.ReplyX
		}
		v.Rows = append(v.Rows, r)
		y += tlRow
	}
	v.Height = y + 4
	return v
}

func px(v float64) string { return fmt.Sprintf("%.1f", v) }
