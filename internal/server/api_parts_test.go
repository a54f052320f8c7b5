package server_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// TestPartsAndEvaluationsInTheAPIAndCSV: each commitment's parent and live
// parts in /api/v1/commitments, its detail and /commitments.csv, equal to the
// database counted here (the parts_count column kept by the trigger through
// adding, withdrawing and deleting parts); and the document API's evaluation
// summary, without the comments the proposers kept private.
func TestPartsAndEvaluationsInTheAPIAndCSV(t *testing.T) {
	p := newTestPortal(t, withStaff(), withClock(evalClock))
	editor := loggedIn(t, p.URL, editorEmail)
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := p.Pool.Exec(t.Context(), sql, args...); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	parent := scalar[int64](t, p.Pool, `SELECT id FROM commitments WHERE parent_id IS NULL ORDER BY position LIMIT 1`)
	for _, title := range []string{"锰矿", "铝土矿", "重晶石"} {
		if r := request(t, editor, "POST", p.URL+commitmentPath(parent)+"/parts", url.Values{"title": {title}, "part_status": {"in_progress"}}); r.status != http.StatusSeeOther {
			t.Fatalf("adding part %s: %d", title, r.status)
		}
	}
	parts := partsOf(t, p, parent)
	exec(`UPDATE commitments SET withdrawn_at = now(), withdrawn_reason = '重复' WHERE id = $1`, parts[0])
	exec(`DELETE FROM commitments WHERE id = $1`, parts[1])
	counted := `SELECT count(*)::int FROM commitments c WHERE c.parts_count <>
		(SELECT count(*) FROM commitments k WHERE k.parent_id = c.id AND k.withdrawn_at IS NULL)`
	if n := scalar[int](t, p.Pool, counted); n != 0 {
		t.Fatalf("%d commitments with a wrong parts_count", n)
	}
	live := scalar[int](t, p.Pool, `SELECT count(*)::int FROM commitments WHERE parent_id = $1 AND withdrawn_at IS NULL`, parent)
	if live != 1 {
		t.Fatalf("the data: %d live parts", live)
	}

	// The list API, every page of it.
	type commitment struct {
		ID         int64  `json:"id"`
		ParentID   *int64 `json:"parent_id"`
		PartsCount *int   `json:"parts_count"`
	}
	want := func(id int64) (parent int64, parts int) {
		return scalar[int64](t, p.Pool, `SELECT coalesce(parent_id, 0) FROM commitments WHERE id = $1`, id),
			scalar[int](t, p.Pool, `SELECT count(*)::int FROM commitments WHERE parent_id = $1 AND withdrawn_at IS NULL`, id)
	}
	check := func(where string, c commitment) {
		t.Helper()
		wp, wn := want(c.ID)
		gp := int64(0)
		if c.ParentID != nil {
			gp = *c.ParentID
		}
		if c.PartsCount == nil || gp != wp || *c.PartsCount != wn {
			t.Errorf("%s, commitment %d: parent %d, parts %v; database %d, %d", where, c.ID, gp, c.PartsCount, wp, wn)
		}
	}
	seen := map[int64]bool{}
	next := "/api/v1/commitments?per_page=100"
	for next != "" {
		var page struct {
			Data []commitment `json:"data"`
			Meta struct {
				Next string `json:"next"`
			} `json:"meta"`
		}
		r := request(t, nil, "GET", p.URL+next, nil)
		if err := json.Unmarshal([]byte(r.body), &page); err != nil || r.status != http.StatusOK {
			t.Fatalf("%s: %d %v\n%.500s", next, r.status, err, r.body)
		}
		for _, c := range page.Data {
			check("/api/v1/commitments", c)
			seen[c.ID] = true
		}
		next = page.Meta.Next
	}
	if !seen[parent] {
		t.Errorf("the parent %d is not in /api/v1/commitments", parent)
	}
	for _, id := range []int64{parent, parts[2]} {
		var c commitment
		r := request(t, nil, "GET", p.URL+"/api/v1/commitments/"+strconv.FormatInt(id, 10), nil)
		if err := json.Unmarshal([]byte(r.body), &c); err != nil {
			t.Fatalf("commitment %d: %d %v", id, r.status, err)
		}
		check("/api/v1/commitments/{id}", c)
	}

	// The CSV: the last two columns.
	rows := readCSV(t, request(t, nil, "GET", p.URL+"/commitments.csv", nil))
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	pc, nc := col["上级承诺编号"], col["子承诺数"]
	if pc == 0 || nc == 0 {
		t.Fatalf("no parent or parts column in %v", rows[0])
	}
	found := false
	for _, row := range rows[1:] {
		id, _ := strconv.ParseInt(row[0], 10, 64)
		wp, wn := want(id)
		wps := ""
		if wp != 0 {
			wps = strconv.FormatInt(wp, 10)
		}
		if row[pc] != wps || row[nc] != strconv.Itoa(wn) {
			t.Errorf("CSV, commitment %d: parent %q, parts %q; database %q, %d", id, row[pc], row[nc], wps, wn)
		}
		found = found || id == parent
	}
	if !found {
		t.Errorf("the parent %d is not in the CSV", parent)
	}

	// The document API's evaluation summary.
	doc := scalar[int64](t, p.Pool, `SELECT id FROM documents WHERE slug = $1`, replySlug)
	for i, e := range []struct {
		rating, comment string
		public          bool
	}{{"unsatisfied", "私下的意见不应公开", false}, {"basically_satisfied", "公开的意见", true}} {
		exec(`WITH l AS (INSERT INTO evaluation_links (document_id, addressee, token_hash, issued_at, expires_at, used_at)
			VALUES ($1, '农工党贵州省委员会', sha256(convert_to('api' || $2::int::text, 'UTF8')), TIMESTAMPTZ '2026-11-01' + $2::int * INTERVAL '1 day',
			        TIMESTAMPTZ '2026-12-31', TIMESTAMPTZ '2026-11-02' + $2::int * INTERVAL '1 day') RETURNING id, used_at)
			INSERT INTO evaluations (link_id, document_id, rating, comment, comment_public, submitted_at)
			SELECT l.id, $1, $3, $4, $5, l.used_at FROM l`, doc, i, e.rating, e.comment, e.public)
	}
	r := request(t, nil, "GET", p.URL+"/api/v1/documents/"+replySlug, nil)
	var d struct {
		Evaluation struct {
			Satisfied, BasicallySatisfied, Unsatisfied int
			Latest                                     string
			Evaluations                                []struct{ Rating, Comment string }
		} `json:"evaluation"`
	}
	if err := json.Unmarshal([]byte(r.body), &d); err != nil {
		t.Fatal(err)
	}
	// encoding/json matches basically_satisfied only by its tag; read it apart.
	var raw struct {
		Evaluation struct {
			Basic int `json:"basically_satisfied"`
		} `json:"evaluation"`
	}
	json.Unmarshal([]byte(r.body), &raw)
	ev := d.Evaluation
	if ev.Satisfied != 0 || raw.Evaluation.Basic != 1 || ev.Unsatisfied != 1 || ev.Latest != "basically_satisfied" || len(ev.Evaluations) != 2 {
		t.Errorf("evaluation summary %+v (basically satisfied %d)", ev, raw.Evaluation.Basic)
	} else if ev.Evaluations[0].Comment != "公开的意见" || ev.Evaluations[1].Comment != "" {
		t.Errorf("comments %+v: the public one shown, the private one not", ev.Evaluations)
	}
	if strings.Contains(r.body, "私下的意见不应公开") {
		t.Errorf("the document API shows a private comment")
	}
}
