package postgres

// The commitment index's answers to the commitments list: the filter
// counts, a page in a given order and the count (commitment_index.go).

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/guizhou-portal/portal/internal/policy"
)

// indexQuery is one filter applied to the index.
type indexQuery struct {
	sel    []bool  // the selected values, by id; nil when no facet of the index's selects any
	due    [4]bool // the selected timeliness
	active []int   // the facets with a selection
	judge  bool    // the timeliness is wanted: selected or counted
	none   bool    // a facet selects only values no commitment has
	today  int32
	drafts bool
	real   bool
}

// usable reports whether the index may answer for ctx: it asks about the
// present, not ?as_of=.
func (x *commitmentIndex) usable(ctx context.Context) bool {
	if x == nil {
		return false
	}
	_, past := policy.AsOfFrom(ctx)
	return !past
}

// query prepares f for the index; mu is held for reading.
func (x *commitmentIndex) query(ctx context.Context, f policy.CommitmentFilter) indexQuery {
	t := dayOrToday(f.Today)
	q := indexQuery{drafts: policy.ViewerFrom(ctx).Drafts, real: f.RealOnly,
		today: int32(time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC).Unix() / 86400)}
	for i, cf := range commitmentFilters {
		sel := cf.selected(f)
		if len(sel) == 0 {
			continue
		}
		q.active = append(q.active, i)
		any := false
		for _, v := range sel {
			if i == indexDue {
				if j := slices.Index(dueValues, v); j >= 0 {
					q.due[j], any, q.judge = true, true, true
				}
				continue
			}
			if id, ok := x.dict.ids[i][v]; ok {
				if q.sel == nil {
					q.sel = make([]bool, len(x.dict.values))
				}
				q.sel[id], any = true, true
			}
		}
		if !any {
			q.none = true
		}
	}
	if q.sel == nil {
		q.sel = make([]bool, len(x.dict.values))
	}
	return q
}

// scan calls match for every entry in f's scope that every filter selects,
// and miss for every entry that all but one filter (the facet given) select.
func (x *commitmentIndex) scan(q indexQuery, match func(e *indexEntry, due int32), miss func(e *indexEntry, facet int, due int32)) {
	for i := range x.entries {
		e := &x.entries[i]
		if (!q.drafts && !e.published) || (q.real && e.synthetic) {
			continue
		}
		var due int32
		if q.judge {
			due = e.timeliness(q.today)
		}
		missed, missedFacet := 0, -1
		for _, f := range q.active {
			ok := false
			if f == indexDue {
				ok = q.due[due]
			} else {
				for _, v := range x.values(e, f) {
					if q.sel[v] {
						ok = true
						break
					}
				}
			}
			if !ok {
				missed++
				missedFacet = f
				if missed > 1 {
					break
				}
			}
		}
		switch {
		case missed == 0:
			match(e, due)
		case missed == 1 && miss != nil:
			miss(e, missedFacet, due)
		}
	}
}

// facets counts f's commitments and its facets' values, as CommitmentFacets.
// Those of the list as it opens, with no filter, are kept until the next
// change (or day).
func (x *commitmentIndex) facets(ctx context.Context, f policy.CommitmentFilter) (policy.CommitmentFacets, bool) {
	if !x.usable(ctx) {
		return policy.CommitmentFacets{}, false
	}
	x.mu.RLock()
	if !x.ready {
		x.mu.RUnlock()
		return policy.CommitmentFacets{}, false
	}
	q := x.query(ctx, f)
	kept := &x.opening[boolIndex(q.drafts)][boolIndex(q.real)]
	if len(q.active) == 0 && kept.version == x.version && kept.today == q.today && kept.facets.Values != nil {
		out := cloneFacets(kept.facets)
		x.mu.RUnlock()
		return out, true
	}
	version := x.version
	q.judge = true
	out, last := x.countFacets(q)
	x.mu.RUnlock()
	// The count and last change of the same filter, which the list asks
	// next, come with the counts.
	x.mu.Lock()
	if x.version == version {
		if len(q.active) == 0 {
			*kept = openingFacets{version: version, today: q.today, facets: cloneFacets(out), last: last}
		}
		if x.counted == nil || x.counted.version != version || len(x.counted.of) > 64 {
			x.counted = &countedAt{version: version, of: map[string]counted{}}
		}
		x.counted.of[countKey(ctx, f)] = counted{n: out.Total, last: last}
	}
	x.mu.Unlock()
	return out, true
}

// counted is a filter's count and last change; countedAt those of the
// filters counted at an index version.
type counted struct {
	n    int
	last int64
}

type countedAt struct {
	version uint64
	of      map[string]counted
}

// countKey tells filters apart for counted: what they select, for whom.
func countKey(ctx context.Context, f policy.CommitmentFilter) string {
	f.Limit, f.Offset, f.Sort = 0, 0, ""
	f.Today = dayOrToday(f.Today)
	return fmt.Sprintf("%v|%+v", policy.ViewerFrom(ctx).Drafts, f)
}

// openingFacets are the facets of no filter at an index version and day.
type openingFacets struct {
	version uint64
	today   int32
	facets  policy.CommitmentFacets
	last    int64 // the last change among them
}

func cloneFacets(f policy.CommitmentFacets) policy.CommitmentFacets {
	out := policy.CommitmentFacets{Total: f.Total, Values: make(map[string][]policy.FacetValue, len(f.Values))}
	for k, vs := range f.Values {
		out.Values[k] = slices.Clone(vs)
	}
	return out
}

func boolIndex(b bool) int {
	if b {
		return 1
	}
	return 0
}

// countFacets counts q's facets; mu is held for reading.
func (x *commitmentIndex) countFacets(q indexQuery) (policy.CommitmentFacets, int64) {
	counts := make([]int32, len(x.dict.values))
	var due [4]int32
	total, last := 0, int64(math.MinInt64)
	x.scan(q, func(e *indexEntry, d int32) {
		total++
		last = max(last, e.updated)
		for _, v := range x.arena[e.at : e.at+int32(e.off[indexFacets])] {
			counts[v]++
		}
		due[d]++
	}, func(e *indexEntry, facet int, d int32) {
		if facet == indexDue {
			due[d]++
			return
		}
		for _, v := range x.values(e, facet) {
			counts[v]++
		}
	})
	// Each facet's values most frequent first, then by value (rank).
	var ids [indexFacets][]int32
	for id, n := range counts {
		if n != 0 {
			f := x.dict.facet[id]
			ids[f] = append(ids[f], int32(id))
		}
	}
	out := policy.CommitmentFacets{Total: total, Values: map[string][]policy.FacetValue{}}
	for f, vs := range ids {
		slices.SortFunc(vs, func(a, b int32) int {
			if counts[a] != counts[b] {
				return int(counts[b] - counts[a])
			}
			return int(x.dict.rank[a] - x.dict.rank[b])
		})
		values := make([]policy.FacetValue, len(vs))
		for i, id := range vs {
			values[i] = policy.FacetValue{Value: x.dict.values[id], Count: int(counts[id]), Label: x.dict.labels[id]}
		}
		if len(values) > 0 {
			out.Values[commitmentFilters[f].name] = values
		}
	}
	var dv []policy.FacetValue
	for i, n := range due {
		if n != 0 {
			dv = append(dv, policy.FacetValue{Value: dueValues[i], Count: int(n), Label: dueValues[i]})
		}
	}
	slices.SortFunc(dv, func(a, b policy.FacetValue) int {
		if a.Count != b.Count {
			return b.Count - a.Count
		}
		return strings.Compare(a.Value, b.Value)
	})
	if len(dv) > 0 {
		out.Values[policy.FacetDue] = dv
	}
	return out, last
}

// less compares two entries in the order s, as commitmentOrders.
func (x *commitmentIndex) less(s policy.CommitmentSort) func(a, b *indexEntry) int {
	reading := func(a, b *indexEntry) int {
		if c := cmp.Compare(x.docs[a.doc].key, x.docs[b.doc].key); c != 0 {
			return c
		}
		if a.seq != b.seq {
			return cmp.Compare(a.seq, b.seq)
		}
		if a.start != b.start {
			return cmp.Compare(a.start, b.start)
		}
		return cmp.Compare(a.id, b.id)
	}
	switch s {
	case policy.SortCommitmentsDue:
		return func(a, b *indexEntry) int {
			if a.due != b.due {
				return cmp.Compare(a.due, b.due)
			}
			return reading(a, b)
		}
	case policy.SortCommitmentsUpdated:
		return func(a, b *indexEntry) int {
			if a.updated != b.updated {
				return cmp.Compare(b.updated, a.updated)
			}
			return reading(a, b)
		}
	case policy.SortCommitmentsProgress:
		return func(a, b *indexEntry) int {
			pa, pb := int64(a.progress), int64(b.progress)
			if pa < 0 {
				pa = math.MaxInt16 + 1
			}
			if pb < 0 {
				pb = math.MaxInt16 + 1
			}
			if pa != pb {
				return cmp.Compare(pa, pb)
			}
			return reading(a, b)
		}
	}
	return reading
}

// page lists the ids of f's commitments in f's order, Offset and Limit
// applied, by keeping the first Offset+Limit in a heap as the scan goes.
func (x *commitmentIndex) page(ctx context.Context, f policy.CommitmentFilter) ([]int64, bool) {
	if !x.usable(ctx) {
		return nil, false
	}
	x.mu.RLock()
	defer x.mu.RUnlock()
	if !x.ready {
		return nil, false
	}
	q := x.query(ctx, f)
	if q.none {
		return []int64{}, true
	}
	k := max(f.Offset, 0) + f.Limit
	order := x.less(f.Sort)
	// top is a max-heap of the k first entries seen so far.
	top := make([]*indexEntry, 0, min(k, 1024))
	x.scan(q, func(e *indexEntry, _ int32) {
		if len(top) < k {
			top = append(top, e)
			for i := len(top) - 1; i > 0; {
				p := (i - 1) / 2
				if order(top[p], top[i]) >= 0 {
					break
				}
				top[p], top[i] = top[i], top[p]
				i = p
			}
			return
		}
		if order(e, top[0]) >= 0 {
			return
		}
		top[0] = e
		for i := 0; ; {
			l, r, m := 2*i+1, 2*i+2, i
			if l < len(top) && order(top[l], top[m]) > 0 {
				m = l
			}
			if r < len(top) && order(top[r], top[m]) > 0 {
				m = r
			}
			if m == i {
				break
			}
			top[i], top[m] = top[m], top[i]
			i = m
		}
	}, nil)
	slices.SortFunc(top, order)
	ids := make([]int64, 0, len(top))
	for i, e := range top {
		if i >= max(f.Offset, 0) {
			ids = append(ids, e.id)
		}
	}
	return ids, true
}

// count counts f's commitments and their last change, as CountCommitments
// and CommitmentsUpdatedAt.
func (x *commitmentIndex) count(ctx context.Context, f policy.CommitmentFilter) (int, *time.Time, bool) {
	if !x.usable(ctx) {
		return 0, nil, false
	}
	x.mu.RLock()
	defer x.mu.RUnlock()
	if !x.ready {
		return 0, nil, false
	}
	q := x.query(ctx, f)
	if q.none {
		return 0, nil, true
	}
	c, ok := counted{}, false
	if kept := x.opening[boolIndex(q.drafts)][boolIndex(q.real)]; len(q.active) == 0 && kept.version == x.version && kept.today == q.today && kept.facets.Values != nil {
		c, ok = counted{n: kept.facets.Total, last: kept.last}, true
	} else if x.counted != nil && x.counted.version == x.version {
		c, ok = x.counted.of[countKey(ctx, f)]
	}
	if ok {
		if c.n == 0 {
			return 0, nil, true
		}
		t := time.UnixMicro(c.last)
		return c.n, &t, true
	}
	n, last := 0, int64(math.MinInt64)
	x.scan(q, func(e *indexEntry, _ int32) {
		n++
		last = max(last, e.updated)
	}, nil)
	if n == 0 {
		return 0, nil, true
	}
	t := time.UnixMicro(last)
	return n, &t, true
}
