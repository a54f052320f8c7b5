package server_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// hiddenFields reads the hidden inputs of a page, as a browser would send them.
func hiddenFields(body string) url.Values {
	out := url.Values{}
	for _, m := range regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)"`).FindAllStringSubmatch(body, -1) {
		out.Add(m[1], html.UnescapeString(m[2]))
	}
	return out
}

// TestFormPostedAfterSessionEndsComesBackAfterLogin: an update posted after the
// session ended gets the login form (401) carrying it, returning to the
// commitment's page, not the POST-only address; after the login the page shows
// it filled in, once, unsaved; sending it saves it and the page says 已保存. A
// stale version still gets the conflict; another account logging in on that
// page does not get the form.
func TestFormPostedAfterSessionEndsComesBackAfterLogin(t *testing.T) {
	p := newTestPortal(t, withStaff())
	base, pool := p.URL, p.Pool
	const id = 9
	page := base + commitmentPath(id)
	updates := func() int {
		return scalar[int](t, pool, `SELECT count(*) FROM progress_updates WHERE commitment_id = $1`, id)
	}
	before := updates()

	editor := loggedIn(t, base, editorEmail)
	expire := func(c *http.Client) {
		t.Helper()
		if _, err := pool.Exec(t.Context(), `UPDATE sessions SET expiry = now() - interval '1 minute' WHERE token = $1`, sessionCookie(t, c, base)); err != nil {
			t.Fatal(err)
		}
	}
	expire(editor)
	const note = `已完成项目选址论证 "<script>alert(1)</script>" & 下一步报批。`
	f := updateForm(t, pool, id, note, "public")
	f.Set("password", "不应回显")
	r := request(t, editor, "POST", page+"/updates", f)
	if r.status != http.StatusUnauthorized || !strings.Contains(r.body, `action="/login"`) {
		t.Fatalf("post after expiry: %d, login form %v", r.status, strings.Contains(r.body, `action="/login"`))
	}
	if strings.Contains(r.body, "<script>alert") || strings.Contains(r.body, "不应回显") ||
		strings.Contains(r.body, url.QueryEscape("不应回显")) || !strings.Contains(r.body, "您填写的内容没有丢失") {
		t.Fatal("the login page echoes the form unsafely, carries a password or does not say the input is kept")
	}
	hidden := hiddenFields(r.body)
	if hidden.Get("next") != commitmentPath(id) {
		t.Errorf("next = %q, want the form's page %s", hidden.Get("next"), commitmentPath(id))
	}
	kept, err := url.ParseQuery(hidden.Get("kept_form"))
	if err != nil || kept.Get("note") != note || kept.Get("version") != f.Get("version") || kept.Has("password") {
		t.Fatalf("kept form %v (%v)", kept, err)
	}
	if updates() != before {
		t.Fatal("the post without a session saved something")
	}

	// Another account logging in on that page does not get the form.
	other := browserClient(t)
	login := hidden
	login.Set("email", adminEmail)
	login.Set("password", password)
	if r := request(t, other, "POST", base+"/login", login); r.status != http.StatusSeeOther {
		t.Fatalf("admin login: %d", r.status)
	}
	if r := request(t, other, "GET", page, nil); strings.Contains(r.body, "已完成项目选址论证") {
		t.Error("another account got the form typed under the editor's session")
	}

	// The editor logs in on the login page: the form comes back, filled in.
	login = hiddenFields(r.body)
	login.Set("email", editorEmail)
	login.Set("password", password)
	lr := request(t, editor, "POST", base+"/login", login)
	if lr.status != http.StatusSeeOther || lr.header.Get("Location") != commitmentPath(id) {
		t.Fatalf("login: %d to %q", lr.status, lr.header.Get("Location"))
	}
	back := request(t, editor, "GET", page, nil)
	if !strings.Contains(back.body, html.EscapeString(note)) || !strings.Contains(back.body, "已恢复登录过期前填写的内容") {
		t.Fatalf("the form did not come back filled in: %d", back.status)
	}
	if updates() != before {
		t.Fatal("the form was saved without being confirmed")
	}
	if again := request(t, editor, "GET", page, nil); strings.Contains(again.body, html.EscapeString(note)) {
		t.Error("the kept form is shown more than once")
	}
	form := formValues(t, back.body, `action="`+commitmentPath(id)+`/updates"`)
	if form.Get("note") != note || form.Get("version") != f.Get("version") {
		t.Fatalf("restored form %v", form)
	}
	if r := request(t, editor, "POST", page+"/updates", form); r.status != http.StatusSeeOther {
		t.Fatalf("confirming the restored form: %d", r.status)
	}
	if updates() != before+1 {
		t.Fatal("the confirmed form was not saved")
	}
	if r := request(t, editor, "GET", page, nil); !strings.Contains(r.body, `class="flash"`) || !strings.Contains(r.body, "已保存。") {
		t.Error("the page after the save does not say 已保存")
	}
	if r := request(t, editor, "GET", page, nil); strings.Contains(r.body, "已保存。") {
		t.Error("已保存 is shown more than once")
	}

	// A kept form at a version that has since moved on gets the conflict.
	expire(editor)
	stale := updateForm(t, pool, id, "过期版本的进展。", "public")
	stale.Set("version", itoa(version(t, pool, id)-1))
	r = request(t, editor, "POST", page+"/updates", stale)
	login = hiddenFields(r.body)
	login.Set("email", editorEmail)
	login.Set("password", password)
	if r := request(t, editor, "POST", base+"/login", login); r.status != http.StatusSeeOther {
		t.Fatalf("login: %d", r.status)
	}
	form = formValues(t, request(t, editor, "GET", page, nil).body, `action="`+commitmentPath(id)+`/updates"`)
	if r := request(t, editor, "POST", page+"/updates", form); r.status != http.StatusConflict {
		t.Errorf("a stale kept form: %d, want 409", r.status)
	}

	// The edit form's page is itself; a withdrawal's is the commitment's page.
	expire(editor)
	ef := editForm(t, pool, id)
	ef.Set("public_note", "登录过期前写的公开说明。")
	ef.Set("kind", "plan")
	r = request(t, editor, "POST", page+"/edit", ef)
	if hiddenFields(r.body).Get("next") != commitmentPath(id)+"/edit" {
		t.Errorf("edit: next = %q", hiddenFields(r.body).Get("next"))
	}
	login = hiddenFields(r.body)
	login.Set("email", editorEmail)
	login.Set("password", password)
	if r := request(t, editor, "POST", base+"/login", login); r.status != http.StatusSeeOther {
		t.Fatalf("login: %d", r.status)
	}
	edited := formValues(t, request(t, editor, "GET", page+"/edit", nil).body, `action="`+commitmentPath(id)+`/edit"`)
	if edited.Get("public_note") != "登录过期前写的公开说明。" || edited.Get("kind") != "plan" || edited.Get("version") != ef.Get("version") {
		t.Errorf("the edit form came back as %v", edited)
	}
	expire(editor)
	r = request(t, editor, "POST", page+"/withdraw", url.Values{"version": {"1"}, "reason": {"重复"}})
	if hiddenFields(r.body).Get("next") != commitmentPath(id) {
		t.Errorf("withdraw: next = %q", hiddenFields(r.body).Get("next"))
	}
}

// formValues reads the named fields of the form whose tag contains marker, as
// a browser would send it: inputs, checked radios and boxes, textareas and
// selected options.
func formValues(t *testing.T, body, marker string) url.Values {
	t.Helper()
	i := strings.Index(body, marker)
	if i < 0 {
		t.Fatalf("no form %s", marker)
	}
	form := body[i:]
	form = form[:strings.Index(form, "</form>")]
	out := url.Values{}
	for _, m := range regexp.MustCompile(`<input ([^>]*)>`).FindAllStringSubmatch(form, -1) {
		attrs := m[1]
		name := attr(attrs, "name")
		typ := attr(attrs, "type")
		if name == "" || ((typ == "radio" || typ == "checkbox") && !strings.Contains(attrs, " checked")) {
			continue
		}
		out.Add(name, attr(attrs, "value"))
	}
	for _, m := range regexp.MustCompile(`(?s)<textarea ([^>]*)>(.*?)</textarea>`).FindAllStringSubmatch(form, -1) {
		out.Add(attr(m[1], "name"), html.UnescapeString(m[2]))
	}
	for _, m := range regexp.MustCompile(`(?s)<select ([^>]*)>(.*?)</select>`).FindAllStringSubmatch(form, -1) {
		for _, o := range regexp.MustCompile(`<option value="([^"]*)" selected`).FindAllStringSubmatch(m[2], -1) {
			out.Add(attr(m[1], "name"), html.UnescapeString(o[1]))
		}
	}
	return out
}

// attr is the value of an attribute in a tag's attribute text.
func attr(attrs, name string) string {
	m := regexp.MustCompile(`(?:^|\s)` + name + `="([^"]*)"`).FindStringSubmatch(attrs)
	if m == nil {
		return ""
	}
	return html.UnescapeString(m[1])
}

// TestNewCommitmentFormComesBackAfterLogin: a new commitment posted after the
// session expired returns, after the login, to its paragraph's form with
// the quote and title typed.
func TestNewCommitmentFormComesBackAfterLogin(t *testing.T) {
	p := newTestPortal(t, withStaff())
	base, pool := p.URL, p.Pool
	editor := loggedIn(t, base, editorEmail)
	if _, err := pool.Exec(t.Context(), `UPDATE sessions SET expiry = now() - interval '1 minute'`); err != nil {
		t.Fatal(err)
	}
	const quote, title = "推动“一核两区”规划布局落细落实", "推动布局落细落实(恢复)"
	f := url.Values{"document": {replySlug}, "paragraph": {"4"}, "quote": {quote}, "title": {title}, "kind": {"measure"},
		"strength": {"definite"}, "status": {"planned"}, "lead": {"gz-industry-it-dept"}}
	r := request(t, editor, "POST", base+"/commitments", f)
	login := hiddenFields(r.body)
	if r.status != http.StatusUnauthorized || login.Get("next") != "/commitments/new?document="+replySlug+"&paragraph=4" {
		t.Fatalf("post after the session: %d, next %q", r.status, login.Get("next"))
	}
	login.Set("email", editorEmail)
	login.Set("password", password)
	if r := request(t, editor, "POST", base+"/login", login); r.status != http.StatusSeeOther {
		t.Fatalf("login: %d", r.status)
	}
	back := request(t, editor, "GET", base+login.Get("next"), nil)
	if back.status != http.StatusOK || !strings.Contains(back.body, html.EscapeString(title)) || !strings.Contains(back.body, html.EscapeString(quote)) {
		t.Errorf("the new commitment's form did not come back filled in: %d", back.status)
	}
}

// TestKeptFormOwnerCannotBeForgedOrGuessed: the owner a login form carries
// with a kept form is sealed by the server. Altering it, or the form, drops
// the form; so does an owner the portal no longer knows (the ended session's
// row swept): the form is not restored to whoever logs in, and the page says
// it was not restored.
func TestKeptFormOwnerCannotBeForgedOrGuessed(t *testing.T) {
	p := newTestPortal(t, withStaff())
	base, pool := p.URL, p.Pool
	const id = 9
	page := base + commitmentPath(id)
	const note = "已完成项目选址论证，下一步报批。"
	adminID := scalar[int64](t, pool, `SELECT id FROM users WHERE email = $1`, adminEmail)
	editorID := scalar[int64](t, pool, `SELECT id FROM users WHERE email = $1`, editorEmail)

	// Posted under the editor's expired session: the login form carries a seal.
	editor := loggedIn(t, base, editorEmail)
	if _, err := pool.Exec(t.Context(), `UPDATE sessions SET expiry = now() - interval '1 minute'`); err != nil {
		t.Fatal(err)
	}
	r := request(t, editor, "POST", page+"/updates", updateForm(t, pool, id, note, "public"))
	hidden := hiddenFields(r.body)
	seal := hidden.Get("kept_owner")
	if r.status != http.StatusUnauthorized || !strings.HasPrefix(seal, strconv.FormatInt(editorID, 10)+".") {
		t.Fatalf("post after expiry: %d, seal %q", r.status, seal)
	}
	loginAs := func(email string, form url.Values) string {
		t.Helper()
		c := browserClient(t)
		form.Set("email", email)
		form.Set("password", password)
		if r := request(t, c, "POST", base+"/login", form); r.status != http.StatusSeeOther {
			t.Fatalf("login: %d", r.status)
		}
		return request(t, c, "GET", page, nil).body
	}
	clone := func(v url.Values) url.Values {
		c := url.Values{}
		for k, vs := range v {
			c[k] = append([]string(nil), vs...)
		}
		return c
	}

	// The owner rewritten to the admin's id (old style, or with the editor's
	// signature), and the form altered under the editor's seal: dropped.
	_, sig, _ := strings.Cut(seal, ".")
	for name, c := range map[string]struct {
		email string
		edit  func(url.Values)
	}{
		"plain admin id":         {adminEmail, func(v url.Values) { v.Set("kept_owner", strconv.FormatInt(adminID, 10)) }},
		"admin id, editor's mac": {adminEmail, func(v url.Values) { v.Set("kept_owner", strconv.FormatInt(adminID, 10)+"."+sig) }},
		"no owner":               {adminEmail, func(v url.Values) { v.Del("kept_owner") }},
		"form altered": {editorEmail, func(v url.Values) {
			f, _ := url.ParseQuery(v.Get("kept_form"))
			f.Set("note", "篡改过的说明。")
			v.Set("kept_form", f.Encode())
		}},
	} {
		form := clone(hidden)
		c.edit(form)
		body := loginAs(c.email, form)
		if strings.Contains(body, note) || strings.Contains(body, "篡改过的说明") || !strings.Contains(body, "登录前填写的表单未能恢复") {
			t.Errorf("%s: the kept form was restored, or the page does not say it was dropped", name)
		}
	}

	// Untouched, it comes back to the editor.
	if body := loginAs(editorEmail, clone(hidden)); !strings.Contains(body, note) {
		t.Error("the editor's own sealed form did not come back")
	}

	// The ended session's row swept: the owner is unknown, no seal, dropped.
	editor = loggedIn(t, base, editorEmail)
	if _, err := pool.Exec(t.Context(), `DELETE FROM sessions`); err != nil {
		t.Fatal(err)
	}
	r = request(t, editor, "POST", page+"/updates", updateForm(t, pool, id, note, "public"))
	if h := hiddenFields(r.body); r.status != http.StatusUnauthorized || h.Get("kept_owner") != "" || h.Get("kept_form") == "" {
		t.Fatalf("post after the row was swept: %d, owner %q", r.status, h.Get("kept_owner"))
	} else if body := loginAs(adminEmail, h); strings.Contains(body, note) || !strings.Contains(body, "登录前填写的表单未能恢复") {
		t.Error("a form of unknown owner was restored to another account")
	}
}
