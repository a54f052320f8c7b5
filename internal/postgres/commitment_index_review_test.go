package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/guizhou-portal/portal/internal/changes"
	"github.com/guizhou-portal/portal/internal/policy"
	"github.com/guizhou-portal/portal/internal/postgres"
	"github.com/guizhou-portal/portal/internal/postgres/pgtest"
	"github.com/jackc/pgx/v5/pgxpool"
)

// listeningIndex is the seeded database with its commitment index
// following the changes, as serve runs it, loaded.
func listeningIndex(t *testing.T) (*pgxpool.Pool, *postgres.Store, *changes.Marks) {
	t.Helper()
	pool := pgtest.NewDB(t)
	store := postgres.NewStore(pool)
	ctx, cancel := context.WithCancel(context.Background())
	marks := changes.NewMarks()
	done := make(chan struct{})
	go func() {
		changes.Listen(ctx, pool.Config().ConnConfig, pgtest.Logger(), store.CommitmentIndex(), marks)
		close(done)
	}()
	t.Cleanup(func() { cancel(); <-done })
	pgtest.WaitFor(t, 30*time.Second, "the commitment index to load", store.CommitmentIndexReady)
	return pool, store, marks
}

// exec runs a write and waits until the listener has heard it.
func exec(t *testing.T, pool *pgxpool.Pool, marks *changes.Marks, sql string) {
	t.Helper()
	if _, err := pool.Exec(context.Background(), sql); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	if err := marks.Wait(context.Background(), pool); err != nil {
		t.Fatal(err)
	}
}

// A whole load that fails (its connection killed, a statement timeout, a
// restart of PostgreSQL in the middle) is tried again: the index must not
// stay off until some unrelated write to documents' text or the units
// happens to reload it, while every list falls back to the SQL path, which
// takes more than the request timeout at 10,000 documents.
func TestCommitmentIndexLoadsAgainAfterAFailedLoad(t *testing.T) {
	pool, store, marks := listeningIndex(t)
	// The next load fails: the names of the themes cannot be read.
	exec(t, pool, marks, `ALTER TABLE themes RENAME COLUMN name_zh TO name_zh_away`)
	before := store.CommitmentIndexLoads()
	store.CommitmentIndex().Flush(true) // as when the listener connects again: anything may have changed
	pgtest.WaitFor(t, 30*time.Second, "the failing load to be tried again", func() bool { return store.CommitmentIndexLoads() >= before+2 })
	if store.CommitmentIndexReady() || !store.CommitmentIndexLoading() {
		t.Fatal("after a load that failed, the index answers, or does not try again")
	}
	// The cause is gone; writes go on as usual.
	exec(t, pool, marks, `ALTER TABLE themes RENAME COLUMN name_zh_away TO name_zh`)
	exec(t, pool, marks, `UPDATE commitments SET updated_at = now() WHERE id = (SELECT min(id) FROM commitments)`)
	pgtest.WaitFor(t, 20*time.Second, "the index to load again after a failed load", store.CommitmentIndexReady)
}

// A write to a unit that changes nothing the index holds (its contact
// address) must not reload the whole index: at 10,000 documents that took
// 10 to 25 s, during which /commitments answered 503 to everyone.
func TestCommitmentIndexKeepsAnsweringAfterAUnitsContactChanges(t *testing.T) {
	pool, store, marks := listeningIndex(t)
	before := store.CommitmentIndexLoads()
	exec(t, pool, marks, `UPDATE entities SET contact_email = 'office@example.gov.cn'
		WHERE id = (SELECT min(entity_id) FROM commitment_units WHERE role = 'lead')`)
	if after := store.CommitmentIndexLoads(); after != before {
		t.Errorf("changing a unit's contact address reloaded the whole index (%d loads asked for, then %d)", before, after)
	}
}

// One import is one transaction writing documents, sections, paragraphs
// and mentions: each table's notification asks for a whole load, and a
// load already under way is not stopped, so one import ran three full
// reads of every commitment at once (each 8 to 25 s at 10,000 documents).
func TestCommitmentIndexLoadsOnceForOneTransaction(t *testing.T) {
	pool, store, marks := listeningIndex(t)
	before := store.CommitmentIndexLoads()
	exec(t, pool, marks, `WITH a AS (UPDATE sections SET position = position WHERE false RETURNING 1),
		b AS (UPDATE paragraphs SET seq = seq WHERE false RETURNING 1)
		UPDATE mentions SET quote = quote WHERE false`)
	if n := store.CommitmentIndexLoads() - before; n > 1 {
		t.Errorf("one transaction asked for %d whole loads of the index", n)
	}
}

// The index learns of a write only when the listener gets to it, and the
// listener takes its notifications one at a time (each a query of 150 to
// 450 ms at 10,000 documents): on the bench copy, 30 saves just before an
// unpublish left the draft's commitments, quotes and all, on the public API
// for 5.5 s. The page of ids the index picks is read by id, and that read
// must still leave out what the viewer may not see: a draft's commitments,
// withdrawn ones. Here the index hears nothing after loading, as when the
// listener lags or stalls.
func TestCommitmentIndexPageNeverShowsTheStaleIndexsDrafts(t *testing.T) {
	pool, store := indexFixture(t)
	loadIndex(t, store)
	ctx := context.Background()
	var slug string
	if err := pool.QueryRow(ctx, `UPDATE documents SET published_at = NULL
		WHERE id = (SELECT min(document_id) FROM commitments WHERE withdrawn_at IS NULL AND document_id IN (SELECT id FROM documents WHERE published_at IS NOT NULL))
		RETURNING slug`).Scan(&slug); err != nil {
		t.Fatal(err)
	}
	list, err := store.Commitments(ctx, policy.CommitmentFilter{Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range list {
		if c.Document.Slug == slug {
			t.Fatalf("the public's list shows commitment %d of %s, a draft", c.ID, slug)
		}
	}
}
