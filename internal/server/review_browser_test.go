package server_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestAChangeSentForReviewStaysPrivateUntilApprovedInABrowser: with
// PORTAL_EDITORS_PUBLISH=false an editor saves a commitment's form; after
// logging out, the reader still sees the old values; a reviewer approves the
// change in the queue, and the reader then sees it.
func TestAChangeSentForReviewStaysPrivateUntilApprovedInABrowser(t *testing.T) {
	p := reviewPortal(t)
	base, pool := p.URL, p.Pool
	ctx := browser(t)
	oldNote := scalar[string](t, pool, `SELECT coalesce(public_note, '') FROM commitments WHERE id = 12`)
	logout := chromedp.Steps(
		chromedp.Click(`//button[text()="退出登录"]`),
		chromedp.WaitVisible(`//footer//a[text()="工作人员登录"]`),
	)
	steps(t, ctx,
		chromedp.Navigate(base+"/commitments/12"),
		chromedp.Click(`//footer//a[text()="工作人员登录"]`),
		chromedp.WaitVisible(chromedp.CSS(`#email`)),
		signIn(editorEmail),
		chromedp.WaitVisible(chromedp.CSS(`nav.staff`)),
		chromedp.Click(`//a[text()="编辑状态、单位和期限"]`),
		chromedp.WaitVisible(chromedp.CSS(`#status`)),
		chromedp.SetValue(chromedp.CSS(`#status`), "in_progress"),
		chromedp.SendKeys(chromedp.CSS(`#progress`), "30"),
		chromedp.SendKeys(chromedp.CSS(`#public_note`), "已完成项目选址。"),
		chromedp.Click(`//form//button[text()="保存"]`),
		chromedp.WaitVisible(chromedp.CSS(`.pending-review`)),
	)
	if pending := must(t, ctx, chromedp.Text(chromedp.CSS(`.pending-review`))); !strings.Contains(pending, "已完成项目选址。") {
		t.Errorf("the editor's page shows %q as waiting", pending)
	}
	steps(t, ctx, logout, chromedp.Navigate(base+"/commitments/12"), chromedp.WaitVisible(chromedp.CSS(`h1`)))
	body := must(t, ctx, chromedp.Text(chromedp.CSS(`main`)))
	if strings.Contains(body, "已完成项目选址。") || strings.Contains(body, "30%") {
		t.Fatal("the reader sees the change before it is approved")
	}

	steps(t, ctx,
		chromedp.Click(`//footer//a[text()="工作人员登录"]`),
		chromedp.WaitVisible(chromedp.CSS(`#email`)),
		signIn(reviewerEmail),
		chromedp.WaitVisible(chromedp.CSS(`nav.staff`)),
		chromedp.Click(`//nav[@class="staff"]//a[text()="待审核的修改"]`),
		chromedp.WaitVisible(chromedp.CSS(`li.review-pending`)),
		chromedp.SendKeys(chromedp.CSS(`li.review-pending textarea`), "与现场照片一致。"),
		chromedp.Click(`//li[contains(@class, "review-pending")]//button[text()="通过并公开"]`),
		chromedp.WaitVisible(chromedp.CSS(`li.review-approved`)),
		logout,
		chromedp.Navigate(base+"/commitments/12"),
		chromedp.WaitVisible(chromedp.CSS(`#note-h + p`)),
	)
	if note := must(t, ctx, chromedp.Text(chromedp.CSS(`#note-h + p`))); note != "已完成项目选址。" || note == oldNote {
		t.Errorf("after approval the reader sees the note %q", note)
	}
	if got := scalar[string](t, pool, `SELECT status || ' ' || progress FROM commitments WHERE id = 12`); got != "in_progress 30" {
		t.Errorf("stored %q after approval, want in_progress 30", got)
	}
}
