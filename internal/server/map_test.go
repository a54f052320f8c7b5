package server_test

import (
	"regexp"
	"strings"
	"testing"
)

func TestMapShowsTheNineDivisionsByTheirRole(t *testing.T) {
	base := newTestPortal(t).URL
	for _, path := range []string{"/map", "/dashboard"} {
		r := request(t, nil, "GET", base+path, nil)
		if r.status != 200 {
			t.Fatalf("%s: status %d", path, r.status)
		}
		rows := regexp.MustCompile(`<tr data-code="(\d+)" data-role="([a-z]+)">`).FindAllStringSubmatch(r.body, -1)
		roles := map[string]string{}
		for _, m := range rows {
			roles[m[1]] = m[2]
		}
		want := map[string]string{
			"520100": "core", "522700": "core", // 贵阳(贵安, 开阳-息烽) and 黔南 (瓮安-福泉)
			"520600": "zone", "522300": "zone", "520200": "zone", // 铜仁; 黔西南州-六盘水
			"520300": "other", "520400": "other", "520500": "other", "522600": "other",
		}
		if len(roles) != 9 {
			t.Errorf("%s: %d divisions in the table, want 9", path, len(roles))
		}
		for code, role := range want {
			if roles[code] != role {
				t.Errorf("%s: division %s is %q, want %q", path, code, roles[code], role)
			}
			if !regexp.MustCompile(`<path d="M[^"]+" fill="url\(#p-` + role + `\)" class="division role-` + role + `" data-code="` + code + `"`).MatchString(r.body) {
				t.Errorf("%s: division %s is not drawn as %s", path, code, role)
			}
		}
	}
	r := request(t, nil, "GET", base+"/map", nil)
	// Each division the reply names links to its region page, names its parks and counts its commitments.
	for _, w := range []struct{ code, link, park, count string }{
		{"520100", "/entities/guiyang-guian", "开阳化工园区", "4"},
		{"522700", "/entities/wengan", "黔南高新区", "6"},
		{"520600", "/entities/tongren", "大龙经开区", "2"},
		{"522300", "/entities/qianxinan", "义龙新区", "1"},
		{"520200", "/entities/liupanshui", "盘北经开区", "1"},
		{"520300", "", "", "0"},
	} {
		row := regexp.MustCompile(`(?s)<tr data-code="` + w.code + `".*?</tr>`).FindString(r.body)
		if w.link != "" && (!strings.Contains(row, `href="`+w.link+`"`) || !regexp.MustCompile(`<a href="`+w.link+`" aria-label="[^"]+"><path`).MatchString(r.body)) {
			t.Errorf("division %s does not link to %s", w.code, w.link)
		}
		if !strings.Contains(row, w.park) {
			t.Errorf("division %s does not name %s", w.code, w.park)
		}
		if !strings.Contains(row, `data-commitments="`+w.count+`"`) {
			t.Errorf("division %s: want %s commitments in\n%s", w.code, w.count, row)
		}
	}
	if !strings.Contains(r.body, "Apache-2.0") || !strings.Contains(r.body, "审图号") {
		t.Error("the map does not credit its boundary source or say it needs a 审图号 for publication")
	}
}

// TestMapTableQuotesTheReplyOnce: the basis column holds the reply's words
// as written, under a heading that says so, without quotation marks of its
// own around words that begin with the reply's “黔西南州-六盘水”.
func TestMapTableQuotesTheReplyOnce(t *testing.T) {
	base := newTestPortal(t).URL
	r := request(t, nil, "GET", base+"/map", nil)
	if strings.Contains(r.body, "““") || strings.Contains(r.body, "””") || !regexp.MustCompile(`<td class="small basis"[^>]*>“黔西南州-六盘水”以义龙新区为重点`).MatchString(r.body) {
		t.Error("the map's table doubles its quotation marks, or lost the reply's words")
	}
}
