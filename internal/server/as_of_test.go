package server_test

import (
	"context"

	"encoding/json"
	"fmt"
	"github.com/jackc/pgx/v5/pgconn"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/guizhou-portal/portal/internal/policy"
)

// ledgerState is what the test itself reads of a commitment's recorded
// state: the public values the as_of pages must show.
type ledgerState struct {
	Status     string `json:"status"`
	Progress   *int   `json:"progress"`
	DueOn      string `json:"due_on"`
	PublicNote string `json:"public_note"`
	Withdrawn  bool   `json:"withdrawn"`
}

// TestLedgerAsOfReplaysTheAuditLog makes changes on several days, then asks
// the API, the commitment page, the list, the CSV, the dashboard and the
// document for several dates, and compares each with a replay of the audit
// log done here, apart from the portal's SQL.
func TestLedgerAsOfReplaysTheAuditLog(t *testing.T) {
	cst := policy.China
	p := newTestPortal(t, withStaff(), withClock(time.Date(2026, 12, 1, 12, 0, 0, 0, cst)))
	base, pool := p.URL, p.Pool
	editor := loggedIn(t, base, editorEmail)
	public := browserClient(t)
	must303 := func(r response) {
		t.Helper()
		if r.status != http.StatusSeeOther {
			t.Fatalf("status %d\n%.1500s", r.status, r.body)
		}
	}
	edit := func(id int64, status, progress, note string) {
		t.Helper()
		f := editForm(t, pool, id)
		f.Set("status", status)
		f.Set("progress", progress)
		f.Set("public_note", note)
		must303(request(t, editor, "POST", fmt.Sprintf("%s/commitments/%d/edit", base, id), f))
	}
	// Each change, then the day and hour (China) it is recorded at.
	changes := []struct {
		do func()
		at time.Time
	}{
		{func() { edit(10, "in_progress", "20", "十月启动。") }, time.Date(2026, 10, 10, 15, 0, 0, 0, cst)},
		{func() { edit(11, "planned", "0", "列入计划。") }, time.Date(2026, 10, 10, 23, 30, 0, 0, cst)},
		{func() { edit(10, "in_progress", "50", "过半。") }, time.Date(2026, 11, 5, 9, 0, 0, 0, cst)},
		{func() {
			must303(request(t, editor, "POST", base+"/commitments/12/withdraw",
				url.Values{"version": {itoa(version(t, pool, 12))}, "reason": {"重复录入"}}))
		}, time.Date(2026, 11, 20, 10, 0, 0, 0, cst)},
		{func() { edit(10, "completed", "100", "已完成。") }, time.Date(2026, 11, 30, 0, 30, 0, 0, cst)},
	}
	// The audit log is append-only; the test, as the database's owner, moves
	// its records to the days above, as if the changes had been made then.
	execSQL(t, pool, `ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update`)
	execSQL(t, pool, `UPDATE commitments SET created_at = '2026-09-01 09:00+08'`)
	for _, c := range changes {
		c.do()
		execSQL(t, pool, `UPDATE audit_log SET at = $1 WHERE id = (SELECT max(id) FROM audit_log)`, c.at)
	}
	execSQL(t, pool, `ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update`)

	type record struct {
		id            int64
		at            time.Time
		before, after *ledgerState
	}
	var records []record
	rows, err := pool.Query(t.Context(), `SELECT subject_id, at, before, after FROM audit_log WHERE subject_type = 'commitment' ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var r record
		if err := rows.Scan(&r.id, &r.at, &r.before, &r.after); err != nil {
			t.Fatal(err)
		}
		records = append(records, r)
	}
	if rows.Err() != nil || len(records) != len(changes) {
		t.Fatalf("%d records, %v", len(records), rows.Err())
	}
	// replay is the state of commitment id at the end of day: after its last
	// record before then, else before its first; nil when it has no record.
	replay := func(id int64, day string) *ledgerState {
		d, _ := time.ParseInLocation(time.DateOnly, day, cst)
		end := d.AddDate(0, 0, 1)
		var last, first *ledgerState
		for _, r := range records {
			if r.id != id {
				continue
			}
			if r.at.Before(end) {
				last = r.after
			} else if first == nil {
				first = r.before
			}
		}
		if last != nil {
			return last
		}
		return first
	}
	now := map[int64]string{}
	for _, id := range []int64{10, 11, 12} {
		now[id] = scalar[string](t, pool, `SELECT status FROM commitments WHERE id = $1`, id)
	}

	for _, day := range []string{"2026-09-15", "2026-10-10", "2026-11-04", "2026-11-20", "2026-11-29", "2026-11-30"} {
		var list struct {
			Data []struct {
				ID         int64   `json:"id"`
				Status     string  `json:"status"`
				Progress   *int    `json:"progress"`
				PublicNote string  `json:"public_note"`
				DueOn      *string `json:"due_on"`
			} `json:"data"`
		}
		r := request(t, public, "GET", base+"/api/v1/commitments?per_page=200&as_of="+day, nil)
		if r.status != http.StatusOK {
			t.Fatalf("%s: API %d %.500s", day, r.status, r.body)
		}
		if err := json.Unmarshal([]byte(r.body), &list); err != nil {
			t.Fatal(err)
		}
		seen := map[int64]bool{}
		for _, c := range list.Data {
			seen[c.ID] = true
			want := replay(c.ID, day)
			if want == nil {
				continue // never changed: as it is now, which the SQL and the test agree on by construction
			}
			if want.Withdrawn {
				t.Errorf("%s: commitment %d is listed though withdrawn then", day, c.ID)
			}
			progress := func(p *int) string {
				if p == nil {
					return "-"
				}
				return itoa(*p)
			}
			due := ""
			if c.DueOn != nil {
				due = *c.DueOn
			}
			if c.Status != want.Status || progress(c.Progress) != progress(want.Progress) || c.PublicNote != want.PublicNote || due != want.DueOn {
				t.Errorf("%s: commitment %d is %s %s %q %q, the audit log says %s %s %q %q", day, c.ID,
					c.Status, progress(c.Progress), c.PublicNote, due, want.Status, progress(want.Progress), want.PublicNote, want.DueOn)
			}
		}
		for _, id := range []int64{10, 11, 12} {
			want := replay(id, day)
			if seen[id] == want.Withdrawn {
				t.Errorf("%s: commitment %d listed %v, withdrawn then %v", day, id, seen[id], want.Withdrawn)
			}
		}

		// The commitment page says the date and shows the status of then.
		page := request(t, public, "GET", base+"/commitments/10?as_of="+day, nil)
		statusName := policy.Status(replay(10, day).Status).Name()
		if page.status != http.StatusOK || !strings.Contains(page.body, "这是 "+day+" 日终") || !strings.Contains(page.body, statusName) {
			t.Errorf("%s: commitment page %d lacks the banner or %s", day, page.status, statusName)
		}
		if note := replay(10, day).PublicNote; note != "" && !strings.Contains(page.body, note) {
			t.Errorf("%s: commitment page lacks the note of then %q", day, note)
		}
		csv := request(t, public, "GET", base+"/commitments.csv?as_of="+day, nil)
		if csv.status != http.StatusOK || strings.Contains(csv.body, "/commitments/12,") != !replay(12, day).Withdrawn {
			t.Errorf("%s: CSV %d does not list commitment 12 as it stood", day, csv.status)
		}
		for _, u := range []string{"/commitments?as_of=", "/dashboard?as_of=", "/documents/" + replySlug + "?as_of="} {
			r := request(t, public, "GET", base+u+day, nil)
			if r.status != http.StatusOK || !strings.Contains(r.body, "这是 "+day+" 日终") {
				t.Errorf("GET %s%s: %d, or no banner", u, day, r.status)
			}
		}
	}
	// The list's status facet counts what stood then: on 2026-11-29 commitment 10
	// was in progress, now it is completed.
	then := request(t, public, "GET", base+"/commitments?status=completed&as_of=2026-11-29", nil)
	today := request(t, public, "GET", base+"/commitments?status=completed", nil)
	if strings.Contains(then.body, `href="/commitments/10"`) || !strings.Contains(today.body, `href="/commitments/10"`) {
		t.Error("the status filter does not follow the date")
	}
	if strings.Contains(today.body, "日终") {
		t.Error("the present list carries the as_of banner")
	}

	// A commitment not yet recorded, or withdrawn, at the date is a 404 that says so.
	execSQL(t, pool, `UPDATE commitments SET created_at = '2026-11-10 09:00+08' WHERE id = 13`)
	if r := request(t, public, "GET", base+"/commitments/13?as_of=2026-11-01", nil); r.status != http.StatusNotFound || !strings.Contains(r.body, "尚未录入台账（录入于 2026-11-10）") {
		t.Errorf("a commitment recorded later: %d", r.status)
	}
	if r := request(t, public, "GET", base+"/commitments/12?as_of=2026-11-21", nil); r.status != http.StatusNotFound || !strings.Contains(r.body, "已撤回") {
		t.Errorf("a commitment withdrawn then: %d", r.status)
	}

	// Staff reading the past get no forms: they would act on the present.
	if r := request(t, editor, "GET", base+"/commitments/10?as_of=2026-10-10", nil); strings.Contains(r.body, "staff-tools") {
		t.Error("a staff member's as_of page offers the staff forms")
	}
	if r := request(t, editor, "GET", base+"/commitments/10/edit", nil); strings.Contains(r.body, "送交审核") {
		t.Error("with editors publishing directly, the edit form speaks of review")
	}

	// What changed between two days: the public sees the changes to public
	// values in that period, without names or staff-only fields; staff see both.
	period := request(t, public, "GET", base+"/changes?from=2026-11-01&to=2026-11-20", nil)
	if !strings.Contains(period.body, `href="/commitments/10?as_of=2026-11-05"`) {
		t.Error("a change on /changes does not link to the ledger of its day")
	}
	if period.status != http.StatusOK || !strings.Contains(period.body, "过半。") || !strings.Contains(period.body, "撤回承诺") {
		t.Errorf("public /changes for November 1 to 20: %d, or it lacks the changes of the period", period.status)
	}
	for _, not := range []string{"已完成。", "李编辑", "重复录入"} {
		if strings.Contains(period.body, not) {
			t.Errorf("public /changes for November 1 to 20 shows %q", not)
		}
	}
	if r := request(t, editor, "GET", base+"/changes?from=2026-11-01&to=2026-11-20", nil); !strings.Contains(r.body, "李编辑") || !strings.Contains(r.body, "重复录入") {
		t.Error("staff /changes lacks the author or the reason of a withdrawal")
	}
	for _, q := range []string{"from=2026-11-31", "to=tomorrow", "from=2026-11-20&to=2026-11-01"} {
		if r := request(t, public, "GET", base+"/changes?"+q, nil); r.status != http.StatusBadRequest {
			t.Errorf("/changes?%s: %d, want 400", q, r.status)
		}
	}

	for _, c := range []struct{ q, want string }{
		{"2026-13-01", "无法识别"},
		{"yesterday", "无法识别"},
		{"2026-12-02", "尚未到来"},
		{"2026-08-31", "台账从 2026-09-01 开始"},
	} {
		for _, u := range []string{"/commitments/10?as_of=", "/commitments?as_of=", "/api/v1/commitments?as_of="} {
			r := request(t, public, "GET", base+u+c.q, nil)
			if r.status != http.StatusBadRequest || !strings.Contains(r.body, c.want) {
				t.Errorf("GET %s%s: %d, want 400 saying %q\n%.300s", u, c.q, r.status, c.want, r.body)
			}
		}
	}
}

// execSQL runs a statement the test needs, as the database's owner.
func execSQL(t testing.TB, pool interface {
	Exec(context.Context, string, ...any) (pgconn.CommandTag, error)
}, sql string, args ...any) {
	t.Helper()
	if _, err := pool.Exec(context.Background(), sql, args...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}
