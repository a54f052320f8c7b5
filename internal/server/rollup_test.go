package server_test

import (
	"math"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// rollupCounts are the numbers a roll-up shows, as the test reads them from a
// page or computes them with its own SQL.
type rollupCounts struct {
	Count, Completed, Overdue, DueSoon int
	Led, Supported                     int     // units only; -1 where a page does not show them
	Mean                               float64 // -1 for none known
}

func (a rollupCounts) equal(b rollupCounts) bool {
	same := a.Count == b.Count && a.Completed == b.Completed && a.Overdue == b.Overdue && a.DueSoon == b.DueSoon &&
		(a.Led < 0 || b.Led < 0 || a.Led == b.Led) && (a.Supported < 0 || b.Supported < 0 || a.Supported == b.Supported)
	// The page rounds to one decimal.
	return same && math.Abs(a.Mean-b.Mean) < 0.051
}

// rollupSQL computes roll-ups without the portal's code: per key (an SQL
// expression over c, d, u and root), live top-level commitments of published
// documents, with timeliness judged on lateDay straight from the dates.
func rollupSQL(t *testing.T, p *testPortal, key, from, where string, args ...any) map[string]rollupCounts {
	t.Helper()
	q := `SELECT ` + key + `, count(*)::int,
		count(*) FILTER (WHERE c.status = 'completed')::int,
		count(*) FILTER (WHERE c.status NOT IN ('completed', 'dropped') AND coalesce(c.due_on, c.period_end) < DATE '` + lateDay + `')::int,
		count(*) FILTER (WHERE c.status NOT IN ('completed', 'dropped')
		                   AND coalesce(c.due_on, c.period_end) BETWEEN DATE '` + lateDay + `' AND DATE '` + lateDay + `' + 30)::int,
		` + strings.Replace(strings.Replace("LED, SUP", "LED", ledSQL(from), 1), "SUP", supSQL(from), 1) + `,
		coalesce(sum(c.progress)::float8 / nullif(count(c.progress), 0), -1)
		FROM commitments c JOIN documents d ON d.id = c.document_id ` + from + `
		WHERE c.withdrawn_at IS NULL AND c.parent_id IS NULL AND d.published_at IS NOT NULL AND ` + where + `
		GROUP BY 1`
	rows, err := p.Pool.Query(t.Context(), q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	out := map[string]rollupCounts{}
	for rows.Next() {
		var k string
		var r rollupCounts
		if err := rows.Scan(&k, &r.Count, &r.Completed, &r.Overdue, &r.DueSoon, &r.Led, &r.Supported, &r.Mean); err != nil {
			t.Fatal(err)
		}
		out[k] = r
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func ledSQL(from string) string {
	if strings.Contains(from, "commitment_units u") {
		return "count(*) FILTER (WHERE u.role = 'lead')::int"
	}
	return "-1"
}

func supSQL(from string) string {
	if strings.Contains(from, "commitment_units u") {
		return "count(*) FILTER (WHERE u.role = 'support')::int"
	}
	return "-1"
}

// factsOf reads the roll-up a page states in its list with the id.
func factsOf(t *testing.T, body, id string) rollupCounts {
	t.Helper()
	m := regexp.MustCompile(`id="` + id + `" data-count="(\d+)" data-completed="(\d+)" data-overdue="(\d+)" data-due-soon="(\d+)" data-mean="([^"]*)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no roll-up %s on the page", id)
	}
	n := func(s string) int { v, _ := strconv.Atoi(s); return v }
	return rollupCounts{Count: n(m[1]), Completed: n(m[2]), Overdue: n(m[3]), DueSoon: n(m[4]), Led: -1, Supported: -1, Mean: meanOf(m[5])}
}

func meanOf(s string) float64 {
	if s == "—" {
		return -1
	}
	v, err := strconv.ParseFloat(strings.TrimSuffix(s, "%"), 64)
	if err != nil {
		return -2
	}
	return v
}

// tableRows reads a roll-up table's rows by their data-key.
func tableRows(t *testing.T, body, tableID string) map[string]rollupCounts {
	t.Helper()
	i := strings.Index(body, `id="`+tableID+`"`)
	if i < 0 {
		t.Fatalf("no table %s on the page", tableID)
	}
	table := body[i : i+strings.Index(body[i:], "</table>")]
	out := map[string]rollupCounts{}
	cell := regexp.MustCompile(`data-col="(\w+)">([^<]*)<`)
	for _, row := range strings.Split(table, `<tr data-key="`)[1:] {
		key := row[:strings.Index(row, `"`)]
		r := rollupCounts{Led: -1, Supported: -1}
		for _, m := range cell.FindAllStringSubmatch(row, -1) {
			v, _ := strconv.Atoi(m[2])
			switch m[1] {
			case "count":
				r.Count = v
			case "completed":
				r.Completed = v
			case "overdue":
				r.Overdue = v
			case "due_soon":
				r.DueSoon = v
			case "led":
				r.Led = v
			case "supported":
				r.Supported = v
			case "mean":
				r.Mean = meanOf(m[2])
			}
		}
		out[key] = r
	}
	return out
}

func compareRollups(t *testing.T, what string, got, want map[string]rollupCounts) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d rows, want %d", what, len(got), len(want))
	}
	for k, w := range want {
		if g, ok := got[k]; !ok || !g.equal(w) {
			t.Errorf("%s %s: page %+v, SQL %+v", what, k, g, w)
		}
	}
}

// TestRollupsEqualIndependentSQL checks every roll-up the pages show (a
// document's, its sections', a section page's, the units index, a unit's
// scorecard) against SQL written here: two documents sharing a unit,
// commitments in every state, a withdrawn one and a part, on a fixed day.
func TestRollupsEqualIndependentSQL(t *testing.T) {
	p := newTestPortal(t, withStaff(), withClock(chinaNoon(t, lateDay)))
	editor := loggedIn(t, p.URL, editorEmail)
	// A second document led by the seed's main unit: one overdue, one undated.
	_, form := reviewed(t, editor, p.URL)
	for n, fields := range map[string]map[string]string{
		"2": {"accept": "1", "title": "加大锰矿勘查力度", "kind": "plan", "strength": "definite", "lead": "gz-industry-it-dept", "due": "2025-12-31"},
		"4": {"accept": "1", "title": "培养技术人才500人", "kind": "target", "strength": "aspirational", "lead": "gz-industry-it-dept"},
	} {
		for k, v := range fields {
			form.Set("cand-"+n+"-"+k, v)
		}
	}
	r := postMultipart(t, editor, p.URL+"/documents/import", form)
	if r.status != http.StatusSeeOther {
		t.Fatalf("import: %d\n%.2000s", r.status, r.body)
	}
	second := strings.TrimPrefix(r.header.Get("Location"), "/documents/")
	// Every state: statuses, progress known and not, dates past, near and
	// far, completed ones past their date (never late), one withdrawn.
	for _, sql := range []string{
		`UPDATE documents SET published_at = now() WHERE slug = '` + second + `'`,
		`UPDATE commitments SET
		     status = (ARRAY['in_progress', 'planned', 'completed', 'blocked', 'ongoing', 'dropped', 'not_assessed'])[1 + id % 7],
		     progress = CASE WHEN id % 3 = 0 THEN NULL ELSE (id * 37) % 101 END,
		     due_on = CASE WHEN id % 4 = 0 THEN NULL ELSE DATE '2025-11-01' + ((id * 13) % 120)::int END`,
		`UPDATE commitments SET withdrawn_at = now() WHERE id = (SELECT min(commitment_id) FROM commitment_units
		     WHERE role = 'lead' AND entity_id <> (SELECT id FROM entities WHERE slug = 'gz-industry-it-dept'))`,
	} {
		if _, err := p.Pool.Exec(t.Context(), sql); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	parent := scalar[int64](t, p.Pool, `SELECT c.id FROM commitments c JOIN commitment_units u ON u.commitment_id = c.id
		WHERE c.withdrawn_at IS NULL AND u.role = 'lead' ORDER BY c.id LIMIT 1`)
	if r := request(t, editor, "POST", p.URL+commitmentPath(parent)+"/parts", url.Values{"title": {"其中一项"}, "part_status": {"completed"}}); r.status != http.StatusSeeOther {
		t.Fatalf("adding a part: %d", r.status)
	}
	if _, err := p.Pool.Exec(t.Context(), `UPDATE commitments SET progress = 3, due_on = DATE '2020-01-01', status = 'blocked' WHERE parent_id = $1`, parent); err != nil {
		t.Fatal(err)
	}
	if n := scalar[int](t, p.Pool, `SELECT count(DISTINCT status) FROM commitments`); n < 5 {
		t.Fatalf("only %d statuses in the data", n)
	}

	// Each document's roll-up, and its sections'.
	docs := rollupSQL(t, p, "d.slug", "", "true")
	if len(docs) != 2 {
		t.Fatalf("%d documents with commitments, want 2", len(docs))
	}
	for slug, want := range docs {
		page := request(t, nil, "GET", p.URL+"/documents/"+slug, nil)
		if got := factsOf(t, page.body, "document-rollup"); !got.equal(want) {
			t.Errorf("document %s: page %+v, SQL %+v", slug, got, want)
		}
		compareRollups(t, "sections of "+slug, tableRows(t, page.body, "section-rollups"),
			rollupSQL(t, p, "top.anchor", "JOIN section_roots sr ON sr.section_id = c.section_id JOIN sections top ON top.id = sr.root_id",
				"d.slug = $1", slug))
	}
	// A section page of the seed.
	sections := rollupSQL(t, p, "top.anchor", "JOIN section_roots sr ON sr.section_id = c.section_id JOIN sections top ON top.id = sr.root_id",
		"d.slug = $1", replySlug)
	for anchor, want := range sections {
		page := request(t, nil, "GET", p.URL+"/documents/"+replySlug+"/sections/"+anchor, nil)
		if got := factsOf(t, page.body, "section-rollup"); !got.equal(want) {
			t.Errorf("section %s: page %+v, SQL %+v", anchor, got, want)
		}
	}

	// The dashboard's timeliness charts, by section of both documents and by unit.
	dash := request(t, nil, "GET", p.URL+"/dashboard", nil)
	for slug := range docs {
		for anchor, want := range rollupSQL(t, p, "top.anchor", "JOIN section_roots sr ON sr.section_id = c.section_id JOIN sections top ON top.id = sr.root_id",
			"d.slug = $1", slug) {
			if got := chartRow(t, dash.body, "due-by-section-table", "/documents/"+slug+"/sections/"+anchor); got != [3]int{want.Overdue, want.DueSoon, want.Count} {
				t.Errorf("dashboard, section %s/%s: overdue, due soon, total %v; SQL %+v", slug, anchor, got, want)
			}
		}
	}

	// The units across both documents: the index, in every order, and each scorecard.
	units := rollupSQL(t, p, "e.slug", "JOIN commitment_units u ON u.commitment_id = c.id JOIN entities e ON e.id = u.entity_id", "true")
	if n := scalar[int](t, p.Pool, `SELECT count(DISTINCT c.document_id) FROM commitments c
		JOIN commitment_units u ON u.commitment_id = c.id JOIN entities e ON e.id = u.entity_id
		WHERE e.slug = 'gz-industry-it-dept' AND c.withdrawn_at IS NULL`); n != 2 || len(units) < 2 {
		t.Fatalf("the shared unit has live commitments in %d documents; %d units", n, len(units))
	}
	for _, sort := range []string{"", "?sort=name", "?sort=commitments", "?sort=completed", "?sort=overdue"} {
		page := request(t, nil, "GET", p.URL+"/units"+sort, nil)
		if page.status != http.StatusOK {
			t.Fatalf("/units%s: %d", sort, page.status)
		}
		compareRollups(t, "/units"+sort, tableRows(t, page.body, "units"), units)
	}
	for slug, want := range units {
		if got := chartRow(t, dash.body, "due-by-unit-table", "/units/"+slug); got != [3]int{want.Overdue, want.DueSoon, want.Count} {
			t.Errorf("dashboard, unit %s: overdue, due soon, total %v; SQL %+v", slug, got, want)
		}
		page := request(t, nil, "GET", p.URL+"/units/"+slug, nil)
		got := factsOf(t, page.body, "unit-rollup")
		got.Led, got.Supported = -1, -1
		if !got.equal(want) {
			t.Errorf("unit %s: page %+v, SQL %+v", slug, got, want)
		}
		if !strings.Contains(page.body, "牵头 "+itoa(want.Led)+" 项，配合 "+itoa(want.Supported)+" 项") {
			t.Errorf("unit %s: the scorecard does not say it leads %d and supports %d", slug, want.Led, want.Supported)
		}
	}
}

func TestUnitPagesRefuseWhatTheyDoNotKnow(t *testing.T) {
	p := newTestPortal(t)
	notUnit := scalar[string](t, p.Pool, `SELECT slug FROM entities e WHERE NOT EXISTS
		(SELECT 1 FROM commitment_units u WHERE u.entity_id = e.id) ORDER BY slug LIMIT 1`)
	for u, want := range map[string]int{
		"/units?sort=bogus":             http.StatusBadRequest,
		"/units?sort=name&sort=overdue": http.StatusBadRequest,
		"/units/no-such-unit":           http.StatusNotFound,
		"/units/" + notUnit:             http.StatusNotFound, // an entity, but no commitment names it as a unit
		"/units/Not_A_Slug":             http.StatusNotFound,
		"/units?sort=overdue":           http.StatusOK,
	} {
		if r := request(t, nil, "GET", p.URL+u, nil); r.status != want {
			t.Errorf("%s: %d, want %d", u, r.status, want)
		}
	}
	// An entity page links to the scorecard only where there is one.
	unit := scalar[string](t, p.Pool, `SELECT e.slug FROM entities e JOIN commitment_units u ON u.entity_id = e.id ORDER BY e.slug LIMIT 1`)
	if r := request(t, nil, "GET", p.URL+"/entities/"+unit, nil); !strings.Contains(r.body, `href="/units/`+unit+`"`) {
		t.Errorf("the entity page of unit %s does not link to its scorecard", unit)
	}
	if r := request(t, nil, "GET", p.URL+"/entities/"+notUnit, nil); strings.Contains(r.body, `href="/units/`) {
		t.Errorf("the entity page of %s links to a scorecard it does not have", notUnit)
	}
}

// chartRow reads the overdue, due-soon and total cells of the row linking to
// href in a dashboard chart's data table.
func chartRow(t *testing.T, body, tableID, href string) [3]int {
	t.Helper()
	i := strings.Index(body, `id="`+tableID+`"`)
	if i < 0 {
		t.Fatalf("no table %s on the dashboard", tableID)
	}
	table := body[i : i+strings.Index(body[i:], "</table>")]
	j := strings.Index(table, `<th scope="row"><a href="`+href+`"`)
	if j < 0 {
		return [3]int{-1, -1, -1}
	}
	row := table[j : j+strings.Index(table[j:], "</tr>")]
	var out [3]int
	for k, series := range []string{"overdue", "due_soon", "total"} {
		m := regexp.MustCompile(`data-series="` + series + `">(?:<a[^>]*>)?(\d+)<`).FindStringSubmatch(row)
		if m == nil {
			t.Fatalf("no %s cell in %s's row of %s:\n%s", series, href, tableID, row)
		}
		out[k], _ = strconv.Atoi(m[1])
	}
	return out
}

func TestDashboardCountsRepliesByGrade(t *testing.T) {
	p := newTestPortal(t)
	if _, err := p.Pool.Exec(t.Context(), `UPDATE documents SET reply_class = 'B' WHERE slug = $1`, replySlug); err != nil {
		t.Fatal(err)
	}
	body := request(t, nil, "GET", p.URL+"/dashboard", nil).body
	for _, g := range []string{"A", "B", "C", "D", ""} {
		want := scalar[int](t, p.Pool, `SELECT count(*)::int FROM documents WHERE kind = 'reply' AND NOT synthetic
			AND published_at IS NOT NULL AND coalesce(reply_class, '') = $1`, g)
		m := regexp.MustCompile(`<tr data-grade="` + g + `">.*?<td class="num">(\d+)</td>`).FindStringSubmatch(body)
		if m == nil || m[1] != itoa(want) {
			t.Errorf("grade %q: dashboard %v, SQL %d", g, m, want)
		}
	}
	if !strings.Contains(body, `href="/documents?grade=B"`) {
		t.Errorf("the grades table does not link to the documents of a grade")
	}
}
