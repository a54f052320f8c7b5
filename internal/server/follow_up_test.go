package server_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

// followUpDue finds the timeliness a page shows for follow-up id.
func followUpDue(body, id string) string {
	m := regexp.MustCompile(`data-follow-up="` + id + `"[^\x00]*?data-due="([a-z_]+)"`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return m[1]
}

// TestUnsatisfiedEvaluationOpensFollowUp: 不满意 opens a follow-up due three
// months later, shown on the document and the dashboard; it is overdue when
// the clock passes its date, staff move its date and attach the follow-up
// reply, which closes it and threads the replies.
func TestUnsatisfiedEvaluationOpensFollowUp(t *testing.T) {
	p := newTestPortal(t, withStaff(), withClock(evalClock))
	base, pool := p.URL, p.Pool
	editor := loggedIn(t, base, editorEmail)
	token := issueLink(t, editor, base)
	if r := request(t, browserClient(t), http.MethodPost, base+"/evaluations/"+token, url.Values{"rating": {"unsatisfied"},
		"comment": {"答复没有回应提案的核心建议。"}, "comment_public": {"1"}}); r.status != http.StatusSeeOther {
		t.Fatalf("sending 不满意: status %d", r.status)
	}
	id := scalar[int64](t, pool, `SELECT id FROM follow_ups`)
	fid := itoa(int(id))
	if due := scalar[time.Time](t, pool, `SELECT due_on FROM follow_ups`); !due.Equal(time.Date(2027, 3, 3, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("the follow-up is due %v, want 2027-03-03", due)
	}
	doc := request(t, nil, http.MethodGet, base+"/documents/"+replySlug, nil)
	if got := followUpDue(doc.body, fid); got != "on_time" || !strings.Contains(doc.body, `datetime="2027-03-03"`) {
		t.Errorf("on 2026-12-03 the document shows the follow-up %q", got)
	}
	if got := followUpDue(request(t, nil, http.MethodGet, base+"/dashboard", nil).body, fid); got != "on_time" {
		t.Errorf("on 2026-12-03 the dashboard shows the follow-up %q", got)
	}

	// The day after its date: overdue, on the document and the dashboard.
	later := newTestPortal(t, withPool(pool), withClock(time.Date(2027, 3, 4, 2, 0, 0, 0, time.UTC)))
	if got := followUpDue(request(t, nil, http.MethodGet, later.URL+"/documents/"+replySlug, nil).body, fid); got != "overdue" {
		t.Errorf("on 2027-03-04 the document shows the follow-up %q, want overdue", got)
	}
	if got := followUpDue(request(t, nil, http.MethodGet, later.URL+"/dashboard", nil).body, fid); got != "overdue" {
		t.Errorf("on 2027-03-04 the dashboard shows the follow-up %q, want overdue", got)
	}
	// On its date itself it is due soon, not yet overdue.
	onDate := newTestPortal(t, withPool(pool), withClock(time.Date(2027, 3, 3, 2, 0, 0, 0, time.UTC)))
	if got := followUpDue(request(t, nil, http.MethodGet, onDate.URL+"/documents/"+replySlug, nil).body, fid); got != "due_soon" {
		t.Errorf("on 2027-03-03 the document shows the follow-up %q, want due_soon", got)
	}

	// Staff move the date: a bad date is a 422 with the input kept; a good one is audited.
	due := base + "/follow-ups/" + fid + "/due"
	if r := request(t, browserClient(t), http.MethodPost, due, url.Values{"version": {"1"}, "due_on": {"2027-06-30"}}); r.status == http.StatusSeeOther && !strings.Contains(r.header.Get("Location"), "/login") {
		t.Errorf("the public moved a follow-up's date")
	}
	if r := request(t, editor, http.MethodPost, due, url.Values{"version": {"1"}, "due_on": {"2027-02-30"}}); r.status != http.StatusUnprocessableEntity ||
		!strings.Contains(r.body, `value="2027-02-30"`) || !strings.Contains(r.body, `id="err-fu-due-`+fid+`"`) {
		t.Errorf("a bad date: status %d", r.status)
	}
	if r := request(t, editor, http.MethodPost, due, url.Values{"version": {"1"}, "due_on": {"2027-06-30"}}); r.status != http.StatusSeeOther {
		t.Fatalf("moving the date: status %d", r.status)
	}
	if r := request(t, editor, http.MethodPost, due, url.Values{"version": {"1"}, "due_on": {"2027-07-31"}}); r.status != http.StatusConflict {
		t.Errorf("a stale form: status %d, want 409", r.status)
	}
	if got := followUpDue(request(t, nil, http.MethodGet, later.URL+"/documents/"+replySlug, nil).body, fid); got != "on_time" {
		t.Errorf("moved to 2027-06-30, on 2027-03-04 the follow-up is %q", got)
	}

	// The follow-up reply: not the same reply, not unknown; then another reply closes it.
	closeURL := base + "/follow-ups/" + fid + "/close"
	for _, bad := range []string{replySlug, "no-such-reply", "<b>"} {
		if r := request(t, editor, http.MethodPost, closeURL, url.Values{"version": {"2"}, "reply": {bad}}); r.status != http.StatusUnprocessableEntity {
			t.Errorf("reply %q: status %d, want 422", bad, r.status)
		}
	}
	if _, err := pool.Exec(context.Background(), `INSERT INTO documents (slug, kind, title, published_at)
		VALUES ('qgxtfz-2027-2', 'reply', '关于加快电池材料产业发展提案的再次答复', now())`); err != nil {
		t.Fatal(err)
	}
	if r := request(t, editor, http.MethodPost, closeURL, url.Values{"version": {"2"}, "reply": {"qgxtfz-2027-2"}}); r.status != http.StatusSeeOther {
		t.Fatalf("attaching the reply: status %d", r.status)
	}
	if n := count(t, pool, `SELECT count(*) FROM document_links l JOIN documents f ON f.id = l.from_document_id JOIN documents t ON t.id = l.to_document_id
		WHERE f.slug = 'qgxtfz-2027-2' AND t.slug = $1 AND l.relation = 'follows_up'`, replySlug); n != 1 {
		t.Errorf("%d follows_up links", n)
	}
	if n := count(t, pool, `SELECT count(*) FROM audit_log WHERE subject_type = 'follow_up' AND subject_id = $1
		AND action IN ('follow_up.due', 'follow_up.close') AND actor_id IS NOT NULL`, id); n != 2 {
		t.Errorf("%d audit records of the follow-up", n)
	}
	doc = request(t, nil, http.MethodGet, later.URL+"/documents/"+replySlug, nil)
	if !strings.Contains(doc.body, `href="/documents/qgxtfz-2027-2"`) || followUpDue(doc.body, fid) != "on_time" {
		t.Errorf("the closed follow-up does not link its reply, or is still late")
	}
	if r := request(t, nil, http.MethodGet, later.URL+"/dashboard", nil); strings.Contains(r.body, `data-follow-up="`+fid+`"`) {
		t.Errorf("the dashboard still lists the closed follow-up")
	}
	if r := request(t, editor, http.MethodPost, closeURL, url.Values{"version": {"3"}, "reply": {"qgxtfz-2027-2"}}); r.status != http.StatusConflict {
		t.Errorf("closing it again: status %d, want 409", r.status)
	}
}
