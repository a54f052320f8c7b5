package postgres

import (
	"strconv"
	"strings"
	"time"

	"github.com/guizhou-portal/portal/internal/policy"
)

// commitmentDueSQL is a commitment's date, over the alias c: its due date,
// else the end of its stated period, as policy.Commitment.Due.
const commitmentDueSQL = "coalesce(c.due_on, c.period_end)"

// timelinessSQL is a commitment's policy.Timeliness as an SQL expression over
// the alias c, judged on the day the SQL expression today gives (a date).
// It is the one SQL form of policy.Commitment.TimelinessOn: the commitments
// filter, its facet and the documents' overdue counts all use it.
func timelinessSQL(today string) string {
	return `CASE WHEN ` + commitmentDueSQL + ` IS NULL THEN 'no_date'
	     WHEN c.status IN ('completed', 'dropped') OR c.withdrawn_at IS NOT NULL THEN 'on_time'
	     WHEN ` + commitmentDueSQL + ` < ` + today + ` THEN 'overdue'
	     WHEN ` + commitmentDueSQL + ` <= ` + today + ` + ` + strconv.Itoa(policy.DueSoonDays) + ` THEN 'due_soon'
	     ELSE 'on_time' END`
}

// todayMark stands for the filter's day in a commitmentFilter's value; see
// filterToday.
const todayMark = "{today}"

// filterToday replaces todayMark in expr by f's day as a date literal. The
// literal is made from a time.Time, never from input text.
func filterToday(expr string, f policy.CommitmentFilter) string {
	if !strings.Contains(expr, todayMark) {
		return expr
	}
	return strings.ReplaceAll(expr, todayMark, "DATE '"+dayOrToday(f.Today).Format("2006-01-02")+"'")
}

// dayOrToday is day, or today in China when a caller gave none. The server
// always passes its own clock's day; the fallback serves callers without a
// clock of their own (the command line, the store's tests).
func dayOrToday(day time.Time) time.Time {
	if day.IsZero() {
		return policy.Today(time.Now())
	}
	return day
}

// commitmentOrders are the orders of policy.CommitmentSorts, over the aliases
// of commitmentNarrowFrom (and commitmentFrom), each ending on reading order
// so that equal keys keep one order.
var commitmentOrders = map[policy.CommitmentSort]string{
	policy.SortCommitmentsDefault:  "d.synthetic, d.signed_on DESC NULLS LAST, d.id, p.seq, c.start_offset, c.id",
	policy.SortCommitmentsDue:      commitmentDueSQL + " ASC NULLS LAST, d.synthetic, d.signed_on DESC NULLS LAST, d.id, p.seq, c.start_offset, c.id",
	policy.SortCommitmentsUpdated:  "c.updated_at DESC, d.synthetic, d.signed_on DESC NULLS LAST, d.id, p.seq, c.start_offset, c.id",
	policy.SortCommitmentsProgress: "c.progress ASC NULLS LAST, d.synthetic, d.signed_on DESC NULLS LAST, d.id, p.seq, c.start_offset, c.id",
}
