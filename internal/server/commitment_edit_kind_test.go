package server_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// TestEditCorrectsKindAndStrength: how a commitment was read (its kind and
// strength) is corrected on the edit form, an unknown value is refused with
// the input kept, and the history shows the correction before → after.
func TestEditCorrectsKindAndStrength(t *testing.T) {
	p := newTestPortal(t, withStaff())
	base, pool := p.URL, p.Pool
	editor := loggedIn(t, base, editorEmail)
	const id = 7
	edit := base + "/commitments/" + strconv.Itoa(id) + "/edit"
	kind := scalar[string](t, pool, `SELECT kind FROM commitments WHERE id = $1`, id)
	strength := scalar[string](t, pool, `SELECT strength FROM commitments WHERE id = $1`, id)
	newKind, newStrength := "plan", "aspirational"
	if kind == newKind {
		newKind = "target"
	}
	if strength == newStrength {
		newStrength = "definite"
	}
	if r := request(t, editor, "GET", edit, nil); !strings.Contains(r.body, `<option value="`+kind+`" selected`) {
		t.Fatalf("the form does not show the kind %q chosen: %d", kind, r.status)
	}

	f := editForm(t, pool, id)
	f.Set("kind", "promise")
	f.Set("strength", newStrength)
	f.Set("public_note", "保留的说明。")
	r := request(t, editor, "POST", edit, f)
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `id="err-kind"`) ||
		!strings.Contains(r.body, "保留的说明。") || !strings.Contains(r.body, `<option value="`+newStrength+`" selected`) {
		t.Fatalf("unknown kind: %d, input kept %v", r.status, strings.Contains(r.body, "保留的说明。"))
	}
	if got := scalar[string](t, pool, `SELECT kind FROM commitments WHERE id = $1`, id); got != kind {
		t.Fatalf("a refused form changed the kind to %q", got)
	}

	f = editForm(t, pool, id)
	f.Set("kind", newKind)
	f.Set("strength", newStrength)
	if r := request(t, editor, "POST", edit, f); r.status != http.StatusSeeOther {
		t.Fatalf("save: %d", r.status)
	}
	if k, s := scalar[string](t, pool, `SELECT kind FROM commitments WHERE id = $1`, id),
		scalar[string](t, pool, `SELECT strength FROM commitments WHERE id = $1`, id); k != newKind || s != newStrength {
		t.Fatalf("saved %s/%s", k, s)
	}
	h := request(t, nil, "GET", base+"/commitments/"+strconv.Itoa(id)+"/history", nil)
	names := map[string]string{"plan": "计划", "target": "目标", "measure": "举措", "result": "已取得成果",
		"definite": "明确承诺", "aspirational": "努力方向"}
	for _, want := range []string{"<del>" + names[kind] + "</del>", "<ins>" + names[newKind] + "</ins>",
		"<del>" + names[strength] + "</del>", "<ins>" + names[newStrength] + "</ins>"} {
		if !strings.Contains(h.body, want) {
			t.Errorf("the public history lacks %s", want)
		}
	}
	if n := scalar[int](t, pool, `SELECT count(*) FROM audit_log WHERE subject_id = $1 AND action = 'commitment.update'
		AND before->>'kind' = $2 AND after->>'kind' = $3 AND after->>'strength' = $4`, id, kind, newKind, newStrength); n != 1 {
		t.Errorf("%d audit records of the correction", n)
	}

	// A form without the two fields (an older page) keeps them.
	f = editForm(t, pool, id)
	f.Set("public_note", "不改类型。")
	if r := request(t, editor, "POST", edit, f); r.status != http.StatusSeeOther {
		t.Fatalf("save without kind: %d", r.status)
	}
	if k := scalar[string](t, pool, `SELECT kind FROM commitments WHERE id = $1`, id); k != newKind {
		t.Errorf("a form without the kind changed it to %q", k)
	}
}
