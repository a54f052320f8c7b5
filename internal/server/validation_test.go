package server_test

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestEveryFieldIsValidatedBesideItself submits each form with one bad field at
// a time: the answer is 422, the message stands beside that field, what was
// typed is shown again (escaped), and nothing is saved.
func TestEveryFieldIsValidatedBesideItself(t *testing.T) {
	p := newTestPortal(t, withStaff())
	base, pool := p.URL, p.Pool
	admin := loggedIn(t, base, adminEmail)
	long := func(n int) string { return strings.Repeat("锂", n) }
	type bad struct {
		field, value, message string
	}
	forms := []struct {
		path  string
		valid func() url.Values
		cases []bad
	}{
		{"/commitments/9/edit", func() url.Values { return editForm(t, pool, 9) }, []bad{
			{"status", "finished", "请从列表中选择状态。"},
			{"progress", "101", "0 到 100 之间的整数"},
			{"progress", "-1", "0 到 100 之间的整数"},
			{"progress", "四十", "0 到 100 之间的整数"},
			{"lead", "no-such-unit", "不在名单上"},
			{"support", "gz-industry-it-dept", "不能既牵头又配合"},
			{"time_frame", long(61), "最多 60 个字"},
			{"time_frame", "2023年\x07", "控制字符"},
			{"due_on", "2025-13-01", "2025-12-31 这样的日期"},
			{"due_on", "1999-12-31", "2000 年到 2100 年"},
			{"public_note", long(2001), "最多 2000 个字"},
			{"public_note", "bad \xff byte", "无法识别的字符"},
		}},
		{"/commitments/9/updates", func() url.Values { return updateForm(t, pool, 9, "完成环评。", "public") }, []bad{
			{"happened_on", "", "请填写日期。"},
			{"happened_on", "2099-01-01", "不能晚于今天"},
			{"happened_on", "yesterday", "2025-12-31 这样的日期"},
			{"update_status", "", "请从列表中选择状态。"},
			{"update_progress", "150", "0 到 100 之间的整数"},
			{"note", "", "请填写进展情况。"},
			{"note", long(4001), "最多 4000 个字"},
			{"evidence_url", "javascript:alert(1)", "http:// 或 https://"},
			{"evidence_url", "ftp://example.gov.cn/a", "http:// 或 https://"},
			{"evidence_url", "https://", "http:// 或 https://"},
			{"visibility", "everyone", "公开还是仅工作人员"},
		}},
		{"/commitments", func() url.Values {
			return url.Values{"document": {replySlug}, "paragraph": {"4"}, "quote": {"加快形成产业集群"}, "title": {"加快形成产业集群"},
				"kind": {"measure"}, "strength": {"definite"}, "status": {"not_assessed"}}
		}, []bad{
			{"quote", "", "请填写引文。"},
			{"quote", "<script>alert(1)</script>", "一字不差地摘自这一段"},
			{"quote", "新能源", "出现了不止一次"},
			{"quote", "省工业和信息化厅印发实施", "重叠"},
			{"title", "", "请填写标题。"},
			{"title", long(61), "最多 60 个字"},
			{"kind", "promise", "请从列表中选择类型。"},
			{"strength", "strong", "请从列表中选择承诺力度。"},
			{"status", "done", "请从列表中选择状态。"},
			{"lead", "zzz", "不在名单上"},
		}},
		{"/admin/users", func() url.Values {
			return url.Values{"email": {"zhang@example.gov.cn"}, "name": {"张新"}, "role": {"editor"}, "password": {"一二三四五六七八"}}
		}, []bad{
			{"email", "not-an-email", "邮箱格式不正确"},
			{"email", "a@b@c", "邮箱格式不正确"},
			{"email", adminEmail, "已有账户"},
			{"name", "", "请填写姓名。"},
			{"name", long(61), "最多 60 个字"},
			{"role", "root", "请选择编辑或管理员。"},
			{"password", "一二三四五六七", "至少 8 个字符"},
			{"password", long(257), "最多 256 个字符"},
		}},
	}
	for _, f := range forms {
		for _, b := range f.cases {
			t.Run(fmt.Sprintf("%s %s=%.20q", f.path, b.field, b.value), func(t *testing.T) {
				form := f.valid()
				if b.field == "support" {
					form.Set("lead", b.value) // the same unit on both sides
				}
				form.Set(b.field, b.value)
				before := snapshot(t, pool)
				r := request(t, admin, "POST", base+f.path, form)
				if r.status != http.StatusUnprocessableEntity {
					t.Fatalf("status %d, want 422\n%.2000s", r.status, r.body)
				}
				i := strings.Index(r.body, `id="err-`+b.field+`"`)
				if i < 0 {
					t.Fatalf("no message beside %s", b.field)
				}
				if msg := r.body[i:min(len(r.body), i+400)]; !strings.Contains(msg, b.message) {
					t.Errorf("message beside %s is %.200q, want it to say %q", b.field, msg, b.message)
				}
				if !strings.Contains(r.body, `aria-invalid="true"`) {
					t.Error("the field is not marked invalid")
				}
				// Typed fields show the input again; a choice outside a list cannot be shown.
				choice := strings.Contains("status update_status lead support kind strength role visibility", b.field)
				if kept := html.EscapeString(b.value); !choice && b.field != "password" && b.value != "" && len(b.value) < 300 &&
					strings.ToValidUTF8(b.value, "") == b.value && !strings.Contains(r.body, kept) {
					t.Errorf("the typed value %q is not shown again", b.value)
				}
				if strings.Contains(r.body, "<script>alert") {
					t.Error("markup from the form was echoed unescaped")
				}
				if snapshot(t, pool) != before {
					t.Error("an invalid form changed the database")
				}
			})
		}
		t.Run(f.path+" is valid as built", func(t *testing.T) {
			if r := request(t, admin, "POST", base+f.path, f.valid()); r.status != http.StatusSeeOther {
				t.Errorf("status %d, want 303\n%.1000s", r.status, r.body)
			}
		})
	}
	t.Run("a form without its version is refused", func(t *testing.T) {
		form := editForm(t, pool, 9)
		form.Del("version")
		if r := request(t, admin, "POST", base+"/commitments/9/edit", form); r.status != http.StatusBadRequest {
			t.Errorf("status %d, want 400", r.status)
		}
	})
	t.Run("a body over the cap is refused", func(t *testing.T) {
		form := editForm(t, pool, 9)
		form.Set("public_note", strings.Repeat("x", 300<<10))
		if r := request(t, admin, "POST", base+"/commitments/9/edit", form); r.status != http.StatusRequestEntityTooLarge {
			t.Errorf("status %d, want 413", r.status)
		}
	})
}

func TestAccountRulesSpeakTheReadersLanguage(t *testing.T) {
	base := newTestPortal(t, withStaff()).URL
	admin := loggedIn(t, base, adminEmail)
	form := url.Values{"email": {"Zhang@例子.cn"}, "name": {"张新"}, "role": {"editor"}, "password": {"short"}}
	r := request(t, admin, "POST", base+"/admin/users", form, "Accept-Language", "en")
	for _, want := range []string{"The password needs at least 8 characters; it has 5.", "An email address may hold only Latin letters"} {
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(html.UnescapeString(r.body), want) {
			t.Errorf("status %d, page lacks %q", r.status, want)
		}
	}
}

func TestMalformedInputIsAClearAnswerNotA500(t *testing.T) {
	p := newTestPortal(t, withStaff())
	base, pool := p.URL, p.Pool
	c := loggedIn(t, base, editorEmail)
	for _, tc := range []struct {
		name   string
		r      response
		status int
	}{
		{"NUL in the login email", request(t, browserClient(t), "POST", base+"/login", url.Values{"email": {"x\x00@example.gov.cn"}, "password": {"whatever12"}}), 422},
		{"invalid UTF-8 in the login email", request(t, browserClient(t), "POST", base+"/login", url.Values{"email": {"\xff@example.gov.cn"}, "password": {"whatever12"}}), 422},
		{"a paragraph beyond int4", request(t, c, "GET", base+"/commitments/new?document="+replySlug+"&paragraph=2147483648", nil), 400},
		{"a version from the future", request(t, c, "POST", base+"/commitments/1/edit", func() url.Values {
			f := editForm(t, pool, 1)
			f.Set("version", "99999999999")
			return f
		}()),

			400},
	} {
		if tc.r.status != tc.status {
			t.Errorf("%s: status %d, want %d", tc.name, tc.r.status, tc.status)
		}
	}
}
