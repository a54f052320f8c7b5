package demo

import (
	"reflect"
	"strings"
	"testing"

	"github.com/guizhou-portal/portal/internal/policy"
)

var vocabulary = []policy.Entity{
	{Slug: "tongren", Kind: "region", Name: "铜仁"},
	{Slug: "dalong-edz", Kind: "park", Name: "大龙经开区"},
	{Slug: "catl", Kind: "company", Name: "宁德时代"},
	{Slug: "lithium", Kind: "mineral", Name: "锂"},
	{Slug: "separator", Kind: "material", Name: "隔膜"},
	{Slug: "sodium-ion-battery", Kind: "technology", Name: "钠离子电池"},
	{Slug: "guizhou-university", Kind: "institution", Name: "贵州大学"},
	{Slug: "gz-finance-dept", Kind: "government", Name: "省财政"},
}

func TestRepliesAreSyntheticLabelledAndPinnedToTheirWords(t *testing.T) {
	g := NewGenerator(vocabulary, []policy.Theme{{Key: "industrial_layout"}}, 1)
	r := g.Reply(7)
	if !reflect.DeepEqual(r, NewGenerator(vocabulary, []policy.Theme{{Key: "industrial_layout"}}, 1).Reply(7)) {
		t.Fatal("the same seed and number gave different replies")
	}
	d := r.Document
	if !d.Synthetic || !strings.HasPrefix(d.Title, TitlePrefix) || !strings.Contains(d.DocNumber, "演") {
		t.Errorf("not marked synthetic: %+v", d)
	}
	if n := len(r.Paragraphs); n < 12 || n > 40 {
		t.Errorf("%d paragraphs, want a reply's size", n)
	}
	text := func(seq, start, end int) string { return string([]rune(r.Paragraphs[seq-1].Text)[start:end]) }
	names := map[string]string{}
	for _, e := range vocabulary {
		names[e.Slug] = e.Name
	}
	for _, m := range r.Mentions {
		if got := text(m.ParagraphSeq, m.Start, m.End); got != names[m.EntitySlug] {
			t.Errorf("mention of %s quotes %q", m.EntitySlug, got)
		}
	}
	if len(r.Commitments) == 0 {
		t.Fatal("no commitments")
	}
	for _, c := range r.Commitments {
		q := text(c.ParagraphSeq, c.Start, c.End)
		if strings.Contains(q, "。") || !strings.HasPrefix(string([]rune(r.Paragraphs[c.ParagraphSeq-1].Text)[c.End:]), "。") {
			t.Errorf("commitment %q is not one whole sentence", q)
		}
		if c.TimeFrame != "" && c.TimeFrame != "下一步" && !strings.Contains(q, strings.TrimSuffix(strings.Split(c.TimeFrame, "至")[0], "前")) {
			t.Errorf("time frame %q is not in the words %q", c.TimeFrame, q)
		}
	}
}
