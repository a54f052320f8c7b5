package server_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// lateDay is the day the timeliness tests fix the clock at.
const lateDay = "2026-01-10"

// independentDueCount counts, without the portal's SQL, the public
// commitments of a timeliness on lateDay: by the date (due date, else the end
// of the period) and the status, never late when completed or dropped.
func independentDueCount(t *testing.T, pool *pgxpool.Pool, due string) int {
	t.Helper()
	cond := map[string]string{
		"overdue":  `c.status NOT IN ('completed', 'dropped') AND coalesce(c.due_on, c.period_end) < DATE '` + lateDay + `'`,
		"due_soon": `c.status NOT IN ('completed', 'dropped') AND coalesce(c.due_on, c.period_end) BETWEEN DATE '` + lateDay + `' AND DATE '` + lateDay + `' + 30`,
		"no_date":  `c.due_on IS NULL AND c.period_end IS NULL`,
	}[due]
	return scalar[int](t, pool, `SELECT count(*)::int FROM commitments c JOIN documents d ON d.id = c.document_id
		WHERE c.withdrawn_at IS NULL AND d.published_at IS NOT NULL AND `+cond)
}

// rowOf is the list item of commitment id in a list page.
func rowOf(body string, id int64) string {
	// A list's row links the commitment by its title; the text's marks link
	// it too, so a row's own link is preferred.
	i := strings.Index(body, `class="c-title" href="`+commitmentPath(id)+`"`)
	if i < 0 {
		i = strings.Index(body, `href="`+commitmentPath(id)+`"`)
	}
	if i < 0 {
		return ""
	}
	j := strings.Index(body[i:], "</li>")
	if j < 0 {
		return body[i:]
	}
	return body[i : i+j]
}

func TestLateCommitmentsShowOnEveryPage(t *testing.T) {
	p := newTestPortal(t, withClock(chinaNoon(t, lateDay)))
	base, pool := p.URL, p.Pool
	// Overdue: under way, due before the day. Due soon: planned, due within 30
	// days. Completed long ago: never late. Each led by a unit with few commitments.
	pick := func(skip ...int64) int64 {
		return scalar[int64](t, pool, `SELECT c.id FROM commitments c JOIN commitment_units u ON u.commitment_id = c.id AND u.role = 'lead'
			WHERE c.id <> ALL($1) ORDER BY (SELECT count(*) FROM commitment_units v WHERE v.entity_id = u.entity_id), c.id LIMIT 1`, append([]int64{0}, skip...))
	}
	overdue := pick()
	soon := pick(overdue)
	done := pick(overdue, soon)
	for _, set := range []struct {
		id     int64
		status string
		due    string
	}{{overdue, "in_progress", "2025-12-31"}, {soon, "planned", "2026-01-20"}, {done, "completed", "2020-06-30"}} {
		if _, err := pool.Exec(t.Context(), `UPDATE commitments SET status = $2, due_on = $3::date WHERE id = $1`, set.id, set.status, set.due); err != nil {
			t.Fatal(err)
		}
	}

	// Its own page.
	for id, want := range map[int64]string{overdue: "已逾期", soon: "30 天内到期", done: "未逾期"} {
		r := request(t, nil, "GET", base+commitmentPath(id), nil)
		if r.status != 200 || !strings.Contains(r.body, want) {
			t.Errorf("commitment %d: status %d, no %q", id, r.status, want)
		}
	}
	if r := request(t, nil, "GET", base+commitmentPath(done), nil); strings.Contains(r.body, `data-due="overdue"`) {
		t.Errorf("a completed commitment is shown as overdue")
	}

	// The list, its filter and its counts, against SQL of the test's own.
	r := request(t, nil, "GET", base+"/commitments", nil)
	if row := rowOf(r.body, overdue); !strings.Contains(row, `class="due due-overdue"`) || !strings.Contains(row, "已逾期") {
		t.Errorf("/commitments row of %d has no overdue badge: %.300s", overdue, row)
	}
	if row := rowOf(r.body, soon); !strings.Contains(row, `class="due due-due_soon"`) {
		t.Errorf("/commitments row of %d has no due-soon badge", soon)
	}
	if row := rowOf(r.body, done); strings.Contains(row, `class="due `) {
		t.Errorf("/commitments row of completed %d has a badge", done)
	}
	for due, label := range map[string]string{"overdue": "已逾期", "due_soon": "30 天内到期", "no_date": "无明确时限"} {
		n := independentDueCount(t, pool, due)
		if n == 0 {
			t.Fatalf("%s: nothing to count", due)
		}
		facet := `value="` + due + `"> ` + label + ` <span class="count" aria-hidden="true">` + itoa(n) + `</span><span class="visually-hidden">筛选后 ` + itoa(n) + ` 项</span>`
		if !strings.Contains(r.body, facet) {
			t.Errorf("/commitments lacks the facet %s", facet)
		}
		f := request(t, nil, "GET", base+"/commitments?due="+due, nil)
		if f.status != 200 || listed(f.body) != min(n, 200) || !strings.Contains(f.body, "共 "+itoa(n)+" 项") {
			t.Errorf("due=%s: status %d, %d listed, want %d", due, f.status, listed(f.body), n)
		}
		var api struct {
			Data []struct {
				ID         int64  `json:"id"`
				Timeliness string `json:"timeliness"`
			} `json:"data"`
			Meta struct {
				Total int `json:"total"`
			} `json:"meta"`
		}
		a := request(t, nil, "GET", base+"/api/v1/commitments?per_page=100&due="+due, nil)
		if err := json.Unmarshal([]byte(a.body), &api); err != nil || api.Meta.Total != n {
			t.Errorf("API due=%s: total %d, want %d (%v)", due, api.Meta.Total, n, err)
		}
		for _, c := range api.Data {
			if c.Timeliness != due {
				t.Errorf("API due=%s gives %d as %q", due, c.ID, c.Timeliness)
			}
		}
		c := request(t, nil, "GET", base+"/commitments.csv?due="+due, nil)
		rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix([]byte(c.body), []byte("\ufeff")))).ReadAll()
		if err != nil || len(rows) != n+1 {
			t.Fatalf("CSV due=%s: %d rows, want %d (%v)", due, len(rows), n+1, err)
		}
		col := -1
		for i, h := range rows[0] {
			if h == "时限" {
				col = i
			}
		}
		if col < 0 {
			t.Fatalf("CSV has no 时限 column: %v", rows[0])
		}
		for _, row := range rows[1:] {
			if want := strings.ReplaceAll(label, " ", ""); row[col] != want {
				t.Errorf("CSV due=%s: row %s says %q, want %q", due, row[0], row[col], want)
			}
		}
	}
	var one struct {
		Timeliness string `json:"timeliness"`
	}
	if err := json.Unmarshal([]byte(request(t, nil, "GET", base+"/api/v1/commitments/"+strconv.FormatInt(overdue, 10), nil).body), &one); err != nil || one.Timeliness != "overdue" {
		t.Errorf("API commitment %d: timeliness %q (%v)", overdue, one.Timeliness, err)
	}

	// The document text, its section page and the lead unit's page.
	doc := request(t, nil, "GET", base+"/documents/"+replySlug, nil).body
	markOf := func(body string, id int64) string {
		return regexp.MustCompile(`<mark [^>]*id="c` + strconv.FormatInt(id, 10) + `"[^>]*>`).FindString(body)
	}
	if m := markOf(doc, overdue); !strings.Contains(m, `data-due="overdue"`) || !strings.Contains(m, `data-due-label="已逾期"`) || !strings.Contains(m, `data-status="in_progress"`) {
		t.Errorf("the text's mark of %d: %q", overdue, m)
	}
	if m := markOf(doc, soon); !strings.Contains(m, `data-due="due_soon"`) || !strings.Contains(m, `data-status="planned"`) {
		t.Errorf("the text's mark of %d: %q", soon, m)
	}
	if m := markOf(doc, done); !strings.Contains(m, `data-status="completed"`) || strings.Contains(m, "data-due=") {
		t.Errorf("the text's mark of completed %d: %q", done, m)
	}
	if !strings.Contains(doc, `class="marks-legend`) {
		t.Errorf("the document has no legend of its marks")
	}
	anchor := scalar[string](t, pool, `SELECT x.anchor FROM commitments c JOIN sections x ON x.id = c.section_id WHERE c.id = $1`, overdue)
	sec := request(t, nil, "GET", base+"/documents/"+replySlug+"/sections/"+anchor, nil)
	if row := rowOf(sec.body, overdue); sec.status != 200 || !strings.Contains(row, `class="due due-overdue"`) {
		t.Errorf("section %s: status %d, row of %d without overdue badge", anchor, sec.status, overdue)
	}
	lead := scalar[string](t, pool, `SELECT e.slug FROM commitment_units u JOIN entities e ON e.id = u.entity_id
		WHERE u.commitment_id = $1 AND u.role = 'lead' ORDER BY e.slug LIMIT 1`, overdue)
	ent := request(t, nil, "GET", base+"/entities/"+lead, nil)
	if row := rowOf(ent.body, overdue); ent.status != 200 || !strings.Contains(row, `class="due due-overdue"`) {
		t.Errorf("entity %s: status %d, row of %d without overdue badge", lead, ent.status, overdue)
	}

	// The clean text: no marks at all; a bad switch is a 400.
	clean := request(t, nil, "GET", base+"/documents/"+replySlug+"?marks=off", nil)
	if clean.status != 200 || strings.Contains(clean.body, "<mark") || !strings.Contains(clean.body, "不带任何标记的发布原文") {
		t.Errorf("marks=off: status %d, marks left: %v", clean.status, strings.Contains(clean.body, "<mark"))
	}
	if r := request(t, nil, "GET", base+"/documents/"+replySlug+"?marks=maybe", nil); r.status != http.StatusBadRequest {
		t.Errorf("marks=maybe: status %d, want 400", r.status)
	}
	for _, u := range []string{"/commitments?due=late", "/commitments?sort=title", "/commitments?sort=due&sort=progress",
		"/api/v1/commitments?sort=title", "/commitments.csv?due=late"} {
		if r := request(t, nil, "GET", base+u, nil); r.status != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", u, r.status)
		}
	}
}

func TestCommitmentsSortByDueUpdateAndProgress(t *testing.T) {
	p := newTestPortal(t, withClock(chinaNoon(t, lateDay)))
	base, pool := p.URL, p.Pool
	if _, err := pool.Exec(t.Context(), `UPDATE commitments SET due_on = DATE '2024-01-01' + id::int, progress = (id * 7) % 100,
		updated_at = now() - id * interval '1 hour' WHERE id % 3 = 0`); err != nil {
		t.Fatal(err)
	}
	type item struct {
		ID         int64     `json:"id"`
		DueOn      *string   `json:"due_on"`
		PeriodEnd  *string   `json:"period_end"`
		Progress   *int      `json:"progress"`
		UpdatedAt  time.Time `json:"updated_at"`
		Timeliness string    `json:"timeliness"`
	}
	list := func(sort string) []item {
		var out struct {
			Data []item `json:"data"`
		}
		r := request(t, nil, "GET", base+"/api/v1/commitments?per_page=100&sort="+sort, nil)
		if err := json.Unmarshal([]byte(r.body), &out); err != nil || r.status != 200 {
			t.Fatalf("sort=%s: %d %v", sort, r.status, err)
		}
		return out.Data
	}
	due := func(c item) string {
		switch {
		case c.DueOn != nil:
			return *c.DueOn
		case c.PeriodEnd != nil:
			return *c.PeriodEnd
		}
		return "9999" // undated last
	}
	byDue := list("due")
	for i := 1; i < len(byDue); i++ {
		if due(byDue[i-1]) > due(byDue[i]) {
			t.Fatalf("sort=due: %s before %s", due(byDue[i-1]), due(byDue[i]))
		}
	}
	byProgress := list("progress")
	prog := func(c item) int {
		if c.Progress == nil {
			return 1000
		}
		return *c.Progress
	}
	for i := 1; i < len(byProgress); i++ {
		if prog(byProgress[i-1]) > prog(byProgress[i]) {
			t.Fatalf("sort=progress: %d before %d", prog(byProgress[i-1]), prog(byProgress[i]))
		}
	}
	byUpdate := list("updated")
	for i := 1; i < len(byUpdate); i++ {
		if byUpdate[i-1].UpdatedAt.Before(byUpdate[i].UpdatedAt) {
			t.Fatalf("sort=updated: %v before %v", byUpdate[i-1].UpdatedAt, byUpdate[i].UpdatedAt)
		}
	}
	// The page lists in the same order, offers the orders as links that keep
	// the filters, and keeps the order when the filters are applied again.
	for sort, items := range map[string][]item{"due": byDue, "progress": byProgress, "updated": byUpdate} {
		r := request(t, nil, "GET", base+"/commitments?status=planned&sort="+sort, nil)
		if r.status != 200 || !strings.Contains(r.body, `<input type="hidden" name="sort" value="`+sort+`"`) {
			t.Errorf("sort=%s: status %d, the filter form forgets the order", sort, r.status)
		}
		all := request(t, nil, "GET", base+"/commitments?sort="+sort, nil).body
		first := regexp.MustCompile(`class="c-title" href="/commitments/(\d+)"`).FindStringSubmatch(all)
		if first == nil || first[1] != strconv.FormatInt(items[0].ID, 10) {
			t.Errorf("sort=%s: the page starts with %v, the API with %d", sort, first, items[0].ID)
		}
	}
	if r := request(t, nil, "GET", base+"/commitments?status=planned", nil); !strings.Contains(r.body, `href="/commitments?sort=due&amp;status=planned"`) {
		t.Errorf("no link to order the filtered list by due date")
	}
}

// chinaDate is the date in China of the time SQL gives.
func chinaDate(t *testing.T, pool *pgxpool.Pool, sql string, args ...any) string {
	t.Helper()
	return scalar[string](t, pool, `SELECT to_char((`+sql+`) AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD')`, args...)
}

func TestPagesSayWhenTheyLastChangedRightAfterAnEdit(t *testing.T) {
	p := newTestPortal(t, withStaff(), withClock(chinaNoon(t, lateDay)))
	base, pool := p.URL, p.Pool
	// Everything happened long ago, then an editor edits commitment 2.
	if _, err := pool.Exec(t.Context(), `UPDATE commitments SET updated_at = '2024-03-01 10:00+08'`); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(t.Context(), `UPDATE documents SET created_at = '2024-03-01 10:00+08'`); err != nil {
		t.Fatal(err)
	}
	editor := loggedIn(t, base, editorEmail)
	if r := request(t, editor, "POST", base+"/commitments/2/edit", editForm(t, pool, 2)); r.status != http.StatusSeeOther {
		t.Fatalf("edit: status %d", r.status)
	}
	day := chinaDate(t, pool, `SELECT updated_at FROM commitments WHERE id = 2`)
	want := `最后更新：<time datetime="` + day + `">`
	for _, u := range []string{commitmentPath(2), "/documents/" + replySlug, "/commitments", "/dashboard"} {
		if r := request(t, nil, "GET", base+u, nil); r.status != 200 || !strings.Contains(r.body, want) {
			t.Errorf("%s: status %d, lacks %s", u, r.status, want)
		}
	}
	// A commitment not edited keeps its own date.
	if r := request(t, nil, "GET", base+commitmentPath(3), nil); !strings.Contains(r.body, `最后更新：<time datetime="2024-03-01">`) {
		t.Errorf("commitment 3 does not say it last changed on 2024-03-01")
	}
	// The edit made it overdue (due 2025-12-31, under way): its page says so at once.
	if r := request(t, nil, "GET", base+commitmentPath(2), nil); !strings.Contains(r.body, `data-due="overdue"`) {
		t.Errorf("the edited commitment is not shown as overdue")
	}
}

func TestReplyGradeIsSetAuditedShownAndFiltered(t *testing.T) {
	p := newTestPortal(t, withStaff())
	base, pool := p.URL, p.Pool
	editor := loggedIn(t, base, editorEmail)
	grade := base + "/documents/" + replySlug + "/grade"

	// Bad values: a 422 that says why and keeps the page; nothing saved.
	before := scalar[int](t, pool, `SELECT count(*)::int FROM audit_log`)
	for _, bad := range []string{"E", "a", "AB", "<b>"} {
		r := request(t, editor, "POST", grade, url.Values{"grade": {bad}})
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "办理结果须为 A、B、C、D 之一") {
			t.Errorf("grade %q: status %d", bad, r.status)
		}
	}
	if n := scalar[int](t, pool, `SELECT count(*)::int FROM audit_log`); n != before {
		t.Errorf("refused grades wrote %d audit records", n-before)
	}
	if g := scalar[*string](t, pool, `SELECT reply_class FROM documents WHERE slug = $1`, replySlug); g != nil {
		t.Errorf("refused grades left %q", *g)
	}
	// The public cannot set it.
	if r := request(t, browserClient(t), "POST", grade, url.Values{"grade": {"A"}}); r.status == http.StatusSeeOther && !strings.Contains(r.header.Get("Location"), "/login") {
		t.Errorf("the public set a grade: %d %s", r.status, r.header.Get("Location"))
	}

	r := request(t, editor, "POST", grade, url.Values{"grade": {"B"}})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/documents/"+replySlug {
		t.Fatalf("grade B: status %d, Location %q", r.status, r.header.Get("Location"))
	}
	if n := scalar[int](t, pool, `SELECT count(*)::int FROM audit_log a JOIN documents d ON d.id = a.subject_id
		WHERE a.action = 'document.grade' AND a.subject_type = 'document' AND d.slug = $1
		  AND a.after->>'grade' = 'B' AND a.before->>'grade' IS NULL AND a.actor_id IS NOT NULL`, replySlug); n != 1 {
		t.Errorf("%d audit records of grade B", n)
	}
	doc := request(t, nil, "GET", base+"/documents/"+replySlug, nil)
	if !strings.Contains(doc.body, `data-grade="B"`) || !strings.Contains(doc.body, "B 正在解决或列入计划逐步解决") {
		t.Errorf("the document does not show grade B")
	}
	list := request(t, nil, "GET", base+"/documents", nil)
	if !strings.Contains(list.body, `<td data-grade="B"><abbr title="B 正在解决或列入计划逐步解决">B</abbr></td>`) {
		t.Errorf("/documents does not show grade B")
	}
	if r := request(t, nil, "GET", base+"/documents?grade=B", nil); !strings.Contains(r.body, `data-slug="`+replySlug+`"`) || strings.Count(r.body, "data-slug=") != 1 {
		t.Errorf("grade=B lists %d documents", strings.Count(r.body, "data-slug="))
	}
	if r := request(t, nil, "GET", base+"/documents?grade=A", nil); strings.Contains(r.body, `data-slug="`+replySlug+`"`) {
		t.Errorf("grade=A lists the grade-B reply")
	}
	if r := request(t, nil, "GET", base+"/documents?grade=Z", nil); r.status != http.StatusBadRequest {
		t.Errorf("grade=Z: status %d, want 400", r.status)
	}
	// Clearing it is audited too; a proposal has no grade.
	if r := request(t, editor, "POST", grade, url.Values{"grade": {""}}); r.status != http.StatusSeeOther {
		t.Errorf("clearing: status %d", r.status)
	}
	if g := scalar[*string](t, pool, `SELECT reply_class FROM documents WHERE slug = $1`, replySlug); g != nil {
		t.Errorf("cleared grade is %q", *g)
	}
	proposal := scalar[string](t, pool, `SELECT slug FROM documents WHERE kind <> 'reply' AND published_at IS NOT NULL ORDER BY id LIMIT 1`)
	if r := request(t, editor, "POST", base+"/documents/"+proposal+"/grade", url.Values{"grade": {"A"}}); r.status != http.StatusBadRequest || !strings.Contains(r.body, "只有答复才有办理结果") {
		t.Errorf("grading a %s: status %d, want 400", proposal, r.status)
	}
}
