package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestThemesAdminAddsEditsAndReordersWithAudit(t *testing.T) {
	p := newTestPortal(t, withStaff())
	admin := loggedIn(t, p.URL, adminEmail)
	page := request(t, admin, "GET", p.URL+"/admin/themes", nil)
	if page.status != 200 || !strings.Contains(page.body, "找矿与资源保障") || !strings.Contains(page.body, "找矿、勘查") {
		t.Fatalf("themes page: status %d, or the seed's themes and keywords missing\n%.2000s", page.status, page.body)
	}
	if r := request(t, loggedIn(t, p.URL, editorEmail), "GET", p.URL+"/admin/themes", nil); r.status != http.StatusForbidden {
		t.Errorf("an editor gets the themes page with %d, want 403", r.status)
	}

	// Add.
	add := url.Values{"key": {"education"}, "name_zh": {"教育与培训"}, "name_en": {"Education"}, "keywords": {"学校，教师、 培训;学校"}}
	if r := request(t, admin, "POST", p.URL+"/admin/themes", add); r.status != http.StatusSeeOther {
		t.Fatalf("add: status %d\n%.2000s", r.status, r.body)
	}
	if kw := scalar[string](t, p.Pool, `SELECT array_to_string(keywords, '|') FROM themes WHERE key = 'education' AND position = 8`); kw != "学校|教师|培训" {
		t.Errorf("keywords %q, want 学校|教师|培训 at position 8", kw)
	}
	// Invalid input: kept, 422, nothing saved.
	bad := url.Values{"key": {"Education-2"}, "name_zh": {""}, "name_en": {"Ed"}, "keywords": {"一个远远超过二十个字的关键词一个远远超过二十个字的关键词"}}
	r := request(t, admin, "POST", p.URL+"/admin/themes", bad)
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Education-2") || !strings.Contains(r.body, "太长") {
		t.Errorf("bad theme: status %d, want 422 with the input kept\n%.3000s", r.status, r.body)
	}
	if r := request(t, admin, "POST", p.URL+"/admin/themes", add); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "已有代码") {
		t.Errorf("a taken key: status %d, want 422", r.status)
	}
	// Rename and edit keywords.
	edit := url.Values{"name_zh": {"教育"}, "name_en": {"Education and training"}, "keywords": {"学校、职业教育"}}
	if r := request(t, admin, "POST", p.URL+"/admin/themes/education", edit); r.status != http.StatusSeeOther {
		t.Fatalf("edit: status %d\n%.2000s", r.status, r.body)
	}
	if got := scalar[string](t, p.Pool, `SELECT name_zh || '|' || name_en || '|' || array_to_string(keywords, '、') FROM themes WHERE key = 'education'`); got != "教育|Education and training|学校、职业教育" {
		t.Errorf("after the edit: %q", got)
	}
	if r := request(t, admin, "POST", p.URL+"/admin/themes/education", url.Values{"name_zh": {""}, "name_en": {"x"}, "keywords": {"新词"}}); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "新词") {
		t.Errorf("an edit without a Chinese name: status %d, want 422 with the input kept", r.status)
	}
	if r := request(t, admin, "POST", p.URL+"/admin/themes/no_such_theme", edit); r.status != http.StatusNotFound {
		t.Errorf("editing a missing theme: status %d, want 404", r.status)
	}
	// Reorder.
	if r := request(t, admin, "POST", p.URL+"/admin/themes/education/move", url.Values{"dir": {"up"}}); r.status != http.StatusSeeOther {
		t.Fatalf("move: status %d", r.status)
	}
	if order := scalar[string](t, p.Pool, `SELECT string_agg(key, ',' ORDER BY position) FROM themes WHERE position >= 6`); order != "talent_technology,education,factor_guarantees" {
		t.Errorf("order after moving up: %s", order)
	}
	if r := request(t, admin, "POST", p.URL+"/admin/themes/education/move", url.Values{"dir": {"sideways"}}); r.status != http.StatusBadRequest && r.status != http.StatusUnprocessableEntity {
		t.Errorf("a bad direction: status %d", r.status)
	}
	// The first theme cannot go further up: nothing changes, nothing is audited.
	if r := request(t, admin, "POST", p.URL+"/admin/themes/industrial_layout/move", url.Values{"dir": {"up"}}); r.status != http.StatusSeeOther {
		t.Errorf("moving the first theme up: status %d", r.status)
	}
	if first := scalar[string](t, p.Pool, `SELECT key FROM themes ORDER BY position LIMIT 1`); first != "industrial_layout" {
		t.Errorf("first theme now %s", first)
	}
	if got := scalar[string](t, p.Pool, `SELECT string_agg(action, ',' ORDER BY id) FROM audit_log WHERE subject_type = 'theme'`); got != "theme.create,theme.update,theme.move" {
		t.Errorf("audit records %q, want one per change", got)
	}
	if got := scalar[string](t, p.Pool, `SELECT before->>'name_zh' || '>' || (after->>'name_zh') FROM audit_log WHERE action = 'theme.update'`); got != "教育与培训>教育" {
		t.Errorf("the update's audit record: %q", got)
	}
	changes := request(t, admin, "GET", p.URL+"/changes", nil)
	if !strings.Contains(changes.body, "修改主题") {
		t.Error("/changes does not list the theme edits")
	}
}

// TestThemeNamesAreUnique refuses, adding or renaming, a display name
// another theme has, in Chinese or (without case) English: 422 with the
// message at the field, nothing saved.
func TestThemeNamesAreUnique(t *testing.T) {
	p := newTestPortal(t, withStaff())
	admin := loggedIn(t, p.URL, adminEmail)
	en := scalar[string](t, p.Pool, `SELECT name_en FROM themes WHERE name_zh = '找矿与资源保障'`)
	count := func() int {
		return scalar[int](t, p.Pool, `SELECT count(*) FROM audit_log WHERE subject_type = 'theme'`)
	}
	for _, tc := range []struct {
		path string
		form url.Values
		want string
	}{
		{"/admin/themes", url.Values{"key": {"dup"}, "name_zh": {"找矿与资源保障"}, "name_en": {"Other"}}, "已有名为“找矿与资源保障”的主题"},
		{"/admin/themes", url.Values{"key": {"dup"}, "name_zh": {"别的"}, "name_en": {strings.ToUpper(en)}}, "已有英文名为"},
		{"/admin/themes/talent_technology", url.Values{"name_zh": {"找矿与资源保障"}, "name_en": {"Talent"}}, "已有名为“找矿与资源保障”的主题"},
	} {
		r := request(t, admin, "POST", p.URL+tc.path, tc.form)
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, tc.want) {
			t.Errorf("%s %v: %d, want 422 saying %q", tc.path, tc.form, r.status, tc.want)
		}
	}
	if n := count(); n != 0 {
		t.Errorf("%d theme changes saved", n)
	}
	if r := request(t, admin, "POST", p.URL+"/admin/themes/talent_technology", url.Values{"name_zh": {"人才与科技"}, "name_en": {"Talent"}}); r.status != http.StatusSeeOther {
		t.Errorf("renaming to a free name: %d", r.status)
	}
}
