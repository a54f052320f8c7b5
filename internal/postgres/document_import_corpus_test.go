package postgres_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/guizhou-portal/portal/internal/importer"
	"github.com/guizhou-portal/portal/internal/policy"
	"github.com/guizhou-portal/portal/internal/postgres"
	"github.com/guizhou-portal/portal/internal/postgres/pgtest"
)

// TestImportEveryReplyInTheCorpus: every real reply in testdata/replies
// imports, the untitled ones (a third of them) once staff give a title;
// Parse alone refused those with 找不到标题.
func TestImportEveryReplyInTheCorpus(t *testing.T) {
	pool := pgtest.NewDB(t)
	store := postgres.NewStore(pool)
	ctx := context.Background()
	files, err := filepath.Glob("../../testdata/replies/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no replies: %v", err)
	}
	untitled := 0
	for _, f := range files {
		name := filepath.Base(f)
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		d, err := importer.Read(src)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if d.Untitled() {
			untitled++
			title := d.SuggestTitle()
			if title == "" {
				title = "答复 " + name
			}
			d.Entitle(title)
		}
		res, err := store.ImportDocuments(ctx, policy.Actor{Name: "测试"}, []postgres.ImportFile{{Name: name, Document: d, Publish: true}})
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if got, err := store.Document(ctx, res[0].Slug); err != nil || got.Title != d.Title {
			t.Errorf("%s: saved title %q, want %q (%v)", name, got.Title, d.Title, err)
		}
		// Once more: the same text is the one there, whatever its numbering.
		res, err = store.ImportDocuments(ctx, policy.Actor{Name: "测试"}, []postgres.ImportFile{{Name: name, Document: d}})
		if err != nil || !res[0].Unchanged {
			t.Errorf("%s: imported again: unchanged %v, %v", name, err == nil && res[0].Unchanged, err)
		}
	}
	if untitled < 19 {
		t.Errorf("%d untitled replies; the corpus has at least 19", untitled)
	}
}
