package policy

import (
	"sort"
	"time"
)

// AnnotationKind says what a span of a paragraph is.
type AnnotationKind int

// Annotation kinds. Anchors are zero-width: they mark where a section begins.
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
	ID         string // fragment id: a commitment's c12, a section's s1-2
	Label      string // a commitment's 承诺 N:title, a link's title text
	// Status and Due are a commitment's status and date (policy.Commitment.Due),
	// by which the text marks it.
	Status Status
	Due    *time.Time
}

// Segment is a run of text that carries the same annotations throughout.
type Segment struct {
	Text       string
	Anchors    []string    // fragment ids that begin here, before the text
	Commitment *Annotation // the outermost commitment covering this text, if any
	StartsID   string      // set on the first segment of Commitment
	Link       *Annotation // a citation or mention link
	Ends       []Annotation
	// Trailing holds fragment ids that begin after the text: anchors at the very
	// end of the paragraph.
	Trailing []string
}

// Segments splits text at every annotation boundary, so that each segment has
// one highlight and at most one link. Mentions inside or across a citation are
// dropped, because links must not nest and the citation is the more specific
// link. Spans that fall outside the text are ignored. The same *Annotation is
// shared by consecutive segments of one span, so a renderer can keep one
// element open across them.
func Segments(text string, anns []Annotation) []Segment {
	r := []rune(text)
	n := len(r)
	var citations []Annotation
	for _, a := range anns {
		if a.Kind == AnnotateCitation {
			citations = append(citations, a)
		}
	}
	cuts := map[int]bool{0: true, n: true}
	var valid []Annotation
	for _, a := range anns {
		if a.Kind == AnnotateAnchor {
			a.End = a.Start
		}
		if a.Start < 0 || a.End > n || a.Start > a.End || (a.Start == a.End && a.Kind != AnnotateAnchor) {
			continue
		}
		if a.Kind == AnnotateMention && overlapsAny(a, citations) {
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
				switch {
				case seg.Commitment == nil:
					seg.Commitment = a
					if a.Start == lo {
						seg.StartsID = a.ID
					}
				case a.Start == lo:
					// An inner commitment starting here still needs its fragment id.
					seg.Anchors = append(seg.Anchors, a.ID)
				}
				if a.End == hi {
					seg.Ends = append(seg.Ends, *a)
				}
			case AnnotateCitation:
				seg.Link = a
			case AnnotateMention:
				if seg.Link == nil {
					seg.Link = a
				}
			}
		}
		segs = append(segs, seg)
	}
	for _, a := range valid {
		if a.Kind == AnnotateAnchor && a.Start == n && n > 0 {
			segs[len(segs)-1].Trailing = append(segs[len(segs)-1].Trailing, a.ID)
		}
	}
	return segs
}

func overlapsAny(a Annotation, others []Annotation) bool {
	for _, o := range others {
		if a.Start < o.End && o.Start < a.End {
			return true
		}
	}
	return false
}
