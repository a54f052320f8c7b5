package server_test

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/guizhou-portal/portal/internal/policy"
)

// unitsRecord is what the test reads of a commitment's recorded state: its
// units by name (every record) and by slug (records since migration 00027).
type unitsRecord struct {
	Lead         []string  `json:"lead"`
	Support      []string  `json:"support"`
	LeadUnits    *[]string `json:"lead_units"`
	SupportUnits *[]string `json:"support_units"`
}

// TestLedgerAsOfReplaysUnitsAndFollowUps changes commitments' units, renames
// a unit and moves and closes a follow-up on several days, then asks the API,
// the commitment page, /units, /units/{slug}, the document and the dashboard
// for several dates, and compares each with a replay of the audit log done
// here, apart from the portal's SQL. Some records are made to look like those
// written before units were recorded by slug: their units are found by the
// name the unit had when the record was made.
func TestLedgerAsOfReplaysUnitsAndFollowUps(t *testing.T) {
	cst := policy.China
	p := newTestPortal(t, withStaff(), withClock(time.Date(2026, 12, 3, 10, 0, 0, 0, cst)))
	base, pool := p.URL, p.Pool
	editor := loggedIn(t, base, editorEmail)
	admin := loggedIn(t, base, adminEmail)
	public := browserClient(t)
	must303 := func(r response) {
		t.Helper()
		if r.status != http.StatusSeeOther {
			t.Fatalf("status %d\n%.1500s", r.status, r.body)
		}
	}
	setUnits := func(id int64, lead, support []string) {
		t.Helper()
		f := editForm(t, pool, id)
		f["lead"], f["support"] = lead, support
		must303(request(t, editor, "POST", fmt.Sprintf("%s/commitments/%d/edit", base, id), f))
	}
	// The follow-up: an unsatisfied evaluation opens it.
	token := issueLink(t, editor, base)
	must303(request(t, public, http.MethodPost, base+"/evaluations/"+token, url.Values{"rating": {"unsatisfied"}, "comment": {"答复没有回应核心建议。"}}))
	fid := scalar[int64](t, pool, `SELECT id FROM follow_ups`)
	execSQL(t, pool, `INSERT INTO documents (slug, kind, title, published_at) VALUES ('qgxtfz-2027-2', 'reply', '关于加快电池材料产业发展提案的再次答复', now())`)

	// Each change, then the day and hour (China) it is recorded at.
	changes := []struct {
		do func()
		at time.Time
	}{
		{func() { setUnits(10, []string{"gz-ndrc"}, []string{"gz-finance-dept"}) }, time.Date(2026, 10, 10, 9, 0, 0, 0, cst)},
		{func() { setUnits(11, []string{"gz-finance-dept"}, nil) }, time.Date(2026, 10, 10, 23, 0, 0, 0, cst)},
		{func() {
			edit := request(t, admin, http.MethodGet, base+"/admin/units/gz-finance-dept", nil)
			must303(request(t, admin, http.MethodPost, base+"/admin/units/gz-finance-dept", url.Values{"stamp": {stampOf(t, edit.body)},
				"kind": {"government"}, "name": {"省财政厅"}, "full_name": {""}, "short_names": {""}, "parent": {""}, "contact_email": {""}}))
		}, time.Date(2026, 10, 20, 10, 0, 0, 0, cst)},
		{func() {
			must303(request(t, editor, http.MethodPost, fmt.Sprintf("%s/follow-ups/%d/due", base, fid), url.Values{"version": {"1"}, "due_on": {"2027-06-30"}}))
		}, time.Date(2026, 10, 30, 10, 0, 0, 0, cst)},
		{func() { setUnits(10, []string{"gz-commerce-dept"}, nil) }, time.Date(2026, 11, 5, 10, 0, 0, 0, cst)},
		{func() { setUnits(11, []string{"gz-ndrc"}, []string{"gz-finance-dept"}) }, time.Date(2026, 11, 12, 10, 0, 0, 0, cst)},
		{func() {
			must303(request(t, editor, http.MethodPost, fmt.Sprintf("%s/follow-ups/%d/close", base, fid), url.Values{"version": {"2"}, "reply": {"qgxtfz-2027-2"}}))
		}, time.Date(2026, 11, 15, 10, 0, 0, 0, cst)},
		{func() { setUnits(12, []string{"gz-finance-dept"}, []string{"gz-ndrc"}) }, time.Date(2026, 11, 20, 10, 0, 0, 0, cst)},
	}
	// The audit log is append-only; the test, as the database's owner, moves
	// its records to the days above, as if the changes had been made then.
	execSQL(t, pool, `ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update`)
	execSQL(t, pool, `UPDATE commitments SET created_at = '2026-09-01 09:00+08'`)
	opened := time.Date(2026, 10, 12, 10, 0, 0, 0, cst)
	execSQL(t, pool, `UPDATE follow_ups SET opened_at = $1`, opened)
	execSQL(t, pool, `UPDATE evaluations SET submitted_at = $1`, opened)
	execSQL(t, pool, `UPDATE audit_log SET at = $1 WHERE subject_type IN ('evaluation', 'evaluation_link')`, opened.Add(-time.Hour))
	for _, c := range changes {
		c.do()
		execSQL(t, pool, `UPDATE audit_log SET at = $1 WHERE id = (SELECT max(id) FROM audit_log)`, c.at)
	}
	// The records before 2026-11-10 look like those made before 00027: units
	// by name only. One made since names a unit by a name no unit ever had:
	// the slugs, not the names, say which unit it is.
	execSQL(t, pool, `UPDATE audit_log SET before = before - 'lead_units' - 'support_units', after = after - 'lead_units' - 'support_units'
		WHERE subject_type = 'commitment' AND at < '2026-11-10 00:00+08'`)
	execSQL(t, pool, `UPDATE audit_log SET after = jsonb_set(after, '{support}', '["已撤销的单位"]')
		WHERE subject_type = 'commitment' AND subject_id = 11 AND at = '2026-11-12 10:00+08'`)
	execSQL(t, pool, `ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update`)
	if n := count(t, pool, `SELECT count(*) FROM audit_log WHERE subject_type = 'commitment' AND after ? 'lead_units'`); n != 2 {
		t.Fatalf("%d commitment records with slugs, want 2", n)
	}

	// The test's own replay. Entities now, and their names' records.
	type entity struct {
		id         int64
		slug, name string
	}
	var entities []entity
	rows, _ := pool.Query(t.Context(), `SELECT id, slug, name FROM entities ORDER BY id`)
	for rows.Next() {
		var e entity
		if err := rows.Scan(&e.id, &e.slug, &e.name); err != nil {
			t.Fatal(err)
		}
		entities = append(entities, e)
	}
	type nameRecord struct {
		id            int64
		at            time.Time
		before, after string
	}
	var names []nameRecord
	rows, _ = pool.Query(t.Context(), `SELECT subject_id, at, coalesce(before->>'name', ''), coalesce(after->>'name', '')
		FROM audit_log WHERE subject_type = 'entity' ORDER BY id`)
	for rows.Next() {
		var r nameRecord
		if err := rows.Scan(&r.id, &r.at, &r.before, &r.after); err != nil {
			t.Fatal(err)
		}
		names = append(names, r)
	}
	if len(names) != 1 || names[0].before != "省财政" || names[0].after != "省财政厅" {
		t.Fatalf("entity records %+v", names)
	}
	nameAt := func(e entity, at time.Time) string {
		var last, first string
		for _, r := range names {
			if r.id != e.id {
				continue
			}
			if r.at.Before(at) {
				last = r.after
			} else if first == "" {
				first = r.before
			}
		}
		return cmp.Or(last, first, e.name)
	}
	byNameAt := func(name string, at time.Time) (string, bool) {
		for _, e := range entities {
			if nameAt(e, at) == name {
				return e.slug, true
			}
		}
		return "", false
	}
	type stateRecord struct {
		id            int64
		at            time.Time
		before, after *unitsRecord
	}
	var records []stateRecord
	rows, _ = pool.Query(t.Context(), `SELECT subject_id, at, before, after FROM audit_log WHERE subject_type = 'commitment' ORDER BY id`)
	for rows.Next() {
		var r stateRecord
		if err := rows.Scan(&r.id, &r.at, &r.before, &r.after); err != nil {
			t.Fatal(err)
		}
		records = append(records, r)
	}
	if len(records) != 5 {
		t.Fatalf("%d commitment records, want 5", len(records))
	}
	// present units, read once: what no record speaks of stands.
	present := map[int64][2][]string{}
	rows, _ = pool.Query(t.Context(), `SELECT u.commitment_id, u.role, e.slug FROM commitment_units u JOIN entities e ON e.id = u.entity_id`)
	for rows.Next() {
		var id int64
		var role, slug string
		if err := rows.Scan(&id, &role, &slug); err != nil {
			t.Fatal(err)
		}
		u := present[id]
		if role == "lead" {
			u[0] = append(u[0], slug)
		} else {
			u[1] = append(u[1], slug)
		}
		present[id] = u
	}
	ids := []int64{}
	rows, _ = pool.Query(t.Context(), `SELECT id FROM commitments ORDER BY id`)
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	resolve := func(st *unitsRecord, at time.Time) [2][]string {
		var out [2][]string
		for i, ns := range [][]string{st.Lead, st.Support} {
			slugs := []*[]string{st.LeadUnits, st.SupportUnits}[i]
			if slugs != nil {
				out[i] = append(out[i], *slugs...)
				continue
			}
			for _, n := range ns {
				if s, ok := byNameAt(n, at); ok {
					out[i] = append(out[i], s)
				}
			}
		}
		slices.Sort(out[0])
		slices.Sort(out[1])
		return out
	}
	// unitsAt is commitment id's [lead, support] slugs at the end of day.
	unitsAt := func(id int64, day string) [2][]string {
		d, _ := time.ParseInLocation(time.DateOnly, day, cst)
		end := d.AddDate(0, 0, 1)
		var last, first *stateRecord
		for i, r := range records {
			if r.id != id {
				continue
			}
			if r.at.Before(end) {
				last = &records[i]
			} else if first == nil {
				first = &records[i]
			}
		}
		switch {
		case last != nil:
			return resolve(last.after, last.at)
		case first != nil:
			return resolve(first.before, first.at)
		}
		u := present[id]
		slices.Sort(u[0])
		slices.Sort(u[1])
		return u
	}
	// The follow-up's due date and whether it was closed at the end of day.
	type fuRecord struct {
		action      string
		at          time.Time
		before, due string
	}
	var fus []fuRecord
	rows, _ = pool.Query(t.Context(), `SELECT action, at, before->>'due_on', after->>'due_on' FROM audit_log WHERE subject_type = 'follow_up' ORDER BY id`)
	for rows.Next() {
		var r fuRecord
		if err := rows.Scan(&r.action, &r.at, &r.before, &r.due); err != nil {
			t.Fatal(err)
		}
		fus = append(fus, r)
	}
	if len(fus) != 2 {
		t.Fatalf("%d follow-up records, want 2", len(fus))
	}
	dueNow := scalar[time.Time](t, pool, `SELECT due_on FROM follow_ups`).Format(time.DateOnly)
	followUpAt := func(day string) (open bool, due string, closed bool) {
		d, _ := time.ParseInLocation(time.DateOnly, day, cst)
		end := d.AddDate(0, 0, 1)
		if !opened.Before(end) {
			return false, "", false
		}
		last, first := "", ""
		for _, r := range fus {
			if r.at.Before(end) {
				last = r.due
				closed = closed || r.action == policy.ActionFollowUpClose
			} else if first == "" {
				first = r.before
			}
		}
		return true, cmp.Or(last, first, dueNow), closed
	}

	unitRow := regexp.MustCompile(`<tr data-key="([a-z0-9-]+)">[^\x00]*?data-col="led">(\d+)<[^\x00]*?data-col="supported">(\d+)<`)
	commitmentRow := regexp.MustCompile(`<tr data-id="(\d+)">`)
	entityLink := regexp.MustCompile(`href="/entities/([a-z0-9-]+)"`)
	between := func(s, from, to string) string {
		i := strings.Index(s, from)
		if i < 0 {
			return ""
		}
		s = s[i:]
		if j := strings.Index(s, to); j >= 0 {
			return s[:j]
		}
		return s
	}
	for _, day := range []string{"2026-09-15", "2026-10-10", "2026-10-15", "2026-10-25", "2026-11-05", "2026-11-14", "2026-11-20", "2026-12-03"} {
		banner := "这是 " + day + " 日终"
		// The API gives every commitment's units of then.
		var list struct {
			Data []struct {
				ID      int64 `json:"id"`
				Lead    []struct{ Slug string }
				Support []struct{ Slug string }
			} `json:"data"`
		}
		r := request(t, public, "GET", base+"/api/v1/commitments?per_page=200&as_of="+day, nil)
		if r.status != http.StatusOK {
			t.Fatalf("%s: API %d %.500s", day, r.status, r.body)
		}
		if err := json.Unmarshal([]byte(r.body), &list); err != nil {
			t.Fatal(err)
		}
		if len(list.Data) != len(ids) {
			t.Fatalf("%s: the API lists %d commitments, want %d", day, len(list.Data), len(ids))
		}
		slugs := func(refs []struct{ Slug string }) []string {
			var out []string
			for _, r := range refs {
				out = append(out, r.Slug)
			}
			slices.Sort(out)
			return out
		}
		for _, c := range list.Data {
			want := unitsAt(c.ID, day)
			if got := slugs(c.Lead); !slices.Equal(got, want[0]) {
				t.Errorf("%s: commitment %d is led by %v, the audit log says %v", day, c.ID, got, want[0])
			}
			if got := slugs(c.Support); !slices.Equal(got, want[1]) {
				t.Errorf("%s: commitment %d is supported by %v, the audit log says %v", day, c.ID, got, want[1])
			}
		}

		// The commitment page names the units of then.
		for _, id := range []int64{10, 11, 12} {
			page := request(t, public, "GET", fmt.Sprintf("%s/commitments/%d?as_of=%s", base, id, day), nil)
			want := unitsAt(id, day)
			for i, label := range []string{"<dt>牵头单位</dt>", "<dt>配合单位</dt>"} {
				var got []string
				for _, m := range entityLink.FindAllStringSubmatch(between(page.body, label, "</dd>"), -1) {
					got = append(got, m[1])
				}
				slices.Sort(got)
				if !slices.Equal(got, want[i]) {
					t.Errorf("%s: commitment page %d shows %s %v, the audit log says %v", day, id, label, got, want[i])
				}
			}
		}

		// /units counts each unit's commitments of then; /units/{slug} lists them.
		led, supported := map[string]int{}, map[string]int{}
		byUnit := map[string][]string{}
		for _, id := range ids {
			u := unitsAt(id, day)
			for i, s := range append(append([]string{}, u[0]...), u[1]...) {
				if i < len(u[0]) {
					led[s]++
				} else {
					supported[s]++
				}
				byUnit[s] = append(byUnit[s], strconv.FormatInt(id, 10))
			}
		}
		units := request(t, public, "GET", base+"/units?as_of="+day, nil)
		if units.status != http.StatusOK || !strings.Contains(units.body, banner) {
			t.Fatalf("%s: /units %d, or no banner", day, units.status)
		}
		listed := map[string]bool{}
		for _, m := range unitRow.FindAllStringSubmatch(units.body, -1) {
			listed[m[1]] = true
			if m[2] != itoa(led[m[1]]) || m[3] != itoa(supported[m[1]]) {
				t.Errorf("%s: /units shows %s leading %s and supporting %s, the audit log says %d and %d", day, m[1], m[2], m[3], led[m[1]], supported[m[1]])
			}
		}
		for s := range byUnit {
			if !listed[s] {
				t.Errorf("%s: /units does not list %s", day, s)
			}
		}
		if len(listed) != len(byUnit) {
			t.Errorf("%s: /units lists %d units, the audit log says %d", day, len(listed), len(byUnit))
		}
		for _, slug := range []string{"gz-finance-dept", "gz-ndrc", "gz-commerce-dept"} {
			page := request(t, public, "GET", base+"/units/"+slug+"?as_of="+day, nil)
			want := byUnit[slug]
			slices.Sort(want)
			if len(want) == 0 {
				if page.status != http.StatusNotFound {
					t.Errorf("%s: /units/%s is %d, though no commitment named it then", day, slug, page.status)
				}
				continue
			}
			var got []string
			for _, m := range commitmentRow.FindAllStringSubmatch(page.body, -1) {
				got = append(got, m[1])
			}
			slices.Sort(got)
			if page.status != http.StatusOK || !strings.Contains(page.body, banner) || !slices.Equal(got, want) {
				t.Errorf("%s: /units/%s is %d listing %v, the audit log says %v", day, slug, page.status, got, want)
			}
		}

		// The follow-up, on the document and the dashboard, as it stood.
		open, due, closed := followUpAt(day)
		doc := request(t, public, "GET", base+"/documents/"+replySlug+"?as_of="+day, nil)
		fu := between(doc.body, `data-follow-up="`+itoa(int(fid))+`"`, "</li>")
		switch {
		case !open && (fu != "" || strings.Contains(doc.body, "data-evaluation=")):
			t.Errorf("%s: the document shows the evaluation or the follow-up opened on 2026-10-12", day)
		case open && !strings.Contains(fu, `datetime="`+due+`"`):
			t.Errorf("%s: the document's follow-up is not due %s:\n%s", day, due, fu)
		case open && strings.Contains(fu, `href="/documents/qgxtfz-2027-2"`) != closed:
			t.Errorf("%s: the document's follow-up shows its reply %v, closed then %v", day, !closed, closed)
		}
		if open && !strings.Contains(doc.body, "data-evaluation=") {
			t.Errorf("%s: the document lacks the evaluation submitted on 2026-10-12", day)
		}
		if open && !closed {
			staff := request(t, editor, "GET", base+"/documents/"+replySlug+"?as_of="+day, nil)
			if strings.Contains(staff.body, `action="/follow-ups/`) {
				t.Errorf("%s: the past document offers staff the follow-up's forms, which act on the present", day)
			}
		}
		dash := request(t, public, "GET", base+"/dashboard?as_of="+day, nil)
		dfu := between(dash.body, `data-follow-up="`+itoa(int(fid))+`"`, "</li>")
		if (dfu != "") != (open && !closed) || (dfu != "" && !strings.Contains(dfu, `datetime="`+due+`"`)) {
			t.Errorf("%s: the dashboard's open follow-ups: %q; open then %v, closed %v, due %s", day, dfu, open, closed, due)
		}
	}

	// A unit renamed since is found under its name of then, and shown by its
	// name of now; the present pages are untouched by any of this.
	if r := request(t, public, "GET", base+"/units", nil); strings.Contains(r.body, "日终") || r.status != http.StatusOK {
		t.Errorf("the present /units: %d, or a banner", r.status)
	}
	for _, q := range []string{"2026-13-01", "2026-12-04", "2026-08-31"} {
		for _, u := range []string{"/units?as_of=", "/units/gz-finance-dept?as_of="} {
			if r := request(t, public, "GET", base+u+q, nil); r.status != http.StatusBadRequest {
				t.Errorf("GET %s%s: %d, want 400", u, q, r.status)
			}
		}
	}
}
