package server_test

import (
	"context"
	"html"
	"math/big"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/guizhou-portal/portal/web"
)

// chinaNoon is noon, China time, on day (2006-01-02).
func chinaNoon(t *testing.T, day string) time.Time {
	t.Helper()
	now, err := time.Parse("2006-01-02 15:04 -0700", day+" 12:00 +0800")
	if err != nil {
		t.Fatal(err)
	}
	return now
}

// table returns the rows of the HTML table with the given id: each row's
// header cell text and its data-series cells.
func table(t *testing.T, body, id string) map[string]map[string]string {
	t.Helper()
	start := strings.Index(body, `<table id="`+id+`"`)
	if start < 0 {
		t.Fatalf("no table %s", id)
	}
	end := strings.Index(body[start:], "</table>")
	rowRE := regexp.MustCompile(`(?s)<tr>\s*<th scope="row">(.*?)</th>(.*?)</tr>`)
	cellRE := regexp.MustCompile(`data-series="([a-z_]+)">\s*(?:<a href="[^"]*">)?(\d+)<`)
	tagRE := regexp.MustCompile(`<[^>]+>`)
	out := map[string]map[string]string{}
	for _, m := range rowRE.FindAllStringSubmatch(body[start:start+end], -1) {
		label := html.UnescapeString(strings.TrimSpace(tagRE.ReplaceAllString(m[1], "")))
		out[label] = map[string]string{}
		for _, c := range cellRE.FindAllStringSubmatch(m[2], -1) {
			out[label][c[1]] = c[2]
		}
	}
	return out
}

func TestDashboardChartsAddUpToTheDatabase(t *testing.T) {
	p := newTestPortal(t, withClock(chinaNoon(t, "2026-11-28")))
	base, pool := p.URL, p.Pool
	ctx := context.Background()
	r := request(t, nil, "GET", base+"/dashboard", nil)
	if r.status != 200 {
		t.Fatalf("status %d", r.status)
	}

	// Commitments by theme and status, and by theme and strength, counted by the database.
	for _, c := range []struct{ table, column string }{{"by-status-table", "status"}, {"by-strength-table", "strength"}} {
		rows, err := pool.Query(ctx, `
			SELECT coalesce(t.name_zh, '全部'), c.`+c.column+`, count(*)
			FROM commitments c
			JOIN section_roots r ON r.section_id = c.section_id
			JOIN sections top ON top.id = r.root_id
			JOIN themes t ON t.key = top.theme_key
			GROUP BY GROUPING SETS ((t.name_zh, c.`+c.column+`), (c.`+c.column+`))`)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]map[string]string{}
		for rows.Next() {
			var label, key string
			var n int
			if err := rows.Scan(&label, &key, &n); err != nil {
				t.Fatal(err)
			}
			if want[label] == nil {
				want[label] = map[string]string{}
			}
			want[label][key] = itoa(n)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		got := table(t, r.body, c.table)
		if len(got) != 8 {
			t.Errorf("%s has %d rows, want all sections and 7 themes", c.table, len(got))
		}
		for label, cells := range want {
			total := 0
			for key, n := range cells {
				if got[label][key] != n {
					t.Errorf("%s: %s / %s = %q, database says %s", c.table, label, key, got[label][key], n)
				}
				total += atoi(n)
			}
			if got[label]["total"] != itoa(total) {
				t.Errorf("%s: %s total %q, database says %d", c.table, label, got[label]["total"], total)
			}
		}
	}
	if !strings.Contains(r.body, "51 项 · 完成 18(35%)") {
		t.Error("the overall bar does not say 51 commitments, 18 completed (35%)")
	}

	// Every sum of money, in 亿元, and the sum per theme.
	rows, err := pool.Query(ctx, `
		SELECT t.key, (f.base_value / 100000000)::text
		FROM figures f
		JOIN paragraphs p ON p.id = f.paragraph_id
		JOIN sections x ON x.document_id = p.document_id AND x.parent_id IS NULL
		JOIN paragraphs ps ON ps.id = x.start_paragraph_id
		JOIN paragraphs pe ON pe.id = x.end_paragraph_id
		JOIN themes t ON t.key = x.theme_key
		WHERE f.kind = 'money'
		  AND (ps.seq, x.start_offset) <= (p.seq, f.start_offset) AND (p.seq, f.end_offset) <= (pe.seq, x.end_offset)`)
	if err != nil {
		t.Fatal(err)
	}
	sums := map[string]*big.Rat{}
	var amounts []string
	for rows.Next() {
		var key, yi string
		if err := rows.Scan(&key, &yi); err != nil {
			t.Fatal(err)
		}
		v, _ := new(big.Rat).SetString(yi)
		if sums[key] == nil {
			sums[key] = new(big.Rat)
		}
		sums[key].Add(sums[key], v)
		amounts = append(amounts, v.FloatString(7))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(amounts) != 8 {
		t.Errorf("the database has %d sums of money, want the reply's 8", len(amounts))
	}
	for key, sum := range sums {
		m := regexp.MustCompile(`data-sum="` + key + `">([0-9.]+)<`).FindStringSubmatch(r.body)
		if m == nil {
			t.Errorf("no sum for theme %s", key)
			continue
		}
		got, _ := new(big.Rat).SetString(m[1])
		if got.Cmp(sum) != 0 {
			t.Errorf("theme %s sums to %s 亿元 on the page, %s in the database", key, m[1], sum.FloatString(7))
		}
	}
	var shown []string
	for _, m := range regexp.MustCompile(`data-yi="([0-9.]+)"`).FindAllStringSubmatch(r.body, -1) {
		v, _ := new(big.Rat).SetString(m[1])
		shown = append(shown, v.FloatString(7))
	}
	sort.Strings(amounts)
	sort.Strings(shown)
	if strings.Join(shown, " ") != strings.Join(amounts, " ") {
		t.Errorf("amounts on the page %v, in the database %v", shown, amounts)
	}
	// The figures the reply gives, as 亿元: 39932.82万元 is 3.993282亿元.
	for _, w := range []string{`data-sum="mineral_exploration">3.993282<`, `data-sum="investment_attraction">588.7<`,
		`data-sum="facilities_funding">18.11<`, `data-sum="industrial_layout">1000<`} {
		if !strings.Contains(r.body, w) {
			t.Errorf("page lacks %s", w)
		}
	}

	// The timeline has every commitment with a time frame; two are past their period.
	var dated int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM commitments WHERE time_frame IS NOT NULL OR due_on IS NOT NULL`).Scan(&dated); err != nil {
		t.Fatal(err)
	}
	tl := r.body[strings.Index(r.body, `<table id="timeline-table"`):]
	tl = tl[:strings.Index(tl, "</table>")]
	if n := strings.Count(tl, `<td><a href="/commitments/`); n != dated {
		t.Errorf("timeline table has %d commitments, database %d with a time frame", n, dated)
	}
	// The text's calendar dates that no commitment carries are on it too.
	for _, w := range []string{"<td>2022-2025年</td>", "<td>2023年6月28日</td>"} {
		if !strings.Contains(tl, w) {
			t.Errorf("the timeline lacks %s", w)
		}
	}
	if n := strings.Count(tl, "<tr") - 1; n != dated+2 {
		t.Errorf("timeline table has %d rows, want %d commitments and 2 dates", n, dated)
	}
	if n := strings.Count(r.body[strings.Index(r.body, `<table id="mentions-table"`):], "<tr>") - 1; n < 15 {
		t.Errorf("the table of time expressions has %d rows, want the reply's 15", n)
	}
	overdue := regexp.MustCompile(`(?s)<tr class="overdue"><td>(.*?)</td>`).FindAllStringSubmatch(tl, -1)
	var frames []string
	for _, m := range overdue {
		frames = append(frames, m[1])
	}
	if strings.Join(frames, " ") != "“十四五”期间 2022年至2023年" {
		t.Errorf("overdue on 2026-11-28: %q, want the 十四五 survey and the 2022-2023 exploration projects", frames)
	}
}

func TestNothingIsOverdueBeforeItsPeriodEnds(t *testing.T) {
	base := newTestPortal(t, withClock(chinaNoon(t, "2023-07-01"))).URL
	r := request(t, nil, "GET", base+"/dashboard", nil)
	if strings.Contains(r.body, `<tr class="overdue">`) || strings.Contains(r.body, `<tr class="due-soon">`) {
		t.Error("on 2023-07-01 a commitment is flagged, but no period had ended or was about to")
	}
	base = newTestPortal(t, withClock(chinaNoon(t, "2023-11-15"))).URL
	r = request(t, nil, "GET", base+"/dashboard", nil)
	if n := strings.Count(r.body, `<tr class="due-soon">`); n != 1 {
		t.Errorf("on 2023-11-15, %d commitments due soon, want the 2022-2023 exploration projects", n)
	}
}

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

// crawl walks every page reachable from the start pages by links within the site.
func crawl(t *testing.T, base string, header ...string) map[string]response {
	t.Helper()
	hrefRE := regexp.MustCompile(`href="(/[^"#]*)`)
	seen := map[string]response{}
	queue := []string{"/", "/dashboard", "/map", "/commitments", "/entities"}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		if _, ok := seen[p]; ok {
			continue
		}
		r := request(t, browserClient(t), "GET", base+p, nil, header...)
		seen[p] = r
		for _, m := range hrefRE.FindAllStringSubmatch(r.body, -1) {
			next := html.UnescapeString(m[1])
			if strings.HasPrefix(next, "/static/") || strings.HasPrefix(next, "/lang/") || strings.HasSuffix(next, ".txt") ||
				isDataLink(next) {
				continue
			}
			if _, ok := seen[next]; !ok {
				queue = append(queue, next)
			}
		}
	}
	return seen
}

// isDataLink reports whether a link leads to data rather than a page: the
// API, a CSV download or an Atom feed, which api_test.go and opendata_test.go check.
func isDataLink(path string) bool {
	p, _, _ := strings.Cut(path, "?")
	return strings.HasPrefix(p, "/api/") || strings.HasSuffix(p, ".csv") || strings.HasSuffix(p, ".atom")
}

func TestEveryPageRendersInBothLanguages(t *testing.T) {
	base := newTestPortal(t).URL
	titleRE := regexp.MustCompile(`<title>(.*?) · (政策文件跟踪|Policy tracker)</title>`)
	for _, lang := range []struct{ accept, htmlLang, site, other string }{
		{"zh-CN,zh;q=0.9", "zh-CN", "政策文件跟踪", "English"},
		{"en-GB,en;q=0.9", "en", "Policy tracker", "中文"},
	} {
		pages := crawl(t, base, "Accept-Language", lang.accept)
		if len(pages) < 150 {
			t.Errorf("%s: reached only %d pages", lang.htmlLang, len(pages))
		}
		titles := map[string]string{}
		for path, r := range pages {
			if r.status != 200 {
				t.Errorf("%s %s: status %d", lang.htmlLang, path, r.status)
				continue
			}
			if i := strings.Index(r.body, "⟦"); i >= 0 {
				t.Errorf("%s %s: untranslated message %s", lang.htmlLang, path, r.body[i:min(len(r.body), i+40)])
			}
			if !strings.Contains(r.body, `<html lang="`+lang.htmlLang+`">`) {
				t.Errorf("%s %s: <html lang> is not %s", lang.htmlLang, path, lang.htmlLang)
			}
			if !strings.Contains(r.body, `<link rel="stylesheet" href="`+web.AssetPath("print.css")+`" media="print">`) {
				t.Errorf("%s %s: no print stylesheet", lang.htmlLang, path)
			}
			if !strings.Contains(r.body, `class="lang"`) || !strings.Contains(r.body, ">"+lang.other+"</a>") {
				t.Errorf("%s %s: no language switch", lang.htmlLang, path)
			}
			if !strings.Contains(r.body, `href="/dashboard"`) {
				t.Errorf("%s %s: no link to the dashboard", lang.htmlLang, path)
			}
			m := titleRE.FindStringSubmatch(r.body)
			if m == nil || strings.TrimSpace(m[1]) == "" || m[2] != lang.site {
				t.Errorf("%s %s: title %q does not name the page and the site", lang.htmlLang, path, m)
				continue
			}
			if !strings.Contains(path, "?") {
				titles[path] = m[1]
			}
		}
		if lang.htmlLang == "en" && !strings.Contains(pages["/dashboard"].body, "Commitments by section and status") {
			t.Error("the English dashboard is not in English")
		}
		if lang.htmlLang == "en" && !strings.Contains(pages["/documents/"+replySlug].body, "一、加快产业集群,实现错位发展") {
			t.Error("the English document page does not keep the text in Chinese")
		}
		if titles["/dashboard"] == titles["/map"] || titles["/"] == titles["/commitments"] {
			t.Errorf("%s: pages share a title: %v", lang.htmlLang, titles)
		}
	}
}

func TestTheLanguageSwitchIsRemembered(t *testing.T) {
	base := newTestPortal(t).URL
	r := request(t, browserClient(t), "GET", base+"/lang/en?next="+url.QueryEscape("/commitments?status=completed"), nil)
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/commitments?status=completed" {
		t.Fatalf("switch: status %d, Location %q", r.status, r.header.Get("Location"))
	}
	cookie := r.header.Get("Set-Cookie")
	if !strings.HasPrefix(cookie, "lang=en;") || !strings.Contains(cookie, "Path=/") || !strings.Contains(cookie, "Max-Age=") {
		t.Fatalf("cookie %q", cookie)
	}
	// The cookie wins over the browser's languages, either way.
	r = request(t, browserClient(t), "GET", base+"/commitments?status=completed", nil, "Cookie", "lang=en", "Accept-Language", "zh-CN")
	if !strings.Contains(r.body, `<html lang="en">`) || !strings.Contains(r.body, "Completed") {
		t.Error("with the English cookie the page is not in English")
	}
	r = request(t, browserClient(t), "GET", base+"/map", nil, "Cookie", "lang=zh", "Accept-Language", "en")
	if !strings.Contains(r.body, `<html lang="zh-CN">`) || !strings.Contains(r.body, "“一核两区”产业布局图") {
		t.Error("with the Chinese cookie the page is not in Chinese")
	}
	if v := r.header.Values("Vary"); !strings.Contains(strings.Join(v, ","), "Accept-Language") {
		t.Errorf("Vary %q: caches would mix the languages", v)
	}
	// The switch on each page leads back to that page.
	r = request(t, browserClient(t), "GET", base+"/entities/tongren", nil, "Accept-Language", "en")
	if !strings.Contains(r.body, `href="/lang/zh?next=%2Fentities%2Ftongren"`) {
		t.Error("the switch on an entity page does not come back to it")
	}
	for _, c := range []struct {
		path   string
		status int
	}{
		{"/lang/fr?next=/", 404},
		{"/lang/en?next=//evil.example/", 400},
		{"/lang/en?next=https://evil.example/", 400},
		{"/lang/en?next=" + url.QueryEscape("/\\evil.example"), 400},
		{"/lang/en?next=%zz", 400},
		{"/lang/en", 303},
	} {
		if r := request(t, browserClient(t), "GET", base+c.path, nil); r.status != c.status {
			t.Errorf("%s: status %d, want %d", c.path, r.status, c.status)
		}
	}
	r = request(t, browserClient(t), "GET", base+"/lang/en?next=//evil.example/", nil, "Accept-Language", "en")
	if !strings.Contains(r.body, "must be a page of this site") {
		t.Error("the refused switch does not say why, in English")
	}
}

func TestErrorsSpeakTheReadersLanguage(t *testing.T) {
	base := newTestPortal(t).URL
	for _, c := range []struct{ path, accept, want string }{
		{"/no-such-page", "en", "Page not found"},
		{"/commitments?status=done", "en", "“done” is not a valid value of the filter “Status”"},
		{"/commitments/999999", "en", "No such commitment."},
		{"/documents/gz-emergency-master-plan.txt", "en", "is not held here"},
		{"/commitments?status=done", "zh-CN", "筛选条件“状态”的值“done”无效"},
	} {
		r := request(t, browserClient(t), "GET", base+c.path, nil, "Accept-Language", c.accept)
		if !strings.Contains(html.UnescapeString(r.body), c.want) {
			t.Errorf("%s in %s lacks %q", c.path, c.accept, c.want)
		}
	}
}

func TestPrintedDocumentListsEveryCommitmentWithItsStatus(t *testing.T) {
	base := newTestPortal(t).URL
	r := request(t, nil, "GET", base+"/documents/"+replySlug, nil)
	i := strings.Index(r.body, `<section class="print-only"`)
	if i < 0 {
		t.Fatal("the document page has no printed status table")
	}
	sec := r.body[i:]
	sec = sec[:strings.Index(sec, "</section>")]
	if n := strings.Count(sec, "<tr>") - 1; n != 51 {
		t.Errorf("the printed table lists %d commitments, want 51", n)
	}
	for _, w := range []string{"承诺 43 完成大数据人才实训710人", "已完成", "未评估", "2022年至2023年"} {
		if !strings.Contains(sec, w) {
			t.Errorf("printed table lacks %q", w)
		}
	}
	css := request(t, nil, "GET", base+"/static/print.css", nil)
	for _, w := range []string{"size: A4", ".print-only { display: block; }", "header.site nav"} {
		if !strings.Contains(css.body, w) {
			t.Errorf("print.css lacks %q", w)
		}
	}
}

func atoi(s string) int {
	n, _ := new(big.Int).SetString(s, 10)
	return int(n.Int64())
}

// The staff pages that came with accounts and editing speak both languages too.
func TestStaffPagesRenderInBothLanguages(t *testing.T) {
	p := newTestPortal(t, withStaff())
	base, pool := p.URL, p.Pool
	c := loggedIn(t, base, adminEmail)
	if r := request(t, c, "POST", base+"/commitments/12/edit", editForm(t, pool, 12)); r.status != http.StatusSeeOther {
		t.Fatalf("edit: status %d", r.status)
	}
	if r := request(t, c, "POST", base+"/commitments/12/updates", updateForm(t, pool, 12, "完成用地预审。", "public")); r.status != http.StatusSeeOther {
		t.Fatalf("update: status %d", r.status)
	}
	pages := []string{"/commitments/12", "/commitments/12/edit", "/commitments/12/history", "/changes", "/admin/users",
		"/commitments/new?document=" + replySlug + "&paragraph=4", "/documents/" + replySlug, "/documents/import"}
	chinese := []string{"保存", "进展记录", "工作人员操作", "账户管理", "最近修改", "新建账户", "退出登录", "修改历史", "栏目", "新建承诺"}
	for _, lang := range []struct{ code, htmlLang string }{{"zh", "zh-CN"}, {"en", "en"}} {
		if r := request(t, c, "GET", base+"/lang/"+lang.code+"?next=/", nil); r.status != http.StatusSeeOther {
			t.Fatalf("switch to %s: status %d", lang.code, r.status)
		}
		for _, p := range pages {
			r := request(t, c, "GET", base+p, nil)
			if r.status != 200 {
				t.Errorf("%s %s: status %d", lang.code, p, r.status)
				continue
			}
			if i := strings.Index(r.body, "⟦"); i >= 0 {
				t.Errorf("%s %s: untranslated message %s", lang.code, p, r.body[i:min(len(r.body), i+40)])
			}
			if !strings.Contains(r.body, `<html lang="`+lang.htmlLang+`">`) {
				t.Errorf("%s %s: not in %s", lang.code, p, lang.htmlLang)
			}
			if lang.code != "en" {
				continue
			}
			for _, zh := range chinese {
				if strings.Contains(r.body, ">"+zh+"<") {
					t.Errorf("en %s: the label %s is still Chinese", p, zh)
				}
			}
		}
	}
	r := request(t, c, "GET", base+"/commitments/12/history", nil)
	for _, w := range []string{"Commitment changed", "Status", "Time frame", "History: "} {
		if !strings.Contains(r.body, w) {
			t.Errorf("English history lacks %q", w)
		}
	}
	r = request(t, browserClient(t), "GET", base+"/login", nil, "Accept-Language", "en")
	if !strings.Contains(r.body, "Staff login") || !strings.Contains(r.body, ">Password<") {
		t.Error("the login page is not in English")
	}
}

// A withdrawn commitment leaves the public's charts and map, as it leaves the lists.
func TestWithdrawnCommitmentsLeaveTheCharts(t *testing.T) {
	p := newTestPortal(t)
	base, pool := p.URL, p.Pool
	var id int64
	if err := pool.QueryRow(context.Background(), `
		UPDATE commitments SET withdrawn_at = now(), withdrawn_reason = '测试'
		WHERE quote LIKE '铜仁市以大龙经开区为重点%' RETURNING id`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	r := request(t, nil, "GET", base+"/dashboard", nil)
	if !strings.Contains(r.body, "50 项 · 完成 18(36%)") {
		t.Error("the dashboard still counts the withdrawn commitment")
	}
	r = request(t, nil, "GET", base+"/map", nil)
	row := regexp.MustCompile(`(?s)<tr data-code="520600".*?</tr>`).FindString(r.body)
	if !strings.Contains(row, `data-commitments="1"`) {
		t.Errorf("铜仁 still counts the withdrawn commitment:\n%s", row)
	}
}
