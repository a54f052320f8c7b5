package policy

import "sort"

// AnnotationKind says what a span of a paragraph is.
type AnnotationKind int

// Annotation kinds. Anchors are zero-width: they mark where a sub-item begins.
const (
	AnnotateCommitment AnnotationKind = iota
	AnnotateCitation
	AnnotateMention
	AnnotateAnchor
)

// Annotation marks a span [Start, End) of a paragraph, in code points.
type Annotation struct {
	Kind       AnnotationKind
	Start, End int
	Href       string // where the span links to
	ID         string // fragment id: a commitment's c12, a sub-item's s1-2
	Label      string // a commitment's 承诺 N, a link's title text
}

// Segment is a run of text that carries the same annotations throughout.
type Segment struct {
	Text       string
	Anchors    []string    // fragment ids that begin here
	Commitment *Annotation // the commitment highlighting this text, if any
	StartsID   string      // set on the first segment of a commitment
	Link       *Annotation // a citation or mention link; citations win over mentions
	Ends       []Annotation
}

// Segments splits text at every annotation boundary, so that each segment can be
// rendered with one highlight and at most one link (links must not nest). Spans
// that fall outside the text are ignored. Ends lists the commitments that finish
// with a segment, so the renderer can place a reference to each after its quote.
func Segments(text string, anns []Annotation) []Segment {
	r := []rune(text)
	n := len(r)
	cuts := map[int]bool{0: true, n: true}
	var valid []Annotation
	for _, a := range anns {
		if a.Kind == AnnotateAnchor {
			a.End = a.Start
		}
		if a.Start < 0 || a.End > n || a.Start > a.End || (a.Start == a.End && a.Kind != AnnotateAnchor) {
			continue
		}
		valid = append(valid, a)
		cuts[a.Start], cuts[a.End] = true, true
	}
	points := make([]int, 0, len(cuts))
	for p := range cuts {
		points = append(points, p)
	}
	sort.Ints(points)
	sort.SliceStable(valid, func(i, j int) bool {
		if valid[i].Start != valid[j].Start {
			return valid[i].Start < valid[j].Start
		}
		return valid[i].End > valid[j].End // outer spans first
	})

	var segs []Segment
	for i := 0; i+1 < len(points); i++ {
		lo, hi := points[i], points[i+1]
		seg := Segment{Text: string(r[lo:hi])}
		for k := range valid {
			a := &valid[k]
			if a.Kind == AnnotateAnchor {
				if a.Start == lo {
					seg.Anchors = append(seg.Anchors, a.ID)
				}
				continue
			}
			if a.Start > lo || a.End < hi {
				continue
			}
			switch a.Kind {
			case AnnotateCommitment:
				if seg.Commitment == nil {
					seg.Commitment = a
				}
				if a.Start == lo {
					seg.StartsID = a.ID
					if seg.Commitment != a {
						seg.Anchors = append(seg.Anchors, a.ID)
					}
				}
				if a.End == hi {
					seg.Ends = append(seg.Ends, *a)
				}
			case AnnotateCitation:
				seg.Link = a
			case AnnotateMention:
				if seg.Link == nil || seg.Link.Kind != AnnotateCitation {
					seg.Link = a
				}
			}
		}
		if seg.StartsID != "" && seg.Commitment != nil && seg.StartsID != seg.Commitment.ID {
			seg.StartsID = ""
		}
		segs = append(segs, seg)
	}
	// Anchors at the very end of the text (none expected) are attached to the last segment.
	for _, a := range valid {
		if a.Kind == AnnotateAnchor && a.Start == n && n > 0 {
			segs[len(segs)-1].Anchors = append(segs[len(segs)-1].Anchors, a.ID)
		}
	}
	return segs
}
