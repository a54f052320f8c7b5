package postgres_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/guizhou-portal/portal/internal/postgres"
	"github.com/guizhou-portal/portal/internal/postgres/pgtest"
)

// oldCommitmentEntities is commitment_entities as the view of 00005 computed
// it, written out here independently of the table 00025 keeps.
const oldCommitmentEntities = `
	SELECT c.id, m.entity_id, c.position, c.document_id, c.withdrawn_at IS NULL FROM commitments c
	JOIN mentions m ON m.paragraph_id = c.paragraph_id AND m.start_offset >= c.start_offset AND m.end_offset <= c.end_offset
	UNION
	SELECT u.commitment_id, u.entity_id, c.position, c.document_id, c.withdrawn_at IS NULL
	FROM commitment_units u JOIN commitments c ON c.id = u.commitment_id`

// sameCommitmentEntities fails the test unless the table holds exactly the
// rows the old view's SQL gives.
func sameCommitmentEntities(t *testing.T, pool *pgxpool.Pool, after string) {
	t.Helper()
	var missing, extra, total int
	err := pool.QueryRow(context.Background(), `SELECT
		(SELECT count(*) FROM ((`+oldCommitmentEntities+`) EXCEPT SELECT commitment_id, entity_id, position, document_id, live FROM commitment_entities) x),
		(SELECT count(*) FROM (SELECT commitment_id, entity_id, position, document_id, live FROM commitment_entities EXCEPT (`+oldCommitmentEntities+`)) x),
		(SELECT count(*) FROM commitment_entities)`).Scan(&missing, &extra, &total)
	if err != nil {
		t.Fatalf("%s: %v", after, err)
	}
	if missing != 0 || extra != 0 || total == 0 {
		t.Errorf("after %s: commitment_entities lacks %d rows and has %d too many of %d", after, missing, extra, total)
	}
}

// The table follows every kind of write to the three tables it is made of:
// units added, moved and removed; mentions added, moved and removed; a
// commitment's words moved; commitments withdrawn, added and deleted.
func TestCommitmentEntitiesFollowEveryWrite(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.NewDB(t)
	sameCommitmentEntities(t, pool, "migrating")
	steps := []struct{ what, sql string }{
		{"adding a unit", `INSERT INTO commitment_units (commitment_id, entity_id, role)
			SELECT c.id, (SELECT id FROM entities WHERE slug = 'catl'), 'support' FROM commitments c
			WHERE NOT EXISTS (SELECT 1 FROM commitment_units u WHERE u.commitment_id = c.id
			                  AND u.entity_id = (SELECT id FROM entities WHERE slug = 'catl'))
			ORDER BY c.id LIMIT 3`},
		{"moving a unit to another entity", `UPDATE commitment_units SET entity_id = (SELECT id FROM entities WHERE slug = 'byd')
			WHERE (commitment_id, entity_id) = (SELECT commitment_id, entity_id FROM commitment_units u
			    WHERE NOT EXISTS (SELECT 1 FROM commitment_units b WHERE b.commitment_id = u.commitment_id
			                      AND b.entity_id = (SELECT id FROM entities WHERE slug = 'byd'))
			    ORDER BY commitment_id DESC LIMIT 1)`},
		{"removing units", `DELETE FROM commitment_units WHERE commitment_id IN (SELECT min(commitment_id) FROM commitment_units)`},
		{"removing mentions inside commitments", `DELETE FROM mentions WHERE id IN (SELECT m.id FROM mentions m JOIN commitments c
			ON c.paragraph_id = m.paragraph_id AND m.start_offset >= c.start_offset AND m.end_offset <= c.end_offset
			ORDER BY m.id LIMIT 5)`},
		{"naming another entity in a mention", `UPDATE mentions SET entity_id = (SELECT id FROM entities WHERE slug = 'guizhou')
			WHERE id = (SELECT m.id FROM mentions m JOIN commitments c
			    ON c.paragraph_id = m.paragraph_id AND m.start_offset >= c.start_offset AND m.end_offset <= c.end_offset
			    JOIN entities e ON e.id = m.entity_id WHERE e.slug <> 'guizhou' ORDER BY m.id DESC LIMIT 1)`},
		{"adding a mention inside a commitment", `INSERT INTO mentions (entity_id, paragraph_id, start_offset, end_offset, quote)
			SELECT (SELECT id FROM entities WHERE slug = 'lithium'), c.paragraph_id, c.start_offset, c.start_offset + 1,
			       substr(p.text, c.start_offset + 1, 1)
			FROM commitments c JOIN paragraphs p ON p.id = c.paragraph_id
			WHERE NOT EXISTS (SELECT 1 FROM mentions m WHERE m.paragraph_id = c.paragraph_id
			                  AND m.start_offset < c.start_offset + 1 AND m.end_offset > c.start_offset)
			ORDER BY c.id LIMIT 1`},
		{"moving a commitment's words to the whole paragraph", `UPDATE commitments c SET start_offset = 0, end_offset = char_length(p.text), quote = p.text
			FROM paragraphs p WHERE p.id = c.paragraph_id
			  AND c.id = (SELECT c2.id FROM commitments c2 WHERE c2.parent_id IS NULL
			              AND NOT EXISTS (SELECT 1 FROM commitments o WHERE o.paragraph_id = c2.paragraph_id AND o.id <> c2.id)
			              ORDER BY c2.id LIMIT 1)`},
		{"a change that leaves the words where they are", `UPDATE commitments SET status = 'planned' WHERE id IN (SELECT id FROM commitments ORDER BY id LIMIT 5)`},
		{"withdrawing commitments", `UPDATE commitments SET withdrawn_at = now(), withdrawn_reason = '测试'
			WHERE id IN (SELECT commitment_id FROM commitment_entities ORDER BY commitment_id DESC LIMIT 2)`},
		{"adding a commitment on words with mentions", `INSERT INTO commitments (document_id, section_id, paragraph_id, start_offset, end_offset, quote, position, title, kind, strength)
			SELECT c.document_id, c.section_id, c.paragraph_id, c.start_offset, c.end_offset, c.quote, 100000, '重复的承诺', c.kind, c.strength
			FROM commitments c WHERE EXISTS (SELECT 1 FROM mentions m WHERE m.paragraph_id = c.paragraph_id
			    AND m.start_offset >= c.start_offset AND m.end_offset <= c.end_offset)
			ORDER BY c.id LIMIT 1`},
		{"deleting that commitment", `DELETE FROM commitments WHERE position = 100000`},
	}
	for _, s := range steps {
		tag, err := pool.Exec(ctx, s.sql)
		if err != nil {
			t.Fatalf("%s: %v", s.what, err)
		}
		if tag.RowsAffected() == 0 {
			t.Fatalf("%s changed nothing: the step tests nothing", s.what)
		}
		sameCommitmentEntities(t, pool, s.what)
	}
}

// A commitment's related commitments are the ones sharing most entities,
// then by position, as the query before the table ranked them (ties of both
// are in no set order, so the test compares what is shared and the
// positions, rank by rank).
func TestRelatedCommitmentsRankAsBeforeTheTable(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.NewDB(t)
	store := postgres.NewStore(pool)
	// Another entity shared by some commitments, so that more than one
	// number of shared entities occurs.
	if _, err := pool.Exec(ctx, `INSERT INTO commitment_units (commitment_id, entity_id, role)
		SELECT c.id, (SELECT id FROM entities WHERE slug = 'catl'), 'support' FROM commitments c
		WHERE c.id % 3 = 0 ON CONFLICT DO NOTHING`); err != nil {
		t.Fatal(err)
	}
	ids, err := pgx.CollectRows(mustRows(pool.Query(ctx, `SELECT id FROM commitments ORDER BY id`)), pgx.RowTo[int64])
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, id := range ids {
		type ranked struct{ shared, position int }
		rows := mustRows(pool.Query(ctx, `
			WITH mine AS (SELECT entity_id FROM (`+oldCommitmentEntities+`) ce (commitment_id, entity_id, position, document_id, live) WHERE commitment_id = $1)
			SELECT o.id, count(DISTINCT ce.entity_id)::int, o.position
			FROM (`+oldCommitmentEntities+`) ce (commitment_id, entity_id, position, document_id, live)
			JOIN commitments o ON o.id = ce.commitment_id
			WHERE ce.entity_id IN (SELECT entity_id FROM mine) AND o.id <> $1 AND o.withdrawn_at IS NULL
			  AND o.document_id IN (SELECT d.id FROM documents d WHERE d.published_at IS NOT NULL)
			GROUP BY o.id, o.position ORDER BY 2 DESC, 3`, id))
		want := map[int64]ranked{}
		var order []ranked
		var oid int64
		var r ranked
		if _, err := pgx.ForEachRow(rows, []any{&oid, &r.shared, &r.position}, func() error {
			want[oid] = r
			order = append(order, r)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		c, err := store.Commitment(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if len(c.Related) != min(8, len(order)) {
			t.Fatalf("commitment %d: %d related, want %d", id, len(c.Related), min(8, len(order)))
		}
		for i, o := range c.Related {
			got, ok := want[o.ID]
			if !ok || got != order[i] {
				t.Errorf("commitment %d, rank %d: %d (%+v), want %+v", id, i+1, o.ID, got, order[i])
			}
		}
		if len(order) > 8 {
			checked++
		}
	}
	if checked == 0 {
		t.Fatal("no commitment has more than 8 related: the ranking is not tested")
	}
}

func mustRows(rows pgx.Rows, err error) pgx.Rows {
	if err != nil {
		panic(err)
	}
	return rows
}
