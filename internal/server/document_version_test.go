package server_test

import (
	"html"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/guizhou-portal/portal/internal/anchor"
)

// seedText is the seed's page, as published.
func seedText(t *testing.T) string {
	t.Helper()
	src, err := os.ReadFile("../../testdata/000_ddc10b41889c9f4f.txt")
	if err != nil {
		t.Fatal(err)
	}
	return string(src)
}

// marked lists the texts of the <del> or <ins> elements (tag) in the page
// after its element with id diff.
func marked(page, tag string) []string {
	_, page, _ = strings.Cut(page, `id="diff"`)
	var out []string
	for _, m := range regexp.MustCompile(`<`+tag+`>([^<]*)</`+tag+`>`).FindAllStringSubmatch(page, -1) {
		out = append(out, html.UnescapeString(m[1]))
	}
	return out
}

// TestCorrectedSeedThroughTheImportPage imports the seed's page corrected
// (710人 → 1200人, 388.7 → 390.1) through the staff page: the review says it
// becomes version 2 and lists, before anything is saved, the two
// commitments whose words change, old and new; saving keeps all 51 and
// leads to the list to check, where one click confirms each. The versions
// are public: the list, version 1 as it stood under its banner, and the
// diff holding exactly the two corrections, marked in words. Bad version
// numbers are 400, missing ones 404; the same text again changes nothing.
func TestCorrectedSeedThroughTheImportPage(t *testing.T) {
	p := newTestPortal(t, withStaff())
	base, pool := p.URL, p.Pool
	editor, public := loggedIn(t, base, editorEmail), loggedIn(t, base, "")
	changed := scalar[[]int64](t, pool, `SELECT array_agg(id ORDER BY id) FROM commitments WHERE quote LIKE '%710人%' OR quote LIKE '%388.7%'`)
	text := strings.Replace(strings.Replace(seedText(t), "710人", "1200人", 1), "388.7", "390.1", 1)
	versions := func() int {
		return scalar[int](t, pool, `SELECT count(*) FROM document_versions v JOIN documents d ON d.id = v.document_id WHERE d.slug = $1`, replySlug)
	}

	r := upload(t, editor, base+"/documents/import", "corrected.txt", text)
	if r.status != http.StatusOK || !strings.Contains(r.body, `id="import-version"`) || !strings.Contains(r.body, "第 2 版") ||
		!strings.Contains(r.body, "原文有改动的承诺 2 条") {
		t.Fatalf("review: %d\n%s", r.status, r.body)
	}
	for _, id := range changed {
		if !strings.Contains(r.body, `href="/commitments/`+strconv.FormatInt(id, 10)+`"`) {
			t.Errorf("the review does not list commitment %d", id)
		}
	}
	_, listed, _ := strings.Cut(r.body, `id="import-reanchored"`)
	if dels, inss := strings.Join(marked(`id="diff"`+listed, "del"), "|"), strings.Join(marked(`id="diff"`+listed, "ins"), "|"); !strings.Contains(dels, "710人") ||
		!strings.Contains(dels, "388.7") || !strings.Contains(inss, "1200人") || !strings.Contains(inss, "390.1") {
		t.Errorf("the review's old and new words: %q / %q", dels, inss)
	}
	if versions() != 1 {
		t.Fatal("the review saved a version")
	}
	r = postMultipart(t, editor, base+"/documents/import", confirmForm(t, r.body))
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/documents/"+replySlug+"/anchors" {
		t.Fatalf("confirm: %d %s\n%s", r.status, r.header.Get("Location"), r.body)
	}
	if n := scalar[int](t, pool, `SELECT count(*) FROM commitments c JOIN documents d ON d.id = c.document_id WHERE d.slug = $1`, replySlug); n != 51 || versions() != 2 {
		t.Errorf("%d commitments, %d versions", n, versions())
	}

	// The list to check: staff only, both listed, one click confirms each.
	if r := request(t, public, "GET", base+"/documents/"+replySlug+"/anchors", nil); r.status != http.StatusSeeOther {
		t.Errorf("public list to check: %d", r.status)
	}
	r = request(t, editor, "GET", base+"/documents/"+replySlug+"/anchors", nil)
	if r.status != http.StatusOK || strings.Count(r.body, "/anchor/confirm") != 2 {
		t.Errorf("list to check: %d\n%s", r.status, r.body)
	}
	confirm := base + "/commitments/" + strconv.FormatInt(changed[0], 10) + "/anchor/confirm"
	if r := request(t, public, "POST", confirm, url.Values{}); r.status != http.StatusUnauthorized {
		t.Errorf("public confirm: %d", r.status)
	}
	if r := request(t, editor, "POST", confirm, url.Values{}); r.status != http.StatusSeeOther {
		t.Errorf("confirm: %d\n%s", r.status, r.body)
	}
	if r := request(t, editor, "POST", confirm, url.Values{}); r.status != http.StatusConflict {
		t.Errorf("confirm again: %d", r.status)
	}
	if n := scalar[int](t, pool, `SELECT count(*) FROM audit_log a JOIN users u ON u.id = a.actor_id WHERE a.action = 'commitment.anchor_confirm'
		AND a.subject_id = $1 AND u.email = $2`, changed[0], editorEmail); n != 1 {
		t.Errorf("%d confirmation records", n)
	}
	if r := request(t, editor, "GET", base+"/documents/"+replySlug+"/anchors", nil); strings.Count(r.body, "/anchor/confirm") != 1 {
		t.Error("the confirmed commitment is still listed")
	}
	// The one not yet confirmed says so on its page, with its words before
	// (previous_quote): the public never sees words staff did not confirm.
	before := scalar[string](t, pool, `SELECT previous_quote FROM commitments WHERE id = $1`, changed[1])
	if r := request(t, public, "GET", base+"/commitments/"+strconv.FormatInt(changed[1], 10), nil); !strings.Contains(r.body, `id="anchor-review"`) ||
		!strings.Contains(r.body, "原文已修改，工作人员正在核对") || !strings.Contains(r.body, before) || len(marked(r.body, "del")) != 0 {
		t.Error("the re-anchored commitment's page does not say so")
	}
	if r := request(t, public, "GET", base+"/commitments/"+strconv.FormatInt(changed[0], 10), nil); strings.Contains(r.body, `id="anchor-review"`) {
		t.Error("the confirmed commitment's page still says it is to be confirmed")
	}

	// The versions, public: number and date; who imported each and the
	// uploaded file's name (the client's) only for staff.
	r = request(t, public, "GET", base+"/documents/"+replySlug+"/versions", nil)
	if r.status != http.StatusOK || !strings.Contains(r.body, "第 1 版") || !strings.Contains(r.body, "第 2 版") || strings.Contains(r.body, "李编辑") ||
		strings.Contains(r.body, "corrected.txt") || !strings.Contains(r.body, "/diff?from=1&amp;to=2") {
		t.Errorf("versions: %d\n%s", r.status, r.body)
	}
	if r := request(t, editor, "GET", base+"/documents/"+replySlug+"/versions", nil); !strings.Contains(r.body, "李编辑") || !strings.Contains(r.body, "corrected.txt") {
		t.Error("staff do not see who imported the version and its file")
	}
	if r := request(t, public, "GET", base+"/documents/"+replySlug, nil); !strings.Contains(r.body, `href="/documents/`+replySlug+`/versions"`) {
		t.Error("the document does not link to its versions")
	}
	r = request(t, public, "GET", base+"/documents/"+replySlug+"/versions/1", nil)
	if r.status != http.StatusOK || !strings.Contains(r.body, "这是第1版，现行版本为第2版。") || !strings.Contains(r.body, "710人") || strings.Contains(r.body, "1200人") {
		t.Errorf("version 1: %d", r.status)
	}
	r = request(t, public, "GET", base+"/documents/"+replySlug+"/versions/2", nil)
	if r.status != http.StatusOK || !strings.Contains(r.body, "这是第2版，即现行版本。") || !strings.Contains(r.body, "1200人") {
		t.Errorf("version 2: %d", r.status)
	}
	r = request(t, public, "GET", base+"/documents/"+replySlug+"/diff?from=1&to=2", nil)
	if dels, inss := marked(r.body, "del"), marked(r.body, "ins"); r.status != http.StatusOK || !slices.Equal(dels, []string{"388.7", "710"}) ||
		!slices.Equal(inss, []string{"390.1", "1200"}) {
		t.Errorf("diff: %d, deleted %q, inserted %q", r.status, dels, inss)
	}
	if !strings.Contains(r.body, `id="diff-legend"`) || !strings.Contains(r.body, "[删：") || !strings.Contains(r.body, "[增：") {
		t.Error("the diff lacks its legend or its marks in words")
	}
	if r := request(t, public, "GET", base+"/documents/"+replySlug+"/diff?from=2&to=2", nil); r.status != http.StatusOK || !strings.Contains(r.body, "两版文本相同") {
		t.Errorf("diff of a version with itself: %d", r.status)
	}
	for u, want := range map[string]int{
		"/diff":                       http.StatusBadRequest,
		"/diff?from=1":                http.StatusBadRequest,
		"/diff?from=x&to=2":           http.StatusBadRequest,
		"/diff?from=0&to=2":           http.StatusBadRequest,
		"/diff?from=-1&to=2":          http.StatusBadRequest,
		"/diff?from=01&to=2":          http.StatusBadRequest,
		"/diff?from=1&to=2&to=3":      http.StatusBadRequest,
		"/diff?from=1&to=99999999999": http.StatusBadRequest,
		"/diff?from=1&to=3":           http.StatusNotFound,
		"/versions/0":                 http.StatusBadRequest,
		"/versions/abc":               http.StatusBadRequest,
		"/versions/3":                 http.StatusNotFound,
	} {
		r := request(t, public, "GET", base+"/documents/"+replySlug+u, nil)
		if r.status != want || !strings.Contains(r.body, "版") {
			t.Errorf("%s: %d, want %d with a message\n%.300s", u, r.status, want, r.body)
		}
	}
	if r := request(t, public, "GET", base+"/documents/no-such-doc/versions", nil); r.status != http.StatusNotFound {
		t.Errorf("versions of no document: %d", r.status)
	}

	// The same text again: the review says so, saving makes no version.
	r = upload(t, editor, base+"/documents/import", "corrected.txt", text)
	if !strings.Contains(r.body, `id="import-unchanged"`) || strings.Contains(r.body, `id="import-version"`) {
		t.Errorf("review of the same text:\n%s", r.body)
	}
	if r := postMultipart(t, editor, base+"/documents/import", confirmForm(t, r.body)); r.status != http.StatusSeeOther || versions() != 2 {
		t.Errorf("the same text again: %d, %d versions", r.status, versions())
	}
}

// TestUnplacedCommitmentPinnedAgainByHand deletes a commitment's words: the
// review lists it as kept but unplaced, and staff pin it again through the
// form, which refuses words not in the paragraph with 422, the input kept,
// and nothing saved.
func TestUnplacedCommitmentPinnedAgainByHand(t *testing.T) {
	p := newTestPortal(t, withStaff())
	base, pool := p.URL, p.Pool
	editor := loggedIn(t, base, editorEmail)
	const quote = "推动新能源电池及材料产业与磷化工产业融合,打造千亿级磷化工产业园区"
	id := scalar[int64](t, pool, `SELECT id FROM commitments WHERE quote = $1`, quote)
	r := upload(t, editor, base+"/documents/import", "deleted.txt", strings.Replace(seedText(t), quote, "", 1))
	if r.status != http.StatusOK || !strings.Contains(r.body, `id="import-unplaced"`) || !strings.Contains(r.body, quote) {
		t.Fatalf("review: %d\n%s", r.status, r.body)
	}
	if r := postMultipart(t, editor, base+"/documents/import", confirmForm(t, r.body)); r.status != http.StatusSeeOther {
		t.Fatalf("confirm: %d", r.status)
	}
	if n := scalar[int](t, pool, `SELECT count(*) FROM commitments`); n != 51 {
		t.Errorf("%d commitments", n)
	}
	if r := request(t, editor, "GET", base+"/documents/"+replySlug+"/anchors", nil); !strings.Contains(r.body, `id="anchors-unplaced"`) || !strings.Contains(r.body, quote) {
		t.Error("the list to check lacks the unplaced commitment")
	}
	// Its page still shows, with its words and why they are not marked.
	if r := request(t, nil, "GET", base+"/commitments/"+strconv.FormatInt(id, 10), nil); r.status != http.StatusOK ||
		!strings.Contains(r.body, `id="anchor-review"`) || !strings.Contains(r.body, quote) || strings.Contains(r.body, "<mark>") {
		t.Errorf("its page: %d", r.status)
	}
	form := base + "/commitments/" + strconv.FormatInt(id, 10) + "/anchor"
	if r := request(t, editor, "GET", form, nil); r.status != http.StatusOK || !strings.Contains(r.body, quote) {
		t.Errorf("form: %d", r.status)
	}
	audits := scalar[int](t, pool, `SELECT count(*) FROM audit_log`)
	seq := scalar[int](t, pool, `SELECT p.seq FROM commitments c JOIN paragraphs p ON p.id = c.paragraph_id WHERE c.id = $1`, id)
	for _, bad := range []url.Values{
		{"paragraph": {strconv.Itoa(seq)}, "quote": {"不在这一段的话"}},
		{"paragraph": {"99999"}, "quote": {"磷化工"}},
		{"paragraph": {"x"}, "quote": {""}},
	} {
		r := request(t, editor, "POST", form, bad)
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, html.EscapeString(bad.Get("quote"))) {
			t.Errorf("%v: %d\n%.400s", bad, r.status, r.body)
		}
	}
	if n := scalar[int](t, pool, `SELECT count(*) FROM audit_log`); n != audits {
		t.Error("a refused re-pinning saved something")
	}
	// Words of its paragraph that no other commitment holds, as staff would pick.
	para := scalar[string](t, pool, `SELECT p.text FROM commitments c JOIN paragraphs p ON p.id = c.paragraph_id WHERE c.id = $1`, id)
	spans := scalar[[][]int32](t, pool, `SELECT coalesce(array_agg(ARRAY[o.start_offset, o.end_offset]), '{}') FROM commitments c
		JOIN commitments o ON o.paragraph_id = c.paragraph_id AND o.id <> c.id AND o.withdrawn_at IS NULL WHERE c.id = $1`, id)
	var taken []anchor.Taken
	for _, sp := range spans {
		taken = append(taken, anchor.Taken{Span: anchor.Span{Start: int(sp[0]), End: int(sp[1])}})
	}
	free := ""
	for runes, i := []rune(para), 0; i+8 <= len(runes) && free == ""; i++ {
		if _, err := anchor.Locate(para, string(runes[i:i+8]), taken); err == nil {
			free = string(runes[i : i+8])
		}
	}
	r = request(t, editor, "POST", form, url.Values{"paragraph": {strconv.Itoa(seq)}, "quote": {free}})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/documents/"+replySlug+"/anchors" {
		t.Fatalf("re-pin: %d\n%s", r.status, r.body)
	}
	if n := scalar[int](t, pool, `SELECT count(*) FROM commitments WHERE id = $1 AND quote = $2 AND anchor_review IS NULL`, id, free); n != 1 {
		t.Error("not pinned again")
	}
	if n := scalar[int](t, pool, `SELECT count(*) FROM audit_log WHERE action = 'commitment.repin' AND subject_id = $1`, id); n != 1 {
		t.Errorf("%d re-pinning records", n)
	}
}
