package server_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/guizhou-portal/portal/internal/server"
)

func TestLoginFormAndOneMessageForEveryFailure(t *testing.T) {
	p := newTestPortal(t, withStaff())
	base, pool := p.URL, p.Pool
	c := browserClient(t)
	r := request(t, c, "GET", base+"/login", nil)
	for _, want := range []string{`name="email"`, `name="password"`, `type="password"`, `action="/login"`} {
		if !strings.Contains(r.body, want) {
			t.Errorf("login form lacks %s", want)
		}
	}
	for _, tc := range []struct{ name, email, password string }{
		{"wrong password", editorEmail, "not the password"},
		{"unknown account", "nobody@example.gov.cn", password},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := request(t, c, "POST", base+"/login", url.Values{"email": {tc.email}, "password": {tc.password}})
			if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "邮箱或密码不正确。") {
				t.Errorf("status %d, want 422 with the one failure message", r.status)
			}
			if strings.Contains(r.body, "不存在") || strings.Contains(r.body, "已停用") {
				t.Error("the failure message tells whether the account exists")
			}
			if sessionCookie(t, c, base) != "" {
				t.Error("a failed login got a session")
			}
		})
	}
	t.Run("disabled account", func(t *testing.T) {
		pool.Exec(t.Context(), `UPDATE users SET disabled_at = now() WHERE email = $1`, editorEmail)
		r := request(t, c, "POST", base+"/login", url.Values{"email": {editorEmail}, "password": {password}})
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "邮箱或密码不正确。") {
			t.Errorf("status %d, want 422 with the same message", r.status)
		}
	})
	t.Run("empty fields", func(t *testing.T) {
		r := request(t, c, "POST", base+"/login", url.Values{"email": {""}, "password": {""}})
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "请填写邮箱。") || !strings.Contains(r.body, "请填写密码。") {
			t.Errorf("status %d, want 422 naming both fields", r.status)
		}
	})
}

func TestLoginStartsASessionUnderANewTokenAndGoesOn(t *testing.T) {
	p := newTestPortal(t, withStaff())
	base, pool := p.URL, p.Pool
	c := browserClient(t)
	r := request(t, c, "POST", base+"/login", url.Values{"email": {"  Admin@Example.gov.cn "}, "password": {password}, "next": {"/changes"}})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/changes" {
		t.Fatalf("status %d to %q, want 303 to /changes", r.status, r.header.Get("Location"))
	}
	cookie := r.header.Get("Set-Cookie")
	for _, want := range []string{"portal_session=", "HttpOnly", "SameSite=Lax", "Path=/"} {
		if !strings.Contains(cookie, want) {
			t.Errorf("session cookie %q lacks %s", cookie, want)
		}
	}
	if strings.Contains(cookie, "Secure") {
		t.Error("the cookie is Secure although the portal is served over plain HTTP")
	}
	first := sessionCookie(t, c, base)
	if r := request(t, c, "GET", base+"/changes", nil); r.status != 200 || !strings.Contains(r.body, "王管理") {
		t.Fatalf("signed in, /changes: %d", r.status)
	}
	// Logging in again renews the token; the old one is worthless.
	request(t, c, "POST", base+"/login", url.Values{"email": {adminEmail}, "password": {password}})
	if second := sessionCookie(t, c, base); second == first || second == "" {
		t.Errorf("login kept the token %q", first)
	}
	if n := scalar[int](t, pool, `SELECT count(*) FROM sessions WHERE token = $1`, first); n != 0 {
		t.Error("the old session is still stored")
	}
	for _, next := range []string{"https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"} {
		c := browserClient(t)
		r := request(t, c, "POST", base+"/login", url.Values{"email": {adminEmail}, "password": {password}, "next": {next}})
		if r.header.Get("Location") != "/" {
			t.Errorf("next=%q sent the user to %q", next, r.header.Get("Location"))
		}
	}
}

func TestSessionCookieIsSecureOverHTTPS(t *testing.T) {
	base := newTestPortal(t, withStaff(), withOptions(server.Options{HTTPS: true})).URL
	r := request(t, browserClient(t), "POST", base+"/login", url.Values{"email": {adminEmail}, "password": {password}})
	if !strings.Contains(r.header.Get("Set-Cookie"), "Secure") {
		t.Errorf("cookie %q is not Secure", r.header.Get("Set-Cookie"))
	}
}

func TestLoginIsThrottledPerAccountAndPerClient(t *testing.T) {
	p := newTestPortal(t, withStaff())
	base, pool := p.URL, p.Pool
	c := browserClient(t)
	for i := 1; i <= 5; i++ {
		r := request(t, c, "POST", base+"/login", url.Values{"email": {editorEmail}, "password": {"wrong-" + strconv.Itoa(i)}})
		if r.status != http.StatusUnprocessableEntity {
			t.Fatalf("attempt %d: status %d, want 422", i, r.status)
		}
	}
	// The sixth attempt waits, even with the right password.
	r := request(t, c, "POST", base+"/login", url.Values{"email": {editorEmail}, "password": {password}})
	if r.status != http.StatusTooManyRequests {
		t.Fatalf("sixth attempt: status %d, want 429", r.status)
	}
	wait, err := strconv.Atoi(r.header.Get("Retry-After"))
	if err != nil || wait < 1 || wait > 15*60+1 {
		t.Errorf("Retry-After %q, want seconds up to 15 minutes", r.header.Get("Retry-After"))
	}
	if !strings.Contains(r.body, "分钟后再试") {
		t.Error("the page does not say when to retry")
	}
	if sessionCookie(t, c, base) != "" {
		t.Error("a throttled attempt got a session")
	}
	// The same client is now blocked for any account, too: five failures came from it.
	r = request(t, c, "POST", base+"/login", url.Values{"email": {adminEmail}, "password": {password}})
	if r.status != http.StatusTooManyRequests {
		t.Errorf("another account from the same client: status %d, want 429", r.status)
	}

	t.Run("per client across accounts", func(t *testing.T) {
		pool.Exec(t.Context(), `DELETE FROM login_attempts`)
		for i := 1; i <= 5; i++ {
			request(t, c, "POST", base+"/login", url.Values{"email": {"guess" + strconv.Itoa(i) + "@example.gov.cn"}, "password": {"whatever1"}})
		}
		r := request(t, c, "POST", base+"/login", url.Values{"email": {"guess6@example.gov.cn"}, "password": {"whatever1"}})
		if r.status != http.StatusTooManyRequests {
			t.Errorf("sixth account from one client: status %d, want 429", r.status)
		}
	})
	t.Run("failures older than the window do not count", func(t *testing.T) {
		pool.Exec(t.Context(), `DELETE FROM login_attempts`)
		pool.Exec(t.Context(), `INSERT INTO login_attempts (email, client, succeeded, attempted_at)
			SELECT $1, '127.0.0.1', false, now() - interval '16 minutes' FROM generate_series(1, 10)`, editorEmail)
		if r := request(t, browserClient(t), "POST", base+"/login", url.Values{"email": {editorEmail}, "password": {password}}); r.status != http.StatusSeeOther {
			t.Errorf("status %d, want 303", r.status)
		}
	})
}

func TestLogoutEndsTheSessionOnTheServer(t *testing.T) {
	p := newTestPortal(t, withStaff())
	base, pool := p.URL, p.Pool
	c := loggedIn(t, base, editorEmail)
	token := sessionCookie(t, c, base)
	if r := request(t, c, "GET", base+"/logout", nil); r.status != http.StatusMethodNotAllowed {
		t.Errorf("GET /logout: status %d, want 405: state never changes on GET", r.status)
	}
	r := request(t, c, "POST", base+"/logout", nil)
	if r.status != http.StatusSeeOther {
		t.Fatalf("logout: status %d", r.status)
	}
	if n := scalar[int](t, pool, `SELECT count(*) FROM sessions WHERE token = $1`, token); n != 0 {
		t.Error("the session is still stored after logout")
	}
	// Replaying the old cookie gets the public's view.
	replay := browserClient(t)
	req, _ := http.NewRequest(http.MethodGet, base+"/changes", nil)
	req.AddCookie(&http.Cookie{Name: "portal_session", Value: token})
	if r := send(t, replay, req); r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/login") {
		t.Errorf("old cookie after logout: status %d to %q, want 303 to /login", r.status, r.header.Get("Location"))
	}
}

func TestSessionsEndWhenIdleAndAfterTheirLifetime(t *testing.T) {
	t.Run("idle", func(t *testing.T) {
		base := newTestPortal(t, withStaff(), withOptions(server.Options{SessionIdle: time.Second, SessionLifetime: time.Hour})).URL
		c := loggedIn(t, base, editorEmail)
		time.Sleep(600 * time.Millisecond)
		if r := request(t, c, "GET", base+"/changes", nil); r.status != 200 {
			t.Fatalf("within the idle timeout: status %d", r.status)
		}
		time.Sleep(600 * time.Millisecond) // 1.2 s after login, 0.6 s after the last request
		if r := request(t, c, "GET", base+"/changes", nil); r.status != 200 {
			t.Fatalf("each request moves the idle deadline on, yet: status %d", r.status)
		}
		time.Sleep(1200 * time.Millisecond)
		if r := request(t, c, "GET", base+"/changes", nil); r.status != http.StatusSeeOther {
			t.Errorf("after the idle timeout: status %d, want 303 to login", r.status)
		}
	})
	t.Run("absolute", func(t *testing.T) {
		base := newTestPortal(t, withStaff(), withOptions(server.Options{SessionIdle: time.Hour, SessionLifetime: 1500 * time.Millisecond})).URL
		c := loggedIn(t, base, editorEmail)
		for range 3 {
			if r := request(t, c, "GET", base+"/changes", nil); r.status != 200 {
				t.Fatalf("within the lifetime: status %d", r.status)
			}
			time.Sleep(300 * time.Millisecond)
		}
		time.Sleep(900 * time.Millisecond)
		if r := request(t, c, "GET", base+"/changes", nil); r.status != http.StatusSeeOther {
			t.Errorf("after the lifetime, despite activity: status %d, want 303 to login", r.status)
		}
	})
}

func TestDisablingAnAccountEndsItsSessions(t *testing.T) {
	p := newTestPortal(t, withStaff())
	base, pool := p.URL, p.Pool
	editor := loggedIn(t, base, editorEmail)
	admin := loggedIn(t, base, adminEmail)
	id := scalar[int64](t, pool, `SELECT id FROM users WHERE email = $1`, editorEmail)
	r := request(t, admin, "POST", base+"/admin/users/"+strconv.FormatInt(id, 10), url.Values{"name": {"李编辑"}, "role": {"editor"}, "state": {"disabled"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("disable: status %d\n%s", r.status, r.body)
	}
	if n := scalar[int](t, pool, `SELECT count(*) FROM sessions WHERE user_id = $1`, id); n != 0 {
		t.Errorf("%d sessions left for the disabled account", n)
	}
	if r := request(t, editor, "GET", base+"/changes", nil); r.status != http.StatusSeeOther {
		t.Errorf("disabled editor: status %d, want 303 to login", r.status)
	}
	if r := request(t, editor, "POST", base+"/commitments/1/edit", editForm(t, pool, 1)); r.status != http.StatusUnauthorized {
		t.Errorf("disabled editor saving: status %d, want 401", r.status)
	}
	// An admin cannot lock the portal out by disabling or demoting themselves.
	adminID := scalar[int64](t, pool, `SELECT id FROM users WHERE email = $1`, adminEmail)
	for _, f := range []url.Values{
		{"name": {"王管理"}, "role": {"admin"}, "state": {"disabled"}},
		{"name": {"王管理"}, "role": {"editor"}, "state": {"enabled"}},
	} {
		if r := request(t, admin, "POST", base+"/admin/users/"+strconv.FormatInt(adminID, 10), f); r.status != http.StatusUnprocessableEntity {
			t.Errorf("admin changing their own account %v: status %d, want 422", f, r.status)
		}
	}
}

func TestCrossOriginPostsAreRefusedEvenWithASession(t *testing.T) {
	p := newTestPortal(t, withStaff())
	base, pool := p.URL, p.Pool
	c := loggedIn(t, base, editorEmail)
	before := version(t, pool, 1)
	for _, h := range [][]string{{"Sec-Fetch-Site", "cross-site"}, {"Origin", "https://evil.example"}} {
		r := request(t, c, "POST", base+"/commitments/1/edit", editForm(t, pool, 1), h...)
		if r.status != http.StatusForbidden {
			t.Errorf("%s: %s: status %d, want 403", h[0], h[1], r.status)
		}
	}
	if r := request(t, browserClient(t), "POST", base+"/login", url.Values{"email": {adminEmail}, "password": {password}},
		"Sec-Fetch-Site", "cross-site"); r.status != http.StatusForbidden {
		t.Errorf("cross-site login: status %d, want 403", r.status)
	}
	if version(t, pool, 1) != before {
		t.Error("a cross-origin POST changed the commitment")
	}
	if r := request(t, c, "POST", base+"/commitments/1/edit", editForm(t, pool, 1), "Sec-Fetch-Site", "same-origin"); r.status != http.StatusSeeOther {
		t.Errorf("same-origin POST: status %d, want 303", r.status)
	}
}
