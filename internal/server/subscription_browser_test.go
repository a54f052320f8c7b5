package server_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/guizhou-portal/portal/internal/postgres/pgtest"
)

// A reader follows a filtered list from the page, confirms from the mail in
// the browser, and switches to a daily summary on the subscription's page.
func TestReaderSubscribesInABrowser(t *testing.T) {
	c := startCatcher(t)
	p := newTestPortal(t, withMail(c.URL()))
	ctx := browser(t)
	const reader = "browser@example.cn"
	steps(t, ctx,
		chromedp.Navigate(p.URL+"/commitments?status=planned"),
		chromedp.SendKeys(chromedp.CSS(`#sub-email-list`), reader),
		chromedp.Submit(chromedp.CSS(`#sub-email-list`)),
		chromedp.WaitVisible(chromedp.CSS(`h1`)),
	)
	if h1 := must(t, ctx, chromedp.Text(chromedp.CSS(`h1`))); h1 != "请查收确认邮件" {
		t.Fatalf("after subscribing the page says %q", h1)
	}
	m := parseMail(t, c.wait(t, reader, 1)[0])
	link := confirmLink.FindString(m.Text)
	if !strings.Contains(m.Text, "status=planned") {
		t.Errorf("the confirmation mail does not link the list followed\n%s", m.Text)
	}
	steps(t, ctx,
		chromedp.Navigate(link),
		chromedp.Click(chromedp.CSS(`main form button`)),
		chromedp.WaitVisible(chromedp.CSS(`p.notice`)),
	)
	if notice := must(t, ctx, chromedp.Text(chromedp.CSS(`p.notice`))); !strings.Contains(notice, "订阅已生效") {
		t.Fatalf("after confirming: %q", notice)
	}
	steps(t, ctx,
		chromedp.Click(chromedp.CSS(`input[value="daily"]`)),
		chromedp.Click(chromedp.CSS(`form.form button`)),
		chromedp.WaitVisible(chromedp.CSS(`p.notice`)),
	)
	// The confirmation's notice is on the page already: wait for the save
	// itself rather than for a notice.
	pgtest.WaitFor(t, 10*time.Second, "the daily summary saved", func() bool {
		return scalar[string](t, p.Pool, `SELECT frequency FROM subscriptions WHERE email = $1 AND confirmed_at IS NOT NULL`, reader) == "daily"
	})
}
