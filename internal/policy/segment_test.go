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

func TestSegmentsSameStartKeepsBothIDs(t *testing.T) {
	segs := Segments("一二三四五六", []Annotation{
		{Kind: AnnotateCommitment, Start: 0, End: 3, ID: "c2"},
		{Kind: AnnotateCommitment, Start: 0, End: 6, ID: "c1"},
	})
	if segs[0].Commitment == nil || segs[0].Commitment.ID != "c1" || segs[0].StartsID != "c1" {
		t.Fatalf("outer commitment should highlight and carry its id: %+v", segs[0])
	}
	if len(segs[0].Anchors) != 1 || segs[0].Anchors[0] != "c2" {
		t.Fatalf("inner commitment lost its id: %+v", segs[0])
	}
}

func TestSegmentsAnchorAtTheEndTrails(t *testing.T) {
	segs := Segments("一二三", []Annotation{{Kind: AnnotateAnchor, Start: 3, ID: "s9"}})
	if len(segs) != 1 || len(segs[0].Anchors) != 0 || len(segs[0].Trailing) != 1 {
		t.Fatalf("anchor at the end: %+v", segs)
	}
}

func TestExcerptCutsAndShiftsAnnotations(t *testing.T) {
	fd := &FullDocument{Paragraphs: []Paragraph{
		{Seq: 1, Text: "甲乙(一)丙丁(二)戊己", Annotations: []Annotation{
			{Kind: AnnotateAnchor, Start: 2, ID: "s1-1"},
			{Kind: AnnotateAnchor, Start: 7, ID: "s1-2"},
			{Kind: AnnotateCommitment, Start: 0, End: 6, ID: "c1"},
			{Kind: AnnotateMention, Start: 9, End: 11, ID: "m"},
		}},
		{Seq: 2, Text: "下一段"},
	}}
	item := &Section{Anchor: "s1-1", Start: TextPoint{1, 2}, End: TextPoint{1, 7}}
	ex := fd.Excerpt(item)
	if len(ex) != 1 || ex[0].Text != "(一)丙丁" {
		t.Fatalf("excerpt %+v", ex)
	}
	var ids []string
	for _, a := range ex[0].Annotations {
		ids = append(ids, a.ID)
		if a.ID == "c1" && (a.Start != 0 || a.End != 4) {
			t.Errorf("commitment clipped to [%d,%d), want [0,4)", a.Start, a.End)
		}
		if a.ID == "s1-1" && a.Start != 0 {
			t.Errorf("own anchor at %d, want 0", a.Start)
		}
	}
	if strings.Join(ids, ",") != "s1-1,c1" {
		t.Errorf("annotations kept: %v (the next item's anchor and the mention outside belong elsewhere)", ids)
	}

	whole := &Section{Anchor: "s1", Start: TextPoint{1, 0}, End: TextPoint{2, 3}}
	if ex := fd.Excerpt(whole); len(ex) != 2 || len(ex[0].Annotations) != 4 {
		t.Fatalf("whole-section excerpt: %+v", ex)
	}
}
