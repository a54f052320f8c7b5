package postgres_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/guizhou-portal/portal/internal/policy"
	"github.com/guizhou-portal/portal/internal/postgres"
	"github.com/guizhou-portal/portal/internal/postgres/pgtest"
)

const replySlug = "qgxtfz-2023-4"

// sourceBody reads the published page and returns its title and the body
// paragraphs from the salutation to the contact line, leaving out the page
// furniture above and below.
func sourceBody(t *testing.T) (title string, paragraphs []string) {
	t.Helper()
	raw, err := os.ReadFile("../../testdata/000_ddc10b41889c9f4f.txt")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(raw), "\n")
	in := false
	for _, l := range lines {
		if v, ok := strings.CutPrefix(l, "名  称: "); ok {
			title = v
		}
		if l == "农工党贵州省委员会:" {
			in = true
		}
		if in && strings.TrimSpace(l) != "" {
			paragraphs = append(paragraphs, l)
		}
		if strings.HasPrefix(l, "(联系人:") {
			break
		}
	}
	return title, paragraphs
}

func TestDocumentTextMatchesTheSourceCharacterForCharacter(t *testing.T) {
	store := postgres.NewStore(pgtest.NewDB(t))
	fd, err := store.FullDocument(context.Background(), replySlug)
	if err != nil {
		t.Fatal(err)
	}
	title, want := sourceBody(t)
	if fd.Title != title {
		t.Errorf("title %q, want %q", fd.Title, title)
	}
	if len(fd.Paragraphs) != len(want) {
		t.Fatalf("%d paragraphs in the database, %d in the source", len(fd.Paragraphs), len(want))
	}
	for i, p := range fd.Paragraphs {
		if p.Text != want[i] {
			t.Errorf("paragraph %d differs:\n got %q\nwant %q", i+1, p.Text, want[i])
		}
	}
	rebuilt := fd.PlainText()
	wantText := title + "\n\n" + strings.Join(want, "\n\n") + "\n"
	if rebuilt != wantText {
		t.Errorf("plain text differs from the source body")
	}
	for _, furniture := range []string{"字号", "关闭", "视力保护色", "上一篇", "下一篇", "扫码关注微信公众号"} {
		if strings.Contains(rebuilt, furniture) {
			t.Errorf("page furniture %q leaked into the document text", furniture)
		}
	}
}

func TestReplyMetadataIsAsPublished(t *testing.T) {
	store := postgres.NewStore(pgtest.NewDB(t))
	d, err := store.Document(context.Background(), replySlug)
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct{ field, got, want string }{
		{"文号", d.DocNumber, "黔工信提复字〔2023〕4号"},
		{"索引号", d.IndexNumber, "000014349/2023-2692872"},
		{"addressee", d.Addressee, "农工党贵州省委员会"},
		{"issuer", d.Issuer, "贵州省工业和信息化厅"},
		{"signed", d.SignedOn.Format("2006-01-02"), "2023-06-28"},
		{"generated", d.GeneratedAt.Format("2006-01-02 15:04:05"), "2023-08-09 15:35:32"},
		{"disclosure", d.Disclosure, "全文公开"},
		{"contact", d.ContactPerson, "刘云"},
		{"phone", d.ContactPhone, "0851-86811206"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.field, c.got, c.want)
		}
	}
}

func TestSectionTreeHasSevenThemedSectionsAndEverySubItem(t *testing.T) {
	store := postgres.NewStore(pgtest.NewDB(t))
	fd, err := store.FullDocument(context.Background(), replySlug)
	if err != nil {
		t.Fatal(err)
	}
	wantThemes := []string{"industrial_layout", "mineral_exploration", "resource_low_carbon",
		"investment_attraction", "facilities_funding", "talent_technology", "factor_guarantees"}
	wantChildren := []int{3, 0, 3, 3, 3, 2, 4}
	if len(fd.Sections) != 7 {
		t.Fatalf("%d top-level sections, want 7", len(fd.Sections))
	}
	for i, s := range fd.Sections {
		if s.Theme == nil || s.Theme.Key != wantThemes[i] {
			t.Errorf("section %s has theme %+v, want %s", s.Label, s.Theme, wantThemes[i])
		}
		if len(s.Children) != wantChildren[i] {
			t.Errorf("section %s has %d sub-items, want %d", s.Label, len(s.Children), wantChildren[i])
		}
		// Each section's text begins with its own numbering, also inside a paragraph.
		for _, c := range append([]*policy.Section{s}, s.Children...) {
			excerpt := fd.Excerpt(c)
			if len(excerpt) == 0 || !strings.HasPrefix(excerpt[0].Text, c.Label) {
				t.Errorf("section %s (%s) does not start with its label", c.Anchor, c.Heading())
			}
			if !strings.Contains(excerpt[0].Text, c.Title) {
				t.Errorf("section %s does not contain its title %q", c.Anchor, c.Title)
			}
		}
	}
	// Sub-items that begin inside a paragraph: sections 一, 四, 五 and the 一是 points of 七.
	for _, anchor := range []string{"s1-1", "s4-1", "s4-2", "s4-3", "s5-1", "s5-2", "s5-3", "s7-1", "s7-4"} {
		if s := fd.Section(anchor); s == nil || s.Start.Offset == 0 {
			t.Errorf("sub-item %s should begin inside its paragraph: %+v", anchor, s)
		}
	}
	// Section 七 stops where the closing thanks begin.
	last := fd.Excerpt(fd.Section("s7"))
	if tail := last[len(last)-1].Text; strings.Contains(tail, "再次感谢") {
		t.Errorf("section 七 includes the closing: …%s", tail[len(tail)-30:])
	}
}
