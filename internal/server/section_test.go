package server_test

import (
	"regexp"
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
