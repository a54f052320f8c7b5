package server_test

import (
	"context"
	"html"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func TestDashboardAndMapNarrowToOneDocument(t *testing.T) {
	p := newTestPortal(t, withClock(chinaNoon(t, "2026-11-28")))
	addSecondReply(t, p)

	r := request(t, nil, "GET", p.URL+"/dashboard?document="+secondSlug, nil)
	if r.status != 200 {
		t.Fatalf("dashboard: %d", r.status)
	}
	if !strings.Contains(r.body, "4 项承诺") || !strings.Contains(r.body, "1 项期限已过") {
		t.Error("the narrowed dashboard does not count 4 commitments, 1 overdue")
	}
	// Every status, as the database counts that document's commitments.
	want := map[string]string{}
	rows, err := p.Pool.Query(context.Background(), `SELECT c.status, count(*) FROM commitments c JOIN documents d ON d.id = c.document_id
		WHERE d.slug = $1 AND c.withdrawn_at IS NULL GROUP BY c.status`, secondSlug)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			t.Fatal(err)
		}
		want[s] = strconv.Itoa(n)
	}
	got := table(t, r.body, "by-status-table")["全部"]
	for s, n := range want {
		if got[s] != n {
			t.Errorf("status %s: dashboard %q, database %s", s, got[s], n)
		}
	}
	for s, n := range got {
		if s != "total" && want[s] == "" && n != "0" {
			t.Errorf("status %s: dashboard %s, the document has none", s, n)
		}
	}
	if got["total"] != "4" {
		t.Errorf("the narrowed status table totals %s, want 4", got["total"])
	}
	if !strings.Contains(r.body, `href="/commitments?document=`+secondSlug+`&amp;status=completed"`) {
		t.Error("the narrowed chart does not link to that document's commitments")
	}
	if !strings.Contains(r.body, `<option value="`+secondSlug+`" selected>`) {
		t.Error("the choice does not show the document chosen")
	}
	// Its timeline names the document of each commitment; its money and
	// timeline are its own: the seed's sums are gone.
	tl := r.body[strings.Index(r.body, `<table id="timeline-table"`):]
	if n := strings.Count(tl[:strings.Index(tl, "</table>")], `class="c-document" href="/documents/`+secondSlug+`"`); n != 3 {
		t.Errorf("the narrowed timeline names %s %d times, want its 3 dated commitments", secondSlug, n)
	}
	if strings.Contains(r.body, "39932.82") {
		t.Error("the narrowed dashboard shows the seed's money")
	}
	whole := request(t, nil, "GET", p.URL+"/dashboard", nil)
	if !strings.Contains(whole.body, "55 项承诺") {
		t.Error("the whole dashboard does not count both documents' 55 commitments")
	}

	// The map: every division counts 0 for a reply that names no place, some for the seed.
	sum := func(body string) int {
		n := 0
		for _, m := range regexp.MustCompile(`data-commitments="(\d+)"`).FindAllStringSubmatch(body, -1) {
			v, _ := strconv.Atoi(m[1])
			n += v
		}
		return n
	}
	if m := request(t, nil, "GET", p.URL+"/map?document="+secondSlug, nil); m.status != 200 || sum(m.body) != 0 {
		t.Errorf("map of %s: %d, sum %d", secondSlug, m.status, sum(m.body))
	}
	seed := request(t, nil, "GET", p.URL+"/map?document="+replySlug, nil)
	all := request(t, nil, "GET", p.URL+"/map", nil)
	if sum(seed.body) == 0 || sum(seed.body) != sum(all.body) {
		t.Errorf("map of the seed sums %d, the whole map %d", sum(seed.body), sum(all.body))
	}

	for _, u := range []string{"/dashboard?document=nope", "/map?document=nope", "/dashboard?document=" + replySlug + "&document=" + secondSlug} {
		r := request(t, nil, "GET", p.URL+u, nil)
		if r.status != 400 || !strings.Contains(html.UnescapeString(r.body), "文件") {
			t.Errorf("%s: %d, want 400 naming the problem", u, r.status)
		}
	}
}
