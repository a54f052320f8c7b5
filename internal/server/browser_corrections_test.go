package server_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestTypedUpdateSurvivesSessionEndInABrowser: an editor types a progress
// update, the session ends (its row deleted) before sending it; sending it
// shows the login form on the same page, and logging in there brings back
// the commitment's page with the note still typed, unsaved; sending it saves
// it and says 已保存. The editor then corrects the update, and the history
// shows the correction before → after.
func TestTypedUpdateSurvivesSessionEndInABrowser(t *testing.T) {
	p := newTestPortal(t, withStaff())
	base, pool := p.URL, p.Pool
	ctx := browser(t)
	const note, corrected = "完成用地预审，环评正在公示。", "完成用地预审,环境影响评价正在公示。"
	steps(t, ctx,
		chromedp.Navigate(base+"/login?next=/commitments/12"),
		signIn(editorEmail),
		chromedp.WaitVisible(chromedp.CSS(`#note`)),
		chromedp.SendKeys(chromedp.CSS(`#note`), note),
	)
	if _, err := pool.Exec(t.Context(), `UPDATE sessions SET expiry = now() - interval '1 minute'`); err != nil {
		t.Fatal(err)
	}
	count := func() int {
		return scalar[int](t, pool, `SELECT count(*) FROM progress_updates WHERE commitment_id = 12`)
	}
	before := count()
	steps(t, ctx,
		chromedp.Click(`//button[text()="添加进展"]`),
		chromedp.WaitVisible(chromedp.CSS(`#email`)),
	)
	if alert := must(t, ctx, chromedp.Text(chromedp.CSS(`p.alert`))); !strings.Contains(alert, "您填写的内容没有丢失") {
		t.Fatalf("the login page says %q", alert)
	}
	steps(t, ctx,
		signIn(editorEmail),
		chromedp.WaitVisible(chromedp.CSS(`p.flash`)),
	)
	if location := must(t, ctx, chromedp.Location()); !strings.HasSuffix(location, "/commitments/12") {
		t.Fatalf("after the login the browser is at %s", location)
	}
	if got := must(t, ctx, chromedp.Value(chromedp.CSS(`#note`))); got != note {
		t.Fatalf("the note came back as %q", got)
	}
	if count() != before {
		t.Fatal("the kept form was saved before the editor sent it")
	}
	steps(t, ctx,
		chromedp.Click(`//button[text()="添加进展"]`),
		chromedp.WaitVisible(`//ol[@class="timeline"]//p[contains(., "`+note+`")]`),
	)
	if flash := must(t, ctx, chromedp.Text(chromedp.CSS(`p.flash`))); flash != "已保存。" {
		t.Errorf("after saving the page says %q", flash)
	}
	if count() != before+1 {
		t.Fatalf("%d updates saved", count()-before)
	}

	// The correction, and the history that shows it.
	steps(t, ctx,
		chromedp.Click(`//ol[@class="timeline"]/li[1]//a[text()="更正或隐藏"]`),
		chromedp.WaitVisible(chromedp.CSS(`#note`)),
		chromedp.SetValue(chromedp.CSS(`#note`), corrected),
		chromedp.Click(`//button[text()="保存更正"]`),
		chromedp.WaitVisible(`//ol[@class="timeline"]//p[contains(., "`+corrected+`")]`),
	)
	if tag := must(t, ctx, chromedp.Text(chromedp.CSS(`ol.timeline li .tag.corrected`))); !strings.HasPrefix(tag, "已更正") {
		t.Errorf("the corrected update is marked %q", tag)
	}
	steps(t, ctx,
		chromedp.Click(`//a[text()="查看修改历史"]`),
		chromedp.WaitVisible(chromedp.CSS(`ol.changes`)),
	)
	del := must(t, ctx, chromedp.Text(`//ol[@class="changes"]/li[1]//del`))
	ins := must(t, ctx, chromedp.Text(`//ol[@class="changes"]/li[1]//ins`))
	if del != note || ins != corrected {
		t.Errorf("the history's newest change shows %q → %q", del, ins)
	}
}
