package server_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/guizhou-portal/portal/web"
)

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
			if strings.HasPrefix(next, "/static/") || next == "/favicon.ico" || strings.HasPrefix(next, "/lang/") || strings.HasSuffix(next, ".txt") ||
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
// API, a CSV download or an Atom feed, which api_test.go, commitment_list_csv_test.go and feed_test.go check.
func isDataLink(path string) bool {
	p, _, _ := strings.Cut(path, "?")
	return strings.HasPrefix(p, "/api/") || strings.HasSuffix(p, ".csv") || strings.HasSuffix(p, ".atom")
}

// inLanguage fails unless page r came with 200, says it is in htmlLang and
// has no message left untranslated; it reports whether r was a page at all.
func inLanguage(t *testing.T, what string, r response, htmlLang string) bool {
	t.Helper()
	if r.status != 200 {
		t.Errorf("%s: status %d", what, r.status)
		return false
	}
	if i := strings.Index(r.body, "⟦"); i >= 0 {
		t.Errorf("%s: untranslated message %s", what, r.body[i:min(len(r.body), i+40)])
	}
	if !strings.Contains(r.body, `<html lang="`+htmlLang+`">`) {
		t.Errorf("%s: <html lang> is not %s", what, htmlLang)
	}
	return true
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
			if !inLanguage(t, lang.htmlLang+" "+path, r, lang.htmlLang) {
				continue
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
	pages := []string{"/commitments/12", "/commitments/12/edit", "/commitments/12/history", "/changes", "/admin/users", "/admin/themes",
		"/commitments/new?document=" + replySlug + "&paragraph=4", "/documents/" + replySlug, "/documents/import"}
	chinese := []string{"保存", "进展记录", "工作人员操作", "账户管理", "最近修改", "新建账户", "退出登录", "修改历史", "栏目", "新建承诺"}
	for _, lang := range []struct{ code, htmlLang string }{{"zh", "zh-CN"}, {"en", "en"}} {
		if r := request(t, c, "GET", base+"/lang/"+lang.code+"?next=/", nil); r.status != http.StatusSeeOther {
			t.Fatalf("switch to %s: status %d", lang.code, r.status)
		}
		for _, p := range pages {
			r := request(t, c, "GET", base+p, nil)
			if !inLanguage(t, lang.code+" "+p, r, lang.htmlLang) {
				continue
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

func TestTheLanguageSwitchDoesNotCarryAHugeQuery(t *testing.T) {
	base := newTestPortal(t).URL
	r := request(t, nil, "GET", base+"/search?q="+url.QueryEscape(strings.Repeat("锂", 3000)), nil)
	i := strings.Index(r.body, `href="/lang/`)
	if i < 0 {
		t.Fatal("no language switch")
	}
	link := r.body[i:min(len(r.body), i+200)]
	if end := strings.IndexByte(link[6:], '"'); end < 0 || end > 100 {
		t.Errorf("the language switch link is %d+ bytes long", len(link))
	}
}
