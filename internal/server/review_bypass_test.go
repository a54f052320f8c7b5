package server_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// TestReviewModeRefusesEditorsTheActionsWithoutAReviewPath: while editors'
// edits are reviewed (PORTAL_EDITORS_PUBLISH=false), an editor cannot change
// public values through the actions that have no review path; each is a 403
// that says a reviewer or an admin must do it, nothing is written, and the
// editor's pages do not offer those forms. A reviewer still may.
func TestReviewModeRefusesEditorsTheActionsWithoutAReviewPath(t *testing.T) {
	p := reviewPortal(t)
	base, pool := p.URL, p.Pool
	editor, admin, reviewer := loggedIn(t, base, editorEmail), loggedIn(t, base, adminEmail), loggedIn(t, base, reviewerEmail)

	// The admin publishes an update on 12 and withdraws 11 directly.
	if r := request(t, admin, "POST", base+"/commitments/12/updates", updateForm(t, pool, 12, "完成用地预审。", "public")); r.status != http.StatusSeeOther {
		t.Fatalf("admin adds an update: %d %.400s", r.status, r.body)
	}
	uid := strconv.FormatInt(scalar[int64](t, pool, `SELECT id FROM progress_updates WHERE commitment_id = 12 ORDER BY id DESC LIMIT 1`), 10)
	if r := request(t, admin, "POST", base+"/commitments/11/withdraw", url.Values{"version": {itoa(version(t, pool, 11))}, "reason": {"重复录入。"}}); r.status != http.StatusSeeOther {
		t.Fatalf("admin withdraws: %d", r.status)
	}

	count := func() string {
		return scalar[string](t, pool, `SELECT (SELECT count(*) FROM commitments)::text || '/' || (SELECT sum(version) FROM commitments)::text || '/' ||
			(SELECT count(*) FROM audit_log)::text || '/' || (SELECT count(*) FROM progress_updates WHERE hidden_at IS NOT NULL)::text`)
	}
	before := count()
	u12 := "/commitments/12/updates/" + uid
	for _, c := range []struct {
		method, path string
		form         url.Values
	}{
		{"GET", "/commitments/new?document=" + replySlug + "&paragraph=4", nil},
		{"POST", "/commitments", url.Values{"document": {replySlug}, "paragraph": {"4"}, "quote": {"推动“一核两区”规划布局落细落实"}, "title": {"推动布局落细落实"}, "kind": {"measure"}, "strength": {"definite"}, "status": {"planned"}, "lead": {"gz-industry-it-dept"}}},
		{"POST", "/commitments/12/parts", url.Values{"title": {"锂电池正极材料"}, "part_status": {"planned"}}},
		{"POST", "/commitments/12/progress-source", url.Values{"version": {itoa(version(t, pool, 12))}, "source": {"set"}}},
		{"GET", u12 + "/edit", nil},
		{"POST", u12 + "/edit", url.Values{"version": {itoa(version(t, pool, 12))}, "note": {"改过的说明。"}, "evidence_url": {""}}},
		{"POST", u12 + "/hide", url.Values{"version": {itoa(version(t, pool, 12))}, "hide": {"1"}, "hide_reason": {"pii"}}},
		{"POST", "/commitments/12/withdraw", url.Values{"version": {itoa(version(t, pool, 12))}, "reason": {"重复录入。"}}},
		{"POST", "/commitments/11/restore", url.Values{"version": {itoa(version(t, pool, 11))}}},
		// What changes the public text's marks, a document's visibility or its
		// grade, and the follow-ups' dates, needs a reviewer too.
		{"POST", "/commitments/12/anchor", url.Values{"paragraph": {"10"}, "quote": {"扶持壮大正极材料产业"}}},
		{"POST", "/commitments/12/anchor/confirm", url.Values{}},
		{"POST", "/documents/" + replySlug + "/unpublish", url.Values{}},
		{"POST", "/documents/" + replySlug + "/publish", url.Values{}},
		{"POST", "/documents/" + replySlug + "/grade", url.Values{"grade": {"A"}}},
		{"POST", "/follow-ups/1/due", url.Values{"version": {"1"}, "due_on": {"2027-03-03"}}},
		{"POST", "/follow-ups/1/close", url.Values{"version": {"1"}, "reply": {replySlug}}},
	} {
		r := request(t, editor, c.method, base+c.path, c.form)
		if r.status != http.StatusForbidden || !strings.Contains(r.body, "此操作须由审核人或管理员完成") {
			t.Errorf("editor %s %s in review mode: %d %.300s", c.method, c.path, r.status, r.body)
		}
	}
	if r := uploadEvidence(t, editor, base, 12, mustAtoi(t, uid), "a.pdf", testPDF); r.status != http.StatusForbidden {
		t.Errorf("editor uploads evidence in review mode: %d", r.status)
	}
	if after := count(); after != before {
		t.Errorf("refused actions changed something: %s → %s", before, after)
	}
	if n := scalar[int64](t, pool, `SELECT count(*) FROM evidence_files`); n != 0 {
		t.Errorf("%d evidence files stored", n)
	}

	// The editor is not offered the forms; the reviewer is.
	for _, page := range []string{"/commitments/12", "/commitments/11", "/documents/" + replySlug} {
		e, rv := request(t, editor, "GET", base+page, nil), request(t, reviewer, "GET", base+page, nil)
		for _, action := range []string{`action="/commitments/12/parts"`, `action="/commitments/12/withdraw"`, `action="/commitments/11/restore"`,
			`href="` + u12 + `/edit"`, `action="` + u12 + `/evidence"`, `href="/commitments/new?`} {
			if strings.Contains(e.body, action) {
				t.Errorf("%s offers the editor %s", page, action)
			}
			if page == "/commitments/12" && action != `action="/commitments/11/restore"` && action != `href="/commitments/new?` && !strings.Contains(rv.body, action) {
				t.Errorf("%s does not offer the reviewer %s", page, action)
			}
		}
		if page != "/documents/"+replySlug && !strings.Contains(e.body, "须由审核人或管理员完成") {
			t.Errorf("%s does not tell the editor who may withdraw", page)
		}
	}
	if r := request(t, reviewer, "GET", base+"/commitments/11", nil); !strings.Contains(r.body, `action="/commitments/11/restore"`) {
		t.Error("the reviewer is not offered the restore form")
	}
	if r := request(t, reviewer, "GET", base+"/documents/"+replySlug, nil); !strings.Contains(r.body, `href="/commitments/new?`) {
		t.Error("the reviewer is not offered the new commitment link")
	}
	// Nor the quote, publishing and grading forms, which the reviewer gets.
	for _, c := range []struct{ page, action string }{
		{"/commitments/12", `href="/commitments/12/anchor"`},
		{"/documents/" + replySlug, `action="/documents/` + replySlug + `/unpublish"`},
		{"/documents/" + replySlug, `action="/documents/` + replySlug + `/grade"`},
	} {
		if strings.Contains(request(t, editor, "GET", base+c.page, nil).body, c.action) {
			t.Errorf("%s offers the editor %s", c.page, c.action)
		}
		if !strings.Contains(request(t, reviewer, "GET", base+c.page, nil).body, c.action) {
			t.Errorf("%s does not offer the reviewer %s", c.page, c.action)
		}
	}

	// A reviewer does it directly.
	if r := request(t, reviewer, "POST", base+"/commitments/11/restore", url.Values{"version": {itoa(version(t, pool, 11))}}); r.status != http.StatusSeeOther {
		t.Errorf("reviewer restores: %d", r.status)
	}
	if r := request(t, reviewer, "POST", base+u12+"/hide", url.Values{"version": {itoa(version(t, pool, 12))}, "hide": {"1"}, "hide_reason": {"pii"}}); r.status != http.StatusSeeOther {
		t.Errorf("reviewer hides: %d %.300s", r.status, r.body)
	}
}

func mustAtoi(t *testing.T, s string) int64 {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
