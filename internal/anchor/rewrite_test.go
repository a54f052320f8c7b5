package anchor

import (
	"testing"

	"github.com/guizhou-portal/portal/internal/importer"
)

// paragraphs numbers texts from seq 1, as an import does.
func paragraphs(texts ...string) []importer.Paragraph {
	out := make([]importer.Paragraph, len(texts))
	for i, t := range texts {
		out[i] = importer.Paragraph{Seq: i + 1, Text: t}
	}
	return out
}

func TestRelocate(t *testing.T) {
	for _, c := range []struct {
		name       string
		old        map[int]string
		new        []string
		pin        Pin
		seq, start int
		ok         bool
	}{
		{"words stay put", map[int]string{1: "甲乙丙"}, []string{"甲乙丙"}, Pin{1, 1, "乙"}, 1, 1, true},
		{"words shift in their paragraph", map[int]string{1: "甲乙丙"}, []string{"前言甲乙丙"}, Pin{1, 1, "乙"}, 1, 3, true},
		{"words twice now as before: the same occurrence", map[int]string{1: "乙甲乙"}, []string{"乙丁甲乙"}, Pin{1, 2, "乙"}, 1, 3, true},
		{"words now twice, once before", map[int]string{1: "甲乙丙"}, []string{"乙丙乙"}, Pin{1, 1, "乙"}, 0, 0, false},
		{"paragraph moved: same place in it", map[int]string{1: "甲乙甲乙"}, []string{"新段", "甲乙甲乙"}, Pin{1, 2, "甲乙"}, 2, 2, true},
		{"words once in another paragraph", map[int]string{1: "甲乙丙"}, []string{"丁戊", "己乙庚"}, Pin{1, 1, "乙"}, 2, 1, true},
		{"old paragraph beyond the new text", map[int]string{3: "甲乙"}, []string{"乙"}, Pin{3, 1, "乙"}, 1, 0, true},
		{"words gone", map[int]string{1: "甲乙丙"}, []string{"甲丙"}, Pin{1, 1, "乙"}, 0, 0, false},
		{"words twice elsewhere", map[int]string{1: "甲乙丙"}, []string{"丁", "乙", "乙"}, Pin{1, 1, "乙"}, 0, 0, false},
		{"no words", map[int]string{1: "甲乙丙"}, []string{"甲乙丙"}, Pin{1, 1, ""}, 0, 0, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			seq, start, ok := Rewrite{Old: c.old, New: paragraphs(c.new...)}.Relocate(c.pin)
			if seq != c.seq || start != c.start || ok != c.ok {
				t.Errorf("Relocate(%v) = %d, %d, %v; want %d, %d, %v", c.pin, seq, start, ok, c.seq, c.start, c.ok)
			}
		})
	}
}

// text is a new text of five paragraphs: s1 (with s1-1 and s1-2) over the
// first two, s2 over the next two, and a closing outside every section.
func text() Rewrite {
	s11 := &importer.Section{Anchor: "s1-1", Start: importer.Point{Paragraph: 2}, End: importer.Point{Paragraph: 2, Offset: 7}}
	s12 := &importer.Section{Anchor: "s1-2", Start: importer.Point{Paragraph: 2, Offset: 7}, End: importer.Point{Paragraph: 2, Offset: 15}}
	return Rewrite{
		New: paragraphs("一、发展锰产业", "推进锰矿勘查。建设锰产业园区。", "二、发展磷产业", "推进磷矿勘查。", "特此答复。"),
		Sections: []*importer.Section{
			{Anchor: "s1", Start: importer.Point{Paragraph: 1}, End: importer.Point{Paragraph: 2, Offset: 15}, Children: []*importer.Section{s11, s12}},
			{Anchor: "s2", Start: importer.Point{Paragraph: 3}, End: importer.Point{Paragraph: 4, Offset: 7}},
		},
	}
}

func TestPlaceCommitment(t *testing.T) {
	for _, c := range []struct {
		name    string
		pin     Pin
		section string
		want    Place
		problem Problem
	}{
		{"kept", Pin{2, 0, "推进锰矿勘查"}, "s1-1", Place{2, 0, "s1-1"}, Placed},
		{"kept in its section while that holds it", Pin{2, 0, "推进锰矿勘查"}, "s1", Place{2, 0, "s1"}, Placed},
		{"its section gone: the deepest that holds it", Pin{2, 0, "推进锰矿勘查"}, "s9", Place{2, 0, "s1-1"}, Placed},
		{"words shift in their paragraph", Pin{2, 3, "建设锰产业园区"}, "s1-2", Place{2, 7, "s1-2"}, Placed},
		{"words move to another paragraph and section", Pin{1, 0, "推进磷矿勘查"}, "s1", Place{4, 0, "s2"}, Placed},
		{"words twice, once where they were", Pin{2, 0, "推进"}, "s1-1", Place{2, 0, "s1-1"}, Placed},
		{"words twice, once in their paragraph", Pin{4, 3, "推进"}, "s2", Place{4, 0, "s2"}, Placed},
		{"words twice elsewhere", Pin{1, 0, "推进"}, "s1", Place{}, Twice},
		{"words gone", Pin{2, 0, "推进铁矿勘查"}, "s1-1", Place{}, Lost},
		{"words outside every section", Pin{5, 0, "特此答复"}, "s2", Place{}, Outside},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, problem := text().PlaceCommitment(c.pin, c.section)
			if got != c.want || problem != c.problem {
				t.Errorf("PlaceCommitment(%v, %q) = %v, %d; want %v, %d", c.pin, c.section, got, problem, c.want, c.problem)
			}
		})
	}
}

func TestSectionFor(t *testing.T) {
	tree := text().Sections
	for _, c := range []struct {
		was         string
		seq, offset int
		want        string
	}{
		{"", 2, 0, "s1-1"},     // the deepest
		{"s1", 2, 8, "s1"},     // the one it was in, still holding it
		{"s1-1", 2, 8, "s1-2"}, // the one it was in no longer holds it
		{"", 1, 3, "s1"},       // a heading belongs to its own section
		{"", 2, 15, ""},        // a section's end is not in it
		{"", 3, 0, "s2"},
		{"s2", 5, 0, ""}, // the closing
	} {
		if got := SectionFor(tree, c.was, c.seq, c.offset); got != c.want {
			t.Errorf("SectionFor(%q, %d, %d) = %q, want %q", c.was, c.seq, c.offset, got, c.want)
		}
	}
}

func TestFlattenListsParentsFirstWithPositions(t *testing.T) {
	got := Flatten(text().Sections)
	want := []struct {
		anchor, parent string
		position       int
	}{{"s1", "", 1}, {"s2", "", 2}, {"s1-1", "s1", 1}, {"s1-2", "s1", 2}}
	if len(got) != len(want) {
		t.Fatalf("Flatten gave %d sections, want %d", len(got), len(want))
	}
	for i, w := range want {
		if g := got[i]; g.Section.Anchor != w.anchor || g.Parent != w.parent || g.Position != w.position {
			t.Errorf("Flatten()[%d] = %s under %q at %d, want %s under %q at %d", i, g.Section.Anchor, g.Parent, g.Position,
				w.anchor, w.parent, w.position)
		}
	}
}
