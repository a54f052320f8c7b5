package postgres_test

import (
	"context"
	"testing"

	"github.com/guizhou-portal/portal/internal/policy"
	"github.com/guizhou-portal/portal/internal/postgres"
	"github.com/guizhou-portal/portal/internal/postgres/pgtest"
)

// TestPublishAndUnpublish follows a reply from its import as a draft through
// publishing, a re-import and unpublishing, with the documents it cites
// (placeholders, known by title only) going with it, and an audit record for
// each change.
func TestPublishAndUnpublish(t *testing.T) {
	pool := pgtest.NewDB(t)
	ctx := context.Background()
	staff := policy.WithViewer(ctx, policy.Staff)
	store := postgres.NewStore(pool)
	editor := policy.Actor{Name: "李编辑"}
	// The reply also cites a document the published seed reply cites.
	shared := ""
	if err := pool.QueryRow(ctx, `SELECT t.title FROM document_links l JOIN documents t ON t.id = l.to_document_id
		JOIN documents f ON f.id = l.from_document_id WHERE f.slug = $1 AND l.relation = 'cites' ORDER BY t.id LIMIT 1`,
		replySlug).Scan(&shared); err != nil {
		t.Fatal(err)
	}
	text := constructed("黔某提复字〔2024〕7号", "", "关于省政协某号提案的答复", "按照《"+shared+"》要求推进。")
	res, err := store.ImportDocuments(ctx, editor, []postgres.ImportFile{parseFile(t, "a.txt", []byte(text))})
	if err != nil {
		t.Fatal(err)
	}
	slug := res[0].Slug
	drafts := func() int { return count(t, pool, `SELECT count(*) FROM documents WHERE published_at IS NULL`) }
	if res[0].Published || drafts() != 3 { // the reply and the two titles it cites that the portal did not know
		t.Fatalf("import: published %v, %d drafts, want 3", res[0].Published, drafts())
	}
	if _, err := store.Document(ctx, slug); policy.ErrorCode(err) != policy.ENOTFOUND {
		t.Errorf("the public reads the draft: %v", err)
	}
	if d, err := store.Document(staff, slug); err != nil || !d.Draft() {
		t.Errorf("staff read the draft as %+v (%v)", d, err)
	}
	if err := store.UnpublishDocument(ctx, editor, slug); policy.ErrorCode(err) != policy.ECONFLICT {
		t.Errorf("unpublishing a draft: %v", err)
	}

	if err := store.PublishDocument(ctx, editor, slug); err != nil {
		t.Fatal(err)
	}
	if n := drafts(); n != 0 {
		t.Errorf("%d drafts after publishing: its placeholders stayed behind", n)
	}
	if d, err := store.Document(ctx, slug); err != nil || d.Draft() || d.PublishedAt == nil {
		t.Errorf("the public reads %+v (%v)", d, err)
	}
	if err := store.PublishDocument(ctx, editor, slug); policy.ErrorCode(err) != policy.ECONFLICT {
		t.Errorf("publishing twice: %v", err)
	}
	if err := store.PublishDocument(ctx, editor, "no-such-document"); policy.ErrorCode(err) != policy.ENOTFOUND {
		t.Errorf("publishing an unknown document: %v", err)
	}
	if n := count(t, pool, `SELECT count(*) FROM audit_log WHERE action = 'document.publish' AND actor_name = '李编辑'
		AND before->>'published_at' IS NULL AND after->>'published_at' IS NOT NULL
		AND jsonb_array_length(detail->'placeholders') = 2`); n != 1 {
		t.Errorf("%d publish records", n)
	}

	// A re-import keeps it published, and a title it newly cites is public with it.
	text2 := constructed("黔某提复字〔2024〕7号", "", "关于省政协某号提案的答复", "按照《"+shared+"》和《某某新规划》要求推进。")
	res, err = store.ImportDocuments(ctx, editor, []postgres.ImportFile{parseFile(t, "b.txt", []byte(text2))})
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Created || !res[0].Published || drafts() != 0 {
		t.Errorf("re-import: created %v, published %v, %d drafts", res[0].Created, res[0].Published, drafts())
	}

	// Unpublished: the reply and the titles only it cites go back to
	// drafts; the title the seed reply cites too stays public.
	if err := store.UnpublishDocument(ctx, editor, slug); err != nil {
		t.Fatal(err)
	}
	if n := drafts(); n != 4 {
		t.Errorf("%d drafts after unpublishing, want 4", n)
	}
	if n := count(t, pool, `SELECT count(*) FROM documents WHERE title = $1 AND published_at IS NOT NULL`, shared); n != 1 {
		t.Errorf("the document the seed cites was unpublished with the reply")
	}
	if n := count(t, pool, `SELECT count(*) FROM audit_log u WHERE u.action = 'document.unpublish'
		AND u.before->'published_at' = (SELECT p.after->'published_at' FROM audit_log p WHERE p.action = 'document.publish')
		AND u.after->>'published_at' IS NULL AND jsonb_array_length(u.detail->'placeholders') = 3`); n != 1 {
		t.Errorf("%d unpublish records", n)
	}
}

// TestImportPublishes imports with Publish set, as portal import --publish
// does: the reply and its placeholders are public at once, with the
// publication's audit record in the import's transaction. A draft imported
// again unchanged with Publish is published too.
func TestImportPublishes(t *testing.T) {
	pool := pgtest.NewDB(t)
	ctx := context.Background()
	store := postgres.NewStore(pool)
	f := parseFile(t, "a.txt", []byte(constructed("黔某提复字〔2024〕7号", "", "关于省政协某号提案的答复", "")))
	f.Publish = true
	res, err := store.ImportDocuments(ctx, policy.Actor{}, []postgres.ImportFile{f})
	if err != nil {
		t.Fatal(err)
	}
	if !res[0].Published || count(t, pool, `SELECT count(*) FROM documents WHERE published_at IS NULL`) != 0 {
		t.Errorf("import --publish left drafts: %+v", res[0])
	}
	if n := count(t, pool, `SELECT count(*) FROM audit_log WHERE action = 'document.publish' AND subject_id = $1 AND actor_name = '命令行'`,
		res[0].DocumentID); n != 1 {
		t.Errorf("%d publish records", n)
	}

	g := parseFile(t, "b.txt", []byte(constructed("黔某提复字〔2024〕8号", "", "关于另一号提案的答复", "")))
	if _, err := store.ImportDocuments(ctx, policy.Actor{}, []postgres.ImportFile{g}); err != nil {
		t.Fatal(err)
	}
	g.Publish = true
	res, err = store.ImportDocuments(ctx, policy.Actor{}, []postgres.ImportFile{g})
	if err != nil {
		t.Fatal(err)
	}
	if !res[0].Unchanged || !res[0].Published {
		t.Errorf("unchanged draft imported with Publish: %+v", res[0])
	}
	if _, err := store.Document(ctx, res[0].Slug); err != nil {
		t.Errorf("the public cannot read it: %v", err)
	}
}

// TestMigrationPublishesExistingDocuments: every document there was before
// drafts existed was public, and stays so.
func TestMigrationPublishesExistingDocuments(t *testing.T) {
	pool := pgtest.NewDB(t)
	if n := count(t, pool, `SELECT count(*) FROM documents WHERE published_at IS NULL`); n != 0 {
		t.Errorf("%d documents of the seed are drafts; the migration publishes every existing one", n)
	}
}
