package server_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// browser starts headless Chromium for one test. Debian's chromium is used,
// never a downloaded one; when it is missing and the test runs as root where
// apt-get is, it is installed once. Otherwise the test is skipped, unless
// PORTAL_REQUIRE_BROWSER is set (as .ci/run does), where it fails.
func browser(t *testing.T) context.Context {
	t.Helper()
	return browserFor(t, 60*time.Second)
}

// browserFor is browser for a test that may take up to limit in all, such
// as one that audits twenty pages.
func browserFor(t *testing.T, limit time.Duration) context.Context {
	t.Helper()
	path, err := chromiumPath()
	if err != nil {
		if os.Getenv("PORTAL_REQUIRE_BROWSER") != "" {
			t.Fatalf("no chromium (%v), and PORTAL_REQUIRE_BROWSER is set: apt-get install chromium", err)
		}
		t.Skipf("no chromium (%v); apt-get install chromium, or set PORTAL_REQUIRE_BROWSER=1 to make this a failure", err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
		// A Chinese reader's browser: the portal picks its language from Accept-Language.
		chromedp.Flag("lang", "zh-CN"),
		chromedp.Flag("accept-lang", "zh-CN,zh"),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, limit)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	return ctx
}

var (
	chromiumOnce sync.Once
	chromium     string
	chromiumErr  error
)

// chromiumPath finds Debian's chromium, installing it with apt-get when it is
// missing and this process may (root, apt-get present).
func chromiumPath() (string, error) {
	chromiumOnce.Do(func() {
		if chromium, chromiumErr = exec.LookPath("chromium"); chromiumErr == nil {
			return
		}
		apt, err := exec.LookPath("apt-get")
		if err != nil || os.Geteuid() != 0 {
			chromiumErr = errors.New("chromium is not installed, and apt-get cannot install it here (not root or no apt-get)")
			return
		}
		install := exec.Command(apt, "install", "-y", "-qq", "--no-install-recommends", "chromium")
		install.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		if out, err := install.CombinedOutput(); err != nil {
			chromiumErr = fmt.Errorf("apt-get install chromium: %v\n%s", err, lastLines(out, 5))
			return
		}
		chromium, chromiumErr = exec.LookPath("chromium")
	})
	return chromium, chromiumErr
}

func lastLines(b []byte, n int) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// must runs an action that returns a value and fails the test on error.
func must[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// signIn fills in the login form the browser shows as email and submits it.
func signIn(email string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.SendKeys(chromedp.CSS(`#email`), email),
		chromedp.SendKeys(chromedp.CSS(`#password`), password),
		chromedp.Submit(chromedp.CSS(`#password`)),
	)
}

func steps(t *testing.T, ctx context.Context, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatal(err)
	}
}

func TestReaderFollowsTheTextInABrowser(t *testing.T) {
	base := newTestPortal(t).URL
	ctx := browser(t)
	// The table of contents leads to a sub-item that begins inside a paragraph.
	steps(t, ctx,
		chromedp.Navigate(base+"/documents/"+replySlug),
		chromedp.Click(chromedp.CSS(`nav.toc a[href="#s4-2"]`)),
	)
	location := must(t, ctx, chromedp.Location())
	paragraph := must(t, ctx, chromedp.Text(chromedp.CSS(`#p14`)))
	if !strings.HasSuffix(location, "#s4-2") || !strings.Contains(paragraph, "(二)围绕重点环节招商") {
		t.Fatalf("TOC click went to %s", location)
	}
	// A commitment's reference in the text opens its page.
	steps(t, ctx,
		chromedp.Click(`//a[@class="cref"][text()="承诺 43"]`),
		chromedp.WaitVisible(chromedp.CSS(`h1`)),
	)
	location = must(t, ctx, chromedp.Location())
	h1 := must(t, ctx, chromedp.Text(chromedp.CSS(`h1`)))
	if !strings.Contains(location, "/commitments/") || h1 != "完成大数据人才实训710人" {
		t.Fatalf("commitment link went to %s with heading %q", location, h1)
	}
}

func TestStaffFiltersCommitmentsInABrowser(t *testing.T) {
	base := newTestPortal(t).URL
	ctx := browser(t)
	steps(t, ctx,
		chromedp.Navigate(base+"/commitments"),
		chromedp.Click(chromedp.CSS(`input[name="status"][value="completed"]`)),
		chromedp.Click(chromedp.CSS(`input[name="section"][value="talent_technology"]`)),
		chromedp.Click(chromedp.CSS(`form.filters button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`ul.active-filters`)),
	)
	location := must(t, ctx, chromedp.Location())
	heading := must(t, ctx, chromedp.Text(chromedp.CSS(`#results-h`)))
	u, err := url.Parse(location)
	if err != nil {
		t.Fatal(err)
	}
	if q := u.Query(); q.Get("status") != "completed" || q.Get("section") != "talent_technology" {
		t.Fatalf("the filtered view is not a shareable URL: %s", location)
	}
	if heading != "共 3 项" {
		t.Fatalf("filtered heading %q, want 共 3 项", heading)
	}
	// Removing one filter keeps the other.
	steps(t, ctx,
		chromedp.Click(`//ul[@class="active-filters"]//a[contains(., "状态")]`),
		chromedp.WaitNotPresent(`//ul[@class="active-filters"]//a[contains(., "状态")]`),
	)
	location = must(t, ctx, chromedp.Location())
	after := must(t, ctx, chromedp.Text(chromedp.CSS(`#results-h`)))
	if !strings.HasSuffix(location, "/commitments?section=talent_technology") || after == heading {
		t.Fatalf("after removing the status filter: %s, %q", location, after)
	}
}

func TestEditorUpdatesACommitmentInABrowser(t *testing.T) {
	p := newTestPortal(t, withStaff())
	base, pool := p.URL, p.Pool
	ctx := browser(t)
	steps(t, ctx,
		chromedp.Navigate(base+"/commitments/12"),
		chromedp.Click(`//footer//a[text()="工作人员登录"]`),
		chromedp.WaitVisible(chromedp.CSS(`#email`)),
		signIn(editorEmail),
		chromedp.WaitVisible(chromedp.CSS(`nav.staff`)),
	)
	// The footer's login link leads back to the page it was on.
	if location := must(t, ctx, chromedp.Location()); !strings.HasSuffix(location, "/commitments/12") {
		t.Errorf("after logging in from /commitments/12 the browser is at %s", location)
	}
	steps(t, ctx,
		chromedp.Click(`//a[text()="编辑状态、单位和期限"]`),
		chromedp.WaitVisible(chromedp.CSS(`#status`)),
		chromedp.SetValue(chromedp.CSS(`#status`), "in_progress"),
		chromedp.SendKeys(chromedp.CSS(`#progress`), "30"),
		chromedp.SendKeys(chromedp.CSS(`#public_note`), "已完成项目选址。"),
		chromedp.Click(`//form//button[text()="保存"]`),
		chromedp.WaitVisible(chromedp.CSS(`#timeline-h`)),
		chromedp.SendKeys(chromedp.CSS(`#note`), "完成用地预审。"),
		chromedp.Click(`//button[text()="添加进展"]`),
		chromedp.WaitVisible(`//ol[@class="timeline"]//p[contains(., "完成用地预审。")]`),
	)
	note := must(t, ctx, chromedp.Text(chromedp.CSS(`#note-h + p`)))
	if note != "已完成项目选址。" {
		t.Errorf("public note %q after saving", note)
	}
	if got := scalar[string](t, pool, `SELECT status || ' ' || progress FROM commitments WHERE id = 12`); got != "in_progress 30" {
		t.Errorf("stored %q, want in_progress 30", got)
	}
	steps(t, ctx,
		chromedp.Click(`//button[text()="退出登录"]`),
		chromedp.WaitVisible(`//footer//a[text()="工作人员登录"]`),
	)
}

func TestReaderPrintsTheDocumentOnA4(t *testing.T) {
	base := newTestPortal(t).URL
	ctx := browser(t)
	display := func(sel string) string {
		return must(t, ctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector(`+"`"+sel+"`"+`)).display`))
	}
	steps(t, ctx, chromedp.Navigate(base+"/documents/"+replySlug), chromedp.WaitVisible(chromedp.CSS(`h1`)))
	if d := display("section.print-only"); d != "none" {
		t.Errorf("on screen the printed status table is displayed (%s)", d)
	}
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
		t.Fatal(err)
	}
	if d := display("section.print-only"); d != "block" {
		t.Errorf("in print the status table is not shown (%s)", d)
	}
	if d := display("header.site nav"); d != "none" {
		t.Errorf("in print the navigation is shown (%s)", d)
	}
	pdf := must(t, ctx, chromedp.PrintToPDF(chromedp.PDFPaper(chromedp.PaperA4)))
	if !bytes.HasPrefix(pdf, []byte("%PDF")) {
		t.Fatal("printing did not produce a PDF")
	}
	pages := regexp.MustCompile(`/Type\s*/Page[^s]`).FindAll(pdf, -1)
	a4 := regexp.MustCompile(`/MediaBox\s*\[0 0 595\.\d+ 841\.\d+\]`).FindAll(pdf, -1)
	if len(pages) < 3 || len(pages) > 12 || len(a4) != len(pages) {
		t.Errorf("the document prints on %d pages, %d of them A4; want a few A4 pages", len(pages), len(a4))
	}
}

func TestReaderOpensARegionFromTheMap(t *testing.T) {
	base := newTestPortal(t).URL
	ctx := browser(t)
	steps(t, ctx,
		chromedp.Navigate(base+"/map"),
		chromedp.Click(chromedp.CSS(`a[href="/entities/tongren"] path`)),
		chromedp.WaitVisible(chromedp.CSS(`h1`)),
	)
	location := must(t, ctx, chromedp.Location())
	h1 := must(t, ctx, chromedp.Text(chromedp.CSS(`h1`)))
	if !strings.HasSuffix(location, "/entities/tongren") || h1 != "铜仁" {
		t.Fatalf("clicking 铜仁 on the map went to %s (%q)", location, h1)
	}
}
