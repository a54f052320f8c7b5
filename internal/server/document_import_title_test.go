package server_test

import (
	"net/http"
	"os"
	"strings"
	"testing"
)

// TestImportPageTitlesAnUntitledReply: a reply copied from its salutation
// on is reviewed with a title field (offered from its opening where it names
// the suggestion answered), and saved only with the title typed and reviewed.
func TestImportPageTitlesAnUntitledReply(t *testing.T) {
	p := newTestPortal(t, withStaff())
	base, pool := p.URL, p.Pool
	docs := func() int { return scalar[int](t, pool, `SELECT count(*) FROM documents`) }
	editor := loggedIn(t, base, editorEmail)
	read := func(name string) string {
		b, err := os.ReadFile("../../testdata/replies/" + name)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}

	// Its opening names the suggestion: the title is offered.
	r := upload(t, editor, base+"/documents/import", "001.txt", read("001.txt"))
	if r.status != http.StatusOK || !strings.Contains(r.body, `name="title" value="关于修建方山村委会中嗄达至新发寨村小组连接道路的建议的答复"`) {
		t.Errorf("001 review: %d, title field offered? %v", r.status, strings.Contains(r.body, `name="title"`))
	}

	// Its opening names nothing: the field is empty, and must be filled.
	before := docs()
	r = upload(t, editor, base+"/documents/import", "026.txt", read("026.txt"))
	if r.status != http.StatusOK || !strings.Contains(r.body, `name="title" value=""`) || !strings.Contains(r.body, "原文未载明") {
		t.Fatalf("026 review: %d\n%s", r.status, r.body)
	}
	form := confirmForm(t, r.body)
	r = postMultipart(t, editor, base+"/documents/import", form)
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "请填写文件标题后再确认") || docs() != before {
		t.Fatalf("confirmed without a title: %d, %d documents added", r.status, docs()-before)
	}

	// A title typed but not yet reviewed is reviewed first: nothing saved.
	const title = "关于牛场坝村道路硬化建议的答复"
	form.Set("title", title)
	r = postMultipart(t, editor, base+"/documents/import", form)
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "标题已修改") || docs() != before {
		t.Fatalf("confirmed a title not reviewed: %d, %d documents added", r.status, docs()-before)
	}
	form = confirmForm(t, r.body)
	if form.Get("reviewedtitle") != title {
		t.Fatalf("the review again carries title %q", form.Get("reviewedtitle"))
	}
	// The text is still checked against its sum.
	bad := confirmForm(t, r.body)
	bad.Set("title", title)
	bad.Set("text", bad.Get("text")+"多一句。")
	if r := postMultipart(t, editor, base+"/documents/import", bad); r.status != http.StatusBadRequest || docs() != before {
		t.Errorf("mismatched sum with a title: %d", r.status)
	}
	form.Set("title", title)
	r = postMultipart(t, editor, base+"/documents/import", form)
	if r.status != http.StatusSeeOther {
		t.Fatalf("confirm with the title: %d\n%s", r.status, r.body)
	}
	if got := scalar[string](t, pool, `SELECT title FROM documents ORDER BY id DESC LIMIT 1`); got != title {
		t.Errorf("saved title %q", got)
	}
}
