package server_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// listed counts the commitments a list page shows.
func listed(body string) int { return strings.Count(body, `class="c-title"`) }

func TestCommitmentFiltersShowCountsAndCombineIntoAShareableLink(t *testing.T) {
	checkCommitmentFilters(t, newTestPortal(t).URL)
}

// checkCommitmentFilters checks the seeded reply's list, its counts and its
// filters at base.
func checkCommitmentFilters(t *testing.T, base string) {
	t.Helper()
	r := request(t, nil, "GET", base+"/commitments", nil)
	for _, want := range []string{`name="region"`, `name="mineral"`, `name="year"`, "共 51 项",
		`value="tongren"> 铜仁 <span class="count" aria-hidden="true">2</span><span class="visually-hidden">筛选后 2 项</span>`,
		`value="2025"> 2025年 <span class="count" aria-hidden="true">3</span><span class="visually-hidden">筛选后 3 项</span>`} {
		if !strings.Contains(r.body, want) {
			t.Errorf("/commitments lacks %s", want)
		}
	}
	if listed(r.body) != 51 {
		t.Errorf("/commitments lists %d", listed(r.body))
	}

	// What did the reply promise 铜仁? Combined with a year, then removed one by one.
	r = request(t, nil, "GET", base+"/commitments?region=tongren", nil)
	if r.status != 200 || listed(r.body) != 2 || !strings.Contains(r.body, "共 2 项") || !strings.Contains(r.body, "地区：铜仁 ✕") {
		t.Fatalf("region=tongren: status %d, %d listed", r.status, listed(r.body))
	}
	r = request(t, nil, "GET", base+"/commitments?region=tongren&year=2023&mineral=lithium", nil)
	if listed(r.body) != 0 || !strings.Contains(r.body, "没有符合这些条件的承诺事项") {
		t.Errorf("tongren, 2023 and lithium: %d listed, want none", listed(r.body))
	}
	for _, remove := range []string{`/commitments?region=tongren&amp;year=2023`, `/commitments?mineral=lithium&amp;region=tongren`, `/commitments?mineral=lithium&amp;year=2023`} {
		if !strings.Contains(r.body, `href="`+remove+`"`) {
			t.Errorf("no link removing one filter: %s", remove)
		}
	}
	// Within one facet values are alternatives: the counts of two regions' lists add up
	// when the regions share nothing.
	r = request(t, nil, "GET", base+"/commitments?mineral=lithium&status=planned", nil)
	if listed(r.body) != 1 {
		t.Errorf("lithium and planned: %d listed, want 1", listed(r.body))
	}
	// The status counts under mineral=lithium ignore the status filter itself.
	if !regexp.MustCompile(`value="not_assessed"> 未评估 <span class="count"[^>]*>1</span>`).MatchString(r.body) {
		t.Errorf("status counts do not show what choosing 未评估 instead would leave")
	}
}

func TestBadFacetValuesAre400(t *testing.T) {
	base := newTestPortal(t).URL
	for path, want := range map[string]string{
		"/commitments?region=mars":         "地区",
		"/commitments?region=catl":         "地区", // a company is not a region
		"/commitments?mineral=gold":        "矿产",
		"/commitments?year=twenty":         "年份",
		"/commitments?year=99999":          "年份",
		"/commitments?year=02025":          "年份",
		"/commitments?year=2025&year=x%00": "年份",
	} {
		r := request(t, nil, "GET", base+path, nil)
		if r.status != 400 || !strings.Contains(r.body, want) {
			t.Errorf("%s: status %d, want 400 naming %s", path, r.status, want)
		}
	}
}

func TestALeadFilterStaysValidWhenItsCommitmentsAreWithdrawn(t *testing.T) {
	p := newTestPortal(t, withStaff())
	base, pool := p.URL, p.Pool
	lead := scalar[string](t, pool, `SELECT e.slug FROM commitment_units u JOIN entities e ON e.id = u.entity_id
		WHERE u.role = 'lead' GROUP BY e.slug HAVING count(*) = 1 ORDER BY e.slug LIMIT 1`)
	if r := request(t, nil, "GET", base+"/commitments?lead="+lead, nil); r.status != 200 {
		t.Fatalf("lead=%s: status %d", lead, r.status)
	}
	pool.Exec(t.Context(), `UPDATE commitments SET withdrawn_at = now() WHERE id IN (
		SELECT u.commitment_id FROM commitment_units u JOIN entities e ON e.id = u.entity_id WHERE e.slug = $1)`, lead)
	for _, path := range []string{"/commitments?lead=", "/commitments.csv?lead="} {
		if r := request(t, nil, "GET", base+path+lead, nil); r.status != 200 {
			t.Errorf("%s%s after withdrawal: status %d, want 200 with no commitments", path, lead, r.status)
		}
	}
	if r := request(t, nil, "GET", base+"/commitments?lead=no-such-unit", nil); r.status != 400 {
		t.Errorf("an unknown unit: status %d, want 400", r.status)
	}
}

func TestCommitmentFiltersAreShareableAndRemovable(t *testing.T) {
	base := newTestPortal(t).URL
	all := request(t, nil, "GET", base+"/commitments", nil)
	count := func(body string) int {
		return strings.Count(body, `<a class="c-title"`)
	}
	total := count(all.body)
	if total < 30 {
		t.Fatalf("%d commitments listed, want at least 30", total)
	}
	q := url.Values{"status": {"completed"}, "section": {"talent_technology"}}
	r := request(t, nil, "GET", base+"/commitments?"+q.Encode(), nil)
	n := count(r.body)
	if n == 0 || n >= total {
		t.Fatalf("filtered list has %d of %d", n, total)
	}
	if strings.Contains(r.body, "未评估</span>") {
		t.Errorf("status filter let a not-assessed commitment through")
	}
	for _, want := range []string{`value="completed" checked`, `value="talent_technology" checked`, "状态：已完成", "章节主题：人才与科技支撑",
		`href="/commitments?section=talent_technology"`, `href="/commitments?status=completed"`} {
		if !strings.Contains(r.body, want) {
			t.Errorf("filtered page lacks %s", want)
		}
	}
	// Removing one filter widens the list.
	wider := count(request(t, nil, "GET", base+"/commitments?status=completed", nil).body)
	if wider <= n {
		t.Errorf("removing the section filter left %d, want more than %d", wider, n)
	}
	// The document filter narrows to the reply and names it.
	r = request(t, nil, "GET", base+"/commitments?document="+replySlug, nil)
	if count(r.body) != total || !strings.Contains(r.body, "黔工信提复字〔2023〕4号") {
		t.Errorf("document filter: %d listed", count(r.body))
	}
	// A lead unit filter.
	r = request(t, nil, "GET", base+"/commitments?lead=gz-big-data-bureau", nil)
	if r.status != 200 || count(r.body) == 0 || count(r.body) >= total || !strings.Contains(r.body, "牵头单位：省大数据局") {
		t.Errorf("lead filter: status %d, %d listed", r.status, count(r.body))
	}
}
