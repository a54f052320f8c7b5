package postgres

import (
	"context"
	"regexp"
	"strconv"
	"testing"
	"unicode/utf8"

	"github.com/guizhou-portal/portal/internal/policy"
)

// FuzzSearchSQL: whatever is typed, it reaches PostgreSQL only as arguments.
// The SQL text of a query depends on nothing but its shape (how many terms,
// which are short enough for the index alone), so it equals the SQL of a
// query of harmless terms with that shape, and every placeholder has its
// argument.
func FuzzSearchSQL(f *testing.F) {
	for _, s := range []string{"锂", "锂矿 提取", "新能源电池及材料", "' OR 1=1--", "'); DROP TABLE paragraphs;--", "$1 $2::text",
		"%s %d %[1]s", "<script>alert(1)</script>", "２０２５ c级", "a b c d e f g h", "\\x00", "ﬁ ǅ", "%%"} {
		f.Add(s, 10, 0)
	}
	placeholder := regexp.MustCompile(`\$(\d+)`)
	f.Fuzz(func(t *testing.T, raw string, limit, offset int) {
		q, err := policy.ParseSearch(raw)
		if err != nil || q.Empty() {
			return
		}
		limit, offset = max(1, limit%1000), max(0, offset%100000)
		shape := policy.SearchQuery{Text: raw}
		for i, term := range q.Terms {
			folded := policy.FoldSearch(term)
			switch n := utf8.RuneCountInString(folded); {
			case n == 0:
				return // matches nothing; see searchWhere
			case n <= 2:
				shape.Terms = append(shape.Terms, "甲"+strconv.Itoa(i%10))
			default:
				shape.Terms = append(shape.Terms, "甲乙丙"+strconv.Itoa(i))
			}
		}
		for _, kind := range policy.SearchKinds {
			sql, args := searchSQL(context.Background(), kind, q, limit, offset)
			want, _ := searchSQL(context.Background(), kind, shape, limit, offset)
			if sql != want {
				t.Fatalf("%s search for %q: the SQL depends on the text typed:\n%s", kind, raw, sql)
			}
			for _, m := range placeholder.FindAllStringSubmatch(sql, -1) {
				if n, _ := strconv.Atoi(m[1]); n < 1 || n > len(args) {
					t.Fatalf("%s search for %q: $%d with %d arguments", kind, raw, n, len(args))
				}
			}
			if _, ok := searchTables[kind]; ok {
				csql, cargs := searchCountSQL(context.Background(), kind, q)
				cwant, _ := searchCountSQL(context.Background(), kind, shape)
				if csql != cwant || len(cargs) == 0 {
					t.Fatalf("%s count for %q:\n%s", kind, raw, csql)
				}
			}
		}
	})
}
