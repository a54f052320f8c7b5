package policy

import (
	"math/big"
	"strings"
	"time"
)

// Dashboard is what the dashboard shows: commitments tallied by section theme,
// status and strength, every sum of money in 亿元, and a timeline of every dated
// commitment. It is computed from plain lists, so the figures it shows can be
// checked against the database.
type Dashboard struct {
	Themes   []ThemeTally // in theme order, then commitments without a theme
	Total    ThemeTally   // all commitments
	Money    []MoneyGroup // by kind (funds, investment, output); only kinds with amounts
	MoneyMax *big.Rat     // the largest single amount, in 亿元, the scale of the bars
	// Magnitudes are the orders of magnitude (千亿级) the text names: no
	// amount, so neither drawn to scale nor added to one.
	Magnitudes []MoneyFigure
	Timeline   []TimelineEntry
	// Mentions are every date and time frame in the documents' text.
	Mentions []TimeMention
	Today    time.Time
	// UpdatedAt is the last change to any of the commitments; nil for none.
	UpdatedAt *time.Time
}

// ThemeTally counts the commitments of one section theme.
type ThemeTally struct {
	Theme      Theme // zero for the total
	ByStatus   map[Status]int
	ByStrength map[Strength]int
	Total      int
}

// Completed is how many of the tallied commitments are completed.
func (t ThemeTally) Completed() int { return t.ByStatus[StatusCompleted] }

// Percent is the share of completed commitments, to the nearest whole percent.
func (t ThemeTally) Percent() int {
	if t.Total == 0 {
		return 0
	}
	return (200*t.Completed() + t.Total) / (2 * t.Total)
}

// MoneyFigure is a sum of money with the theme of the section it appears in
// and its amount in 亿元 (100,000,000 yuan).
type MoneyFigure struct {
	Figure
	ThemeKey string
	Yi       *big.Rat
}

// MoneyKind is what a sum of money is: only sums of one kind are added up.
type MoneyKind string

// The kinds of money a reply names, in the order the dashboard shows them.
const (
	MoneyFunds      MoneyKind = "funds"      // public funds, special bonds, funds raised: money spent
	MoneyInvestment MoneyKind = "investment" // contracted investment
	MoneyOutput     MoneyKind = "output"     // output value, the size of an industry
)

// MoneyKinds lists the kinds in the dashboard's order.
var MoneyKinds = []MoneyKind{MoneyFunds, MoneyInvestment, MoneyOutput}

// MoneyKindOf reads the kind of a sum from its measure as the text words it:
// 产值 and 规模 are output, 投资 is investment, anything else (资金, 专项债,
// 基金) is funds.
func MoneyKindOf(measure string) MoneyKind {
	switch {
	case strings.Contains(measure, "产值") || strings.Contains(measure, "规模"):
		return MoneyOutput
	case strings.Contains(measure, "投资"):
		return MoneyInvestment
	}
	return MoneyFunds
}

// MoneyGroup is the sums of money of one kind and their arithmetic sum.
// Amounts the text gives as a lower bound (超过) make the sum one too.
type MoneyGroup struct {
	Kind    MoneyKind
	Figures []MoneyFigure
	Sum     *big.Rat // in 亿元
	AtLeast bool     // some amount is "more than": the sum is a lower bound
}

// YuanPerYi is the number of yuan in one 亿元.
var YuanPerYi = big.NewRat(100_000_000, 1)

// ToYi converts an exact decimal amount of yuan, as the store returns it, to 亿元.
func ToYi(baseValue string) (*big.Rat, bool) {
	r, ok := new(big.Rat).SetString(baseValue)
	if !ok {
		return nil, false
	}
	return r.Quo(r, YuanPerYi), true
}

// TimelineEntry is a commitment with a time frame, placed in time; or, when
// Mention is set, a calendar date or period of the text that no commitment carries.
type TimelineEntry struct {
	Commitment Commitment
	Mention    *TimeMention
	Start, End *time.Time // the period the text gives, when it is a calendar period
	Due        *time.Time // when it should be done: its due date, else the end of its period
	Overdue    bool       // Due has passed and the commitment is not recorded as completed
	DueSoon    bool       // Due falls within DueSoonWindow from today and is not completed
}

// DueSoonWindow is how far ahead the dashboard flags a due date.
const DueSoonWindow = 90 * 24 * time.Hour

// Relative reports whether the time frame has no calendar dates (近期, 下一步, 短期):
// it is relative to the date of the reply.
func (e TimelineEntry) Relative() bool { return e.Start == nil || e.End == nil }

// NewDashboard tallies commitments by theme, status and strength, groups money
// figures by theme in 亿元, and places every commitment with a time frame or due
// date on a timeline, flagging those due soon or overdue as of today, with the
// calendar dates of the text that no commitment carries.
func NewDashboard(themes []Theme, commitments []Commitment, money []MoneyFigure, mentions []TimeMention, today time.Time) *Dashboard {
	d := &Dashboard{Today: today, Total: newTally(Theme{}), Mentions: mentions}
	index := map[string]int{}
	for _, t := range themes {
		index[t.Key] = len(d.Themes)
		d.Themes = append(d.Themes, newTally(t))
	}
	for _, c := range commitments {
		key := ""
		if c.TopSection.Theme != nil {
			key = c.TopSection.Theme.Key
		}
		i, ok := index[key]
		if !ok {
			index[key] = len(d.Themes)
			i = len(d.Themes)
			d.Themes = append(d.Themes, newTally(Theme{Key: key}))
		}
		d.Themes[i].add(c)
		d.Total.add(c)
		if d.UpdatedAt == nil || c.UpdatedAt.After(*d.UpdatedAt) {
			at := c.UpdatedAt
			d.UpdatedAt = &at
		}
		if e, ok := timelineEntry(c, today); ok {
			d.Timeline = append(d.Timeline, e)
		}
	}
	for i, m := range mentions {
		if m.Calendar() && !carried(m, commitments) {
			d.Timeline = append(d.Timeline, TimelineEntry{Mention: &mentions[i], Start: m.Start, End: m.End})
		}
	}
	kept := d.Themes[:0]
	for _, t := range d.Themes {
		if t.Total > 0 {
			kept = append(kept, t)
		}
	}
	d.Themes = kept

	// Sums of money by kind, never one kind added to another; an order of
	// magnitude (千亿级) is no amount at all: it is listed, not drawn or added.
	d.MoneyMax = new(big.Rat)
	for _, k := range MoneyKinds {
		g := MoneyGroup{Kind: k, Sum: new(big.Rat)}
		for _, f := range money {
			if MoneyKindOf(f.Measure) != k {
				continue
			}
			if f.Qualifier == "order_of" {
				continue
			}
			g.Figures = append(g.Figures, f)
			g.Sum.Add(g.Sum, f.Yi)
			g.AtLeast = g.AtLeast || f.Qualifier == "more_than"
			if f.Yi.Cmp(d.MoneyMax) > 0 {
				d.MoneyMax.Set(f.Yi)
			}
		}
		if len(g.Figures) > 0 {
			d.Money = append(d.Money, g)
		}
	}
	for _, f := range money {
		if f.Qualifier == "order_of" {
			d.Magnitudes = append(d.Magnitudes, f)
		}
	}
	return d
}

// carried reports whether a commitment in the same paragraph gives m as its time frame.
func carried(m TimeMention, commitments []Commitment) bool {
	for _, c := range commitments {
		if c.TimeFrame == m.Text && c.Place.ParagraphSeq == m.Place.ParagraphSeq && c.Document.Slug == m.Place.DocumentSlug {
			return true
		}
	}
	return false
}

// Dated counts the commitments on the timeline.
func (d *Dashboard) Dated() int {
	n := 0
	for _, e := range d.Timeline {
		if e.Mention == nil {
			n++
		}
	}
	return n
}

func newTally(t Theme) ThemeTally {
	return ThemeTally{Theme: t, ByStatus: map[Status]int{}, ByStrength: map[Strength]int{}}
}

func (t *ThemeTally) add(c Commitment) {
	t.ByStatus[c.Status]++
	t.ByStrength[c.Strength]++
	t.Total++
}

func timelineEntry(c Commitment, today time.Time) (TimelineEntry, bool) {
	if c.TimeFrame == "" && c.DueOn == nil {
		return TimelineEntry{}, false
	}
	e := TimelineEntry{Commitment: c, Start: c.PeriodStart, End: c.PeriodEnd, Due: c.Due()}
	// Overdue is the commitment's timeliness (timeliness.go); the timeline
	// looks further ahead than DueSoonDays for what is coming.
	e.Overdue = c.TimelinessOn(today) == TimelinessOverdue
	if e.Due != nil && !e.Overdue && !c.closed() {
		end := e.Due.AddDate(0, 0, 1) // a due date lasts the whole day
		e.DueSoon = end.Sub(today) <= DueSoonWindow
	}
	return e, true
}
