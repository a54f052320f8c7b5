package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
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

func TestAParallelBurstOfLoginsIsThrottledAsItArrives(t *testing.T) {
	base := newTestPortal(t, withStaff()).URL
	statuses := parallel(t, 30, func(i int) int {
		return request(t, browserClient(t), "POST", base+"/login", url.Values{"email": {editorEmail}, "password": {fmt.Sprintf("wrong-%d", i)}}).status
	})
	if statuses[http.StatusUnprocessableEntity] != 5 || statuses[http.StatusTooManyRequests] != 25 {
		t.Errorf("statuses %v, want five 422 and 25 429", statuses)
	}
}
