package server_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/guizhou-portal/portal/internal/policy"
	"github.com/guizhou-portal/portal/internal/server"
)

const reviewerEmail = "reviewer@example.gov.cn"

// reviewPortal is a portal where editors' changes wait for review
// (PORTAL_EDITORS_PUBLISH=false), with an editor, an admin and a reviewer.
func reviewPortal(t *testing.T) *testPortal {
	p := newTestPortal(t, withStaff(), withOptions(server.Options{ReviewEdits: true}))
	addUser(t, p.Pool, reviewerEmail, "赵审核", policy.RoleReviewer)
	return p
}

func TestAnEditSentForReviewIsPublicOnlyOnceApproved(t *testing.T) {
	p := reviewPortal(t)
	base, pool := p.URL, p.Pool
	editor, reviewer, public := loggedIn(t, base, editorEmail), loggedIn(t, base, reviewerEmail), browserClient(t)
	before := scalar[string](t, pool, `SELECT status FROM commitments WHERE id = 10`)
	v := version(t, pool, 10)

	f := editForm(t, pool, 10)
	f.Set("status", "completed")
	f.Set("progress", "100")
	f.Set("public_note", "一期工程已竣工投产。")
	if r := request(t, editor, "POST", base+"/commitments/10/edit", f); r.status != http.StatusSeeOther {
		t.Fatalf("sending for review: %d %.800s", r.status, r.body)
	}
	if got := scalar[string](t, pool, `SELECT status FROM commitments WHERE id = 10`); got != before || version(t, pool, 10) != v {
		t.Fatalf("the edit was applied before review: %s, version %d", got, version(t, pool, 10))
	}
	for _, u := range []string{"/commitments/10", "/commitments?status=completed", "/api/v1/commitments/10", "/commitments.csv", "/commitments/10/history"} {
		if r := request(t, public, "GET", base+u, nil); r.status != http.StatusOK || strings.Contains(r.body, "一期工程已竣工投产") {
			t.Errorf("GET %s: %d, or the public sees the change waiting for review", u, r.status)
		}
	}
	if r := request(t, editor, "GET", base+"/commitments/10", nil); !strings.Contains(r.body, "等待审核") || !strings.Contains(r.body, "一期工程已竣工投产") {
		t.Error("the editor's page does not show the change waiting for review")
	}
	if r := request(t, editor, "GET", base+"/commitments/10/edit", nil); !strings.Contains(r.body, "送交审核员审核") {
		t.Error("the edit form does not say that saving sends the change for review")
	}
	if r := request(t, editor, "GET", base+"/reviews", nil); r.status != http.StatusForbidden {
		t.Errorf("an editor opens the review queue: %d", r.status)
	}
	queue := request(t, reviewer, "GET", base+"/reviews", nil)
	for _, want := range []string{"待审核", "提交人：李编辑", "一期工程已竣工投产", "已完成"} {
		if !strings.Contains(queue.body, want) {
			t.Errorf("the queue lacks %q", want)
		}
	}
	id := scalar[int64](t, pool, `SELECT id FROM commitment_reviews WHERE commitment_id = 10 AND state = 'pending'`)
	path := base + "/reviews/" + strconv.FormatInt(id, 10)

	// Returning needs a reason: the queue comes back with the message and what was typed.
	if r := request(t, reviewer, "POST", path+"/return", url.Values{"comment": {"  "}}); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "审核意见") {
		t.Errorf("return without a comment: %d", r.status)
	}

	// Eight approvals at the same moment: one applies the change, the rest are told it is decided.
	statuses := parallel(t, 8, func(int) int {
		return request(t, reviewer, "POST", path+"/approve", url.Values{"comment": {"与证明材料一致。"}}).status
	})
	if statuses[http.StatusSeeOther] != 1 || statuses[http.StatusConflict] != 7 {
		t.Fatalf("eight approvals at once: %v", statuses)
	}
	if n := scalar[int64](t, pool, `SELECT count(*) FROM audit_log WHERE action = 'commitment.update' AND (detail->>'review_id')::bigint = $1`, id); n != 1 {
		t.Errorf("the approved change was recorded %d times", n)
	}
	if got := version(t, pool, 10); got != v+1 {
		t.Errorf("version %d after one approval of a change made at %d", got, v)
	}
	page := request(t, public, "GET", base+"/commitments/10", nil)
	if !strings.Contains(page.body, "一期工程已竣工投产") || !strings.Contains(page.body, "已完成") {
		t.Error("the approved change is not public")
	}
	history := request(t, public, "GET", base+"/commitments/10/history", nil)
	if !strings.Contains(history.body, "经审核") || strings.Contains(history.body, "李编辑") {
		t.Error("the public history does not say the change was reviewed, or names staff")
	}
	staffHistory := request(t, reviewer, "GET", base+"/commitments/10/history", nil)
	if !strings.Contains(staffHistory.body, "提交人：李编辑") || !strings.Contains(staffHistory.body, "审核人：赵审核") {
		t.Error("the staff history does not say who proposed and who approved")
	}
	if r := request(t, reviewer, "POST", path+"/return", url.Values{"comment": {"晚了"}}); r.status != http.StatusConflict {
		t.Errorf("returning an approved change: %d", r.status)
	}

	// A change made on a version that has moved on cannot be approved as it is; it is returned.
	f = editForm(t, pool, 10)
	f.Set("public_note", "第二次修改。")
	request(t, editor, "POST", base+"/commitments/10/edit", f)
	f.Set("public_note", "第三次修改。")
	request(t, editor, "POST", base+"/commitments/10/edit", f)
	ids := []int64{}
	rows, _ := pool.Query(t.Context(), `SELECT id FROM commitment_reviews WHERE state = 'pending' ORDER BY id`)
	for rows.Next() {
		var i int64
		rows.Scan(&i)
		ids = append(ids, i)
	}
	if len(ids) != 2 {
		t.Fatalf("%d pending reviews", len(ids))
	}
	if r := request(t, reviewer, "POST", base+"/reviews/"+strconv.FormatInt(ids[0], 10)+"/approve", url.Values{}); r.status != http.StatusSeeOther {
		t.Fatalf("approving the first: %d", r.status)
	}
	if r := request(t, reviewer, "POST", base+"/reviews/"+strconv.FormatInt(ids[1], 10)+"/approve", url.Values{}); r.status != http.StatusConflict || !strings.Contains(r.body, "已被修改") {
		t.Errorf("approving a change made on an old version: %d", r.status)
	}
	if r := request(t, reviewer, "POST", base+"/reviews/"+strconv.FormatInt(ids[1], 10)+"/return", url.Values{"comment": {"请按最新数值重新提交。"}}); r.status != http.StatusSeeOther {
		t.Errorf("returning it: %d", r.status)
	}
	if r := request(t, editor, "GET", base+"/commitments/10", nil); !strings.Contains(r.body, "请按最新数值重新提交。") || !strings.Contains(r.body, "被 赵审核 退回") {
		t.Error("the editor does not see the returned change with the reviewer's comment")
	}
	if got := scalar[string](t, pool, `SELECT public_note FROM commitments WHERE id = 10`); got != "第二次修改。" {
		t.Errorf("public note %q", got)
	}
	if r := request(t, reviewer, "POST", base+"/reviews/99999/approve", url.Values{}); r.status != http.StatusNotFound {
		t.Errorf("an unknown review: %d", r.status)
	}

	// Reviewers and admins publish directly.
	f = editForm(t, pool, 11)
	f.Set("public_note", "审核员直接发布。")
	request(t, reviewer, "POST", base+"/commitments/11/edit", f)
	if got := scalar[string](t, pool, `SELECT coalesce(public_note, '') FROM commitments WHERE id = 11`); got != "审核员直接发布。" {
		t.Errorf("a reviewer's edit was not published: %q", got)
	}
}

func TestClaimedAndVerifiedStatusesShowWhereTheyDiffer(t *testing.T) {
	p := reviewPortal(t)
	base, pool := p.URL, p.Pool
	editor, reviewer, public := loggedIn(t, base, editorEmail), loggedIn(t, base, reviewerEmail), browserClient(t)
	verify := func(c *http.Client, id int64, st string) int {
		return request(t, c, "POST", base+"/commitments/"+strconv.FormatInt(id, 10)+"/verify",
			url.Values{"version": {itoa(version(t, pool, id))}, "verified_status": {st}}).status
	}
	if s := verify(editor, 10, "in_progress"); s != http.StatusForbidden {
		t.Errorf("an editor verifies: %d", s)
	}
	if s := verify(reviewer, 10, "bogus"); s != http.StatusUnprocessableEntity {
		t.Errorf("an unknown status: %d", s)
	}
	claimed := policy.Status(scalar[string](t, pool, `SELECT status FROM commitments WHERE id = 10`))
	if claimed == policy.Status("in_progress") {
		t.Fatal("the seed changed: commitment 10 is in progress already")
	}
	if s := verify(reviewer, 10, "in_progress"); s != http.StatusSeeOther {
		t.Fatalf("verifying: %d", s)
	}
	if s := verify(reviewer, 11, scalar[string](t, pool, `SELECT status FROM commitments WHERE id = 11`)); s != http.StatusSeeOther {
		t.Fatalf("verifying: %d", s)
	}
	both := "单位自报：" + claimed.Name() + " · 核实：推进中"
	for _, u := range []string{"/commitments/10", "/commitments", "/documents/" + replySlug + "/sections/" + scalar[string](t, pool,
		`SELECT x.anchor FROM commitments c JOIN sections x ON x.id = c.section_id WHERE c.id = 10`)} {
		r := request(t, public, "GET", base+u, nil)
		if r.status == http.StatusOK && !strings.Contains(r.body, both) {
			t.Errorf("GET %s does not show %q", u, both)
		}
	}
	if r := request(t, public, "GET", base+"/commitments/11", nil); strings.Contains(r.body, "单位自报") || !strings.Contains(r.body, "已核实") {
		t.Error("commitment 11, verified as claimed, shows both statuses or no mark")
	}
	var raw map[string]any
	r := request(t, public, "GET", base+"/api/v1/commitments/10", nil)
	json.Unmarshal([]byte(r.body), &raw)
	if raw["status"] != string(claimed) || raw["verified_status"] != "in_progress" || raw["verified_status_name"] != "推进中" {
		t.Errorf("API: status %v, verified %v %v", raw["status"], raw["verified_status"], raw["verified_status_name"])
	}
	csv := request(t, public, "GET", base+"/commitments.csv", nil)
	var row10 string
	for _, line := range strings.Split(csv.body, "\r\n") {
		if strings.Contains(line, "/commitments/10,") {
			row10 = line
		}
	}
	if !strings.Contains(row10, ","+claimed.Name()+",") || !strings.Contains(row10, ",推进中,") {
		t.Errorf("CSV row lacks both statuses: %.300s", row10)
	}
	// The dashboard's timeline lists the commitments with a stated period.
	dated := scalar[int64](t, pool, `SELECT id FROM commitments WHERE period_start IS NOT NULL AND status <> 'blocked' ORDER BY id LIMIT 1`)
	if s := verify(reviewer, dated, "blocked"); s != http.StatusSeeOther {
		t.Fatalf("verifying %d: %d", dated, s)
	}
	if d := request(t, public, "GET", base+"/dashboard", nil); !strings.Contains(d.body, "核实：受阻") {
		t.Error("the dashboard does not show the verified status beside the claimed one")
	}
	// The history records the verification; the ledger at a date replays it.
	if h := request(t, public, "GET", base+"/commitments/10/history", nil); !strings.Contains(h.body, "核实状态") {
		t.Error("the history does not record the verification")
	}
}

func TestAProgressUpdateSentForReviewJoinsTheTimelineOnceApproved(t *testing.T) {
	p := reviewPortal(t)
	base, pool := p.URL, p.Pool
	editor, reviewer, public := loggedIn(t, base, editorEmail), loggedIn(t, base, reviewerEmail), browserClient(t)
	updates := func() int64 {
		return scalar[int64](t, pool, `SELECT count(*) FROM progress_updates WHERE commitment_id = 10`)
	}
	status := scalar[string](t, pool, `SELECT status FROM commitments WHERE id = 10`)

	f := updateForm(t, pool, 10, "项目一期已投产。", "public")
	if r := request(t, editor, "POST", base+"/commitments/10/updates", f); r.status != http.StatusSeeOther {
		t.Fatalf("sending an update for review: %d", r.status)
	}
	if updates() != 0 || scalar[string](t, pool, `SELECT status FROM commitments WHERE id = 10`) != status {
		t.Fatal("the update was added before review")
	}
	if r := request(t, public, "GET", base+"/commitments/10", nil); strings.Contains(r.body, "项目一期已投产") {
		t.Error("the public sees the update waiting for review")
	}
	// An internal note that moves nothing the public sees needs no review.
	f = updateForm(t, pool, 10, "内部：已约谈企业。", "internal")
	f.Set("update_status", status)
	f.Del("update_progress")
	if scalar[*int](t, pool, `SELECT progress::int FROM commitments WHERE id = 10`) != nil {
		t.Fatal("the seed changed: commitment 10 has a progress")
	}
	if r := request(t, editor, "POST", base+"/commitments/10/updates", f); r.status != http.StatusSeeOther || updates() != 1 {
		t.Fatalf("an internal note: %d, %d updates", r.status, updates())
	}

	id := scalar[int64](t, pool, `SELECT id FROM commitment_reviews WHERE commitment_id = 10 AND kind = 'update'`)
	path := base + "/reviews/" + strconv.FormatInt(id, 10) + "/approve"
	// The internal note moved the version on: the update must be sent again.
	if r := request(t, reviewer, "POST", path, url.Values{}); r.status != http.StatusConflict {
		t.Fatalf("approving an update made before another: %d", r.status)
	}
	f = updateForm(t, pool, 10, "项目二期已开工。", "public")
	request(t, editor, "POST", base+"/commitments/10/updates", f)
	id = scalar[int64](t, pool, `SELECT max(id) FROM commitment_reviews WHERE commitment_id = 10 AND kind = 'update' AND state = 'pending'`)
	queue := request(t, reviewer, "GET", base+"/reviews", nil)
	if !strings.Contains(queue.body, "项目二期已开工。") {
		t.Error("the queue does not show the update's note")
	}
	if r := request(t, reviewer, "POST", base+"/reviews/"+strconv.FormatInt(id, 10)+"/approve", url.Values{}); r.status != http.StatusSeeOther {
		t.Fatalf("approving: %d", r.status)
	}
	page := request(t, public, "GET", base+"/commitments/10", nil)
	if !strings.Contains(page.body, "项目二期已开工。") || scalar[string](t, pool, `SELECT status FROM commitments WHERE id = 10`) != "in_progress" {
		t.Error("the approved update is not public, or did not move the status")
	}
	if author := scalar[string](t, pool, `SELECT a.name FROM progress_updates u JOIN users a ON a.id = u.author_id WHERE u.note = '项目二期已开工。'`); author != "李编辑" {
		t.Errorf("the approved update's author is %q, want the editor who wrote it", author)
	}
	if h := request(t, reviewer, "GET", base+"/commitments/10/history", nil); !strings.Contains(h.body, "提交人：李编辑") {
		t.Error("the history does not say who proposed the update")
	}
}
