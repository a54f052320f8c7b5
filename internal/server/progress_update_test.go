package server_test

import (
	"net/http"
	"testing"
)

func TestProgressUpdatesKeepTheNewestStateAndTidyTheirLinks(t *testing.T) {
	p := newTestPortal(t, withStaff())
	base, pool := p.URL, p.Pool
	c := loggedIn(t, base, editorEmail)
	f := updateForm(t, pool, 9, "已建成投产。", "public")
	f.Set("happened_on", "2026-10-01")
	f.Set("update_status", "completed")
	f.Set("update_progress", "100")
	f.Set("evidence_url", "HTTPS://gxt.guizhou.gov.cn/a.html")
	if r := request(t, c, "POST", base+"/commitments/9/updates", f); r.status != http.StatusSeeOther {
		t.Fatalf("status %d\n%.1000s", r.status, r.body)
	}
	if got := scalar[string](t, pool, `SELECT evidence_url FROM progress_updates WHERE commitment_id = 9`); got != "https://gxt.guizhou.gov.cn/a.html" {
		t.Errorf("evidence link stored as %q", got)
	}
	// An entry about the past fills in the timeline without rolling the state back.
	f = updateForm(t, pool, 9, "完成立项。", "public")
	f.Set("happened_on", "2024-03-01")
	f.Set("update_status", "planned")
	f.Set("update_progress", "5")
	if r := request(t, c, "POST", base+"/commitments/9/updates", f); r.status != http.StatusSeeOther {
		t.Fatalf("status %d", r.status)
	}
	if got := scalar[string](t, pool, `SELECT status || ' ' || progress FROM commitments WHERE id = 9`); got != "completed 100" {
		t.Errorf("after a back-dated update the commitment is %q, want completed 100", got)
	}
	f = updateForm(t, pool, 9, "明天的事。", "public")
	f.Set("happened_on", "2099-01-01")
	if r := request(t, c, "POST", base+"/commitments/9/updates", f); r.status != http.StatusUnprocessableEntity {
		t.Errorf("a future date: status %d, want 422", r.status)
	}
}
