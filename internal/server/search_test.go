package server_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

func searchPath(q string) string { return "/search?q=" + url.QueryEscape(q) }

func TestEveryPageHasTheSearchBox(t *testing.T) {
	base := newTestPortal(t).URL
	for _, path := range []string{"/", "/documents/" + replySlug, "/commitments", "/entities/catl", "/no-such-page"} {
		r := request(t, nil, "GET", base+path, nil)
		for _, want := range []string{`role="search"`, `action="/search"`, `name="q"`, `type="search"`, `<label for="site-q"`} {
			if !strings.Contains(r.body, want) {
				t.Errorf("%s lacks %s", path, want)
			}
		}
	}
}

func TestSearchPageLinksToParagraphsAndCommitmentsWithMarkedSnippets(t *testing.T) {
	base := newTestPortal(t).URL
	r := request(t, nil, "GET", base+searchPath("锂矿"), nil)
	if r.status != 200 {
		t.Fatalf("status %d", r.status)
	}
	for _, want := range []string{
		`href="/documents/qgxtfz-2023-4#p11"`,    // the paragraph, at its anchor
		`重点突破黏土型<mark class="hit">锂矿</mark>提取技术`, // the snippet, marked
		`href="/commitments/`,                    // the commitment on extraction technology
		"正文段落（1）", "承诺事项（1）",
		`value="锂矿"`, // the query stays in the box
	} {
		if !strings.Contains(r.body, want) {
			t.Errorf("results for 锂矿 lack %s", want)
		}
	}

	// Several terms: both marked, in the two paragraphs that name both companies.
	r = request(t, nil, "GET", base+searchPath("宁德时代 比亚迪"), nil)
	for _, want := range []string{`#p14"`, `#p18"`, `<mark class="hit">宁德时代</mark>、<mark class="hit">比亚迪</mark>`} {
		if !strings.Contains(r.body, want) {
			t.Errorf("results for 宁德时代 比亚迪 lack %s", want)
		}
	}
	// Entities and documents have their own groups.
	r = request(t, nil, "GET", base+searchPath("铜仁"), nil)
	if !strings.Contains(r.body, "主体与地区（") || !strings.Contains(r.body, `href="/entities/tongren"`) {
		t.Errorf("results for 铜仁 lack the entity")
	}
	r = request(t, nil, "GET", base+searchPath("黔工信提复字"), nil)
	if !strings.Contains(r.body, "文件（1）") || !strings.Contains(r.body, `<mark class="hit">黔工信提复字</mark>〔2023〕4号`) {
		t.Errorf("results for 黔工信提复字 lack the document with its 文号 marked")
	}
}

func TestSearchOrdersParagraphsExactPhraseFirst(t *testing.T) {
	base := newTestPortal(t).URL
	r := request(t, nil, "GET", base+searchPath("新能源 材料"), nil)
	anchors := regexp.MustCompile(`qgxtfz-2023-4#p(\d+)"`).FindAllStringSubmatch(r.body, -1)
	var got []string
	for _, a := range anchors {
		got = append(got, a[1])
	}
	if strings.Join(got, ",") != "18,2,4,5,6,8,10,12,14,21" {
		t.Errorf("paragraph order %v, want 18 (the phrase 新能源材料) first, then reading order", got)
	}
}

func TestSearchOneKindPageByPage(t *testing.T) {
	base := newTestPortal(t).URL
	r := request(t, nil, "GET", base+searchPath("电池")+"&kind=paragraph", nil)
	if r.status != 200 || !strings.Contains(r.body, "正文段落（10）") || strings.Contains(r.body, "承诺事项（") {
		t.Errorf("kind=paragraph: status %d, want only the ten paragraphs", r.status)
	}
	if r := request(t, nil, "GET", base+searchPath("电池")+"&kind=paragraph&page=2", nil); r.status != 404 || !strings.Contains(r.body, "没有第 2 页") {
		t.Errorf("page 2 of one page: status %d, want 404", r.status)
	}
}

func TestSearchAnswersEveryInputWithoutAServerError(t *testing.T) {
	base := newTestPortal(t).URL
	cases := []struct {
		name, rawQuery string
		status         int
		want           string
	}{
		{"no query", "", 200, "怎样搜索"},
		{"empty query", "q=", 200, "怎样搜索"},
		{"blank query", "q=%20%E3%80%80", 200, "怎样搜索"},
		{"absent term", "q=" + url.QueryEscape("石墨"), 200, "没有找到同时含有"},
		{"markup", "q=" + url.QueryEscape(`<script>alert("x")</script>`), 200, "&lt;script&gt;"},
		{"markup in the box", "q=" + url.QueryEscape(`"><b>x`), 200, `value="&#34;&gt;&lt;b&gt;x"`},
		{"10,000 characters", "q=" + strings.Repeat("锂", 10000), 400, "搜索词太长（10,000 个字符）"},
		{"null byte", "q=%E9%94%82%00", 400, "控制字符"},
		{"escape character", "q=%1B%5B31m", 400, "控制字符"},
		{"invalid UTF-8", "q=%FF%FE", 400, "UTF-8"},
		{"truncated UTF-8", "q=%E9%94", 400, "UTF-8"},
		{"malformed escape", "q=%zz", 400, "查询参数格式有误"},
		{"too many terms", "q=" + url.QueryEscape("a b c d e f g h i"), 400, "搜索词太多"},
		{"unknown kind", "q=x&kind=planet", 400, "结果类别"},
		{"page without kind", "q=x&page=2", 400, "页码"},
		{"page zero", "q=x&kind=paragraph&page=0", 400, "页码"},
		{"page not a number", "q=x&kind=paragraph&page=" + strings.Repeat("9", 40), 400, "页码"},
		{"SQL", "q=" + url.QueryEscape("'; DROP TABLE paragraphs; --"), 200, "没有找到"},
		{"percent and underscore", "q=" + url.QueryEscape("%_"), 200, "没有找到"},
		{"backslash", "q=" + url.QueryEscape(`\`), 200, "没有找到"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := request(t, nil, "GET", base+"/search?"+c.rawQuery, nil)
			if r.status != c.status {
				t.Fatalf("status %d, want %d\n%s", r.status, c.status, r.body)
			}
			if !strings.Contains(r.body, c.want) {
				t.Errorf("page lacks %q:\n%s", c.want, r.body)
			}
			if strings.Contains(r.body, "<script>") || strings.Contains(r.body, "<b>x") {
				t.Errorf("markup from the query was echoed unescaped")
			}
		})
	}
	// The database is still there after the SQL-looking query.
	if r := request(t, nil, "GET", base+searchPath("锂矿"), nil); !strings.Contains(r.body, "#p11") {
		t.Errorf("search broken after the SQL-looking query")
	}
}

func TestSearchSpeaksTheReadersLanguage(t *testing.T) {
	base := newTestPortal(t).URL
	for path, wants := range map[string][]string{
		"/search":        {"How to search", `placeholder="Search text, commitments, bodies, places"`},
		searchPath("锂矿"): {"Paragraph (1)", "Commitment (1)", "paragraph 11", `<mark class="hit">锂矿</mark>`},
		searchPath("石墨"): {"Nothing holds all of “石墨”."},
		"/search?q=" + strings.Repeat("锂", 200): {"The search text is too long (200 characters)."},
		"/commitments": {"Region", "Mineral", "Year its time frame covers"},
	} {
		r := request(t, browserClient(t), "GET", base+path, nil, "Accept-Language", "en-GB,en;q=0.9")
		for _, want := range wants {
			if !strings.Contains(r.body, want) {
				t.Errorf("%s in English lacks %q", path, want)
			}
		}
		if strings.Contains(r.body, "⟦") {
			t.Errorf("%s in English has an untranslated message", path)
		}
	}
}

func TestReaderSearchesFromTheHeaderInABrowser(t *testing.T) {
	base := newTestPortal(t).URL
	ctx := browser(t)
	// From a document page, the header's box finds where the reply talks about 锂矿,
	// and the hit leads to the paragraph.
	steps(t, ctx,
		chromedp.Navigate(base+"/documents/"+replySlug),
		chromedp.SendKeys(chromedp.CSS(`#site-q`), "锂矿"),
		chromedp.Click(chromedp.CSS(`form.site-search button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#hits-paragraph`)),
	)
	location := must(t, ctx, chromedp.Location())
	mark := must(t, ctx, chromedp.Text(chromedp.CSS(`#hits-paragraph + ol.hits mark.hit`)))
	if !strings.Contains(location, "/search?q=") || mark != "锂矿" {
		t.Fatalf("after searching: at %s, first mark %q", location, mark)
	}
	steps(t, ctx,
		chromedp.Click(chromedp.CSS(`#hits-paragraph + ol.hits a`)),
		chromedp.WaitVisible(chromedp.CSS(`#p11`)),
	)
	if location = must(t, ctx, chromedp.Location()); !strings.HasSuffix(location, "/documents/"+replySlug+"#p11") {
		t.Errorf("the hit led to %s, want paragraph 11", location)
	}
}

func TestSearchHidesWithdrawnCommitmentsAndMatchesOnlyWhatItShould(t *testing.T) {
	p := newTestPortal(t)
	base, pool := p.URL, p.Pool
	title := scalar[string](t, pool, `SELECT title FROM commitments WHERE id = 14`)
	if r := request(t, nil, "GET", base+"/search?q="+url.QueryEscape("锂矿"), nil); !strings.Contains(r.body, `href="/commitments/14"`) {
		t.Fatalf("before withdrawal the search does not find 承诺 14 (%s)", title)
	}
	if _, err := pool.Exec(t.Context(), `UPDATE commitments SET withdrawn_at = now() WHERE id = 14`); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"锂矿", "锂", title} {
		for _, path := range []string{"/search?q=", "/search?kind=commitment&q="} {
			if r := request(t, nil, "GET", base+path+url.QueryEscape(q), nil); strings.Contains(r.body, `href="/commitments/14"`) {
				t.Errorf("%s%s still finds the withdrawn commitment", path, q)
			}
		}
	}
	// Terms that normalise to fewer characters than typed: é as e + U+0301, half-width ｶﾞ.
	for _, q := range []string{"e\u0301", "ｶﾞ"} {
		r := request(t, nil, "GET", base+"/search?q="+url.QueryEscape(q), nil)
		if r.status != 200 || strings.Contains(r.body, `href="/commitments/`) || strings.Contains(r.body, `#p1"`) {
			t.Errorf("%q matches text that does not contain it (status %d)", q, r.status)
		}
	}
}
