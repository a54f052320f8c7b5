package server_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/guizhou-portal/portal/internal/importer"
	"github.com/guizhou-portal/portal/internal/policy"
	"github.com/guizhou-portal/portal/internal/postgres"
	"github.com/guizhou-portal/portal/internal/postgres/pgtest"
)

// draftWord is in everything of the draft reply below: its title, 文号, text,
// the documents it cites, its commitment and its progress update. The public
// must never read it anywhere while the reply is a draft.
const draftWord = "琥珀蜂鸟"

// draftReply names a region (铜仁市), a sum of money and two documents the
// portal does not know, so that a draft would show on the entity pages, the
// map, the dashboard and as placeholders if anything leaked.
const draftReply = `发文字号:黔琥提复字〔2026〕9号
关于琥珀蜂鸟提案的答复
贵州省政协:
你们提出的《关于发展琥珀蜂鸟产业的提案》收悉。现答复如下:
一、关于琥珀蜂鸟计划
2026年,铜仁市将启动琥珀蜂鸟计划,投入资金7.7亿元。下一步,将推动琥珀蜂鸟基地建设。
二、关于配套政策
印发了《琥珀蜂鸟产业发展实施方案》,正在建设琥珀蜂鸟项目3个。
贵州省某某厅
二〇二六年三月五日
`

// importDraft saves draftReply through the store, as the import page and
// portal import do, and returns its slug.
func importDraft(t *testing.T, p *testPortal) string {
	t.Helper()
	d, err := importer.Parse([]byte(draftReply))
	if err != nil {
		t.Fatal(err)
	}
	res, err := p.Store.ImportDocuments(context.Background(), policy.Actor{Name: "测试"},
		[]postgres.ImportFile{{Name: "draft.txt", Document: d}})
	if err != nil {
		t.Fatal(err)
	}
	if !res[0].Created || res[0].Published || len(res[0].NewCited) != 2 {
		t.Fatalf("import %+v", res[0])
	}
	return res[0].Slug
}

// publicURLs are the addresses the public may ask for, made from every GET
// route of the router (chi.Walk, so that a new route is not forgotten) with
// its parameters filled twice: with the draft's slug, section and commitment,
// and with the seeded reply's and the entity the draft names; the lists with
// their filters and every kind of search on top.
func publicURLs(t *testing.T, p *testPortal, draftSlug string, commitment int64) []string {
	t.Helper()
	skip := []string{"/static/*", "/metrics", "/healthz", "/readyz", "/lang/{lang}", "/login"}
	var urls []string
	err := chi.Walk(p.Handler.(chi.Routes), func(method, pattern string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		if method != http.MethodGet || slices.Contains(skip, pattern) {
			return nil
		}
		for _, v := range []map[string]string{
			{"slug": draftSlug, "anchor": "s1", "id": strconv.FormatInt(commitment, 10)},
			{"slug": replySlug, "anchor": "s1", "id": "12"},
		} {
			u := pattern
			if strings.HasPrefix(pattern, "/entities/") || strings.HasPrefix(pattern, "/api/v1/entities/") {
				u = strings.ReplaceAll(u, "{slug}", "tongren")
			}
			for name, value := range v {
				u = strings.ReplaceAll(u, "{"+name+"}", value)
			}
			if !slices.Contains(urls, u) {
				urls = append(urls, u)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(urls) < 25 {
		t.Fatalf("chi.Walk found %d public addresses: %v", len(urls), urls)
	}
	q := url.QueryEscape(draftWord)
	urls = append(urls, "/documents/"+draftSlug+".txt", "/entities?kind=region", "/api/v1/entities?kind=region")
	for _, list := range []string{"/commitments", "/commitments.csv", "/api/v1/commitments"} {
		urls = append(urls, list+"?document="+draftSlug, list+"?region=tongren", list+"?lead=gz-industry-it-dept")
	}
	for _, term := range []string{q, url.QueryEscape("铜仁市"), url.QueryEscape("计划")} {
		urls = append(urls, "/search?q="+term)
		for _, kind := range policy.SearchKinds {
			urls = append(urls, "/search?q="+term+"&kind="+string(kind))
		}
	}
	return urls
}

// requestIDs are the request ids error pages quote, different every time.
var requestIDs = regexp.MustCompile(`[0-9a-f]{16,32}`)

// publicView is what the public gets at every address: status and body,
// without the request ids. base is a second portal on the same database
// that does not listen for changes, so its page cache is off: every page is
// rendered afresh, never one kept from before the last write whose
// notification has not arrived yet. (A made-up session cookie no longer
// skips the cache: it is the public's.)
func publicView(t *testing.T, base string, urls []string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, u := range urls {
		r := request(t, nil, http.MethodGet, base+u, nil)
		if c := r.header.Get("X-Portal-Cache"); c != "" && c != "bypass" {
			t.Fatalf("%s came from the page cache", u)
		}
		if r.status >= 500 {
			t.Errorf("public %s: status %d", u, r.status)
		}
		out[u] = strconv.Itoa(r.status) + "\n" + requestIDs.ReplaceAllString(r.body, "")
	}
	return out
}

// samePublicView fails for every address where the public gets anything else
// than before, or anything of the draft.
func samePublicView(t *testing.T, when string, before, now map[string]string) {
	t.Helper()
	for u, b := range before {
		// A search page repeats what was asked for: that is no leak.
		leaked := func(w string) bool { return strings.Contains(now[u], w) && !strings.Contains(b, w) }
		if leaked(draftWord) || leaked("黔琥提复字") {
			t.Errorf("%s: the public reads the draft at %s:\n%.600s", when, u, now[u])
		} else if now[u] != b {
			t.Errorf("%s: the public's %s changed (a count or a link of the draft?):\nbefore %.300s\nnow    %.300s",
				when, u, b, now[u])
		}
	}
}

// TestDraftIsInvisibleToThePublic imports a reply as a draft, gives it a
// commitment and a public progress update, and asks the public for every
// page, feed, CSV, API answer and search: each is exactly what it was before
// the import. Staff see the draft, marked. An editor publishes it and the
// public sees it; unpublished, it is gone again. Only editors may do either,
// from this site, and each is audited.
func TestDraftIsInvisibleToThePublic(t *testing.T) {
	p := newTestPortal(t, withStaff(), withClock(time.Date(2026, 10, 20, 9, 0, 0, 0, time.UTC)), withChangeListener())
	base := p.URL
	editor := loggedIn(t, base, editorEmail)

	// Before: the public view of every address, draft ones included (404s).
	// The ids the draft's rows will take are known: nothing else is added.
	nextCommitment := scalar[int64](t, p.Pool, `SELECT max(id) + 1 FROM commitments`)
	const draftSlug = "reply-2026-9"
	urls := publicURLs(t, p, draftSlug, nextCommitment)
	fresh := newTestPortal(t, withPool(p.Pool), withClock(time.Date(2026, 10, 20, 9, 0, 0, 0, time.UTC))).URL
	before := publicView(t, fresh, urls)

	if got := importDraft(t, p); got != draftSlug {
		t.Fatalf("slug %s", got)
	}
	// Staff work on the draft: a commitment and a public, signed update.
	seq := scalar[int](t, p.Pool, `SELECT p.seq FROM paragraphs p JOIN documents d ON d.id = p.document_id
		WHERE d.slug = $1 AND p.text LIKE '%启动琥珀蜂鸟计划%'`, draftSlug)
	r := request(t, editor, http.MethodPost, base+"/commitments", url.Values{"document": {draftSlug}, "paragraph": {itoa(seq)},
		"quote": {"铜仁市将启动琥珀蜂鸟计划"}, "title": {"启动琥珀蜂鸟计划"}, "kind": {"measure"}, "strength": {"definite"},
		"status": {"planned"}, "lead": {"gz-industry-it-dept"}})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != commitmentPath(nextCommitment) {
		t.Fatalf("new commitment on the draft: %d %s\n%.500s", r.status, r.header.Get("Location"), r.body)
	}
	upd := updateForm(t, p.Pool, nextCommitment, "琥珀蜂鸟计划已立项。", "public")
	upd.Set("signed", "1")
	if r := request(t, editor, http.MethodPost, base+commitmentPath(nextCommitment)+"/updates", upd); r.status != http.StatusSeeOther {
		t.Fatalf("update on the draft: %d\n%.500s", r.status, r.body)
	}

	// The public: nothing of it, anywhere; the draft's own addresses are 404.
	samePublicView(t, "draft", before, publicView(t, fresh, urls))
	for _, u := range []string{"/documents/" + draftSlug, "/documents/" + draftSlug + "/sections/s1", commitmentPath(nextCommitment),
		commitmentPath(nextCommitment) + "/history", commitmentPath(nextCommitment) + "/updates.atom",
		"/api/v1/documents/" + draftSlug, "/api/v1" + commitmentPath(nextCommitment)} {
		if r := request(t, nil, http.MethodGet, base+u, nil); r.status != http.StatusNotFound {
			t.Errorf("public %s: status %d, want 404", u, r.status)
		}
	}

	// Staff: the draft wherever the document shows, marked.
	for _, u := range []string{"/", "/documents/" + draftSlug, "/documents/" + draftSlug + "/sections/s1", commitmentPath(nextCommitment),
		"/commitments", "/commitments?document=" + draftSlug, "/entities/tongren", "/search?q=" + url.QueryEscape(draftWord)} {
		r := request(t, editor, http.MethodGet, base+u, nil)
		if r.status != http.StatusOK || !strings.Contains(r.body, draftWord) || !strings.Contains(r.body, `class="tag draft"`) {
			t.Errorf("staff %s: status %d, draft shown %v, marked %v", u, r.status, strings.Contains(r.body, draftWord),
				strings.Contains(r.body, `class="tag draft"`))
		}
	}
	if r := request(t, editor, http.MethodGet, base+"/documents/"+draftSlug, nil); !strings.Contains(r.body, `action="/documents/`+draftSlug+`/publish"`) {
		t.Error("the draft's page has no publish button")
	}

	// Who may publish: not the public, not from another site.
	publish := base + "/documents/" + draftSlug + "/publish"
	if r := request(t, loggedIn(t, base, ""), http.MethodPost, publish, url.Values{}); r.status != http.StatusUnauthorized {
		t.Errorf("public publish: %d", r.status)
	}
	if r := request(t, editor, http.MethodPost, publish, url.Values{}, "Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site"); r.status != http.StatusForbidden {
		t.Errorf("cross-origin publish: %d", r.status)
	}
	if n := scalar[int](t, p.Pool, `SELECT count(*) FROM documents WHERE published_at IS NOT NULL AND title LIKE '%琥珀蜂鸟%'`); n != 0 {
		t.Fatalf("a refused publish published %d documents", n)
	}
	if r := request(t, editor, http.MethodPost, base+"/documents/no-such-doc/publish", url.Values{}); r.status != http.StatusNotFound {
		t.Errorf("publish of an unknown document: %d", r.status)
	}
	if r := request(t, editor, http.MethodPost, base+"/documents/"+draftSlug+"/unpublish", url.Values{}); r.status != http.StatusConflict ||
		!strings.Contains(r.body, "这份文件是草稿，尚未发布。") {
		t.Errorf("unpublish of a draft: %d", r.status)
	}

	// The home page is in the page cache, without the draft: publishing
	// must empty the cache (the change notification of documents).
	pgtest.WaitFor(t, 10*time.Second, "the page cache to serve /", func() bool {
		return request(t, nil, http.MethodGet, base+"/", nil).header.Get("X-Portal-Cache") == "hit"
	})

	// An editor publishes: the public sees it, its commitment, the
	// documents it cites, its update in the feed.
	if r := request(t, editor, http.MethodPost, publish, url.Values{}); r.status != http.StatusSeeOther || r.header.Get("Location") != "/documents/"+draftSlug {
		t.Fatalf("publish: %d %s\n%.500s", r.status, r.header.Get("Location"), r.body)
	}
	if r := request(t, editor, http.MethodPost, publish, url.Values{}); r.status != http.StatusConflict || !strings.Contains(r.body, "这份文件已经发布") {
		t.Errorf("publishing twice: %d", r.status)
	}
	pgtest.WaitFor(t, 10*time.Second, "the cached home page to list the published reply", func() bool {
		return strings.Contains(request(t, nil, http.MethodGet, base+"/", nil).body, draftWord)
	})
	for _, u := range []string{"/", "/documents/" + draftSlug, commitmentPath(nextCommitment), "/commitments.csv?document=" + draftSlug,
		"/api/v1/documents/" + draftSlug, "/updates.atom", "/search?q=" + url.QueryEscape(draftWord), "/entities/tongren"} {
		r := request(t, nil, http.MethodGet, base+u, nil)
		if r.status != http.StatusOK || !strings.Contains(r.body, draftWord) || strings.Contains(r.body, `class="tag draft"`) {
			t.Errorf("public %s after publishing: status %d, shown %v", u, r.status, strings.Contains(r.body, draftWord))
		}
	}
	if n := scalar[int](t, p.Pool, `SELECT count(*) FROM documents WHERE published_at IS NULL`); n != 0 {
		t.Errorf("%d drafts left: the cited placeholders were not published with the reply", n)
	}

	// Unpublished: gone again, exactly as before the import.
	if r := request(t, editor, http.MethodPost, base+"/documents/"+draftSlug+"/unpublish", url.Values{}); r.status != http.StatusSeeOther {
		t.Fatalf("unpublish: %d\n%.500s", r.status, r.body)
	}
	pgtest.WaitFor(t, 10*time.Second, "the cached home page to lose the unpublished reply", func() bool {
		return !strings.Contains(request(t, nil, http.MethodGet, base+"/", nil).body, draftWord)
	})
	samePublicView(t, "unpublished", before, publicView(t, fresh, urls))

	// Each publication and unpublication has its audit record, by the editor.
	for action, want := range map[string]int{"document.publish": 1, "document.unpublish": 1} {
		if n := scalar[int](t, p.Pool, `SELECT count(*) FROM audit_log a JOIN documents d ON d.id = a.subject_id
			WHERE a.action = $1 AND a.subject_type = 'document' AND d.slug = $2 AND a.actor_name = '李编辑'`, action, draftSlug); n != want {
			t.Errorf("%d %s records, want %d", n, action, want)
		}
	}
	if r := request(t, editor, http.MethodGet, base+"/changes", nil); !strings.Contains(r.body, "发布文件") || !strings.Contains(r.body, "撤销发布") {
		t.Error("recent changes do not name the publication")
	}
}
