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

	"github.com/guizhou-portal/portal/internal/config"
	"github.com/guizhou-portal/portal/internal/importer"
	"github.com/guizhou-portal/portal/internal/postgres"
)

// parsedFile is one file's result as import --json prints it.
type parsedFile struct {
	File     string             `json:"file"`
	Document *importer.Document `json:"document"`
	Mentions []importer.Mention `json:"mentions,omitempty"` // with --entities
}

// importCommand reads published replies and shows how the portal would take
// them in. Only --dry-run is available so far: it parses every file, prints
// the result and writes nothing. If any file cannot be parsed, every problem
// is reported, with its file and line, and nothing is printed for the rest.
//
// With --entities it also links the entities the database knows (reading
// their aliases from DATABASE_URL, and nothing else).
func importCommand(ctx context.Context, cfg config.Config, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dryRun := fs.Bool("dry-run", false, "parse and print, write nothing")
	asJSON := fs.Bool("json", false, "print the parsed structure as JSON")
	entities := fs.Bool("entities", false, "link the entities the database at DATABASE_URL knows (reads only)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usageError("import needs at least one FILE")
	}
	if !*dryRun {
		return errors.New("import: saving to the database is not available yet; use --dry-run to check files")
	}
	var parsed []parsedFile
	var failed int
	for _, name := range fs.Args() {
		src, err := os.ReadFile(name)
		if err == nil {
			var d *importer.Document
			d, err = importer.Parse(src)
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
