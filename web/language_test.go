package web

import (
	"context"
	"strings"
	"testing"

	"github.com/guizhou-portal/portal/internal/i18n"
)

func TestLocalMarksChineseRuns(t *testing.T) {
	en := i18n.With(context.Background(), i18n.For("en"))
	zh := i18n.With(context.Background(), i18n.For("zh"))
	for _, tc := range []struct {
		ctx      context.Context
		in, want string
	}{
		{en, "CATL", "CATL"},
		{en, "宁德时代", `<span lang="zh-CN">宁德时代</span>`},
		{en, "Reply 黔工信提复字〔2023〕4号, paragraph 4", `Reply <span lang="zh-CN">黔工信提复字〔2023〕4号</span>, paragraph 4`},
		{en, "(力争, 积极 and the like)", `(<span lang="zh-CN">力争, 积极</span> and the like)`},
		{en, "Commitment 2 · 一、加快产业集群,实现错位发展 · Measure", `Commitment 2 · <span lang="zh-CN">一、加快产业集群,实现错位发展</span> · Measure`},
		{en, "“One core”", "“One core”"},
		{en, "a < b", "a &lt; b"},
		{zh, "宁德时代", "宁德时代"},
		{zh, "lithium", `<span lang="en">lithium</span>`},
		{zh, "下载(CSV,可用 Excel 打开)", "下载(CSV,可用 Excel 打开)"},
	} {
		var b strings.Builder
		if err := Local(tc.in).Render(tc.ctx, &b); err != nil {
			t.Fatal(err)
		}
		if b.String() != tc.want {
			t.Errorf("Local(%q) = %q, want %q", tc.in, b.String(), tc.want)
		}
	}
}
