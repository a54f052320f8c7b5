package server_test

import (
	"bytes"
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
	base, pool := staffPortal(t, server.Options{})
	docs := func() int { return scalar[int](t, pool, `SELECT count(*) FROM documents`) }
	before := docs()

	// The public cannot reach the page, nor post to it.
	public := loggedIn(t, base, "")
	if r := fetch(t, public, base+"/documents/import"); r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/login") {
		t.Errorf("public GET: %d %s", r.status, r.header.Get("Location"))
	}
	if r := upload(t, public, base+"/documents/import", "reply.txt", newReply); r.status != http.StatusUnauthorized {
		t.Errorf("public POST: %d", r.status)
	}
	if r := fetch(t, public, base+"/"); strings.Contains(r.body, `href="/documents/import"`) {
		t.Error("the public sees the import link")
	}

	editor := loggedIn(t, base, editorEmail)
	if r := fetch(t, editor, base+"/"); !strings.Contains(r.body, `href="/documents/import"`) {
		t.Error("the staff navigation lacks the import link")
	}
	if r := fetch(t, editor, base+"/documents/import"); r.status != http.StatusOK || !strings.Contains(r.body, `enctype="multipart/form-data"`) {
		t.Errorf("form: %d", r.status)
	}

	// Review: everything parsed is shown, nothing is saved.
	r := upload(t, editor, base+"/documents/import", "reply.txt", newReply)
	if r.status != http.StatusOK {
		t.Fatalf("review: %d\n%s", r.status, r.body)
	}
	for _, want := range []string{
		"确认后将新建文件(地址 /documents/reply-2024-7)", "黔某提复字〔2024〕7号", "关于省政协某号提案的答复", "2024-03-05",
		"一、关于锰矿开发", "(二)精深加工", "数字(4 处)", "<td>20%</td>", "<td>比例</td>", "3.5亿元",
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
	if r := post(t, editor, base+"/documents/import", bad); r.status != http.StatusBadRequest || docs() != before {
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
	page := fetch(t, public, base+"/documents/reply-2024-7")
	for _, want := range []string{"关于省政协某号提案的答复", "黔某提复字〔2024〕7号", "(一)资源勘查", "20%", `href="/entities/tongren"`} {
		if page.status != http.StatusOK || !strings.Contains(page.body, want) {
			t.Errorf("public page (%d) lacks %q", page.status, want)
		}
	}
	// The rest of the portal takes the new document in: no page fails over it.
	for _, p := range []string{"/", "/dashboard", "/commitments", "/documents/reply-2024-7.txt", "/documents/reply-2024-7/sections/s1-2",
		"/api/v1/documents/reply-2024-7", "/search?q=%E9%94%B0", "/entities/tongren", "/map", "/updates.atom"} {
		if r := fetch(t, public, base+p); r.status != http.StatusOK {
			t.Errorf("%s: status %d", p, r.status)
		}
	}
	// Its percentage is a figure the API describes.
	api := fetch(t, public, base+"/api/v1/documents/reply-2024-7")
	loadOpenAPI(t, base).validate(t, "/api/v1/documents/{slug}", api)
	if !strings.Contains(api.body, `"base_unit":"percent"`) {
		t.Error("the API lacks the percentage")
	}
	if r := fetch(t, public, base+"/search?q=%E9%94%B0"); !strings.Contains(r.body, "reply-2024-7") {
		t.Error("search does not find the imported reply")
	}
	if r := fetch(t, editor, base+"/changes"); !strings.Contains(r.body, "导入文件") ||
		!strings.Contains(r.body, `<a href="/documents/reply-2024-7">关于省政协某号提案的答复</a>`) {
		t.Error("recent changes do not list the import")
	}

	// The same text again is an update of that document, found by its 文号, in English too.
	r = upload(t, editor, base+"/documents/import", "reply.txt", newReply, "Accept-Language", "en")
	if r.status != http.StatusOK || !strings.Contains(r.body, "Confirming updates an existing document (matched by 文号 (document number))") ||
		!strings.Contains(r.body, "Confirm and update") || strings.Contains(r.body, "⟦") {
		t.Errorf("re-import review (%d):\n%s", r.status, r.body)
	}
	r = post(t, editor, base+"/documents/import", confirmForm(t, r.body))
	if r.status != http.StatusSeeOther || docs() != before+3 {
		t.Errorf("re-import: %d, %d documents added", r.status, docs()-before)
	}
}

func TestImportPageRefusesWhatItCannotSave(t *testing.T) {
	base, pool := staffPortal(t, server.Options{})
	rows := func() int {
		return scalar[int](t, pool, `SELECT (SELECT count(*) FROM documents) + (SELECT count(*) FROM paragraphs) + (SELECT count(*) FROM audit_log)`)
	}
	before := rows()
	editor := loggedIn(t, base, editorEmail)

	// Unparseable: the line at fault, 422, the text kept in the form.
	r := post(t, editor, base+"/documents/import", url.Values{"text": {"答复\n各位:\n一、甲\n三、丙\n"}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "第 4 行:章节编号不连续") || !strings.Contains(r.body, "三、丙") {
		t.Errorf("parse error: %d\n%s", r.status, r.body)
	}
	if r := post(t, editor, base+"/documents/import", url.Values{"text": {"  "}}); r.status != http.StatusUnprocessableEntity {
		t.Errorf("empty: %d", r.status)
	}
	// Too large: 413.
	if r := post(t, editor, base+"/documents/import", url.Values{"text": {strings.Repeat("锂", 400_000)}}); r.status != http.StatusRequestEntityTooLarge {
		t.Errorf("too large: %d", r.status)
	}
	// From another site: 403, whatever the session.
	if r := post(t, editor, base+"/documents/import", url.Values{"text": {newReply}}, "Sec-Fetch-Site", "cross-site"); r.status != http.StatusForbidden {
		t.Errorf("cross-site: %d", r.status)
	}
	// A new text of the seeded reply that drops a commitment's words: 409, no confirmation.
	src, err := os.ReadFile("../../testdata/000_ddc10b41889c9f4f.txt")
	if err != nil {
		t.Fatal(err)
	}
	changed := strings.Replace(string(src), "打造千亿级磷化工产业园区", "打造磷化工产业园区", 1)
	r = upload(t, editor, base+"/documents/import", "changed.txt", changed)
	if r.status != http.StatusConflict || !strings.Contains(r.body, "changed.txt:承诺 3 的原文") || strings.Contains(r.body, `name="confirm"`) {
		t.Errorf("refusal: %d\n%s", r.status, r.body)
	}
	// Confirming it anyway is refused the same way.
	form := url.Values{"text": {changed}, "confirm": {"1"}}
	form.Set("sum", sha256hex(changed))
	if r := post(t, editor, base+"/documents/import", form); r.status != http.StatusConflict {
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

// TestImportPageRefusesAStaleReview confirms a review that promised a new
// document after another editor imported the same reply: nothing is saved
// and the review is shown again, made afresh, with 409 (the confirmation
// used to update silently). Confirming that fresh review of an unchanged
// text writes nothing, not even an audit record.
func TestImportPageRefusesAStaleReview(t *testing.T) {
	base, pool := staffPortal(t, server.Options{})
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
	if r.status != http.StatusConflict || !strings.Contains(r.body, "审阅之后,门户里的文件已有变动") ||
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
// in which a figure's words changed: the review names the figure whose
// written measure would not be kept, before anything is saved.
func TestImportPageListsWhatWouldBeLost(t *testing.T) {
	base, pool := staffPortal(t, server.Options{})
	if _, err := pool.Exec(t.Context(), `DELETE FROM commitments WHERE quote LIKE '%39932.82万元%'`); err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("../../testdata/000_ddc10b41889c9f4f.txt")
	if err != nil {
		t.Fatal(err)
	}
	editor := loggedIn(t, base, editorEmail)
	r := upload(t, editor, base+"/documents/import", "changed.txt", strings.Replace(string(src), "39932.82万元", "39932.83万元", 1))
	if r.status != http.StatusOK || !strings.Contains(r.body, `id="import-losses"`) || !strings.Contains(r.body, "将不再保留:39932.82万元") {
		t.Errorf("review (%d) does not list the lost measure", r.status)
	}
}
