package web

import (
	"strconv"

	"github.com/guizhou-portal/portal/internal/policy"
)

// AnchorItem is a commitment an import flagged (Review changed or
// unplaced), or one being pinned again by hand: the store's row as it is.
type AnchorItem = policy.AnchorItem

// AnchorReviewView lists a document's commitments to check after a new
// version: the re-anchored ones to confirm, the unplaced ones to pin again.
type AnchorReviewView struct {
	Document          policy.Document
	Changed, Unplaced []AnchorItem
}

// RepinView is the form that pins a commitment again by hand: a paragraph of
// the current text and the words in it.
type RepinView struct {
	DocumentSlug, DocumentTitle string
	Item                        AnchorItem
	Paragraphs                  int // of the current text
	Paragraph, Quote            string
	Errors                      FieldErrors
}

func anchorsURL(slug string) string { return documentURL(slug) + "/anchors" }

func repinURL(id int64) string { return "/commitments/" + strconv.FormatInt(id, 10) + "/anchor" }
