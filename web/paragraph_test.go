package web

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/guizhou-portal/portal/internal/policy"
)

func render(text string, anns ...policy.Annotation) string {
	return renderSegments(context.Background(), policy.Segments(text, anns))
}

func TestRenderKeepsOneMarkAndOneLinkPerSpan(t *testing.T) {
	got := render("推进宁德时代项目,已完成。",
		policy.Annotation{Kind: policy.AnnotateCommitment, Start: 0, End: 9, ID: "c1", Href: "/commitments/1", Label: "承诺 1:推进项目"},
		policy.Annotation{Kind: policy.AnnotateMention, Start: 2, End: 6, Href: "/entities/catl"},
	)
	want := `<mark class="commitment" id="c1" title="承诺 1:推进项目">推进<a class="entity" href="/entities/catl">宁德时代</a>项目,</mark>` +
		`<a class="cref" href="/commitments/1" title="承诺 1:推进项目">承诺 1</a>已完成。`
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}

func TestRenderCitationIsOneLinkEvenOverMentions(t *testing.T) {
	got := render("印发《贵州省规划》实施",
		policy.Annotation{Kind: policy.AnnotateCitation, Start: 2, End: 9, Href: "/documents/plan", Label: "规划"},
		policy.Annotation{Kind: policy.AnnotateMention, Start: 3, End: 6, Href: "/entities/guizhou"},
	)
	if strings.Count(got, "<a ") != 1 || strings.Contains(got, "guizhou") {
		t.Fatalf("citation split or nested: %s", got)
	}
	if !strings.Contains(got, `>《贵州省规划》</a>`) {
		t.Fatalf("citation text not whole: %s", got)
	}
}

func TestRenderEscapesTextAndAttributes(t *testing.T) {
	got := render(`<b>"x"</b>&`,
		policy.Annotation{Kind: policy.AnnotateCommitment, Start: 0, End: 3, ID: `c"1`, Href: `/c?a="b"`, Label: `<i>`},
	)
	if strings.Contains(got, "<b>") || strings.Contains(got, "<i>") || strings.Contains(got, `c"1`) {
		t.Fatalf("unescaped output: %s", got)
	}
	if !strings.Contains(got, "&lt;b&gt;") || !strings.Contains(got, "&amp;") {
		t.Fatalf("text lost: %s", got)
	}
}

func TestRenderNestedCommitmentsAndAnchors(t *testing.T) {
	got := render("一二三四五六",
		policy.Annotation{Kind: policy.AnnotateCommitment, Start: 0, End: 6, ID: "c1", Href: "/commitments/1", Label: "承诺 1:外"},
		policy.Annotation{Kind: policy.AnnotateCommitment, Start: 0, End: 3, ID: "c2", Href: "/commitments/2", Label: "承诺 2:内"},
		policy.Annotation{Kind: policy.AnnotateAnchor, Start: 6, ID: "s9"},
	)
	for _, want := range []string{`id="c1"`, `id="c2"`, `承诺 1</a>`, `承诺 2</a>`} {
		if !strings.Contains(got, want) {
			t.Errorf("lacks %s: %s", want, got)
		}
	}
	// The text is intact once tags are removed, and the end anchor comes after it.
	plain := regexp.MustCompile(`<a class="cref"[^>]*>[^<]*</a>|<[^>]+>`).ReplaceAllString(got, "")
	if plain != "一二三四五六" {
		t.Errorf("text altered: %q", plain)
	}
	if strings.Index(got, `id="s9"`) < strings.Index(got, "六") {
		t.Errorf("end anchor placed before the text: %s", got)
	}
	if strings.Count(got, "<mark") != strings.Count(got, "</mark>") || strings.Count(got, "<a ") != strings.Count(got, "</a>") {
		t.Errorf("unbalanced markup: %s", got)
	}
}
