package web

import (
	"context"
	"strings"
	"testing"

	"github.com/guizhou-portal/portal/internal/anchor"
	"github.com/guizhou-portal/portal/internal/i18n"
	"github.com/guizhou-portal/portal/internal/policy"
)

// TestDiffPageFormatsEveryMessage renders the diff page in both languages
// and checks no message got an argument of the wrong kind ("%!d(string=1)"
// in a paragraph's label was one).
func TestDiffPageFormatsEveryMessage(t *testing.T) {
	v := DiffView{Document: policy.Document{Slug: "d", Title: "文件"}, From: 1, To: 2, Numbers: []int{1, 2},
		Paragraphs: []anchor.ParagraphDiff{
			{OldSeq: 1, NewSeq: 1, Segments: []anchor.Segment{{Op: anchor.Equal, Text: "相同"}}},
			{OldSeq: 2, Deleted: true, Segments: []anchor.Segment{{Op: anchor.Delete, Text: "删去"}}},
			{NewSeq: 2, Inserted: true, Segments: []anchor.Segment{{Op: anchor.Insert, Text: "新增"}}},
		}}
	for _, lang := range []string{"zh", "en"} {
		var b strings.Builder
		if err := DiffPage(v).Render(i18n.With(context.Background(), i18n.For(lang)), &b); err != nil {
			t.Fatal(err)
		}
		if i := strings.Index(b.String(), "%!"); i >= 0 {
			t.Errorf("%s: a message formatted wrongly: %.80s", lang, b.String()[i:])
		}
	}
}
