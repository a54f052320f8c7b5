package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestPagesShowWhatAReaderLooksFor(t *testing.T) {
	base := newTestPortal(t).URL
	cases := []struct {
		path   string
		status int
		want   []string
	}{
		{"/", 200, []string{"<html lang=\"zh-CN\">", "省工业和信息化厅关于省政协十三届一次会议第1019号提案的答复", "黔工信提复字〔2023〕4号",
			"农工党贵州省委员会", "2023年6月28日", "/documents/qgxtfz-2023-4", "关于布局“左磷右锂”开辟新型工业化新赛道的建议"}},
		{"/documents/" + replySlug, 200, []string{"黔工信提复字〔2023〕4号", "000014349/2023-2692872", "2023-08-09 15:35:32", "全文公开",
			"刘云", "0851-86811206", "目录", `href="#s1"`, "一、加快产业集群,实现错位发展", `id="p1"`, `id="p25"`, `id="s4-2"`,
			`href="/documents/gz-nev-battery-base-plan-2022-2030"`, `href="/documents/cppcc-gz-13-1-proposal-1019"`,
			"(联系人:刘云;联系电话:0851-86811206)", "文中数字"}},
		{"/documents/" + replySlug + "/sections/s2", 200, []string{"二、加大找矿力度,巩固资源优势", "39932.82万元", "本节承诺事项"}},
		{"/documents/" + replySlug + "/sections/s4-2", 200, []string{"(二)围绕重点环节招商", "固态电池、钠离子电池、燃料电池"}},
		{"/documents/gz-emergency-master-plan", 200, []string{"贵州省突发事件总体应急预案", "哪些文件引用了它", "黔工信提复字〔2023〕4号", "修订"}},
		{"/documents/cppcc-gz-13-1-proposal-1019", 200, []string{"关于布局“左磷右锂”开辟新型工业化新赛道的建议", "农工党贵州省委员会", "第1019号", "答复"}},
		{"/commitments", 200, []string{"承诺事项", "筛选", `name="status"`, `name="section"`, `name="kind"`, `name="strength"`, `name="lead"`}},
		{"/entities", 200, []string{"主体与地区", "企业", "产业园区"}},
		{"/healthz", 200, []string{"ok"}},
		{"/readyz", 200, []string{"ready"}},
		{"/static/style.css", 200, []string{".chart-svg"}},
		{"/static/print.css", 200, []string{"@page", "size: A4"}},
	}
	for _, c := range cases {
		t.Run(c.path, func(t *testing.T) {
			r := request(t, nil, "GET", base+c.path, nil)
			if r.status != c.status {
				t.Fatalf("status %d, want %d\n%s", r.status, c.status, r.body)
			}
			for _, w := range c.want {
				if !strings.Contains(r.body, w) {
					t.Errorf("page lacks %q", w)
				}
			}
		})
	}
}

func TestUnknownThingsAre404AndBadFiltersAre400(t *testing.T) {
	base := newTestPortal(t).URL
	cases := []struct {
		path   string
		status int
		want   string
	}{
		{"/no-such-page", 404, "页面不存在"},
		{"/documents/no-such-document", 404, "没有找到这份文件"},
		{"/documents/no-such-document.txt", 404, "没有找到这份文件"},
		{"/documents/gz-emergency-master-plan.txt", 404, "没有收录"},
		{"/documents/" + replySlug + "/sections/s9", 404, "没有这一节"},
		{"/commitments/999999", 404, "没有找到这项承诺"},
		{"/commitments/abc", 404, "没有找到这项承诺"},
		{"/commitments/-1", 404, "没有找到这项承诺"},
		{"/commitments/99999999999999999999999", 404, "没有找到这项承诺"},
		{"/entities/no-such-entity", 404, "没有找到这个条目"},
		{"/commitments?status=done", 400, "筛选条件“状态”的值“done”无效"},
		{"/commitments?section=mining", 400, "章节主题"},
		{"/commitments?kind=promise", 400, "类型"},
		{"/commitments?strength=strong", 400, "承诺力度"},
		{"/commitments?lead=nobody", 400, "牵头单位"},
		{"/commitments?document=nope", 400, "没有文件“nope”"},
		{"/commitments?status=" + url.QueryEscape("<script>alert(1)</script>"), 400, "&lt;script&gt;"},
		{"/commitments?status=%ff%fe", 400, "无效"},
		{"/commitments?status=" + strings.Repeat("锂", 5000), 400, "…"},
		{"/entities?kind=planet", 400, "类别“planet”无效"},
		{"/entities?kind=region&kind=planet", 400, "类别“planet”无效"},
		{"/documents/" + replySlug + "%00", 404, "没有找到这份文件"},
		{"/documents/%FF", 404, "没有找到这份文件"},
		{"/documents/%FF.txt", 404, "没有找到这份文件"},
		{"/documents/%00/sections/s1", 404, "没有找到这份文件"},
		{"/documents/" + replySlug + "/sections/%FF", 404, "没有这一节"},
		{"/entities/%00", 404, "没有找到这个条目"},
		{"/entities/%FF", 404, "没有找到这个条目"},
		{"/documents/QGXTFZ-2023-4", 404, "没有找到这份文件"},
		{"/commitments/+1", 404, "没有找到这项承诺"},
		{"/commitments/01", 404, "没有找到这项承诺"},
		{"/commitments?status=%zz", 400, "查询参数格式有误"},
		{"/commitments?status=completed%zz", 400, "查询参数格式有误"},
		{"/commitments?document=" + replySlug + "&document=nope", 400, "没有文件“nope”"},
		{"/commitments?document=%00", 400, "无法按文件筛选"},
		{"/static/missing.css", 404, "页面不存在"},
		{"/static/", 404, "页面不存在"},
	}
	for _, c := range cases {
		t.Run(c.path[:min(len(c.path), 60)], func(t *testing.T) {
			r := request(t, nil, "GET", base+c.path, nil)
			if r.status != c.status {
				t.Fatalf("status %d, want %d", r.status, c.status)
			}
			if !strings.Contains(r.body, c.want) {
				t.Errorf("page lacks %q:\n%s", c.want, r.body)
			}
			if strings.Contains(r.body, "<script>") {
				t.Errorf("markup from the request was echoed unescaped")
			}
		})
	}
}

func TestPagesAreReadOnly(t *testing.T) {
	base := newTestPortal(t).URL
	for _, path := range []string{"/", "/documents/" + replySlug, "/commitments/1", "/entities"} {
		r := request(t, nil, http.MethodPost, base+path, nil)
		if r.status != http.StatusMethodNotAllowed {
			t.Errorf("POST %s: status %d, want 405", path, r.status)
		}
		if allow := r.header.Get("Allow"); allow != "GET, HEAD" {
			t.Errorf("POST %s: Allow %q, want GET, HEAD", path, allow)
		}
	}
}

func TestHeadAndTrailingSlashes(t *testing.T) {
	base := newTestPortal(t).URL
	for _, path := range []string{"/", "/documents/" + replySlug, "/documents/" + replySlug + ".txt", "/commitments", "/healthz"} {
		r := request(t, nil, http.MethodHead, base+path, nil)
		if r.status != 200 || r.body != "" {
			t.Errorf("HEAD %s: status %d, %d bytes of body", path, r.status, len(r.body))
		}
	}
	if r := request(t, nil, http.MethodHead, base+"/documents/nope", nil); r.status != 404 {
		t.Errorf("HEAD of an unknown document: %d", r.status)
	}
	// A trailing slash leads to the page without it.
	r := request(t, nil, "GET", base+"/documents/"+replySlug+"/", nil)
	if r.status != 200 || !strings.Contains(r.body, "黔工信提复字〔2023〕4号") {
		t.Errorf("trailing slash: status %d", r.status)
	}
}
