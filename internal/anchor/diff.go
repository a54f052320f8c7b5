package anchor

// The paragraph-by-paragraph view of an Alignment: what readers see changed
// between two versions, read off the same pieces that Place follows.

// Op is what a segment of a paragraph diff did.
type Op int

// The segment operations.
const (
	// Equal text is in both versions.
	Equal Op = iota
	// Insert text is new.
	Insert
	// Delete text was removed.
	Delete
)

// String names an operation, for templates and tests.
func (o Op) String() string {
	switch o {
	case Equal:
		return "equal"
	case Insert:
		return "insert"
	case Delete:
		return "delete"
	}
	return "unknown"
}

// Segment is a run of text in a paragraph diff. A "\n" in an Insert or
// Delete segment is a paragraph break added (a paragraph split) or removed
// (two paragraphs joined).
type Segment struct {
	Op   Op
	Text string
}

// ParagraphDiff is one paragraph of the union of two versions, as
// legislation.gov.uk shows revised text: its segments in order, deleted
// text struck through where it stood and inserted text beside it. OldSeq
// and NewSeq are the paragraph's numbers (1-based) in each version, 0 where
// it is absent: a paragraph wholly inserted has OldSeq 0 and Inserted set,
// one wholly deleted NewSeq 0 and Deleted set. Where paragraphs were joined
// or split, the seq is that of the first of them.
type ParagraphDiff struct {
	OldSeq, NewSeq    int
	Inserted, Deleted bool
	Segments          []Segment
}

// Changed says whether anything in the paragraph changed.
func (p ParagraphDiff) Changed() bool {
	for _, s := range p.Segments {
		if s.Op != Equal {
			return true
		}
	}
	return p.Inserted || p.Deleted
}

// Diff compares two versions of a document paragraph by paragraph, for an
// inline view of what changed: every paragraph of either version in order,
// each with its segments. Unchanged paragraphs are one Equal segment. The
// same alignment places annotations (Align, Place), so what readers see
// changed is what staff are asked to confirm.
func Diff(oldParas, newParas []string) []ParagraphDiff {
	return Align(oldParas, newParas).Paragraphs()
}

// Paragraphs is the alignment paragraph by paragraph; see Diff.
func (a *Alignment) Paragraphs() []ParagraphDiff {
	var (
		out    []ParagraphDiff
		cur    ParagraphDiff
		oi, ni int // the old and new paragraphs being read, 0-based
	)
	add := func(op Op, r rune) {
		if n := len(cur.Segments); n > 0 && cur.Segments[n-1].Op == op {
			cur.Segments[n-1].Text += string(r)
			return
		}
		cur.Segments = append(cur.Segments, Segment{Op: op, Text: string(r)})
	}
	touchOld := func() {
		if cur.OldSeq == 0 {
			cur.OldSeq = oi + 1
		}
	}
	touchNew := func() {
		if cur.NewSeq == 0 {
			cur.NewSeq = ni + 1
		}
	}
	emit := func() {
		cur.Inserted = cur.OldSeq == 0
		cur.Deleted = cur.NewSeq == 0
		out = append(out, cur)
		cur = ParagraphDiff{}
	}
	// side reads one side of an edit: its runes are op, and a break in it
	// ends the paragraph only where the other side has none of it (other is
	// 0): a paragraph deleted or inserted whole.
	side := func(rs []rune, op Op, touch func(), at, other *int) {
		for _, r := range rs {
			touch()
			if r == '\n' {
				*at++
				if *other == 0 {
					emit()
					continue
				}
			}
			add(op, r)
		}
	}
	for _, pc := range a.pieces {
		if pc.equal {
			for _, r := range pc.del {
				touchOld()
				touchNew()
				if r == '\n' {
					emit()
					oi++
					ni++
					continue
				}
				add(Equal, r)
			}
			continue
		}
		side(pc.del, Delete, touchOld, &oi, &cur.NewSeq)
		side(pc.ins, Insert, touchNew, &ni, &cur.OldSeq)
	}
	return out
}
