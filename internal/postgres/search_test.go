package postgres_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/guizhou-portal/portal/internal/demo"
	"github.com/guizhou-portal/portal/internal/policy"
	"github.com/guizhou-portal/portal/internal/postgres"
	"github.com/guizhou-portal/portal/internal/postgres/pgtest"
)

func search(t *testing.T, store *postgres.Store, raw string) policy.SearchResults {
	t.Helper()
	q, err := policy.ParseSearch(raw)
	if err != nil {
		t.Fatalf("ParseSearch(%q): %v", raw, err)
	}
	res, err := store.Search(context.Background(), q, 50)
	if err != nil {
		t.Fatalf("Search(%q): %v", raw, err)
	}
	return res
}

func group(res policy.SearchResults, kind policy.SearchKind) policy.SearchGroup {
	for _, g := range res.Groups {
		if g.Kind == kind {
			return g
		}
	}
	return policy.SearchGroup{Kind: kind}
}

// paragraphSeqs lists the paragraph numbers found, in ranked order.
func paragraphSeqs(res policy.SearchResults) string {
	var seqs []string
	for _, h := range group(res, policy.HitParagraph).Hits {
		seqs = append(seqs, strconv.Itoa(h.Seq))
	}
	return strings.Join(seqs, ",")
}

// The expected paragraphs were read off the reply by hand; the numbers are the
// paragraph anchors (#p14) of its page.
func TestSearchFindsEveryQueryClassInTheReply(t *testing.T) {
	store := postgres.NewStore(pgtest.NewDB(t))
	cases := []struct {
		class, query, paragraphs string
	}{
		{"one character", "锂", "2,6,8,11,12,14"},
		{"one character", "磷", "2,4,8,10,11,18"},
		{"two characters", "锂矿", "11"},
		{"two characters", "电池", "2,4,5,6,8,10,12,14,18,21"},
		{"long phrase", "新能源电池及材料", "2,4,5,8,14,18,21"},
		{"long phrase", "黏土型锂矿提取技术", "11"},
		{"number", "388.7", "14"},
		{"number", "2025", "8"},
		{"full-width number", "２０２５", "8"},
		{"letters in either case", "c级", "16"},
		{"phone number", "0851-86811206", "25"},
		{"several terms", "宁德时代 比亚迪", "14,18"},
		{"several terms, all required", "宁德时代 铜仁", ""},
		{"absent", "石墨", ""},
		{"absent", "氢能源", ""},
		{"absent long phrase", "新能源电池及材料产业联盟", ""},
		{"markup is text", "<script>alert(1)</script>", ""},
		{"SQL is text", "锂'; DROP TABLE paragraphs; --", ""},
	}
	for _, c := range cases {
		res := search(t, store, c.query)
		if got := paragraphSeqs(res); got != c.paragraphs {
			t.Errorf("%s %q: paragraphs %s, want %s", c.class, c.query, got, c.paragraphs)
		}
		if g := group(res, policy.HitParagraph); g.Total != len(g.Hits) {
			t.Errorf("%q: total %d but %d hits under the limit", c.query, g.Total, len(g.Hits))
		}
	}
}

func TestSearchFindsCommitmentsEntitiesAndDocuments(t *testing.T) {
	store := postgres.NewStore(pgtest.NewDB(t))
	names := func(res policy.SearchResults, kind policy.SearchKind) []string {
		var out []string
		for _, h := range group(res, kind).Hits {
			switch kind {
			case policy.HitEntity:
				out = append(out, h.Entity.Name)
			case policy.HitDocument:
				out = append(out, h.Document.Title)
			default:
				out = append(out, h.Title)
			}
		}
		return out
	}

	// 文号, in part and in full.
	for _, q := range []string{"黔工信提复字", "黔工信提复字〔2023〕4号"} {
		if got := names(search(t, store, q), policy.HitDocument); !slices.Equal(got, []string{"省工业和信息化厅关于省政协十三届一次会议第1019号提案的答复"}) {
			t.Errorf("%s: documents %q", q, got)
		}
	}
	if got := names(search(t, store, "2025"), policy.HitDocument); !slices.Contains(got, "2022-2025年找矿实施方案") {
		t.Errorf("2025: documents %q, want the 2022-2025 programme", got)
	}
	// Entities by name, full name and alias; the exact name first.
	if got := names(search(t, store, "铜仁"), policy.HitEntity); len(got) < 2 || got[0] != "铜仁" || !slices.Contains(got, "铜仁新能源电池及材料产业聚集区") {
		t.Errorf("铜仁: entities %q, want 铜仁 first, then its cluster", got)
	}
	if got := names(search(t, store, "锂电池"), policy.HitEntity); !slices.Equal(got, []string{"锂离子电池"}) {
		t.Errorf("锂电池 (an alias): entities %q", got)
	}
	if got := names(search(t, store, "中国农工民主党"), policy.HitEntity); !slices.Equal(got, []string{"农工党贵州省委员会"}) {
		t.Errorf("a full name: entities %q", got)
	}
	// Commitments by title or quote; those with the words in the title first.
	res := search(t, store, "黏土型锂矿")
	if got := names(res, policy.HitCommitment); len(got) != 1 {
		t.Errorf("黏土型锂矿: commitments %q, want the one on extraction technology", got)
	}
	for _, h := range group(search(t, store, "锂"), policy.HitCommitment).Hits {
		if !strings.Contains(h.Title+h.Text, "锂") {
			t.Errorf("commitment %q does not contain 锂", h.Title)
		}
	}
	if g := group(search(t, store, "石墨"), policy.HitCommitment); g.Total != 0 {
		t.Errorf("石墨: %d commitments", g.Total)
	}
}

func TestSearchRanksTheExactPhraseBeforeScatteredTerms(t *testing.T) {
	store := postgres.NewStore(pgtest.NewDB(t))
	// Only paragraph 18 has 新能源材料 as one phrase (省级新能源材料制造业创新中心);
	// the others have 新能源 and 材料 apart, and follow in reading order.
	res := search(t, store, "新能源 材料")
	if got, want := paragraphSeqs(res), "18,2,4,5,6,8,10,12,14,21"; got != want {
		t.Errorf("新能源 材料: paragraphs %s, want %s", got, want)
	}
	hits := group(res, policy.HitParagraph).Hits
	if !hits[0].Phrase || hits[1].Phrase {
		t.Errorf("phrase flags %v, %v; want the first only", hits[0].Phrase, hits[1].Phrase)
	}
}

// On a table large enough for the planner to prefer it, the index is used; and a
// frequent term, whose page is found by walking the documents in rank order,
// gets exactly the hits and order that ranking them all would give.
func TestSearchUsesTheIndexOnALargeTable(t *testing.T) {
	if testing.Short() {
		t.Skip("fills a database with synthetic replies")
	}
	ctx := context.Background()
	pool := pgtest.NewDB(t)
	store := postgres.NewStore(pool)
	if err := demo.Fill(ctx, store, 60, 1, nil); err != nil {
		t.Fatal(err)
	}
	for _, raw := range []string{"锂", "锂矿", "新能源电池及材料", "宁德时代 比亚迪"} {
		q, _ := policy.ParseSearch(raw)
		plan, err := store.ExplainSearch(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		// The grams are looked up in the index, never computed row by row.
		if !strings.Contains(plan, "Bitmap Index Scan on paragraphs_search_idx") || strings.Contains(plan, "Filter: (search_grams") {
			t.Errorf("%s: the plan does not use paragraphs_search_idx:\n%s", raw, plan)
		}
	}

	oracle := map[policy.SearchKind]string{
		policy.HitParagraph: `SELECT d.slug || '#' || p.seq, count(*) OVER () FROM paragraphs p JOIN documents d ON d.id = p.document_id
			WHERE strpos(p.text, $1) > 0 ORDER BY d.synthetic, d.signed_on DESC NULLS LAST, d.id, p.seq LIMIT $2 OFFSET $3`,
		policy.HitCommitment: `SELECT d.slug || '#' || c.id, count(*) OVER () FROM commitments c JOIN documents d ON d.id = c.document_id
			WHERE strpos(c.title || ' ' || c.quote, $1) > 0
			ORDER BY d.synthetic, d.signed_on DESC NULLS LAST, d.id, strpos(c.title, $1) > 0 DESC, c.position LIMIT $2 OFFSET $3`,
	}
	for _, term := range []string{"电池", "锂", "新能源电池及材料", "锂矿"} {
		q, _ := policy.ParseSearch(term)
		for kind, sql := range oracle {
			for _, offset := range []int{0, 30} {
				res, err := store.SearchKind(ctx, q, kind, 30, offset)
				if err != nil {
					t.Fatal(err)
				}
				g := res.Groups[0]
				var got []string
				for _, h := range g.Hits {
					if kind == policy.HitParagraph {
						got = append(got, h.Document.Slug+"#"+strconv.Itoa(h.Seq))
					} else {
						got = append(got, h.Document.Slug+"#"+strconv.FormatInt(h.ID, 10))
					}
				}
				rows, err := pool.Query(ctx, sql, term, 30, offset)
				if err != nil {
					t.Fatal(err)
				}
				var want []string
				total := 0
				for rows.Next() {
					var k string
					if err := rows.Scan(&k, &total); err != nil {
						t.Fatal(err)
					}
					want = append(want, k)
				}
				if rows.Err() != nil {
					t.Fatal(rows.Err())
				}
				if !slices.Equal(got, want) || (len(want) > 0 && g.Total != total) {
					t.Errorf("%s %s from %d: total %d, hits %v;\nwant total %d, %v", term, kind, offset, g.Total, got, total, want)
				}
			}
		}
	}
}
