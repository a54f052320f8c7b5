package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestTimelineAndHistoryShowThePublicOnlyWhatIsPublic(t *testing.T) {
	p := newTestPortal(t, withStaff())
	base, pool := p.URL, p.Pool
	editor := loggedIn(t, base, editorEmail)
	public := browserClient(t)
	must303 := func(r response) {
		t.Helper()
		if r.status != http.StatusSeeOther {
			t.Fatalf("status %d\n%.1500s", r.status, r.body)
		}
	}
	must303(request(t, editor, "POST", base+"/commitments/10/edit", editForm(t, pool, 10)))
	must303(request(t, editor, "POST", base+"/commitments/10/updates", updateForm(t, pool, 10, "内部:用地指标尚未落实。", "internal")))
	f := updateForm(t, pool, 10, "项目一期已投产。", "public")
	f.Set("happened_on", "2026-11-01")
	must303(request(t, editor, "POST", base+"/commitments/10/updates", f))
	f = updateForm(t, pool, 10, "二期完成环评。", "public")
	f.Set("happened_on", "2026-11-20")
	f.Set("signed", "1")
	must303(request(t, editor, "POST", base+"/commitments/10/updates", f))

	page := request(t, public, "GET", base+"/commitments/10", nil)
	for _, want := range []string{"进展记录", "项目一期已投产。", "二期完成环评。", "记录人：李编辑", "已召开项目推进会。", "https://gxt.guizhou.gov.cn/news/1.html"} {
		if !strings.Contains(page.body, want) {
			t.Errorf("public commitment page lacks %q", want)
		}
	}
	if strings.Contains(page.body, "用地指标尚未落实") || strings.Contains(page.body, "工作人员操作") {
		t.Error("the public sees an internal update or staff controls")
	}
	if strings.Index(page.body, "二期完成环评。") > strings.Index(page.body, "项目一期已投产。") {
		t.Error("the timeline is not newest first")
	}
	if strings.Count(page.body, "李编辑") != 1 {
		t.Error("the public sees the editor's name beyond the signed update")
	}

	history := request(t, public, "GET", base+"/commitments/10/history", nil)
	for _, want := range []string{"修改承诺", "添加进展", "状态", "未评估", "推进中", "进度", "60%", "牵头单位", "省工业和信息化厅", "公开说明", "项目一期已投产。"} {
		if !strings.Contains(history.body, want) {
			t.Errorf("public history lacks %q", want)
		}
	}
	if strings.Contains(history.body, "李编辑") || strings.Contains(history.body, "用地指标尚未落实") {
		t.Error("the public history shows a staff name or an internal note")
	}
	staffHistory := request(t, editor, "GET", base+"/commitments/10/history", nil)
	for _, want := range []string{"李编辑", "用地指标尚未落实", "内部"} {
		if !strings.Contains(staffHistory.body, want) {
			t.Errorf("staff history lacks %q", want)
		}
	}
	changes := request(t, editor, "GET", base+"/changes", nil)
	if !strings.Contains(changes.body, "承诺 10") || strings.Count(changes.body, "<li>") < 4 {
		t.Errorf("/changes does not list the four changes to 承诺 10")
	}
	if n := scalar[int](t, pool, `SELECT count(*) FROM audit_log WHERE subject_type = 'commitment' AND subject_id = 10`); n != 4 {
		t.Errorf("%d audit records, want 4", n)
	}
}

func TestWithdrawnCommitmentsAreHiddenFromThePublicAndKeepTheirHistory(t *testing.T) {
	p := newTestPortal(t, withStaff())
	base, pool := p.URL, p.Pool
	editor := loggedIn(t, base, editorEmail)
	public := browserClient(t)
	title := scalar[string](t, pool, `SELECT title FROM commitments WHERE id = 6`)
	r := request(t, editor, "POST", base+"/commitments/6/withdraw", url.Values{"version": {itoa(version(t, pool, 6))}, "reason": {"与承诺 5 重复"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("withdraw: status %d", r.status)
	}
	for _, path := range []string{"/commitments/6", "/commitments/6/history"} {
		if r := request(t, public, "GET", base+path, nil); r.status != http.StatusNotFound {
			t.Errorf("public %s: status %d, want 404", path, r.status)
		}
	}
	for _, path := range []string{"/commitments", "/documents/" + replySlug} {
		if r := request(t, public, "GET", base+path, nil); strings.Contains(r.body, title) || strings.Contains(r.body, `href="/commitments/6"`) {
			t.Errorf("public %s still shows the withdrawn commitment", path)
		}
	}
	staff := request(t, editor, "GET", base+"/commitments/6", nil)
	if staff.status != 200 || !strings.Contains(staff.body, "已撤回") || !strings.Contains(staff.body, "与承诺 5 重复") || !strings.Contains(staff.body, "恢复公开") {
		t.Errorf("staff view of a withdrawn commitment: status %d", staff.status)
	}
	if r := request(t, editor, "GET", base+"/commitments/6/history", nil); !strings.Contains(r.body, "撤回承诺") {
		t.Error("the history does not record the withdrawal")
	}
	if r := request(t, editor, "POST", base+"/commitments/6/restore", url.Values{"version": {itoa(version(t, pool, 6))}}); r.status != http.StatusSeeOther {
		t.Fatalf("restore: status %d", r.status)
	}
	if r := request(t, public, "GET", base+"/commitments/6", nil); r.status != 200 {
		t.Errorf("restored commitment: status %d", r.status)
	}
}

func TestTheAuditLogIsAppendOnly(t *testing.T) {
	p := newTestPortal(t, withStaff())
	base, pool := p.URL, p.Pool
	request(t, loggedIn(t, base, editorEmail), "POST", base+"/commitments/1/edit", editForm(t, pool, 1))
	for _, sql := range []string{`UPDATE audit_log SET actor_name = 'x'`, `DELETE FROM audit_log`, `TRUNCATE audit_log`} {
		if _, err := pool.Exec(t.Context(), sql); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: %v, want refused", sql, err)
		}
	}
}

func TestTheReplysWordNoLongerBacksAStatusStaffChanged(t *testing.T) {
	p := newTestPortal(t, withStaff())
	base, pool := p.URL, p.Pool
	id := scalar[int64](t, pool, `SELECT id FROM commitments WHERE status_basis IS NOT NULL AND status = 'completed' ORDER BY id LIMIT 1`)
	basis := scalar[string](t, pool, `SELECT status_basis FROM commitments WHERE id = $1`, id)
	c := loggedIn(t, base, editorEmail)
	f := editForm(t, pool, id)
	f.Set("status", "completed")
	f.Set("progress", "100")
	request(t, c, "POST", base+commitmentPath(id)+"/edit", f)
	if got := scalar[string](t, pool, `SELECT coalesce(status_basis, '') FROM commitments WHERE id = $1`, id); got != basis {
		t.Errorf("keeping the status dropped its basis %q", basis)
	}
	f = editForm(t, pool, id) // in_progress
	request(t, c, "POST", base+commitmentPath(id)+"/edit", f)
	if got := scalar[string](t, pool, `SELECT coalesce(status_basis, '') FROM commitments WHERE id = $1`, id); got != "" {
		t.Errorf("after staff changed the status, the reply's %q still backs it", got)
	}
	if r := request(t, nil, "GET", base+commitmentPath(id), nil); strings.Contains(r.body, "依据原文用语") {
		t.Error("the page still cites the reply's word for the new status")
	}
}

func TestHistoryNamesRecordedValuesInTheReadersLanguage(t *testing.T) {
	p := newTestPortal(t, withStaff())
	base, pool := p.URL, p.Pool
	c := loggedIn(t, base, editorEmail)
	request(t, c, "POST", base+"/commitments/11/edit", editForm(t, pool, 11))
	request(t, c, "POST", base+"/commitments/11/withdraw", url.Values{"version": {itoa(version(t, pool, 11))}, "reason": {"重复"}})
	req, _ := http.NewRequest(http.MethodGet, base+"/commitments/11/history", nil)
	req.Header.Set("Accept-Language", "en")
	r := send(t, c, req)
	for _, want := range []string{"In progress", "Planned", ">yes<", ">no<"} {
		if !strings.Contains(r.body, want) {
			t.Errorf("English history lacks %q", want)
		}
	}
	if strings.Contains(r.body, "推进中") || strings.Contains(r.body, "计划中") {
		t.Error("English history shows a status in Chinese")
	}
	zh := request(t, c, "GET", base+"/commitments/11/history", nil)
	if !strings.Contains(zh.body, "推进中") || !strings.Contains(zh.body, ">是<") {
		t.Error("Chinese history lacks the status or flag names")
	}
}
