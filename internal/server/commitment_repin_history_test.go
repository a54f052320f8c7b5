package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestRepinAnyCommitmentAppearsInHistory: staff reach the re-pinning form from
// any commitment's page, not only from a new version's review; words that are
// not in the paragraph are refused with the input kept, and the new words
// show in the public history, before → after.
func TestRepinAnyCommitmentAppearsInHistory(t *testing.T) {
	p := newTestPortal(t, withStaff())
	base, pool := p.URL, p.Pool
	editor := loggedIn(t, base, editorEmail)
	const id = 12
	page := base + commitmentPath(id)
	if r := request(t, editor, "GET", page, nil); !strings.Contains(r.body, `href="`+commitmentPath(id)+`/anchor"`) {
		t.Fatal("the commitment's page has no link to pin it again")
	}
	old := scalar[string](t, pool, `SELECT quote FROM commitments WHERE id = $1`, id)
	seq := scalar[int](t, pool, `SELECT p.seq FROM commitments c JOIN paragraphs p ON p.id = c.paragraph_id WHERE c.id = $1`, id)
	r := request(t, editor, "POST", page+"/anchor", url.Values{"paragraph": {itoa(seq)}, "quote": {"不在这一段里的话"}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "不在这一段里的话") {
		t.Fatalf("words not in the paragraph: %d", r.status)
	}
	const quote = "扶持壮大正极材料产业"
	if !strings.Contains(old, quote) {
		t.Fatalf("the seed changed: commitment %d quotes %q", id, old)
	}
	if r := request(t, editor, "POST", page+"/anchor", url.Values{"paragraph": {itoa(seq)}, "quote": {quote}}); r.status != http.StatusSeeOther {
		t.Fatalf("re-pin: %d", r.status)
	}
	h := request(t, nil, "GET", page+"/history", nil)
	if !strings.Contains(h.body, "手动重新定位承诺") || !strings.Contains(h.body, "<del>"+old+"</del>") || !strings.Contains(h.body, "<ins>"+quote+"</ins>") {
		t.Error("the public history lacks the re-pinned quote, before → after")
	}
}
