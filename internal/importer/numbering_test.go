package importer_test

import (
	"errors"
	"os"
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

// TestParseRefusesMisnumberedPoints: a 一是 list that repeats or skips a
// number is refused at that line, as (一) and 一、 are. Before, the label was
// read as text of the point before it: the seed with 二是 written 一是 lost
// s7-2, s7-3 and s7-4, and their commitments moved into s7-1 unannounced.
func TestParseRefusesMisnumberedPoints(t *testing.T) {
	for _, tc := range []struct {
		name, old, new string
		says           string
	}{
		{"a repeat", "二是充分保障用电需求", "一是充分保障用电需求", "要点编号重复:这里又是“一是”,应是“二是”"},
		{"a skip", "二是充分保障用电需求", "三是充分保障用电需求", "这里是“三是”,前面没有“二是”"},
		{"a skip after a point without 是", "四是强化基金资金支持", "五是强化基金资金支持", "这里是“五是”,前面没有“四是”"},
		{"the last repeated", "四是强化基金资金支持", "二是强化基金资金支持", "这里又是“二是”,应是“四是”"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src, err := os.ReadFile(seedFile)
			if err != nil || !strings.Contains(string(src), "。"+tc.old+"。") {
				t.Fatalf("the seed lacks %q (%v)", tc.old, err)
			}
			_, err = importer.Parse([]byte(strings.Replace(string(src), "。"+tc.old+"。", "。"+tc.new+"。", 1)))
			var pe *importer.ParseError
			if !errors.As(err, &pe) || pe.Line != 48 || !strings.Contains(pe.Message, tc.says) {
				t.Errorf("got %v, want line 48 saying %q", err, tc.says)
			}
		})
	}
	// Where the labels can be read as lists, nothing is refused and nothing
	// changes: lists written inside sentences, a second list in the same
	// section, a new list under each sub-item, a label mentioned in a title.
	for _, tc := range []struct{ src, anchors string }{
		{"具体来说,一是甲。二是乙。三是丙。", "s1=一甲"},
		{"一是甲。同时,二是乙。三是丙。", "s1=一甲 s1-1=一是甲"},
		{"一是甲。二是乙。下一步:一是丙。二是丁。", "s1=一甲 s1-1=一是甲 s1-2=二是乙"},
		{"一是甲。二是乙。\n下一步,一是丙。二是丁。", "s1=一甲 s1-1=一是甲 s1-2=二是乙"},
		{"一是甲。二是乙。一是一、二是二。", "s1=一甲 s1-1=一是甲 s1-2=二是乙"},
		{"(一)子。一是甲。二是乙。(二)丑。一是丙。", "s1=一甲 s1-1=(一)子 s1-1-1=一是甲 s1-1-2=二是乙 s1-2=(二)丑 s1-2-1=一是丙"},
	} {
		d := parse(t, "答复\n各位:\n收悉。\n一、甲\n"+tc.src+"\n")
		if got := anchors(d.Sections); got != tc.anchors {
			t.Errorf("%s: sections %s, want %s", tc.src, got, tc.anchors)
		}
	}
}
