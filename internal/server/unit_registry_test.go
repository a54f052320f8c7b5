package server_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// stampOf is the stamp the unit's edit form carries.
func stampOf(t *testing.T, page string) string {
	t.Helper()
	m := regexp.MustCompile(`name="stamp" value="([0-9a-f]+)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no stamp in the edit form:\n%.600s", page)
	}
	return m[1]
}

// newUnitForm adds 省自然资源厅, which the reply never names.
func newUnitForm() url.Values {
	return url.Values{"slug": {"gz-natural-resources-dept"}, "kind": {"government"}, "name": {"贵州省自然资源厅"},
		"full_name": {""}, "short_names": {"省自然资源厅、自然资源厅"}, "parent": {""}, "contact_email": {"Zrzyt@Example.gov.cn"}}
}

// TestUnitRegistryAddsAndEditsUnitsWithAudit: an admin adds a unit the reply
// does not name and edits it; each change is one audit record with the
// values before and after, and a form loaded before another change is
// refused with a 409 that keeps what was typed.
func TestUnitRegistryAddsAndEditsUnitsWithAudit(t *testing.T) {
	p := newTestPortal(t, withStaff())
	admin := loggedIn(t, p.URL, adminEmail)

	list := request(t, admin, http.MethodGet, p.URL+"/admin/units", nil)
	if list.status != http.StatusOK {
		t.Fatalf("GET /admin/units: %d", list.status)
	}
	// Every government body and organisation of the reply is in the registry.
	for _, name := range []string{"贵州省工业和信息化厅", "省财政", "省应急部门", "农工党贵州省委员会", "浙江省贵州商会"} {
		if !strings.Contains(list.body, ">"+name+"</a>") {
			t.Errorf("the registry does not list %s", name)
		}
	}
	if strings.Contains(list.body, "自然资源厅") {
		t.Fatal("省自然资源厅 is listed before anyone added it: it is not a fact of the reply")
	}

	r := request(t, admin, http.MethodPost, p.URL+"/admin/units", newUnitForm())
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/admin/units#unit-gz-natural-resources-dept" {
		t.Fatalf("add: %d %s\n%.800s", r.status, r.header.Get("Location"), r.body)
	}
	if got := scalar[string](t, p.Pool, `SELECT kind || ' ' || contact_email FROM entities WHERE slug = 'gz-natural-resources-dept'`); got != "government zrzyt@example.gov.cn" {
		t.Errorf("stored unit: %q", got)
	}
	if got := scalar[string](t, p.Pool, `SELECT string_agg(alias, ',' ORDER BY alias) FROM entity_aliases a JOIN entities e ON e.id = a.entity_id
		WHERE e.slug = 'gz-natural-resources-dept'`); got != "省自然资源厅,自然资源厅,贵州省自然资源厅" {
		t.Errorf("names: %q", got)
	}
	if got := scalar[string](t, p.Pool, `SELECT action || ' ' || actor_name || ' ' || (after->>'name') || ' ' || (before IS NULL)::text
		FROM audit_log WHERE subject_type = 'entity' ORDER BY id DESC LIMIT 1`); got != "unit.create 王管理 贵州省自然资源厅 true" {
		t.Errorf("audit of the add: %q", got)
	}

	edit := request(t, admin, http.MethodGet, p.URL+"/admin/units/gz-natural-resources-dept", nil)
	if edit.status != http.StatusOK || !strings.Contains(edit.body, `>省自然资源厅、自然资源厅</textarea>`) {
		t.Fatalf("edit page: %d\n%.800s", edit.status, edit.body)
	}
	stamp := stampOf(t, edit.body)
	form := newUnitForm()
	form.Del("slug")
	form.Set("stamp", stamp)
	form.Set("short_names", "省自然资源厅")
	form.Set("parent", "gz-industry-it-dept")
	form.Set("contact_email", "office@zrzyt.guizhou.gov.cn")
	r = request(t, admin, http.MethodPost, p.URL+"/admin/units/gz-natural-resources-dept", form)
	if r.status != http.StatusSeeOther {
		t.Fatalf("edit: %d\n%.800s", r.status, r.body)
	}
	if got := scalar[string](t, p.Pool, `SELECT action || ' ' || (before->>'contact_email') || ' ' || (after->>'contact_email') || ' ' || (after->>'parent') || ' ' || (after->'short_names')::text
		FROM audit_log WHERE subject_type = 'entity' ORDER BY id DESC LIMIT 1`); got != `unit.update zrzyt@example.gov.cn office@zrzyt.guizhou.gov.cn gz-industry-it-dept ["省自然资源厅"]` {
		t.Errorf("audit of the edit: %q", got)
	}
	if n := scalar[int](t, p.Pool, `SELECT count(*) FROM entity_aliases WHERE alias = '自然资源厅'`); n != 0 {
		t.Errorf("the removed short name is still a name (%d)", n)
	}

	// The staff's list of changes shows the edit with its diff.
	if ch := request(t, admin, http.MethodGet, p.URL+"/changes", nil); !strings.Contains(ch.body, "贵州省自然资源厅") || !strings.Contains(ch.body, "office@zrzyt.guizhou.gov.cn") {
		t.Errorf("/changes does not show the unit's edit:\n%.1500s", ch.body)
	}

	// The first form again, loaded before that edit: 409, and the typed
	// values come back over the current stamp.
	form.Set("contact_email", "stale@zrzyt.guizhou.gov.cn")
	r = request(t, admin, http.MethodPost, p.URL+"/admin/units/gz-natural-resources-dept", form)
	if r.status != http.StatusConflict || !strings.Contains(r.body, `value="stale@zrzyt.guizhou.gov.cn"`) || stampOf(t, r.body) == stamp {
		t.Fatalf("stale edit: %d\n%.800s", r.status, r.body)
	}
	if got := scalar[string](t, p.Pool, `SELECT contact_email FROM entities WHERE slug = 'gz-natural-resources-dept'`); got != "office@zrzyt.guizhou.gov.cn" {
		t.Errorf("the stale edit was saved: %q", got)
	}
	// Saved again over the stamp the 409 page gave, it goes through.
	form.Set("stamp", stampOf(t, r.body))
	if r = request(t, admin, http.MethodPost, p.URL+"/admin/units/gz-natural-resources-dept", form); r.status != http.StatusSeeOther {
		t.Fatalf("edit after the conflict: %d", r.status)
	}

	// Editors and the public cannot reach the registry.
	editor := loggedIn(t, p.URL, editorEmail)
	if r := request(t, editor, http.MethodGet, p.URL+"/admin/units", nil); r.status != http.StatusForbidden {
		t.Errorf("editor: %d", r.status)
	}
	if r := request(t, browserClient(t), http.MethodPost, p.URL+"/admin/units", newUnitForm()); r.status != http.StatusUnauthorized && r.status != http.StatusSeeOther {
		t.Errorf("public: %d", r.status)
	}
	if r := request(t, admin, http.MethodGet, p.URL+"/admin/units/lithium", nil); r.status != http.StatusNotFound {
		t.Errorf("a mineral is not a unit: %d", r.status)
	}
}

// TestUnitRegistryRefusesBadInput: each bad field gets its message beside
// it and a 422, with what was typed kept, and nothing is saved.
func TestUnitRegistryRefusesBadInput(t *testing.T) {
	p := newTestPortal(t, withStaff())
	admin := loggedIn(t, p.URL, adminEmail)
	if r := request(t, admin, http.MethodPost, p.URL+"/admin/units", newUnitForm()); r.status != http.StatusSeeOther {
		t.Fatalf("add: %d", r.status)
	}
	// The child of the new unit, to try a loop with.
	child := newUnitForm()
	child.Set("slug", "gz-geology-bureau")
	child.Set("name", "贵州省地质矿产勘查开发局")
	child.Set("short_names", "")
	child.Set("contact_email", "")
	child.Set("parent", "gz-natural-resources-dept")
	if r := request(t, admin, http.MethodPost, p.URL+"/admin/units", child); r.status != http.StatusSeeOther {
		t.Fatalf("add child: %d\n%.600s", r.status, r.body)
	}
	before := scalar[string](t, p.Pool, `SELECT md5(string_agg(e::text, ',' ORDER BY id)) || (SELECT count(*) FROM entity_aliases) || (SELECT count(*) FROM audit_log) FROM entities e`)

	cases := []struct {
		name, field, value, want string
	}{
		{"address key with capitals", "slug", "GZ-Dept", "网址代码只能由"},
		{"address key taken", "slug", "gz-industry-it-dept", "已被使用"},
		{"name taken", "name", "贵州省工业和信息化厅", "已是“贵州省工业和信息化厅”的名称或简称"},
		{"name is another unit's short name", "name", "省工业和信息化厅", "已是“贵州省工业和信息化厅”的名称或简称"},
		{"short name taken", "short_names", "省财政", "已是“省财政”的名称或简称"},
		{"short name too long", "short_names", strings.Repeat("厅", 41), "过长"},
		{"no name", "name", "  ", "请填写"},
		{"control character", "full_name", "贵州省\x01自然资源厅", "控制字符"},
		{"kind not a unit's", "kind", "mineral", "请选择单位类别"},
		{"unknown parent", "parent", "no-such-unit", "请从列表中选择上级单位"},
		{"parent not a unit", "parent", "lithium", "请从列表中选择上级单位"},
		{"email without a domain", "contact_email", "office@localhost", "邮箱格式不正确"},
		{"email with markup", "contact_email", "<a>@example.gov.cn", "邮箱格式不正确"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			form := newUnitForm()
			form.Set("slug", "gz-other-dept")
			form.Set("name", "其他厅")
			form.Set("short_names", "")
			form.Set(c.field, c.value)
			r := request(t, admin, http.MethodPost, p.URL+"/admin/units", form)
			if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, c.want) || !strings.Contains(r.body, `id="err-`) {
				t.Errorf("%s=%q: %d, want 422 with %q\n%.1500s", c.field, c.value, r.status, c.want, r.body)
			}
		})
	}

	// A loop: the new unit under its own child.
	edit := request(t, admin, http.MethodGet, p.URL+"/admin/units/gz-natural-resources-dept", nil)
	form := newUnitForm()
	form.Set("stamp", stampOf(t, edit.body))
	form.Set("parent", "gz-geology-bureau")
	r := request(t, admin, http.MethodPost, p.URL+"/admin/units/gz-natural-resources-dept", form)
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "不能是这个单位本身或它的下级") {
		t.Errorf("loop: %d\n%.800s", r.status, r.body)
	}
	if after := scalar[string](t, p.Pool, `SELECT md5(string_agg(e::text, ',' ORDER BY id)) || (SELECT count(*) FROM entity_aliases) || (SELECT count(*) FROM audit_log) FROM entities e`); after != before {
		t.Error("a refused form changed the entities, their names or the audit log")
	}
}

// TestUnitNotInTextLeadsCommitment: a unit the reply does not name, once in
// the registry, leads a commitment and shows as its lead unit.
func TestUnitNotInTextLeadsCommitment(t *testing.T) {
	p := newTestPortal(t, withStaff())
	admin := loggedIn(t, p.URL, adminEmail)
	if r := request(t, admin, http.MethodPost, p.URL+"/admin/units", newUnitForm()); r.status != http.StatusSeeOther {
		t.Fatalf("add: %d", r.status)
	}
	if r := request(t, nil, http.MethodGet, p.URL+"/entities/gz-natural-resources-dept", nil); r.status != http.StatusOK || !strings.Contains(r.body, "贵州省自然资源厅") {
		t.Errorf("the new unit's public page: %d", r.status)
	}
	editor := loggedIn(t, p.URL, editorEmail)
	page := request(t, editor, http.MethodGet, p.URL+"/commitments/12/edit", nil)
	if !strings.Contains(page.body, `name="lead" value="gz-natural-resources-dept"`) || !strings.Contains(page.body, `data-names="贵州省自然资源厅  省自然资源厅 自然资源厅"`) {
		t.Fatalf("the picker does not offer the new unit with its short names:\n%.600s", page.body)
	}
	form := editForm(t, p.Pool, 12)
	form["lead"] = []string{"gz-natural-resources-dept"}
	form["support"] = []string{"gz-industry-it-dept"}
	if r := request(t, editor, http.MethodPost, p.URL+"/commitments/12/edit", form); r.status != http.StatusSeeOther {
		t.Fatalf("save: %d\n%.800s", r.status, r.body)
	}
	if got := scalar[string](t, p.Pool, `SELECT string_agg(e.slug || ':' || u.role, ',' ORDER BY u.role) FROM commitment_units u JOIN entities e ON e.id = u.entity_id WHERE u.commitment_id = 12`); got != "gz-natural-resources-dept:lead,gz-industry-it-dept:support" {
		t.Errorf("units of commitment 12: %q", got)
	}
	pub := request(t, nil, http.MethodGet, p.URL+"/commitments/12", nil)
	if !strings.Contains(pub.body, "贵州省自然资源厅") {
		t.Error("the public page does not show the new lead unit")
	}
	again := request(t, editor, http.MethodGet, p.URL+"/commitments/12/edit", nil)
	if !regexp.MustCompile(`name="lead" value="gz-natural-resources-dept" checked`).MatchString(again.body) {
		t.Error("the picker does not show the new unit as lead")
	}
	// Both roles for one unit stay refused.
	form = editForm(t, p.Pool, 12)
	form["lead"] = []string{"gz-natural-resources-dept"}
	form["support"] = []string{"gz-natural-resources-dept"}
	if r := request(t, editor, http.MethodPost, p.URL+"/commitments/12/edit", form); r.status != http.StatusUnprocessableEntity {
		t.Errorf("lead and support at once: %d", r.status)
	}
}
