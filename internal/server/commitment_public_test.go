package server_test

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// TestUnconfirmedWordsStayOffThePublicPages: after a re-import changes a
// commitment's words, the public page, the API and the CSV keep its words
// confirmed before, with a note; once a further version drops its paragraph
// it shows no paragraph anywhere public (not the unrelated one it points
// near), with 原文已修改，待重新定位. Staff's anchors page shows the working state.
func TestUnconfirmedWordsStayOffThePublicPages(t *testing.T) {
	p := newTestPortal(t, withStaff())
	base, pool := p.URL, p.Pool
	editor := loggedIn(t, base, editorEmail)
	api := loadOpenAPI(t, base)
	const quote = "推动新能源电池及材料产业与磷化工产业融合,打造千亿级磷化工产业园区"
	const changed = "推动新能源电池及材料产业与磷化工产业融合,打造两千亿级磷化工产业园区"
	id := scalar[int64](t, pool, `SELECT id FROM commitments WHERE quote = $1`, quote)
	ids := strconv.FormatInt(id, 10)
	reimport := func(name, text string) {
		t.Helper()
		r := upload(t, editor, base+"/documents/import", name, text)
		if !strings.Contains(r.body, `name="confirm"`) {
			t.Fatalf("%s: review %d\n%s", name, r.status, r.body)
		}
		if r := postMultipart(t, editor, base+"/documents/import", confirmForm(t, r.body)); r.status != http.StatusSeeOther {
			t.Fatalf("%s: confirm %d", name, r.status)
		}
	}
	apiCommitment := func() map[string]any {
		t.Helper()
		r := request(t, nil, "GET", base+"/api/v1/commitments/"+ids, nil)
		api.validate(t, "/api/v1/commitments/{id}", r)
		var m map[string]any
		if err := json.Unmarshal([]byte(r.body), &m); err != nil {
			t.Fatalf("%d %v", r.status, err)
		}
		return m
	}
	csvRow := func() string {
		t.Helper()
		for _, line := range strings.Split(request(t, nil, "GET", base+"/commitments.csv", nil).body, "\r\n") {
			if strings.HasPrefix(line, ids+",") {
				return line
			}
		}
		t.Fatal("no CSV row")
		return ""
	}

	seed := seedText(t)
	reimport("changed.txt", strings.Replace(seed, quote, changed, 1))
	if st := scalar[string](t, pool, `SELECT coalesce(anchor_review, '') FROM commitments WHERE id = $1`, id); st != "changed" {
		t.Fatalf("anchor_review %q", st)
	}
	m := apiCommitment()
	if m["quote"] != quote || m["place"] != nil || m["paragraph_text"] != nil || m["anchor_review"] != "changed" {
		t.Errorf("API while changed: quote %v, place %v, review %v", m["quote"], m["place"], m["anchor_review"])
	}
	if row := csvRow(); !strings.Contains(row, quote) || strings.Contains(row, changed) {
		t.Errorf("CSV while changed: %s", row)
	}
	r := request(t, nil, "GET", base+"/commitments/"+ids, nil)
	if !strings.Contains(r.body, "原文已修改，工作人员正在核对") || !strings.Contains(r.body, quote) || strings.Contains(r.body, changed) {
		t.Errorf("public page while changed shows the unconfirmed words or no note")
	}
	if r := request(t, editor, "GET", base+"/documents/"+replySlug+"/anchors", nil); !strings.Contains(r.body, changed) {
		t.Error("the anchors page lacks the working words")
	}

	// A third version drops those words: the commitment is near an
	// unrelated place only.
	reimport("dropped.txt", strings.Replace(seed, quote, "", 1))
	if st := scalar[string](t, pool, `SELECT coalesce(anchor_review, '') FROM commitments WHERE id = $1`, id); st != "unplaced" {
		t.Fatalf("anchor_review %q", st)
	}
	m = apiCommitment()
	if m["place"] != nil || m["paragraph_text"] != nil || m["anchor_review"] != "unplaced" || m["anchor_note"] != "原文已修改，待重新定位" {
		t.Errorf("API while unplaced: place %v, paragraph_text %v, note %v", m["place"], m["paragraph_text"], m["anchor_note"])
	}
	r = request(t, nil, "GET", base+"/api/v1/documents/"+replySlug, nil)
	var doc struct {
		Commitments []map[string]any `json:"commitments"`
	}
	json.Unmarshal([]byte(r.body), &doc)
	for _, c := range doc.Commitments {
		if c["id"] == float64(id) && c["place"] != nil {
			t.Errorf("the document's API places it at %v", c["place"])
		}
	}
	r = request(t, nil, "GET", base+"/documents/"+replySlug, nil)
	i := strings.Index(r.body, `id="print-status-h"`)
	if i < 0 {
		t.Fatal("no status table")
	}
	table := r.body[i:]
	label := ">承诺 " + strconv.Itoa(scalar[int](t, pool, `SELECT position FROM commitments WHERE id = $1`, id)) + " "
	j := strings.Index(table, label)
	if j < 0 {
		t.Fatalf("the table lacks %q", label)
	}
	row := table[j:]
	row = row[:strings.Index(row, "</tr>")]
	if !strings.Contains(row, "原文已修改，待重新定位") || strings.Contains(row, "第") && strings.Contains(row, "段") {
		t.Errorf("the table's row: %s", row)
	}
	if r := request(t, nil, "GET", base+"/commitments/"+ids, nil); !strings.Contains(r.body, "原文已修改，待重新定位") {
		t.Error("the public page lacks the note")
	}
}
