package postgres_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/guizhou-portal/portal/internal/policy"
	"github.com/guizhou-portal/portal/internal/postgres"
	"github.com/guizhou-portal/portal/internal/postgres/pgtest"
)

// waitForLock waits until some session of the test database waits on a lock.
func waitForLock(t *testing.T, pool *pgxpool.Pool, done <-chan struct{}) {
	t.Helper()
	for range 200 {
		select {
		case <-done:
			return
		default:
		}
		if count(t, pool, `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`) > 0 {
			return
		}
		time.Sleep(25 * time.Millisecond)
	}
	t.Fatal("nothing waited on a lock")
}

// behindLock runs do while tx holds a lock do needs: once do waits on it
// (or has finished), then, after beforeCommit where it is not nil, tx
// commits; the test fails if do failed.
func behindLock(t *testing.T, pool *pgxpool.Pool, tx pgx.Tx, do func() error, beforeCommit func()) {
	t.Helper()
	done := make(chan struct{})
	var err error
	go func() {
		defer close(done)
		err = do()
	}()
	waitForLock(t, pool, done)
	if beforeCommit != nil {
		beforeCommit()
	}
	if cerr := tx.Commit(context.Background()); cerr != nil {
		t.Fatal(cerr)
	}
	<-done
	if err != nil {
		t.Fatal(err)
	}
}

// spansHold counts the document's commitments whose quote is not the text at their place.
const spansBroken = `SELECT count(*) FROM commitments c JOIN paragraphs p ON p.id = c.paragraph_id
	WHERE c.document_id = (SELECT id FROM documents WHERE slug = $1) AND substr(p.text, c.start_offset + 1, c.end_offset - c.start_offset) <> c.quote`

// TestImportWaitsForACommitmentBeingCreated creates a commitment, holding the
// document's row lock as CreateCommitment does, while an import shifts its
// words: the import waits, then places the new commitment on the new text
// with the others (it used to miss it and leave it on the wrong words).
func TestImportWaitsForACommitmentBeingCreated(t *testing.T) {
	pool := pgtest.NewDB(t)
	ctx := context.Background()
	const quote = "按照国家新一轮找矿突破战略行动要求"
	tx, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	var cid int64
	err = tx.QueryRow(ctx, `
		WITH d AS (SELECT id FROM documents WHERE slug = $1 FOR NO KEY UPDATE)
		INSERT INTO commitments (document_id, section_id, paragraph_id, start_offset, end_offset, quote, position, title, kind, strength)
		SELECT d.id, x.id, p.id, strpos(p.text, $2) - 1, strpos(p.text, $2) - 1 + char_length($2), $2,
		       (SELECT max(position) + 1 FROM commitments), '测试', 'measure', 'definite'
		FROM d JOIN paragraphs p ON p.document_id = d.id AND strpos(p.text, $2) > 0
		JOIN sections x ON x.document_id = d.id AND x.anchor = 's1'
		RETURNING id`, replySlug, quote).Scan(&cid)
	if err != nil {
		t.Fatal(err)
	}
	text := seedWith(t, quote, "另外,"+quote)
	var res []postgres.ImportResult
	behindLock(t, pool, tx, func() (err error) {
		res, err = postgres.NewStore(pool).ImportDocuments(ctx, policy.Actor{}, []postgres.ImportFile{parseFile(t, "shifted.txt", []byte(text))})
		return err
	}, nil)
	if n := count(t, pool, spansBroken, replySlug); n != 0 {
		t.Errorf("%d commitments off their words", n)
	}
	if r := res[0]; r.Kept+len(r.Moved) != 52 || !slices.ContainsFunc(r.Moved, func(m postgres.MovedCommitment) bool { return m.ID == cid }) {
		t.Errorf("result %+v", r)
	}
}

// TestCommitmentWaitsForAnImport creates a commitment while an import, which
// holds the document's row lock, shifts the words it quotes: the creation
// waits and pins the quote where it stands in the new text.
func TestCommitmentWaitsForAnImport(t *testing.T) {
	pool := pgtest.NewDB(t)
	ctx := context.Background()
	const quote = "按照国家新一轮找矿突破战略行动要求"
	var seq int
	if err := pool.QueryRow(ctx, `SELECT seq FROM paragraphs WHERE strpos(text, $1) = 1`, quote).Scan(&seq); err != nil {
		t.Fatal(err)
	}
	tx, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	for _, q := range []string{
		`SELECT FROM documents WHERE slug = $1 AND $2::int IS NOT NULL FOR NO KEY UPDATE`,
		`UPDATE paragraphs SET text = '另外,' || text WHERE seq = $2 AND document_id = (SELECT id FROM documents WHERE slug = $1)`,
		`UPDATE documents SET title = title WHERE slug = $1 AND $2::int IS NOT NULL`,
	} {
		if _, err := tx.Exec(ctx, q, replySlug, seq); err != nil {
			t.Fatal(err)
		}
	}
	var cid int64
	behindLock(t, pool, tx, func() (err error) {
		cid, err = postgres.NewStore(pool).CreateCommitment(ctx, policy.Actor{Name: "测试"}, policy.NewCommitment{DocumentSlug: replySlug,
			ParagraphSeq: seq, Quote: quote, Title: "测试", Kind: "measure", Strength: "definite", Status: "planned"})
		return err
	}, nil)
	// (The test moved the text under the others without moving them.)
	if n := count(t, pool, spansBroken+` AND c.id = $2`, replySlug, cid); n != 0 {
		t.Error("the new commitment is off its words")
	}
}
