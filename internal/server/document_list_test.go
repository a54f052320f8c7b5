package server_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"html"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/guizhou-portal/portal/internal/policy"
)

// secondSlug is the real reply addSecondReply adds beside the seed.
const secondSlug = "reply-2024-7"

// addSecondReply adds a real reply, signed 2024-03-15, with four commitments
// in one section: one completed, one planned and due 2024-06-30 (overdue by
// late 2026), one dropped with a past due date (not overdue) and one under way
// until 2030.
func addSecondReply(t *testing.T, p *testPortal) {
	t.Helper()
	body := "我厅已建成锰材料中试基地。我厅计划于2024年6月前完成锰渣综合利用示范。原定建设的锰矿专用线不再建设。我厅将于2030年前建成全省锰产业集群。"
	span := func(s string) (int, int) {
		i := strings.Index(body, s)
		start := len([]rune(body[:i]))
		return start, start + len([]rune(s))
	}
	date := func(s string) *time.Time {
		d, err := time.Parse("2006-01-02", s)
		if err != nil {
			t.Fatal(err)
		}
		return &d
	}
	signed := date("2024-03-15")
	dd := policy.NewDocument{
		Document: policy.Document{Slug: secondSlug, Kind: policy.KindReply, Genre: "答复",
			Title: "省工业和信息化厅关于加快锰产业发展的建议的答复", DocNumber: "黔工信提复字〔2024〕7号",
			Issuer: "贵州省工业和信息化厅", Addressee: "王代表", SignedOn: signed},
		Paragraphs: []policy.ParagraphDraft{
			{Role: policy.RoleSalutation, Text: "王代表:"},
			{Role: policy.RoleOpening, Text: "您提出的《关于加快锰产业发展的建议》收悉。现答复如下:"},
			{Role: policy.RoleHeading, Text: "一、推进锰产业发展"},
			{Role: policy.RoleBody, Text: body},
			{Role: policy.RoleSignature, Text: "贵州省工业和信息化厅"},
			{Role: policy.RoleDate, Text: "2024年3月15日"},
		},
		Sections: []policy.SectionDraft{{Position: 1, Kind: policy.SectionTop, Label: "一", Title: "推进锰产业发展",
			Anchor: "s1", ThemeKey: "industrial_layout", Start: policy.TextPoint{ParagraphSeq: 3},
			End: policy.TextPoint{ParagraphSeq: 4, Offset: len([]rune(body))}}},
	}
	for _, c := range []struct {
		quote  string
		status policy.Status
		due    *time.Time
	}{
		{"我厅已建成锰材料中试基地", policy.StatusCompleted, nil},
		{"我厅计划于2024年6月前完成锰渣综合利用示范", policy.StatusPlanned, date("2024-06-30")},
		{"原定建设的锰矿专用线不再建设", policy.StatusDropped, date("2024-01-01")},
		{"我厅将于2030年前建成全省锰产业集群", policy.StatusInProgress, date("2030-12-31")},
	} {
		start, end := span(c.quote)
		dd.Commitments = append(dd.Commitments, policy.CommitmentDraft{Section: "s1", ParagraphSeq: 4, Start: start, End: end,
			Title: c.quote, Kind: policy.KindMeasure, Strength: policy.StrengthDefinite, Status: c.status, DueOn: c.due})
	}
	if _, err := p.Store.AddDocument(context.Background(), dd); err != nil {
		t.Fatal(err)
	}
}

// documentRow is one row of the /documents table.
type documentRow struct{ commitments, completed, overdue int }

// documentRows reads the /documents table: the slugs in order and each row's counts.
func documentRows(t *testing.T, body string) ([]string, map[string]documentRow) {
	t.Helper()
	rowRE := regexp.MustCompile(`(?s)<tr data-slug="([^"]+)">(.*?)</tr>`)
	num := func(row, attr string) int {
		m := regexp.MustCompile(attr + `="(\d+)"`).FindStringSubmatch(row)
		if m == nil {
			t.Fatalf("row without %s: %s", attr, row)
		}
		n, _ := strconv.Atoi(m[1])
		return n
	}
	var order []string
	rows := map[string]documentRow{}
	for _, m := range rowRE.FindAllStringSubmatch(body, -1) {
		order = append(order, m[1])
		rows[m[1]] = documentRow{num(m[2], "data-commitments"), num(m[2], "data-completed"), num(m[2], "data-overdue")}
	}
	return order, rows
}

// sqlSlugs lists slugs by a query of the test's own.
func sqlSlugs(t *testing.T, p *testPortal, sql string, args ...any) []string {
	t.Helper()
	rows, err := p.Pool.Query(context.Background(), sql, args...)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestDocumentListCountsFiltersAndSorts(t *testing.T) {
	p := newTestPortal(t, withClock(chinaNoon(t, "2026-11-28")))
	addSecondReply(t, p)
	ctx := context.Background()

	r := request(t, nil, "GET", p.URL+"/documents", nil)
	if r.status != 200 {
		t.Fatalf("/documents: %d %s", r.status, r.body)
	}
	order, rows := documentRows(t, r.body)

	// Every real document, with its counts as the database has them.
	want := map[string]documentRow{}
	q, err := p.Pool.Query(ctx, `
		SELECT d.slug,
		       (SELECT count(*) FROM commitments c WHERE c.document_id = d.id AND c.withdrawn_at IS NULL),
		       (SELECT count(*) FROM commitments c WHERE c.document_id = d.id AND c.withdrawn_at IS NULL AND c.status = 'completed'),
		       (SELECT count(*) FROM commitments c WHERE c.document_id = d.id AND c.withdrawn_at IS NULL
		               AND c.status <> 'completed' AND c.status <> 'dropped' AND coalesce(c.due_on, c.period_end) < date '2026-11-28')
		FROM documents d WHERE NOT d.synthetic`)
	if err != nil {
		t.Fatal(err)
	}
	for q.Next() {
		var slug string
		var w documentRow
		if err := q.Scan(&slug, &w.commitments, &w.completed, &w.overdue); err != nil {
			t.Fatal(err)
		}
		want[slug] = w
	}
	if err := q.Err(); err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(want) {
		t.Errorf("/documents lists %d documents, the database has %d real ones", len(rows), len(want))
	}
	for slug, w := range want {
		if rows[slug] != w {
			t.Errorf("%s: listed %+v, the database says %+v", slug, rows[slug], w)
		}
	}
	if rows[secondSlug] != (documentRow{4, 1, 1}) || rows[replySlug].commitments != 51 {
		t.Errorf("the two replies: %+v and %+v", rows[replySlug], rows[secondSlug])
	}
	for _, s := range []string{"黔工信提复字〔2024〕7号", "王代表", "2024年3月15日"} {
		if !strings.Contains(r.body, s) {
			t.Errorf("/documents lacks %q", s)
		}
	}

	// The API's document list carries the same counts.
	api := request(t, nil, "GET", p.URL+"/api/v1/documents?per_page=100", nil)
	var docs struct {
		Data []struct {
			Slug   string
			Counts struct{ Commitments, Completed, Overdue int }
		}
	}
	if err := json.Unmarshal([]byte(api.body), &docs); err != nil {
		t.Fatal(err)
	}
	if api.status != 200 || len(docs.Data) != len(want) {
		t.Errorf("api: %d, %d documents, want %d", api.status, len(docs.Data), len(want))
	}
	for _, d := range docs.Data {
		if got := (documentRow{d.Counts.Commitments, d.Counts.Completed, d.Counts.Overdue}); got != want[d.Slug] {
			t.Errorf("api %s: %+v, the database says %+v", d.Slug, got, want[d.Slug])
		}
	}

	// Sorted by date by default, by commitments and by last update on request.
	byDate := sqlSlugs(t, p, `SELECT slug FROM documents WHERE NOT synthetic ORDER BY signed_on DESC NULLS LAST, id DESC`)
	if !slices.Equal(order, byDate) {
		t.Errorf("default order %v, want by date %v", order, byDate)
	}
	sorted := func(sort string) []string {
		r := request(t, nil, "GET", p.URL+"/documents?sort="+sort, nil)
		if r.status != 200 {
			t.Fatalf("sort=%s: %d", sort, r.status)
		}
		o, _ := documentRows(t, r.body)
		return o
	}
	if o := sorted("commitments"); o[0] != replySlug || o[1] != secondSlug {
		t.Errorf("by commitments: %v", o)
	}
	if o := sorted("updated"); o[0] != secondSlug {
		t.Errorf("by last update, the reply added last should come first: %v", o)
	}
	if _, err := p.Pool.Exec(ctx, `UPDATE commitments SET updated_at = now() + interval '1 hour'
		WHERE id = (SELECT min(c.id) FROM commitments c JOIN documents d ON d.id = c.document_id WHERE d.slug = $1)`, replySlug); err != nil {
		t.Fatal(err)
	}
	if o := sorted("updated"); o[0] != replySlug {
		t.Errorf("by last update, the reply with a commitment just changed should come first: %v", o)
	}

	// Filters: kind, year, text in the title or 文号; each against SQL.
	for _, c := range []struct {
		query string
		sql   string
	}{
		{"kind=reply", `SELECT slug FROM documents WHERE NOT synthetic AND kind = 'reply'`},
		{"kind=proposal&kind=policy", `SELECT slug FROM documents WHERE NOT synthetic AND kind IN ('proposal', 'policy')`},
		{"year=2024", `SELECT slug FROM documents WHERE NOT synthetic AND extract(year FROM signed_on) = 2024`},
		{"q=" + url.QueryEscape("锰产业"), `SELECT slug FROM documents WHERE NOT synthetic AND (title LIKE '%锰产业%' OR doc_number LIKE '%锰产业%' OR short_title LIKE '%锰产业%' OR addressee LIKE '%锰产业%')`},
		{"q=" + url.QueryEscape("〔2023〕4号"), `SELECT slug FROM documents WHERE NOT synthetic AND doc_number LIKE '%〔2023〕4号%'`},
		{"q=" + url.QueryEscape("100%"), `SELECT slug FROM documents WHERE false`},
	} {
		r := request(t, nil, "GET", p.URL+"/documents?"+c.query, nil)
		if r.status != 200 {
			t.Fatalf("%s: %d", c.query, r.status)
		}
		got, _ := documentRows(t, r.body)
		want := sqlSlugs(t, p, c.sql)
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) || (len(want) == 0 && !strings.Contains(r.body, "没有符合条件的文件")) {
			t.Errorf("%s: listed %v, want %v", c.query, got, want)
		}
	}

	// Bad values are a 400 that says what is wrong.
	for _, c := range []struct{ query, says string }{
		{"kind=memo", "memo"},
		{"year=20x4", "20x4"},
		{"sort=title", "title"},
		{"q=a&q=b", "只能给一次"},
		{"q=" + strings.Repeat("锰", 101), "100"},
	} {
		r := request(t, nil, "GET", p.URL+"/documents?"+c.query, nil)
		if r.status != 400 || !strings.Contains(html.UnescapeString(r.body), c.says) {
			t.Errorf("%s: %d, want 400 saying %q", c.query, r.status, c.says)
		}
	}

	// The header links to the list; the home page sends readers there too.
	home := request(t, nil, "GET", p.URL+"/", nil)
	if !strings.Contains(home.body, `<a href="/documents"`) {
		t.Error("the home page does not link to /documents")
	}
}

// facetCount reads the count of one value of a facet in the /commitments sidebar.
func facetCount(t *testing.T, body, param, value string) int {
	t.Helper()
	m := regexp.MustCompile(`name="` + param + `" value="` + regexp.QuoteMeta(value) + `"[^>]*>[^<]*<span class="count"[^>]*>(\d+)<`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no %s=%s in the sidebar", param, value)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

func TestDocumentFacetCSVAndAPIFilterByDocument(t *testing.T) {
	p := newTestPortal(t)
	addSecondReply(t, p)
	count := func(slug string) int {
		return scalar[int](t, p.Pool, `SELECT count(*) FROM commitments c JOIN documents d ON d.id = c.document_id
			WHERE d.slug = $1 AND c.withdrawn_at IS NULL`, slug)
	}

	all := request(t, nil, "GET", p.URL+"/commitments", nil)
	for _, slug := range []string{replySlug, secondSlug} {
		if n := facetCount(t, all.body, "document", slug); n != count(slug) {
			t.Errorf("facet %s: %d, the database has %d", slug, n, count(slug))
		}
		one := request(t, nil, "GET", p.URL+"/commitments?document="+slug, nil)
		if !strings.Contains(one.body, ">共 "+strconv.Itoa(count(slug))+" 项<") {
			t.Errorf("/commitments?document=%s does not count %d", slug, count(slug))
		}
	}
	// Narrowed by status, the document facet counts within that status.
	completed := request(t, nil, "GET", p.URL+"/commitments?status=completed", nil)
	if n := facetCount(t, completed.body, "document", secondSlug); n != 1 {
		t.Errorf("completed commitments of %s: facet says %d, want 1", secondSlug, n)
	}

	// Every card names its document, linked.
	mixed := request(t, nil, "GET", p.URL+"/commitments?section=industrial_layout", nil)
	for _, slug := range []string{replySlug, secondSlug} {
		if !strings.Contains(mixed.body, `<p class="c-document small">`) || !strings.Contains(mixed.body, `href="/documents/`+slug+`"`) {
			t.Errorf("the mixed list does not link %s", slug)
		}
	}

	// The CSV and the API take the same filter.
	r := request(t, nil, "GET", p.URL+"/commitments.csv?document="+secondSlug, nil)
	if r.status != 200 {
		t.Fatalf("csv: %d", r.status)
	}
	records, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(r.body, "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(records) != 1+count(secondSlug) {
		t.Errorf("csv for %s: %d rows, want %d", secondSlug, len(records)-1, count(secondSlug))
	}
	for _, rec := range records[1:] {
		if !slices.Contains(rec, "黔工信提复字〔2024〕7号") {
			t.Errorf("csv row of another document: %v", rec)
		}
	}
	r = request(t, nil, "GET", p.URL+"/api/v1/commitments?document="+secondSlug+"&document="+replySlug, nil)
	var list struct {
		Meta struct{ Total int } `json:"meta"`
	}
	if err := json.Unmarshal([]byte(r.body), &list); err != nil || r.status != 200 {
		t.Fatalf("api: %d %v", r.status, err)
	}
	if list.Meta.Total != count(secondSlug)+count(replySlug) {
		t.Errorf("api total %d, want %d", list.Meta.Total, count(secondSlug)+count(replySlug))
	}
	for _, u := range []string{"/commitments.csv?document=nope", "/api/v1/commitments?document=nope", "/commitments?document=nope"} {
		if r := request(t, nil, "GET", p.URL+u, nil); r.status != 400 {
			t.Errorf("%s: %d, want 400", u, r.status)
		}
	}
}

// TestFilterRefusalsAndEmptyDocument: text that is no text is refused for
// that reason, not its length; an empty document filter means every
// document on /commitments, its CSV and the API, as on the dashboard.
func TestFilterRefusalsAndEmptyDocument(t *testing.T) {
	p := newTestPortal(t)
	for u, want := range map[string]string{
		"/documents?q=%ff":                         "不是有效的 UTF-8",
		"/documents?q=%00":                         "控制字符（U+0000）",
		"/documents?q=" + strings.Repeat("字", 101): "最多 100 个字符",
	} {
		if r := request(t, nil, "GET", p.URL+u, nil); r.status != 400 || !strings.Contains(r.body, want) {
			t.Errorf("%s: %d, want 400 saying %q", u, r.status, want)
		}
	}
	all := request(t, nil, "GET", p.URL+"/api/v1/commitments", nil)
	total := func(body string) int {
		var list struct {
			Meta struct{ Total int } `json:"meta"`
		}
		if err := json.Unmarshal([]byte(body), &list); err != nil {
			t.Fatal(err)
		}
		return list.Meta.Total
	}
	for _, u := range []string{"/commitments?document=", "/commitments.csv?document=", "/api/v1/commitments?document=", "/dashboard?document="} {
		r := request(t, nil, "GET", p.URL+u, nil)
		if r.status != 200 {
			t.Errorf("%s: %d, want 200", u, r.status)
		}
		if strings.HasPrefix(u, "/api/") && total(r.body) != total(all.body) {
			t.Errorf("%s: %d commitments, not all %d", u, total(r.body), total(all.body))
		}
	}
}
