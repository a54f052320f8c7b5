package postgres_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/guizhou-portal/portal/internal/policy"
	"github.com/guizhou-portal/portal/internal/postgres"
	"github.com/guizhou-portal/portal/internal/postgres/pgtest"
)

// cnNumber writes 1 to 99 in Chinese numerals, as section and item labels do.
func cnNumber(n int) string {
	digits := []string{"", "一", "二", "三", "四", "五", "六", "七", "八", "九"}
	switch {
	case n < 10:
		return digits[n]
	case n < 20:
		return "十" + digits[n%10]
	default:
		return digits[n/10] + "十" + digits[n%10]
	}
}

// largeReply is a reply of sections × items sub-items, each with figures,
// a name the portal knows and a candidate commitment.
func largeReply(sections, items int) string {
	var b strings.Builder
	b.WriteString("发文字号:黔测复字〔2024〕900号\n关于一份很长的提案的答复\n贵州省政协:\n你们提出的《关于一份很长的提案》收悉。现答复如下:\n")
	for s := 1; s <= sections; s++ {
		fmt.Fprintf(&b, "%s、关于第%d方面的工作\n", cnNumber(s), s)
		for i := 1; i <= items; i++ {
			fmt.Fprintf(&b, "(%s)第%d项。铜仁市完成项目%d个,投入资金%d.5亿元,下一步将推动产能提升%d%%。\n", cnNumber(i), i, i, s, i)
		}
	}
	b.WriteString("贵州省某某厅\n二〇二四年三月五日\n")
	return b.String()
}

// TestImportTimingOfLargeReplies times the review and the save of large
// replies (183 KB and 520 KB, as in the review of the importer). It only
// runs with IMPORT_TIMING=1: it measures, it does not judge.
func TestImportTimingOfLargeReplies(t *testing.T) {
	if os.Getenv("IMPORT_TIMING") == "" {
		t.Skip("set IMPORT_TIMING=1 to time large imports")
	}
	for _, c := range []struct{ sections, items int }{{32, 55}, {91, 55}} {
		pool := pgtest.NewDB(t)
		ctx := context.Background()
		store := postgres.NewStore(pool)
		text := largeReply(c.sections, c.items)
		f := parseFile(t, "large.txt", []byte(text))
		start := time.Now()
		if _, err := store.PreviewImport(ctx, []postgres.ImportFile{f}); err != nil {
			t.Fatal(err)
		}
		review := time.Since(start)
		start = time.Now()
		if _, err := store.ImportDocuments(ctx, policy.Actor{}, []postgres.ImportFile{f}); err != nil {
			t.Fatal(err)
		}
		save := time.Since(start)
		again := parseFile(t, "large2.txt", []byte(strings.Replace(text, "现答复如下", "现将有关情况答复如下", 1)))
		start = time.Now()
		if _, err := store.ImportDocuments(ctx, policy.Actor{}, []postgres.ImportFile{again}); err != nil {
			t.Fatal(err)
		}
		resave := time.Since(start)
		t.Logf("%d KB (%d sections × %d items, %d paragraphs, %d figures): review %v, save %v, re-import %v",
			len(text)/1024, c.sections, c.items, len(f.Document.Paragraphs), len(f.Document.Figures), review.Round(time.Millisecond),
			save.Round(time.Millisecond), resave.Round(time.Millisecond))
	}
}

// countingTracer counts the statements a pool sends.
type countingTracer struct{ n atomic.Int64 }

func (c *countingTracer) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	c.n.Add(1)
	return ctx
}

func (c *countingTracer) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// TestImportStatementsDoNotGrowWithTheText imports a short and a long reply
// and counts the statements each sends: as many for both, because
// paragraphs, sections, figures and mentions are written in bulk (a row at
// a time, a 520 KB reply took 8 s to save and the upload timed out).
func TestImportStatementsDoNotGrowWithTheText(t *testing.T) {
	pool := pgtest.NewDB(t)
	ctx := context.Background()
	cfg := pool.Config()
	tracer := &countingTracer{}
	cfg.ConnConfig.Tracer = tracer
	traced, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer traced.Close()
	store := postgres.NewStore(traced)
	var counts []int64
	// The first adds the placeholder of the proposal they all answer.
	for i, size := range [][2]int{{1, 1}, {2, 3}, {12, 30}} {
		text := strings.Replace(largeReply(size[0], size[1]), "900号", strconv.Itoa(901+i)+"号", 1)
		f := parseFile(t, "large.txt", []byte(text))
		tracer.n.Store(0)
		if _, err := store.ImportDocuments(ctx, policy.Actor{}, []postgres.ImportFile{f}); err != nil {
			t.Fatal(err)
		}
		counts = append(counts, tracer.n.Load())
	}
	if counts[1] != counts[2] {
		t.Errorf("%d statements for a short reply, %d for a long one", counts[1], counts[2])
	}
}
