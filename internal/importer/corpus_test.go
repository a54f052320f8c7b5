package importer_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/guizhou-portal/portal/internal/importer"
)

// corpusDir holds real replies as published, each with what a careful reader
// takes from it (see its README).
const corpusDir = "../../testdata/replies"

// corpusFloor is the share of the corpus each field must be read right in.
const corpusFloor = 0.95

// expected is what a reader filled in for one corpus file.
type expected struct {
	Source      string   `json:"source"`
	Title       string   `json:"title"`
	DocNumber   string   `json:"doc_number"`
	IndexNumber string   `json:"index_number"`
	Addressee   string   `json:"addressee"`
	Signers     []string `json:"signers"`
	Date        string   `json:"date"`
	Contact     struct {
		Person string `json:"person"`
		Phone  string `json:"phone"`
	} `json:"contact"`
	Sections []string `json:"sections"`
}

// corpusBatches are the corpus files in the order they were collected, each
// batch labelled before the reader saw it; the accuracy on the newest batch,
// measured before fixing what it showed, is the honest estimate for pages of
// an unseen shape (see the README).
var corpusBatches = []struct {
	name     string
	from, to int
}{
	{"001-040", 1, 40},
	{"041-052", 41, 52},
	{"053-059", 53, 59},
	{"060-070", 60, 70},
}

// corpusFields are the fields measured, in the order the table shows them.
var corpusFields = []string{"title", "doc_number", "index_number", "addressee", "signers", "date", "contact", "sections"}

// TestCorpusAccuracy reads every reply of the corpus and compares each field
// with what the reader took, after light normalisation: NFKC, no white
// space, one bracket style for 文号 and one dash for phone numbers. It logs
// the accuracy per field and fails when a field falls below corpusFloor. A
// file the parser refuses counts as wrong in every field.
func TestCorpusAccuracy(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(corpusDir, "*.txt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no corpus in %s: %v", corpusDir, err)
	}
	correct := map[string]int{}
	batchCorrect := make([]map[string]int, len(corpusBatches))
	batchFiles := make([]int, len(corpusBatches))
	for i := range batchCorrect {
		batchCorrect[i] = map[string]int{}
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".txt")
		batch := corpusBatch(name)
		if batch >= 0 {
			batchFiles[batch]++
		}
		var want expected
		raw, err := os.ReadFile(strings.TrimSuffix(f, ".txt") + ".json")
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(raw, &want); err != nil {
			t.Fatalf("%s.json: %v", name, err)
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		d, err := importer.Read(src)
		if err != nil {
			t.Logf("%s: refused: %v", name, err)
			continue
		}
		checked := *d
		if checked.Title == "" {
			checked.Title = "-" // Read takes a page without a title, Parse would not
		}
		checkInvariants(t, &checked)
		checkTree(t, name, d)
		got := corpusReading(d)
		wantFields := map[string]string{
			"title":        fold(want.Title),
			"doc_number":   foldDocNumber(want.DocNumber),
			"index_number": fold(want.IndexNumber),
			"addressee":    fold(want.Addressee),
			"signers":      fold(strings.Join(want.Signers, "|")),
			"date":         want.Date,
			"contact":      fold(want.Contact.Person) + "|" + foldPhone(want.Contact.Phone),
			"sections":     foldSections(want.Sections),
		}
		for _, field := range corpusFields {
			if got[field] == wantFields[field] {
				correct[field]++
				if batch >= 0 {
					batchCorrect[batch][field]++
				}
			} else {
				t.Logf("%s %s: got %q, want %q", name, field, got[field], wantFields[field])
			}
		}
	}
	var table strings.Builder
	fmt.Fprintf(&table, "\n%-13s %9s %7s\n", "field", "correct", "%")
	failed := []string{}
	for _, field := range corpusFields {
		share := float64(correct[field]) / float64(len(files))
		fmt.Fprintf(&table, "%-13s %4d/%-4d %6.1f\n", field, correct[field], len(files), 100*share)
		if share < corpusFloor {
			failed = append(failed, field)
		}
	}
	t.Log(table.String())
	t.Log(batchTable(batchCorrect, batchFiles))
	if len(failed) > 0 {
		t.Errorf("below %.0f%%: %s", 100*corpusFloor, strings.Join(failed, ", "))
	}
}

// corpusBatch is the index in corpusBatches of the file named NNN, or -1.
func corpusBatch(name string) int {
	var n int
	if _, err := fmt.Sscanf(name, "%d", &n); err != nil {
		return -1
	}
	for i, b := range corpusBatches {
		if n >= b.from && n <= b.to {
			return i
		}
	}
	return -1
}

// batchTable is the accuracy per field of each batch, one row a batch.
func batchTable(correct []map[string]int, files []int) string {
	var table strings.Builder
	fmt.Fprintf(&table, "\n%-9s %5s", "batch", "files")
	for _, field := range corpusFields {
		fmt.Fprintf(&table, " %12s", field)
	}
	for i, b := range corpusBatches {
		if files[i] == 0 {
			continue
		}
		fmt.Fprintf(&table, "\n%-9s %5d", b.name, files[i])
		for _, field := range corpusFields {
			fmt.Fprintf(&table, " %12.1f", 100*float64(correct[i][field])/float64(files[i]))
		}
	}
	return table.String() + "\n"
}

// checkTree checks that the tree has a section and that every paragraph of
// the body lies in one of its top sections or before the first.
func checkTree(t *testing.T, name string, d *importer.Document) {
	t.Helper()
	if len(d.Tree) == 0 {
		t.Errorf("%s: no section in the tree", name)
		return
	}
	if len(d.Sections) == 0 && (len(d.Tree) != 1 || d.Tree[0].Anchor != importer.BodyAnchor) {
		t.Errorf("%s: no sections, yet the tree is not the one body section: %+v", name, d.Tree)
	}
}

// corpusReading is what the parser read, normalised as the expectations are.
func corpusReading(d *importer.Document) map[string]string {
	var sections []string
	for _, s := range d.Sections {
		sections = append(sections, s.Title)
	}
	return map[string]string{
		"title":        fold(d.Title),
		"doc_number":   foldDocNumber(d.Meta.DocNumber),
		"index_number": fold(d.Meta.IndexNumber),
		"addressee":    fold(d.Addressee),
		"signers":      fold(strings.Join(signersOf(d), "|")),
		"date":         d.Meta.SignedOn,
		"contact":      fold(d.Meta.ContactPerson) + "|" + foldPhone(d.Meta.ContactPhone),
		"sections":     foldTitles(sections),
	}
}

// fold is NFKC without white space.
func fold(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '\u3000' || r == '\u00a0' {
			return -1
		}
		return r
	}, norm.NFKC.String(s))
}

// foldDocNumber writes every bracket style of a 文号's year as 〔〕.
func foldDocNumber(s string) string {
	return strings.NewReplacer("[", "〔", "]", "〕", "(", "〔", ")", "〕", "﹝", "〔", "﹞", "〕", "【", "〔", "】", "〕").Replace(fold(s))
}

// foldPhone writes every dash of a phone number as -.
func foldPhone(s string) string {
	return strings.NewReplacer("—", "-", "–", "-", "－", "-", "―", "-").Replace(fold(s))
}

// sectionLabel is a numbering at the start of a heading as written.
var sectionLabel = regexp.MustCompile(`^(?:[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十]+[)）]|\d+[.．、]|[一二三四五六七八九十]+是)`)

// foldSections joins the headings' words as written without their numbering.
func foldSections(ss []string) string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = sectionLabel.ReplaceAllString(fold(s), "")
	}
	return foldTitles(out)
}

// foldTitles joins section titles, which the parser gives without their
// numbering.
func foldTitles(ss []string) string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = strings.TrimRight(fold(s), "。;:!?")
	}
	return strings.Join(out, "|")
}

// signersOf is the signing bodies the parser read, one by one.
func signersOf(d *importer.Document) []string {
	if d.Meta.SigningBody == "" {
		return nil
	}
	return slices.DeleteFunc(strings.Split(d.Meta.SigningBody, "、"), func(s string) bool { return s == "" })
}
