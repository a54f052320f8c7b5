package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestWithdrawalRulesHold(t *testing.T) {
	p := newTestPortal(t, withStaff())
	base, pool := p.URL, p.Pool
	c := loggedIn(t, base, editorEmail)
	withdraw := func(id int64, reason string) response {
		return request(t, c, "POST", fmt.Sprintf("%s/commitments/%d/withdraw", base, id), url.Values{"version": {itoa(version(t, pool, id))}, "reason": {reason}})
	}
	restore := func(id int64) response {
		return request(t, c, "POST", fmt.Sprintf("%s/commitments/%d/restore", base, id), url.Values{"version": {itoa(version(t, pool, id))}})
	}
	if r := withdraw(7, ""); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `id="err-reason"`) {
		t.Errorf("withdrawal without a reason: status %d, want 422 with the message beside the field", r.status)
	}
	if r := withdraw(7, "内部原因:与其他承诺重复"); r.status != http.StatusSeeOther {
		t.Fatalf("withdraw: status %d", r.status)
	}
	if r := request(t, c, "POST", base+"/commitments/7/edit", editForm(t, pool, 7)); r.status != http.StatusConflict {
		t.Errorf("editing a withdrawn commitment: status %d, want 409", r.status)
	}
	// A new commitment over the withdrawn one's words, then restoring it, would overlap.
	quote := scalar[string](t, pool, `SELECT quote FROM commitments WHERE id = 7`)
	r := request(t, c, "POST", base+"/commitments", url.Values{"document": {replySlug}, "paragraph": {"8"}, "quote": {quote},
		"title": {"重新拆分的承诺"}, "kind": {"measure"}, "strength": {"definite"}, "status": {"not_assessed"}})

	if r.status != http.StatusSeeOther {
		t.Fatalf("create over a withdrawn quote: status %d\n%.1000s", r.status, r.body)
	}
	if r := restore(7); r.status != http.StatusConflict || !strings.Contains(r.body, "重叠") {
		t.Errorf("restoring over a live commitment: status %d, want 409 naming the overlap", r.status)
	}
	pool.Exec(t.Context(), `UPDATE commitments SET withdrawn_at = now() WHERE created_by IS NOT NULL`)
	if r := restore(7); r.status != http.StatusSeeOther {
		t.Fatalf("restore: status %d\n%.1000s", r.status, r.body)
	}
	if r := request(t, browserClient(t), "GET", base+"/commitments/7/history", nil); strings.Contains(r.body, "内部原因") || !strings.Contains(r.body, "撤回承诺") {
		t.Error("the public history shows the withdrawal's reason, or not the withdrawal")
	}
	if r := request(t, c, "GET", base+"/commitments/7/history", nil); !strings.Contains(r.body, "内部原因") {
		t.Error("staff do not see the withdrawal's reason in the history")
	}
}
