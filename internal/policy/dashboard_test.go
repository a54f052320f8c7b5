package policy_test

import (
	"testing"
	"time"

	"github.com/guizhou-portal/portal/internal/policy"
)

func date(s string) *time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return &t
}

func TestDashboardTalliesAndFlagsWhatIsDue(t *testing.T) {
	themes := []policy.Theme{{Key: "a", NameZH: "甲"}, {Key: "b", NameZH: "乙"}, {Key: "c", NameZH: "丙"}}
	in := func(key string) policy.Section { return policy.Section{Theme: &policy.Theme{Key: key}} }
	cs := []policy.Commitment{
		{ID: 1, TopSection: in("a"), Status: policy.StatusCompleted, Strength: policy.StrengthDefinite,
			TimeFrame: "2022年", PeriodStart: date("2022-01-01"), PeriodEnd: date("2022-12-31")},
		{ID: 2, TopSection: in("a"), Status: policy.StatusNotAssessed, Strength: policy.StrengthAspirational,
			TimeFrame: "2022年至2023年", PeriodStart: date("2022-01-01"), PeriodEnd: date("2023-12-31")},
		{ID: 3, TopSection: in("b"), Status: policy.StatusPlanned, Strength: policy.StrengthDefinite,
			TimeFrame: "2024年", PeriodStart: date("2024-01-01"), PeriodEnd: date("2024-12-31")},
		{ID: 4, TopSection: in("b"), Status: policy.StatusPlanned, Strength: policy.StrengthDefinite, TimeFrame: "近期"},
		{ID: 5, TopSection: in("b"), Status: policy.StatusInProgress, Strength: policy.StrengthDefinite},
	}
	yi := func(s string) *policy.MoneyFigure {
		r, _ := policy.ToYi(s)
		return &policy.MoneyFigure{ThemeKey: "b", Yi: r}
	}
	money := []policy.MoneyFigure{*yi("399328200"), *yi("38870000000")}
	d := policy.NewDashboard(themes, cs, money, nil, *date("2024-11-15"))

	if len(d.Themes) != 2 || d.Themes[0].Theme.Key != "a" || d.Themes[1].Theme.Key != "b" {
		t.Fatalf("themes %+v, want a and b (c has no commitments)", d.Themes)
	}
	if d.Total.Total != 5 || d.Total.Completed() != 1 || d.Total.Percent() != 20 {
		t.Errorf("total %d, completed %d (%d%%)", d.Total.Total, d.Total.Completed(), d.Total.Percent())
	}
	if a := d.Themes[0]; a.ByStrength[policy.StrengthAspirational] != 1 || a.Percent() != 50 {
		t.Errorf("theme a: %+v", a)
	}
	if b := d.Themes[1]; b.ByStatus[policy.StatusPlanned] != 2 || b.ByStatus[policy.StatusInProgress] != 1 {
		t.Errorf("theme b: %+v", b)
	}
	flags := map[int64]string{}
	for _, e := range d.Timeline {
		switch {
		case e.Overdue:
			flags[e.Commitment.ID] = "overdue"
		case e.DueSoon:
			flags[e.Commitment.ID] = "soon"
		default:
			flags[e.Commitment.ID] = ""
		}
	}
	want := map[int64]string{1: "", 2: "overdue", 3: "soon", 4: ""}
	if len(flags) != len(want) {
		t.Errorf("timeline has %v, want %v", flags, want)
	}
	for id, w := range want {
		if flags[id] != w {
			t.Errorf("commitment %d flagged %q, want %q", id, flags[id], w)
		}
	}
	if len(d.Money) != 1 || d.Money[0].Sum.FloatString(7) != "392.6932820" || d.MoneyMax.FloatString(1) != "388.7" {
		t.Errorf("money %+v, max %s", d.Money, d.MoneyMax.FloatString(2))
	}
}

// TestMoneyIsAddedOnlyWithinItsKind: funds, investment and output are three
// sums, a "more than" amount makes its sum a lower bound, and an order of
// magnitude is listed apart, neither scaled nor added.
func TestMoneyIsAddedOnlyWithinItsKind(t *testing.T) {
	fig := func(measure, qualifier, yuan string) policy.MoneyFigure {
		r, _ := policy.ToYi(yuan)
		return policy.MoneyFigure{Figure: policy.Figure{Measure: measure, Qualifier: qualifier}, Yi: r}
	}
	money := []policy.MoneyFigure{
		fig("“瓮安-福泉”打造的磷化工产业园区规模", "order_of", "100000000000"),
		fig("省财政安排的地质找矿专项资金", "exact", "399328200"),
		fig("新增引进项目的新增合同投资额", "exact", "38870000000"),
		fig("安达科技的产值", "more_than", "5000000000"),
		fig("协调支持园区配套基础设施建设的园区专项债", "exact", "811000000"),
	}
	d := policy.NewDashboard(nil, nil, money, nil, *date("2024-11-15"))
	got := map[policy.MoneyKind]string{}
	for _, g := range d.Money {
		got[g.Kind] = g.Sum.FloatString(6)
		if g.AtLeast != (g.Kind == policy.MoneyOutput) {
			t.Errorf("%s: at least %v", g.Kind, g.AtLeast)
		}
	}
	want := map[policy.MoneyKind]string{policy.MoneyFunds: "12.103282", policy.MoneyInvestment: "388.700000", policy.MoneyOutput: "50.000000"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s sums to %s, want %s", k, got[k], v)
		}
	}
	if len(d.Magnitudes) != 1 || d.MoneyMax.FloatString(1) != "388.7" {
		t.Errorf("magnitudes %d, scale %s: the order of magnitude must stay off the scale", len(d.Magnitudes), d.MoneyMax.FloatString(1))
	}
}

// TestAroundFollowsReadingOrder: previous and next run through sub-items,
// and a sub-item's parent is its section.
func TestAroundFollowsReadingOrder(t *testing.T) {
	s1, s2 := &policy.Section{Anchor: "s1"}, &policy.Section{Anchor: "s2"}
	s11, s12 := &policy.Section{Anchor: "s1-1"}, &policy.Section{Anchor: "s1-2"}
	s1.Children = []*policy.Section{s11, s12}
	fd := &policy.FullDocument{Sections: []*policy.Section{s1, s2}}
	name := func(s *policy.Section) string {
		if s == nil {
			return "-"
		}
		return s.Anchor
	}
	for s, want := range map[*policy.Section]string{s1: "- s1-1 -", s11: "s1 s1-2 s1", s12: "s1-1 s2 s1", s2: "s1-2 - -"} {
		prev, next, parent := fd.Around(s)
		if got := name(prev) + " " + name(next) + " " + name(parent); got != want {
			t.Errorf("around %s: %s, want %s", s.Anchor, got, want)
		}
	}
}
