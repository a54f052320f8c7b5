package server_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/guizhou-portal/portal/internal/policy"
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
		// The list has an h1 too: wait for the next page's own heading.
		chromedp.WaitVisible(chromedp.Search(`//h1[normalize-space()="请查收确认邮件"]`)),
	)
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

// The 退订 link of a mail's body, opened in a browser, shows one button;
// the subscription ends only when the reader presses it.
func TestReaderUnsubscribesFromTheMailLinkInABrowser(t *testing.T) {
	p := newTestPortal(t, withMail(""))
	const reader = "leaving@example.cn"
	confirmedSubscription(t, p.Pool, reader, "commitment", "12", "immediate")
	id := scalar[int64](t, p.Pool, `SELECT id FROM subscriptions WHERE email = $1`, reader)
	token, err := p.Server.Mailer().ManageToken(context.Background(), policy.Subscription{ID: id, Nonce: 1})
	if err != nil {
		t.Fatal(err)
	}
	ctx := browser(t)
	steps(t, ctx,
		chromedp.Navigate(p.URL+"/subscriptions/unsubscribe?token="+url.QueryEscape(token)),
		chromedp.WaitVisible(chromedp.CSS(`main form button`)),
	)
	if n := scalar[int](t, p.Pool, `SELECT count(*) FROM subscriptions`); n != 1 {
		t.Fatalf("opening the link ended the subscription")
	}
	// The form's page has an h1 too: wait for the next page's own heading,
	// not for any heading, or the click races the navigation.
	steps(t, ctx,
		chromedp.Click(chromedp.CSS(`main form button`)),
		chromedp.WaitVisible(chromedp.Search(`//h1[normalize-space()="已退订"]`)),
	)
	pgtest.WaitFor(t, 10*time.Second, "the subscription ended", func() bool {
		return scalar[int](t, p.Pool, `SELECT count(*) FROM subscriptions`) == 0
	})
}
