package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// parallel sends n requests at once and counts their statuses.
func parallel(t *testing.T, n int, send func(i int) int) map[int]int {
	var wg sync.WaitGroup
	var mu sync.Mutex
	statuses := map[int]int{}
	for i := range n {
		wg.Go(func() {
			s := send(i)
			mu.Lock()
			statuses[s]++
			mu.Unlock()
		})
	}
	wg.Wait()
	return statuses
}

func TestAParallelBurstOfLoginsIsThrottledAsItArrives(t *testing.T) {
	base := newTestPortal(t, withStaff()).URL
	statuses := parallel(t, 30, func(i int) int {
		return request(t, browserClient(t), "POST", base+"/login", url.Values{"email": {editorEmail}, "password": {fmt.Sprintf("wrong-%d", i)}}).status
	})
	if statuses[http.StatusUnprocessableEntity] != 5 || statuses[http.StatusTooManyRequests] != 25 {
		t.Errorf("statuses %v, want five 422 and 25 429", statuses)
	}
}

func TestConcurrentNewCommitmentsInOneDocumentAllGetAPlace(t *testing.T) {
	p := newTestPortal(t, withStaff())
	base, pool := p.URL, p.Pool
	c := loggedIn(t, base, editorEmail)
	// One free quote in each of several paragraphs.
	quotes := map[string]string{"4": "推动“一核两区”规划布局落细落实", "12": "缓解贵州省锂、镍、钴等资源的稀缺问题", "19": "深入构建校研企深度融合机制"}
	var paras []string
	for p := range quotes {
		paras = append(paras, p)
	}
	statuses := parallel(t, len(paras), func(i int) int {
		return request(t, c, "POST", base+"/commitments", url.Values{"document": {replySlug}, "paragraph": {paras[i]}, "quote": {quotes[paras[i]]},
			"title": {"并发新建 " + paras[i]}, "kind": {"measure"}, "strength": {"definite"}, "status": {"not_assessed"}}).
			status
	})
	if statuses[http.StatusSeeOther] != len(paras) {
		t.Errorf("statuses %v, want every create to succeed", statuses)
	}
	if n := scalar[int](t, pool, `SELECT count(DISTINCT position) FROM commitments WHERE created_by IS NOT NULL`); n != len(paras) {
		t.Errorf("%d distinct positions for %d new commitments", n, len(paras))
	}
}

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

func TestTwoAdminsCannotDemoteEachOtherAtOnce(t *testing.T) {
	p := newTestPortal(t, withStaff())
	base, pool := p.URL, p.Pool
	second := addUser(t, pool, "admin2@example.gov.cn", "赵管理", "admin")
	first := scalar[int64](t, pool, `SELECT id FROM users WHERE email = $1`, adminEmail)
	a, b := loggedIn(t, base, adminEmail), loggedIn(t, base, "admin2@example.gov.cn")
	statuses := parallel(t, 2, func(i int) int {
		c, target := a, second
		if i == 1 {
			c, target = b, first
		}
		return request(t, c, "POST", fmt.Sprintf("%s/admin/users/%d", base, target), url.Values{"name": {"降级"}, "role": {"editor"}, "state": {"enabled"}}).status
	})
	if statuses[http.StatusInternalServerError] > 0 {
		t.Errorf("statuses %v: a 500", statuses)
	}
	if n := scalar[int](t, pool, `SELECT count(*) FROM users WHERE role = 'admin' AND disabled_at IS NULL`); n < 1 {
		t.Errorf("%d enabled admins left", n)
	}
}

func TestMalformedInputIsAClearAnswerNotA500(t *testing.T) {
	p := newTestPortal(t, withStaff())
	base, pool := p.URL, p.Pool
	c := loggedIn(t, base, editorEmail)
	for _, tc := range []struct {
		name   string
		r      response
		status int
	}{
		{"NUL in the login email", request(t, browserClient(t), "POST", base+"/login", url.Values{"email": {"x\x00@example.gov.cn"}, "password": {"whatever12"}}), 422},
		{"invalid UTF-8 in the login email", request(t, browserClient(t), "POST", base+"/login", url.Values{"email": {"\xff@example.gov.cn"}, "password": {"whatever12"}}), 422},
		{"a paragraph beyond int4", request(t, c, "GET", base+"/commitments/new?document="+replySlug+"&paragraph=2147483648", nil), 400},
		{"a version from the future", request(t, c, "POST", base+"/commitments/1/edit", func() url.Values {
			f := editForm(t, pool, 1)
			f.Set("version", "99999999999")
			return f
		}()),

			400},
	} {
		if tc.r.status != tc.status {
			t.Errorf("%s: status %d, want %d", tc.name, tc.r.status, tc.status)
		}
	}
}

func TestALeadFilterStaysValidWhenItsCommitmentsAreWithdrawn(t *testing.T) {
	p := newTestPortal(t, withStaff())
	base, pool := p.URL, p.Pool
	lead := scalar[string](t, pool, `SELECT e.slug FROM commitment_units u JOIN entities e ON e.id = u.entity_id
		WHERE u.role = 'lead' GROUP BY e.slug HAVING count(*) = 1 ORDER BY e.slug LIMIT 1`)
	if r := request(t, nil, "GET", base+"/commitments?lead="+lead, nil); r.status != 200 {
		t.Fatalf("lead=%s: status %d", lead, r.status)
	}
	pool.Exec(t.Context(), `UPDATE commitments SET withdrawn_at = now() WHERE id IN (
		SELECT u.commitment_id FROM commitment_units u JOIN entities e ON e.id = u.entity_id WHERE e.slug = $1)`, lead)
	for _, path := range []string{"/commitments?lead=", "/commitments.csv?lead="} {
		if r := request(t, nil, "GET", base+path+lead, nil); r.status != 200 {
			t.Errorf("%s%s after withdrawal: status %d, want 200 with no commitments", path, lead, r.status)
		}
	}
	if r := request(t, nil, "GET", base+"/commitments?lead=no-such-unit", nil); r.status != 400 {
		t.Errorf("an unknown unit: status %d, want 400", r.status)
	}
}

func TestARefusedAccountChangeKeepsWhatWasTyped(t *testing.T) {
	p := newTestPortal(t, withStaff())
	base, pool := p.URL, p.Pool
	admin := loggedIn(t, base, adminEmail)
	id := scalar[int64](t, pool, `SELECT id FROM users WHERE email = $1`, adminEmail)
	r := request(t, admin, "POST", fmt.Sprintf("%s/admin/users/%d", base, id), url.Values{"name": {"王管理员(新)"}, "role": {"admin"}, "state": {"disabled"}})
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d, want 422", r.status)
	}
	if !strings.Contains(r.body, `value="王管理员(新)"`) || !strings.Contains(r.body, `<option value="disabled" selected>`) {
		t.Error("the refused row shows the stored values, not what was typed")
	}
	if got := scalar[string](t, pool, `SELECT name FROM users WHERE id = $1`, id); got != "王管理" {
		t.Errorf("the refused change was saved: %q", got)
	}
}
