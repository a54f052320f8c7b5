package server_test

// Fuzz targets that drive the portal's handlers over a real database: the
// /commitments and API filters, and every form a person can post. They call
// the handler directly, so a fuzzed query string reaches the parsers exactly
// as typed, without an HTTP client tidying it first.

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/jackc/pgx/v5/pgxpool"
)

// handlerPortal is the portal's handler over a fresh database with an admin
// and an editor signed in.
type handlerPortal struct {
	h             http.Handler
	pool          *pgxpool.Pool
	editor, admin *http.Cookie
}

func newHandlerPortal(tb testing.TB) *handlerPortal {
	tb.Helper()
	tp := newTestPortal(tb, withStaff())
	p := &handlerPortal{h: tp.Handler, pool: tp.Pool}
	p.admin, p.editor = p.login(tb, adminEmail), p.login(tb, editorEmail)
	return p
}

// login signs in as email. Tests that post many failed logins from one
// address would be throttled, so the record of attempts is cleared first.
func (p *handlerPortal) login(tb testing.TB, email string) *http.Cookie {
	if _, err := p.pool.Exec(context.Background(), `DELETE FROM login_attempts`); err != nil {
		tb.Fatal(err)
	}
	rec := p.serve(httptest.NewRequest(http.MethodPost, "/login", nil), url.Values{"email": {email}, "password": {password}}, nil)
	for _, c := range rec.Result().Cookies() {
		if c.Name == "portal_session" && c.Value != "" {
			return c
		}
	}
	tb.Fatalf("login as %s: status %d", email, rec.Code)
	return nil
}

// serve sends req, with form as its body when given, as the holder of cookie.
func (p *handlerPortal) serve(req *http.Request, form url.Values, cookie *http.Cookie) *httptest.ResponseRecorder {
	if form != nil {
		req.Body = http.NoBody
		body := form.Encode()
		req.Body, req.ContentLength = nopCloser{strings.NewReader(body)}, int64(len(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if cookie != nil {
		req.AddCookie(cookie)
	}
	rec := httptest.NewRecorder()
	p.h.ServeHTTP(rec, req)
	return rec
}

type nopCloser struct{ *strings.Reader }

func (nopCloser) Close() error { return nil }

// checkAnswer fails on a status outside want, a missing Content-Type, or an
// HTML or JSON body that is not valid UTF-8.
func checkAnswer(t *testing.T, what string, rec *httptest.ResponseRecorder, want ...int) {
	t.Helper()
	ok := false
	for _, s := range want {
		ok = ok || rec.Code == s
	}
	if !ok || rec.Code >= 500 {
		t.Fatalf("%s: status %d, want one of %v\n%.600s", what, rec.Code, want, rec.Body.String())
	}
	ct := rec.Header().Get("Content-Type")
	if ct == "" && rec.Code != http.StatusSeeOther && rec.Code != http.StatusNotModified {
		t.Fatalf("%s: status %d without a Content-Type", what, rec.Code)
	}
	if (strings.HasPrefix(ct, "text/") || strings.Contains(ct, "json")) && !utf8.Valid(rec.Body.Bytes()) {
		t.Fatalf("%s: %s body is not UTF-8", what, ct)
	}
}

// FuzzCommitmentFilters sends any query string to the lists that share the
// commitment filters, the search and the other lists: each answers 200 or a
// 400 page (404 past a search's last page), never a 5xx.
func FuzzCommitmentFilters(f *testing.F) {
	for _, q := range []string{"", "status=completed", "section=talent_technology&status=completed", "status=nope", "status=%ff",
		"year=2025", "year=02025", "year=99999999999999999999", "year=-1", "year=1e308", "region=tongren&mineral=lithium",
		"lead=gz-industry-it-dept", "lead=no-such-unit", "document=qgxtfz-2023-4", "document=../../etc/passwd",
		"kind=measure&strength=definite", "page=2&per_page=1", "per_page=0", "page=1&page=2", "q=锂矿", "q=%00",
		"q=<script>alert(1)</script>", "kind=commitment&page=2&q=锂", "status=' OR 1=1--", "%zz", "a=%", ";", "&&&=",
		"status=completed&status=planned&status=completed", "section=" + strings.Repeat("x", 3000)} {
		f.Add(q)
	}
	p := newHandlerPortal(f)
	f.Fuzz(func(t *testing.T, raw string) {
		for _, path := range []string{"/commitments", "/commitments.csv", "/api/v1/commitments", "/search", "/api/v1/documents", "/api/v1/entities"} {
			req := httptest.NewRequest(http.MethodGet, path, nil)
			req.URL.RawQuery = raw
			rec := p.serve(req, nil, nil)
			want := []int{200, 400}
			if path == "/search" {
				want = append(want, 404)
			}
			checkAnswer(t, path+"?"+raw, rec, want...)
		}
	})
}

// FuzzLoginForm: the login form answers 303 to a page of this site, or the
// form again (422, or 429 once throttled); never anything else.
func FuzzLoginForm(f *testing.F) {
	f.Add(editorEmail, password, "/commitments/12")
	f.Add(editorEmail, password, "//evil.example")
	f.Add(editorEmail, password, "/\t/evil.example")
	f.Add("EDITOR@example.gov.cn ", password, "javascript:alert(1)")
	for _, s := range hostileValues {
		f.Add(s, s, s)
	}
	p := newHandlerPortal(f)
	f.Fuzz(func(t *testing.T, email, pw, next string) {
		rec := p.serve(httptest.NewRequest(http.MethodPost, "/login", nil), url.Values{"email": {email}, "password": {pw}, "next": {next}}, nil)
		checkAnswer(t, "login", rec, 303, 422, 429, 413)
		if rec.Code == http.StatusSeeOther {
			if loc := rec.Header().Get("Location"); !strings.HasPrefix(loc, "/") || strings.HasPrefix(loc, "//") || strings.ContainsAny(loc, "\\\t\r\n") {
				t.Fatalf("login with next %q redirects to %q", next, loc)
			}
		}
	})
}

// FuzzCommitmentEditForm: an edit is saved (303, the version moves on) or
// refused with the form (422) and nothing changes.
func FuzzCommitmentEditForm(f *testing.F) {
	f.Add("in_progress", "40", "gz-industry-it-dept", "", "2023年至2025年", "2025-12-31", "已召开项目推进会。")
	f.Add("completed", "99", "", "", "", "", "")
	f.Add("planned", "", "gz-industry-it-dept", "gz-industry-it-dept", "", "2101-01-01", "")
	for _, s := range hostileValues {
		f.Add(s, s, s, s, s, s, s)
		f.Add("planned", "", "", "", s, "", s)
	}
	p := newHandlerPortal(f)
	f.Fuzz(func(t *testing.T, status, progress, lead, support, timeFrame, due, note string) {
		before := scalar[int](t, p.pool, `SELECT version FROM commitments WHERE id = 12`)
		audit := scalar[int](t, p.pool, `SELECT count(*) FROM audit_log`)
		form := url.Values{"version": {itoa(before)}, "status": {status}, "progress": {progress}, "lead": {lead},
			"support": {support}, "time_frame": {timeFrame}, "due_on": {due}, "public_note": {note}}
		rec := p.serve(httptest.NewRequest(http.MethodPost, "/commitments/12/edit", nil), form, p.editor)
		checkAnswer(t, "edit", rec, 303, 422, 413)
		after := scalar[int](t, p.pool, `SELECT version FROM commitments WHERE id = 12`)
		audited := scalar[int](t, p.pool, `SELECT count(*) FROM audit_log`)
		switch {
		case rec.Code == http.StatusSeeOther && (after != before+1 || audited != audit+1):
			t.Fatalf("saved, but version %d to %d, audit %d to %d", before, after, audit, audited)
		case rec.Code != http.StatusSeeOther && (after != before || audited != audit):
			t.Fatalf("refused with %d, but version %d to %d, audit %d to %d", rec.Code, before, after, audit, audited)
		}
		if rec.Code == http.StatusSeeOther {
			if got := scalar[string](t, p.pool, `SELECT status FROM commitments WHERE id = 12`); got != status {
				t.Fatalf("saved status %q as %q", status, got)
			}
		}
	})
}

// FuzzNewCommitmentForm: a new commitment is created (303) or the form comes
// back (422), or the paragraph named is refused (400, 404); the count of
// commitments moves only on 303.
func FuzzNewCommitmentForm(f *testing.F) {
	f.Add("4", "推动“一核两区”规划布局落细落实", "推动布局落细落实", "measure", "definite", "planned")
	f.Add("4", "推动", "推动", "measure", "definite", "planned")
	f.Add("99999999999999999999", "x", "x", "measure", "definite", "planned")
	for _, s := range hostileValues {
		f.Add("4", s, s, s, s, s)
		f.Add(s, s, "标题", "measure", "definite", "planned")
	}
	p := newHandlerPortal(f)
	f.Fuzz(func(t *testing.T, paragraph, quote, title, kind, strength, status string) {
		before := scalar[int](t, p.pool, `SELECT count(*) FROM commitments`)
		form := url.Values{"document": {replySlug}, "paragraph": {paragraph}, "quote": {quote}, "title": {title},
			"kind": {kind}, "strength": {strength}, "status": {status}}
		rec := p.serve(httptest.NewRequest(http.MethodPost, "/commitments", nil), form, p.editor)
		checkAnswer(t, "new commitment", rec, 303, 400, 404, 422, 413)
		after := scalar[int](t, p.pool, `SELECT count(*) FROM commitments`)
		if (rec.Code == http.StatusSeeOther) != (after == before+1) || after < before {
			t.Fatalf("status %d, commitments %d to %d", rec.Code, before, after)
		}
	})
}

// FuzzUserForms: adding, changing and resetting accounts answer 303 or the
// page with the messages (422), 404 for an account that is not there.
func FuzzUserForms(f *testing.F) {
	f.Add("new@example.gov.cn", "张三", "editor", "enabled", "至少八个字符的密码", "2")
	f.Add("bad", "", "root", "gone", "short", "1")
	for _, s := range hostileValues {
		f.Add(s, s, s, s, s, s)
	}
	p := newHandlerPortal(f)
	f.Fuzz(func(t *testing.T, email, name, role, state, pw, id string) {
		users := scalar[int](t, p.pool, `SELECT count(*) FROM users`)
		rec := p.serve(httptest.NewRequest(http.MethodPost, "/admin/users", nil),
			url.Values{"email": {email}, "name": {name}, "role": {role}, "password": {pw}}, p.admin)
		checkAnswer(t, "new account", rec, 303, 422, 413)
		if now := scalar[int](t, p.pool, `SELECT count(*) FROM users`); (rec.Code == 303) != (now == users+1) {
			t.Fatalf("status %d, accounts %d to %d", rec.Code, users, now)
		}
		// Account 1 is the admin signed in: the editor (2) takes the changes.
		target := "/admin/users/" + url.PathEscape(id)
		if req, err := http.NewRequest(http.MethodPost, target, nil); err == nil {
			rec = p.serve(req, url.Values{"name": {name}, "role": {role}, "state": {state}}, p.admin)
			checkAnswer(t, "change account", rec, 303, 404, 422, 413)
		}
		if req, err := http.NewRequest(http.MethodPost, target+"/password", nil); err == nil {
			rec = p.serve(req, url.Values{"password": {pw}}, p.admin)
			checkAnswer(t, "reset password", rec, 303, 404, 422, 413)
		}
		// Changes to the editor may end their session or take their role; sign in again.
		if scalar[bool](t, p.pool, `SELECT disabled_at IS NOT NULL OR role <> 'editor' FROM users WHERE id = 2`) {
			if _, err := p.pool.Exec(context.Background(), `UPDATE users SET disabled_at = NULL, role = 'editor' WHERE id = 2`); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// hostileValues are typed into every field by the fuzz seeds and the route walk.
var hostileValues = []string{
	"<script>alert(1)</script>", `"><img src=x onerror=alert(1)>`, "javascript:alert(1)", "' OR 1=1--",
	"%00", "\x00", "a\x00b", "\xff\xfe\xfd", "99999999999999999999", "-1", "0", "1e308", "../../etc/passwd",
}
