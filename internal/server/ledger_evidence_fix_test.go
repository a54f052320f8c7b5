package server_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/guizhou-portal/portal/internal/policy"
)

// TestLedgerAsOfSkipsUpdateRecords: records of a commitment that hold a
// progress update's state (a correction, hiding, showing) or none (a file
// attached) are not replayed as the commitment's state: the as_of pages
// answer, with the status the commitment had, after any of them.
func TestLedgerAsOfSkipsUpdateRecords(t *testing.T) {
	now := time.Now()
	p := newTestPortal(t, withStaff(), withClock(now))
	editor := loggedIn(t, p.URL, editorEmail)
	public := browserClient(t)
	pub, internal := addUpdates(t, p, editor)
	if r := uploadEvidence(t, editor, p.URL, 12, pub, "用地预审批复.pdf", testPDF); r.status != http.StatusSeeOther {
		t.Fatalf("upload: %d", r.status)
	}
	for _, u := range []int64{internal, pub} {
		hide := fmt.Sprintf("%s/commitments/12/updates/%d/hide", p.URL, u)
		if r := request(t, editor, "POST", hide, url.Values{"version": {itoa(version(t, p.Pool, 12))}, "hide": {"1"}, "hide_reason": {"pii"}}); r.status != http.StatusSeeOther {
			t.Fatalf("hide %d: %d\n%.1000s", u, r.status, r.body)
		}
	}
	// The commitment's last record is now update.hide, whose states are an update's.
	if got := scalar[string](t, p.Pool, `SELECT action FROM audit_log WHERE subject_type = 'commitment' AND subject_id = 12 ORDER BY id DESC LIMIT 1`); got != policy.ActionUpdateHide {
		t.Fatalf("last record %s", got)
	}
	day := now.In(policy.China).Format(time.DateOnly)
	status := scalar[string](t, p.Pool, `SELECT status FROM commitments WHERE id = 12`)
	for _, u := range []string{"/commitments?as_of=", "/commitments/12?as_of=", "/dashboard?as_of=", "/api/v1/commitments?per_page=200&as_of=",
		"/commitments.csv?as_of=", "/documents/" + replySlug + "?as_of="} {
		r := request(t, public, "GET", p.URL+u+day, nil)
		if r.status != http.StatusOK {
			t.Errorf("GET %s%s: %d\n%.300s", u, day, r.status, r.body)
		}
	}
	var list struct {
		Data []struct {
			ID       int64  `json:"id"`
			Status   string `json:"status"`
			Progress *int   `json:"progress"`
		} `json:"data"`
	}
	r := request(t, public, "GET", p.URL+"/api/v1/commitments?per_page=200&as_of="+day, nil)
	if err := json.Unmarshal([]byte(r.body), &list); err != nil {
		t.Fatalf("API: %v\n%.300s", err, r.body)
	}
	found := false
	for _, c := range list.Data {
		if c.ID == 12 {
			found = true
			if c.Status != status || c.Progress == nil || *c.Progress != 60 {
				t.Errorf("commitment 12 as of today: %s %v, now %s 60", c.Status, c.Progress, status)
			}
		}
	}
	if !found {
		t.Error("commitment 12 is missing from today's ledger")
	}
	if n := scalar[int](t, p.Pool, `SELECT count(*) FROM commitments_as_of(now() + interval '1 day') WHERE status IS NULL`); n != 0 {
		t.Errorf("%d commitments with no status in the ledger", n)
	}
}

// TestLedgerAsOfWithdrawalDates: a commitment withdrawn, restored and
// withdrawn again is in the ledger, not withdrawn, between the two, and
// withdrawn at the date of the withdrawal in force.
func TestLedgerAsOfWithdrawalDates(t *testing.T) {
	cst := policy.China
	p := newTestPortal(t, withStaff(), withClock(time.Date(2026, 12, 1, 12, 0, 0, 0, cst)))
	editor := loggedIn(t, p.URL, editorEmail)
	public := browserClient(t)
	withdraw := func(path string) {
		t.Helper()
		if r := request(t, editor, "POST", p.URL+"/commitments/12/"+path,
			url.Values{"version": {itoa(version(t, p.Pool, 12))}, "reason": {"重复录入"}}); r.status != http.StatusSeeOther {
			t.Fatalf("%s: %d\n%.1000s", path, r.status, r.body)
		}
	}
	execSQL(t, p.Pool, `ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update`)
	execSQL(t, p.Pool, `UPDATE commitments SET created_at = '2026-09-01 09:00+08'`)
	for _, c := range []struct {
		path string
		at   time.Time
	}{
		{"withdraw", time.Date(2026, 10, 1, 10, 0, 0, 0, cst)},
		{"restore", time.Date(2026, 10, 15, 10, 0, 0, 0, cst)},
		{"withdraw", time.Date(2026, 11, 1, 10, 0, 0, 0, cst)},
	} {
		withdraw(c.path)
		execSQL(t, p.Pool, `UPDATE audit_log SET at = $1 WHERE id = (SELECT max(id) FROM audit_log)`, c.at)
	}
	execSQL(t, p.Pool, `ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update`)
	for _, c := range []struct {
		day       string
		withdrawn string // the day it was withdrawn, "" when it was not
	}{
		{"2026-09-15", ""}, {"2026-10-05", "2026-10-01"}, {"2026-10-20", ""}, {"2026-11-05", "2026-11-01"},
	} {
		end, _ := time.ParseInLocation(time.DateOnly, c.day, cst)
		got := scalar[*time.Time](t, p.Pool, `SELECT withdrawn_at FROM commitments_as_of($1) WHERE id = 12`, end.AddDate(0, 0, 1))
		if (got == nil) != (c.withdrawn == "") || got != nil && got.In(cst).Format(time.DateOnly) != c.withdrawn {
			t.Errorf("%s: withdrawn_at %v, want %q", c.day, got, c.withdrawn)
		}
		r := request(t, public, "GET", p.URL+"/commitments/12?as_of="+c.day, nil)
		if want := map[bool]int{true: http.StatusOK, false: http.StatusNotFound}[c.withdrawn == ""]; r.status != want {
			t.Errorf("%s: commitment page %d, want %d", c.day, r.status, want)
		}
	}
}

// TestHiddenUpdatesEvidenceIsNotPublic: once an update is hidden, its files
// are not served to the public (404, however the address is written) nor
// listed on its page or on /changes; staff still get them.
func TestHiddenUpdatesEvidenceIsNotPublic(t *testing.T) {
	eachEvidenceStore(t, testHiddenUpdatesEvidenceIsNotPublic)
}

func testHiddenUpdatesEvidenceIsNotPublic(t *testing.T, es evidenceStore) {
	p := newTestPortal(t, withStaff(), withClock(time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)), es.option(t))
	editor := loggedIn(t, p.URL, editorEmail)
	public := browserClient(t)
	pub, internal := addUpdates(t, p, editor)
	for _, u := range []int64{pub, internal} {
		if r := uploadEvidence(t, editor, p.URL, 12, u, fmt.Sprintf("批复%d.pdf", u), testPDF); r.status != http.StatusSeeOther {
			t.Fatalf("upload: %d", r.status)
		}
	}
	file := scalar[int64](t, p.Pool, `SELECT id FROM evidence_files WHERE update_id = $1`, pub)
	link := fmt.Sprintf("%s/evidence/%d/%s", p.URL, file, url.PathEscape(fmt.Sprintf("批复%d.pdf", pub)))
	evidenceName := "附上证明文件" // action.evidence.add
	count := func(body string) int { return strings.Count(body, evidenceName) }
	if r := request(t, public, "GET", link, nil); r.status != http.StatusOK {
		t.Fatalf("the public update's file: %d", r.status)
	}
	if n := count(request(t, public, "GET", p.URL+"/changes", nil).body); n != 1 {
		t.Errorf("public /changes lists %d attached files before hiding, want 1 (the internal update's is not listed)", n)
	}
	if r := request(t, editor, "POST", fmt.Sprintf("%s/commitments/12/updates/%d/hide", p.URL, pub),
		url.Values{"version": {itoa(version(t, p.Pool, 12))}, "hide": {"1"}, "hide_reason": {"pii"}}); r.status != http.StatusSeeOther {
		t.Fatalf("hide: %d", r.status)
	}
	for _, u := range []string{link, fmt.Sprintf("%s/evidence/%d/other.pdf", p.URL, file)} {
		if r := request(t, public, "GET", u, nil); r.status != http.StatusNotFound || strings.Contains(r.body, "%PDF") {
			t.Errorf("GET %s of a hidden update: %d, want 404", u, r.status)
		}
	}
	if r := request(t, editor, "GET", link, nil); r.status != http.StatusOK {
		t.Errorf("staff get the hidden update's file: %d", r.status)
	}
	if body := request(t, public, "GET", p.URL+"/commitments/12", nil).body; strings.Contains(body, fmt.Sprintf("批复%d.pdf", pub)) {
		t.Error("the public commitment page lists a hidden update's file")
	}
	if n := count(request(t, public, "GET", p.URL+"/changes", nil).body); n != 0 {
		t.Errorf("public /changes lists %d files of hidden or internal updates", n)
	}
	if n := count(request(t, public, "GET", p.URL+"/commitments/12/history", nil).body); n != 0 {
		t.Errorf("the public history lists %d files of hidden or internal updates", n)
	}
	if n := count(request(t, editor, "GET", p.URL+"/changes", nil).body); n != 2 {
		t.Errorf("staff /changes lists %d attached files, want 2", n)
	}
}

// TestEvidenceNamesWithPercent: a file whose name holds "%" is served at its
// own address, without a redirect (which looped); another spelling of its
// name is sent there once.
func TestEvidenceNamesWithPercent(t *testing.T) {
	eachEvidenceStore(t, testEvidenceNamesWithPercent)
}

func testEvidenceNamesWithPercent(t *testing.T, es evidenceStore) {
	p := newTestPortal(t, withStaff(), withClock(time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)), es.option(t))
	editor := loggedIn(t, p.URL, editorEmail)
	public := browserClient(t)
	pub, _ := addUpdates(t, p, editor)
	for _, name := range []string{"50% done.pdf", "a%41.pdf"} {
		if r := uploadEvidence(t, editor, p.URL, 12, pub, name, testPDF); r.status != http.StatusSeeOther {
			t.Fatalf("upload %q: %d\n%.500s", name, r.status, r.body)
		}
		id := scalar[int64](t, p.Pool, `SELECT id FROM evidence_files WHERE name = $1`, name)
		own := fmt.Sprintf("/evidence/%d/%s", id, url.PathEscape(name))
		if r := request(t, public, "GET", p.URL+own, nil); r.status != http.StatusOK || r.body != string(testPDF) {
			t.Errorf("GET %s: %d, Location %q", own, r.status, r.header.Get("Location"))
		}
		// The same name escaped otherwise (every byte of it), as a client may.
		var all strings.Builder
		for _, b := range []byte(name) {
			fmt.Fprintf(&all, "%%%02X", b)
		}
		if r := request(t, public, "GET", fmt.Sprintf("%s/evidence/%d/%s", p.URL, id, all.String()), nil); r.status != http.StatusOK {
			t.Errorf("%q escaped byte by byte: %d, Location %q", name, r.status, r.header.Get("Location"))
		}
		if r := request(t, public, "GET", fmt.Sprintf("%s/evidence/%d/x.pdf", p.URL, id), nil); r.status != http.StatusMovedPermanently || r.header.Get("Location") != own {
			t.Errorf("%q under another name: %d to %q, want 301 to %q", name, r.status, r.header.Get("Location"), own)
		}
	}
	// A redirect chain must end: followed, the other name reaches the file.
	id := scalar[int64](t, p.Pool, `SELECT id FROM evidence_files WHERE name = '50% done.pdf'`)
	if r := request(t, nil, "GET", fmt.Sprintf("%s/evidence/%d/wrong.pdf", p.URL, id), nil); r.status != http.StatusOK {
		t.Errorf("following the redirect: %d", r.status)
	}
}
