package web

import (
	"slices"
	"strings"
	"unicode"

	"github.com/guizhou-portal/portal/internal/importer"
)

// ImportView is the staff import page: the form to upload or paste a reply,
// and once it parses, what the portal read in it and what saving would do.
type ImportView struct {
	Name       string // the file's name, or empty for pasted text
	Text       string // the text as it will be parsed, with \n line ends
	Sum        string // SHA-256 of Text, so that the confirmation saves exactly what was reviewed
	Errors     FieldErrors
	ParseError *importer.ParseError
	Document   *importer.Document // set once the text parses
	Preview    *ImportPreview     // what saving would do; nil when it is refused
	Problems   []string           // why saving is refused, in the reader's language
	Review     *ImportReviewForm  // the themes and candidates staff decide on (document_import_review.go)
	// Untitled: the text names no title, so staff type one (Title, offered
	// from the text's opening where it names the suggestion answered); the
	// confirmation carries the title reviewed, and saves only that one.
	Untitled bool
	Title    string
}

// ImportPreview is what saving a parsed reply would do.
type ImportPreview struct {
	Created      bool
	MatchedBy    string // doc_number, index_number or title
	Slug         string // the document updated, or the slug the new one would get
	CurrentTitle string // the updated document's title now
	Sections     int
	NewCited     []string
	Entities     []ImportEntity
	Kept         int
	Moved        []ImportMoved
	// The version the text becomes (0: the text is the one there), and the
	// commitments whose words it changes or no longer holds.
	Version    int
	Reanchored []ImportReanchored
	Unplaced   []ImportUnplaced
	// What the review promises, carried by the confirmation: the document
	// updated (0 for a new one) and its state when reviewed.
	DocumentID int64
	State      string
	Unchanged  bool // the document already holds exactly this text
	// Quotes whose hand-written figure measures or citations the new text
	// cannot keep.
	LostMeasures, LostCitations []string
}

// ImportEntity is a known entity the text names, and how often.
type ImportEntity struct {
	Slug, Name string
	Count      int
}

// ImportMoved is a commitment whose words stand elsewhere in the new text.
type ImportMoved struct {
	ID       int64
	Position int
	Title    string
	From, To string
	// Section anchors, when the commitment changes section.
	FromSection, ToSection string
}

// ImportReanchored is a commitment whose words the new text changes: it
// will hold Now instead of Was, for staff to confirm.
type ImportReanchored struct {
	ID       int64
	Position int
	Title    string
	Was, Now string
}

// ImportUnplaced is a commitment whose words (Quote) the new text no longer
// holds: it is kept, to be pinned again by hand.
type ImportUnplaced struct {
	ID       int64
	Position int
	Title    string
	Quote    string
}

func contains(list []string, s string) bool { return slices.Contains(list, s) }

// editable is text as the form's textarea gets it back: without the control
// characters (other than tab and line ends) for which the parser refuses a
// text, since a browser neither shows a NUL or an escape byte nor sends it
// back faithfully. The refusal names the line that had them.
func editable(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r' {
			return -1
		}
		return r
	}, s)
}
