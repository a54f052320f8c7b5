package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/guizhou-portal/portal/internal/config"
	"github.com/guizhou-portal/portal/internal/postgres/pgtest"
)

const seedFile = "../../testdata/000_ddc10b41889c9f4f.txt"

func TestImportDryRunPrintsTheParsedStructure(t *testing.T) {
	pool := pgtest.NewDB(t)
	cfg := config.Config{DatabaseURL: pool.Config().ConnString()}
	ctx := context.Background()
	var before, after int
	count := `SELECT (SELECT count(*) FROM documents) + (SELECT count(*) FROM paragraphs) + (SELECT count(*) FROM mentions)`
	if err := pool.QueryRow(ctx, count).Scan(&before); err != nil {
		t.Fatal(err)
	}
	var out, errs bytes.Buffer
	if err := importCommand(ctx, cfg, []string{"--dry-run", "--json", "--entities", seedFile}, &out, &errs); err != nil {
		t.Fatalf("%v\n%s", err, errs.String())
	}
	var files []struct {
		File     string
		Document struct {
			Title      string
			Meta       map[string]any
			Paragraphs []struct{ Role, Text string }
			Sections   []struct{ Children []any }
			Figures    []struct{ Quote string }
			Citations  []struct{ Title string }
			Candidates []struct{ Quote, Status string }
		}
		Mentions []struct{ Entity, Quote string }
	}
	if err := json.Unmarshal(out.Bytes(), &files); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	d := files[0].Document
	if len(files) != 1 || d.Meta["doc_number"] != "黔工信提复字〔2023〕4号" || len(d.Paragraphs) != 25 || len(d.Sections) != 7 ||
		len(d.Figures) != 22 || len(d.Citations) != 10 || len(d.Candidates) == 0 || len(files[0].Mentions) < 100 {
		t.Errorf("parsed %d files: %s, %d paragraphs, %d sections, %d figures, %d citations, %d candidates",
			len(files), d.Meta["doc_number"], len(d.Paragraphs), len(d.Sections), len(d.Figures), len(d.Citations), len(d.Candidates))
	}

	// Linking entities read the database and changed nothing in it.
	if err := pool.QueryRow(ctx, count).Scan(&after); err != nil || after != before {
		t.Errorf("rows before %d, after %d (%v)", before, after, err)
	}

	out.Reset()
	if err := importCommand(ctx, cfg, []string{"--dry-run", seedFile}, &out, &errs); err != nil || !strings.Contains(out.String(), "七、强化要素保障,优化营商环境  [s7,第20段]") {
		t.Errorf("summary (%v):\n%s", err, out.String())
	}
}

func TestImportRefusesUnreadableFilesWhole(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.txt")
	if err := os.WriteFile(bad, []byte("答复\n各位:\n一、甲\n三、丙\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errs bytes.Buffer
	err := importCommand(ctx, config.Config{}, []string{"--dry-run", "--json", seedFile, bad}, &out, &errs)
	if err == nil || out.Len() != 0 || !strings.Contains(errs.String(), bad+": 第4行:章节编号不连续") {
		t.Errorf("err %v, stdout %q, stderr %q", err, out.String(), errs.String())
	}
	// Saving is not there yet; the command says so rather than pretending.
	if err := importCommand(ctx, config.Config{}, []string{seedFile}, &out, &errs); err == nil || !strings.Contains(err.Error(), "--dry-run") {
		t.Errorf("without --dry-run: %v", err)
	}
	if err := importCommand(ctx, config.Config{}, []string{"--dry-run"}, &out, &errs); err == nil {
		t.Error("no file: no error")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("the dry run wrote %d files", len(entries)-1)
	}
}
