package server_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// TestEditCorrectsACommitmentTitle: a title that quotes figures a new
// version changed is corrected on the edit form, required and at most 60
// characters, audited with the rest of the edit and shown in its history;
// the anchors page links each commitment to check to that form.
func TestEditCorrectsACommitmentTitle(t *testing.T) {
	p := newTestPortal(t, withStaff())
	base, pool := p.URL, p.Pool
	editor := loggedIn(t, base, editorEmail)
	const id = 5
	edit := base + "/commitments/" + strconv.Itoa(id) + "/edit"
	old := scalar[string](t, pool, `SELECT title FROM commitments WHERE id = $1`, id)
	if r := request(t, editor, "GET", edit, nil); r.status != http.StatusOK || !strings.Contains(r.body, `name="title"`) || !strings.Contains(r.body, old) {
		t.Fatalf("form: %d, title field %v", r.status, strings.Contains(r.body, `name="title"`))
	}
	audits := func() int { return scalar[int](t, pool, `SELECT count(*) FROM audit_log`) }
	before := audits()
	for _, bad := range []string{"", "  ", strings.Repeat("长", 61)} {
		f := editForm(t, pool, id)
		f.Set("title", bad)
		f.Set("public_note", "不应保存的说明。")
		r := request(t, editor, "POST", edit, f)
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `id="err-title"`) {
			t.Errorf("title %q: %d", bad, r.status)
		}
	}
	if audits() != before || scalar[string](t, pool, `SELECT title FROM commitments WHERE id = $1`, id) != old {
		t.Fatal("a refused title saved something")
	}
	const title = "建成年产能20万吨的锰材料项目"
	f := editForm(t, pool, id)
	f.Set("title", title)
	if r := request(t, editor, "POST", edit, f); r.status != http.StatusSeeOther {
		t.Fatalf("save: %d\n%s", r.status, r.body)
	}
	if got := scalar[string](t, pool, `SELECT title FROM commitments WHERE id = $1`, id); got != title {
		t.Errorf("title %q", got)
	}
	if n := scalar[int](t, pool, `SELECT count(*) FROM audit_log WHERE action = 'commitment.update' AND subject_id = $1
		AND before->>'title' = $2 AND after->>'title' = $3`, id, old, title); n != 1 {
		t.Errorf("%d audit records of the title", n)
	}
	if r := request(t, nil, "GET", base+"/commitments/"+strconv.Itoa(id)+"/history", nil); !strings.Contains(r.body, title) || !strings.Contains(r.body, old) {
		t.Errorf("history lacks the title change: %d", r.status)
	}

	// A re-import that changes a commitment's words: the anchors page
	// links it to its edit form.
	const quote = "推动新能源电池及材料产业与磷化工产业融合,打造千亿级磷化工产业园区"
	moved := scalar[int64](t, pool, `SELECT id FROM commitments WHERE quote = $1`, quote)
	r := upload(t, editor, base+"/documents/import", "changed.txt", strings.Replace(seedText(t), quote, "推动新能源电池及材料产业与磷化工产业融合,打造两千亿级磷化工产业园区", 1))
	if r := postMultipart(t, editor, base+"/documents/import", confirmForm(t, r.body)); r.status != http.StatusSeeOther {
		t.Fatalf("confirm: %d", r.status)
	}
	r = request(t, editor, "GET", base+"/documents/"+replySlug+"/anchors", nil)
	if !strings.Contains(r.body, `href="/commitments/`+strconv.FormatInt(moved, 10)+`/edit"`) {
		t.Errorf("the anchors page does not link commitment %d to its edit form", moved)
	}
}
