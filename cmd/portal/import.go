package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/guizhou-portal/portal/internal/config"
	"github.com/guizhou-portal/portal/internal/importer"
	"github.com/guizhou-portal/portal/internal/policy"
	"github.com/guizhou-portal/portal/internal/postgres"
)

// parsedFile is one file's result as import --json prints it.
type parsedFile struct {
	File     string             `json:"file"`
	Document *importer.Document `json:"document"`
	Mentions []importer.Mention `json:"mentions,omitempty"` // with --entities
}

// importCommand reads published replies. With --dry-run it parses every file,
// prints the result (--json: as JSON, which needs --dry-run) and writes nothing. Without it, it saves them all in one
// transaction: each file becomes a new document or updates the one it
// matches (by 文号, else 索引号, else title), with an audit record each; if any
// file cannot be parsed or saved, every problem is reported with its file
// (and line) and nothing is saved. A new document is saved as a draft;
// --publish publishes every file's document in the same transaction. The
// audit log names the account given with --as, or 命令行. A file whose text
// has no title (the page was copied from the salutation on) is refused
// unless it is the only FILE and --title gives its title.
//
// With --entities a dry run also links the entities the database knows
// (reading their aliases from DATABASE_URL, and nothing else); saving always does.
func importCommand(ctx context.Context, cfg config.Config, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dryRun := fs.Bool("dry-run", false, "parse and print, write nothing")
	asJSON := fs.Bool("json", false, "print the parsed structure as JSON")
	entities := fs.Bool("entities", false, "link the entities the database at DATABASE_URL knows (reads only)")
	as := fs.String("as", "", "the email of the staff account the audit log names (default: 命令行)")
	publish := fs.Bool("publish", false, "publish the documents at once (default: new documents are drafts)")
	title := fs.String("title", "", "the title of a reply whose text has none (one FILE only)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usageError("import needs at least one FILE")
	}
	if *publish && *dryRun {
		return usageError("import --publish publishes what it saves, and --dry-run saves nothing: leave out one of them")
	}
	if *asJSON && !*dryRun {
		return usageError("import --json prints a dry run's structure: add --dry-run, or leave out --json to save")
	}
	if *title != "" && fs.NArg() != 1 {
		return usageError("import --title titles one file: give one FILE with it")
	}
	var parsed []parsedFile
	var failed int
	for _, name := range fs.Args() {
		src, err := readImportFile(name)
		if err == nil {
			var d *importer.Document
			// A page copied from the salutation on has no title: it is
			// read, and saved only with the title --title gives it.
			d, err = importer.ReadTitled(src, *title)
			if err == nil && d.Untitled() {
				err = fmt.Errorf("%w; give it one with --title \"…\"", untitledError(src))
			}
			parsed = append(parsed, parsedFile{File: name, Document: d})
		}
		if err != nil {
			failed++
			fmt.Fprintf(stderr, "%s: %v\n", name, err)
		}
	}
	if failed > 0 {
		return fmt.Errorf("import: %d of %d files cannot be read; nothing was imported", failed, len(fs.Args()))
	}
	if !*dryRun {
		return saveImport(ctx, cfg, *as, *publish, parsed, stdout, stderr)
	}
	if *entities {
		if err := linkEntities(ctx, cfg, parsed); err != nil {
			return err
		}
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(parsed)
	}
	for _, p := range parsed {
		printSummary(stdout, p)
	}
	return nil
}

// readImportFile reads a file to import, but no more of it than the importer
// accepts and one byte, for Parse to refuse as too large: a huge file or an
// endless pipe is not read whole.
func readImportFile(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, importer.MaxFileBytes+1))
}

// printSummary shows a parsed file the way a reviewer reads it.
func printSummary(w io.Writer, p parsedFile) {
	d := p.Document
	fmt.Fprintf(w, "%s\n  标题:%s\n", p.File, d.Title)
	for _, f := range []struct{ label, value string }{
		{"文号", d.Meta.DocNumber}, {"索引号", d.Meta.IndexNumber}, {"称呼", d.Addressee}, {"落款", d.Meta.SigningBody},
		{"日期", d.Meta.SignedOn}, {"公开", d.Meta.Disclosure}, {"联系人", strings.TrimSpace(d.Meta.ContactPerson + " " + d.Meta.ContactPhone)},
		{"抄送", strings.Join(d.Meta.CC, "、")},
	} {
		if f.value != "" {
			fmt.Fprintf(w, "  %s:%s\n", f.label, f.value)
		}
	}
	fmt.Fprintf(w, "  %d 段,%d 处数字,%d 处引用文件,%d 条候选承诺(待审核)\n",
		len(d.Paragraphs), len(d.Figures), len(d.Citations), len(d.Candidates))
	if len(p.Mentions) > 0 {
		seen := map[string]bool{}
		for _, m := range p.Mentions {
			seen[m.Entity] = true
		}
		fmt.Fprintf(w, "  %d 处提及已知主体,共 %d 个主体\n", len(p.Mentions), len(seen))
	}
	var tree func([]*importer.Section, string)
	tree = func(ss []*importer.Section, indent string) {
		for _, s := range ss {
			label := s.Label
			if s.Kind == "section" {
				label += "、"
			}
			fmt.Fprintf(w, "%s%s%s  [%s,第%d段]\n", indent, label, s.Title, s.Anchor, s.Start.Paragraph)
			tree(s.Children, indent+"  ")
		}
	}
	tree(d.Sections, "  ")
}

// linkEntities links every parsed file against the aliases in the database.
func linkEntities(ctx context.Context, cfg config.Config, parsed []parsedFile) error {
	pool, err := postgres.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer pool.Close()
	known, err := postgres.NewStore(pool).EntityAliases(ctx)
	if err != nil {
		return fmt.Errorf("import: reading the known entities: %w", err)
	}
	aliases := make([]importer.Alias, len(known))
	for i, a := range known {
		aliases[i] = importer.Alias{Text: a.Alias, Entity: a.Slug}
	}
	for i := range parsed {
		parsed[i].Mentions = importer.LinkEntities(parsed[i].Document, aliases)
	}
	return nil
}

// saveImport saves the parsed files in one transaction and says what it did.
func saveImport(ctx context.Context, cfg config.Config, as string, publish bool, parsed []parsedFile, stdout, stderr io.Writer) error {
	pool, err := postgres.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer pool.Close()
	if err := checkSchema(ctx, pool); err != nil {
		return err
	}
	store := postgres.NewStore(pool)
	actor := policy.Actor{}
	if as != "" {
		u, _, err := store.UserForLogin(ctx, strings.ToLower(strings.TrimSpace(as)))
		if err != nil || u.DisabledAt != nil || !u.CanEdit() {
			return fmt.Errorf("import: --as %s is not an enabled editor or admin account", as)
		}
		actor = policy.Actor{UserID: u.ID, Name: u.Name}
	}
	files := make([]postgres.ImportFile, len(parsed))
	for i, p := range parsed {
		files[i] = postgres.ImportFile{Name: p.File, Document: p.Document, Publish: publish}
	}
	results, err := store.ImportDocuments(ctx, actor, files)
	var refusal *postgres.ImportRefusal
	if errors.As(err, &refusal) {
		for _, p := range refusal.Problems {
			fmt.Fprintln(stderr, p.Message)
		}
		return errors.New("import: refused; nothing was imported")
	}
	if err != nil {
		return fmt.Errorf("import: nothing was imported: %w", err)
	}
	for _, r := range results {
		what := "新建"
		if !r.Created {
			what = "更新(按" + map[string]string{"doc_number": "文号", "index_number": "索引号", "title": "标题"}[r.MatchedBy] + "匹配)"
		}
		fmt.Fprintf(stdout, "%s: %s /documents/%s %s\n  %d 段,%d 个章节,%d 处数字,%d 处引用,%d 处提及",
			r.File, what, r.Slug, r.Title, r.Paragraphs, r.Sections, r.Figures, r.Citations, r.Mentions)
		if !r.Created {
			fmt.Fprintf(stdout, ";已有承诺 %d 条原位保留,%d 条随原文移动", r.Kept, len(r.Moved))
		}
		if r.Unchanged {
			fmt.Fprint(stdout, ";内容与门户中的完全相同,未写入任何内容")
		}
		if r.Published {
			fmt.Fprint(stdout, ";已发布")
		} else {
			fmt.Fprint(stdout, ";草稿,尚未发布(工作人员在文件页面发布,或用 --publish 导入)")
		}
		fmt.Fprintln(stdout)
		for _, m := range r.Moved {
			fmt.Fprintf(stdout, "  承诺 %d(%s):%s → %s\n", m.Position, m.Title, m.From, m.To)
		}
		if r.Version > 1 {
			fmt.Fprintf(stdout, "  文本已存为第 %d 版,此前各版见 /documents/%s/versions\n", r.Version, r.Slug)
		}
		for _, c := range r.Reanchored {
			fmt.Fprintf(stdout, "  承诺 %d(%s)原文有改动,待确认:“%s” → “%s”\n", c.Position, c.Title, c.Was, c.Now)
		}
		for _, c := range r.Unplaced {
			fmt.Fprintf(stdout, "  承诺 %d(%s)的原文已不在新文本中,已保留,待手动重新定位:“%s”\n", c.Position, c.Title, c.Quote)
		}
		if len(r.Reanchored)+len(r.Unplaced) > 0 {
			fmt.Fprintf(stdout, "  待核对:/documents/%s/anchors\n", r.Slug)
		}
		for _, t := range r.NewCited {
			fmt.Fprintf(stdout, "  新增被引文件:《%s》\n", t)
		}
	}
	return nil
}

// checkSchema refuses to write into a database whose schema is not the one
// this binary was built for: run portal migrate up (or start the server) first.
func checkSchema(ctx context.Context, pool *pgxpool.Pool) error {
	have, err := postgres.SchemaVersion(ctx, pool)
	if err != nil {
		return err
	}
	want, err := postgres.LatestVersion()
	if err != nil {
		return err
	}
	if have != want {
		return fmt.Errorf("import: the database schema is at version %d, this binary needs %d; run portal migrate up first", have, want)
	}
	return nil
}

// untitledError is Parse's refusal of a text without a title, which names
// the line where the title should be.
func untitledError(src []byte) error {
	if _, err := importer.Parse(src); err != nil {
		return err
	}
	return errors.New("找不到标题")
}
