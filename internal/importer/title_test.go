package importer_test

import (
	"testing"

	"github.com/guizhou-portal/portal/internal/importer"
)

// TestUntitledReplyTakesAGivenTitle: a page that starts at the salutation
// is refused by Parse, read by Read with a suggested title from its opening,
// and can be saved once Entitle gives it one; a header 建议标题 is a title.
func TestUntitledReplyTakesAGivenTitle(t *testing.T) {
	untitled := "熊林花代表:\n你提出的“关于修建方山村委会道路的建议”,已交我们研究办理,现答复如下:\n我们将于2025年底前完成道路硬化。\n某县交通运输局\n2024年5月6日\n"
	if _, err := importer.Parse([]byte(untitled)); err == nil {
		t.Fatal("Parse took an untitled reply")
	}
	d, err := importer.Read([]byte(untitled))
	if err != nil {
		t.Fatal(err)
	}
	if !d.Untitled() || d.Title != "" {
		t.Fatalf("untitled %v, title %q", d.Untitled(), d.Title)
	}
	if got, want := d.SuggestTitle(), "关于修建方山村委会道路的建议的答复"; got != want {
		t.Errorf("suggested %q, want %q", got, want)
	}
	d.Entitle("  ")
	if !d.Untitled() {
		t.Error("a blank title made the reply titled")
	}
	d, err = importer.ReadTitled([]byte(untitled), "关于道路的答复")
	if err != nil {
		t.Fatal(err)
	}
	if d.Untitled() || d.Title != "关于道路的答复" {
		t.Errorf("untitled %v, title %q", d.Untitled(), d.Title)
	}
	for _, n := range d.Unread {
		if n.Field == "title" {
			t.Errorf("title still unread: %+v", n)
		}
	}
	headed := "建议标题: | 关于支持创新型城市的建议 | ||||\n编号: | 12050094 | 建议类型: | 大会期间建议 |\n温政敏代表:\n您提出的建议收悉,现答复如下:\n我厅将组织专家评议。\n科技厅\n2017年3月1日\n"
	d, err = importer.Parse([]byte(headed))
	if err != nil {
		t.Fatal(err)
	}
	if d.Title != "关于支持创新型城市的建议" {
		t.Errorf("title from 建议标题: %q", d.Title)
	}
}
