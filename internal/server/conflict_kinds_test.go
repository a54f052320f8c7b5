package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestStaleAndWithdrawnEditsGetTheirOwn409: both are conflicts, but a stale
// form is shown again beside the current values, while a withdrawn commitment
// is refused with its own message; each in the reader's language.
func TestStaleAndWithdrawnEditsGetTheirOwn409(t *testing.T) {
	p := newTestPortal(t, withStaff())
	base, pool := p.URL, p.Pool
	c := loggedIn(t, base, editorEmail)
	english := []string{"Accept-Language", "en"}

	stale := editForm(t, pool, 5)
	theirs := editForm(t, pool, 5)
	theirs.Set("public_note", "已建成投产。")
	if r := request(t, c, "POST", base+"/commitments/5/edit", theirs); r.status != http.StatusSeeOther {
		t.Fatalf("first save: status %d", r.status)
	}
	r := request(t, c, "POST", base+"/commitments/5/edit", stale, english...)
	if r.status != http.StatusConflict || !strings.Contains(r.body, `id="conflict-h"`) ||
		!strings.Contains(r.body, "Someone changed this commitment after you opened the form") {
		t.Errorf("stale save: status %d, want 409 with the values side by side, in English\n%.2000s", r.status, r.body)
	}

	if r := request(t, c, "POST", base+"/commitments/7/withdraw", url.Values{"version": {itoa(version(t, pool, 7))}, "reason": {"测试"}}); r.status != http.StatusSeeOther {
		t.Fatalf("withdraw: status %d", r.status)
	}
	r = request(t, c, "POST", base+"/commitments/7/edit", editForm(t, pool, 7), english...)
	if r.status != http.StatusConflict || strings.Contains(r.body, `id="conflict-h"`) ||
		!strings.Contains(r.body, "This commitment is withdrawn; show it again on its page before changing it.") {
		t.Errorf("editing a withdrawn commitment: status %d, want 409 saying it is withdrawn, in English\n%.2000s", r.status, r.body)
	}
	r = request(t, c, "POST", base+"/commitments/7/edit", editForm(t, pool, 7))
	if r.status != http.StatusConflict || !strings.Contains(r.body, "这项承诺已撤回；请先在承诺页面恢复它，再修改。") {
		t.Errorf("editing a withdrawn commitment: status %d, want 409 saying it is withdrawn, in Chinese", r.status)
	}
}
