package server_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// TestEditSetsTheEnglishTitle: staff correct a commitment's English title on
// the edit form; English pages show it with the Chinese original beside it;
// Chinese characters or an over-long title are refused with the input kept;
// a client that does not send the field leaves it alone; an empty one
// clears it, and English pages then show the Chinese, marked as Chinese.
func TestEditSetsTheEnglishTitle(t *testing.T) {
	p := newTestPortal(t, withStaff())
	base, pool := p.URL, p.Pool
	editor := loggedIn(t, base, editorEmail)
	const id = 4
	edit := base + "/commitments/" + strconv.Itoa(id) + "/edit"
	page := base + "/commitments/" + strconv.Itoa(id)
	old := scalar[string](t, pool, `SELECT title_en FROM commitments WHERE id = $1`, id)
	if r := request(t, editor, http.MethodGet, edit, nil, "Accept-Language", "en"); r.status != http.StatusOK || !strings.Contains(r.body, `name="title_en"`) || !strings.Contains(r.body, old) {
		t.Fatalf("form: %d, English title field or its value missing", r.status)
	}
	audits := func() int { return scalar[int](t, pool, `SELECT count(*) FROM audit_log`) }
	before := audits()
	for _, bad := range []string{"Tongren 铜仁 cluster", strings.Repeat("x", 201)} {
		f := editForm(t, pool, id)
		f.Set("title_en", bad)
		r := request(t, editor, http.MethodPost, edit, f, "Accept-Language", "en")
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `id="err-title_en"`) || !strings.Contains(r.body, `value="`+bad+`"`) {
			t.Errorf("English title %q: status %d", bad, r.status)
		}
	}
	if audits() != before || scalar[string](t, pool, `SELECT title_en FROM commitments WHERE id = $1`, id) != old {
		t.Fatal("a refused English title saved something")
	}

	const title = "Tongren builds its battery cluster around Dalong"
	f := editForm(t, pool, id)
	f.Set("title_en", "  "+title+" ")
	if r := request(t, editor, http.MethodPost, edit, f); r.status != http.StatusSeeOther {
		t.Fatalf("save: %d\n%s", r.status, r.body)
	}
	if n := scalar[int](t, pool, `SELECT count(*) FROM audit_log WHERE action = 'commitment.update' AND subject_id = $1
		AND before->>'title_en' = $2 AND after->>'title_en' = $3`, id, old, title); n != 1 {
		t.Errorf("%d audit records of the English title", n)
	}
	r := request(t, nil, http.MethodGet, page, nil, "Accept-Language", "en")
	if !strings.Contains(r.body, "<h1>"+title+` <span class="zh-original" lang="zh-CN">铜仁以大龙经开区为重点建设产业聚集区</span></h1>`) ||
		!strings.Contains(r.body, "<title>"+title+" · ") {
		t.Errorf("the English page does not show the new English title with the Chinese beside it")
	}

	// The form without the field (an older client) keeps the English title.
	f = editForm(t, pool, id)
	f.Del("title_en")
	f.Set("public_note", "英文标题不变。")
	if r := request(t, editor, http.MethodPost, edit, f); r.status != http.StatusSeeOther {
		t.Fatalf("save without title_en: %d", r.status)
	}
	if got := scalar[string](t, pool, `SELECT coalesce(title_en, '') FROM commitments WHERE id = $1`, id); got != title {
		t.Errorf("a form without the field changed the English title to %q", got)
	}

	// Cleared: the English page names the commitment in Chinese, marked.
	f = editForm(t, pool, id)
	f.Set("title_en", "")
	if r := request(t, editor, http.MethodPost, edit, f); r.status != http.StatusSeeOther {
		t.Fatalf("clear: %d", r.status)
	}
	if scalar[bool](t, pool, `SELECT title_en IS NOT NULL FROM commitments WHERE id = $1`, id) {
		t.Error("an empty English title was not cleared")
	}
	r = request(t, nil, http.MethodGet, page, nil, "Accept-Language", "en")
	if !strings.Contains(r.body, `<h1><span lang="zh-CN">铜仁以大龙经开区为重点建设产业聚集区</span></h1>`) {
		t.Errorf("without an English title the English page does not show the Chinese marked as Chinese")
	}
}
