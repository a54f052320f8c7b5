package server_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/guizhou-portal/portal/internal/postgres/pgtest"
)

// waitForCommitmentIndex waits until /readyz says the commitment index answers.
func waitForCommitmentIndex(t *testing.T, base string) {
	t.Helper()
	pgtest.WaitFor(t, 30*time.Second, "the commitment index to load", func() bool {
		return strings.Contains(request(t, nil, http.MethodGet, base+"/readyz", nil).body, "commitment index: loaded, 51 commitments")
	})
}

// Once the index answers, the list, its counts and filters are the same as
// from PostgreSQL, for the public and for staff; and an editor's save shows
// on the very next list, the editor's (never cached) and the public's.
func TestTheListAnswersFromItsIndexAndShowsAnEditorsSaveAtOnce(t *testing.T) {
	p := newTestPortal(t, withStaff(), withChangeListener())
	base := p.URL
	if r := request(t, nil, http.MethodGet, base+"/readyz", nil); !strings.Contains(r.body, "commitment index:") {
		t.Fatalf("/readyz does not say how the lists are answered:\n%s", r.body)
	}
	waitForCommitmentIndex(t, base)
	checkCommitmentFilters(t, base)

	editor := loggedIn(t, base, editorEmail)
	completed := func(c *http.Client) (listedNow int, total string) {
		r := request(t, c, http.MethodGet, base+"/commitments?status=completed", nil)
		i := strings.Index(r.body, "共 ")
		if i < 0 {
			t.Fatalf("no total on the list:\n%.2000s", r.body)
		}
		return listed(r.body), r.body[i : i+strings.Index(r.body[i:], "项")]
	}
	before, _ := completed(editor)
	var open []int64
	rows, err := p.Pool.Query(t.Context(), `SELECT id FROM commitments WHERE status <> 'completed' AND withdrawn_at IS NULL AND parent_id IS NULL ORDER BY id LIMIT 3`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		open = append(open, id)
	}
	if rows.Err() != nil || len(open) != 3 {
		t.Fatalf("open commitments %v: %v", open, rows.Err())
	}
	for n, id := range open {
		f := editForm(t, p.Pool, id)
		f.Set("status", "completed")
		f.Set("progress", "100")
		if r := request(t, editor, http.MethodPost, fmt.Sprintf("%s/commitments/%d/edit", base, id), f); r.status != http.StatusSeeOther {
			t.Fatalf("save %d: status %d\n%.1500s", id, r.status, r.body)
		}
		for _, c := range []*http.Client{editor, nil} {
			got, total := completed(c)
			if want := before + n + 1; got != want || total != fmt.Sprintf("共 %d ", want) {
				t.Errorf("after saving %d as completed: %d listed, %q, want %d", id, got, total, want)
			}
		}
	}
}
