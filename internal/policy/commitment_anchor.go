package policy

// AnchorItem is a commitment flagged by an import: Review is changed or
// unplaced; Quote its words now (for an unplaced one, the words that are
// gone) and Previous the words it held before it was re-anchored.
type AnchorItem struct {
	ID              int64
	Position        int
	Title           string
	Quote, Previous string
	Review          string
	ParagraphSeq    int
	ParagraphText   string
	Withdrawn       bool
	DocumentSlug    string
	DocumentTitle   string
	Paragraphs      int // how many paragraphs the document's current text has
}
