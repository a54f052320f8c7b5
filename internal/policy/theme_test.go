package policy

import (
	"slices"
	"testing"
)

func TestSuggestTheme(t *testing.T) {
	themes := []ThemeEntry{
		{Theme: Theme{Key: "industrial_layout"}, Keywords: []string{"产业集群", "布局"}},
		{Theme: Theme{Key: "mineral_exploration"}, Keywords: []string{"找矿", "勘查", "矿产"}},
		{Theme: Theme{Key: "facilities_funding"}, Keywords: []string{"基础设施", "专项债"}},
		{Theme: Theme{Key: "empty"}, Keywords: []string{""}},
	}
	for _, c := range []struct {
		name, title, text, want string
	}{
		{"the seed's 二、 by its heading", "加大找矿力度,巩固资源优势", "分3个5年统筹安排全省地质找矿工作。", "mineral_exploration"},
		{"by the text alone", "其他事项", "协调8.11亿元园区专项债支持园区配套基础设施建设。", "facilities_funding"},
		{"the heading outweighs the text", "加快产业集群", "加大锂、磷等矿产勘查力度,实施找矿项目。", "industrial_layout"},
		{"more hits in the text win", "正文", "实施找矿项目,加大勘查力度,推动产业集群。", "mineral_exploration"},
		{"a tie goes to the theme first in order", "", "产业集群和找矿", "industrial_layout"},
		{"no keyword", "关于教育", "办好人民满意的教育。", ""},
		{"an empty keyword matches nothing", "", "", ""},
	} {
		if got := SuggestTheme(themes, c.title, c.text); got != c.want {
			t.Errorf("%s: SuggestTheme = %q, want %q", c.name, got, c.want)
		}
	}
	if got := SuggestTheme(nil, "找矿", "找矿"); got != "" {
		t.Errorf("without themes: %q", got)
	}
}

func TestSplitKeywords(t *testing.T) {
	for in, want := range map[string][]string{
		"找矿、勘查,矿产 地质;找矿": {"找矿", "勘查", "矿产", "地质"},
		"  人才，科技；\n研发 ":  {"人才", "科技", "研发"},
		"":               {},
		"、、 ,":           {},
	} {
		if got := SplitKeywords(in); !slices.Equal(got, want) {
			t.Errorf("SplitKeywords(%q) = %q, want %q", in, got, want)
		}
	}
	if k := KeywordTooLong([]string{"短", "一二三四五六七八九十一二三四五六七八九十一"}); k == "" {
		t.Error("a keyword of 21 characters is not too long")
	}
}

func TestValidThemeKey(t *testing.T) {
	for key, want := range map[string]bool{"talent_technology": true, "a": true, "": false, "_x": false, "Talent": false,
		"talent-tech": false, "教育": false, "x1": false} {
		if ValidThemeKey(key) != want {
			t.Errorf("ValidThemeKey(%q) = %v", key, !want)
		}
	}
}
