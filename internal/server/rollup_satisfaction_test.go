package server_test

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// satisfactionCounts are 满意, 基本满意 and 不满意 counts; nil stands for "none".
type satisfactionCounts = [3]int

// satisfactionSQL counts ratings per key with SQL written here: from names
// the ratings' table (alias r, with r.rating) and the key's joins.
func satisfactionSQL(t *testing.T, p *testPortal, q string, args ...any) map[string]satisfactionCounts {
	t.Helper()
	rows, err := p.Pool.Query(t.Context(), `SELECT key,
		count(*) FILTER (WHERE rating = 'satisfied')::int,
		count(*) FILTER (WHERE rating = 'basically_satisfied')::int,
		count(*) FILTER (WHERE rating = 'unsatisfied')::int
		FROM (`+q+`) x GROUP BY key`, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	out := map[string]satisfactionCounts{}
	for rows.Next() {
		var k string
		var c satisfactionCounts
		if err := rows.Scan(&k, &c[0], &c[1], &c[2]); err != nil {
			t.Fatal(err)
		}
		out[k] = c
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

var satisfactionWords = regexp.MustCompile(`满意 (\d+)，基本满意 (\d+)，不满意 (\d+)`)

// factsSatisfaction reads the satisfaction a roll-up list with the id
// states; ok is false when it states none.
func factsSatisfaction(t *testing.T, body, id string) (satisfactionCounts, bool) {
	t.Helper()
	i := strings.Index(body, `id="`+id+`"`)
	if i < 0 {
		t.Fatalf("no roll-up %s on the page", id)
	}
	list := body[i : i+strings.Index(body[i:], "</ul>")]
	m := regexp.MustCompile(`class="satisfaction" data-satisfied="(\d+)" data-basic="(\d+)" data-unsatisfied="(\d+)">([^<]*)<`).FindStringSubmatch(list)
	if m == nil {
		return satisfactionCounts{}, false
	}
	var c satisfactionCounts
	for k := range c {
		c[k], _ = strconv.Atoi(m[k+1])
	}
	// The words say the same as the data attributes.
	if w := satisfactionWords.FindStringSubmatch(m[4]); w == nil || w[1] != m[1] || w[2] != m[2] || w[3] != m[3] {
		t.Errorf("%s: the words %q do not say %v", id, m[4], c)
	}
	return c, true
}

// tableSatisfaction reads the satisfaction column of a roll-up table by row
// key; rows that say there is none are left out.
func tableSatisfaction(t *testing.T, body, tableID string) map[string]satisfactionCounts {
	t.Helper()
	i := strings.Index(body, `id="`+tableID+`"`)
	if i < 0 {
		t.Fatalf("no table %s on the page", tableID)
	}
	table := body[i : i+strings.Index(body[i:], "</table>")]
	out := map[string]satisfactionCounts{}
	for _, row := range strings.Split(table, `<tr data-key="`)[1:] {
		key := row[:strings.Index(row, `"`)]
		j := strings.Index(row, `data-col="satisfaction">`)
		if j < 0 {
			t.Fatalf("%s: row %s has no satisfaction cell", tableID, key)
		}
		if m := satisfactionWords.FindStringSubmatch(row[j : j+strings.Index(row[j:], "<")]); m != nil {
			var c satisfactionCounts
			for k := range c {
				c[k], _ = strconv.Atoi(m[k+1])
			}
			out[key] = c
		}
	}
	return out
}

func compareSatisfaction(t *testing.T, what string, got, want map[string]satisfactionCounts) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d rows with evaluations, want %d (page %v, SQL %v)", what, len(got), len(want), got, want)
	}
	for k, w := range want {
		if g, ok := got[k]; !ok || g != w {
			t.Errorf("%s %s: page %v, SQL %v", what, k, g, w)
		}
	}
}

// TestRollupSatisfactionEqualsIndependentSQL checks the satisfaction every
// roll-up shows (a document's, its sections', a section page's, the units
// index, each unit's scorecard) and the dashboard's satisfaction across
// replies against SQL written here, with evaluations of every rating, one
// document evaluated twice, per-section ratings, and follow-ups open,
// overdue and closed.
func TestRollupSatisfactionEqualsIndependentSQL(t *testing.T) {
	p := newTestPortal(t, withClock(evalClock))
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := p.Pool.Exec(t.Context(), sql, args...); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	doc := scalar[int64](t, p.Pool, `SELECT id FROM documents WHERE slug = $1`, replySlug)
	// Three evaluations of the seeded reply, the newest satisfied; the
	// sections with commitments rated by the first two, differently.
	for i, rating := range []string{"unsatisfied", "basically_satisfied", "satisfied"} {
		exec(`WITH l AS (INSERT INTO evaluation_links (document_id, addressee, token_hash, issued_at, expires_at, used_at)
			VALUES ($1, '农工党贵州省委员会', sha256(convert_to('t' || $2::int::text, 'UTF8')), TIMESTAMPTZ '2026-11-01' + $2::int * INTERVAL '1 day',
			        TIMESTAMPTZ '2026-12-31', TIMESTAMPTZ '2026-11-02' + $2::int * INTERVAL '1 day') RETURNING id, used_at)
			INSERT INTO evaluations (link_id, document_id, rating, comment, comment_public, submitted_at)
			SELECT l.id, $1, $3, '私下的意见', false, l.used_at FROM l`, doc, i, rating)
	}
	exec(`INSERT INTO evaluation_sections (evaluation_id, section_id, rating)
		SELECT e.id, s.id, (ARRAY['satisfied', 'basically_satisfied', 'unsatisfied'])[1 + ((e.id + s.position) % 3)::int]
		FROM evaluations e CROSS JOIN sections s
		WHERE s.document_id = e.document_id AND s.parent_id IS NULL AND e.rating <> 'satisfied'
		  AND s.id IN (SELECT sr.root_id FROM section_roots sr JOIN commitments c ON c.section_id = sr.section_id)`)
	// A follow-up overdue, one not yet due and one closed.
	other := scalar[int64](t, p.Pool, `SELECT id FROM documents WHERE id <> $1 ORDER BY id LIMIT 1`, doc)
	exec(`INSERT INTO follow_ups (document_id, evaluation_id, due_on, opened_at, reply_document_id, closed_at)
		SELECT $1, e.id, d.due, TIMESTAMPTZ '2026-06-01', CASE WHEN d.closed THEN $2::bigint END, CASE WHEN d.closed THEN TIMESTAMPTZ '2026-11-20' END
		FROM (SELECT id, row_number() OVER (ORDER BY id) n FROM evaluations) e
		JOIN (VALUES (1, DATE '2026-10-01', false), (2, DATE '2027-02-01', false), (3, DATE '2026-09-01', true)) d (n, due, closed) ON d.n = e.n`, doc, other)

	// The document, its sections and each section page.
	docs := satisfactionSQL(t, p, `SELECT d.slug AS key, e.rating FROM evaluations e JOIN documents d ON d.id = e.document_id`)
	if docs[replySlug] != (satisfactionCounts{1, 1, 1}) {
		t.Fatalf("the data: %v", docs)
	}
	page := request(t, nil, http.MethodGet, p.URL+"/documents/"+replySlug, nil)
	if got, ok := factsSatisfaction(t, page.body, "document-rollup"); !ok || got != docs[replySlug] {
		t.Errorf("document: page %v (%v), SQL %v", got, ok, docs[replySlug])
	}
	if strings.Contains(page.body, "私下的意见") {
		t.Errorf("the document page shows a private comment")
	}
	sections := satisfactionSQL(t, p, `SELECT s.anchor AS key, es.rating FROM evaluation_sections es JOIN sections s ON s.id = es.section_id`)
	if len(sections) < 2 {
		t.Fatalf("only %d sections rated", len(sections))
	}
	compareSatisfaction(t, "sections", tableSatisfaction(t, page.body, "section-rollups"), sections)
	for anchor, want := range sections {
		body := request(t, nil, http.MethodGet, p.URL+"/documents/"+replySlug+"/sections/"+anchor, nil).body
		if got, ok := factsSatisfaction(t, body, "section-rollup"); !ok || got != want {
			t.Errorf("section %s: page %v (%v), SQL %v", anchor, got, ok, want)
		}
	}

	// Units: the evaluations of the replies in which each leads a live top-level commitment.
	units := satisfactionSQL(t, p, `SELECT en.slug AS key, e.rating FROM evaluations e JOIN entities en
		ON EXISTS (SELECT 1 FROM commitment_units u JOIN commitments c ON c.id = u.commitment_id
		           WHERE u.entity_id = en.id AND u.role = 'lead' AND c.document_id = e.document_id
		             AND c.withdrawn_at IS NULL AND c.parent_id IS NULL)`)
	supportOnly := scalar[string](t, p.Pool, `SELECT e.slug FROM entities e WHERE EXISTS (SELECT 1 FROM commitment_units u WHERE u.entity_id = e.id)
		AND NOT EXISTS (SELECT 1 FROM commitment_units u WHERE u.entity_id = e.id AND u.role = 'lead') ORDER BY e.slug LIMIT 1`)
	if len(units) == 0 {
		t.Fatal("no unit leads an evaluated reply")
	}
	compareSatisfaction(t, "/units", tableSatisfaction(t, request(t, nil, http.MethodGet, p.URL+"/units", nil).body, "units"), units)
	for slug, want := range units {
		body := request(t, nil, http.MethodGet, p.URL+"/units/"+slug, nil).body
		if got, ok := factsSatisfaction(t, body, "unit-rollup"); !ok || got != want {
			t.Errorf("unit %s: page %v (%v), SQL %v", slug, got, ok, want)
		}
	}
	if supportOnly != "" {
		body := request(t, nil, http.MethodGet, p.URL+"/units/"+supportOnly, nil).body
		if got, ok := factsSatisfaction(t, body, "unit-rollup"); ok {
			t.Errorf("unit %s only supports, yet its scorecard counts evaluations %v", supportOnly, got)
		}
	}

	// The dashboard: replies by their latest evaluation, and follow-ups.
	dash := request(t, nil, http.MethodGet, p.URL+"/dashboard", nil).body
	for _, rating := range []string{"satisfied", "basically_satisfied", "unsatisfied", ""} {
		want := scalar[int](t, p.Pool, `SELECT count(*)::int FROM documents d WHERE d.kind = 'reply' AND NOT d.synthetic
			AND d.published_at IS NOT NULL AND coalesce((SELECT e.rating FROM evaluations e WHERE e.document_id = d.id
			ORDER BY e.submitted_at DESC LIMIT 1), '') = $1`, rating)
		m := regexp.MustCompile(`<tr data-rating="` + rating + `">.*?<td class="num">(\d+)</td>`).FindStringSubmatch(dash)
		if m == nil || m[1] != itoa(want) {
			t.Errorf("dashboard, rating %q: %v, SQL %d", rating, m, want)
		}
	}
	for what, q := range map[string]string{
		"open":    `SELECT count(*)::int FROM follow_ups WHERE closed_at IS NULL`,
		"overdue": `SELECT count(*)::int FROM follow_ups WHERE closed_at IS NULL AND due_on < DATE '2026-12-03'`,
	} {
		want := scalar[int](t, p.Pool, q)
		m := regexp.MustCompile(`<tr data-follow-ups="` + what + `">.*?<td class="num">(\d+)</td>`).FindStringSubmatch(dash)
		if want != 1 && what == "overdue" || want != 2 && what == "open" {
			t.Fatalf("the data: %d follow-ups %s", want, what)
		}
		if m == nil || m[1] != itoa(want) {
			t.Errorf("dashboard, follow-ups %s: %v, SQL %d", what, m, want)
		}
	}
}
