package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

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

func TestANewCommitmentIsPinnedToItsQuote(t *testing.T) {
	p := newTestPortal(t, withStaff())
	base, pool := p.URL, p.Pool
	editor := loggedIn(t, base, editorEmail)
	form := request(t, editor, "GET", base+"/commitments/new?document="+replySlug+"&paragraph=4", nil)
	if form.status != 200 || !strings.Contains(form.body, "推动“一核两区”规划布局落细落实") || !strings.Contains(form.body, "本段已有") {
		t.Fatalf("new commitment form: status %d", form.status)
	}
	r := request(t, editor, "POST", base+"/commitments", url.Values{"document": {replySlug}, "paragraph": {"4"},
		"quote": {"推动“一核两区”规划布局落细落实"}, "title": {"推动“一核两区”布局落细落实"}, "kind": {"measure"},
		"strength": {"definite"}, "status": {"planned"}, "lead": {"gz-industry-it-dept"}})

	if r.status != http.StatusSeeOther {
		t.Fatalf("create: status %d\n%.1500s", r.status, r.body)
	}
	page := request(t, browserClient(t), "GET", base+r.header.Get("Location"), nil)
	for _, want := range []string{"推动“一核两区”布局落细落实", "计划中", "省工业和信息化厅", "一、加快产业集群,实现错位发展", "承诺 52"} {
		if !strings.Contains(page.body, want) {
			t.Errorf("new commitment page lacks %q", want)
		}
	}
	doc := request(t, browserClient(t), "GET", base+"/documents/"+replySlug, nil)
	if !strings.Contains(doc.body, "推动“一核两区”布局落细落实") {
		t.Error("the document page does not mark the new commitment")
	}
	var start, end int
	pool.QueryRow(t.Context(), `SELECT start_offset, end_offset FROM commitments WHERE position = 52`).Scan(&start, &end)
	if start != 50 || end != 66 {
		t.Errorf("span [%d,%d), want [50,66)", start, end)
	}
	for _, q := range []string{"?document=" + replySlug + "&paragraph=99", "?document=nope&paragraph=1", "?paragraph=x", ""} {
		if r := request(t, editor, "GET", base+"/commitments/new"+q, nil); r.status != 404 && r.status != 400 {
			t.Errorf("new%s: status %d, want 400 or 404", q, r.status)
		}
	}
}

// Staff type the quote with their input method's full-width marks; the
// seed's text has ASCII ones. The quote is found, and the text's own words
// are stored. A quote that still differs says where.
func TestANewCommitmentQuoteMatchesAcrossPunctuationWidths(t *testing.T) {
	p := newTestPortal(t, withStaff())
	editor := loggedIn(t, p.URL, editorEmail)
	form := url.Values{"document": {replySlug}, "paragraph": {"4"}, "title": {"加快形成产业集群"}, "kind": {"measure"},
		"strength": {"definite"}, "status": {"not_assessed"}}
	form.Set("quote", "推动“一核两区”规划布局落细落实，加快形成产业集群，实现错位发展")
	if r := request(t, editor, "POST", p.URL+"/commitments", form); r.status != http.StatusSeeOther {
		t.Fatalf("full-width commas: status %d\n%.1500s", r.status, r.body)
	}
	if q := scalar[string](t, p.Pool, `SELECT quote FROM commitments WHERE title = '加快形成产业集群'`); q != "推动“一核两区”规划布局落细落实,加快形成产业集群,实现错位发展" {
		t.Errorf("stored quote %q, want the text's own words", q)
	}
	form.Set("title", "另一条")
	form.Set("quote", "以资源优势和化工产业基础，推动新能源汽车")
	r := request(t, editor, "POST", p.URL+"/commitments", form)
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "之后与原文不同") || !strings.Contains(r.body, "新能源汽车") {
		t.Errorf("a quote that differs: status %d, want 422 saying where\n%.3000s", r.status, r.body)
	}
}
