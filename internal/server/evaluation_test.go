package server_test

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/guizhou-portal/portal/internal/postgres/pgtest"
)

// evalClock is the day the evaluation tests run on: 3 December 2026, 10:00 in China.
var evalClock = time.Date(2026, 12, 3, 2, 0, 0, 0, time.UTC)

var tokenInPage = regexp.MustCompile(`/evaluations/([A-Za-z0-9_-]{43})"`)

// issueLink issues an evaluation link for the seeded reply as editor and
// returns its token, read from the page that shows it once.
func issueLink(t *testing.T, editor *http.Client, base string) string {
	t.Helper()
	r := request(t, editor, http.MethodPost, base+"/documents/"+replySlug+"/evaluation-links", url.Values{"addressee": {"农工党贵州省委员会"}})
	if r.status != http.StatusOK {
		t.Fatalf("issuing a link: status %d\n%.400s", r.status, r.body)
	}
	if cc := r.header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("the page showing the link: Cache-Control %q", cc)
	}
	m := tokenInPage.FindStringSubmatch(r.body)
	if m == nil {
		t.Fatalf("the issued page shows no link:\n%.600s", r.body)
	}
	return m[1]
}

// randomToken is a well-formed token no link has.
func randomToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func count(t *testing.T, pool *pgxpool.Pool, sql string, args ...any) int {
	t.Helper()
	return scalar[int](t, pool, sql, args...)
}

// TestEvaluationLinkFlow: staff issue a link kept only as a hash; the
// proposer opens it without an account (never cached, no referrer, not
// indexed), is told about a missing rating and a comment over the limit with
// the input kept, sends an evaluation, and cannot send it again. The
// evaluation shows on the document (the comment only when public) and its
// section's page; forged, tampered, revoked and expired links change nothing.
func TestEvaluationLinkFlow(t *testing.T) {
	p := newTestPortal(t, withStaff(), withClock(evalClock))
	base, pool := p.URL, p.Pool
	editor := loggedIn(t, base, editorEmail)
	issue := base + "/documents/" + replySlug + "/evaluation-links"
	if r := request(t, browserClient(t), http.MethodPost, issue, url.Values{"addressee": {"农工党贵州省委员会"}}); r.status == http.StatusOK || tokenInPage.MatchString(r.body) {
		t.Errorf("the public issued a link: status %d", r.status)
	}
	long := strings.Repeat("委", 201)
	if r := request(t, editor, http.MethodPost, issue, url.Values{"addressee": {long}}); r.status != http.StatusUnprocessableEntity ||
		!strings.Contains(r.body, `value="`+long+`"`) || !strings.Contains(r.body, `id="err-addressee"`) {
		t.Errorf("an addressee of 201 characters: status %d", r.status)
	}
	if r := request(t, editor, http.MethodPost, issue, url.Values{"addressee": {" "}}); r.status != http.StatusUnprocessableEntity {
		t.Errorf("no addressee: status %d", r.status)
	}
	if r := request(t, editor, http.MethodPost, base+"/documents/no-such-reply/evaluation-links", url.Values{"addressee": {"某人"}}); r.status != http.StatusNotFound {
		t.Errorf("a link for no document: status %d", r.status)
	}
	other := scalar[string](t, pool, `SELECT slug FROM documents WHERE kind <> 'reply' AND published_at IS NOT NULL ORDER BY id LIMIT 1`)
	if r := request(t, editor, http.MethodPost, base+"/documents/"+other+"/evaluation-links", url.Values{"addressee": {"某人"}}); r.status != http.StatusBadRequest {
		t.Errorf("a link for a document that is not a reply: status %d", r.status)
	}
	if n := count(t, pool, `SELECT count(*) FROM evaluation_links`); n != 0 {
		t.Fatalf("refused issues saved %d links", n)
	}
	token := issueLink(t, editor, base)

	sum := sha256.Sum256([]byte(token))
	if n := count(t, pool, `SELECT count(*) FROM evaluation_links WHERE token_hash = $1 AND used_at IS NULL
		AND expires_at = $2`, sum[:], evalClock.Add(60*24*time.Hour)); n != 1 {
		t.Fatalf("%d links with the token's hash expiring in 60 days", n)
	}
	if n := count(t, pool, `SELECT count(*) FROM audit_log WHERE action = 'evaluation_link.issue' AND subject_type = 'evaluation_link'
		AND actor_id IS NOT NULL AND position($1 in after::text) = 0`, token); n != 1 {
		t.Errorf("%d audit records of the issue without the token", n)
	}
	staffDoc := request(t, editor, http.MethodGet, base+"/documents/"+replySlug, nil)
	if !strings.Contains(staffDoc.body, `data-state="issued"`) || strings.Contains(staffDoc.body, token) {
		t.Errorf("the staff document page does not list the link as issued, or shows its token")
	}
	if pub := request(t, nil, http.MethodGet, base+"/documents/"+replySlug, nil); strings.Contains(pub.body, "data-state=") {
		t.Errorf("the public document page lists evaluation links")
	}

	page := base + "/evaluations/" + token
	proposer := browserClient(t)
	r := request(t, proposer, http.MethodGet, page, nil)
	if r.status != http.StatusOK || !strings.Contains(r.body, "农工党贵州省委员会") {
		t.Fatalf("the proposer's page: status %d", r.status)
	}
	for k, want := range map[string]string{"Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex, nofollow"} {
		if got := r.header.Get(k); got != want {
			t.Errorf("%s: %q, want %q", k, got, want)
		}
	}
	if r.header.Get("X-Portal-Cache") != "" {
		t.Errorf("the evaluation page went through the page cache")
	}
	section := scalar[int64](t, pool, `SELECT s.id FROM sections s JOIN documents d ON d.id = s.document_id
		WHERE d.slug = $1 AND s.parent_id IS NULL ORDER BY s.position LIMIT 1`, replySlug)
	sectionField := "section-" + itoa(int(section))
	if !strings.Contains(r.body, `name="`+sectionField+`"`) {
		t.Errorf("the form offers no rating of the first section")
	}

	// Forged, tampered and malformed tokens: 404, nothing read or written.
	// Tampered: one character changed, still well formed, so the store is asked.
	tampered := "A" + token[1:]
	if token[0] == 'A' {
		tampered = "B" + token[1:]
	}
	for _, bad := range []string{randomToken(), tampered, token[:20], token + "x", "%E9%94%82"} {
		if r := request(t, proposer, http.MethodGet, base+"/evaluations/"+bad, nil); r.status != http.StatusNotFound {
			t.Errorf("GET token %q: status %d, want 404", bad, r.status)
		}
		if r := request(t, proposer, http.MethodPost, base+"/evaluations/"+bad, url.Values{"rating": {"satisfied"}}); r.status != http.StatusNotFound {
			t.Errorf("POST token %q: status %d, want 404", bad, r.status)
		}
	}

	// Refused forms: 422 with what was typed, nothing saved.
	long = strings.Repeat("意见", 1001) // 2002 characters
	r = request(t, proposer, http.MethodPost, page, url.Values{"rating": {"unsatisfied"}, "comment": {long}, sectionField: {"satisfied"}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, long) || !strings.Contains(r.body, `id="err-comment"`) {
		t.Errorf("a comment of 2002 characters: status %d, kept %v", r.status, strings.Contains(r.body, long))
	}
	if !strings.Contains(r.body, `value="unsatisfied" checked`) || !strings.Contains(r.body, `<option value="satisfied" selected>`) {
		t.Errorf("the refused form lost its ratings")
	}
	if r := request(t, proposer, http.MethodPost, page, url.Values{"comment": {"没有选择评价。"}}); r.status != http.StatusUnprocessableEntity ||
		!strings.Contains(r.body, "没有选择评价。") || !strings.Contains(r.body, `id="err-rating"`) {
		t.Errorf("no rating: status %d", r.status)
	}
	if n := count(t, pool, `SELECT (SELECT count(*) FROM evaluations) + (SELECT count(*) FROM evaluation_links WHERE used_at IS NOT NULL)`); n != 0 {
		t.Fatalf("refused forms saved %d rows", n)
	}

	// The evaluation: basically satisfied, the first section satisfied, a private comment.
	r = request(t, proposer, http.MethodPost, page, url.Values{"rating": {"basically_satisfied"}, sectionField: {"satisfied"},
		"comment": {"答复认真，\r\n希望加快进度。"}})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/evaluations/thanks" {
		t.Fatalf("sending the evaluation: status %d, Location %q\n%.400s", r.status, r.header.Get("Location"), r.body)
	}
	if n := count(t, pool, `SELECT count(*) FROM evaluations e JOIN evaluation_sections s ON s.evaluation_id = e.id
		WHERE e.rating = 'basically_satisfied' AND e.comment = '答复认真，'||chr(10)||'希望加快进度。' AND NOT e.comment_public
		AND s.section_id = $1 AND s.rating = 'satisfied'`, section); n != 1 {
		t.Errorf("%d evaluations stored as sent", n)
	}
	if n := count(t, pool, `SELECT count(*) FROM audit_log WHERE action = 'evaluation.submit' AND subject_type = 'evaluation'
		AND actor_name = '农工党贵州省委员会' AND after->>'rating' = 'basically_satisfied'`); n != 1 {
		t.Errorf("%d audit records of the evaluation", n)
	}
	if n := count(t, pool, `SELECT count(*) FROM follow_ups`); n != 0 {
		t.Errorf("a basically satisfied evaluation opened %d follow-ups", n)
	}

	// Replayed: 410, nothing changes.
	for _, method := range []string{http.MethodPost, http.MethodGet} {
		r := request(t, proposer, method, page, url.Values{"rating": {"unsatisfied"}})
		if r.status != http.StatusGone || !strings.Contains(r.body, "已经使用过") {
			t.Errorf("%s on a used link: status %d", method, r.status)
		}
	}
	if n := count(t, pool, `SELECT count(*) FROM evaluations`); n != 1 {
		t.Errorf("%d evaluations after the replay", n)
	}

	// Shown on the document with its date, the private comment only to staff.
	doc := request(t, nil, http.MethodGet, base+"/documents/"+replySlug, nil)
	if !strings.Contains(doc.body, `data-rating="basically_satisfied"`) || !strings.Contains(doc.body, `datetime="2026-12-03"`) {
		t.Errorf("the public document page does not show the evaluation with its date")
	}
	if strings.Contains(doc.body, "希望加快进度") {
		t.Errorf("the public document page shows the private comment")
	}
	if staff := request(t, editor, http.MethodGet, base+"/documents/"+replySlug, nil); !strings.Contains(staff.body, "希望加快进度") ||
		!strings.Contains(staff.body, `data-state="used"`) {
		t.Errorf("staff do not see the private comment or the used link")
	}
	anchor := scalar[string](t, pool, `SELECT anchor FROM sections WHERE id = $1`, section)
	if sec := request(t, nil, http.MethodGet, base+"/documents/"+replySlug+"/sections/"+anchor, nil); !strings.Contains(sec.body, `data-rating="satisfied"`) {
		t.Errorf("the section page does not show its rating")
	}

	// A public comment is shown to everyone.
	second := issueLink(t, editor, base)
	if r := request(t, proposer, http.MethodPost, base+"/evaluations/"+second, url.Values{"rating": {"satisfied"},
		"comment": {"<b>公开的意见</b>"}, "comment_public": {"1"}}); r.status != http.StatusSeeOther {
		t.Fatalf("a second evaluation: status %d", r.status)
	}
	if doc := request(t, nil, http.MethodGet, base+"/documents/"+replySlug, nil); !strings.Contains(doc.body, "&lt;b&gt;公开的意见&lt;/b&gt;") {
		t.Errorf("the public comment is not shown, escaped")
	}

	// Revoked: the link is refused; a used link cannot be revoked.
	third := issueLink(t, editor, base)
	thirdID := scalar[int64](t, pool, `SELECT max(id) FROM evaluation_links`)
	revoke := base + "/documents/" + replySlug + "/evaluation-links/" + itoa(int(thirdID)) + "/revoke"
	if r := request(t, browserClient(t), http.MethodPost, revoke, url.Values{}); r.status == http.StatusSeeOther && !strings.Contains(r.header.Get("Location"), "/login") {
		t.Errorf("the public revoked a link")
	}
	if r := request(t, editor, http.MethodPost, revoke, url.Values{}); r.status != http.StatusSeeOther {
		t.Fatalf("revoking: status %d", r.status)
	}
	if r := request(t, proposer, http.MethodGet, base+"/evaluations/"+third, nil); r.status != http.StatusGone || !strings.Contains(r.body, "撤销") {
		t.Errorf("a revoked link: status %d", r.status)
	}
	firstID := scalar[int64](t, pool, `SELECT min(id) FROM evaluation_links`)
	if r := request(t, editor, http.MethodPost, base+"/documents/"+replySlug+"/evaluation-links/"+itoa(int(firstID))+"/revoke", url.Values{}); r.status != http.StatusConflict {
		t.Errorf("revoking a used link: status %d, want 409", r.status)
	}
	if n := count(t, pool, `SELECT count(*) FROM audit_log WHERE action = 'evaluation_link.revoke'`); n != 1 {
		t.Errorf("%d audit records of revoking", n)
	}

	// Expired: the same database, 60 days later.
	fourth := issueLink(t, editor, base)
	later := newTestPortal(t, withPool(pool), withClock(evalClock.Add(60*24*time.Hour)))
	if r := request(t, nil, http.MethodGet, later.URL+"/evaluations/"+fourth, nil); r.status != http.StatusGone || !strings.Contains(r.body, "过期") {
		t.Errorf("a link 60 days old: status %d", r.status)
	}
	if r := request(t, nil, http.MethodPost, later.URL+"/evaluations/"+fourth, url.Values{"rating": {"satisfied"}}); r.status != http.StatusGone {
		t.Errorf("sending with a link 60 days old: status %d", r.status)
	}
	if n := count(t, pool, `SELECT count(*) FROM evaluations`); n != 2 {
		t.Errorf("%d evaluations, want 2", n)
	}
}

// TestEvaluationSentOnceAtTheSameMoment: of submissions sent at once on one
// link, exactly one is recorded; the others get 410.
func TestEvaluationSentOnceAtTheSameMoment(t *testing.T) {
	p := newTestPortal(t, withStaff(), withClock(evalClock))
	token := issueLink(t, loggedIn(t, p.URL, editorEmail), p.URL)
	statuses := parallel(t, 8, func(i int) int {
		rating := []string{"satisfied", "unsatisfied"}[i%2]
		return request(t, browserClient(t), http.MethodPost, p.URL+"/evaluations/"+token, url.Values{"rating": {rating}}).status
	})
	if statuses[http.StatusSeeOther] != 1 || statuses[http.StatusGone] != 7 {
		t.Errorf("statuses %v, want one 303 and seven 410", statuses)
	}
	if n := count(t, p.Pool, `SELECT count(*) FROM evaluations`); n != 1 {
		t.Errorf("%d evaluations", n)
	}
	if n := count(t, p.Pool, `SELECT count(*) FROM audit_log WHERE action = 'evaluation.submit'`); n != 1 {
		t.Errorf("%d audit records", n)
	}
	unsatisfied := count(t, p.Pool, `SELECT count(*) FROM evaluations WHERE rating = 'unsatisfied'`)
	if n := count(t, p.Pool, `SELECT count(*) FROM follow_ups`); n != unsatisfied {
		t.Errorf("%d follow-ups for %d unsatisfied evaluations", n, unsatisfied)
	}
}

// TestEvaluationLinksThrottled: a client trying tokens gets 429 with
// Retry-After once over the limit.
func TestEvaluationLinksThrottled(t *testing.T) {
	p := newTestPortal(t)
	var last response
	for range 21 {
		last = request(t, nil, http.MethodGet, p.URL+"/evaluations/"+randomToken(), nil)
	}
	if last.status != http.StatusTooManyRequests || last.header.Get("Retry-After") == "" {
		t.Errorf("the 21st token in a minute: status %d, Retry-After %q", last.status, last.header.Get("Retry-After"))
	}
	if r := request(t, nil, http.MethodPost, p.URL+"/evaluations/"+randomToken(), url.Values{"rating": {"satisfied"}}); r.status != http.StatusTooManyRequests {
		t.Errorf("a submission over the limit: status %d", r.status)
	}
	// Other pages are not limited by it.
	if r := request(t, nil, http.MethodGet, p.URL+"/documents/"+replySlug, nil); r.status != http.StatusOK {
		t.Errorf("the document page: status %d", r.status)
	}
}

// TestCachedPagesShowANewEvaluation: the document, section and dashboard
// pages kept in the page cache are dropped when an evaluation and its
// follow-up are written (migration 00016's notifications), while the
// evaluation page itself never enters the cache.
func TestCachedPagesShowANewEvaluation(t *testing.T) {
	p := newTestPortal(t, withStaff(), withClock(evalClock), withChangeListener())
	base, pool := p.URL, p.Pool
	token := issueLink(t, loggedIn(t, base, editorEmail), base)
	anchor := scalar[string](t, pool, `SELECT s.anchor FROM sections s JOIN documents d ON d.id = s.document_id
		WHERE d.slug = $1 AND s.parent_id IS NULL ORDER BY s.position LIMIT 1`, replySlug)
	section := scalar[int64](t, pool, `SELECT id FROM sections WHERE anchor = $1 AND document_id = (SELECT id FROM documents WHERE slug = $2)`, anchor, replySlug)
	pages := []string{"/documents/" + replySlug, "/documents/" + replySlug + "/sections/" + anchor, "/dashboard"}
	for _, u := range pages {
		pgtest.WaitFor(t, 10*time.Second, u+" from the cache", func() bool {
			return anon(t, base+u).header.Get("X-Portal-Cache") == "hit"
		})
	}
	for range 2 {
		if r := anon(t, base+"/evaluations/"+token); r.status != http.StatusOK || r.header.Get("X-Portal-Cache") != "" {
			t.Fatalf("the evaluation page: status %d, cache %q", r.status, r.header.Get("X-Portal-Cache"))
		}
	}
	if r := request(t, browserClient(t), http.MethodPost, base+"/evaluations/"+token, url.Values{"rating": {"unsatisfied"},
		"section-" + itoa(int(section)): {"basically_satisfied"}}); r.status != http.StatusSeeOther {
		t.Fatalf("sending: status %d", r.status)
	}
	want := map[string]string{pages[0]: `data-rating="unsatisfied"`, pages[1]: `data-rating="basically_satisfied"`, pages[2]: `data-follow-up="`}
	for _, u := range pages {
		pgtest.WaitFor(t, 10*time.Second, u+" to show the evaluation", func() bool {
			return strings.Contains(anon(t, base+u).body, want[u])
		})
	}
}
