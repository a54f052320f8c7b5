package server_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/guizhou-portal/portal/internal/policy"
)

// axeDir holds the pinned axe-core (package.json and package-lock.json);
// npm ci fills its node_modules when they are missing.
const axeDir = "testdata/axe"

var (
	axeOnce   sync.Once
	axeSource string
	axeErr    error
)

// axeScript returns axe.min.js, running npm ci first when node_modules is
// missing. Without npm the test is skipped, or fails under PORTAL_REQUIRE_BROWSER.
func axeScript(t *testing.T) string {
	t.Helper()
	axeOnce.Do(func() {
		file := filepath.Join(axeDir, "node_modules", "axe-core", "axe.min.js")
		if _, err := os.Stat(file); err != nil {
			npm, err := exec.LookPath("npm")
			if err != nil {
				axeErr = errors.New("npm is not installed, so axe-core cannot be installed (apt-get install npm)")
				return
			}
			ci := exec.Command(npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts")
			ci.Dir = axeDir
			if out, err := ci.CombinedOutput(); err != nil {
				axeErr = fmt.Errorf("npm ci in %s: %v\n%s", axeDir, err, lastLines(out, 5))
				return
			}
		}
		b, err := os.ReadFile(file)
		axeSource, axeErr = string(b), err
	})
	if axeErr != nil {
		if os.Getenv("PORTAL_REQUIRE_BROWSER") != "" {
			t.Fatal(axeErr)
		}
		t.Skipf("%v; set PORTAL_REQUIRE_BROWSER=1 to make this a failure", axeErr)
	}
	return axeSource
}

// axeViolation is one rule axe found broken, with where.
type axeViolation struct {
	ID, Impact, Help string
	Nodes            []string
}

// audit injects axe-core into the page the browser shows (through the
// DevTools protocol, which a Content-Security-Policy does not govern) and
// returns the serious and critical violations of WCAG 2.x A and AA and of
// axe's best practices.
func audit(t *testing.T, ctx context.Context, axe string) []axeViolation {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[any](axe+";undefined")); err != nil {
		t.Fatalf("injecting axe-core: %v", err)
	}
	const run = `axe.run(document, {resultTypes: ["violations"],
		runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]}})
	.then(r => JSON.stringify(r.violations.map(v => ({ID: v.id, Impact: v.impact || "", Help: v.help,
		Nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + ": " + (n.failureSummary || "").replace(/\s+/g, " "))}))))`
	out, err := chromedp.Run(ctx, chromedp.Evaluate[string](run, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("running axe-core: %v", err)
	}
	var all []axeViolation
	if err := json.Unmarshal([]byte(out), &all); err != nil {
		t.Fatal(err)
	}
	var bad []axeViolation
	for _, v := range all {
		if v.Impact == "serious" || v.Impact == "critical" {
			bad = append(bad, v)
		}
	}
	return bad
}

// screenshot saves the browser's view as docs/screenshots/NAME.png when
// PORTAL_SCREENSHOTS=1, so that an ordinary test run leaves the tree alone.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	if os.Getenv("PORTAL_SCREENSHOTS") != "1" {
		return
	}
	png := must(t, ctx, chromedp.CaptureScreenshot())
	dir := filepath.Join("..", "..", "docs", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestMainPagesPassAxe runs axe-core on every main page, public and staff,
// and on the public ones in English too: no serious or critical violation. With PORTAL_SCREENSHOTS=1 it also saves
// each page's screenshot under docs/screenshots/.
func TestMainPagesPassAxe(t *testing.T) {
	p := newTestPortal(t, withStaff())
	base := p.URL
	// A change waiting in the review queue, so that its page shows its forms.
	progress := 60
	if _, err := p.Store.ProposeEdit(t.Context(), policy.Actor{Name: "李编辑"}, 43, version(t, p.Pool, 43),
		policy.CommitmentEdit{Status: policy.Status("in_progress"), Progress: &progress, PublicNote: "已召开推进会。"}); err != nil {
		t.Fatal(err)
	}
	ctx := browserFor(t, 8*time.Minute) // fifty pages, on a busy machine
	axe := axeScript(t)
	pages := []struct{ name, path, wait string }{
		{"home", "/", "main h1"},
		{"documents", "/documents", "#documents"},
		{"document", "/documents/" + replySlug, "nav.toc"},
		{"document-status-marks", "/documents/" + replySlug + "#s4", "nav.toc"},
		{"document-clean", "/documents/" + replySlug + "?marks=off", "nav.toc"},
		{"section", "/documents/" + replySlug + "/sections/s4", "main h1"},
		{"versions", "/documents/" + replySlug + "/versions", "main h1"},
		{"version", "/documents/" + replySlug + "/versions/1", "main h1"},
		{"diff", "/documents/" + replySlug + "/diff?from=1&to=1", "main h1"},
		{"commitments", "/commitments?status=completed&section=talent_technology", "#results-h"},
		{"commitment", "/commitments/43", "main h1"},
		{"history", "/commitments/43/history", "main h1"},
		{"entities", "/entities", "main h1"},
		{"entity", "/entities/tongren", "main h1"},
		{"dashboard", "/dashboard", "main h1"},
		{"dashboard-one", "/dashboard?document=" + replySlug, "main h1"},
		{"map", "/map", "main svg"},
		{"search", "/search?q=" + "锂矿", "main mark"},
		{"search-help", "/search", "main h1"},
		{"login", "/login", "#email"},
		{"not-found", "/commitments/99999", "main h1"},
		{"changes-public", "/changes", "main h1"},
		{"commitment-as-of", "/commitments/43?as_of=" + time.Now().In(policy.China).Format(time.DateOnly), ".as-of-banner"},
	}
	check := func(name, path, wait string) {
		t.Helper()
		steps(t, ctx, chromedp.Navigate(base+path), chromedp.WaitVisible(chromedp.CSS(wait)))
		for _, v := range audit(t, ctx, axe) {
			t.Errorf("%s (%s): %s %s: %s\n\t%s", name, path, v.Impact, v.ID, v.Help, strings.Join(v.Nodes, "\n\t"))
		}
		screenshot(t, ctx, name)
	}
	for _, p := range pages {
		check(p.name, p.path, p.wait)
	}
	// The same pages in English, whose screenshots are not kept.
	steps(t, ctx, chromedp.Navigate(base+"/lang/en?next=/"), chromedp.WaitVisible(chromedp.CSS(`main h1`)))
	for _, p := range pages {
		steps(t, ctx, chromedp.Navigate(base+p.path), chromedp.WaitVisible(chromedp.CSS(p.wait)))
		for _, v := range audit(t, ctx, axe) {
			t.Errorf("%s in English (%s): %s %s: %s\n\t%s", p.name, p.path, v.Impact, v.ID, v.Help, strings.Join(v.Nodes, "\n\t"))
		}
	}
	steps(t, ctx, chromedp.Navigate(base+"/lang/zh?next=/"), chromedp.WaitVisible(chromedp.CSS(`main h1`)))
	// Staff pages, signed in as the admin.
	steps(t, ctx,
		chromedp.Navigate(base+"/login"),
		signIn(adminEmail),
		chromedp.WaitVisible(chromedp.CSS(`nav.staff`)),
	)
	for _, p := range []struct{ name, path, wait string }{
		{"staff-commitment", "/commitments/12", "#note"},
		{"edit", "/commitments/12/edit", "#public_note"},
		{"new-commitment", "/commitments/new?document=" + replySlug + "&paragraph=4", "main form"},
		{"changes", "/changes", "main h1"},
		{"reviews", "/reviews", "main h1"},
		{"document-grade", "/documents/" + replySlug, "#grade"},
		{"admin-users", "/admin/users", "main h1"},
		{"admin-themes", "/admin/themes", "main h1"},
		{"admin-units", "/admin/units", "main h1"},
		{"admin-unit", "/admin/units/gz-industry-it-dept", "#contact_email"},
		{"admin-mail", "/admin/mail", "main h1"},
		{"import", "/documents/import", "main form"},
	} {
		check(p.name, p.path, p.wait)
	}
	// A form sent back with messages is a page of its own.
	steps(t, ctx,
		chromedp.Navigate(base+"/commitments/12/edit"),
		chromedp.WaitVisible(chromedp.CSS(`#progress`)),
		chromedp.SetValue(chromedp.CSS(`#progress`), "200"),
		chromedp.Click(`//form//button[text()="保存"]`),
		chromedp.WaitVisible(chromedp.CSS(`[aria-invalid="true"]`)),
	)
	for _, v := range audit(t, ctx, axe) {
		t.Errorf("edit form with errors: %s %s: %s\n\t%s", v.Impact, v.ID, v.Help, strings.Join(v.Nodes, "\n\t"))
	}
}

// TestReadmeImagesExist: every image the README shows is in the tree.
func TestReadmeImagesExist(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	images := regexp.MustCompile(`!\[[^\]]*\]\(([^)\s]+)\)`).FindAllStringSubmatch(string(readme), -1)
	if len(images) == 0 {
		t.Fatal("the README shows no image")
	}
	for _, m := range images {
		if _, err := os.Stat(filepath.Join("..", "..", m[1])); err != nil {
			t.Errorf("the README shows %s: %v", m[1], err)
		}
	}
}
