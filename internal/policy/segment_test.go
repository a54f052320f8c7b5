package policy

import (
	"strings"
	"testing"
)

func TestSegmentsKeepsTextAndMarksSpans(t *testing.T) {
	text := "推进宁德时代项目,已完成。"
	anns := []Annotation{
		{Kind: AnnotateCommitment, Start: 0, End: 9, ID: "c1", Label: "承诺 1"},
		{Kind: AnnotateMention, Start: 2, End: 6, Href: "/entities/catl"},
		{Kind: AnnotateAnchor, Start: 0, ID: "s1-1"},
		{Kind: AnnotateAnchor, Start: 9, ID: "s1-2"},
		{Kind: AnnotateMention, Start: 40, End: 50, Href: "/out-of-range"},
	}
	segs := Segments(text, anns)
	var b strings.Builder
	for _, s := range segs {
		b.WriteString(s.Text)
	}
	if b.String() != text {
		t.Fatalf("segments rebuild %q, want %q", b.String(), text)
	}
	want := []struct {
		text    string
		inC     bool
		link    string
		starts  string
		ends    int
		anchors int
	}{
		{"推进", true, "", "c1", 0, 1},
		{"宁德时代", true, "/entities/catl", "", 0, 0},
		{"项目,", true, "", "", 1, 0},
		{"已完成。", false, "", "", 0, 1},
	}
	if len(segs) != len(want) {
		t.Fatalf("got %d segments, want %d: %+v", len(segs), len(want), segs)
	}
	for i, w := range want {
		s := segs[i]
		link := ""
		if s.Link != nil {
			link = s.Link.Href
		}
		if s.Text != w.text || (s.Commitment != nil) != w.inC || link != w.link || s.StartsID != w.starts || len(s.Ends) != w.ends || len(s.Anchors) != w.anchors {
			t.Errorf("segment %d = %+v, want %+v", i, s, w)
		}
	}
}

func TestSegmentsCitationWinsOverNestedMention(t *testing.T) {
	text := "印发《贵州省规划》"
	segs := Segments(text, []Annotation{
		{Kind: AnnotateCitation, Start: 2, End: 9, Href: "/documents/plan"},
		{Kind: AnnotateMention, Start: 3, End: 6, Href: "/entities/guizhou"},
	})
	for _, s := range segs {
		if s.Link != nil && s.Link.Href == "/entities/guizhou" {
			t.Fatalf("mention link nested inside a citation: %+v", segs)
		}
	}
}

func TestSegmentsEmptyText(t *testing.T) {
	if segs := Segments("", nil); len(segs) != 0 {
		t.Fatalf("empty text gave %d segments", len(segs))
	}
}

func TestPlaceContextCutsLongSides(t *testing.T) {
	p := Place{ParagraphText: "一二三四五六七八九十", Start: 4, End: 6}
	before, quote, after := p.Context(2)
	if before != "…三四" || quote != "五六" || after != "七八…" {
		t.Fatalf("Context = %q %q %q", before, quote, after)
	}
}
