package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestOwnPasswordChange: a user changes their own password at
// /account/password with the current one; bad input is refused (422) and a
// wrong current password counts like a failed login, up to 429; on success
// every other session of the account ends, this one goes on, the change is
// audited and the new password logs in.
func TestOwnPasswordChange(t *testing.T) {
	p := newTestPortal(t, withStaff())
	base, pool := p.URL, p.Pool
	const newPassword = "黔中磷化工新材料基地"
	here := loggedIn(t, base, editorEmail)
	elsewhere := loggedIn(t, base, editorEmail)
	admin := loggedIn(t, base, adminEmail)
	if r := request(t, here, "GET", base+"/account/password", nil); r.status != http.StatusOK || !strings.Contains(r.body, `name="current_password"`) {
		t.Fatalf("form: %d", r.status)
	}
	if r := request(t, loggedIn(t, base, ""), "GET", base+"/account/password", nil); r.status != http.StatusSeeOther {
		t.Errorf("the public asking for the form: %d", r.status)
	}
	form := func(current, next, confirm string) url.Values {
		return url.Values{"current_password": {current}, "new_password": {next}, "confirm_password": {confirm}}
	}
	hash := func() string {
		return scalar[string](t, pool, `SELECT password_hash FROM users WHERE email = $1`, editorEmail)
	}
	old := hash()
	for _, c := range []struct {
		name  string
		form  url.Values
		field string
	}{
		{"no current", form("", newPassword, newPassword), "current_password"},
		{"short", form(password, "短", "短"), "new_password"},
		{"same", form(password, password, password), "new_password"},
		{"mismatch", form(password, newPassword, newPassword+"x"), "confirm_password"},
		{"wrong current", form("错误的当前密码口令", newPassword, newPassword), "current_password"},
	} {
		r := request(t, here, "POST", base+"/account/password", c.form)
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `id="err-`+c.field+`"`) {
			t.Errorf("%s: %d, message for %s %v", c.name, r.status, c.field, strings.Contains(r.body, `id="err-`+c.field+`"`))
		}
		if strings.Contains(r.body, newPassword) || strings.Contains(r.body, password) {
			t.Errorf("%s: a password is shown again", c.name)
		}
	}
	if hash() != old {
		t.Fatal("a refused change changed the password")
	}

	r := request(t, here, "POST", base+"/account/password", form(password, newPassword, newPassword))
	if r.status != http.StatusSeeOther {
		t.Fatalf("change: %d\n%s", r.status, r.body)
	}
	if hash() == old {
		t.Fatal("the password did not change")
	}
	if r := request(t, here, "GET", base+"/account/password", nil); r.status != http.StatusOK || !strings.Contains(r.body, "已保存") {
		t.Errorf("this session after the change: %d, 已保存 %v", r.status, strings.Contains(r.body, "已保存"))
	}
	if r := request(t, elsewhere, "GET", base+"/account/password", nil); r.status != http.StatusSeeOther {
		t.Errorf("the other session still works: %d", r.status)
	}
	if r := request(t, admin, "GET", base+"/admin/users", nil); r.status != http.StatusOK {
		t.Errorf("another account's session ended: %d", r.status)
	}
	if n := scalar[int](t, pool, `SELECT count(*) FROM audit_log a JOIN users u ON u.id = a.subject_id
		WHERE a.action = 'user.password_own' AND u.email = $1 AND a.actor_id = u.id AND (a.detail->>'sessions_ended')::int = 1`, editorEmail); n != 1 {
		t.Errorf("%d audit records of the change", n)
	}
	if r := request(t, browserClient(t), "POST", base+"/login", url.Values{"email": {editorEmail}, "password": {newPassword}}); r.status != http.StatusSeeOther {
		t.Errorf("the new password does not log in: %d", r.status)
	}

	// Guessing the current password is throttled like logging in.
	var last response
	for range 6 {
		last = request(t, here, "POST", base+"/account/password", form("再猜一次当前密码", "第三个足够长的密码", "第三个足够长的密码"))
	}
	if last.status != http.StatusTooManyRequests || last.header.Get("Retry-After") == "" {
		t.Errorf("repeated wrong current passwords: %d", last.status)
	}
	// They count against the account, not the address: another account logs
	// in from the same address, while the account's own login waits.
	if r := request(t, browserClient(t), "POST", base+"/login", url.Values{"email": {adminEmail}, "password": {password}}); r.status != http.StatusSeeOther {
		t.Errorf("one user's wrong current passwords lock another account's login from the same address: %d", r.status)
	}
	if r := request(t, browserClient(t), "POST", base+"/login", url.Values{"email": {editorEmail}, "password": {newPassword}}); r.status != http.StatusTooManyRequests {
		t.Errorf("the account guessed at logs in at once: %d", r.status)
	}
}
