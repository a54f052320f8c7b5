package server_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestUnitScorecardAndPartsInABrowser reads the units index and a unit's
// scorecard as the public, then adds a part to a commitment as staff would,
// by its page's form; every page passes axe. With PORTAL_SCREENSHOTS=1 it
// saves docs/screenshots/unit-scorecard.png and units.png.
func TestUnitScorecardAndPartsInABrowser(t *testing.T) {
	p := newTestPortal(t, withStaff())
	ctx := browserFor(t, 3*time.Minute)
	axe := axeScript(t)
	check := func(name string) {
		t.Helper()
		for _, v := range audit(t, ctx, axe) {
			t.Errorf("%s: %s %s: %s\n\t%s", name, v.Impact, v.ID, v.Help, strings.Join(v.Nodes, "\n\t"))
		}
	}
	// How often the seed names its most named unit.
	most := scalar[int](t, p.Pool, `SELECT count(*)::int FROM commitment_units GROUP BY entity_id ORDER BY 1 DESC LIMIT 1`)
	steps(t, ctx, chromedp.Navigate(p.URL+"/units"), chromedp.WaitVisible(chromedp.CSS(`#units`)))
	check("units")
	screenshot(t, ctx, "units")
	// Sorting by a column heading, then following the unit's link.
	steps(t, ctx,
		chromedp.Click(chromedp.CSS(`#units thead a[href="/units?sort=commitments"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#units th[aria-sort="descending"]`)),
		chromedp.Click(chromedp.CSS(`#units tbody tr:first-child th a`)),
		chromedp.WaitVisible(chromedp.CSS(`#unit-rollup`)),
	)
	loc := must(t, ctx, chromedp.Location())
	unit := loc[strings.LastIndex(loc, "/")+1:]
	if n := scalar[int](t, p.Pool, `SELECT count(*)::int FROM commitment_units u JOIN entities e ON e.id = u.entity_id
		WHERE e.slug = $1`, unit); n != most {
		t.Errorf("the first unit by commitments, %s, has %d; the most is %d", unit, n, most)
	}
	check("unit-scorecard")
	screenshot(t, ctx, "unit-scorecard")
	if rows := must(t, ctx, chromedp.Text(chromedp.CSS(`#unit-commitments tbody`))); strings.TrimSpace(rows) == "" {
		t.Errorf("the scorecard lists no commitments")
	}

	// Staff add a part from the parent's page.
	parent := scalar[int64](t, p.Pool, `SELECT id FROM commitments ORDER BY position LIMIT 1`)
	steps(t, ctx,
		chromedp.Navigate(p.URL+"/login?next="+commitmentPath(parent)),
		signIn(editorEmail),
		chromedp.WaitVisible(chromedp.CSS(`#tools-h`)),
		chromedp.Click(`//summary[text()="添加子承诺"]`),
		chromedp.WaitVisible(chromedp.CSS(`#part-title`)),
		chromedp.SendKeys(chromedp.CSS(`#part-title`), "锰矿勘查"),
		chromedp.SetValue(chromedp.CSS(`#part_status`), "in_progress"),
		chromedp.Click(`//form//button[text()="添加子承诺"]`),
		chromedp.WaitVisible(chromedp.CSS(`#parts`)),
	)
	if got := scalar[string](t, p.Pool, `SELECT title || '|' || status FROM commitments WHERE parent_id = $1`, parent); got != "锰矿勘查|in_progress" {
		t.Errorf("the part saved as %q", got)
	}
	check("staff-commitment-parts")
	steps(t, ctx, chromedp.Navigate(p.URL+"/dashboard"), chromedp.WaitVisible(chromedp.CSS(`#due-by-section-h`)))
	check("dashboard")
}
