package server_test

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// TestUnitPickerFiltersAndKeepsOneRoleInABrowser: on the edit form the
// picker's script shows the filter box; typing part of a short name leaves
// only the matching units and those already chosen; ticking "supports"
// for the lead unit clears its "leads"; the saved form stores the choice.
func TestUnitPickerFiltersAndKeepsOneRoleInABrowser(t *testing.T) {
	p := newTestPortal(t, withStaff())
	ctx := browser(t)
	steps(t, ctx,
		chromedp.Navigate(p.URL+"/login?next=/commitments/12/edit"),
		signIn(editorEmail),
		chromedp.WaitVisible(chromedp.CSS(`#unit-filter`)), // hidden until the script runs
		chromedp.Click(`//input[@name="lead"][@value="gz-industry-it-dept"]`),
		chromedp.SendKeys(chromedp.CSS(`#unit-filter`), "应急管理"),
		chromedp.WaitVisible(`//th[@id="unit-gz-emergency-dept"]`),
		chromedp.WaitNotVisible(`//th[@id="unit-gz-finance-dept"]`),
		chromedp.WaitNotVisible(`//th[@id="unit-catl"]`),
		// A unit already chosen stays in view whatever the filter.
		chromedp.WaitVisible(`//th[@id="unit-gz-industry-it-dept"]`),
	)
	steps(t, ctx, chromedp.ScrollIntoView(chromedp.CSS(`.unit-list`)))
	screenshot(t, ctx, "unit-picker")
	steps(t, ctx,
		chromedp.Click(`//input[@name="lead"][@value="gz-emergency-dept"]`),
		chromedp.Click(`//input[@name="support"][@value="gz-emergency-dept"]`),
	)
	if on := must(t, ctx, chromedp.Evaluate[bool](`document.querySelector('input[name=lead][value="gz-emergency-dept"]').checked`)); on {
		t.Fatal("ticking supports left leads ticked")
	}
	steps(t, ctx,
		chromedp.Click(`//form//button[text()="保存"]`),
		chromedp.WaitVisible(chromedp.CSS(`#timeline-h`)),
	)
	if got := scalar[string](t, p.Pool, `SELECT string_agg(e.slug || ':' || u.role, ',' ORDER BY e.slug) FROM commitment_units u
		JOIN entities e ON e.id = u.entity_id WHERE u.commitment_id = 12`); got != "gz-emergency-dept:support,gz-industry-it-dept:lead" {
		t.Errorf("commitment 12's units are saved as %q", got)
	}
}
