package policy

// Anchor review flags (commitments.anchor_review): what an import did to a
// commitment's words until staff confirm or pin it again.
const (
	AnchorChanged  = "changed"
	AnchorUnplaced = "unplaced"
)

// Public is the commitment as the public sees it while an import's change
// to its words waits for staff: its last confirmed words, and no place,
// since the paragraph and offsets it holds are the working state (the
// changed words, or for one unplaced only near where they were). Staff
// pages show the commitment as it is.
func (c Commitment) Public() Commitment {
	switch c.AnchorReview {
	case AnchorChanged:
		if c.PreviousQuote != "" {
			c.Quote = c.PreviousQuote
		}
	case AnchorUnplaced:
	default:
		return c
	}
	c.Place = Place{DocumentSlug: c.Place.DocumentSlug, DocumentTitle: c.Place.DocumentTitle}
	return c
}

// Placed reports whether the commitment has a place the public may see.
func (c Commitment) Placed() bool { return c.Place.ParagraphSeq > 0 }

// PublicCommitments is Public of each commitment of a list, in place.
func PublicCommitments(list []Commitment) []Commitment {
	for i := range list {
		list[i] = list[i].Public()
	}
	return list
}
