package server_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/guizhou-portal/portal/internal/policy"
	"github.com/guizhou-portal/portal/internal/server"
)

// walkValues are the hostile values the route walk puts into every path
// parameter, query parameter and form field.
var walkValues = []string{
	"<script>alert(1)</script>", `"><img src=x onerror=alert(1)>`, "javascript:alert(1)", "' OR 1=1--",
	"%00", "\x00", "\xff\xfe\xfd", "99999999999999999999", "-1", "0", "1e308", "../../etc/passwd",
}

// perField marks the values (by index) also put into each field of a valid
// form alone: markup, NUL, invalid UTF-8 and a huge number.
var perField = map[int]bool{0: true, 1: true, 5: true, 6: true, 7: true}

// megabyte is the 1 MB value sent to a few routes of each kind.
var megabyte = strings.Repeat("锂<", 1<<20/4)

// walkParams are the query parameters any page or API list reads.
var walkParams = []string{"q", "kind", "page", "per_page", "document", "section", "status", "strength", "lead", "region", "sort",
	"mineral", "year", "next", "paragraph", "from", "to", "as_of", "token", "state", "back"}

// reflected lists the raw payloads that must never appear verbatim in a page.
var reflected = []string{"<script>alert(1)</script>", `"><img src=x onerror=alert(1)>`, `' OR 1=1--`, "\x00"}

// unsafeURL finds a javascript: URL in a link, form or source attribute.
var unsafeURL = regexp.MustCompile(`(?i)(href|src|action|formaction)\s*=\s*["']?\s*javascript:`)

// validForms are, per POST route, a form the portal accepts; the walk puts
// a hostile value into one field at a time. The version is filled in when sent.
var validForms = map[string]url.Values{
	"/login":                    {"email": {adminEmail}, "password": {password}, "next": {"/"}},
	"/logout":                   {},
	"/commitments":              {"document": {replySlug}, "paragraph": {"4"}, "quote": {"推动“一核两区”规划布局落细落实"}, "title": {"推动布局落细落实"}, "kind": {"measure"}, "strength": {"definite"}, "status": {"planned"}, "lead": {"gz-industry-it-dept"}},
	"/commitments/{id}/edit":    {"version": {""}, "status": {"in_progress"}, "progress": {"40"}, "lead": {"gz-industry-it-dept"}, "time_frame": {"2023年至2025年"}, "due_on": {"2025-12-31"}, "public_note": {"已召开项目推进会。"}},
	"/commitments/{id}/updates": {"version": {""}, "happened_on": {"2026-10-15"}, "update_status": {"in_progress"}, "update_progress": {"60"}, "note": {"完成用地预审。"}, "evidence_url": {"https://gxt.guizhou.gov.cn/news/1.html"}, "visibility": {"public"}, "signed": {"1"}},
	// A file comes as multipart only (evidence_test.go sends real ones): a form is a 400.
	"/commitments/{id}/updates/{update}/evidence": {"file": {"%PDF-1.4"}},
	"/commitments/{id}/withdraw":                  {"version": {""}, "reason": {"重复录入。"}},
	"/commitments/{id}/restore":                   {"version": {""}},
	// The walk's {update} is an update it adds to commitment 12 first.
	"/commitments/{id}/updates/{update}/edit": {"version": {""}, "note": {"完成用地预审(更正)。"}, "evidence_url": {"https://gxt.guizhou.gov.cn/news/2.html"}},
	"/commitments/{id}/updates/{update}/hide": {"version": {""}, "hide": {"1"}, "hide_reason": {"重复录入。"}},
	"/commitments/{id}/parts":                 {"title": {"锂电池正极材料"}, "part_status": {"planned"}},
	// Commitment 12 has no parts: taking its progress from them is refused; "set" is accepted.
	"/commitments/{id}/progress-source": {"version": {""}, "source": {"set"}},
	// Pinning commitment 12 again to its own words; confirming it is refused (it is not flagged).
	"/commitments/{id}/anchor":         {"paragraph": {"10"}, "quote": {"扶持壮大正极材料产业,积极引进隔膜、电解液等新能源电池关键材料企业向贵州省聚集"}},
	"/commitments/{id}/anchor/confirm": {},
	"/admin/users":                     {"email": {"new@example.gov.cn"}, "name": {"张三"}, "role": {"editor"}, "password": {"至少八个字符的密码"}},
	"/admin/users/{id}":                {"name": {"李编辑"}, "role": {"editor"}, "state": {"enabled"}},
	// A wrong current password: the change is refused, so the walk's admin
	// session keeps its token (a change would renew it).
	"/account/password":        {"current_password": {"不是当前密码的口令"}, "new_password": {"另一个足够长的密码"}, "confirm_password": {"另一个足够长的密码"}},
	"/commitments/{id}/verify": {"version": {""}, "verified_status": {"in_progress"}},
	// There is no review 12: approving or returning it is a 404.
	"/reviews/{id}/approve":      {"comment": {"与证明材料一致。"}},
	"/reviews/{id}/return":       {"comment": {"请补充证据。"}},
	"/admin/users/{id}/password": {"password": {"另一个足够长的密码"}},
	"/admin/themes":              {"key": {"education"}, "name_zh": {"教育"}, "name_en": {"Education"}, "keywords": {"学校、教师"}},
	"/admin/themes/{key}":        {"name_zh": {"找矿与资源保障"}, "name_en": {"Mineral exploration"}, "keywords": {"找矿、勘查"}},
	"/admin/themes/{key}/move":   {"dir": {"up"}},
	"/admin/units":               {"slug": {"gz-natural-resources-dept"}, "kind": {"government"}, "name": {"贵州省自然资源厅"}, "short_names": {"省自然资源厅"}, "parent": {""}, "contact_email": {"office@zrzyt.guizhou.gov.cn"}},
	// Without the current stamp the edit is refused as stale (409), typed values kept.
	"/admin/units/{unit}":    {"stamp": {"0000000000000000"}, "kind": {"government"}, "name": {"省财政"}, "full_name": {"贵州省财政厅"}, "short_names": {""}, "parent": {""}, "contact_email": {"czt@guizhou.gov.cn"}},
	"/admin/mail/{id}/retry": {},
	// Subscribing queues a confirmation mail (no table the fingerprint reads);
	// the personal links' routes get no valid token, so they answer 404.
	"/subscriptions":             {"email": {"reader@example.cn"}, "kind": {"commitment"}, "key": {"12"}},
	"/subscriptions/confirm":     {},
	"/subscriptions/manage":      {"frequency": {"daily"}},
	"/subscriptions/unsubscribe": {"List-Unsubscribe": {"One-Click"}},
	// The walk's slug is the seeded reply: published, so publishing it is a
	// 409; unpublishing it succeeds and the next publish undoes it.
	"/documents/{slug}/publish":   {},
	"/documents/{slug}/unpublish": {},
	"/documents/{slug}/grade":     {"grade": {"B"}},
	// Issuing shows a new link each time; revoking link 1 (issued by the
	// walk's first issue) is a 303, then changes nothing.
	"/documents/{slug}/evaluation-links":             {"addressee": {"农工党贵州省委员会"}},
	"/documents/{slug}/evaluation-links/{id}/revoke": {},
	// The walk's token is well formed but no link's: every submission is a
	// 404 (or 429 once the client is over the limit), and nothing is saved.
	"/evaluations/{token}": {"rating": {"satisfied"}, "section-1": {"basically_satisfied"}, "comment": {"答复认真。"}, "comment_public": {"1"}},
	// No follow-up exists in the walk's database: 404s.
	"/follow-ups/{id}/due":   {"version": {""}, "due_on": {"2027-03-03"}},
	"/follow-ups/{id}/close": {"version": {""}, "reply": {replySlug}},
	// Without confirm and sum the import page only shows its review; nothing is saved.
	"/documents/import": {"name": {"答复.txt"}, "text": {"关于加快电池材料产业发展的答复\n\n王委员:\n您提出的《关于加快电池材料产业发展的建议》收悉。现答复如下:\n一、加快产业发展\n我们将加快建设电池材料基地。\n\n贵州省工业和信息化厅\n2023年6月28日\n"}},
}

// TestEveryRouteWithstandsHostileInput walks every route of the handler and
// sends hostile values in its path parameters, query parameters and form
// fields, as the public and as a signed-in admin: never a 5xx, every answer
// says its Content-Type, no payload comes back unescaped, and a refused
// request changes nothing in the database.
func TestEveryRouteWithstandsHostileInput(t *testing.T) {
	start := time.Now()
	p := newHandlerPortal(t)
	uid := scalar[int64](t, p.pool, `INSERT INTO progress_updates (commitment_id, happened_on, status, note, public)
		VALUES (12, '2026-10-01', 'in_progress', '走查用的进展。', true) RETURNING id`)
	var routes []struct{ method, pattern string }
	err := chi.Walk(p.h.(chi.Routes), func(method, pattern string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		routes = append(routes, struct{ method, pattern string }{method, pattern})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(routes) < 30 {
		t.Fatalf("chi.Walk found %d routes; the nested ones are missing", len(routes))
	}
	posts := 0
	for _, r := range routes {
		if r.method == http.MethodPost && !strings.HasSuffix(r.pattern, "*") {
			posts++
			if _, ok := validForms[r.pattern]; !ok {
				t.Errorf("POST %s has no valid form in the walk: add one to validForms", r.pattern)
			}
		}
	}

	requests := 0
	send := func(who string, method, path, rawQuery string, form url.Values, rawBody string) {
		t.Helper()
		u := &url.URL{Path: path, RawQuery: rawQuery}
		req := httptest.NewRequest(method, "/", nil)
		req.URL, req.RequestURI = u, u.RequestURI()
		var cookie *http.Cookie
		if who == "admin" {
			cookie = p.admin
		}
		if method == http.MethodPost {
			req.Header.Set("Origin", "http://example.com")
			req.Header.Set("Sec-Fetch-Site", "same-origin")
			if form == nil {
				form = url.Values{}
			}
		}
		// A GET never changes anything: each route's GETs are checked together below.
		var before string
		if method != http.MethodGet {
			before = p.fingerprint(t)
		}
		var rec *httptest.ResponseRecorder
		if rawBody != "" {
			req.Body = io.NopCloser(strings.NewReader(rawBody))
			req.ContentLength = int64(len(rawBody))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			rec = p.serve(req, nil, cookie)
		} else {
			rec = p.serve(req, form, cookie)
		}
		requests++
		what := who + " " + method + " " + truncateForLog(u.String())
		if form != nil && rawBody == "" {
			what += " form " + truncateForLog(form.Encode())
		}
		if rec.Code >= 500 {
			t.Errorf("%s: status %d\n%.400s", what, rec.Code, rec.Body.String())
			return
		}
		ct := rec.Header().Get("Content-Type")
		if ct == "" && rec.Body.Len() > 0 {
			t.Errorf("%s: status %d with a body and no Content-Type", what, rec.Code)
		}
		if strings.HasPrefix(ct, "text/html") {
			body := rec.Body.String()
			for _, raw := range reflected {
				if strings.Contains(body, raw) {
					t.Errorf("%s: the page holds %q unescaped", what, raw)
				}
			}
			if m := unsafeURL.FindString(body); m != "" {
				t.Errorf("%s: the page links to %q", what, m)
			}
		}
		if method != http.MethodGet && (rec.Code >= 400 || (who == "public" && path != "/login" && path != "/logout")) {
			if after := p.fingerprint(t); after != before {
				t.Errorf("%s: refused with %d, yet the database changed", what, rec.Code)
			}
		}
		if path == "/logout" && who == "admin" || strings.HasPrefix(path, "/admin/users/1") {
			p.admin = p.login(t, adminEmail) // the walk signs out or resets the admin itself
		}
	}

	// valid holds a well-formed value for each path parameter of the routes;
	// a new route with a new parameter adds one line here.
	valid := map[string]string{
		"id":     "12",
		"slug":   replySlug,
		"anchor": "s1",
		"lang":   "en",
		"n":      "1",
		"key":    "mineral_exploration",
		"*":      "style.css",
		"token":  "dGhlIHJvdXRlIHdhbGsgdG9rZW4sIG5vIGxpbmshISE",
		"unit":   "gz-finance-dept",
		"update": strconv.FormatInt(uid, 10),
		"name":   "批复.pdf",
	}
	fill := func(pattern string, param, value string) string {
		out := pattern
		for name := range valid {
			if name == "*" {
				continue
			}
			v := valid[name]
			if strings.HasPrefix(pattern, "/admin/users/") && name == "id" {
				v = "2" // the editor: the admin cannot disable itself
			}
			if name == param {
				v = value
			}
			out = strings.ReplaceAll(out, "{"+name+"}", v)
		}
		if strings.HasSuffix(out, "/*") {
			v := valid["*"]
			if param == "*" {
				v = value
			}
			out = strings.TrimSuffix(out, "*") + v
		}
		return out
	}
	params := regexp.MustCompile(`\{(\w+)\}|\*$`)

	for i, r := range routes {
		if r.method != http.MethodGet && r.method != http.MethodPost {
			continue // the static files' other methods: sent below as methods not served
		}
		var getsBefore string
		if r.method == http.MethodGet {
			getsBefore = p.fingerprint(t)
		}
		var names []string
		for _, m := range params.FindAllStringSubmatch(r.pattern, -1) {
			if m[1] == "" {
				names = append(names, "*")
			} else {
				names = append(names, m[1])
			}
		}
		for j, h := range walkValues {
			for _, who := range []string{"public", "admin"} {
				if r.method != http.MethodPost && who == "admin" && j%3 != 0 {
					continue // GETs differ little by who asks: a third of the values as admin
				}
				// Path and query variants carry a valid form without its
				// password: a password costs an argon2 hash per request.
				cheap := func() url.Values { return p.formFor(t, r.pattern, "password", "") }
				// Each path parameter in turn.
				for _, name := range names {
					send(who, r.method, fill(r.pattern, name, h), "", cheap(), "")
				}
				// Every query parameter at once, escaped and raw, then one alone.
				path := fill(r.pattern, "", "")
				all := url.Values{}
				var raw []string
				for _, k := range walkParams {
					all.Set(k, h)
					raw = append(raw, k+"="+h)
				}
				send(who, r.method, path, all.Encode(), cheap(), "")
				send(who, r.method, path, strings.Join(raw, "&"), cheap(), "")
				k := walkParams[(i+j)%len(walkParams)]
				send(who, r.method, path, url.Values{k: {h}}.Encode(), cheap(), "")
				if r.method != http.MethodPost {
					continue
				}
				// Every form field at once, then each alone in a valid form.
				hostile := url.Values{}
				for field := range p.formFor(t, r.pattern, "", "") {
					if field != "version" {
						hostile.Set(field, h)
					}
				}
				for _, field := range []string{"email", "password", "next", "name", "role", "state", "reason", "note"} {
					hostile.Set(field, h)
				}
				if v := p.formFor(t, r.pattern, "", "").Get("version"); v != "" {
					hostile.Set("version", v)
				}
				send(who, r.method, path, "", hostile, "")
				if perField[j] && (who == "admin" || r.pattern == "/login") {
					for field := range validForms[r.pattern] {
						send(who, r.method, path, "", p.formFor(t, r.pattern, field, h), "")
					}
				}
				send(who, r.method, path, "", nil, h) // the body itself hostile
			}
		}
		if r.method == http.MethodGet && p.fingerprint(t) != getsBefore {
			t.Errorf("GET %s changed the database", r.pattern)
		}
		// Methods the route does not serve.
		for _, m := range []string{http.MethodPut, http.MethodDelete, http.MethodPatch, "PROPFIND"} {
			send("public", m, fill(r.pattern, "", ""), "", nil, "")
		}
	}

	// A megabyte in a path, a query and a form, for a few routes.
	for _, who := range []string{"public", "admin"} {
		send(who, http.MethodGet, "/commitments/"+megabyte, "", nil, "")
		send(who, http.MethodGet, "/documents/"+megabyte, "", nil, "")
		send(who, http.MethodGet, "/search", url.Values{"q": {megabyte}}.Encode(), nil, "")
		send(who, http.MethodGet, "/commitments", url.Values{"status": {megabyte}, "year": {megabyte}}.Encode(), nil, "")
		send(who, http.MethodGet, "/api/v1/commitments", url.Values{"lead": {megabyte}}.Encode(), nil, "")
		send(who, http.MethodGet, "/lang/en", url.Values{"next": {"/" + megabyte}}.Encode(), nil, "")
		send(who, http.MethodPost, "/login", "", url.Values{"email": {megabyte}, "password": {megabyte}}, "")
		send(who, http.MethodPost, "/commitments/12/edit", "", p.formFor(t, "/commitments/{id}/edit", "public_note", megabyte), "")
		send(who, http.MethodPost, "/admin/users", "", p.formFor(t, "/admin/users", "name", megabyte), "")
	}

	// Every route that reads as_of, at a date the ledger has (today, in
	// China) and at the ledger's first day: the past is rendered, not refused.
	asOfRoutes := 0
	for _, r := range routes {
		if r.method != http.MethodGet || !server.RouteTakes(r.pattern, "as_of") {
			continue
		}
		asOfRoutes++
		first := scalar[time.Time](t, p.pool, `SELECT min(created_at) FROM commitments`).In(policy.China).Format(time.DateOnly)
		for _, day := range []string{time.Now().In(policy.China).Format(time.DateOnly), first} {
			for _, who := range []string{"public", "admin"} {
				send(who, http.MethodGet, fill(r.pattern, "", ""), url.Values{"as_of": {day}}.Encode(), nil, "")
			}
		}
	}
	if asOfRoutes < 9 {
		t.Errorf("%d GET routes read as_of; the commitments, documents, dashboard, units and API routes all do", asOfRoutes)
	}

	// What was saved is shown escaped on every page that shows it.
	for _, path := range []string{"/commitments/12", "/commitments/12/history", "/commitments/12/edit", "/changes", "/admin/users",
		"/documents/" + replySlug, "/commitments", "/updates.atom", "/commitments/12/updates.atom"} {
		send("admin", http.MethodGet, path, "", nil, "")
		send("public", http.MethodGet, path, "", nil, "")
	}
	t.Logf("%d routes (%d POST), %d requests in %v", len(routes), posts, requests, time.Since(start).Round(time.Millisecond))
}

// formFor is the valid form of a POST route with field set to value (none
// when field is ""), at the commitment's current version.
func (p *handlerPortal) formFor(t *testing.T, pattern, field, value string) url.Values {
	base, ok := validForms[pattern]
	if !ok {
		return nil
	}
	form := url.Values{}
	for k, v := range base {
		form[k] = append([]string(nil), v...)
	}
	if _, ok := form["version"]; ok {
		form.Set("version", itoa(scalar[int](t, p.pool, `SELECT version FROM commitments WHERE id = 12`)))
	}
	if field != "" {
		form.Set(field, value)
	}
	return form
}

// fingerprint sums up what a refused request must not change: commitments,
// their units and updates, accounts, the audit log, evaluation links,
// evaluations and follow-ups.
func (p *handlerPortal) fingerprint(t *testing.T) string {
	return scalar[string](t, p.pool, `SELECT concat_ws('|',
		(SELECT md5(coalesce(string_agg(c::text, ',' ORDER BY c.id), '')) FROM commitments c),
		(SELECT md5(coalesce(string_agg(u::text, ',' ORDER BY u.commitment_id, u.entity_id, u.role), '')) FROM commitment_units u),
		(SELECT count(*) FROM progress_updates),
		(SELECT md5(coalesce(string_agg(concat_ws(',', id, email, name, role, disabled_at, password_hash), ';' ORDER BY id), '')) FROM users),
		(SELECT count(*) FROM audit_log),
		(SELECT md5(coalesce(string_agg(concat_ws(',', id, used_at, revoked_at), ';' ORDER BY id), '')) FROM evaluation_links),
		(SELECT count(*) FROM evaluations), (SELECT md5(coalesce(string_agg(f::text, ',' ORDER BY f.id), '')) FROM follow_ups f))`)
}

func truncateForLog(s string) string {
	if len(s) > 160 {
		return s[:160] + "…"
	}
	return s
}
