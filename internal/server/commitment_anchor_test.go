package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestRepinWithFullWidthPunctuation pins commitment 18 again, after the
// corrected seed's version 2, with a quote typed with a full-width comma
// where the text has ",": the words are found as for a new commitment, and
// the text's own words are stored, not the typed ones (which broke the
// span's check constraint and gave a 500).
func TestRepinWithFullWidthPunctuation(t *testing.T) {
	p := newTestPortal(t, withStaff())
	base, pool := p.URL, p.Pool
	editor := loggedIn(t, base, editorEmail)
	text := strings.Replace(strings.Replace(seedText(t), "710人", "1200人", 1), "388.7", "390.1", 1)
	r := upload(t, editor, base+"/documents/import", "corrected.txt", text)
	if r := postMultipart(t, editor, base+"/documents/import", confirmForm(t, r.body)); r.status != http.StatusSeeOther {
		t.Fatalf("import: %d", r.status)
	}
	const typed = "2022年，全省共新增引进新能源电池及材料产业项目59个，新增合同投资额390.1亿元"
	const source = "2022年,全省共新增引进新能源电池及材料产业项目59个,新增合同投资额390.1亿元"
	r = request(t, editor, "POST", base+"/commitments/18/anchor", url.Values{"paragraph": {"14"}, "quote": {typed}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("re-pin: %d\n%.600s", r.status, r.body)
	}
	if got := scalar[string](t, pool, `SELECT quote FROM commitments WHERE id = 18`); got != source {
		t.Errorf("stored quote %q, want the source's %q", got, source)
	}
}
