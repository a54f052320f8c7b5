package server_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net"
	"net/http"
	"net/textproto"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/guizhou-portal/portal/internal/objectstore"
	"github.com/guizhou-portal/portal/internal/objectstore/s3test"
	"github.com/guizhou-portal/portal/internal/postgres/pgtest"
	"github.com/guizhou-portal/portal/internal/server"
)

// Test files whose type their first bytes give.
var (
	testPDF = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
	testPNG = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), bytes.Repeat([]byte{7}, 64)...)
	testEXE = append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"), bytes.Repeat([]byte{0}, 200)...)
)

// officeZip is a zip container holding the named entries.
func officeZip(t testing.TB, entries ...string) []byte {
	t.Helper()
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	for i := 0; i+1 < len(entries); i += 2 {
		w, err := z.Create(entries[i])
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, entries[i+1])
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// testDOCX is the smallest Word document the portal takes for one.
func testDOCX(t testing.TB) []byte {
	return officeZip(t, "[Content_Types].xml", `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`,
		"word/document.xml", `<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>用地预审批复</w:t></w:r></w:p></w:body></w:document>`)
}

// zipBomb is a Word document whose text unpacks to 64 MB of zeros.
func zipBomb(t testing.TB) []byte {
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	w, _ := z.Create("[Content_Types].xml")
	io.WriteString(w, "<Types/>")
	w, _ = z.Create("word/document.xml")
	zero := make([]byte, 1<<20)
	for range 64 {
		w.Write(zero)
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// uploadBody is a multipart body with one file part whose
// Content-Disposition names the file exactly as given (not escaped).
func uploadBody(name string, content []byte) (string, []byte) {
	var b bytes.Buffer
	m := multipart.NewWriter(&b)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="file"; filename="`+name+`"`)
	h.Set("Content-Type", "application/octet-stream") // what the browser says counts for nothing
	w, _ := m.CreatePart(h)
	w.Write(content)
	m.Close()
	return m.FormDataContentType(), b.Bytes()
}

// uploadEvidence posts a file to update uid of commitment cid as client c.
func uploadEvidence(t testing.TB, c *http.Client, base string, cid, uid int64, name string, content []byte) response {
	t.Helper()
	ct, body := uploadBody(name, content)
	req, err := http.NewRequest(http.MethodPost, fmt.Sprintf("%s/commitments/%d/updates/%d/evidence", base, cid, uid), bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", ct)
	return send(t, c, req)
}

// addUpdates adds a public and an internal update to commitment 12 and
// returns their ids.
func addUpdates(t testing.TB, p *testPortal, c *http.Client) (public, internal int64) {
	t.Helper()
	for _, vis := range []string{"public", "internal"} {
		if r := request(t, c, http.MethodPost, p.URL+"/commitments/12/updates", updateForm(t, p.Pool, 12, "完成用地预审。", vis)); r.status != http.StatusSeeOther {
			t.Fatalf("add %s update: %d", vis, r.status)
		}
	}
	public = scalar[int64](t, p.Pool, `SELECT id FROM progress_updates WHERE commitment_id = 12 AND public ORDER BY id DESC LIMIT 1`)
	internal = scalar[int64](t, p.Pool, `SELECT id FROM progress_updates WHERE commitment_id = 12 AND NOT public ORDER BY id DESC LIMIT 1`)
	return public, internal
}

// evidenceStore is where a test portal keeps evidence files: PostgreSQL, or
// an S3 store run in the test's process and spoken to over HTTP.
type evidenceStore struct {
	s3 *s3test.Server // nil for PostgreSQL
}

// eachEvidenceStore runs test once with files in PostgreSQL and once with
// them in an S3 store, as subtests postgres and s3.
func eachEvidenceStore(t *testing.T, test func(t *testing.T, es evidenceStore)) {
	t.Run("postgres", func(t *testing.T) { test(t, evidenceStore{}) })
	t.Run("s3", func(t *testing.T) { test(t, evidenceStore{s3: s3test.New(t)}) })
}

// option makes a portal keep its files in es; it goes after withOptions,
// which replaces all the options.
func (es evidenceStore) option(t testing.TB) portalOption {
	return func(c *portalConfig) {
		if es.s3 != nil {
			c.opts.EvidenceObjects = es.s3.Store(t)
		}
	}
}

// stored counts what is stored of evidence files: rows, chunks, audit
// records and objects in the S3 store.
func (es evidenceStore) stored(t testing.TB, pool *pgxpool.Pool) int {
	t.Helper()
	n := scalar[int](t, pool, `SELECT (SELECT count(*) FROM evidence_files) + (SELECT count(*) FROM evidence_chunks)
		+ (SELECT count(*) FROM audit_log WHERE action = 'evidence.add')`)
	if es.s3 != nil {
		n += len(es.s3.Objects(t))
	}
	return n
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// TestEvidenceFilesAreStoredCheckedAndServedSafely: files attached to an
// update are kept whole (across chunks), shown with their SHA-256, served
// with the type found from their content, inline only when an image or PDF,
// never sniffed; an internal update's files are not found by the public.
//
// Run with each store: in S3 the bytes are an object under a random key,
// never the file's name, and PostgreSQL holds no chunk of them.
func TestEvidenceFilesAreStoredCheckedAndServedSafely(t *testing.T) {
	eachEvidenceStore(t, testEvidenceFilesAreStoredCheckedAndServedSafely)
}

func testEvidenceFilesAreStoredCheckedAndServedSafely(t *testing.T, es evidenceStore) {
	p := newTestPortal(t, withStaff(), withClock(time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)), es.option(t))
	editor := loggedIn(t, p.URL, editorEmail)
	pub, internal := addUpdates(t, p, editor)

	big := make([]byte, 2<<20+12345) // three chunks
	rand.Read(big)
	copy(big, "\x89PNG\r\n\x1a\n")
	files := []struct {
		update      int64
		name        string
		content     []byte
		contentType string
		inline      bool
	}{
		{pub, "用地预审批复.pdf", testPDF, "application/pdf", true},
		{pub, "会议纪要.docx", testDOCX(t), "application/vnd.openxmlformats-officedocument.wordprocessingml.document", false},
		{pub, "现场照片.PNG", big, "image/png", true},
		{internal, "内部台账.docx", testDOCX(t), "application/vnd.openxmlformats-officedocument.wordprocessingml.document", false},
	}
	for _, f := range files {
		r := uploadEvidence(t, editor, p.URL, 12, f.update, f.name, f.content)
		if r.status != http.StatusSeeOther || r.header.Get("Location") != fmt.Sprintf("/commitments/12#u%d", f.update) {
			t.Fatalf("upload %s: %d %s\n%.1500s", f.name, r.status, r.header.Get("Location"), r.body)
		}
	}
	chunks := scalar[int](t, p.Pool, `SELECT count(*) FROM evidence_chunks c JOIN evidence_files f ON f.id = c.file_id WHERE f.name = '现场照片.PNG'`)
	if es.s3 == nil && chunks != 3 {
		t.Errorf("the 2 MB file is in %d chunks, want 3", chunks)
	}
	if es.s3 != nil {
		objects := es.s3.Objects(t)
		if chunks != 0 || len(objects) != len(files) {
			t.Errorf("with S3, %d chunks and %d objects, want 0 and %d", chunks, len(objects), len(files))
		}
		for _, f := range files {
			key := scalar[string](t, p.Pool, `SELECT coalesce(object_key, '') FROM evidence_files WHERE name = $1 ORDER BY id DESC LIMIT 1`, f.name)
			if o, ok := objects[key]; !ok || o.Size != int64(len(f.content)) || !regexp.MustCompile(`^evidence/[0-9a-f]{32}$`).MatchString(key) {
				t.Errorf("%s: its object %q is %+v (%v)", f.name, key, o, ok)
			}
		}
	}
	if got := scalar[string](t, p.Pool, `SELECT action || ' ' || (detail->>'name') || ' ' || (detail->>'sha256') FROM audit_log
		WHERE subject_type = 'commitment' AND subject_id = 12 ORDER BY id DESC LIMIT 1`); got != "evidence.add 内部台账.docx "+sha(testDOCX(t)) {
		t.Errorf("audit record: %q", got)
	}

	staffPage := request(t, editor, http.MethodGet, p.URL+"/commitments/12", nil).body
	publicPage := request(t, nil, http.MethodGet, p.URL+"/commitments/12", nil).body
	for i, f := range files {
		id := scalar[int64](t, p.Pool, `SELECT id FROM evidence_files WHERE name = $1 ORDER BY id LIMIT 1`, f.name)
		link := fmt.Sprintf("/evidence/%d/%s", id, url.PathEscape(f.name))
		if !strings.Contains(staffPage, link) || !strings.Contains(staffPage, sha(f.content)) {
			t.Errorf("%s: the staff page lacks its link or SHA-256", f.name)
		}
		if f.update == internal {
			if strings.Contains(publicPage, f.name) {
				t.Errorf("%s: an internal update's file is listed on the public page", f.name)
			}
			if r := request(t, nil, http.MethodGet, p.URL+link, nil); r.status != http.StatusNotFound || strings.Contains(r.body, "用地预审批复") {
				t.Errorf("%s: the public gets %d for an internal file", f.name, r.status)
			}
		} else if !strings.Contains(publicPage, link) || !strings.Contains(publicPage, sha(f.content)) {
			t.Errorf("%s: the public page lacks its link or SHA-256", f.name)
		}
		who := http.DefaultClient
		if f.update == internal || i == 0 {
			who = editor
		}
		r := request(t, who, http.MethodGet, p.URL+link, nil)
		if r.status != http.StatusOK || sha([]byte(r.body)) != sha(f.content) {
			t.Errorf("%s: download %d, %d bytes with SHA-256 %s", f.name, r.status, len(r.body), sha([]byte(r.body)))
		}
		disposition := "attachment"
		if f.inline {
			disposition = "inline"
		}
		if got := r.header.Get("Content-Type"); got != f.contentType {
			t.Errorf("%s: Content-Type %q, want %q", f.name, got, f.contentType)
		}
		if got := r.header.Get("Content-Disposition"); !strings.HasPrefix(got, disposition+";") || !strings.Contains(got, "filename*=utf-8''") {
			t.Errorf("%s: Content-Disposition %q", f.name, got)
		}
		if r.header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: no nosniff", f.name)
		}
	}
	if r := request(t, nil, http.MethodGet, p.URL+"/evidence/999999/x.pdf", nil); r.status != http.StatusNotFound {
		t.Errorf("an unknown file: %d", r.status)
	}
	if r := request(t, browserClient(t), http.MethodGet, p.URL+"/evidence/1/other-name.pdf", nil); r.status != http.StatusMovedPermanently {
		t.Errorf("a file under another name: %d, want a redirect to its own", r.status)
	}
	// The public cannot upload.
	if r := uploadEvidence(t, browserClient(t), p.URL, 12, pub, "a.pdf", testPDF); r.status != http.StatusUnauthorized && r.status != http.StatusSeeOther {
		t.Errorf("public upload: %d", r.status)
	}
}

// TestEvidenceRefusesBadUploads: each bad upload gets a clear message and
// its status, and nothing is stored, not even in part.
//
// Run with each store: in S3 a file over the cap is cut off as it streams,
// and the object of an upload whose row is refused is removed again.
func TestEvidenceRefusesBadUploads(t *testing.T) {
	eachEvidenceStore(t, testEvidenceRefusesBadUploads)
}

func testEvidenceRefusesBadUploads(t *testing.T, es evidenceStore) {
	p := newTestPortal(t, withStaff(), withClock(time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)),
		withOptions(server.Options{EvidenceMaxBytes: 1 << 20}), es.option(t))
	editor := loggedIn(t, p.URL, editorEmail)
	pub, _ := addUpdates(t, p, editor)
	nothingStored := func(t *testing.T, what string) {
		t.Helper()
		if n := es.stored(t, p.Pool); n != 0 {
			t.Errorf("%s: %d rows or objects stored", what, n)
		}
	}

	cases := []struct {
		name    string
		file    string
		content []byte
		status  int
		want    string
	}{
		{"renamed executable", "进展报告.pdf", testEXE, 422, "可执行程序"},
		{"executable as itself", "setup.exe", testEXE, 422, "可执行程序"},
		{"script", "run.pdf", []byte("#!/bin/sh\nrm -rf /\n"), 422, "可执行程序"},
		{"archive bomb", "纪要.docx", zipBomb(t), 422, "压缩炸弹"},
		{"plain zip", "资料.docx", officeZip(t, "readme.txt", "hello"), 422, "不支持这种文件类型"},
		{"macros", "宏.docx", officeZip(t, "[Content_Types].xml", "<Types/>", "word/document.xml", "<w/>", "word/vbaProject.bin", "x"), 422, "含有宏"},
		{"html", "page.pdf", []byte("<html><script>alert(1)</script></html>"), 422, "不支持这种文件类型"},
		{"svg", "image.png", []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`), 422, "不支持这种文件类型"},
		{"content and extension differ", "photo.pdf", testPNG, 422, "与扩展名不符"},
		{"word document named .xlsx", "表.xlsx", testDOCX(t), 422, "与扩展名不符"},
		{"empty", "空.pdf", nil, 422, "文件是空的"},
		{"path with slashes", "../../etc/report.pdf", testPDF, 422, "不能包含路径"},
		{"Windows path", `C:\\Users\\li\\report.pdf`, testPDF, 422, "不能包含路径"},
		{"control character", "report\x01.pdf", testPDF, 422, "控制字符"},
		{"bidi override", "report\u202efdp.exe", testPDF, 422, "控制字符"},
		{"no name", "", testPDF, 422, "请选择要上传的文件"},
		{"name too long", strings.Repeat("长", 201) + ".pdf", testPDF, 422, "文件名过长"},
		{"over the cap, read as it comes", "big.pdf", append(append([]byte{}, testPDF...), make([]byte, 1<<20)...), 413, "文件过大"},
		{"zip over the cap", "big.docx", append(testDOCX(t), make([]byte, 1<<20)...), 413, "文件过大"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := uploadEvidence(t, editor, p.URL, 12, pub, c.file, c.content)
			if r.status != c.status || !strings.Contains(r.body, c.want) {
				t.Errorf("%q: %d, want %d with %q\n%.2000s", c.file, r.status, c.status, c.want, r.body)
			}
			nothingStored(t, c.name)
		})
	}

	// A body declared over the cap is refused before it is read.
	// 256 MB, made as it is sent: more than loopback buffers could take in
	// if the server stopped reading.
	ct, head := uploadBody("big.pdf", testPDF)
	const declared = 256 << 20
	counted := &countingReader{r: io.MultiReader(bytes.NewReader(head), io.LimitReader(zeros{}, declared-int64(len(head))))}
	req, _ := http.NewRequest(http.MethodPost, fmt.Sprintf("%s/commitments/12/updates/%d/evidence", p.URL, pub), counted)
	req.ContentLength = declared
	req.Header.Set("Content-Type", ct)
	res, err := editor.Do(req)
	if err == nil {
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusRequestEntityTooLarge {
			t.Errorf("declared too large: %d", res.StatusCode)
		}
	}
	if counted.n >= declared/2 {
		t.Errorf("the server read all %d bytes of a body declared too large", counted.n)
	}
	nothingStored(t, "declared too large")

	// A body that breaks off in the middle of the file.
	_, whole := uploadBody("批复.pdf", append(append([]byte{}, testPDF...), make([]byte, 100000)...))
	cut := whole[:len(whole)/2]
	req, _ = http.NewRequest(http.MethodPost, fmt.Sprintf("%s/commitments/12/updates/%d/evidence", p.URL, pub), bytes.NewReader(cut))
	req.Header.Set("Content-Type", ct)
	if r := send(t, editor, req); r.status != http.StatusBadRequest || !strings.Contains(r.body, "上传中断") {
		t.Errorf("interrupted: %d\n%.600s", r.status, r.body)
	}
	nothingStored(t, "interrupted")

	// Not a multipart form at all; an update of another commitment.
	if r := request(t, editor, http.MethodPost, fmt.Sprintf("%s/commitments/12/updates/%d/evidence", p.URL, pub), url.Values{"file": {"x"}}); r.status != http.StatusBadRequest {
		t.Errorf("urlencoded: %d", r.status)
	}
	if r := uploadEvidence(t, editor, p.URL, 9, pub, "a.pdf", testPDF); r.status != http.StatusNotFound {
		t.Errorf("another commitment's update: %d", r.status)
	}
	nothingStored(t, "the rest")
}

// countingReader counts the bytes read from r.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.n += int64(n)
	return n, err
}

// zeros reads as an endless run of zero bytes.
type zeros struct{}

func (zeros) Read(b []byte) (int, error) {
	clear(b)
	return len(b), nil
}

// TestEvidenceReachesTheCachedPublicPage: the public commitment page is
// served from the page cache; a file attached to a public update shows on
// it once the change is heard, without waiting for the cache to age.
func TestEvidenceReachesTheCachedPublicPage(t *testing.T) {
	eachEvidenceStore(t, testEvidenceReachesTheCachedPublicPage)
}

func testEvidenceReachesTheCachedPublicPage(t *testing.T, es evidenceStore) {
	p := newTestPortal(t, withStaff(), withChangeListener(), withClock(time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)), es.option(t))
	editor := loggedIn(t, p.URL, editorEmail)
	pub, _ := addUpdates(t, p, editor)
	pgtest.WaitFor(t, 10*time.Second, "the public page of commitment 12 to be cached", func() bool {
		return request(t, nil, http.MethodGet, p.URL+"/commitments/12", nil).header.Get("X-Portal-Cache") == "hit"
	})
	if r := uploadEvidence(t, editor, p.URL, 12, pub, "验收报告.pdf", testPDF); r.status != http.StatusSeeOther {
		t.Fatalf("upload: %d", r.status)
	}
	pgtest.WaitFor(t, 10*time.Second, "the cached public page to list the file", func() bool {
		return strings.Contains(request(t, nil, http.MethodGet, p.URL+"/commitments/12", nil).body, "验收报告.pdf")
	})
}

// TestEvidenceUploadCutOffStoresNothing: a client that sends half of a
// file and then drops the connection leaves no file, chunk or record.
func TestEvidenceUploadCutOffStoresNothing(t *testing.T) {
	eachEvidenceStore(t, testEvidenceUploadCutOffStoresNothing)
}

func testEvidenceUploadCutOffStoresNothing(t *testing.T, es evidenceStore) {
	logs := &lockedBuffer{}
	p := newTestPortal(t, withStaff(), withClock(time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)),
		withLogger(slog.New(slog.NewJSONHandler(logs, nil))), es.option(t))
	editor := loggedIn(t, p.URL, editorEmail)
	pub, _ := addUpdates(t, p, editor)
	u, _ := url.Parse(p.URL)
	var cookies []string
	for _, c := range editor.Jar.Cookies(u) {
		cookies = append(cookies, c.Name+"="+c.Value)
	}
	ct, body := uploadBody("批复.pdf", append(append([]byte{}, testPDF...), make([]byte, 4<<20)...))
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(conn, "POST /commitments/12/updates/%d/evidence HTTP/1.1\r\nHost: %s\r\nContent-Type: %s\r\nContent-Length: %d\r\nCookie: %s\r\nSec-Fetch-Site: same-origin\r\n\r\n",
		pub, u.Host, ct, len(body), strings.Join(cookies, "; "))
	if _, err := conn.Write(body[:len(body)/2]); err != nil {
		t.Fatal(err)
	}
	conn.Close()
	// The handler sees the body end early, says so, and stores nothing.
	pgtest.WaitFor(t, 10*time.Second, "the handler to see the upload break off", func() bool {
		for _, rec := range logs.records(t) {
			if rec["msg"] == "evidence upload broke off" {
				return true
			}
		}
		return false
	})
	if n := es.stored(t, p.Pool); n != 0 {
		t.Errorf("a cut-off upload left %d rows or objects", n)
	}
	// The same file sent whole is stored: the half was refused for being cut off.
	if r := uploadEvidence(t, editor, p.URL, 12, pub, "批复.pdf", append(append([]byte{}, testPDF...), make([]byte, 4<<20)...)); r.status != http.StatusSeeOther {
		t.Errorf("the whole file: %d", r.status)
	}
}

// TestEvidenceIsSharedByTwoInstances: a file uploaded through one portal
// instance is served by another over the same database and store, to the
// public when its update is public and to staff only when it is internal.
func TestEvidenceIsSharedByTwoInstances(t *testing.T) {
	eachEvidenceStore(t, func(t *testing.T, es evidenceStore) {
		clock := withClock(time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC))
		a := newTestPortal(t, withStaff(), clock, es.option(t))
		b := newTestPortal(t, withPool(a.Pool), clock, es.option(t))
		pub, internal := addUpdates(t, a, loggedIn(t, a.URL, editorEmail))
		editorA := loggedIn(t, a.URL, editorEmail)
		doc := testDOCX(t)
		for _, u := range []struct {
			update  int64
			name    string
			content []byte
		}{{pub, "批复.pdf", testPDF}, {internal, "内部纪要.docx", doc}} {
			if r := uploadEvidence(t, editorA, a.URL, 12, u.update, u.name, u.content); r.status != http.StatusSeeOther {
				t.Fatalf("upload %s through a: %d\n%.800s", u.name, r.status, r.body)
			}
		}
		link := func(name string) string {
			id := scalar[int64](t, a.Pool, `SELECT id FROM evidence_files WHERE name = $1`, name)
			return fmt.Sprintf("%s/evidence/%d/%s", b.URL, id, url.PathEscape(name))
		}
		if r := request(t, nil, http.MethodGet, link("批复.pdf"), nil); r.status != http.StatusOK || sha([]byte(r.body)) != sha(testPDF) {
			t.Errorf("the public file through b: %d, SHA-256 %s", r.status, sha([]byte(r.body)))
		}
		if r := request(t, nil, http.MethodGet, link("内部纪要.docx"), nil); r.status != http.StatusNotFound {
			t.Errorf("the internal file through b, for the public: %d", r.status)
		}
		if r := request(t, loggedIn(t, b.URL, editorEmail), http.MethodGet, link("内部纪要.docx"), nil); r.status != http.StatusOK || sha([]byte(r.body)) != sha(doc) {
			t.Errorf("the internal file through b, for staff: %d, SHA-256 %s", r.status, sha([]byte(r.body)))
		}
	})
}

// TestEvidenceStoreDown: with the S3 store down, an upload (streamed or
// through a temporary file) is a 503 that says nothing was saved, and saves
// nothing; a download is a 503 too, while the page listing the file still
// works.
func TestEvidenceStoreDown(t *testing.T) {
	es := evidenceStore{s3: s3test.New(t)}
	p := newTestPortal(t, withStaff(), withClock(time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)), es.option(t))
	editor := loggedIn(t, p.URL, editorEmail)
	pub, _ := addUpdates(t, p, editor)
	if r := uploadEvidence(t, editor, p.URL, 12, pub, "批复.pdf", testPDF); r.status != http.StatusSeeOther {
		t.Fatalf("upload while the store is up: %d", r.status)
	}
	before := es.stored(t, p.Pool)
	es.s3.Stop()
	for name, content := range map[string][]byte{"验收报告.pdf": testPDF, "会议纪要.docx": testDOCX(t)} {
		r := uploadEvidence(t, editor, p.URL, 12, pub, name, content)
		if r.status != http.StatusServiceUnavailable || !strings.Contains(r.body, "文件存储暂时无法使用，文件没有保存") || r.header.Get("Retry-After") == "" {
			t.Errorf("upload %s with the store down: %d\n%.1500s", name, r.status, r.body)
		}
	}
	if n := scalar[int](t, p.Pool, `SELECT (SELECT count(*) FROM evidence_files) + (SELECT count(*) FROM evidence_chunks)
		+ (SELECT count(*) FROM audit_log WHERE action = 'evidence.add')`); n != 2 || before != 3 {
		t.Errorf("with the store down, %d rows (before: %d with its object), want the first file's 2", n, before)
	}
	id := scalar[int64](t, p.Pool, `SELECT id FROM evidence_files WHERE name = '批复.pdf'`)
	if r := request(t, nil, http.MethodGet, fmt.Sprintf("%s/evidence/%d/%s", p.URL, id, url.PathEscape("批复.pdf")), nil); r.status != http.StatusServiceUnavailable ||
		!strings.Contains(r.body, "文件存储暂时无法使用") || r.header.Get("Content-Disposition") != "" {
		t.Errorf("download with the store down: %d %q\n%.800s", r.status, r.header.Get("Content-Disposition"), r.body)
	}
	if r := request(t, nil, http.MethodGet, p.URL+"/commitments/12", nil); r.status != http.StatusOK || !strings.Contains(r.body, "批复.pdf") {
		t.Errorf("the commitment page with the store down: %d", r.status)
	}
}

// TestEvidenceObjectRemovedWhenItsRowIsNot: when the transaction that would
// record an uploaded file fails after its object was stored (an update of
// another commitment; a database out of disk), the object is removed again.
func TestEvidenceObjectRemovedWhenItsRowIsNot(t *testing.T) {
	es := evidenceStore{s3: s3test.New(t)}
	logs := &lockedBuffer{}
	p := newTestPortal(t, withStaff(), withClock(time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)),
		withLogger(slog.New(slog.NewJSONHandler(logs, nil))), es.option(t))
	editor := loggedIn(t, p.URL, editorEmail)
	pub, _ := addUpdates(t, p, editor)
	removed := func() int {
		n := 0
		for _, rec := range logs.records(t) {
			if rec["msg"] == "evidence object removed: its file was not saved" {
				n++
			}
		}
		return n
	}
	if r := uploadEvidence(t, editor, p.URL, 9, pub, "批复.pdf", testPDF); r.status != http.StatusNotFound {
		t.Errorf("another commitment's update: %d", r.status)
	}
	if _, err := p.Pool.Exec(context.Background(), `CREATE FUNCTION disk_full() RETURNS trigger LANGUAGE plpgsql AS
		$$ BEGIN RAISE EXCEPTION 'could not extend file' USING ERRCODE = 'disk_full'; END $$;
		CREATE TRIGGER disk_full BEFORE INSERT ON audit_log FOR EACH ROW WHEN (NEW.action = 'evidence.add') EXECUTE FUNCTION disk_full()`); err != nil {
		t.Fatal(err)
	}
	for name, content := range map[string][]byte{"验收报告.pdf": testPDF, "会议纪要.docx": testDOCX(t)} {
		if r := uploadEvidence(t, editor, p.URL, 12, pub, name, content); r.status != http.StatusServiceUnavailable {
			t.Errorf("%s with the database out of disk: %d\n%.800s", name, r.status, r.body)
		}
	}
	if n := es.stored(t, p.Pool); n != 0 || removed() != 3 {
		t.Errorf("%d rows or objects left; %d objects removed, want 3", n, removed())
	}
}

// TestEvidenceOrphanSweep: the sweep removes objects under keys the portal
// makes that no file's row names, once they are older than an upload could
// take, and leaves the files' own objects and everything else in the bucket.
func TestEvidenceOrphanSweep(t *testing.T) {
	es := evidenceStore{s3: s3test.New(t)}
	p := newTestPortal(t, withStaff(), withClock(time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)), es.option(t))
	editor := loggedIn(t, p.URL, editorEmail)
	pub, _ := addUpdates(t, p, editor)
	if r := uploadEvidence(t, editor, p.URL, 12, pub, "批复.pdf", testPDF); r.status != http.StatusSeeOther {
		t.Fatalf("upload: %d", r.status)
	}
	kept := scalar[string](t, p.Pool, `SELECT object_key FROM evidence_files`)
	ctx := context.Background()
	orphan := objectstore.NewKey()
	store := es.s3.Store(t)
	if err := store.Put(ctx, orphan, bytes.NewReader(testPDF), int64(len(testPDF)), "application/pdf"); err != nil {
		t.Fatal(err)
	}
	for _, other := range []string{"other/keep.txt", "evidence/README.txt"} {
		if _, err := es.s3.Backend.PutObject(s3test.Bucket, other, nil, bytes.NewReader([]byte("x")), 1, nil); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := p.Server.SweepEvidenceObjects(ctx, time.Now().Add(-time.Hour)); err != nil || n != 0 {
		t.Errorf("sweeping objects older than an hour: %d removed, %v; the orphan is younger", n, err)
	}
	if n, err := p.Server.SweepEvidenceObjects(ctx, time.Now().Add(time.Minute)); err != nil || n != 1 {
		t.Errorf("sweeping all: %d removed, %v; want the orphan", n, err)
	}
	objects := es.s3.Objects(t)
	if _, ok := objects[kept]; !ok || len(objects) != 2 || objects["evidence/README.txt"].Key == "" {
		t.Errorf("after the sweep: %v, want %s and evidence/README.txt, a key the portal never makes", objects, kept)
	}
	if _, err := es.s3.Backend.HeadObject(s3test.Bucket, "other/keep.txt"); err != nil {
		t.Errorf("an object outside the prefix: %v", err)
	}
	if r := request(t, nil, http.MethodGet, fmt.Sprintf("%s/evidence/%d/%s", p.URL, scalar[int64](t, p.Pool, `SELECT id FROM evidence_files`), url.PathEscape("批复.pdf")), nil); r.status != http.StatusOK || r.body != string(testPDF) {
		t.Errorf("the kept file: %d", r.status)
	}
}

// TestEvidenceStreamsToTheStore: with the S3 store, a PDF reaches the store
// while it is still being uploaded, a part at a time, rather than after the
// whole file was received; once complete it is stored whole.
func TestEvidenceStreamsToTheStore(t *testing.T) {
	es := evidenceStore{s3: s3test.New(t)}
	p := newTestPortal(t, withStaff(), withClock(time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)), es.option(t))
	editor := loggedIn(t, p.URL, editorEmail)
	pub, _ := addUpdates(t, p, editor)
	file := make([]byte, 12<<20)
	rand.Read(file)
	copy(file, testPDF)
	ct, body := uploadBody("扫描件.pdf", file)
	pr, pw := io.Pipe()
	release := make(chan struct{})
	var once sync.Once
	t.Cleanup(func() { once.Do(func() { close(release) }) }) // also when the test fails before
	go func() {
		pw.Write(body[:7<<20]) // more than a part, less than the file
		<-release
		pw.Write(body[7<<20:])
		pw.Close()
	}()
	req, _ := http.NewRequest(http.MethodPost, fmt.Sprintf("%s/commitments/12/updates/%d/evidence", p.URL, pub), pr)
	req.ContentLength = int64(len(body))
	req.Header.Set("Content-Type", ct)
	done := make(chan response, 1)
	go func() { done <- send(t, editor, req) }()
	pgtest.WaitFor(t, 10*time.Second, "a part of the file to reach the store while the rest is unsent", func() bool {
		return es.s3.PartBytes() >= objectstore.PartSize
	})
	once.Do(func() { close(release) })
	if r := <-done; r.status != http.StatusSeeOther {
		t.Fatalf("upload: %d\n%.800s", r.status, r.body)
	}
	id := scalar[int64](t, p.Pool, `SELECT id FROM evidence_files WHERE name = '扫描件.pdf'`)
	r := request(t, editor, http.MethodGet, fmt.Sprintf("%s/evidence/%d/%s", p.URL, id, url.PathEscape("扫描件.pdf")), nil)
	if r.status != http.StatusOK || sha([]byte(r.body)) != sha(file) || es.s3.PartBytes() != int64(len(file)) {
		t.Errorf("download: %d, SHA-256 %s, want %s; %d bytes in parts", r.status, sha([]byte(r.body)), sha(file), es.s3.PartBytes())
	}
}
