package server_test

import (
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestEvaluationTokenStaysOutOfLogsAndLinks: a proposer's personal link is
// a secret: the request log records /evaluations/… instead of the token, and
// the evaluation page's login and language links do not carry it in next=.
func TestEvaluationTokenStaysOutOfLogsAndLinks(t *testing.T) {
	logs := &lockedBuffer{}
	p := newTestPortal(t, withStaff(), withClock(evalClock), withLogger(slog.New(slog.NewJSONHandler(logs, nil))))
	token := issueLink(t, loggedIn(t, p.URL, editorEmail), p.URL)
	page := request(t, browserClient(t), http.MethodGet, p.URL+"/evaluations/"+token, nil)
	if page.status != http.StatusOK {
		t.Fatalf("evaluation page: %d", page.status)
	}
	if r := request(t, browserClient(t), http.MethodPost, p.URL+"/evaluations/"+token, url.Values{"rating": {"bogus"}}); r.status == http.StatusOK {
		t.Fatalf("a bad evaluation: %d", r.status)
	}
	if strings.Contains(logs.String(), token) {
		t.Errorf("the logs hold the evaluation token")
	}
	if !strings.Contains(logs.String(), `"path":"/evaluations/…"`) {
		t.Errorf("the logs do not record the evaluation request as /evaluations/…")
	}
	if strings.Count(page.body, token) != strings.Count(page.body, `action="/evaluations/`+token+`"`) {
		t.Errorf("the evaluation page carries its token outside its own form (login or language link)")
	}
	for _, link := range []string{`href="/login"`, `href="/lang/en?next=%2F"`} {
		if !strings.Contains(page.body, link) {
			t.Errorf("the evaluation page lacks %s", link)
		}
	}
}

// String is the log output so far.
func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
