package server_test

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func TestSubItemPagesCarryTheirAnchorsAndOnlyTheirText(t *testing.T) {
	base := newTestPortal(t).URL
	for _, c := range []struct{ anchor, starts, ends, notContains string }{
		{"s1-1", "(一)“一核”", "打造千亿级磷化工产业园区。", "(二)“两区”"},
		{"s4-2", "(二)围绕重点环节招商", "以应对未来市场多元化需求。", "(三)强化招商引资宣传"},
		{"s7-3", "三全力保障用地需求", "确保重点项目用地指标。", "四是强化基金资金支持"},
		{"s7-4", "四是强化基金资金支持", "项目等支持。", "再次感谢"},
	} {
		r := request(t, nil, "GET", base+"/documents/"+replySlug+"/sections/"+c.anchor, nil)
		if r.status != 200 {
			t.Fatalf("%s: status %d", c.anchor, r.status)
		}
		if !strings.Contains(r.body, `id="`+c.anchor+`"`) {
			t.Errorf("%s page lacks its own anchor", c.anchor)
		}
		article := r.body[strings.Index(r.body, `<article`):strings.Index(r.body, `</article>`)]
		plain := regexp.MustCompile(`<a class="(pilcrow|cref)"[^>]*>[^<]*</a>|<[^>]+>`).ReplaceAllString(article, "")
		plain = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(plain), "原文"))
		if !strings.HasPrefix(plain, c.starts) || !strings.HasSuffix(plain, c.ends) || strings.Contains(plain, c.notContains) {
			t.Errorf("%s page text is not exactly the sub-item: %q", c.anchor, plain)
		}
	}
}

// TestSectionPagesLeadToTheirNeighbours: a section page links to the section
// before and after it in reading order and to the part it belongs to, and
// its breadcrumb runs document › section › sub-item; a commitment's
// breadcrumb names its sub-item too, and it links back to its place in the text.
func TestSectionPagesLeadToTheirNeighbours(t *testing.T) {
	p := newTestPortal(t)
	doc := "/documents/" + replySlug
	link := func(rel, anchor string) string {
		if rel == "" {
			return `href="` + doc + `/sections/` + anchor + `"`
		}
		return `rel="` + rel + `" href="` + doc + `/sections/` + anchor + `"`
	}
	pager := regexp.MustCompile(`(?s)<nav class="pager".*?</nav>`)
	crumbs := regexp.MustCompile(`(?s)<nav class="crumbs".*?</nav>`)
	for _, c := range []struct {
		anchor        string
		want, notWant []string // in the pager
		crumbs        []string
	}{
		{"s1", []string{link("next", "s1-1"), `href="` + doc + `"`}, []string{`rel="prev"`}, []string{`href="` + doc + `"`, `<span aria-current="page">一、`}},
		{"s1-1", []string{link("prev", "s1"), link("next", "s1-2"), link("", "s1")}, nil, []string{`href="` + doc + `"`, link("", "s1"), `<span aria-current="page">(一)“一核”</span>`}},
		{"s2", []string{link("prev", "s1-3"), link("next", "s3"), `href="` + doc + `"`}, nil, []string{`<span aria-current="page">二、`}},
	} {
		r := request(t, nil, "GET", p.URL+doc+"/sections/"+c.anchor, nil)
		nav, crumb := pager.FindString(r.body), crumbs.FindString(r.body)
		for _, w := range c.want {
			if !strings.Contains(nav, w) {
				t.Errorf("%s: the pager lacks %s\n%s", c.anchor, w, nav)
			}
		}
		for _, w := range c.notWant {
			if strings.Contains(nav, w) {
				t.Errorf("%s: the pager has %s", c.anchor, w)
			}
		}
		for _, w := range c.crumbs {
			if !strings.Contains(crumb, w) {
				t.Errorf("%s: the breadcrumb lacks %s\n%s", c.anchor, w, crumb)
			}
		}
	}
	// The last section has no next one.
	if nav := pager.FindString(request(t, nil, "GET", p.URL+doc+"/sections/s7-4", nil).body); nav == "" || strings.Contains(nav, `rel="next"`) {
		t.Errorf("the last sub-item s7-4: pager %q", nav)
	}
	// A commitment made in a sub-item: the first one its page lists.
	top, sub := "s1", "s1-1"
	page := request(t, nil, "GET", p.URL+doc+"/sections/"+sub, nil).body
	m := regexp.MustCompile(`class="c-title" href="/commitments/(\d+)"`).FindStringSubmatch(page[strings.Index(page, `id="sc-h"`):])
	if m == nil {
		t.Fatalf("sub-item %s lists no commitment", sub)
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	r := request(t, nil, "GET", p.URL+"/commitments/"+strconv.FormatInt(id, 10), nil)
	crumb := crumbs.FindString(r.body)
	if !strings.Contains(crumb, link("", top)) || !strings.Contains(crumb, link("", sub)) || strings.Index(crumb, link("", top)) > strings.Index(crumb, link("", sub)) {
		t.Errorf("commitment %d's breadcrumb does not run section %s › sub-item %s:\n%s", id, top, sub, crumb)
	}
	if !strings.Contains(r.body, `href="`+doc+`#c`+strconv.FormatInt(id, 10)+`"`) {
		t.Errorf("commitment %d does not link back to its place in the text", id)
	}
}
