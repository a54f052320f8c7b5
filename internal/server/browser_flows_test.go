package server_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestReaderBrowsesFromHomeToASectionInABrowser: from the home page a reader
// opens the reply, then one section on a page of its own, and follows its
// first commitment.
func TestReaderBrowsesFromHomeToASectionInABrowser(t *testing.T) {
	base := newTestPortal(t).URL
	ctx := browser(t)
	steps(t, ctx,
		chromedp.Navigate(base+"/"),
		chromedp.Click(chromedp.CSS(`h3 a[href="/documents/`+replySlug+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(`nav.toc`)),
	)
	if h1 := must(t, ctx, chromedp.Text(chromedp.CSS(`h1`))); !strings.Contains(h1, "第1019号提案的答复") {
		t.Fatalf("the home page's link opened %q", h1)
	}
	steps(t, ctx,
		chromedp.Click(chromedp.CSS(`nav.toc a[href="/documents/`+replySlug+`/sections/s1"]`)),
		chromedp.WaitVisible(chromedp.CSS(`h1`)),
	)
	location := must(t, ctx, chromedp.Location())
	h1 := must(t, ctx, chromedp.Text(chromedp.CSS(`h1`)))
	if !strings.HasSuffix(location, "/sections/s1") || !strings.Contains(h1, "加快产业集群") {
		t.Fatalf("the section link went to %s (%q)", location, h1)
	}
	steps(t, ctx,
		chromedp.Click(chromedp.CSS(`main a[href^="/commitments/"]`)),
		chromedp.WaitVisible(chromedp.CSS(`h1`)),
	)
	if location := must(t, ctx, chromedp.Location()); !strings.Contains(location, "/commitments/") {
		t.Fatalf("the section's commitment link went to %s", location)
	}
}

// TestReaderSearchesInABrowser: the header's search box finds the paragraphs
// and commitments with the words typed, marked in the snippets.
func TestReaderSearchesInABrowser(t *testing.T) {
	base := newTestPortal(t).URL
	ctx := browser(t)
	steps(t, ctx,
		chromedp.Navigate(base+"/dashboard"),
		chromedp.SendKeys(chromedp.CSS(`#site-q`), "宁德时代 比亚迪"),
		chromedp.Submit(chromedp.CSS(`#site-q`)),
		chromedp.WaitVisible(chromedp.CSS(`main mark`)),
	)
	location := must(t, ctx, chromedp.Location())
	if !strings.Contains(location, "/search?q=") {
		t.Fatalf("the search box went to %s", location)
	}
	marks := must(t, ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("main mark")].map(m => m.textContent)`))
	found := map[string]bool{}
	for _, m := range marks {
		found[m] = true
	}
	if !found["宁德时代"] || !found["比亚迪"] {
		t.Fatalf("marked %q, want both terms", marks)
	}
	if q := must(t, ctx, chromedp.Value(chromedp.CSS(`#site-q`))); q != "宁德时代 比亚迪" {
		t.Errorf("the search box shows %q after searching", q)
	}
	// A result opens its paragraph in the document.
	steps(t, ctx,
		chromedp.Click(chromedp.CSS(`main a[href*="/documents/`+replySlug+`#p"]`)),
		chromedp.WaitVisible(chromedp.CSS(`nav.toc`)),
	)
	if location := must(t, ctx, chromedp.Location()); !strings.Contains(location, "#p") {
		t.Errorf("a paragraph result opened %s", location)
	}
}

// TestEditorsConflictInABrowser: two tabs open the same commitment's form;
// the first saves, the second's save shows the conflict page with both
// values, nothing overwritten; saving again from there applies it.
func TestEditorsConflictInABrowser(t *testing.T) {
	p := newTestPortal(t, withStaff())
	base, pool := p.URL, p.Pool
	first := browser(t)
	steps(t, first,
		chromedp.Navigate(base+"/login?next=/commitments/12/edit"),
		signIn(editorEmail),
		chromedp.WaitVisible(chromedp.CSS(`#public_note`)),
	)
	// A second tab of the same browser: the same editor, another form.
	second, cancel := chromedp.NewContext(first)
	defer cancel()
	steps(t, second, chromedp.Navigate(base+"/commitments/12/edit"), chromedp.WaitVisible(chromedp.CSS(`#public_note`)))
	before := version(t, pool, 12)

	steps(t, first,
		chromedp.SetValue(chromedp.CSS(`#public_note`), "第一个标签页的说明。"),
		chromedp.Click(`//form//button[text()="保存"]`),
		chromedp.WaitVisible(chromedp.CSS(`#timeline-h`)),
	)
	steps(t, second,
		chromedp.SetValue(chromedp.CSS(`#public_note`), "第二个标签页的说明。"),
		chromedp.Click(`//form//button[text()="保存"]`),
		chromedp.WaitVisible(chromedp.CSS(`#conflict-h`)),
	)
	table := must(t, second, chromedp.Text(chromedp.CSS(`section.conflict table`)))
	if !strings.Contains(table, "第一个标签页的说明。") || !strings.Contains(table, "第二个标签页的说明。") {
		t.Fatalf("the conflict page does not show both notes:\n%s", table)
	}
	if got := scalar[string](t, pool, `SELECT public_note FROM commitments WHERE id = 12`); got != "第一个标签页的说明。" {
		t.Fatalf("after the conflict the stored note is %q", got)
	}
	screenshot(t, second, "conflict")
	// The form holds what the second tab typed, at the current version: saving applies it.
	steps(t, second,
		chromedp.Click(`//form//button[text()="保存"]`),
		chromedp.WaitVisible(chromedp.CSS(`#timeline-h`)),
	)
	if got := scalar[string](t, pool, `SELECT public_note FROM commitments WHERE id = 12`); got != "第二个标签页的说明。" {
		t.Errorf("re-applying stored %q", got)
	}
	if v := version(t, pool, 12); v != before+2 {
		t.Errorf("version %d after two saves from %d", v, before)
	}
	// Logging out in one tab ends the session for both.
	steps(t, second,
		chromedp.Click(`//button[text()="退出登录"]`),
		chromedp.WaitVisible(`//footer//a[text()="工作人员登录"]`),
		chromedp.Navigate(base+"/commitments/12/edit"),
		chromedp.WaitVisible(chromedp.CSS(`#email`)),
	)
	steps(t, first, chromedp.Navigate(base+"/commitments/12/edit"), chromedp.WaitVisible(chromedp.CSS(`#email`)))
}

// TestEditorImportsReviewsAndPublishesInABrowser: an editor pastes a reply,
// ticks one candidate and edits its title, changes a section's theme,
// confirms, and publishes the draft; the public then sees the document
// with that commitment. The review's fields sit outside the confirmation
// form, joined to it by their form attribute, which only a browser proves.
func TestEditorImportsReviewsAndPublishesInABrowser(t *testing.T) {
	p := newTestPortal(t, withStaff())
	base, pool := p.URL, p.Pool
	ctx := browser(t)
	steps(t, ctx,
		chromedp.Navigate(base+"/login?next=/documents/import"),
		signIn(editorEmail),
		chromedp.WaitVisible(chromedp.CSS(`textarea#text`)),
		chromedp.SetValue(chromedp.CSS(`textarea#text`), reviewReply),
		chromedp.Click(`//form//button[text()="解析并核对"]`),
		chromedp.WaitVisible(chromedp.CSS(`#confirm-import`)),
		chromedp.Click(chromedp.CSS(`#cand-2-accept`)),
		chromedp.SetValue(chromedp.CSS(`#cand-2-title`), "加大锰矿勘查力度"),
		chromedp.SetValue(chromedp.CSS(`#theme-s2`), "facilities_funding"),
	)
	screenshot(t, ctx, "import-review")
	steps(t, ctx,
		chromedp.Click(`//form[@id="confirm-import"]//button[text()="确认导入"]`),
		chromedp.WaitVisible(chromedp.CSS(`#draft-h`)),
	)
	if got := scalar[string](t, pool, `SELECT string_agg(c.title, ',') FROM commitments c JOIN documents d ON d.id = c.document_id
		WHERE d.slug = 'reply-20240305'`); got != "加大锰矿勘查力度" {
		t.Fatalf("the browser's confirmation saved commitments %q", got)
	}
	if got := scalar[string](t, pool, `SELECT theme_key FROM sections x JOIN documents d ON d.id = x.document_id
		WHERE d.slug = 'reply-20240305' AND x.anchor = 's2'`); got != "facilities_funding" {
		t.Errorf("section theme %q", got)
	}
	steps(t, ctx,
		chromedp.Click(`//section[@class="draft-note"]//button`),
		chromedp.WaitNotPresent(chromedp.CSS(`#draft-h`)),
	)
	page := request(t, browserClient(t), "GET", base+"/documents/reply-20240305", nil)
	if page.status != 200 || !strings.Contains(page.body, "加大锰矿勘查力度") {
		t.Errorf("the public page after publishing: %d, without the accepted commitment", page.status)
	}
}
