package web

import (
	"context"
	"strings"

	"github.com/guizhou-portal/portal/internal/i18n"
	"github.com/guizhou-portal/portal/internal/policy"
)

// The dashboard's breakdowns of issue 15, item 6: timeliness by section and
// by responsible unit, drawn as the other bar charts are (pattern and
// colour per series, summary, data table), and the handling grades of the
// replies.

// timelinessChart stacks each roll-up's commitments by timeliness. href is
// where a row links; segment where a row's segment of one timeliness does.
func timelinessChart(ctx context.Context, id, title string, rows []policy.Rollup,
	href func(policy.Rollup) string, segment func(policy.Rollup, policy.Timeliness) string) BarChart {
	l := i18n.From(ctx)
	c := BarChart{ID: id, Title: title, Series: seriesOf(ctx, policy.Timelinesses, "due.", "t-")}
	var all policy.Rollup
	for _, r := range rows {
		values := map[policy.Timeliness]int{policy.TimelinessOverdue: r.Overdue, policy.TimelinessDueSoon: r.DueSoon,
			policy.TimelinessOnTime: r.OnTime(), policy.TimelinessNoDate: r.NoDate}
		row := BarRow{Label: pick(ctx, r.Label, r.LabelEN), Href: href(r), Total: r.Count, Note: l.T("dash.due.note", r.Count, r.Overdue)}
		for _, s := range c.Series {
			if n := values[policy.Timeliness(s.Key)]; n > 0 {
				row.Segments = append(row.Segments, BarSegment{Series: s, Value: n, Href: segment(r, policy.Timeliness(s.Key))})
			}
		}
		c.Rows = append(c.Rows, row)
		all.Count += r.Count
		all.Overdue += r.Overdue
		all.DueSoon += r.DueSoon
		all.NoDate += r.NoDate
	}
	c.Summary = l.T("dash.due.section.summary", all.Count, all.Overdue, all.DueSoon, all.OnTime(), all.NoDate)
	c.layout()
	return c
}

// sectionTimelinessChart is the timeliness of every section's commitments.
func sectionTimelinessChart(ctx context.Context, rows []policy.Rollup) BarChart {
	return timelinessChart(ctx, "due-by-section", T(ctx, "dash.due.section"), rows,
		func(r policy.Rollup) string {
			slug, anchor, _ := strings.Cut(r.Key, "/")
			return sectionURL(slug, anchor)
		},
		func(r policy.Rollup, t policy.Timeliness) string {
			slug, _, _ := strings.Cut(r.Key, "/")
			return "/commitments?document=" + slug + "&due=" + string(t)
		})
}

// unitTimelinessChart is the timeliness of every unit's commitments (a
// commitment counts for each unit it names, so the rows add up to more than
// the total).
func unitTimelinessChart(ctx context.Context, rows []policy.Rollup) BarChart {
	return timelinessChart(ctx, "due-by-unit", T(ctx, "dash.due.unit"), rows,
		func(r policy.Rollup) string { return unitURL(r.Key) },
		func(r policy.Rollup, _ policy.Timeliness) string { return unitURL(r.Key) })
}

// gradeRows are the handling grades with the number of replies of each,
// then the ungraded ones.
func gradeRows(grades map[string]int) []gradeRow {
	out := make([]gradeRow, 0, len(policy.Grades)+1)
	for _, g := range policy.Grades {
		out = append(out, gradeRow{Key: string(g), Count: grades[string(g)]})
	}
	return append(out, gradeRow{Key: "", Count: grades[""]})
}

type gradeRow struct {
	Key   string // A–D, "" for not graded
	Count int
}

// satisfactionRows are the dashboard's satisfaction counts in the order of
// the ratings, then the replies not yet evaluated ("").
func satisfactionRows(sat map[string]int) []gradeRow {
	out := make([]gradeRow, 0, 4)
	for _, r := range policy.Ratings {
		out = append(out, gradeRow{Key: string(r), Count: sat[string(r)]})
	}
	return append(out, gradeRow{Key: "", Count: sat[""]})
}

// followUpCounts counts the open follow-ups and those of them overdue on
// the request's day.
func followUpCounts(ctx context.Context, fs []policy.FollowUp) (open, overdue int) {
	for _, f := range fs {
		if f.ClosedAt != nil {
			continue
		}
		open++
		if f.TimelinessOn(today(ctx)) == policy.TimelinessOverdue {
			overdue++
		}
	}
	return open, overdue
}
