package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
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
	if err := importCommand(ctx, config.Config{}, []string{"--dry-run"}, &out, &errs); err == nil {
		t.Error("no file: no error")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("the dry run wrote %d files", len(entries)-1)
	}
}

// TestImportSavesAllFilesOrNone saves over the real database: a file that
// cannot be parsed stops the whole import, naming its line; then the seed's
// page updates the seeded reply, in the name of the account given with --as.
func TestImportSavesAllFilesOrNone(t *testing.T) {
	pool := pgtest.NewDB(t)
	cfg := config.Config{DatabaseURL: pool.Config().ConnString()}
	ctx := context.Background()
	dir := t.TempDir()
	good := filepath.Join(dir, "good.txt")
	bad := filepath.Join(dir, "bad.txt")
	os.WriteFile(good, []byte("关于某提案的答复\n某委员会:\n你们的提案收悉。\n一、第一件事\n已完成5个项目。\n某某厅\n2024年1月2日\n"), 0o644)
	os.WriteFile(bad, []byte("答复\n各位:\n一、甲\n三、丙\n"), 0o644)
	rows := func() int {
		var n int
		pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM documents) + (SELECT count(*) FROM paragraphs) + (SELECT count(*) FROM audit_log)`).Scan(&n)
		return n
	}
	before := rows()
	var out, errs bytes.Buffer
	err := importCommand(ctx, cfg, []string{good, bad}, &out, &errs)
	if err == nil || !strings.Contains(errs.String(), bad+": 第4行:章节编号不连续") || rows() != before {
		t.Errorf("err %v, stderr %q, rows %d → %d", err, errs.String(), before, rows())
	}

	if err := importCommand(ctx, cfg, []string{"--as", "nobody@example.gov.cn", seedFile}, &out, &errs); err == nil || rows() != before {
		t.Errorf("--as an unknown account: %v", err)
	}
	pool.Exec(ctx, `INSERT INTO users (email, name, role, password_hash) VALUES ('ed@example.gov.cn', '编辑甲', 'editor', '$argon2id$x')`)
	out.Reset()
	if err := importCommand(ctx, cfg, []string{"--as", "ed@example.gov.cn", seedFile, good}, &out, &errs); err != nil {
		t.Fatalf("%v\n%s", err, errs.String())
	}
	for _, want := range []string{seedFile + ": 更新(按文号匹配) /documents/qgxtfz-2023-4", "已有承诺 51 条原位保留,0 条随原文移动;内容与门户中的完全相同,未写入任何内容",
		good + ": 新建 /documents/reply-20240102 关于某提案的答复"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	var n int
	pool.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE subject_type = 'document' AND actor_name = '编辑甲' AND actor_id IS NOT NULL`).Scan(&n)
	if n != 1 { // the seed's page changes nothing, so it writes no audit record
		t.Errorf("%d audit records in the editor's name", n)
	}
}

// TestImportCommandLine: --json prints only a dry run's structure, so with a
// save it is a usage error rather than silently ignored; a file over the
// importer's cap is refused without being read whole (here a sparse file of
// 256 MB, which reading would have to allocate); the usage text documents
// saving as well as the dry run.
func TestImportCommandLine(t *testing.T) {
	ctx := context.Background()
	var out, errs bytes.Buffer
	err := importCommand(ctx, config.Config{DatabaseURL: "postgres://nobody@127.0.0.1:1/none"}, []string{"--json", seedFile}, &out, &errs)
	if err == nil || !strings.Contains(err.Error(), "--json") || out.Len() != 0 {
		t.Errorf("--json without --dry-run: %v, stdout %q", err, out.String())
	}

	huge := filepath.Join(t.TempDir(), "huge.txt")
	f, err := os.Create(huge)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(256 << 20); err != nil {
		t.Fatal(err)
	}
	f.Close()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	err = importCommand(ctx, config.Config{}, []string{"--dry-run", huge}, &out, &errs)
	runtime.ReadMemStats(&after)
	if err == nil || !strings.Contains(errs.String(), huge+": 第1行:文件太大") {
		t.Errorf("a huge file: %v, stderr %q", err, errs.String())
	}
	if read := after.TotalAlloc - before.TotalAlloc; read > 32<<20 {
		t.Errorf("refusing a huge file allocated %d MB", read>>20)
	}

	err = importCommand(ctx, config.Config{}, []string{"--dry-run", "--publish", seedFile}, &out, &errs)
	if err == nil || !strings.Contains(err.Error(), "--publish") {
		t.Errorf("--publish with --dry-run: %v", err)
	}

	for _, want := range []string{"portal import [--as EMAIL] [--publish] [--title TITLE] FILE...", "portal import --dry-run [--json] [--entities] FILE...",
		"A new document is a\ndraft"} {
		if !strings.Contains(usage, want) {
			t.Errorf("usage lacks %q", want)
		}
	}
}

// TestImportSavesDraftsUnlessPublish: portal import saves a new reply as a
// draft, which the public does not see; --publish publishes it, here on an
// import of the same text again, in the same transaction and with its audit
// record.
func TestImportSavesDraftsUnlessPublish(t *testing.T) {
	pool := pgtest.NewDB(t)
	cfg := config.Config{DatabaseURL: pool.Config().ConnString()}
	ctx := context.Background()
	reply := filepath.Join(t.TempDir(), "reply.txt")
	os.WriteFile(reply, []byte("关于某提案的答复\n某委员会:\n你们的提案收悉。\n一、第一件事\n已完成5个项目。\n某某厅\n2024年1月2日\n"), 0o644)
	published := func() (bool, int) {
		var p bool
		var audits int
		if err := pool.QueryRow(ctx, `SELECT d.published_at IS NOT NULL,
			(SELECT count(*) FROM audit_log a WHERE a.subject_id = d.id AND a.action = 'document.publish')
			FROM documents d WHERE d.slug = 'reply-20240102'`).Scan(&p, &audits); err != nil {
			t.Fatal(err)
		}
		return p, audits
	}
	var out, errs bytes.Buffer
	if err := importCommand(ctx, cfg, []string{reply}, &out, &errs); err != nil {
		t.Fatalf("%v\n%s", err, errs.String())
	}
	if p, _ := published(); p || !strings.Contains(out.String(), "草稿,尚未发布") {
		t.Errorf("import: published %v\n%s", p, out.String())
	}
	out.Reset()
	if err := importCommand(ctx, cfg, []string{"--publish", reply}, &out, &errs); err != nil {
		t.Fatalf("%v\n%s", err, errs.String())
	}
	if p, audits := published(); !p || audits != 1 || !strings.Contains(out.String(), "已发布") {
		t.Errorf("import --publish: published %v, %d audit records\n%s", p, audits, out.String())
	}
}
