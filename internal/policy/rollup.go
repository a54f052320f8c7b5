package policy

import (
	"cmp"
	"slices"
	"time"
)

// Roll-ups (issue 15, item 5): what a section, a document or a responsible
// unit has promised and where it stands. What counts, everywhere (the Go
// roll-up here and the store's SQL for the units index alike):
//   - commitments not withdrawn: a withdrawn one is no longer promised;
//   - top-level commitments only: a part (ParentID set) is already in its
//     parent, whose progress is the mean of its parts' unless staff set it,
//     so counting both would count one promise twice;
//   - mean progress over the counted commitments whose progress is known;
//     an unknown progress is not taken as 0.

// Rollup is a roll-up of commitments: a section's, a document's, a unit's.
type Rollup struct {
	Key     string // the section anchor, document slug or unit slug it is for; "" for a total
	Label   string
	LabelEN string // the label in English where every part of it has an English name; "" otherwise
	Count   int
	// Completed counts by status; Overdue, DueSoon and NoDate by
	// timeliness on the roll-up's day.
	Completed int
	Overdue   int
	DueSoon   int
	NoDate    int
	Known     int        // how many have a known progress
	Mean      *float64   // their mean progress, 0–100; nil when none is known
	Led       int        // for a unit: the commitments it leads
	Supported int        // for a unit: the commitments it supports
	UpdatedAt *time.Time // the last change to any of them
	// Satisfaction counts the proposers' evaluations under the roll-up
	// (SatisfactionOf, SectionSatisfaction; a unit's from the store); nil
	// when there are none.
	Satisfaction *RollupSatisfaction
}

// RollupSatisfaction counts proposers' evaluations under a roll-up: 满意,
// 基本满意, 不满意. A document's counts each evaluation of it by its rating
// of the reply as a whole; a top-level section's counts the ratings given
// to that section; a unit's counts the evaluations of the replies in which
// it leads a counted commitment (each evaluation once per unit).
type RollupSatisfaction struct {
	Satisfied, Basic, Unsatisfied int
}

// Total is how many evaluations (or section ratings) were counted.
func (s RollupSatisfaction) Total() int { return s.Satisfied + s.Basic + s.Unsatisfied }

// Add counts one rating.
func (s *RollupSatisfaction) Add(r Rating) {
	switch r {
	case RatingSatisfied:
		s.Satisfied++
	case RatingBasically:
		s.Basic++
	case RatingUnsatisfied:
		s.Unsatisfied++
	}
}

// SatisfactionOf counts evals by their rating of the reply as a whole; nil
// for none.
func SatisfactionOf(evals []Evaluation) *RollupSatisfaction {
	if len(evals) == 0 {
		return nil
	}
	var s RollupSatisfaction
	for _, e := range evals {
		s.Add(e.Rating)
	}
	return &s
}

// SectionSatisfaction counts the ratings evals give the section with the
// id; nil when none rates it.
func SectionSatisfaction(evals []Evaluation, sectionID int64) *RollupSatisfaction {
	var s RollupSatisfaction
	for _, e := range evals {
		for _, r := range e.Sections {
			if r.SectionID == sectionID {
				s.Add(r.Rating)
			}
		}
	}
	if s.Total() == 0 {
		return nil
	}
	return &s
}

// Counts reports whether the commitment counts in roll-ups: live and top-level.
func (c Commitment) Counts() bool { return c.WithdrawnAt == nil && c.ParentID == 0 }

// Add counts one commitment into the roll-up, judging its timeliness on
// today. A commitment that does not count (Counts) is left out.
func (r *Rollup) Add(c Commitment, today time.Time) {
	if !c.Counts() {
		return
	}
	r.Count++
	if c.Status == StatusCompleted {
		r.Completed++
	}
	switch c.TimelinessOn(today) {
	case TimelinessOverdue:
		r.Overdue++
	case TimelinessDueSoon:
		r.DueSoon++
	case TimelinessNoDate:
		r.NoDate++
	}
	if c.Progress != nil {
		sum := 0.0
		if r.Mean != nil {
			sum = *r.Mean * float64(r.Known)
		}
		r.Known++
		m := (sum + float64(*c.Progress)) / float64(r.Known)
		r.Mean = &m
	}
	if r.UpdatedAt == nil || c.UpdatedAt.After(*r.UpdatedAt) {
		t := c.UpdatedAt
		r.UpdatedAt = &t
	}
}

// RollUp is the roll-up of the commitments that count among cs.
func RollUp(cs []Commitment, today time.Time) Rollup {
	var r Rollup
	for _, c := range cs {
		r.Add(c, today)
	}
	return r
}

// OnTime is how many counted commitments are neither overdue, due soon nor
// without a date.
func (r Rollup) OnTime() int { return r.Count - r.Overdue - r.DueSoon - r.NoDate }

// CompletedPercent is the share completed, rounded; 0 for none.
func (r Rollup) CompletedPercent() int {
	if r.Count == 0 {
		return 0
	}
	return (r.Completed*100 + r.Count/2) / r.Count
}

// RollUpBySection rolls cs up per top-level section among sections, in
// their order (reading order), leaving out sections without any commitment
// that counts.
func RollUpBySection(sections []*Section, cs []Commitment, today time.Time) []Rollup {
	idx := map[string]int{}
	out := make([]Rollup, 0, len(sections))
	for _, s := range sections {
		idx[s.Anchor] = len(out)
		out = append(out, Rollup{Key: s.Anchor, Label: s.Heading()})
	}
	for _, c := range cs {
		if i, ok := idx[c.TopSection.Anchor]; ok {
			out[i].Add(c, today)
		}
	}
	return slices.DeleteFunc(out, func(r Rollup) bool { return r.Count == 0 })
}

// RollUpDocument is a document's roll-up and its top-level sections' (as
// RollUp and RollUpBySection), with the satisfaction its evaluations give
// the document and each section.
func RollUpDocument(sections []*Section, cs []Commitment, evals []Evaluation, today time.Time) (Rollup, []Rollup) {
	doc := RollUp(cs, today)
	doc.Satisfaction = SatisfactionOf(evals)
	rows := RollUpBySection(sections, cs, today)
	ids := map[string]int64{}
	for _, s := range sections {
		ids[s.Anchor] = s.ID
	}
	for i := range rows {
		rows[i].Satisfaction = SectionSatisfaction(evals, ids[rows[i].Key])
	}
	return doc, rows
}

// UnitSort is an order of the units index.
type UnitSort string

// Orders of /units. The zero value ranks by mean progress, highest first.
const (
	SortUnitsProgress  UnitSort = ""
	SortUnitsName      UnitSort = "name"
	SortUnitsCount     UnitSort = "commitments"
	SortUnitsCompleted UnitSort = "completed"
	SortUnitsOverdue   UnitSort = "overdue"
)

// UnitSorts lists the orders /units offers besides the default.
var UnitSorts = []UnitSort{SortUnitsName, SortUnitsCount, SortUnitsCompleted, SortUnitsOverdue}

// ValidUnitSort reports whether s is an order of /units.
func ValidUnitSort(s string) bool {
	return s == "" || slices.Contains(UnitSorts, UnitSort(s))
}

// SortUnits orders unit roll-ups by s; ties keep name order. Progress ranks
// the highest mean first, unknown last; completed and commitments the most
// first; overdue the most first.
func SortUnits(rs []Rollup, s UnitSort) {
	mean := func(r Rollup) float64 {
		if r.Mean == nil {
			return -1
		}
		return *r.Mean
	}
	slices.SortStableFunc(rs, func(a, b Rollup) int {
		var c int
		switch s {
		case SortUnitsName:
		case SortUnitsCount:
			c = cmp.Compare(b.Count, a.Count)
		case SortUnitsCompleted:
			c = cmp.Compare(b.Completed, a.Completed)
		case SortUnitsOverdue:
			c = cmp.Compare(b.Overdue, a.Overdue)
		default:
			c = cmp.Compare(mean(b), mean(a))
		}
		if c != 0 {
			return c
		}
		return cmp.Compare(a.Label, b.Label)
	})
}

// RollUpSections rolls cs up per document and top-level section, in the
// order cs come (reading order, document by document). Each key is
// "<document slug>/<section anchor>"; with withDocument the label names
// the document too.
func RollUpSections(cs []Commitment, today time.Time, withDocument bool) []Rollup {
	idx := map[string]int{}
	var out []Rollup
	for _, c := range cs {
		if !c.Counts() {
			continue
		}
		key := c.Document.Slug + "/" + c.TopSection.Anchor
		i, ok := idx[key]
		if !ok {
			i = len(out)
			idx[key] = i
			label := c.TopSection.Heading()
			var labelEN string
			if c.TopSection.TitleEN != "" {
				labelEN = SectionHeadingEN(c.TopSection.Kind, c.TopSection.Label, c.TopSection.TitleEN)
			}
			if withDocument {
				name := c.Document.ShortTitle
				if name == "" {
					name = c.Document.Title
				}
				label = name + " · " + label
				nameEN := c.Document.ShortTitleEN
				if nameEN == "" {
					nameEN = c.Document.TitleEN
				}
				if nameEN == "" {
					labelEN = ""
				} else if labelEN != "" {
					labelEN = nameEN + " · " + labelEN
				}
			}
			out = append(out, Rollup{Key: key, Label: label, LabelEN: labelEN})
		}
		out[i].Add(c, today)
	}
	return out
}

// RollUpUnits rolls cs up per unit that leads or supports them, most
// overdue first, then most due soon, then by name, as the dashboard ranks
// them.
func RollUpUnits(cs []Commitment, today time.Time) []Rollup {
	idx := map[string]int{}
	var out []Rollup
	add := func(e Entity, c Commitment, lead bool) {
		i, ok := idx[e.Slug]
		if !ok {
			i = len(out)
			idx[e.Slug] = i
			out = append(out, Rollup{Key: e.Slug, Label: e.Name, LabelEN: e.NameEN})
		}
		out[i].Add(c, today)
		if lead {
			out[i].Led++
		} else {
			out[i].Supported++
		}
	}
	for _, c := range cs {
		if !c.Counts() {
			continue
		}
		for _, e := range c.Lead {
			add(e, c, true)
		}
		for _, e := range c.Support {
			add(e, c, false)
		}
	}
	slices.SortStableFunc(out, func(a, b Rollup) int {
		return cmp.Or(cmp.Compare(b.Overdue, a.Overdue), cmp.Compare(b.DueSoon, a.DueSoon), cmp.Compare(a.Label, b.Label))
	})
	return out
}
