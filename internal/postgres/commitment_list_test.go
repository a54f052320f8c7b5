package postgres_test

import (
	"context"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/guizhou-portal/portal/internal/policy"
	"github.com/guizhou-portal/portal/internal/postgres"
	"github.com/guizhou-portal/portal/internal/postgres/pgtest"
)

// withOnly returns f with one facet's selection replaced by a single value.
func withOnly(f policy.CommitmentFilter, facet, value string) policy.CommitmentFilter {
	switch facet {
	case policy.FacetDocument:
		f.Documents = []string{value}
	case policy.FacetTheme:
		f.Themes = []string{value}
	case policy.FacetStatus:
		f.Statuses = []policy.Status{policy.Status(value)}
	case policy.FacetKind:
		f.Kinds = []policy.CommitmentKind{policy.CommitmentKind(value)}
	case policy.FacetStrength:
		f.Strengths = []policy.Strength{policy.Strength(value)}
	case policy.FacetLead:
		f.Leads = []string{value}
	case policy.FacetRegion:
		f.Regions = []string{value}
	case policy.FacetMineral:
		f.Minerals = []string{value}
	case policy.FacetYear:
		y, _ := strconv.Atoi(value)
		f.Years = []int{y}
	case policy.FacetDue:
		f.Due = []policy.Timeliness{policy.Timeliness(value)}
	}
	return f
}

// Each count is what the list would hold with that value as the facet's only
// selection and the other facets' selections kept; the total is the list itself.
func TestFacetCountsAreWhatEachChoiceWouldLeave(t *testing.T) {
	ctx := context.Background()
	store := postgres.NewStore(pgtest.NewDB(t))
	filters := []policy.CommitmentFilter{
		{},
		{Regions: []string{"tongren"}},
		{Minerals: []string{"lithium"}, Statuses: []policy.Status{policy.StatusPlanned}},
		{Years: []int{2025}, Kinds: []policy.CommitmentKind{policy.KindMeasure, policy.KindPlan}},
		{Themes: []string{"investment_attraction"}, Strengths: []policy.Strength{policy.StrengthDefinite}},
		{Due: []policy.Timeliness{policy.TimelinessOverdue, policy.TimelinessNoDate}, Today: time.Date(2026, 1, 10, 0, 0, 0, 0, time.UTC)},
	}
	for _, f := range filters {
		facets, err := store.CommitmentFacets(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		list, err := store.Commitments(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		if facets.Total != len(list) {
			t.Errorf("%+v: total %d, list has %d", f, facets.Total, len(list))
		}
		for _, facet := range policy.Facets {
			for _, v := range facets.Values[facet] {
				list, err := store.Commitments(ctx, withOnly(f, facet, v.Value))
				if err != nil {
					t.Fatal(err)
				}
				if v.Count != len(list) {
					t.Errorf("%+v: %s=%s counts %d, the list with it has %d", f, facet, v.Value, v.Count, len(list))
				}
			}
		}
	}
}

func TestFacetsAnswerWhatTheReplyPromisesAPlace(t *testing.T) {
	ctx := context.Background()
	store := postgres.NewStore(pgtest.NewDB(t))
	facets, err := store.CommitmentFacets(ctx, policy.CommitmentFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if facets.Total != 51 {
		t.Errorf("total %d, want the reply's 51 commitments", facets.Total)
	}
	// 铜仁: the 两区 cluster (s1-2) and 大龙开发区 as a key zone (s7-4, 四是), named through its park.
	cs, err := store.Commitments(ctx, policy.CommitmentFilter{Regions: []string{"tongren"}})
	if err != nil {
		t.Fatal(err)
	}
	var anchors []string
	for _, c := range cs {
		anchors = append(anchors, c.Section.Anchor)
	}
	if !slices.Equal(anchors, []string{"s1-2", "s7-4"}) || facets.Count(policy.FacetRegion, "tongren") != 2 {
		t.Errorf("铜仁: commitments in %v (count %d), want s1-2 and s7-4", anchors, facets.Count(policy.FacetRegion, "tongren"))
	}
	// 2025 falls in “十四五”期间 (2021-2025) and the plans to 2030 and 2035.
	if n := facets.Count(policy.FacetYear, "2025"); n != 3 {
		t.Errorf("year 2025: %d commitments, want 3", n)
	}
	// Lithium is named in two commitments: the eight minerals of the 十四五 survey
	// and the plan to explore lithium, phosphorus, aluminium and manganese.
	if n := facets.Count(policy.FacetMineral, "lithium"); n != 2 {
		t.Errorf("lithium: %d commitments, want 2", n)
	}
	for _, fv := range facets.Values[policy.FacetRegion] {
		if fv.Label == "" || fv.Label == fv.Value {
			t.Errorf("region %s has no name", fv.Value)
		}
	}
}

func TestCommitmentFiltersCombine(t *testing.T) {
	ctx := context.Background()
	store := postgres.NewStore(pgtest.NewDB(t))
	all, err := store.Commitments(ctx, policy.CommitmentFilter{})
	if err != nil {
		t.Fatal(err)
	}
	count := func(keep func(policy.Commitment) bool) int {
		n := 0
		for _, c := range all {
			if keep(c) {
				n++
			}
		}
		return n
	}
	cases := []struct {
		name string
		f    policy.CommitmentFilter
		keep func(policy.Commitment) bool
	}{
		{"theme", policy.CommitmentFilter{Themes: []string{"mineral_exploration"}},
			func(c policy.Commitment) bool { return c.TopSection.Anchor == "s2" }},
		{"status", policy.CommitmentFilter{Statuses: []policy.Status{policy.StatusCompleted}},
			func(c policy.Commitment) bool { return c.Status == policy.StatusCompleted }},
		{"two statuses", policy.CommitmentFilter{Statuses: []policy.Status{policy.StatusPlanned, policy.StatusInProgress}},
			func(c policy.Commitment) bool {
				return c.Status == policy.StatusPlanned || c.Status == policy.StatusInProgress
			}},
		{"kind and strength", policy.CommitmentFilter{Kinds: []policy.CommitmentKind{policy.KindMeasure}, Strengths: []policy.Strength{policy.StrengthAspirational}},
			func(c policy.Commitment) bool {
				return c.Kind == policy.KindMeasure && c.Strength == policy.StrengthAspirational
			}},
		{"theme and status", policy.CommitmentFilter{Themes: []string{"talent_technology"}, Statuses: []policy.Status{policy.StatusCompleted}},
			func(c policy.Commitment) bool {
				return c.TopSection.Anchor == "s6" && c.Status == policy.StatusCompleted
			}},
		{"lead", policy.CommitmentFilter{Leads: []string{"gz-finance-dept"}},
			func(c policy.Commitment) bool {
				for _, e := range c.Lead {
					if e.Slug == "gz-finance-dept" {
						return true
					}
				}
				return false
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := store.Commitments(ctx, tc.f)
			if err != nil {
				t.Fatal(err)
			}
			want := count(tc.keep)
			if want == 0 {
				t.Fatalf("the seed has no commitment for this case; the test would prove nothing")
			}
			if len(got) != want {
				t.Fatalf("%d commitments, want %d", len(got), want)
			}
			for _, c := range got {
				if !tc.keep(c) {
					t.Errorf("%s does not match the filter", c.Label())
				}
			}
		})
	}
}

// TestCommitmentPagesEqualTheWholeList checks that paging in SQL, as the API
// does, gives the whole list in the same order, and that the count agrees.
func TestCommitmentPagesEqualTheWholeList(t *testing.T) {
	store := postgres.NewStore(pgtest.NewDB(t))
	ctx := context.Background()
	for _, f := range []policy.CommitmentFilter{{}, {Statuses: []policy.Status{policy.StatusCompleted}}, {Themes: []string{"investment_attraction"}}} {
		all, err := store.Commitments(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		n, err := store.CountCommitments(ctx, f)
		if err != nil || n != len(all) || n == 0 {
			t.Fatalf("%+v: count %d (%v), list %d", f, n, err, len(all))
		}
		var paged []int64
		for offset := 0; offset < n+7; offset += 7 {
			g := f
			g.Limit, g.Offset = 7, offset
			page, err := store.Commitments(ctx, g)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range page {
				paged = append(paged, c.ID)
			}
		}
		var whole []int64
		for _, c := range all {
			whole = append(whole, c.ID)
		}
		if !slices.Equal(paged, whole) {
			t.Errorf("%+v: pages %v\nwhole %v", f, paged, whole)
		}
	}
}
