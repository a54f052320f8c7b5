package postgres_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/guizhou-portal/portal/internal/anchor"
	"github.com/guizhou-portal/portal/internal/policy"
	"github.com/guizhou-portal/portal/internal/postgres"
	"github.com/guizhou-portal/portal/internal/postgres/pgtest"
)

// correctedSeed is the seed's page as corrected: 710人 → 1200人 and
// 388.7 → 390.1, each once in the text.
func correctedSeed(t *testing.T) string {
	t.Helper()
	text := seedWith(t, "710人", "1200人")
	if strings.Count(text, "388.7") != 1 || strings.Contains(text, "710人") {
		t.Fatal("the seed changed")
	}
	return strings.Replace(text, "388.7", "390.1", 1)
}

// figureQuotes are the ids of the document's commitments whose words hold
// one of the figures corrected, in order.
const figureQuotes = `SELECT coalesce(array_agg(id ORDER BY id), '{}') FROM commitments WHERE quote LIKE '%710人%' OR quote LIKE '%388.7%'`

// commitmentPlaces is where every commitment stands, with its flag.
const commitmentPlaces = `SELECT coalesce(array_agg(jsonb_build_array(id, paragraph_id, start_offset, end_offset, section_id, quote,
	anchor_review, previous_quote, status, title)::text ORDER BY id), '{}') FROM commitments`

// TestCorrectedSeedBecomesVersion2 imports the seed's page with two figures
// corrected (it was refused before versions): the text becomes version 2,
// all 51 commitments stay, those whose words held the figures are
// re-anchored to the corrected words, their old words kept, flagged and
// listed, every other is untouched, and the diff of the two versions holds
// exactly the two corrections. Importing the same text again changes
// nothing and makes no version.
func TestCorrectedSeedBecomesVersion2(t *testing.T) {
	pool := pgtest.NewDB(t)
	ctx := context.Background()
	store := postgres.NewStore(pool)
	changed := one[[]int64](t, pool, figureQuotes)
	if len(changed) == 0 {
		t.Fatal("no commitment quotes the figures")
	}
	t.Logf("commitments quoting the figures: %v", changed)
	before := map[int64]string{}
	rows, _ := pool.Query(ctx, `SELECT id, jsonb_build_array(paragraph_id, start_offset, end_offset, section_id, quote, anchor_review)::text FROM commitments`)
	for rows.Next() {
		var id int64
		var s string
		if err := rows.Scan(&id, &s); err != nil {
			t.Fatal(err)
		}
		before[id] = s
	}
	if n := count(t, pool, `SELECT count(*) FROM document_versions v JOIN documents d ON d.id = v.document_id WHERE d.slug = $1 AND v.number = 1
		AND v.paragraphs::text LIKE '%710人%'`, replySlug); n != 1 {
		t.Fatalf("the migration made %d version 1 of the seed", n)
	}

	text := correctedSeed(t)
	res, err := store.ImportDocuments(ctx, policy.Actor{Name: "测试"}, []postgres.ImportFile{parseFile(t, "corrected.txt", []byte(text))})
	if err != nil {
		t.Fatal(err)
	}
	r := res[0]
	var listed []int64
	for _, c := range r.Reanchored {
		listed = append(listed, c.ID)
		if !strings.Contains(c.Now, "1200人") && !strings.Contains(c.Now, "390.1") || !strings.Contains(c.Was, "710人") && !strings.Contains(c.Was, "388.7") {
			t.Errorf("re-anchored %+v", c)
		}
	}
	slices.Sort(listed)
	if r.Version != 2 || !slices.Equal(listed, changed) || len(r.Unplaced) != 0 || r.Kept+len(r.Moved)+len(r.Reanchored) != 51 || r.Unchanged {
		t.Errorf("result: version %d, re-anchored %v (want %v), unplaced %v, kept %d, moved %d", r.Version, listed, changed, r.Unplaced, r.Kept, len(r.Moved))
	}
	if n := count(t, pool, `SELECT count(*) FROM commitments c JOIN documents d ON d.id = c.document_id WHERE d.slug = $1`, replySlug); n != 51 {
		t.Errorf("%d commitments, want 51", n)
	}
	if got := one[[]int64](t, pool, `SELECT coalesce(array_agg(id ORDER BY id), '{}') FROM commitments WHERE anchor_review = 'changed'
		AND (quote LIKE '%1200人%' OR quote LIKE '%390.1%') AND (previous_quote LIKE '%710人%' OR previous_quote LIKE '%388.7%')`); !slices.Equal(got, changed) {
		t.Errorf("flagged %v, want %v", got, changed)
	}
	if n := count(t, pool, spansBroken, replySlug); n != 0 {
		t.Errorf("%d commitments off their words", n)
	}
	rows, _ = pool.Query(ctx, `SELECT id, jsonb_build_array(paragraph_id, start_offset, end_offset, section_id, quote, anchor_review)::text FROM commitments`)
	for rows.Next() {
		var id int64
		var s string
		if err := rows.Scan(&id, &s); err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(changed, id) && s != before[id] {
			t.Errorf("commitment %d moved: %s, was %s", id, s, before[id])
		}
	}

	// The versions: 1 as migrated, 2 as imported, by whom and from what.
	d, vs, err := store.DocumentVersions(ctx, replySlug)
	if err != nil || len(vs) != 2 || vs[0].By != "" || vs[1].By != "测试" || vs[1].File != "corrected.txt" {
		t.Fatalf("versions %+v (%v)", vs, err)
	}
	_, old, _, err := store.DocumentVersionText(ctx, d.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	_, new, current, err := store.DocumentVersionText(ctx, d.ID, 2)
	if err != nil || current != 2 {
		t.Fatalf("version 2: current %d (%v)", current, err)
	}
	texts := func(ps []postgres.VersionParagraph) (out []string) {
		for _, p := range ps {
			out = append(out, p.Text)
		}
		return out
	}
	var dels, inss []string
	for _, p := range anchor.Diff(texts(old), texts(new)) {
		for _, s := range p.Segments {
			switch s.Op {
			case anchor.Delete:
				dels = append(dels, s.Text)
			case anchor.Insert:
				inss = append(inss, s.Text)
			}
		}
	}
	if !slices.Equal(dels, []string{"388.7", "710"}) && !slices.Equal(dels, []string{"710", "388.7"}) || len(inss) != 2 {
		t.Errorf("diff: deleted %q, inserted %q", dels, inss)
	}
	if _, _, _, err := store.DocumentVersionText(ctx, d.ID, 3); policy.ErrorCode(err) != policy.ENOTFOUND {
		t.Errorf("version 3: %v", err)
	}

	// The same text again: nothing changes, no version, no record.
	audits := count(t, pool, `SELECT count(*) FROM audit_log`)
	places := one[[]string](t, pool, commitmentPlaces)
	res, err = store.ImportDocuments(ctx, policy.Actor{Name: "测试"}, []postgres.ImportFile{parseFile(t, "corrected.txt", []byte(text))})
	if err != nil || !res[0].Unchanged || res[0].Version != 0 || len(res[0].Reanchored) != 0 {
		t.Errorf("again: %+v (%v)", res, err)
	}
	if n := count(t, pool, `SELECT count(*) FROM document_versions WHERE document_id = $1`, d.ID); n != 2 {
		t.Errorf("%d versions after the same text again", n)
	}
	if n := count(t, pool, `SELECT count(*) FROM audit_log`); n != audits {
		t.Errorf("%d audit records added by the same text again", n-audits)
	}
	if got := one[[]string](t, pool, commitmentPlaces); !slices.Equal(got, places) {
		t.Error("the same text again moved commitments")
	}

	// Confirming one clears its flag, once, with a record.
	if err := store.ConfirmAnchor(ctx, policy.Actor{Name: "测试"}, changed[0]); err != nil {
		t.Fatal(err)
	}
	if err := store.ConfirmAnchor(ctx, policy.Actor{Name: "测试"}, changed[0]); policy.ErrorCode(err) != policy.ECONFLICT {
		t.Errorf("confirming twice: %v", err)
	}
	if n := count(t, pool, `SELECT count(*) FROM audit_log WHERE action = 'commitment.anchor_confirm' AND subject_id = $1
		AND (detail->>'was' LIKE '%710人%' OR detail->>'was' LIKE '%388.7%')`, changed[0]); n != 1 {
		t.Errorf("%d confirmation records", n)
	}
	if n := count(t, pool, `SELECT count(*) FROM commitments WHERE id = $1 AND anchor_review IS NULL AND previous_quote IS NULL`, changed[0]); n != 1 {
		t.Error("the confirmed commitment is still flagged")
	}
}

// TestDeletedSentenceLeavesItsCommitmentUnplaced deletes a commitment's
// words outright: the commitment is kept, flagged unplaced, listed, with
// its words; a later import does not lose it; staff pin it again by hand,
// checked like a new commitment's quote.
func TestDeletedSentenceLeavesItsCommitmentUnplaced(t *testing.T) {
	pool := pgtest.NewDB(t)
	ctx := context.Background()
	store := postgres.NewStore(pool)
	const quote = "推动新能源电池及材料产业与磷化工产业融合,打造千亿级磷化工产业园区"
	var id int64
	var status string
	if err := pool.QueryRow(ctx, `SELECT id, status FROM commitments WHERE quote = $1`, quote).Scan(&id, &status); err != nil {
		t.Fatal(err)
	}
	text := seedWith(t, quote, "")
	res, err := store.ImportDocuments(ctx, policy.Actor{Name: "测试"}, []postgres.ImportFile{parseFile(t, "deleted.txt", []byte(text))})
	if err != nil {
		t.Fatal(err)
	}
	if r := res[0]; len(r.Unplaced) != 1 || r.Unplaced[0].ID != id || r.Unplaced[0].Quote != quote || r.Version != 2 {
		t.Fatalf("result: unplaced %+v, re-anchored %+v, version %d", r.Unplaced, r.Reanchored, r.Version)
	}
	if n := count(t, pool, `SELECT count(*) FROM commitments WHERE id = $1 AND anchor_review = 'unplaced' AND quote = $2 AND status = $3`, id, quote, status); n != 1 {
		t.Error("the commitment is not kept, unplaced, with its words")
	}
	if n := count(t, pool, `SELECT count(*) FROM commitments`); n != 51 {
		t.Errorf("%d commitments", n)
	}
	// It still shows in the lists (they join its paragraph and section).
	if cs, err := store.Commitments(ctx, policy.CommitmentFilter{Documents: []string{replySlug}}); err != nil || len(cs) != 51 {
		t.Errorf("the list has %d commitments (%v)", len(cs), err)
	}
	_, items, err := store.AnchorReview(ctx, replySlug)
	if err != nil || len(items) != 1 || items[0].ID != id || items[0].Review != "unplaced" {
		t.Errorf("to check: %+v (%v)", items, err)
	}
	// Another import (a typo elsewhere) keeps it unplaced, not lost.
	res, err = store.ImportDocuments(ctx, policy.Actor{}, []postgres.ImportFile{parseFile(t, "again.txt", []byte(strings.Replace(text, "388.7", "390.1", 1)))})
	if err != nil || len(res[0].Unplaced) != 1 || res[0].Version != 3 {
		t.Fatalf("again: %+v (%v)", res, err)
	}

	// Pinned again by hand: a quote not in the paragraph, or overlapping
	// another commitment, is refused; one that is, is taken.
	item, err := store.AnchorItem(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	var qe *anchor.QuoteError
	if err := store.RepinCommitment(ctx, policy.Actor{Name: "测试"}, id, item.ParagraphSeq, "不在这一段的话"); policy.ErrorCode(err) != policy.EINVALID || !asQuoteError(err, &qe) {
		t.Errorf("a quote not there: %v", err)
	}
	if err := store.RepinCommitment(ctx, policy.Actor{Name: "测试"}, id, 9999, "磷化工"); policy.ErrorCode(err) != policy.ENOTFOUND {
		t.Errorf("no such paragraph: %v", err)
	}
	seq, free := freeQuote(t, store, id)
	if err := store.RepinCommitment(ctx, policy.Actor{Name: "测试"}, id, seq, free); err != nil {
		t.Fatal(err)
	}
	if n := count(t, pool, `SELECT count(*) FROM commitments WHERE id = $1 AND anchor_review IS NULL AND quote = $2`, id, free); n != 1 {
		t.Error("not pinned again")
	}
	if n := count(t, pool, spansBroken, replySlug); n != 0 {
		t.Errorf("%d commitments off their words", n)
	}
	if n := count(t, pool, `SELECT count(*) FROM audit_log WHERE action = 'commitment.repin' AND subject_id = $1 AND before->>'quote' = $2 AND after->>'quote' = $3`,
		id, quote, free); n != 1 {
		t.Errorf("%d re-pinning records", n)
	}
}

func asQuoteError(err error, qe **anchor.QuoteError) bool {
	e, ok := err.(*anchor.QuoteError)
	*qe = e
	return ok
}

// freeQuote is words of the commitment's paragraph that no other commitment
// holds and that occur once there: what staff would pick to pin it again.
func freeQuote(t *testing.T, store *postgres.Store, id int64) (int, string) {
	t.Helper()
	item, err := store.AnchorItem(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	d, p, taken, err := store.ParagraphForCommitment(context.Background(), item.DocumentSlug, item.ParagraphSeq)
	if err != nil {
		t.Fatal(err, d.Slug)
	}
	runes := []rune(p.Text)
	for i := 0; i+8 <= len(runes); i++ {
		q := string(runes[i : i+8])
		if _, err := anchor.Locate(p.Text, q, taken); err == nil {
			return p.Seq, q
		}
	}
	t.Fatal("no free words in the paragraph")
	return 0, ""
}

// TestVersionImportRacingAnEdit edits a commitment, in a transaction held
// open, while an import changes its words: the import waits for the edit's
// row lock and then re-anchors the commitment with the edit kept, so both
// changes stand, each once; and an edit that comes after the import sees
// the new words.
func TestVersionImportRacingAnEdit(t *testing.T) {
	pool := pgtest.NewDB(t)
	ctx := context.Background()
	changed := one[[]int64](t, pool, figureQuotes)
	id := changed[0]
	tx, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `UPDATE commitments SET status = 'blocked', version = version + 1 WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	var res []postgres.ImportResult
	behindLock(t, pool, tx, func() (err error) {
		res, err = postgres.NewStore(pool).ImportDocuments(ctx, policy.Actor{Name: "测试"}, []postgres.ImportFile{parseFile(t, "corrected.txt", []byte(correctedSeed(t)))})
		return err
	}, nil)
	if !slices.ContainsFunc(res[0].Reanchored, func(c postgres.ReanchoredCommitment) bool { return c.ID == id }) {
		t.Errorf("not re-anchored: %+v", res[0].Reanchored)
	}
	if n := count(t, pool, `SELECT count(*) FROM commitments WHERE id = $1 AND status = 'blocked' AND anchor_review = 'changed'
		AND (quote LIKE '%1200人%' OR quote LIKE '%390.1%')`, id); n != 1 {
		t.Error("the edit or the re-anchoring was lost")
	}
	if n := count(t, pool, spansBroken, replySlug); n != 0 {
		t.Errorf("%d commitments off their words", n)
	}
	// An edit through the store after the import: its record holds the new words.
	var version int
	if err := pool.QueryRow(ctx, `SELECT version FROM commitments WHERE id = $1`, id).Scan(&version); err != nil {
		t.Fatal(err)
	}
	if err := postgres.NewStore(pool).UpdateCommitment(ctx, policy.Actor{Name: "测试"}, id, version, policy.CommitmentEdit{Status: "in_progress"}); err != nil {
		t.Fatal(err)
	}
	if n := count(t, pool, `SELECT count(*) FROM audit_log WHERE action = 'commitment.update' AND subject_id = $1
		AND (after->>'quote' LIKE '%1200人%' OR after->>'quote' LIKE '%390.1%')`, id); n != 1 {
		t.Error("the edit after the import did not see the new words")
	}
}

// one is the single value a query returns.
func one[T any](t *testing.T, pool interface {
	QueryRow(context.Context, string, ...any) pgx.Row
}, q string, args ...any) T {
	t.Helper()
	var v T
	if err := pool.QueryRow(context.Background(), q, args...).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// TestConfirmWaitsForAnImport confirms a re-anchored commitment while an
// import holds the document (here a transaction that takes its row lock and
// re-anchors the commitment again, as an import would): the confirmation
// waits, then confirms what the import left, so no flag the import wrote
// after reading it survives a confirmation recorded before.
func TestConfirmWaitsForAnImport(t *testing.T) {
	pool := pgtest.NewDB(t)
	ctx := context.Background()
	store := postgres.NewStore(pool)
	if _, err := store.ImportDocuments(ctx, policy.Actor{}, []postgres.ImportFile{parseFile(t, "corrected.txt", []byte(correctedSeed(t)))}); err != nil {
		t.Fatal(err)
	}
	id := one[[]int64](t, pool, `SELECT array_agg(id ORDER BY id) FROM commitments WHERE anchor_review = 'changed'`)[0]
	tx, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `SELECT FROM documents WHERE id = (SELECT document_id FROM commitments WHERE id = $1) FOR NO KEY UPDATE`, id); err != nil {
		t.Fatal(err)
	}
	behindLock(t, pool, tx, func() error {
		return store.ConfirmAnchor(ctx, policy.Actor{Name: "测试"}, id)
	}, func() {
		if _, err := tx.Exec(ctx, `UPDATE commitments SET previous_quote = '导入时读到的旧原文' WHERE id = $1`, id); err != nil {
			t.Fatal(err)
		}
	})
	if n := count(t, pool, `SELECT count(*) FROM audit_log WHERE action = 'commitment.anchor_confirm' AND subject_id = $1 AND detail->>'was' = '导入时读到的旧原文'`, id); n != 1 {
		t.Error("the confirmation did not wait for the import")
	}
	if n := count(t, pool, `SELECT count(*) FROM commitments WHERE id = $1 AND anchor_review IS NULL`, id); n != 1 {
		t.Error("still flagged")
	}
}
