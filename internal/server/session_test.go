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

func TestSessionCookieIsSecureOverHTTPS(t *testing.T) {
	base := newTestPortal(t, withStaff(), withOptions(server.Options{HTTPS: true})).URL
	r := request(t, browserClient(t), "POST", base+"/login", url.Values{"email": {adminEmail}, "password": {password}})
	if !strings.Contains(r.header.Get("Set-Cookie"), "Secure") {
		t.Errorf("cookie %q is not Secure", r.header.Get("Set-Cookie"))
	}
}

func TestLogoutEndsTheSessionOnTheServer(t *testing.T) {
	p := newTestPortal(t, withStaff())
	base, pool := p.URL, p.Pool
	c := loggedIn(t, base, editorEmail)
	token := sessionCookie(t, c, base)
	u, _ := url.Parse(base)
	signed := "" // the cookie as sent, signature and all
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == "portal_session" {
			signed = ck.Value
		}
	}
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
	req, _ := http.NewRequest(http.MethodGet, base+"/documents/import", nil)
	req.AddCookie(&http.Cookie{Name: "portal_session", Value: signed})
	if r := send(t, replay, req); r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/login") {
		t.Errorf("old cookie after logout: status %d to %q, want 303 to /login", r.status, r.header.Get("Location"))
	}
}

func TestSessionsEndWhenIdleAndAfterTheirLifetime(t *testing.T) {
	t.Run("idle", func(t *testing.T) {
		base := newTestPortal(t, withStaff(), withOptions(server.Options{SessionIdle: time.Second, SessionLifetime: time.Hour})).URL
		c := loggedIn(t, base, editorEmail)
		time.Sleep(600 * time.Millisecond)
		if r := request(t, c, "GET", base+"/documents/import", nil); r.status != 200 {
			t.Fatalf("within the idle timeout: status %d", r.status)
		}
		time.Sleep(600 * time.Millisecond) // 1.2 s after login, 0.6 s after the last request
		if r := request(t, c, "GET", base+"/documents/import", nil); r.status != 200 {
			t.Fatalf("each request moves the idle deadline on, yet: status %d", r.status)
		}
		time.Sleep(1200 * time.Millisecond)
		if r := request(t, c, "GET", base+"/documents/import", nil); r.status != http.StatusSeeOther {
			t.Errorf("after the idle timeout: status %d, want 303 to login", r.status)
		}
	})
	t.Run("absolute", func(t *testing.T) {
		base := newTestPortal(t, withStaff(), withOptions(server.Options{SessionIdle: time.Hour, SessionLifetime: 1500 * time.Millisecond})).URL
		c := loggedIn(t, base, editorEmail)
		for range 3 {
			if r := request(t, c, "GET", base+"/documents/import", nil); r.status != 200 {
				t.Fatalf("within the lifetime: status %d", r.status)
			}
			time.Sleep(300 * time.Millisecond)
		}
		time.Sleep(900 * time.Millisecond)
		if r := request(t, c, "GET", base+"/documents/import", nil); r.status != http.StatusSeeOther {
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
	if r := request(t, editor, "GET", base+"/documents/import", nil); r.status != http.StatusSeeOther {
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
