package server_test

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

func TestDocumentPageMarksCommitmentsMentionsAndCitationsInPlace(t *testing.T) {
	p := newTestPortal(t)
	base, pool := p.URL, p.Pool
	var id int64
	if err := pool.QueryRow(context.Background(), `SELECT id FROM commitments WHERE quote = '已完成实训710人'`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	r := request(t, nil, "GET", base+"/documents/"+replySlug, nil)
	// The commitment is highlighted where it stands and links to its page.
	mark := regexp.MustCompile(`<mark class="commitment" id="c` + fmt.Sprint(id) + `"[^>]*>已完成实训<a class="entity"|<mark class="commitment" id="c` + fmt.Sprint(id) + `"[^>]*>已完成实训710人</mark>`)
	if !mark.MatchString(r.body) {
		t.Errorf("commitment %d is not highlighted in place", id)
	}
	if !strings.Contains(r.body, fmt.Sprintf(`<a class="cref" href="/commitments/%d"`, id)) {
		t.Errorf("commitment %d is not linked from the text", id)
	}
	// A cited title is one link, even where entities are named inside it.
	if !strings.Contains(r.body, `>《贵州省新能源动力电池及材料研发生产基地建设规划(2022-2030年)》</a>`) {
		t.Errorf("the cited plan's title is not one whole link")
	}
	for _, want := range []string{
		`<a class="entity" href="/entities/catl">宁德时代</a>`,
		`<a class="cite" href="/documents/gz-emergency-master-plan"`,
		`<span class="anchor" id="s7-3"></span>`,
	} {
		if !strings.Contains(r.body, want) {
			t.Errorf("document page lacks %s", want)
		}
	}
	// The text between the marks is still the text: strip tags from paragraph 19's
	// markup and compare with the source paragraph.
	para := regexp.MustCompile(`(?s)<p id="p19"[^>]*>(.*?)</p>`).FindStringSubmatch(r.body)
	if para == nil {
		t.Fatal("paragraph 19 missing")
	}
	text := regexp.MustCompile(`<a class="(pilcrow|cref)"[^>]*>[^<]*</a>|<[^>]+>`).ReplaceAllString(para[1], "")
	if !strings.HasPrefix(strings.TrimSpace(text), "(二)强化人力支持和智力支撑。") || !strings.HasSuffix(strings.TrimSpace(text), "已完成实训710人。") {
		t.Errorf("paragraph 19 text altered by markup: %q", text)
	}
}

func TestCommitmentPageShowsItsQuoteStatusAndContext(t *testing.T) {
	p := newTestPortal(t)
	base, pool := p.URL, p.Pool
	var id int64
	if err := pool.QueryRow(context.Background(), `SELECT id FROM commitments WHERE quote LIKE '2022年至2023年,省财政安排39932.82万元%'`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	r := request(t, nil, "GET", base+fmt.Sprintf("/commitments/%d", id), nil)
	if r.status != 200 {
		t.Fatalf("status %d", r.status)
	}
	for _, want := range []string{"39932.82万元", "399,328,200 元", "51个", "2022年至2023年", "2022年1月1日", "2023年12月31日",
		"未评估", "原文未表明进展", "省财政", "二、加大找矿力度,巩固资源优势", "找矿与资源保障", "/documents/" + replySlug + "#c"} {
		if !strings.Contains(r.body, want) {
			t.Errorf("commitment page lacks %q", want)
		}
	}

	if err := pool.QueryRow(context.Background(), `SELECT id FROM commitments WHERE quote = '拟安排专项资金对各市(州)重点产业园区配套基础设施建设予以支持'`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	r = request(t, nil, "GET", base+fmt.Sprintf("/commitments/%d", id), nil)
	for _, want := range []string{"计划中", "依据原文用语“拟”", "(二)积极对接其他资金保障"} {
		if !strings.Contains(r.body, want) {
			t.Errorf("planned commitment page lacks %q", want)
		}
	}
}

func TestEntityAndRegionPagesListMentionsParksAndCommitments(t *testing.T) {
	base := newTestPortal(t).URL
	r := request(t, nil, "GET", base+"/entities/catl", nil)
	for _, want := range []string{"宁德时代", "企业", "文中提及(2)", "<mark>宁德时代</mark>", "相关承诺事项"} {
		if !strings.Contains(r.body, want) {
			t.Errorf("entity page lacks %q", want)
		}
	}
	rr := request(t, nil, "GET", base+"/entities/tongren", nil)
	if rr.status != 200 {
		t.Fatalf("/entities/tongren: status %d", rr.status)
	}
	region := rr.body
	for _, want := range []string{"下属地区与产业园区", "大龙经开区"} {
		if !strings.Contains(region, want) {
			t.Errorf("铜仁's page lacks %q", want)
		}
	}
}

func TestCommitmentFiltersAreShareableAndRemovable(t *testing.T) {
	base := newTestPortal(t).URL
	all := request(t, nil, "GET", base+"/commitments", nil)
	count := func(body string) int {
		return strings.Count(body, `<a class="c-title"`)
	}
	total := count(all.body)
	if total < 30 {
		t.Fatalf("%d commitments listed, want at least 30", total)
	}
	q := url.Values{"status": {"completed"}, "section": {"talent_technology"}}
	r := request(t, nil, "GET", base+"/commitments?"+q.Encode(), nil)
	n := count(r.body)
	if n == 0 || n >= total {
		t.Fatalf("filtered list has %d of %d", n, total)
	}
	if strings.Contains(r.body, "未评估</span>") {
		t.Errorf("status filter let a not-assessed commitment through")
	}
	for _, want := range []string{`value="completed" checked`, `value="talent_technology" checked`, "状态:已完成", "章节主题:人才与科技支撑",
		`href="/commitments?section=talent_technology"`, `href="/commitments?status=completed"`} {
		if !strings.Contains(r.body, want) {
			t.Errorf("filtered page lacks %s", want)
		}
	}
	// Removing one filter widens the list.
	wider := count(request(t, nil, "GET", base+"/commitments?status=completed", nil).body)
	if wider <= n {
		t.Errorf("removing the section filter left %d, want more than %d", wider, n)
	}
	// The document filter narrows to the reply and names it.
	r = request(t, nil, "GET", base+"/commitments?document="+replySlug, nil)
	if count(r.body) != total || !strings.Contains(r.body, "黔工信提复字〔2023〕4号") {
		t.Errorf("document filter: %d listed", count(r.body))
	}
	// A lead unit filter.
	r = request(t, nil, "GET", base+"/commitments?lead=gz-big-data-bureau", nil)
	if r.status != 200 || count(r.body) == 0 || count(r.body) >= total || !strings.Contains(r.body, "牵头单位:省大数据局") {
		t.Errorf("lead filter: status %d, %d listed", r.status, count(r.body))
	}
}

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

func TestRelatedCommitmentsShareEntitiesOrUnits(t *testing.T) {
	p := newTestPortal(t)
	base, pool := p.URL, p.Pool
	var a, b int64
	ctx := context.Background()
	if err := pool.QueryRow(ctx, `SELECT id FROM commitments WHERE quote = '已遴选出20家大数据人才实训基地'`).Scan(&a); err != nil {
		t.Fatal(err)
	}
	if err := pool.QueryRow(ctx, `SELECT id FROM commitments WHERE quote = '已完成实训710人'`).Scan(&b); err != nil {
		t.Fatal(err)
	}
	r := request(t, nil, "GET", base+fmt.Sprintf("/commitments/%d", a), nil)
	if !strings.Contains(r.body, fmt.Sprintf(`href="/commitments/%d"`, b)) {
		t.Errorf("commitments led by the same unit (省大数据局) are not related")
	}
}
