package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/guizhou-portal/portal/internal/importer"
)

// parsedFile is one file's result as import --json prints it.
type parsedFile struct {
	File     string             `json:"file"`
	Document *importer.Document `json:"document"`
}

// importCommand reads published replies and shows how the portal would take
// them in. Only --dry-run is available so far: it parses every file, prints
// the result and writes nothing. If any file cannot be parsed, every problem
// is reported, with its file and line, and nothing is printed for the rest.
func importCommand(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dryRun := fs.Bool("dry-run", false, "parse and print, write nothing")
	asJSON := fs.Bool("json", false, "print the parsed structure as JSON")
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
			parsed = append(parsed, parsedFile{name, d})
		}
		if err != nil {
			failed++
			fmt.Fprintf(stderr, "%s: %v\n", name, err)
		}
	}
	if failed > 0 {
		return fmt.Errorf("import: %d of %d files cannot be read; nothing was imported", failed, len(fs.Args()))
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
