package web

import (
	"net/url"
	"strconv"
	"time"

	"github.com/guizhou-portal/portal/internal/anchor"
	"github.com/guizhou-portal/portal/internal/policy"
)

// VersionsView is the list of the texts a document has held.
type VersionsView struct {
	Document policy.Document
	Versions []VersionRow // oldest first; the last is the current text
}

// VersionRow is one version in the list: By is empty for a version from
// before versions were kept.
type VersionRow struct {
	Number     int
	At         time.Time
	By, File   string
	Paragraphs int
}

// VersionView is one version's text, read-only.
type VersionView struct {
	Document   policy.Document
	Number     int
	Current    int // the number of the current version
	At         time.Time
	By, File   string
	Paragraphs []VersionParagraph
}

// VersionParagraph is a paragraph of a version as it stood.
type VersionParagraph struct {
	Seq  int
	Role policy.ParagraphRole
	Text string
}

// DiffView is what changed from version From to version To, paragraph by
// paragraph (anchor.Diff), with the numbers of every version for the form
// that picks two.
type DiffView struct {
	Document   policy.Document
	From, To   int
	Numbers    []int
	Paragraphs []anchor.ParagraphDiff
}

// Changed is how many paragraphs the diff shows changed.
func (v DiffView) Changed() int {
	n := 0
	for _, p := range v.Paragraphs {
		if p.Changed() {
			n++
		}
	}
	return n
}

func versionsURL(slug string) string { return documentURL(slug) + "/versions" }

func versionURL(slug string, n int) string { return versionsURL(slug) + "/" + strconv.Itoa(n) }

func diffURL(slug string, from, to int) string {
	return documentURL(slug) + "/diff?" + url.Values{"from": {strconv.Itoa(from)}, "to": {strconv.Itoa(to)}}.Encode()
}

// diffSeq is the paragraph's number to show: in the newer version, or for
// a deleted paragraph in the older.
func diffSeq(p anchor.ParagraphDiff) string {
	if p.NewSeq > 0 {
		return strconv.Itoa(p.NewSeq)
	}
	return strconv.Itoa(p.OldSeq)
}
