package postgres_test

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/guizhou-portal/portal/internal/policy"
	"github.com/guizhou-portal/portal/internal/postgres"
	"github.com/guizhou-portal/portal/internal/postgres/pgtest"
)

// TestReimportSeedChangesNothing imports the seed's page over the seeded
// reply: it is matched by its 文号 and everything, commitments with their
// places, themes, measures and the bare-title citation, stays as it was;
// the result says so and nothing is written.
func TestReimportSeedChangesNothing(t *testing.T) {
	pool := pgtest.NewDB(t)
	ctx := context.Background()
	want := snapshotOf(t, pool, replySlug, true)
	docs := count(t, pool, `SELECT count(*) FROM documents`)
	res, err := postgres.NewStore(pool).ImportDocuments(ctx, policy.Actor{Name: "测试"}, []postgres.ImportFile{seedImport(t)})
	if err != nil {
		t.Fatal(err)
	}
	if r := res[0]; r.Created || r.MatchedBy != "doc_number" || r.Slug != replySlug || r.Kept != 51 || len(r.Moved) != 0 || !r.Unchanged {
		t.Errorf("result %+v", r)
	}
	compareSnapshots(t, snapshotOf(t, pool, replySlug, true), want)
	if n := count(t, pool, `SELECT count(*) FROM documents`); n != docs {
		t.Errorf("%d documents, want %d", n, docs)
	}
	// Nothing changed, so nothing is written: no audit record either (each
	// replay of a confirmation used to add one).
	if n := count(t, pool, `SELECT count(*) FROM audit_log`); n != 0 {
		t.Errorf("%d audit records", n)
	}
}

// TestReimportReanchorsAWithdrawnCommitment changes one commitment's words
// (it was refused before versions): the commitment, withdrawn and so kept
// as carefully as a public one, follows them, holds the changed words with
// the old ones kept, and is flagged for staff to confirm; the import makes
// version 2 and audits the re-anchoring on the commitment.
func TestReimportReanchorsAWithdrawnCommitment(t *testing.T) {
	pool := pgtest.NewDB(t)
	ctx := context.Background()
	if _, err := pool.Exec(ctx, `UPDATE commitments SET withdrawn_at = now(), withdrawn_reason = '测试' WHERE position = 3`); err != nil {
		t.Fatal(err)
	}
	text := seedWith(t, "打造千亿级磷化工产业园区", "打造磷化工产业园区")
	res, err := postgres.NewStore(pool).ImportDocuments(ctx, policy.Actor{}, []postgres.ImportFile{parseFile(t, "changed.txt", []byte(text))})
	if err != nil {
		t.Fatal(err)
	}
	const was, now = "推动新能源电池及材料产业与磷化工产业融合,打造千亿级磷化工产业园区", "推动新能源电池及材料产业与磷化工产业融合,打造磷化工产业园区"
	if r := res[0]; r.Version != 2 || len(r.Reanchored) != 1 || r.Reanchored[0].Position != 3 || r.Reanchored[0].Was != was ||
		r.Reanchored[0].Now != now || len(r.Unplaced) != 0 || r.Kept+len(r.Moved) != 50 {
		t.Errorf("result: version %d, reanchored %+v, unplaced %+v, kept %d, moved %d", r.Version, r.Reanchored, r.Unplaced, r.Kept, len(r.Moved))
	}
	var quote, previous, review string
	if err := pool.QueryRow(ctx, `SELECT quote, previous_quote, anchor_review FROM commitments WHERE position = 3 AND withdrawn_at IS NOT NULL`).
		Scan(&quote, &previous, &review); err != nil || quote != now || previous != was || review != "changed" {
		t.Errorf("commitment 3: %q %q %q (%v)", quote, previous, review, err)
	}
	if n := count(t, pool, `SELECT count(*) FROM commitments`); n != 51 {
		t.Errorf("%d commitments", n)
	}
	if n := count(t, pool, `SELECT count(*) FROM audit_log WHERE action = 'commitment.reanchor' AND detail->>'outcome' = 'changed'
		AND before->>'quote' = $1 AND after->>'quote' = $2`, was, now); n != 1 {
		t.Errorf("%d re-anchoring audit records", n)
	}
}

// TestReimportReshapesTheTree drops the first section from a reply: the
// commitment of the second section follows its words into what is now
// section 一, and the paragraphs and sections no longer there are gone.
func TestReimportReshapesTheTree(t *testing.T) {
	pool := pgtest.NewDB(t)
	ctx := context.Background()
	store := postgres.NewStore(pool)
	const quote = "正在建设电池材料项目5个"
	text, id, cid := importWithCommitment(t, pool, store, 6, "s2", quote, "建设电池材料项目", "measure")
	lines := strings.Split(text, "\n")
	shorter := strings.Join(append(append([]string{}, lines[:4]...), append([]string{"一、关于产业配套"}, lines[7:]...)...), "\n")
	res, err := store.ImportDocuments(ctx, policy.Actor{}, []postgres.ImportFile{parseFile(t, "b.txt", []byte(shorter))})
	if err != nil {
		t.Fatal(err)
	}
	if r := res[0]; r.DocumentID != id || len(r.Moved) != 1 || r.Moved[0].From != "p6:21" || r.Moved[0].To != "p4:21" || r.Sections != 1 {
		t.Errorf("re-import %+v", r)
	}
	var anchor, title string
	var seq int
	err = pool.QueryRow(ctx, `SELECT x.anchor, x.title, p.seq FROM commitments c JOIN sections x ON x.id = c.section_id
		JOIN paragraphs p ON p.id = c.paragraph_id
		WHERE c.id = $1 AND substr(p.text, c.start_offset + 1, c.end_offset - c.start_offset) = c.quote`, cid).Scan(&anchor, &title, &seq)
	if err != nil || anchor != "s1" || title != "关于产业配套" || seq != 4 {
		t.Errorf("commitment in %s %s, paragraph %d (%v)", anchor, title, seq, err)
	}
	if n := count(t, pool, `SELECT count(*) FROM paragraphs WHERE document_id = $1`, id); n != 6 {
		t.Errorf("%d paragraphs, want 6", n)
	}
	if n := count(t, pool, `SELECT count(*) FROM sections WHERE document_id = $1`, id); n != 1 {
		t.Errorf("%d sections, want 1", n)
	}
}

// TestReimportFollowsACommitmentPastACopyOfItsWords repeats a commitment's
// words in its paragraph, ahead of where they were (the import was refused
// before, as it could not tell which was which): the alignment sees the copy
// inserted, and the commitment stays on its own words, now further on.
func TestReimportFollowsACommitmentPastACopyOfItsWords(t *testing.T) {
	pool := pgtest.NewDB(t)
	ctx := context.Background()
	const quote = "铜仁市以大龙经开区为重点、以黔东工业集聚区产业带为支撑"
	var before int
	if err := pool.QueryRow(ctx, `SELECT start_offset FROM commitments WHERE quote = $1`, quote).Scan(&before); err != nil {
		t.Fatal(err)
	}
	text := seedWith(t, "(二)“两区”。", "(二)“两区”。"+quote+"。")
	res, err := postgres.NewStore(pool).ImportDocuments(ctx, policy.Actor{}, []postgres.ImportFile{parseFile(t, "twice.txt", []byte(text))})
	if err != nil {
		t.Fatal(err)
	}
	if r := res[0]; len(r.Reanchored)+len(r.Unplaced) != 0 {
		t.Errorf("reanchored %+v, unplaced %+v", r.Reanchored, r.Unplaced)
	}
	if n := count(t, pool, `SELECT count(*) FROM commitments WHERE quote = $1 AND start_offset = $2 AND anchor_review IS NULL`,
		quote, before+len([]rune(quote))+1); n != 1 {
		t.Errorf("the commitment did not stay on its own words")
	}
}

// seedWith is the seed's page with one replacement made.
func seedWith(t *testing.T, old, new string) string {
	t.Helper()
	src, err := os.ReadFile(seedFile)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(src), old) {
		t.Fatalf("the seed has no %q", old)
	}
	return strings.Replace(string(src), old, new, 1)
}

// TestReimportAddsAPointBeforeExistingItems puts a new 一是 list ahead of
// section 一's first sub-item: the point takes position 1 under section 一
// while the sub-item that held it still exists, and the import must renumber
// rather than collide (it failed with a duplicate key).
func TestReimportAddsAPointBeforeExistingItems(t *testing.T) {
	pool := pgtest.NewDB(t)
	ctx := context.Background()
	text := seedWith(t, "一、加快产业集群,实现错位发展\n", "一、加快产业集群,实现错位发展\n\n一是加强统筹。二是强化协调。\n")
	res, err := postgres.NewStore(pool).ImportDocuments(ctx, policy.Actor{}, []postgres.ImportFile{parseFile(t, "f4.txt", []byte(text))})
	if err != nil {
		t.Fatal(err)
	}
	if r := res[0]; r.Created || r.Kept+len(r.Moved) != 51 {
		t.Errorf("result %+v", r)
	}
	// Positions under each parent run 1, 2, 3 ... again.
	if n := count(t, pool, `SELECT count(*) FROM (SELECT parent_id, array_agg(position ORDER BY position) AS ps FROM sections
		WHERE document_id = (SELECT id FROM documents WHERE slug = $1) GROUP BY parent_id) g
		WHERE g.ps <> (SELECT array_agg(i) FROM generate_series(1, cardinality(g.ps)) i)`, replySlug); n != 0 {
		t.Errorf("%d parents with gaps in their children's positions", n)
	}
}

// TestReimportKeepsAnnotationsWhoseWordsShifted imports the seed's page with
// three characters added ahead of a paragraph's words, then the page as it
// was: the measures written for its figures and the citation made by hand
// follow their words both times (they were lost at the first shift).
func TestReimportKeepsAnnotationsWhoseWordsShifted(t *testing.T) {
	pool := pgtest.NewDB(t)
	ctx := context.Background()
	store := postgres.NewStore(pool)
	const (
		links    = `SELECT count(*) FROM document_links WHERE from_document_id = (SELECT id FROM documents WHERE slug = $1) AND quote LIKE '2022-2025%'`
		measures = `SELECT count(*) FROM figures f JOIN paragraphs p ON p.id = f.paragraph_id
			WHERE p.document_id = (SELECT id FROM documents WHERE slug = $1) AND measure <> ''`
	)
	want := snapshotOf(t, pool, replySlug, true)
	if count(t, pool, links, replySlug) != 1 || count(t, pool, measures, replySlug) != 22 {
		t.Fatal("the seed changed")
	}
	typo := seedWith(t, "\n按照国家新一轮找矿突破战略行动要求", "\n另外,按照国家新一轮找矿突破战略行动要求")
	src, _ := os.ReadFile(seedFile)
	for _, f := range []postgres.ImportFile{parseFile(t, "typo.txt", []byte(typo)), parseFile(t, "seed.txt", src)} {
		if _, err := store.ImportDocuments(ctx, policy.Actor{}, []postgres.ImportFile{f}); err != nil {
			t.Fatal(err)
		}
		if n, m := count(t, pool, links, replySlug), count(t, pool, measures, replySlug); n != 1 || m != 22 {
			t.Errorf("after %s: %d hand-made citations, %d measures; want 1 and 22", f.Name, n, m)
		}
	}
	compareSnapshots(t, snapshotOf(t, pool, replySlug, true), want)
	// A figure whose number changed keeps its measure: it is still what
	// is counted.
	res, err := store.ImportDocuments(ctx, policy.Actor{}, []postgres.ImportFile{parseFile(t, "fixed.txt", []byte(seedWith(t, "39932.82万元", "39932.83万元")))})
	if err != nil {
		t.Fatal(err)
	}
	if r := res[0]; len(r.LostMeasures) != 0 || count(t, pool, measures+` AND f.quote = '39932.83万元'`, replySlug) != 1 {
		t.Errorf("lost measures %q", r.LostMeasures)
	}
	// Words that are gone take their measure with them, and the result and
	// the audit record say so. (The commitment on those words goes first.)
	if _, err := pool.Exec(ctx, `DELETE FROM commitments WHERE quote LIKE '%39932.83万元%'`); err != nil {
		t.Fatal(err)
	}
	res, err = store.ImportDocuments(ctx, policy.Actor{}, []postgres.ImportFile{parseFile(t, "gone.txt", []byte(seedWith(t, "39932.82万元", "一笔资金")))})
	if err != nil {
		t.Fatal(err)
	}
	if r := res[0]; !slices.Equal(r.LostMeasures, []string{"39932.83万元"}) {
		t.Errorf("lost measures %q", r.LostMeasures)
	}
	if n := count(t, pool, `SELECT count(*) FROM audit_log WHERE action = 'document.reimport' AND detail->'lost_figure_measures' = '["39932.83万元"]'`); n != 1 {
		t.Errorf("%d audit records name the lost measure", n)
	}
}

// TestReimportCountsASectionChangeAsAMove drops the (二) marker ahead of a
// commitment's words without moving them: the commitment now belongs to
// (一). That is a move, in the result and in the audit record (it was
// counted as staying, and the audit did not name it).
func TestReimportCountsASectionChangeAsAMove(t *testing.T) {
	pool := pgtest.NewDB(t)
	ctx := context.Background()
	store := postgres.NewStore(pool)
	const quote = "推动高纯锰材料产能提升20%"
	text, id, _ := importWithCommitment(t, pool, store, 4, "s1-2", quote, "高纯锰产能提升", "target")
	same := strings.Replace(text, "(二)精深加工。", "另外,精深加工。", 1) // as many characters
	res, err := store.ImportDocuments(ctx, policy.Actor{}, []postgres.ImportFile{parseFile(t, "b.txt", []byte(same))})
	if err != nil {
		t.Fatal(err)
	}
	r := res[0]
	if r.Kept != 0 || len(r.Moved) != 1 || r.Moved[0].From != r.Moved[0].To || r.Moved[0].FromSection != "s1-2" || r.Moved[0].ToSection != "s1-1" {
		t.Errorf("re-import: kept %d, moved %+v", r.Kept, r.Moved)
	}
	if n := count(t, pool, `SELECT count(*) FROM audit_log WHERE action = 'document.reimport' AND subject_id = $1 AND detail->'moved_commitments' = '[1]'`, id); n != 1 {
		t.Errorf("%d audit records name the move", n)
	}
}

// TestReimportRewritesOnlyChangedParagraphs re-imports the seed with one
// paragraph changed: only that paragraph's row is written again (each was,
// with its search index entry, which made long replies slow).
func TestReimportRewritesOnlyChangedParagraphs(t *testing.T) {
	pool := pgtest.NewDB(t)
	ctx := context.Background()
	const versions = `SELECT string_agg(xmin::text, ',' ORDER BY seq) FROM paragraphs WHERE document_id = (SELECT id FROM documents WHERE slug = $1)`
	var before, after string
	if err := pool.QueryRow(ctx, versions, replySlug).Scan(&before); err != nil {
		t.Fatal(err)
	}
	text := seedWith(t, "\n按照国家新一轮找矿突破战略行动要求", "\n另外,按照国家新一轮找矿突破战略行动要求")
	if _, err := postgres.NewStore(pool).ImportDocuments(ctx, policy.Actor{}, []postgres.ImportFile{parseFile(t, "typo.txt", []byte(text))}); err != nil {
		t.Fatal(err)
	}
	if err := pool.QueryRow(ctx, versions, replySlug).Scan(&after); err != nil {
		t.Fatal(err)
	}
	b, a := strings.Split(before, ","), strings.Split(after, ",")
	changed := 0
	for i := range a {
		if i >= len(b) || a[i] != b[i] {
			changed++
		}
	}
	if len(a) != len(b) || changed != 1 {
		t.Errorf("%d of %d paragraphs written", changed, len(a))
	}
}

// importWithCommitment imports the constructed reply and pins one definite
// commitment to quote in its paragraph seq, section anchor: the document's
// text and id, and the commitment's id.
func importWithCommitment(t *testing.T, pool *pgxpool.Pool, store *postgres.Store, seq int, anchor, quote, title, kind string) (string, int64, int64) {
	t.Helper()
	ctx := context.Background()
	text := constructed("黔某提复字〔2024〕9号", "", "关于某提案的答复", "")
	res, err := store.ImportDocuments(ctx, policy.Actor{}, []postgres.ImportFile{parseFile(t, "a.txt", []byte(text))})
	if err != nil {
		t.Fatal(err)
	}
	id := res[0].DocumentID
	var cid int64
	err = pool.QueryRow(ctx, `
		INSERT INTO commitments (document_id, section_id, paragraph_id, start_offset, end_offset, quote, position, title, kind, strength)
		SELECT $1, x.id, p.id, strpos(p.text, $2) - 1, strpos(p.text, $2) - 1 + char_length($2), $2, 1, $3, $4, 'definite'
		FROM paragraphs p, sections x WHERE p.document_id = $1 AND p.seq = $5 AND x.document_id = $1 AND x.anchor = $6
		RETURNING id`, id, quote, title, kind, seq, anchor).Scan(&cid)
	if err != nil {
		t.Fatal(err)
	}
	return text, id, cid
}
