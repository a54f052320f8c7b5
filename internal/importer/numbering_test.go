package importer_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/guizhou-portal/portal/internal/importer"
)

// TestParseReadsSectionsNumberedWithADot: some sites number sections 一．
// (full-width dot) or 一. instead of 一、. They are the same sections; before,
// they were absorbed into the opening and the file refused at 三、.
func TestParseReadsSectionsNumberedWithADot(t *testing.T) {
	want := parseSeed(t)
	for _, dot := range []string{"\uff0e", "."} {
		src := seedWith(t, "一、加快产业集群,实现错位发展", "一"+dot+"加快产业集群,实现错位发展")
		src = []byte(strings.Replace(string(src), "\n二、加大找矿力度", "\n二"+dot+"加大找矿力度", 1))
		d, err := importer.Parse(src)
		if err != nil {
			t.Errorf("一%s: %v", dot, err)
			continue
		}
		checkInvariants(t, d)
		if anchors(d.Sections) != anchors(want.Sections) || roles(d) != roles(want) || len(d.Candidates) != len(want.Candidates) {
			t.Errorf("一%s: sections %s\nroles %s", dot, anchors(d.Sections), roles(d))
		}
		if s := d.Sections[1]; s.Label != "二" || s.Title != "加大找矿力度,巩固资源优势" || s.Start != want.Sections[1].Start {
			t.Errorf("一%s: section 二 %+v", dot, s)
		}
	}
	// A heading and its text in one paragraph, and a dot before a digit, which is not a numbering.
	d := parse(t, "答复\n各位:\n收悉。\n一\uff0e甲。已完成。\n二.乙\n将推进。\n")
	if anchors(d.Sections) != "s1=一甲 s2=二乙" {
		t.Errorf("sections %s", anchors(d.Sections))
	}
	d = parse(t, "答复\n各位:\n收悉。\n一.5倍于去年。\n")
	if len(d.Sections) != 0 {
		t.Errorf("一.5 read as a section: %s", anchors(d.Sections))
	}
}

// TestParseNamesTheLineWhereNumberingGoesWrong: when section numbering does
// not run on, the refusal names the first line where that shows, not the
// later heading that no longer fits.
func TestParseNamesTheLineWhereNumberingGoesWrong(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		line      int
		says      string
	}{
		{"first section numbered another way", "答复\n各位:\n收悉。\n一:甲\n内容。\n二、乙\n内容。\n", 4, "“一:”"},
		{"a middle one", "答复\n各位:\n收悉。\n一、甲\n内容。\n二\uff1a乙\n内容。\n三、丙\n内容。\n", 6, "“二\uff1a”"},
		{"the last one", "答复\n各位:\n收悉。\n一\uff0e甲\n内容。\n二)乙\n内容。\n", 6, "应写作“二\uff0e”"},
		{"a heading too long to be one", "答复\n各位:\n收悉。\n一、甲\n内容。\n二、" + strings.Repeat("乙", 70) + "\n三、丙\n内容。\n", 6, "超过60字"},
		{"a sub-item with one bracket", "答复\n各位:\n收悉。\n一、甲\n(一)子。内容。\n二)子。内容。\n(三)子。内容。\n", 6, "“二)”应写作“(二)”"},
		{"a sub-item numbered another way", "答复\n各位:\n收悉。\n一、甲\n(一)子。内容。\n(二]子。内容。\n(三)子。内容。\n", 6, "应写作“(二)”"},
		{"a sub-item inside a sentence", "答复\n各位:\n收悉。\n一、甲\n(一)子。内容,见(二)子。内容。\n(三)子。内容。\n", 5, "“(二)”"},
		// Where nothing earlier shows the problem, the heading that does not fit is named, as before.
		{"a gap", "答复\n各位:\n收悉。\n一、甲\n内容。\n三、丙\n内容。\n", 6, "应是“二、”"},
		{"a gap in dots", "答复\n各位:\n收悉。\n一.甲\n内容。\n三.丙\n内容。\n", 6, "这里是“三.”,应是“二.”"},
		{"digits are a lower level", "答复\n各位:\n收悉。\n1、甲\n内容。\n二、乙\n内容。\n", 6, "应是“一、”"},
		{"a repeat", "答复\n各位:\n收悉。\n一、甲\n内容。\n一、乙\n内容。\n", 6, "应是“二、”"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := importer.Parse([]byte(tc.src))
			var pe *importer.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("accepted (%v): %s", err, anchors(d.Sections))
			}
			if pe.Line != tc.line || !strings.Contains(pe.Message, tc.says) {
				t.Errorf("error %q, want line %d saying %q", pe.Error(), tc.line, tc.says)
			}
		})
	}
	// The seed with its first section numbered 一: is refused at that line,
	// not at 三、 twelve lines on.
	_, err := importer.Parse(seedWith(t, "一、加快产业集群,实现错位发展", "一:加快产业集群,实现错位发展"))
	if err == nil || !strings.HasPrefix(err.Error(), "第12行:") {
		t.Errorf("seed with 一: %v", err)
	}
	// A paragraph that merely begins with a numeral is not taken for one.
	d := parse(t, "答复\n各位:\n一,二项建议收悉。\n一、甲\n内容。\n二、乙\n三是重点。\n")
	if anchors(d.Sections) != "s1=一甲 s2=二乙" {
		t.Errorf("sections %s", anchors(d.Sections))
	}
	// Nor is a list numbered 1. 2. 3. inside the last section, the level below (一).
	d = parse(t, "答复\n各位:\n收悉。\n一、甲\n内容。\n二、乙\n1.丑。\n2.寅。\n3.卯。\n")
	if anchors(d.Sections) != "s1=一甲 s2=二乙" {
		t.Errorf("sections %s", anchors(d.Sections))
	}
}
