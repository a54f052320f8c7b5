package server_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestProposerEvaluatesInABrowser: an editor issues a link and copies it
// from the page that shows it once; the proposer, signed out, opens it,
// rates the reply and a section, writes a comment, makes it public and
// sends it; the link then refuses a second use, and the document shows the
// evaluation and the follow-up 不满意 opened. The pages pass axe; with
// PORTAL_SCREENSHOTS=1 the evaluation page is saved as
// docs/screenshots/evaluation.png.
func TestProposerEvaluatesInABrowser(t *testing.T) {
	p := newTestPortal(t, withStaff(), withClock(evalClock))
	base, pool := p.URL, p.Pool
	ctx := browserFor(t, 3*time.Minute)
	axe := axeScript(t)
	checkAxe := func(name string) {
		t.Helper()
		for _, v := range audit(t, ctx, axe) {
			t.Errorf("%s: %s %s: %s\n\t%s", name, v.Impact, v.ID, v.Help, strings.Join(v.Nodes, "\n\t"))
		}
	}

	steps(t, ctx,
		chromedp.Navigate(base+"/login?next=/documents/"+replySlug),
		signIn(editorEmail),
		chromedp.WaitVisible(chromedp.CSS(`#addressee`)),
		chromedp.Click(`//form//button[text()="发出评价链接"]`),
		chromedp.WaitVisible(chromedp.CSS(`#elink-url`)),
	)
	checkAxe("the issued link")
	link := must(t, ctx, chromedp.Value(chromedp.CSS(`#elink-url`)))
	if !strings.HasPrefix(link, base+"/evaluations/") {
		t.Fatalf("the page shows the link %q", link)
	}
	steps(t, ctx,
		chromedp.Navigate(base+"/documents/"+replySlug+"#evaluations"),
		chromedp.WaitVisible(chromedp.CSS(`[data-state="issued"]`)),
	)
	checkAxe("the staff document page with its links")
	steps(t, ctx,
		chromedp.Click(`//button[text()="退出登录"]`),
		chromedp.WaitVisible(`//footer//a[text()="工作人员登录"]`),
	)

	// The proposer, without an account.
	section := scalar[int64](t, pool, `SELECT s.id FROM sections s JOIN documents d ON d.id = s.document_id
		WHERE d.slug = $1 AND s.parent_id IS NULL ORDER BY s.position LIMIT 1`, replySlug)
	steps(t, ctx,
		chromedp.Navigate(link),
		chromedp.WaitVisible(chromedp.CSS(`.evaluation-form`)),
	)
	checkAxe("the evaluation page")
	screenshot(t, ctx, "evaluation")
	steps(t, ctx,
		chromedp.Click(chromedp.CSS(`input[name="rating"][value="unsatisfied"]`)),
		chromedp.SetValue(chromedp.CSS(`#section-`+itoa(int(section))), "basically_satisfied"),
		chromedp.SendKeys(chromedp.CSS(`#comment`), "答复未回应提案的核心建议，请再次办理。"),
		chromedp.Click(chromedp.CSS(`input[name="comment_public"]`)),
		chromedp.Click(`//form//button[text()="提交评价"]`),
		chromedp.WaitVisible(`//h1[text()="评价已提交"]`),
	)
	if n := count(t, pool, `SELECT count(*) FROM evaluations e JOIN evaluation_sections s ON s.evaluation_id = e.id
		WHERE e.rating = 'unsatisfied' AND e.comment_public AND e.comment = '答复未回应提案的核心建议，请再次办理。'
		AND s.section_id = $1 AND s.rating = 'basically_satisfied'`, section); n != 1 {
		t.Errorf("%d evaluations stored as sent", n)
	}
	// The replay: a clear page, nothing more saved.
	steps(t, ctx,
		chromedp.Navigate(link),
		chromedp.WaitVisible(`//h1[text()="链接已失效"]`),
	)
	if body := must(t, ctx, chromedp.Text(chromedp.CSS(`main`))); !strings.Contains(body, "已经使用过") {
		t.Errorf("the replayed link says %q", body)
	}
	if n := count(t, pool, `SELECT count(*) FROM evaluations`); n != 1 {
		t.Errorf("%d evaluations after the replay", n)
	}
	// The document shows the evaluation, its public comment and the follow-up.
	steps(t, ctx,
		chromedp.Navigate(base+"/documents/"+replySlug+"#evaluations"),
		chromedp.WaitVisible(chromedp.CSS(`.evaluation [data-rating="unsatisfied"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.follow-up [data-due]`)),
	)
	text := must(t, ctx, chromedp.Text(chromedp.CSS(`#evaluations`)))
	for _, want := range []string{"不满意", "答复未回应提案的核心建议", "2026年12月3日", "再次办理", "2027年3月3日"} {
		if !strings.Contains(text, want) {
			t.Errorf("the document's evaluations do not say %q:\n%s", want, text)
		}
	}
	checkAxe("the public document page with an evaluation")
}
