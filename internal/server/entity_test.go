package server_test

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/guizhou-portal/portal/internal/demo"
	"github.com/guizhou-portal/portal/internal/postgres"
)

func TestRegionPagesListTheParksWithinThem(t *testing.T) {
	base := newTestPortal(t).URL
	cases := map[string][]string{
		// 开阳经开区 and 开阳化工园区 lie in 开阳, a county of 贵阳贵安.
		"guiyang-guian": {"开阳经开区", "开阳化工园区"},
		"tongren":       {"铜仁新能源电池及材料产业聚集区", "大龙经开区", "黔东工业集聚区"},
		"guizhou":       {"黔南高新区", "义龙新区", "瓮安化工园区", "开阳化工园区", "盘北经开区"},
	}
	for slug, parks := range cases {
		r := request(t, nil, "GET", base+"/entities/"+slug, nil)
		if !strings.Contains(r.body, "区域内的产业园区") {
			t.Errorf("%s: no list of parks", slug)
			continue
		}
		for _, p := range parks {
			if !strings.Contains(r.body, ">"+p+"</a> <span class=\"muted small\">位于") {
				t.Errorf("%s: park %s not listed", slug, p)
			}
		}
	}
	if r := request(t, nil, "GET", base+"/entities/catl", nil); strings.Contains(r.body, "区域内的产业园区") {
		t.Errorf("a company lists parks")
	}
}

func TestCrossReferencesLinkEntitiesCommitmentsAndCitedDocuments(t *testing.T) {
	base := newTestPortal(t).URL
	// 宁德时代 is named in paragraphs 14 and 18, each linked to its anchor.
	r := request(t, nil, "GET", base+"/entities/catl", nil)
	for _, want := range []string{"文中提及（2）", `#p14"`, `#p18"`, "相关承诺事项（"} {
		if !strings.Contains(r.body, want) {
			t.Errorf("/entities/catl lacks %s", want)
		}
	}
	// Its commitments link to commitments that share an entity with them.
	m := regexp.MustCompile(`href="(/commitments/\d+)"`).FindStringSubmatch(r.body)
	if m == nil {
		t.Fatal("/entities/catl links to no commitment")
	}
	c := request(t, nil, "GET", base+m[1], nil)
	if !strings.Contains(c.body, "相关承诺") || !regexp.MustCompile(`<h2 id="cr-h">`).MatchString(c.body) {
		t.Errorf("%s lists no related commitments", m[1])
	}
	// A cited document says who cites it, and where.
	d := request(t, nil, "GET", base+"/documents/gz-nev-battery-base-plan-2022-2030", nil)
	for _, want := range []string{"哪些文件引用了它", "省工业和信息化厅关于省政协十三届一次会议第1019号提案的答复", `#p4"`} {
		if !strings.Contains(d.body, want) {
			t.Errorf("cited plan lacks %s", want)
		}
	}
}

func TestEntityPagesSpanEveryDocumentRealOnesFirst(t *testing.T) {
	p := newTestPortal(t)
	base, pool := p.URL, p.Pool
	if err := demo.Fill(context.Background(), postgres.NewStore(pool), 3, 7, nil); err != nil {
		t.Fatal(err)
	}
	r := request(t, nil, "GET", base+"/entities/guizhou", nil)
	first := strings.Index(r.body, "/documents/qgxtfz-2023-4#p")
	synthetic := strings.Index(r.body, "/documents/demo-")
	if first < 0 || synthetic < 0 || synthetic < first {
		t.Errorf("mentions of 贵州省: real reply at %d, synthetic at %d; want both, real first", first, synthetic)
	}
	if !strings.Contains(r.body, "【演示数据】") {
		t.Errorf("synthetic documents are not labelled")
	}
	// The home page is for readers: synthetic documents stay off it.
	if home := request(t, nil, "GET", base+"/", nil); strings.Contains(home.body, "/documents/demo-") || !strings.Contains(home.body, replySlug) {
		t.Errorf("the home page lists synthetic documents, or lost the reply")
	}
	// So is the dashboard.
	if dash := request(t, nil, "GET", base+"/dashboard", nil); !strings.Contains(dash.body, "51 项 · 完成 18（35%）") {
		t.Errorf("the dashboard counts synthetic commitments")
	}
	// Search finds them last, labelled.
	s := request(t, nil, "GET", base+searchPath("电池")+"&kind=paragraph", nil)
	real, demo := strings.Index(s.body, "qgxtfz-2023-4#p"), strings.Index(s.body, `<span class="tag synthetic">演示数据</span>`)
	if real < 0 || demo < 0 || demo < real {
		t.Errorf("search for 电池: real hit at %d, labelled synthetic hit at %d; want both, real first", real, demo)
	}
}

func TestEntityAndRegionPagesListMentionsParksAndCommitments(t *testing.T) {
	base := newTestPortal(t).URL
	r := request(t, nil, "GET", base+"/entities/catl", nil)
	for _, want := range []string{"宁德时代", "企业", "文中提及（2）", "<mark>宁德时代</mark>", "相关承诺事项"} {
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
