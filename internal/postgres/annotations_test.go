package postgres_test

import (
	"context"
	"strings"
	"testing"

	"github.com/guizhou-portal/portal/internal/policy"
	"github.com/guizhou-portal/portal/internal/postgres"
	"github.com/guizhou-portal/portal/internal/postgres/pgtest"
)

func TestEveryFigureIsTypedAndNormalised(t *testing.T) {
	ctx := context.Background()
	store := postgres.NewStore(pgtest.NewDB(t))
	d, err := store.Document(ctx, replySlug)
	if err != nil {
		t.Fatal(err)
	}
	figures, err := store.Figures(ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	// Every quantity of the reply, in reading order, with its value in the base unit.
	want := []struct{ quote, kind, base, unit, qualifier string }{
		{"千亿级", "money", "100000000000", "yuan", "order_of"},
		{"3个5年", "count", "3", "item", "exact"},
		{"8种", "count", "8", "item", "exact"},
		{"39932.82万元", "money", "399328200", "yuan", "exact"},
		{"51个", "count", "51", "item", "exact"},
		{"2.5万吨/年", "capacity", "25000", "tonne_per_year", "exact"},
		{"59个", "count", "59", "item", "exact"},
		{"388.7亿元", "money", "38870000000", "yuan", "exact"},
		{"50亿元", "money", "5000000000", "yuan", "more_than"},
		{"100亿元", "money", "10000000000", "yuan", "more_than"},
		{"50亿元", "money", "5000000000", "yuan", "more_than"},
		{"10亿元", "money", "1000000000", "yuan", "exact"},
		{"20个", "count", "20", "item", "exact"},
		{"54个", "count", "54", "item", "exact"},
		{"8.11亿元", "money", "811000000", "yuan", "exact"},
		{"45个", "count", "45", "item", "exact"},
		{"8个", "count", "8", "item", "exact"},
		{"11个", "count", "11", "item", "exact"},
		{"6个", "count", "6", "item", "exact"},
		{"C级", "rating", "3", "level", "exact"},
		{"20家", "count", "20", "item", "exact"},
		{"710人", "count", "710", "person", "exact"},
	}
	if len(figures) != len(want) {
		t.Fatalf("%d figures, want %d", len(figures), len(want))
	}
	for i, w := range want {
		f := figures[i]
		if f.Quote != w.quote || string(f.Kind) != w.kind || f.BaseValue != w.base || f.BaseUnit != w.unit || f.Qualifier != w.qualifier {
			t.Errorf("figure %d = %s %s %s %s %s, want %+v", i+1, f.Quote, f.Kind, f.BaseValue, f.BaseUnit, f.Qualifier, w)
		}
		if f.Measure == "" {
			t.Errorf("figure %s does not say what it counts", f.Quote)
		}
	}
}

func TestCommitmentsCoverEverySectionAndFollowTheReplysWords(t *testing.T) {
	ctx := context.Background()
	store := postgres.NewStore(pgtest.NewDB(t))
	fd, err := store.FullDocument(ctx, replySlug)
	if err != nil {
		t.Fatal(err)
	}
	cs, err := store.Commitments(ctx, policy.CommitmentFilter{Documents: []string{replySlug}})
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) < 30 {
		t.Fatalf("%d commitments, want at least 30", len(cs))
	}
	var walk func([]*policy.Section)
	walk = func(ss []*policy.Section) {
		for _, s := range ss {
			n := 0
			for _, c := range cs {
				if s.Contains(c.Place.ParagraphSeq, c.Place.Start, c.Place.End) {
					n++
				}
			}
			if n == 0 {
				t.Errorf("section %s %s has no commitment", s.Anchor, s.Heading())
			}
			walk(s.Children)
		}
	}
	walk(fd.Sections)

	planned := []string{"将", "拟", "力争", "下一步", "近期"}
	for _, c := range cs {
		r := []rune(c.Place.ParagraphText)
		if string(r[c.Place.Start:c.Place.End]) != c.Quote {
			t.Errorf("%s: quote is not its span", c.Label())
		}
		if c.Status != policy.StatusNotAssessed {
			// The basis is the reply's own word in the quote, or several listed with 、.
			for _, word := range strings.Split(c.StatusBasis, "、") {
				if !strings.Contains(c.Quote, word) {
					t.Errorf("%s %q: status %s rests on %q, which the quote does not say", c.Label(), c.Title, c.Status, word)
				}
			}
		}
		switch c.Status {
		case policy.StatusNotAssessed:
			if c.StatusBasis != "" {
				t.Errorf("%s: not assessed but has a basis %q", c.Label(), c.StatusBasis)
			}
		case policy.StatusPlanned:
			if !containsAny(c.StatusBasis, planned) {
				t.Errorf("%s: planned on %q, which is none of %v", c.Label(), c.StatusBasis, planned)
			}
		case policy.StatusInProgress:
			if !strings.Contains(c.StatusBasis, "正") {
				t.Errorf("%s: in progress on %q, which lacks 正", c.Label(), c.StatusBasis)
			}
		case policy.StatusCompleted:
			if c.Kind != policy.KindResult {
				t.Errorf("%s: completed but of kind %s", c.Label(), c.Kind)
			}
		default:
			t.Errorf("%s: status %s is progress the reply does not report", c.Label(), c.Status)
		}
		if c.Progress != nil {
			t.Errorf("%s: progress %d%% invented by the seed", c.Label(), *c.Progress)
		}
	}
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

func TestEntitiesAreLinkedToTheirMentionsAndRegions(t *testing.T) {
	ctx := context.Background()
	store := postgres.NewStore(pgtest.NewDB(t))
	all, err := store.Entities(ctx)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[policy.EntityKind]int{}
	for _, e := range all {
		kinds[e.Kind]++
		if e.Mentions == 0 {
			t.Errorf("entity %s has no mention", e.Name)
		}
	}
	for _, k := range []policy.EntityKind{"government", "company", "institution", "region", "park", "mineral", "material", "technology"} {
		if kinds[k] == 0 {
			t.Errorf("no entity of kind %s", k)
		}
	}
	for _, name := range []string{"宁德时代", "比亚迪", "贵州大学", "大龙经开区", "义龙新区", "锂", "钠离子电池", "省大数据局"} {
		found := false
		for _, e := range all {
			found = found || e.Name == name
		}
		if !found {
			t.Errorf("no entity named %s", name)
		}
	}

	catl, err := store.Entity(ctx, "catl")
	if err != nil {
		t.Fatal(err)
	}
	if len(catl.Places) != 2 || len(catl.Commitments) == 0 {
		t.Errorf("宁德时代: %d mentions and %d commitments, want 2 and some", len(catl.Places), len(catl.Commitments))
	}
	for _, p := range catl.Places {
		if _, q, _ := p.Context(10); q != "宁德时代" {
			t.Errorf("mention of 宁德时代 quotes %q", q)
		}
	}
}
