package server_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"html"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/guizhou-portal/portal/internal/server"
)

// newReply is a reply the portal does not have: a header from another site,
// a Chinese-numeral date, an inline sub-item, a percentage, a document cited
// that the portal does not know, and a name it knows (铜仁市).
const newReply = `发文字号:黔某提复字〔2024〕7号
关于省政协某号提案的答复
贵州省政协:
你们提出的《关于加快锰产业发展的提案》收悉。现答复如下:
一、关于锰矿开发
(一)资源勘查。2023年,铜仁市完成锰矿勘查项目12个,投入资金3.5亿元。(二)精深加工。下一步,将推动高纯锰材料产能提升20%。
二、关于产业配套
印发了《贵州省锰产业高质量发展实施方案》,正在建设电池材料项目5个。
贵州省某某厅
二〇二四年三月五日
`

// upload posts the import form as a browser does, with the text as a file.
func upload(t *testing.T, c *http.Client, u, filename, text string, header ...string) response {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("file", filename)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write([]byte(text))
	mw.WriteField("text", "")
	mw.Close()
	req, err := http.NewRequest(http.MethodPost, u, &body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return send(t, c, req)
}

// postMultipart posts fields as multipart/form-data, as the confirmation form does.
func postMultipart(t *testing.T, c *http.Client, u string, form url.Values) response {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, vs := range form {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	mw.Close()
	req, err := http.NewRequest(http.MethodPost, u, &body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return send(t, c, req)
}

var hiddenField = regexp.MustCompile(`<input type="hidden" name="([a-z]+)" value="([^"]*)"`)

// confirmForm is the review page's confirmation form as a browser sends it
// back: every line break of the hidden text becomes \r\n.
func confirmForm(t *testing.T, page string) url.Values {
	t.Helper()
	form := url.Values{}
	for _, m := range hiddenField.FindAllStringSubmatch(page, -1) {
		form.Set(m[1], strings.ReplaceAll(html.UnescapeString(m[2]), "\n", "\r\n"))
	}
	if form.Get("confirm") != "1" || form.Get("text") == "" || len(form.Get("sum")) != 64 {
		t.Fatalf("no confirmation form in the review page: %v", form)
	}
	return form
}

func TestImportPageReviewsThenSaves(t *testing.T) {
	p := newTestPortal(t, withStaff())
	base, pool := p.URL, p.Pool
	docs := func() int { return scalar[int](t, pool, `SELECT count(*) FROM documents`) }
	before := docs()

	// The public cannot reach the page, nor post to it.
	public := loggedIn(t, base, "")
	if r := request(t, public, "GET", base+"/documents/import", nil); r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/login") {
		t.Errorf("public GET: %d %s", r.status, r.header.Get("Location"))
	}
	if r := upload(t, public, base+"/documents/import", "reply.txt", newReply); r.status != http.StatusUnauthorized {
		t.Errorf("public POST: %d", r.status)
	}
	if r := request(t, public, "GET", base+"/", nil); strings.Contains(r.body, `href="/documents/import"`) {
		t.Error("the public sees the import link")
	}

	editor := loggedIn(t, base, editorEmail)
	if r := request(t, editor, "GET", base+"/", nil); !strings.Contains(r.body, `href="/documents/import"`) {
		t.Error("the staff navigation lacks the import link")
	}
	if r := request(t, editor, "GET", base+"/documents/import", nil); r.status != http.StatusOK || !strings.Contains(r.body, `enctype="multipart/form-data"`) {
		t.Errorf("form: %d", r.status)
	}

	// Review: everything parsed is shown, nothing is saved.
	r := upload(t, editor, base+"/documents/import", "reply.txt", newReply)
	if r.status != http.StatusOK {
		t.Fatalf("review: %d\n%s", r.status, r.body)
	}
	for _, want := range []string{
		"确认后将新建文件（地址 /documents/reply-2024-7）", "黔某提复字〔2024〕7号", "关于省政协某号提案的答复", "2024-03-05",
		"一、关于锰矿开发", "(二)精深加工", "数字（4 处）", "<td>20%</td>", "<td>比例</td>", "3.5亿元",
		"《贵州省锰产业高质量发展实施方案》", "新文件", `href="/entities/tongren"`, "候选承诺", "将推动高纯锰材料产能提升20%", "确认导入",
	} {
		if !strings.Contains(r.body, want) {
			t.Errorf("review lacks %q", want)
		}
	}
	if i := strings.Index(r.body, "⟦"); i >= 0 {
		t.Errorf("review: untranslated message %s", r.body[i:min(len(r.body), i+40)])
	}
	if n := docs(); n != before {
		t.Fatalf("the review saved %d documents", n-before)
	}
	form := confirmForm(t, r.body)

	// A confirmation whose text is not the text reviewed is refused.
	bad := url.Values{"text": {form.Get("text") + "多一句。"}, "sum": {form.Get("sum")}, "confirm": {"1"}}
	if r := request(t, editor, "POST", base+"/documents/import", bad); r.status != http.StatusBadRequest || docs() != before {
		t.Errorf("mismatched sum: %d", r.status)
	}

	// Confirm: saved, in the editor's name, and the public page shows it.
	r = postMultipart(t, editor, base+"/documents/import", form)
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/documents/reply-2024-7" {
		t.Fatalf("confirm: %d %s\n%s", r.status, r.header.Get("Location"), r.body)
	}
	if n := docs(); n != before+3 { // the reply, the proposal it answers, the plan it cites
		t.Errorf("%d documents added, want 3", n-before)
	}
	if n := scalar[int](t, pool, `SELECT count(*) FROM audit_log WHERE action = 'document.import' AND actor_name = '李编辑'`); n != 1 {
		t.Errorf("%d audit records", n)
	}
	// Saved as a draft: the public sees nothing of it until an editor publishes it.
	if r := request(t, public, "GET", base+"/documents/reply-2024-7", nil); r.status != http.StatusNotFound {
		t.Errorf("the public sees the draft: %d", r.status)
	}
	if r := request(t, editor, "POST", base+"/documents/reply-2024-7/publish", url.Values{}); r.status != http.StatusSeeOther {
		t.Fatalf("publish: %d\n%s", r.status, r.body)
	}
	page := request(t, public, "GET", base+"/documents/reply-2024-7", nil)
	for _, want := range []string{"关于省政协某号提案的答复", "黔某提复字〔2024〕7号", "(一)资源勘查", "20%", `href="/entities/tongren"`} {
		if page.status != http.StatusOK || !strings.Contains(page.body, want) {
			t.Errorf("public page (%d) lacks %q", page.status, want)
		}
	}
	// The rest of the portal takes the new document in: no page fails over it.
	for _, p := range []string{"/", "/dashboard", "/commitments", "/documents/reply-2024-7.txt", "/documents/reply-2024-7/sections/s1-2",
		"/api/v1/documents/reply-2024-7", "/search?q=%E9%94%B0", "/entities/tongren", "/map", "/updates.atom"} {
		if r := request(t, public, "GET", base+p, nil); r.status != http.StatusOK {
			t.Errorf("%s: status %d", p, r.status)
		}
	}
	// Its percentage is a figure the API describes.
	api := request(t, public, "GET", base+"/api/v1/documents/reply-2024-7", nil)
	loadOpenAPI(t, base).validate(t, "/api/v1/documents/{slug}", api)
	if !strings.Contains(api.body, `"base_unit":"percent"`) {
		t.Error("the API lacks the percentage")
	}
	if r := request(t, public, "GET", base+"/search?q=%E9%94%B0", nil); !strings.Contains(r.body, "reply-2024-7") {
		t.Error("search does not find the imported reply")
	}
	if r := request(t, editor, "GET", base+"/changes", nil); !strings.Contains(r.body, "导入文件") ||
		!strings.Contains(r.body, `<a href="/documents/reply-2024-7">关于省政协某号提案的答复</a>`) {
		t.Error("recent changes do not list the import")
	}

	// The same text again is an update of that document, found by its 文号, in English too.
	r = upload(t, editor, base+"/documents/import", "reply.txt", newReply, "Accept-Language", "en")
	if r.status != http.StatusOK || !strings.Contains(r.body, "Confirming updates an existing document (matched by 文号 (document number))") ||
		!strings.Contains(r.body, "Confirm and update") || strings.Contains(r.body, "⟦") {
		t.Errorf("re-import review (%d):\n%s", r.status, r.body)
	}
	r = request(t, editor, "POST", base+"/documents/import", confirmForm(t, r.body))
	if r.status != http.StatusSeeOther || docs() != before+3 {
		t.Errorf("re-import: %d, %d documents added", r.status, docs()-before)
	}
}

func TestImportPageRefusesWhatItCannotSave(t *testing.T) {
	p := newTestPortal(t, withStaff())
	base, pool := p.URL, p.Pool
	rows := func() int {
		return scalar[int](t, pool, `SELECT (SELECT count(*) FROM documents) + (SELECT count(*) FROM paragraphs) + (SELECT count(*) FROM audit_log)`)
	}
	before := rows()
	editor := loggedIn(t, base, editorEmail)

	// Unparseable: the line at fault, 422, the text kept in the form.
	r := request(t, editor, "POST", base+"/documents/import", url.Values{"text": {"答复\n各位:\n一、甲\n三、丙\n"}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "第 4 行：章节编号不连续") || !strings.Contains(r.body, "三、丙") {
		t.Errorf("parse error: %d\n%s", r.status, r.body)
	}
	if r := request(t, editor, "POST", base+"/documents/import", url.Values{"text": {"  "}}); r.status != http.StatusUnprocessableEntity {
		t.Errorf("empty: %d", r.status)
	}
	// Too large: 413.
	if r := request(t, editor, "POST", base+"/documents/import", url.Values{"text": {strings.Repeat("锂", 400_000)}}); r.status != http.StatusRequestEntityTooLarge {
		t.Errorf("too large: %d", r.status)
	}
	// From another site: 403, whatever the session.
	if r := request(t, editor, "POST", base+"/documents/import", url.Values{"text": {newReply}}, "Sec-Fetch-Site", "cross-site"); r.status != http.StatusForbidden {
		t.Errorf("cross-site: %d", r.status)
	}
	// A reply that matches two documents (one title, no 文号): 409, no confirmation.
	// (A new text of the seeded reply that changes commitments' words is a
	// new version now: see document_version_test.go.)
	changed := strings.Replace(newReply, "发文字号:黔某提复字〔2024〕7号\n", "", 1)
	if _, err := pool.Exec(context.Background(), `INSERT INTO documents (slug, kind, title) VALUES ('same-1', 'reply', $1), ('same-2', 'reply', $1)`,
		"关于省政协某号提案的答复"); err != nil {
		t.Fatal(err)
	}
	before = rows()
	r = upload(t, editor, base+"/documents/import", "changed.txt", changed)
	if r.status != http.StatusConflict || !strings.Contains(r.body, "changed.txt：“关于省政协某号提案的答复”与已有的 2 份文件相同") || strings.Contains(r.body, `name="confirm"`) {
		t.Errorf("refusal: %d\n%s", r.status, r.body)
	}
	// Confirming it anyway is refused the same way.
	form := url.Values{"text": {changed}, "confirm": {"1"}}
	form.Set("sum", sha256hex(changed))
	if r := request(t, editor, "POST", base+"/documents/import", form); r.status != http.StatusConflict {
		t.Errorf("forced confirm: %d", r.status)
	}
	if n := rows(); n != before {
		t.Errorf("%d rows saved", n-before)
	}
}

func sha256hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// Every field of the import form may carry bytes no browser sends: a NUL or
// other control character in the hidden name (which reaches the audit
// record's JSON), the file's name, the sum or the confirm flag. None of them
// gives a 500; a name's control characters are dropped, since the name is
// only a label.
func TestImportFormFieldsWithControlCharacters(t *testing.T) {
	p := newTestPortal(t, withStaff())
	base, pool := p.URL, p.Pool
	editor := loggedIn(t, base, editorEmail)
	sum := sha256hex(newReply)
	for _, tc := range []struct {
		name   string
		form   url.Values
		status int
	}{
		{"NUL in the name, reviewed", url.Values{"text": {newReply}, "name": {"a\x00b.txt"}}, http.StatusOK},
		{"controls in the name, confirmed", url.Values{"text": {newReply}, "name": {"\x00\x01\x1b[31m\u0085x.txt\x7f"}, "sum": {sum}, "confirm": {"1"}}, http.StatusSeeOther},
		{"only a NUL as the name", url.Values{"text": {newReply}, "name": {"\x00"}, "sum": {sum}, "confirm": {"1"}}, http.StatusSeeOther},
		{"NUL in the sum", url.Values{"text": {newReply}, "sum": {sum[:63] + "\x00"}, "confirm": {"1"}}, http.StatusBadRequest},
		{"NUL in confirm", url.Values{"text": {newReply}, "confirm": {"1\x00"}}, http.StatusOK},
		{"NUL in the text", url.Values{"text": {"答复\n各位:\n收\x00悉。\n"}}, http.StatusUnprocessableEntity},
		{"invalid UTF-8 in the name", url.Values{"text": {newReply}, "name": {"\xff\xfe.txt"}}, http.StatusOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, send := range []func(*testing.T, *http.Client, string, url.Values) response{
				func(t *testing.T, c *http.Client, u string, f url.Values) response {
					return request(t, c, "POST", u, f)
				},
				postMultipart,
			} {
				if r := send(t, editor, base+"/documents/import", tc.form); r.status != tc.status {
					t.Errorf("status %d, want %d\n%.600s", r.status, tc.status, r.body)
				}
			}
		})
	}
	// The uploaded file's own name, as a client may send it.
	r := upload(t, editor, base+"/documents/import", "re\x00ply\x07.txt", newReply)
	if r.status != http.StatusOK && r.status != http.StatusBadRequest || strings.Contains(r.body, "\x00") || strings.Contains(r.body, "\x07") {
		t.Errorf("file name with controls: %d", r.status)
	}
	// What the audit records keep as the file's name has no control characters.
	if n := scalar[int](t, pool, `SELECT count(*) FROM audit_log WHERE action LIKE 'document.%' AND detail::text ~ '\\u00[01][0-9a-f]|\\u007f'`); n != 0 {
		t.Errorf("%d audit records keep control characters", n)
	}
	if n := scalar[int](t, pool, `SELECT count(*) FROM audit_log WHERE action LIKE 'document.%'`); n == 0 {
		t.Error("nothing was saved")
	}
}

// A text refused for its control characters comes back in the form without
// them: a NUL or an escape byte in a textarea is not something a browser
// shows or sends back faithfully. The message still names the line.
func TestImportFormDoesNotEchoControlCharacters(t *testing.T) {
	base := newTestPortal(t, withStaff()).URL
	editor := loggedIn(t, base, editorEmail)
	r := request(t, editor, "POST", base+"/documents/import", url.Values{"text": {"答复\n各位:\n收\x00悉\x1b[31m。\u0085\x7f\t完\r\n"}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "第 3 行：") || !strings.Contains(r.body, "U+0000") {
		t.Fatalf("status %d\n%s", r.status, r.body)
	}
	if i := strings.IndexFunc(r.body, func(c rune) bool { return c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c >= 0x7f && c <= 0x9f }); i >= 0 {
		t.Errorf("the page echoes %q", r.body[max(0, i-20):min(len(r.body), i+20)])
	}
	if !strings.Contains(r.body, "收悉[31m。\t完\n</textarea>") {
		t.Errorf("the text is not kept in the form:\n%s", r.body)
	}
}

// An import's review and confirmation have a longer deadline than other
// requests (they parse and write a whole reply, and may wait for another
// import first); one that runs past it (here waiting for the import lock,
// which the test holds as a long import would) gives the friendly 503 page
// with Retry-After, for the review and the confirmation alike, and saves
// nothing.
func TestImportPastTheDeadlineGives503(t *testing.T) {
	p := newTestPortal(t, withStaff(), withOptions(server.Options{RequestTimeout: time.Second, ImportTimeout: 3 * time.Second}))
	base, pool := p.URL, p.Pool
	ctx := context.Background()
	editor := loggedIn(t, base, editorEmail)
	before := scalar[int](t, pool, `SELECT count(*) FROM documents`)
	holdLock := func() pgx.Tx {
		tx, err := pool.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { tx.Rollback(ctx) })
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('portal import'))`); err != nil {
			t.Fatal(err)
		}
		return tx
	}

	// Waiting longer than other requests may: reviewed.
	tx := holdLock()
	time.AfterFunc(1500*time.Millisecond, func() { tx.Rollback(ctx) })
	if r := upload(t, editor, base+"/documents/import", "reply.txt", newReply); r.status != http.StatusOK {
		t.Errorf("an import that waited 1.5 s: %d", r.status)
	}

	// Waiting longer than an import may: 503.
	tx = holdLock()
	for name, form := range map[string]url.Values{
		"review":  {"text": {newReply}},
		"confirm": {"text": {newReply}, "sum": {sha256hex(newReply)}, "confirm": {"1"}},
	} {
		start := time.Now()
		r := postMultipart(t, editor, base+"/documents/import", form)
		if r.status != http.StatusServiceUnavailable || r.header.Get("Retry-After") == "" || !strings.Contains(r.body, "服务暂时不可用") {
			t.Errorf("%s under a held import lock: %d, Retry-After %q\n%.300s", name, r.status, r.header.Get("Retry-After"), r.body)
		}
		if took := time.Since(start); took < 3*time.Second || took > 8*time.Second {
			t.Errorf("%s answered after %s", name, took)
		}
	}
	tx.Rollback(ctx)
	if n := scalar[int](t, pool, `SELECT count(*) FROM documents`); n != before {
		t.Errorf("%d documents saved", n-before)
	}
	if r := upload(t, editor, base+"/documents/import", "reply.txt", newReply); r.status != http.StatusOK {
		t.Errorf("after the lock: %d", r.status)
	}
}

// A text the review accepts can be confirmed: the confirmation posts the
// text back with every line break as \r\n, and must still fit under the
// portal's cap on a request body. The page takes texts up to 200 KB counted
// that way (the seed's page is 15 KB; a reply of 200 KB reviews in a few
// seconds, well within the request deadline); a longer one gets 413 and a
// message pointing to the command line, before any work is done.
func TestImportPageCapFitsTheConfirmation(t *testing.T) {
	p := newTestPortal(t, withStaff())
	base, pool := p.URL, p.Pool
	editor := loggedIn(t, base, editorEmail)
	before := scalar[int](t, pool, `SELECT count(*) FROM documents`)
	// Short lines, so that \r\n makes the confirmation larger than the upload.
	body := strings.Repeat("已完成。\n", 240<<10/len("已完成。\n"))
	long := strings.Replace(newReply, "二、关于产业配套\n", "二、关于产业配套\n"+body, 1)
	r := upload(t, editor, base+"/documents/import", "long.txt", long)
	if r.status == http.StatusOK {
		if c := postMultipart(t, editor, base+"/documents/import", confirmForm(t, r.body)); c.status != http.StatusSeeOther {
			t.Errorf("reviewed, but the confirmation got %d", c.status)
		}
	} else if r.status != http.StatusRequestEntityTooLarge || !strings.Contains(r.body, "200 KB") || !strings.Contains(r.body, "portal import") {
		t.Errorf("review of %d KB: %d\n%.400s", len(long)>>10, r.status, r.body)
	}
	// Too large for the body cap itself: the same message.
	r = upload(t, editor, base+"/documents/import", "huge.txt", strings.Repeat(long, 2))
	if r.status != http.StatusRequestEntityTooLarge || !strings.Contains(r.body, "portal import") {
		t.Errorf("review of %d KB: %d", 2*len(long)>>10, r.status)
	}
	// Just under the cap, in long paragraphs: reviewed and confirmed.
	para := strings.Repeat("已完成项目建设。", 100) + "\n"
	fits := strings.Replace(newReply, "二、关于产业配套\n", "二、关于产业配套\n"+strings.Repeat(para, 190<<10/len(para)), 1)
	r = upload(t, editor, base+"/documents/import", "fits.txt", fits)
	if r.status != http.StatusOK {
		t.Fatalf("review of %d KB: %d\n%.400s", len(fits)>>10, r.status, r.body)
	}
	if c := postMultipart(t, editor, base+"/documents/import", confirmForm(t, r.body)); c.status != http.StatusSeeOther {
		t.Errorf("confirmation of %d KB: %d", len(fits)>>10, c.status)
	}
	if n := scalar[int](t, pool, `SELECT count(*) FROM documents`); n-before != 3 {
		t.Errorf("%d documents added, want 3 (the reply, the proposal, the plan)", n-before)
	}
	if r := request(t, editor, "GET", base+"/documents/import", nil); !strings.Contains(r.body, "200 KB") {
		t.Error("the form does not say how large a text may be")
	}
}

// TestImportPageRefusesAStaleReview confirms a review that promised a new
// document after another editor imported the same reply: nothing is saved
// and the review is shown again, made afresh, with 409 (the confirmation
// used to update silently). Confirming that fresh review of an unchanged
// text writes nothing, not even an audit record.
func TestImportPageRefusesAStaleReview(t *testing.T) {
	p := newTestPortal(t, withStaff())
	base, pool := p.URL, p.Pool
	editor := loggedIn(t, base, editorEmail)
	r := upload(t, editor, base+"/documents/import", "reply.txt", newReply)
	if r.status != http.StatusOK {
		t.Fatalf("review: %d", r.status)
	}
	first := confirmForm(t, r.body)
	if first.Get("expectdoc") != "0" {
		t.Errorf("the confirmation promises document %q", first.Get("expectdoc"))
	}
	second := upload(t, editor, base+"/documents/import", "reply.txt", newReply)
	if r := postMultipart(t, editor, base+"/documents/import", confirmForm(t, second.body)); r.status != http.StatusSeeOther {
		t.Fatalf("the other confirmation: %d", r.status)
	}
	audits := scalar[int](t, pool, `SELECT count(*) FROM audit_log`)
	r = postMultipart(t, editor, base+"/documents/import", first)
	if r.status != http.StatusConflict || !strings.Contains(r.body, "审阅之后，门户里的文件已有变动") ||
		!strings.Contains(r.body, `id="import-unchanged"`) || strings.Contains(r.body, "⟦") {
		t.Fatalf("stale confirmation: %d\n%s", r.status, r.body)
	}
	fresh := confirmForm(t, r.body)
	if fresh.Get("expectdoc") == "0" || fresh.Get("expectstate") == "" {
		t.Errorf("the fresh review promises %v", fresh)
	}
	if r := postMultipart(t, editor, base+"/documents/import", fresh); r.status != http.StatusSeeOther || r.header.Get("Location") != "/documents/reply-2024-7" {
		t.Errorf("fresh confirmation: %d %s", r.status, r.header.Get("Location"))
	}
	if n := scalar[int](t, pool, `SELECT count(*) FROM audit_log`); n != audits {
		t.Errorf("%d audit records added", n-audits)
	}
	if n := scalar[int](t, pool, `SELECT count(*) FROM documents WHERE kind = 'reply' AND NOT synthetic`); n != 2 {
		t.Errorf("%d replies", n)
	}
}

// TestImportPageListsWhatWouldBeLost reviews a new text of the seeded reply
// in which a figure's words are gone (a figure whose number changed keeps
// its measure): the review names the figure whose written measure would not
// be kept, before anything is saved.
func TestImportPageListsWhatWouldBeLost(t *testing.T) {
	p := newTestPortal(t, withStaff())
	base, pool := p.URL, p.Pool
	if _, err := pool.Exec(t.Context(), `DELETE FROM commitments WHERE quote LIKE '%39932.82万元%'`); err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("../../testdata/000_ddc10b41889c9f4f.txt")
	if err != nil {
		t.Fatal(err)
	}
	editor := loggedIn(t, base, editorEmail)
	r := upload(t, editor, base+"/documents/import", "changed.txt", strings.Replace(string(src), "39932.82万元", "一笔资金", 1))
	if r.status != http.StatusOK || !strings.Contains(r.body, `id="import-losses"`) || !strings.Contains(r.body, "将不再保留：39932.82万元") {
		t.Errorf("review (%d) does not list the lost measure", r.status)
	}
}

// TestImportRefusesATitleOfAnotherReply uploads the seed's text under the
// second reply's 文号: it matches that reply by 文号 but the seed by title,
// and saving would rename the one to the other's title. Refused with 409,
// at the review already, nothing saved.
func TestImportRefusesATitleOfAnotherReply(t *testing.T) {
	p := newTestPortal(t, withStaff())
	addSecondReply(t, p)
	editor := loggedIn(t, p.URL, editorEmail)
	text := strings.Replace(seedText(t), "黔工信提复字〔2023〕4号", "黔工信提复字〔2024〕7号", 1)
	text = strings.Replace(text, "000014349/2023-2692872", "", 1)
	titles := func() string {
		return scalar[string](t, p.Pool, `SELECT string_agg(title, '|' ORDER BY id) FROM documents WHERE kind = 'reply'`)
	}
	before := titles()
	r := upload(t, editor, p.URL+"/documents/import", "clash.txt", text)
	if r.status != http.StatusConflict || !strings.Contains(r.body, "标题与另一份答复") {
		t.Fatalf("review: %d, want 409 naming the clash\n%.2000s", r.status, r.body)
	}
	if got := titles(); got != before {
		t.Errorf("titles changed: %q, were %q", got, before)
	}
	// A new title of its own under the seed's 文号: the review says the
	// title will change, old and new.
	const title = "省工业和信息化厅关于省政协十三届一次会议第1019号提案的答复"
	r = upload(t, editor, p.URL+"/documents/import", "retitled.txt", strings.ReplaceAll(seedText(t), title, title+"(更正)"))
	if want := "文件标题将由《" + title + "》改为《" + title + "(更正)》"; r.status != http.StatusOK || !strings.Contains(r.body, `id="import-retitle"`) ||
		!strings.Contains(r.body, want) {
		t.Errorf("review of a new title: %d, does not say %q", r.status, want)
	}
}
