package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/guizhou-portal/portal/internal/policy"
	"github.com/guizhou-portal/portal/internal/postgres"
)

// openAPI is the served description, parsed, with a validator per response.
type openAPI struct {
	doc      map[string]any
	compiler *jsonschema.Compiler
}

func loadOpenAPI(t *testing.T, base string) *openAPI {
	t.Helper()
	r := request(t, nil, "GET", base+"/api/v1/openapi.json", nil)
	if r.status != 200 {
		t.Fatalf("openapi.json: %d", r.status)
	}
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(r.body))
	if err != nil {
		t.Fatal(err)
	}
	m := doc.(map[string]any)
	if m["openapi"] != "3.1.0" {
		t.Fatalf("openapi version %v", m["openapi"])
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	if err := c.AddResource("https://portal.test/openapi.json", doc); err != nil {
		t.Fatal(err)
	}
	return &openAPI{m, c}
}

// validate checks a response against the schema the description gives for
// the operation at template and the response's status.
func (o *openAPI) validate(t *testing.T, template string, r response) {
	t.Helper()
	resp, ok := o.doc["paths"].(map[string]any)[template].(map[string]any)["get"].(map[string]any)["responses"].(map[string]any)[strconv.Itoa(r.status)]
	if !ok {
		t.Fatalf("%s: status %d is not described\n%s", template, r.status, r.body)
	}
	if r.status == http.StatusNotModified {
		return
	}
	if ct := r.header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Fatalf("%s: content type %q", template, ct)
	}
	if _, ok := resp.(map[string]any)["content"]; !ok {
		t.Fatalf("%s %d: no content described", template, r.status)
	}
	ptr := "/paths/" + strings.NewReplacer("~", "~0", "/", "~1").Replace(template) +
		"/get/responses/" + strconv.Itoa(r.status) + "/content/application~1json/schema"
	sch, err := o.compiler.Compile("https://portal.test/openapi.json#" + ptr)
	if err != nil {
		t.Fatal(err)
	}
	v, err := jsonschema.UnmarshalJSON(strings.NewReader(r.body))
	if err != nil {
		t.Fatalf("%s: body is not JSON: %v\n%s", template, err, r.body)
	}
	if err := sch.Validate(v); err != nil {
		t.Fatalf("%s %d: response does not match the description:\n%v", template, r.status, err)
	}
}

func decode[T any](t *testing.T, r response) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(r.body), &v); err != nil {
		t.Fatalf("%v\n%s", err, r.body)
	}
	return v
}

// TestAPIResponsesMatchTheDescription requests every endpoint, with good and
// bad parameters, and validates each real response against openapi.json.
func TestAPIResponsesMatchTheDescription(t *testing.T) {
	tp := newTestPortal(t)
	base, pool := tp.URL, tp.Pool
	ctx := context.Background()
	store := tp.Store
	// A public, signed update gives the timeline an entry to validate.
	author := addUser(t, pool, editorEmail, "李编辑", policy.RoleEditor)
	c, err := store.Commitment(ctx, firstCommitmentID(t, base))
	if err != nil {
		t.Fatal(err)
	}
	p := 60
	if _, err := store.AddProgressUpdate(ctx, policy.Actor{UserID: author, Name: "李编辑"}, c.ID, c.Version, policy.NewUpdate{
		HappenedOn: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC), Status: policy.StatusInProgress, Progress: &p,
		Note: "已完成规划中期评估。", EvidenceURL: "https://example.gov.cn/a", Public: true, Signed: true}); err != nil {
		t.Fatal(err)
	}
	spec := loadOpenAPI(t, base)
	id := strconv.FormatInt(c.ID, 10)
	cases := []struct {
		path, template string
		status         int
	}{
		{"/api/v1/documents", "/api/v1/documents", 200},
		{"/api/v1/documents?page=2&per_page=5", "/api/v1/documents", 200},
		{"/api/v1/documents?page=99", "/api/v1/documents", 200},
		{"/api/v1/documents?page=0", "/api/v1/documents", 400},
		{"/api/v1/documents?per_page=201", "/api/v1/documents", 400},
		{"/api/v1/documents?per_page=abc", "/api/v1/documents", 400},
		{"/api/v1/documents?page=1&page=2", "/api/v1/documents", 400},
		{"/api/v1/documents?sort=title", "/api/v1/documents", 400},
		{"/api/v1/documents?%zz", "/api/v1/documents", 400},
		{"/api/v1/documents/" + replySlug, "/api/v1/documents/{slug}", 200},
		{"/api/v1/documents/gz-emergency-master-plan", "/api/v1/documents/{slug}", 200},
		{"/api/v1/documents/no-such-document", "/api/v1/documents/{slug}", 404},
		{"/api/v1/documents/Bad_Slug", "/api/v1/documents/{slug}", 404},
		{"/api/v1/documents/" + replySlug + "?x=1", "/api/v1/documents/{slug}", 400},
		{"/api/v1/commitments", "/api/v1/commitments", 200},
		{"/api/v1/commitments?status=completed&status=planned&section=mineral_exploration", "/api/v1/commitments", 200},
		{"/api/v1/commitments?document=" + replySlug + "&lead=gz-industry-it-dept&per_page=3&page=2", "/api/v1/commitments", 200},
		{"/api/v1/commitments?region=tongren&year=2023&mineral=lithium", "/api/v1/commitments", 200},
		{"/api/v1/commitments?year=20x3", "/api/v1/commitments", 400},
		{"/api/v1/commitments?region=atlantis", "/api/v1/commitments", 400},
		{"/api/v1/commitments?status=done", "/api/v1/commitments", 400},
		{"/api/v1/commitments?document=nope", "/api/v1/commitments", 400},
		{"/api/v1/commitments?lead=%E4%B8%8D", "/api/v1/commitments", 400},
		{"/api/v1/commitments/" + id, "/api/v1/commitments/{id}", 200},
		{"/api/v1/commitments/999999", "/api/v1/commitments/{id}", 404},
		{"/api/v1/commitments/abc", "/api/v1/commitments/{id}", 404},
		{"/api/v1/commitments/-1", "/api/v1/commitments/{id}", 404},
		{"/api/v1/commitments/99999999999999999999", "/api/v1/commitments/{id}", 404},
		{"/api/v1/entities", "/api/v1/entities", 200},
		{"/api/v1/entities?kind=company&kind=park", "/api/v1/entities", 200},
		{"/api/v1/entities?kind=planet", "/api/v1/entities", 400},
		{"/api/v1/entities/catl", "/api/v1/entities/{slug}", 200},
		{"/api/v1/entities/qiannan-hitech-zone", "/api/v1/entities/{slug}", 200},
		{"/api/v1/entities/nobody", "/api/v1/entities/{slug}", 404},
	}
	for _, tc := range cases {
		t.Run(tc.path, func(t *testing.T) {
			r := request(t, nil, "GET", base+tc.path, nil)
			if r.status != tc.status {
				t.Fatalf("status %d, want %d\n%s", r.status, tc.status, r.body)
			}
			spec.validate(t, tc.template, r)
			if r.status >= 400 {
				e := decode[struct {
					Error struct{ Code, Message string }
				}](t, r)
				if e.Error.Message == "" || e.Error.Code == policy.EINTERNAL {
					t.Fatalf("error body %s", r.body)
				}
			}
		})
	}
}

func firstCommitmentID(t *testing.T, base string) int64 {
	t.Helper()
	l := decode[struct{ Data []struct{ ID int64 } }](t, request(t, nil, "GET", base+"/api/v1/commitments?per_page=1", nil))
	if len(l.Data) != 1 {
		t.Fatal("no commitments")
	}
	return l.Data[0].ID
}

// TestAPIRoutesAreAllDescribed keeps openapi.json and the router in step.
func TestAPIRoutesAreAllDescribed(t *testing.T) {
	tp := newTestPortal(t)
	spec := loadOpenAPI(t, tp.URL)
	var routes []string
	h := tp.Handler.(chi.Routes)
	chi.Walk(h, func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		if strings.HasPrefix(route, "/api/v1/") && !strings.HasSuffix(route, "/*") {
			routes = append(routes, route)
		}
		return nil
	})
	var described []string
	for p := range spec.doc["paths"].(map[string]any) {
		described = append(described, p)
	}
	slices.Sort(routes)
	slices.Sort(described)
	if !slices.Equal(routes, described) {
		t.Fatalf("routes %v\ndescribed %v", routes, described)
	}
}

func TestAPIDocumentCarriesTheWholeText(t *testing.T) {
	base := newTestPortal(t).URL
	type section struct {
		Anchor   string
		Children []section
	}
	d := decode[struct {
		DocNumber   string `json:"doc_number"`
		SignedOn    string `json:"signed_on"`
		Sections    []section
		Paragraphs  []struct{ Seq int }
		Commitments []struct{ ID int64 }
		Figures     []struct{ Quote string }
		Mentions    []struct {
			Entity struct{ Slug string }
			Quote  string
		}
		Links []struct{ Relation string }
	}](t, request(t, nil, "GET", base+"/api/v1/documents/"+replySlug, nil))
	count := 0
	var walk func([]section)
	walk = func(ss []section) {
		for _, s := range ss {
			count++
			walk(s.Children)
		}
	}
	walk(d.Sections)
	if d.DocNumber != "黔工信提复字〔2023〕4号" || d.SignedOn != "2023-06-28" || len(d.Sections) != 7 || count != 25 ||
		len(d.Paragraphs) != 25 || len(d.Commitments) != 51 || len(d.Figures) != 22 || len(d.Mentions) == 0 || len(d.Links) != 11 {
		t.Fatalf("document: %s %s, %d top sections, %d sections, %d paragraphs, %d commitments, %d figures, %d mentions, %d links",
			d.DocNumber, d.SignedOn, len(d.Sections), count, len(d.Paragraphs), len(d.Commitments), len(d.Figures), len(d.Mentions), len(d.Links))
	}
}

func TestAPIPaginationCoversTheListOnce(t *testing.T) {
	base := newTestPortal(t).URL
	var ids []int64
	next := "/api/v1/commitments?per_page=20"
	for pages := 0; next != ""; pages++ {
		if pages > 10 {
			t.Fatal("pagination does not end")
		}
		l := decode[struct {
			Data []struct{ ID int64 }
			Meta struct {
				Total int
				Next  string
			}
		}](t, request(t, nil, "GET", base+next, nil))
		for _, c := range l.Data {
			ids = append(ids, c.ID)
		}
		if l.Meta.Total != 51 {
			t.Fatalf("total %d", l.Meta.Total)
		}
		next = l.Meta.Next
	}
	slices.Sort(ids)
	if len(slices.Compact(ids)) != 51 {
		t.Fatalf("%d distinct commitments over the pages", len(ids))
	}
}

func TestAPIETagAnswers304(t *testing.T) {
	base := newTestPortal(t).URL
	for _, path := range []string{"/api/v1/documents", "/api/v1/commitments?status=completed", "/api/v1/entities/catl", "/api/v1/openapi.json"} {
		first := request(t, nil, "GET", base+path, nil)
		etag := first.header.Get("ETag")
		if first.status != 200 || !regexp.MustCompile(`^"[0-9a-f]{32}(-gzip|-br)?"$`).MatchString(etag) {
			t.Fatalf("%s: status %d, ETag %q", path, first.status, etag)
		}
		for _, inm := range []string{etag, "W/" + etag, `"other", ` + etag, "*"} {
			r := request(t, nil, "GET", base+path, nil, "If-None-Match", inm)
			if r.status != http.StatusNotModified || r.body != "" || r.header.Get("ETag") != etag {
				t.Fatalf("%s with If-None-Match %s: %d %q", path, inm, r.status, r.body)
			}
		}
		if r := request(t, nil, "GET", base+path, nil, "If-None-Match", `"stale"`); r.status != 200 || r.body != first.body {
			t.Fatalf("%s with a stale tag: %d", path, r.status)
		}
	}
}

func TestAPIErrorsAreJSON(t *testing.T) {
	base := newTestPortal(t).URL
	for _, tc := range []struct {
		method, path string
		status       int
		code         string
	}{
		{"GET", "/api/v1/nothing", 404, "not_found"},
		{"GET", "/api/v1/commitments/1/extra", 404, "not_found"},
		{"POST", "/api/v1/documents", 405, "method"},
		{"DELETE", "/api/v1/commitments/1", 405, "method"},
	} {
		r := request(t, nil, tc.method, base+tc.path, nil)
		e := decode[struct {
			Error struct{ Code, Message string }
		}](t, r)
		if r.status != tc.status || e.Error.Code != tc.code || !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
			t.Errorf("%s %s: %d %s", tc.method, tc.path, r.status, r.body)
		}
	}
}

// TestAPIShowsWhatThePublicSees checks that withdrawn commitments, internal
// updates and unsigned authors stay out of the API, signed in or not.
func TestAPIShowsWhatThePublicSees(t *testing.T) {
	p := newTestPortal(t, withStaff())
	base, pool := p.URL, p.Pool
	ctx := context.Background()
	store := postgres.NewStore(pool)
	editor := loggedIn(t, base, editorEmail)
	var editorID int64
	if err := pool.QueryRow(ctx, `SELECT id FROM users WHERE email = $1`, editorEmail).Scan(&editorID); err != nil {
		t.Fatal(err)
	}
	actor := policy.Actor{UserID: editorID, Name: "李编辑"}
	ids := decode[struct{ Data []struct{ ID int64 } }](t, request(t, nil, "GET", base+"/api/v1/commitments?per_page=2", nil)).Data
	tracked, withdrawn := ids[0].ID, ids[1].ID

	add := func(note string, public, signed bool) {
		c, err := store.Commitment(ctx, tracked)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := store.AddProgressUpdate(ctx, actor, tracked, c.Version, policy.NewUpdate{HappenedOn: time.Now(),
			Status: policy.StatusInProgress, Note: note, Public: public, Signed: signed}); err != nil {
			t.Fatal(err)
		}
	}
	add("公开署名的进展", true, true)
	add("公开未署名的进展", true, false)
	add("内部进展", false, true)
	c, err := store.Commitment(ctx, withdrawn)
	if err != nil {
		t.Fatal(err)
	}
	if err := store.WithdrawCommitment(ctx, actor, withdrawn, c.Version, "重复"); err != nil {
		t.Fatal(err)
	}

	for _, client := range []*http.Client{http.DefaultClient, editor} {
		get := func(path string) response {
			res, err := client.Get(base + path)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			var b bytes.Buffer
			b.ReadFrom(res.Body)
			return response{res.StatusCode, res.Header, b.String()}
		}
		d := decode[struct {
			Updates []struct {
				Note   string
				Author *string
			}
		}](t, get("/api/v1/commitments/"+strconv.FormatInt(tracked, 10)))
		if len(d.Updates) != 2 {
			t.Fatalf("%d updates, want the 2 public ones: %+v", len(d.Updates), d.Updates)
		}
		for _, u := range d.Updates {
			signed := u.Note == "公开署名的进展"
			if signed != (u.Author != nil && *u.Author == "李编辑") {
				t.Errorf("update %q: author %v", u.Note, u.Author)
			}
		}
		if r := get("/api/v1/commitments/" + strconv.FormatInt(withdrawn, 10)); r.status != 404 {
			t.Errorf("withdrawn commitment: %d", r.status)
		}
		for _, path := range []string{"/api/v1/commitments?per_page=200", "/api/v1/documents/" + replySlug, "/api/v1/entities/gz-industry-it-dept"} {
			r := get(path)
			if strings.Contains(r.body, `"id":`+strconv.FormatInt(withdrawn, 10)+`,`) || strings.Contains(r.body, "内部进展") {
				t.Errorf("%s shows the withdrawn commitment or the internal update", path)
			}
		}
		if l := decode[struct{ Meta struct{ Total int } }](t, get("/api/v1/commitments")); l.Meta.Total != 50 {
			t.Errorf("total %d, want 50", l.Meta.Total)
		}
	}
}

// TestAPIErrorsFollowTheRequestLanguage: a bad page, per_page or parameter is
// explained in Chinese by default and in English when the client asks.
func TestAPIErrorsFollowTheRequestLanguage(t *testing.T) {
	base := newTestPortal(t).URL
	for _, tc := range []struct{ path, lang, want string }{
		{"/api/v1/documents?per_page=500", "", "参数 per_page 必须是 1 到 200 之间的整数"},
		{"/api/v1/documents?per_page=500", "en", "The parameter per_page must be a whole number from 1 to 200, given once."},
		{"/api/v1/documents?page=0", "en-GB,en;q=0.9", "The parameter page must be a whole number from 1 to 1048576"},
		{"/api/v1/documents?sort=title", "", "不认识查询参数“sort”。可用的参数：page, per_page。"},
		{"/api/v1/documents?sort=title", "en", "Unknown query parameter “sort”. The parameters it takes: page, per_page."},
		{"/api/v1/entities/catl?x=1", "en", "This endpoint takes no query parameters; it got “x”."},
		{"/api/v1/entities/catl?x=1", "zh-CN", "这个接口不接受查询参数，收到了“x”。"},
	} {
		req, _ := http.NewRequest(http.MethodGet, base+tc.path, nil)
		if tc.lang != "" {
			req.Header.Set("Accept-Language", tc.lang)
		}
		r := send(t, http.DefaultClient, req)
		e := decode[struct {
			Error struct{ Code, Message string }
		}](t, r)
		if r.status != http.StatusBadRequest || e.Error.Code != policy.EINVALID || !strings.Contains(e.Error.Message, tc.want) {
			t.Errorf("%s [%s]: %d %+v, want %q", tc.path, tc.lang, r.status, e.Error, tc.want)
		}
	}
}
