package server_test

import (
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// TestProgressUpdateCorrections: staff correct an update's note and link (the
// public sees 已更正 and the history the diff), bad input is refused with the
// input kept, a stale form gets 409 and changes nothing, and a hidden update
// disappears from the public page, feed and history contents while staff see
// it marked; shown again, it is back.
func TestProgressUpdateCorrections(t *testing.T) {
	p := newTestPortal(t, withStaff())
	base, pool := p.URL, p.Pool
	editor := loggedIn(t, base, editorEmail)
	const id = 9
	page := base + commitmentPath(id)
	const oldNote, newNote = "完成用地预审，下一步开展环评。", "完成用地预审,下一步开展环境影响评价。"
	if r := request(t, editor, "POST", page+"/updates", updateForm(t, pool, id, oldNote, "public")); r.status != http.StatusSeeOther {
		t.Fatalf("add: %d", r.status)
	}
	uid := scalar[int64](t, pool, `SELECT id FROM progress_updates WHERE commitment_id = $1 AND note = $2`, id, oldNote)
	edit := page + "/updates/" + strconv.FormatInt(uid, 10) + "/edit"
	hide := page + "/updates/" + strconv.FormatInt(uid, 10) + "/hide"
	if r := request(t, editor, "GET", page, nil); !strings.Contains(r.body, `href="`+commitmentPath(id)+"/updates/"+strconv.FormatInt(uid, 10)+`/edit"`) {
		t.Error("the timeline has no link to correct the update")
	}
	if r := request(t, editor, "GET", edit, nil); r.status != http.StatusOK || !strings.Contains(r.body, oldNote) {
		t.Fatalf("edit page: %d", r.status)
	}
	if r := request(t, loggedIn(t, base, ""), "GET", edit, nil); r.status != http.StatusSeeOther {
		t.Errorf("the public asking for the edit page: %d, want a redirect to the login", r.status)
	}
	if r := request(t, editor, "GET", page+"/updates/999999/edit", nil); r.status != http.StatusNotFound {
		t.Errorf("an unknown update: %d", r.status)
	}
	audits := func() int { return scalar[int](t, pool, `SELECT count(*) FROM audit_log`) }
	before := audits()

	for _, c := range []struct{ name, field, value, kept string }{
		{"empty note", "note", "  ", "https://gxt.guizhou.gov.cn/news/1.html"},
		{"bad link", "evidence_url", "javascript:alert(1)", newNote},
		{"long note", "note", strings.Repeat("长", 4001), "https://gxt.guizhou.gov.cn/news/1.html"},
	} {
		f := url.Values{"version": {itoa(version(t, pool, id))}, "note": {newNote}, "evidence_url": {"https://gxt.guizhou.gov.cn/news/1.html"}}
		f.Set(c.field, c.value)
		r := request(t, editor, "POST", edit, f)
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `id="err-`+c.field+`"`) || !strings.Contains(r.body, html.EscapeString(c.kept)) {
			t.Errorf("%s: %d, message %v, input kept %v", c.name, r.status, strings.Contains(r.body, `id="err-`+c.field+`"`), strings.Contains(r.body, c.kept))
		}
	}
	if audits() != before || scalar[string](t, pool, `SELECT note FROM progress_updates WHERE id = $1`, uid) != oldNote {
		t.Fatal("a refused correction saved something")
	}

	// A form from before another change is a conflict, and saves nothing.
	stale := url.Values{"version": {itoa(version(t, pool, id) - 1)}, "note": {newNote}, "evidence_url": {""}}
	if r := request(t, editor, "POST", edit, stale); r.status != http.StatusConflict || !strings.Contains(r.body, newNote) {
		t.Errorf("stale correction: %d", r.status)
	}
	if audits() != before {
		t.Fatal("a stale correction saved something")
	}

	ok := url.Values{"version": {itoa(version(t, pool, id))}, "note": {newNote}, "evidence_url": {"https://gxt.guizhou.gov.cn/news/2.html"}}
	if r := request(t, editor, "POST", edit, ok); r.status != http.StatusSeeOther {
		t.Fatalf("correct: %d\n%s", r.status, r.body)
	}
	if scalar[string](t, pool, `SELECT note FROM progress_updates WHERE id = $1`, uid) != newNote ||
		!scalar[bool](t, pool, `SELECT corrected_at IS NOT NULL FROM progress_updates WHERE id = $1`, uid) {
		t.Fatal("the correction was not saved")
	}
	public := loggedIn(t, base, "")
	r := request(t, public, "GET", page, nil)
	if !strings.Contains(r.body, newNote) || strings.Contains(r.body, oldNote) || !strings.Contains(r.body, "已更正") {
		t.Errorf("public page after the correction: new note %v, old note %v, 已更正 %v",
			strings.Contains(r.body, newNote), strings.Contains(r.body, oldNote), strings.Contains(r.body, "已更正"))
	}
	h := request(t, public, "GET", page+"/history", nil)
	if !strings.Contains(h.body, "更正进展") || !strings.Contains(h.body, "<del>"+oldNote+"</del>") || !strings.Contains(h.body, "<ins>"+newNote+"</ins>") {
		t.Error("the public history lacks the correction's diff")
	}
	if r := request(t, editor, "GET", page, nil); !strings.Contains(r.body, "已保存") {
		t.Error("no 已保存 after the correction")
	}

	// Hiding asks for a reason, then removes the update from the public.
	if r := request(t, editor, "POST", hide, url.Values{"version": {itoa(version(t, pool, id))}, "hide": {"1"}, "hide_reason": {""}}); r.status != http.StatusUnprocessableEntity ||
		!strings.Contains(r.body, `id="err-hide_reason"`) {
		t.Errorf("hide without a reason: %d", r.status)
	}
	if r := request(t, editor, "POST", hide, url.Values{"version": {itoa(version(t, pool, id))}, "hide": {"maybe"}}); r.status != http.StatusBadRequest {
		t.Errorf("hide=maybe: %d", r.status)
	}
	const reason = "与10月15日的进展重复录入。"
	if r := request(t, editor, "POST", hide, url.Values{"version": {itoa(version(t, pool, id))}, "hide": {"1"}, "hide_reason": {reason}}); r.status != http.StatusSeeOther {
		t.Fatalf("hide: %d", r.status)
	}
	for _, path := range []string{page, page + "/history", page + "/updates.atom", base + "/updates.atom"} {
		if r := request(t, public, "GET", path, nil); strings.Contains(r.body, newNote) || strings.Contains(r.body, oldNote) {
			t.Errorf("the public still sees the hidden update at %s", path)
		}
	}
	if h := request(t, public, "GET", page+"/history", nil); !strings.Contains(h.body, "隐藏进展") || !strings.Contains(h.body, reason) {
		t.Error("the public history does not say the update was hidden, and why")
	}
	if r := request(t, editor, "GET", page, nil); !strings.Contains(r.body, newNote) || !strings.Contains(r.body, "已隐藏") {
		t.Error("staff do not see the hidden update, marked")
	}
	if n := scalar[int](t, pool, `SELECT count(*) FROM audit_log WHERE action = 'update.hide' AND subject_id = $1
		AND (detail->>'update_id')::bigint = $2 AND after->>'hide_reason' = $3`, id, uid, reason); n != 1 {
		t.Errorf("%d audit records of the hiding", n)
	}

	// Shown again, it is back.
	if r := request(t, editor, "POST", hide, url.Values{"version": {itoa(version(t, pool, id))}, "hide": {"0"}}); r.status != http.StatusSeeOther {
		t.Fatalf("show: %d", r.status)
	}
	if r := request(t, public, "GET", page, nil); !strings.Contains(r.body, newNote) {
		t.Error("the update shown again is not public")
	}
}
