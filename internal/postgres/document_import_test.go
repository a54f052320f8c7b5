package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/guizhou-portal/portal/internal/importer"
	"github.com/guizhou-portal/portal/internal/policy"
	"github.com/guizhou-portal/portal/internal/postgres"
	"github.com/guizhou-portal/portal/internal/postgres/pgtest"
)

const seedFile = "../../testdata/000_ddc10b41889c9f4f.txt"

func parseFile(t *testing.T, name string, src []byte) postgres.ImportFile {
	t.Helper()
	d, err := importer.Parse(src)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return postgres.ImportFile{Name: name, Document: d}
}

func seedImport(t *testing.T) postgres.ImportFile {
	t.Helper()
	src, err := os.ReadFile(seedFile)
	if err != nil {
		t.Fatal(err)
	}
	return parseFile(t, "seed.txt", src)
}

// snapshot is a document's text and everything pinned to it, as rows of
// text, so that two states compare with ==.
type snapshot struct {
	Paragraphs, Sections, Figures, Mentions, Links, Commitments []string
}

// snapshotOf reads the document with the slug. Without annotations it leaves
// out what only a person can write: themes, figures' measures and periods,
// commitments and the citation the text makes without 《》.
func snapshotOf(t *testing.T, pool *pgxpool.Pool, slug string, annotations bool) snapshot {
	t.Helper()
	ctx := context.Background()
	rows := func(q string) []string {
		r, err := pool.Query(ctx, q, slug, annotations)
		if err != nil {
			t.Fatal(err)
		}
		out, err := pgx.CollectRows(r, pgx.RowTo[string])
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	const doc = `(SELECT id FROM documents WHERE slug = $1)`
	return snapshot{
		Paragraphs: rows(`SELECT seq || ' ' || role || ' ' || text FROM paragraphs WHERE document_id = ` + doc + ` AND $2::boolean IS NOT NULL ORDER BY seq`),
		Sections: rows(`SELECT concat_ws(' ', x.anchor, px.anchor, x.position, x.kind, x.label, x.title,
		                  CASE WHEN $2::boolean THEN x.theme_key END, ps.seq, x.start_offset, pe.seq, x.end_offset)
		           FROM sections x LEFT JOIN sections px ON px.id = x.parent_id
		           JOIN paragraphs ps ON ps.id = x.start_paragraph_id JOIN paragraphs pe ON pe.id = x.end_paragraph_id
		           WHERE x.document_id = ` + doc + ` ORDER BY x.anchor`),
		Figures: rows(`SELECT concat_ws(' ', p.seq, f.start_offset, f.end_offset, f.quote, f.kind, f.value, f.unit, f.base_value,
		                  f.base_unit, f.qualifier, CASE WHEN $2::boolean THEN f.measure END, CASE WHEN $2::boolean THEN f.period END)
		           FROM figures f JOIN paragraphs p ON p.id = f.paragraph_id WHERE p.document_id = ` + doc + ` ORDER BY p.seq, f.start_offset`),
		Mentions: rows(`SELECT concat_ws(' ', p.seq, m.start_offset, m.end_offset, m.quote, e.slug)
		           FROM mentions m JOIN paragraphs p ON p.id = m.paragraph_id JOIN entities e ON e.id = m.entity_id
		           WHERE p.document_id = ` + doc + ` AND $2::boolean IS NOT NULL ORDER BY p.seq, m.start_offset`),
		Links: rows(`SELECT concat_ws(' ', l.relation, t.title, p.seq, l.start_offset, l.end_offset, l.quote)
		           FROM document_links l JOIN documents t ON t.id = l.to_document_id LEFT JOIN paragraphs p ON p.id = l.paragraph_id
		           WHERE l.from_document_id = ` + doc + ` AND ($2::boolean OR l.quote LIKE '《%') ORDER BY p.seq, l.start_offset`),
		Commitments: rows(`SELECT concat_ws(' ', c.id, c.position, p.seq, c.start_offset, c.end_offset, x.anchor, c.status, c.version)
		           FROM commitments c JOIN paragraphs p ON p.id = c.paragraph_id JOIN sections x ON x.id = c.section_id
		           WHERE c.document_id = ` + doc + ` AND $2::boolean ORDER BY c.position`),
	}
}

func compareSnapshots(t *testing.T, got, want snapshot) {
	t.Helper()
	for _, c := range []struct {
		what      string
		got, want []string
	}{{"paragraphs", got.Paragraphs, want.Paragraphs}, {"sections", got.Sections, want.Sections},
		{"figures", got.Figures, want.Figures}, {"mentions", got.Mentions, want.Mentions},
		{"links", got.Links, want.Links}, {"commitments", got.Commitments, want.Commitments}} {
		if !slices.Equal(c.got, c.want) {
			t.Errorf("%s differ: %d rows, want %d", c.what, len(c.got), len(c.want))
			for i := range max(len(c.got), len(c.want)) {
				g, w := "", ""
				if i < len(c.got) {
					g = c.got[i]
				}
				if i < len(c.want) {
					w = c.want[i]
				}
				if g != w {
					t.Errorf("  row %d:\n   got  %s\n   want %s", i, g, w)
				}
			}
		}
	}
}

func count(t *testing.T, pool *pgxpool.Pool, q string, args ...any) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestImportSeedIntoEmptyDatabase deletes the seeded reply and imports its
// published page: the new document has exactly the seed migration's
// paragraphs, sections, figures, entity mentions and 《》 citations.
func TestImportSeedIntoEmptyDatabase(t *testing.T) {
	pool := pgtest.NewDB(t)
	ctx := context.Background()
	want := snapshotOf(t, pool, replySlug, false)
	if _, err := pool.Exec(ctx, `DELETE FROM documents WHERE slug = $1`, replySlug); err != nil {
		t.Fatal(err)
	}
	docs := count(t, pool, `SELECT count(*) FROM documents`)
	store := postgres.NewStore(pool)
	res, err := store.ImportDocuments(ctx, policy.Actor{}, []postgres.ImportFile{seedImport(t)})
	if err != nil {
		t.Fatal(err)
	}
	r := res[0]
	if !r.Created || r.Slug != "reply-2023-4" || r.Paragraphs != 25 || r.Sections != 25 || r.Figures != 22 || len(r.NewCited) != 0 {
		t.Errorf("result %+v", r)
	}
	compareSnapshots(t, snapshotOf(t, pool, r.Slug, false), want)
	// The cited documents were known; only the reply is new.
	if n := count(t, pool, `SELECT count(*) FROM documents`); n != docs+1 {
		t.Errorf("%d documents, want %d", n, docs+1)
	}
	// A draft: the public does not see it, staff do.
	if _, err := store.Document(ctx, r.Slug); policy.ErrorCode(err) != policy.ENOTFOUND || r.Published {
		t.Errorf("the import is public (published %v): %v", r.Published, err)
	}
	var doc policy.Document
	if doc, err = store.Document(policy.WithViewer(ctx, policy.Staff), r.Slug); err != nil || !doc.Draft() || doc.DocNumber != "黔工信提复字〔2023〕4号" || doc.IndexNumber != "000014349/2023-2692872" ||
		doc.Addressee != "农工党贵州省委员会" || doc.SignedOn == nil || doc.SignedOn.Format("2006-01-02") != "2023-06-28" || doc.Kind != "reply" {
		t.Errorf("document %+v (%v)", doc, err)
	}
	// One audit record, by the command line.
	if n := count(t, pool, `SELECT count(*) FROM audit_log WHERE subject_type = 'document' AND subject_id = $1
		AND action = 'document.import' AND actor_name = '命令行' AND before IS NULL AND after->>'paragraphs' = '25'`, r.DocumentID); n != 1 {
		t.Errorf("%d audit records", n)
	}
}

// constructed is a reply unlike the seed: a header from another site, a
// Chinese-numeral date, an inline sub-item, a percentage, a cited document
// the portal does not know, and names the portal knows.
func constructed(docNumber, indexNumber, title, extra string) string {
	var b strings.Builder
	if docNumber != "" {
		fmt.Fprintf(&b, "发文字号:%s\n", docNumber)
	}
	if indexNumber != "" {
		fmt.Fprintf(&b, "索引号:%s\n", indexNumber)
	}
	fmt.Fprintf(&b, "%s\n", title)
	b.WriteString("贵州省政协:\n")
	b.WriteString("你们提出的《关于加快锰产业发展的提案》收悉。现答复如下:\n")
	b.WriteString("一、关于锰矿开发\n")
	b.WriteString("(一)资源勘查。2023年,铜仁市完成锰矿勘查项目12个,投入资金3.5亿元。(二)精深加工。下一步,将推动高纯锰材料产能提升20%。" + extra + "\n")
	b.WriteString("二、关于产业配套\n")
	b.WriteString("印发了《贵州省锰产业高质量发展实施方案》,正在建设电池材料项目5个。\n")
	b.WriteString("贵州省某某厅\n")
	b.WriteString("二〇二四年三月五日\n")
	return b.String()
}

// TestImportConstructedAndReimport imports a varied reply, then updates it by
// its 文号, by its 索引号 and by its title, never duplicating it.
func TestImportConstructedAndReimport(t *testing.T) {
	pool := pgtest.NewDB(t)
	ctx := context.Background()
	store := postgres.NewStore(pool)
	const title = "关于省政协某号提案的答复"
	first := constructed("黔某提复字〔2024〕7号", "000014349/2024-0001", title, "")
	res, err := store.ImportDocuments(ctx, policy.Actor{}, []postgres.ImportFile{parseFile(t, "a.txt", []byte(first))})
	if err != nil {
		t.Fatal(err)
	}
	r := res[0]
	if !r.Created || r.Slug != "reply-2024-7" || r.Sections != 4 || len(r.NewCited) != 2 {
		t.Fatalf("first import %+v", r)
	}
	slug, id := r.Slug, r.DocumentID
	// The percentage is stored as a share; the cited plan is a new document,
	// the proposal in the opening is what the reply answers.
	if n := count(t, pool, `SELECT count(*) FROM figures f JOIN paragraphs p ON p.id = f.paragraph_id
		WHERE p.document_id = $1 AND f.kind = 'share' AND f.base_unit = 'percent' AND f.quote = '20%' AND f.value = 20`, id); n != 1 {
		t.Errorf("%d share figures", n)
	}
	if n := count(t, pool, `SELECT count(*) FROM document_links l JOIN documents t ON t.id = l.to_document_id
		WHERE l.from_document_id = $1 AND ((l.relation = 'replies_to' AND t.kind = 'proposal' AND t.title = '关于加快锰产业发展的提案')
		   OR (l.relation = 'cites' AND t.kind = 'policy' AND t.title = '贵州省锰产业高质量发展实施方案'))`, id); n != 2 {
		t.Errorf("%d links", n)
	}
	if n := count(t, pool, `SELECT count(*) FROM mentions m JOIN paragraphs p ON p.id = m.paragraph_id JOIN entities e ON e.id = m.entity_id
		WHERE p.document_id = $1 AND e.slug = 'tongren'`, id); n != 1 {
		t.Errorf("%d mentions of 铜仁", n)
	}
	var signed string
	if err := pool.QueryRow(ctx, `SELECT signed_on::text FROM documents WHERE id = $1`, id).Scan(&signed); err != nil || signed != "2024-03-05" {
		t.Errorf("signed on %q (%v)", signed, err)
	}

	// A commitment pinned by a reviewer to the text, which re-imports must keep.
	var cid int64
	err = pool.QueryRow(ctx, `
		INSERT INTO commitments (document_id, section_id, paragraph_id, start_offset, end_offset, quote, position, title, kind, strength)
		SELECT $1, x.id, p.id, strpos(p.text, '推动高纯锰材料产能提升20%') - 1,
		       strpos(p.text, '推动高纯锰材料产能提升20%') - 1 + char_length('推动高纯锰材料产能提升20%'), '推动高纯锰材料产能提升20%', 1, '高纯锰产能提升', 'target', 'definite'
		FROM paragraphs p, sections x WHERE p.document_id = $1 AND p.seq = 4 AND x.document_id = $1 AND x.anchor = 's1-2'
		RETURNING id`, id).Scan(&cid)
	if err != nil {
		t.Fatal(err)
	}

	for _, c := range []struct {
		by, text string
		moved    bool
	}{
		{"doc_number", constructed("黔某提复字〔2024〕7号", "", "标题改了", "新增一句。"), false},
		{"index_number", constructed("", "000014349/2024-0001", "标题又改了", "再增一句。"), false},
		// Words added before the quote move the commitment with them.
		{"title", strings.Replace(constructed("", "", "标题又改了", "三增一句,推动高纯锰材料产能提升在前。"), "下一步", "另外,下一步", 1), true},
	} {
		res, err := store.ImportDocuments(ctx, policy.Actor{}, []postgres.ImportFile{parseFile(t, c.by+".txt", []byte(c.text))})
		if err != nil {
			t.Fatalf("by %s: %v", c.by, err)
		}
		if r := res[0]; r.Created || r.MatchedBy != c.by || r.DocumentID != id || r.Slug != slug || (len(r.Moved) == 1) != c.moved || r.Kept+len(r.Moved) != 1 {
			t.Errorf("by %s: %+v", c.by, r)
		}
		if n := count(t, pool, `SELECT count(*) FROM documents WHERE kind = 'reply' AND NOT synthetic`); n != 2 {
			t.Errorf("by %s: %d replies", c.by, n)
		}
	}
	// Blank metadata kept its stored value; the last text is the text.
	var docNumber, indexNumber, docTitle, p4 string
	err = pool.QueryRow(ctx, `SELECT doc_number, index_number, title, (SELECT text FROM paragraphs WHERE document_id = d.id AND seq = 4)
		FROM documents d WHERE id = $1`, id).Scan(&docNumber, &indexNumber, &docTitle, &p4)
	if err != nil || docNumber != "黔某提复字〔2024〕7号" || indexNumber != "000014349/2024-0001" || docTitle != "标题又改了" || !strings.HasSuffix(p4, "在前。") {
		t.Errorf("after re-imports: %s %s %s %s (%v)", docNumber, indexNumber, docTitle, p4, err)
	}
	if n := count(t, pool, `SELECT count(*) FROM commitments c JOIN paragraphs p ON p.id = c.paragraph_id
		WHERE c.id = $1 AND substr(p.text, c.start_offset + 1, c.end_offset - c.start_offset) = c.quote`, cid); n != 1 {
		t.Error("the commitment lost its words")
	}
	if n := count(t, pool, `SELECT count(*) FROM audit_log WHERE subject_type = 'document' AND subject_id = $1`, id); n != 4 {
		t.Errorf("%d audit records, want 4", n)
	}
}

// TestImportIsAllOrNothing saves a good new reply together with one that
// cannot be saved: neither is saved.
func TestImportIsAllOrNothing(t *testing.T) {
	pool := pgtest.NewDB(t)
	ctx := context.Background()
	docs := count(t, pool, `SELECT count(*) FROM documents`)
	good := parseFile(t, "good.txt", []byte(constructed("黔某提复字〔2024〕8号", "", "一份新的答复", "")))
	src, _ := os.ReadFile(seedFile)
	bad := parseFile(t, "bad.txt", []byte(strings.Replace(string(src), "打造千亿级磷化工产业园区", "打造磷化工产业园区", 1)))
	if _, err := postgres.NewStore(pool).ImportDocuments(ctx, policy.Actor{}, []postgres.ImportFile{good, bad}); err == nil {
		t.Fatal("no error")
	}
	if n := count(t, pool, `SELECT count(*) FROM documents`); n != docs {
		t.Errorf("%d documents, want %d", n, docs)
	}
	// The preview of the good one says what would happen and saves nothing either.
	res, err := postgres.NewStore(pool).PreviewImport(ctx, []postgres.ImportFile{good})
	if err != nil || !res[0].Created || res[0].Slug != "reply-2024-8" {
		t.Errorf("preview %+v (%v)", res, err)
	}
	if n := count(t, pool, `SELECT count(*) FROM documents`) + count(t, pool, `SELECT count(*) FROM audit_log`); n != docs {
		t.Errorf("the preview saved something: %d rows", n-docs)
	}
}

// TestImportMatchesVariantsOfTheSameNumbers previews the seed's page with its
// 文号, 索引号 or title written another way (other brackets, full-width
// digits, spaces): each updates the seeded reply instead of creating a
// second copy of it.
func TestImportMatchesVariantsOfTheSameNumbers(t *testing.T) {
	pool := pgtest.NewDB(t)
	ctx := context.Background()
	store := postgres.NewStore(pool)
	const (
		docNumber = "黔工信提复字〔2023〕4号"
		index     = "000014349/2023-2692872"
		title     = "省工业和信息化厅关于省政协十三届一次会议第1019号提案的答复"
	)
	noDocNumber := func(s string) string { return strings.Replace(s, "文  号: "+docNumber, "文  号: ", 1) }
	noIndex := func(s string) string { return strings.Replace(s, "索 引 号: "+index, "索 引 号: ", 1) }
	for _, c := range []struct{ name, text, by string }{
		{"square", seedWith(t, docNumber, "黔工信提复字[2023]4号"), "doc_number"},
		{"round", seedWith(t, docNumber, "黔工信提复字\uff082023\uff094号"), "doc_number"},
		{"fullwidth", seedWith(t, docNumber, "黔工信提复字〔2023〕\uff14号"), "doc_number"},
		{"space", seedWith(t, docNumber, "黔工信提复字 〔2023〕4号"), "doc_number"},
		{"index spaces", noDocNumber(seedWith(t, index, "000014349 / 2023-2692872")), "index_number"},
		{"index fullwidth", noDocNumber(seedWith(t, index, "\uff10\uff10\uff10014349/2023-2692872")), "index_number"},
		{"title", noIndex(noDocNumber(strings.ReplaceAll(seedWith(t, title, title), title, "省工业和信息化厅\u3000关于省政协十三届一次会议第\uff11019号提案的答复"))), "title"},
	} {
		res, err := store.PreviewImport(ctx, []postgres.ImportFile{parseFile(t, c.name, []byte(c.text))})
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if r := res[0]; r.Created || r.Slug != replySlug || r.MatchedBy != c.by {
			t.Errorf("%s: created %v, slug %s, matched by %q", c.name, r.Created, r.Slug, r.MatchedBy)
		}
	}
}

// TestImportMatchesRepliesOnly previews a reply that bears the title of the
// proposal the seed answers, and no 文号 or 索引号: it is a new reply, not
// an update that would overwrite the proposal with a reply's text.
func TestImportMatchesRepliesOnly(t *testing.T) {
	pool := pgtest.NewDB(t)
	ctx := context.Background()
	const title = "关于布局“左磷右锂”开辟新型工业化新赛道的建议"
	if count(t, pool, `SELECT count(*) FROM documents WHERE title = $1 AND kind = 'proposal'`, title) != 1 {
		t.Fatal("the seed changed")
	}
	res, err := postgres.NewStore(pool).PreviewImport(ctx, []postgres.ImportFile{parseFile(t, "p.txt", []byte(constructed("", "", title, "")))})
	if err != nil {
		t.Fatal(err)
	}
	if r := res[0]; !r.Created || r.MatchedBy != "" {
		t.Errorf("created %v, matched by %q, slug %s", r.Created, r.MatchedBy, r.Slug)
	}
}

// TestImportCitesATitleWhosePlaceholderSlugIsTaken cites a title whose
// placeholder slug already belongs to a document of another title (a
// placeholder renamed since): the new placeholder gets a free slug (it
// failed on the unique slug).
func TestImportCitesATitleWhosePlaceholderSlugIsTaken(t *testing.T) {
	pool := pgtest.NewDB(t)
	ctx := context.Background()
	store := postgres.NewStore(pool)
	a := strings.Replace(constructed("黔测复字〔2024〕101号", "", "答复甲", ""), "贵州省锰产业高质量发展实施方案", "测试被引文件甲", 1)
	res, err := store.ImportDocuments(ctx, policy.Actor{}, []postgres.ImportFile{parseFile(t, "a.txt", []byte(a))})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(res[0].NewCited, "测试被引文件甲") {
		t.Fatalf("new cited %q", res[0].NewCited)
	}
	if _, err := pool.Exec(ctx, `UPDATE documents SET title = '测试被引文件乙' WHERE title = '测试被引文件甲'`); err != nil {
		t.Fatal(err)
	}
	c := strings.Replace(constructed("黔测复字〔2024〕103号", "", "答复丙", ""), "贵州省锰产业高质量发展实施方案", "测试被引文件甲", 1)
	res, err = store.ImportDocuments(ctx, policy.Actor{}, []postgres.ImportFile{parseFile(t, "c.txt", []byte(c))})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(res[0].NewCited, "测试被引文件甲") {
		t.Errorf("new cited %q", res[0].NewCited)
	}
	if n := count(t, pool, `SELECT count(*) FROM documents WHERE title IN ('测试被引文件甲', '测试被引文件乙') AND slug LIKE 'cited-%'`); n != 2 {
		t.Errorf("%d placeholders", n)
	}
}

// TestImportAuditsThePlaceholdersItAdds imports a reply that cites two
// documents the portal does not know: each placeholder it adds has its own
// audit record, in the same transaction (they had none).
func TestImportAuditsThePlaceholdersItAdds(t *testing.T) {
	pool := pgtest.NewDB(t)
	ctx := context.Background()
	res, err := postgres.NewStore(pool).ImportDocuments(ctx, policy.Actor{Name: "测试"},
		[]postgres.ImportFile{parseFile(t, "a.txt", []byte(constructed("黔某提复字〔2024〕7号", "", "关于某提案的答复", "")))})
	if err != nil {
		t.Fatal(err)
	}
	if len(res[0].NewCited) != 2 {
		t.Fatalf("new cited %q", res[0].NewCited)
	}
	if n := count(t, pool, `SELECT count(*) FROM audit_log a JOIN documents d ON d.id = a.subject_id
		WHERE a.subject_type = 'document' AND a.action = 'document.placeholder' AND a.actor_name = '测试'
		  AND d.slug LIKE 'cited-%' AND a.after->>'title' = d.title AND (a.detail->>'cited_by')::bigint = $1`, res[0].DocumentID); n != 2 {
		t.Errorf("%d audit records of placeholders", n)
	}
}

// TestImportRefusesAStaleReview confirms reviews after the portal changed:
// a review that promised a new document, confirmed after someone else
// imported the same reply, and a review of an update, confirmed after the
// document changed, each fail with *ImportStale and save nothing; a
// confirmation that matches its review saves.
func TestImportRefusesAStaleReview(t *testing.T) {
	pool := pgtest.NewDB(t)
	ctx := context.Background()
	store := postgres.NewStore(pool)
	f := parseFile(t, "a.txt", []byte(constructed("黔某提复字〔2024〕401号", "", "关于某提案的答复", "")))
	review, err := store.PreviewImport(ctx, []postgres.ImportFile{f})
	if err != nil || !review[0].Created || review[0].State != "" {
		t.Fatalf("review %+v (%v)", review, err)
	}
	if _, err := store.ImportDocuments(ctx, policy.Actor{}, []postgres.ImportFile{f}); err != nil {
		t.Fatal(err)
	}
	confirm := func(f postgres.ImportFile, id int64, state string) error {
		f.Expect = &postgres.ImportExpect{DocumentID: id, State: state}
		_, err := store.ImportDocuments(ctx, policy.Actor{}, []postgres.ImportFile{f})
		return err
	}
	var stale *postgres.ImportStale
	if err := confirm(f, 0, ""); !errors.As(err, &stale) || policy.ErrorCode(err) != policy.ECONFLICT {
		t.Errorf("create confirmed after someone else's: %v", err)
	}

	g := parseFile(t, "b.txt", []byte(constructed("黔某提复字〔2024〕401号", "", "关于某提案的答复", "新增一句。")))
	review, err = store.PreviewImport(ctx, []postgres.ImportFile{g})
	if err != nil || review[0].Created || review[0].State == "" {
		t.Fatalf("review %+v (%v)", review, err)
	}
	id, state := review[0].DocumentID, review[0].State
	audits := count(t, pool, `SELECT count(*) FROM audit_log`)
	h := parseFile(t, "c.txt", []byte(constructed("黔某提复字〔2024〕401号", "", "关于某提案的答复", "另一句。")))
	if _, err := store.ImportDocuments(ctx, policy.Actor{}, []postgres.ImportFile{h}); err != nil {
		t.Fatal(err)
	}
	if err := confirm(g, id, state); !errors.As(err, &stale) {
		t.Errorf("update confirmed after the document changed: %v", err)
	}
	if n := count(t, pool, `SELECT count(*) FROM audit_log`); n != audits+1 {
		t.Errorf("%d audit records, want %d", n, audits+1)
	}
	review, err = store.PreviewImport(ctx, []postgres.ImportFile{g})
	if err != nil {
		t.Fatal(err)
	}
	if err := confirm(g, review[0].DocumentID, review[0].State); err != nil {
		t.Errorf("a fresh review: %v", err)
	}
}

// TestImportReviewSurvivesAProgressUpdate changes a commitment's status
// between a review and its confirmation: the review still holds (the import
// keeps statuses as they are), so the confirmation saves.
func TestImportReviewSurvivesAProgressUpdate(t *testing.T) {
	pool := pgtest.NewDB(t)
	ctx := context.Background()
	store := postgres.NewStore(pool)
	f := parseFile(t, "typo.txt", []byte(seedWith(t, "\n按照国家新一轮找矿突破战略行动要求", "\n另外,按照国家新一轮找矿突破战略行动要求")))
	review, err := store.PreviewImport(ctx, []postgres.ImportFile{f})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `UPDATE commitments SET status = 'completed', version = version + 1, updated_at = now() WHERE position = 1`); err != nil {
		t.Fatal(err)
	}
	f.Expect = &postgres.ImportExpect{DocumentID: review[0].DocumentID, State: review[0].State}
	if _, err := store.ImportDocuments(ctx, policy.Actor{}, []postgres.ImportFile{f}); err != nil {
		t.Errorf("confirmation after a status change: %v", err)
	}
}

// TestImportGivesAReplyWithoutNumberedSectionsOneBodySection: a real reply
// that numbers nothing still gets a section holding its whole body, so that
// commitments can be pinned anywhere in it; its candidates belong to it.
func TestImportGivesAReplyWithoutNumberedSectionsOneBodySection(t *testing.T) {
	src, err := os.ReadFile("../../testdata/replies/002.txt")
	if err != nil {
		t.Fatal(err)
	}
	f := parseFile(t, "002.txt", src)
	if len(f.Document.Sections) != 0 {
		t.Fatalf("testdata/replies/002.txt was chosen for having no numbered sections, yet it has %d", len(f.Document.Sections))
	}
	for _, c := range f.Document.Candidates {
		if c.Section != importer.BodyAnchor {
			t.Errorf("candidate %q is in section %q, want %q", c.Quote, c.Section, importer.BodyAnchor)
		}
	}
	pool := pgtest.NewDB(t)
	res, err := postgres.NewStore(pool).ImportDocuments(context.Background(), policy.Actor{}, []postgres.ImportFile{f})
	if err != nil {
		t.Fatal(err)
	}
	id := res[0].DocumentID
	if n := count(t, pool, `SELECT count(*) FROM sections WHERE document_id = $1 AND anchor = 'body' AND parent_id IS NULL AND label = '' AND title = '正文'`, id); n != 1 || res[0].Sections != 1 {
		t.Errorf("%d body sections (result says %d sections), want exactly one", n, res[0].Sections)
	}
	// The body section spans every body paragraph before the closing thanks.
	closing := len(f.Document.Paragraphs) + 1
	if c := f.Document.Closing; c != nil {
		closing = c.Paragraph
	}
	if n := count(t, pool, `SELECT count(*) FROM paragraphs p WHERE p.document_id = $1 AND p.role = 'body' AND p.seq < $2 AND NOT EXISTS (
		SELECT FROM sections x JOIN paragraphs ps ON ps.id = x.start_paragraph_id JOIN paragraphs pe ON pe.id = x.end_paragraph_id
		WHERE x.document_id = $1 AND ps.seq <= p.seq AND p.seq <= pe.seq)`, id, closing); n != 0 {
		t.Errorf("%d body paragraphs outside the body section", n)
	}
}
