package policy

import "time"

// DocumentSort is an order of the documents list.
type DocumentSort string

// Document list orders. The zero value is the home page's: replies first,
// newest first, then the proposals and documents they answer and cite.
const (
	SortDocumentsDefault     DocumentSort = ""
	SortDocumentsDate        DocumentSort = "date"        // newest signing date first
	SortDocumentsCommitments DocumentSort = "commitments" // most commitments first
	SortDocumentsUpdated     DocumentSort = "updated"     // most recently changed first
)

// DocumentSorts lists the orders /documents offers, its default first.
var DocumentSorts = []DocumentSort{SortDocumentsDate, SortDocumentsCommitments, SortDocumentsUpdated}

// DocumentFilter selects and orders the documents of a list; an empty field
// does not filter. Every list of documents (home page, /documents, the
// dashboard's choice, the API) reads through one, so that what the public may
// see is decided in one place.
type DocumentFilter struct {
	Kinds []DocumentKind
	Years []int  // years of the signing date
	Text  string // a part of the title, short title, 文号 or addressee
	// Grades are the handling grades of replies (办理结果) to keep.
	Grades []Grade
	Sort   DocumentSort
	// Today is the date by which commitments count as overdue; zero takes
	// the current date in China.
	Today time.Time
}

// ChainEntry is one document of a thread of proposal, replies and follow-up
// replies, in the order they were written.
type ChainEntry struct {
	Document
	RepliesTo string // the slug of the proposal (or other document) it answers, if any
	FollowsUp string // the slug of the earlier reply it follows up, if any
}

// ShortName names a document where space is short (a filter, a table cell):
// its 文号, else its short title, else its title. The document facet's label
// in SQL follows the same rule.
func (d Document) ShortName() string {
	switch {
	case d.DocNumber != "":
		return d.DocNumber
	case d.ShortTitle != "":
		return d.ShortTitle
	}
	return d.Title
}
