package postgres

import (
	"context"
	"log/slog"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/guizhou-portal/portal/internal/changes"
	"github.com/guizhou-portal/portal/internal/policy"
)

// The commitment index answers the commitments list, its count, its facet
// counts, its last change and the lead units from memory (issue 18): counting
// every facet over 245,000 commitments in PostgreSQL took 0.6 s at 1,000
// documents, and more with every document added. It holds, for every live
// commitment, the values of every filter in commitmentFilters (read with the
// filters' own SQL, so a value means the same on both paths) and the keys of
// every order; a page of the list is then read from PostgreSQL by id.
//
// It follows the data through the change notifications the page cache
// hears (internal/changes): a write that names its commitments or documents
// reloads them before the listener hears anything else, so a staff write,
// which waits for its own mark, reads itself back; a write to a table the
// index derives from without saying what it touched reloads everything.
// Until the index has loaded, while it reloads, and whenever the listener
// is not listening, the store answers from PostgreSQL as before (the SQL
// path, which also serves ?as_of= and the CSV).

// indexFacets are how many of commitmentFilters, the first ones, have
// values read from PostgreSQL; the timeliness filter (the last, indexDue)
// depends on the day asked about and is judged at query time.
const (
	indexFacets = 9
	indexDue    = indexFacets
)

func init() {
	if len(commitmentFilters) != indexFacets+1 || commitmentFilters[indexDue].name != policy.FacetDue {
		panic("postgres: the commitment index expects commitmentFilters' values first and the timeliness filter last")
	}
}

// noDay stands for a missing date in an entry's day fields, after every day.
const noDay = math.MaxInt32

// indexEntry is one live commitment. Its values are dictionary ids of each
// of the indexFacets, kept together in the index's arena: facet i's are
// arena[at+off[i] : at+off[i+1]]. One array for all, in the order the
// entries were added, lets a scan read memory in order.
type indexEntry struct {
	id        int64
	updated   int64 // c.updated_at, microseconds
	at        int32 // its values' start in the arena
	published bool  // its document is published
	synthetic bool  // its document is synthetic (demo data)
	doc       int32 // into commitmentIndex.docs
	seq       int32 // its paragraph's place in the document
	start     int32 // its quote's start in the paragraph
	due       int32 // coalesce(due_on, period_end) in days since 1970, or noDay
	progress  int16 // -1 without
	closed    bool  // completed or dropped: never late
	done      bool  // completed
	part      bool  // a part of another commitment (its units are its parent's)
	// off: the last group of values, after the facets', is its supporting units.
	off [indexFacets + 2]uint16
}

// indexDoc is what the index keeps of a document.
type indexDoc struct {
	id        int64
	slug      string
	label     string
	synthetic bool
	published bool
	// key orders documents as the list does: real before synthetic, the
	// latest signed first (unsigned last), then by id.
	key uint64
}

// dictionary numbers the values of every facet in one sequence, so that
// one array counts them all: a value's id is its place in values, and
// facet its filter's index.
type dictionary struct {
	ids    [indexFacets + 1]map[string]int32 // the last for supporting units
	values []string
	facet  []uint8
	// labels name the values on the facets; rank orders each facet's
	// values by value, as ties in count are shown. Both are made again
	// (relabel) whenever values are added.
	labels []string
	rank   []int32
}

func newDictionary() dictionary {
	var d dictionary
	for i := range d.ids {
		d.ids[i] = map[string]int32{}
	}
	return d
}

func (d *dictionary) id(facet int, v string) int32 {
	if id, ok := d.ids[facet][v]; ok {
		return id
	}
	id := int32(len(d.values))
	d.ids[facet][v] = id
	d.values = append(d.values, v)
	d.facet = append(d.facet, uint8(facet))
	return id
}

// commitmentIndex is the index; see above.
type commitmentIndex struct {
	pool   poolQuerier
	logger *slog.Logger

	mu        sync.RWMutex
	ready     bool // loaded and following the changes
	entries   []indexEntry
	pos       map[int64]int32 // commitment id -> entries index
	arena     []int32         // the entries' values
	garbage   int             // values in the arena that no entry has any more
	docs      []indexDoc
	docByID   map[int64]int32
	docBySlug map[string]int32
	// version counts the changes installed, so that answers kept between
	// changes (the lead units) know when they are stale.
	version uint64
	leads   [2]leadUnitsAt      // by whether the viewer sees drafts
	opening [2][2]openingFacets // by whether the viewer sees drafts, and real documents only
	counted *countedAt          // the counts of the filters whose facets were counted last
	dict    dictionary
	// labels name facet values for the facet counts: document labels come
	// from docs; themes' and entities' names from these.
	themeNames  map[string]string
	entityNames map[string][2]string // slug -> name, English name

	// loading state, under mu: gen counts full reloads asked for; a load
	// installs its result only if no newer one was asked for meanwhile,
	// and replays the tags heard while it read.
	gen     uint64  // whole loads begun
	loading bool    // the loader runs
	pending bool    // a whole load is asked for that has not begun reading
	heard   []int64 // commitments changed since the load under way began reading
	live    bool    // the listener listens
	// stopLoad cancels the load under way.
	stopLoad context.CancelFunc
	// shape says what of the entities' rows the values depend on (slug,
	// kind, parent), to tell a change of names from one of places.
	shape string
}

// poolQuerier is what the index reads through.
type poolQuerier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// CommitmentIndex returns the store's index of commitments, to be told of
// changes (a changes.Receiver). It answers nothing until the listener
// starts, and so is inert in a process that does not listen.
func (s *Store) CommitmentIndex() changes.Receiver {
	return s.index
}

// CommitmentIndexState says whether the index answers (it has loaded and
// follows the changes) and how many commitments it holds.
func (s *Store) CommitmentIndexState() (ready bool, commitments int) {
	if s.index == nil {
		return false, 0
	}
	s.index.mu.RLock()
	defer s.index.mu.RUnlock()
	return s.index.ready, len(s.index.entries)
}

func newCommitmentIndex(pool poolQuerier, logger *slog.Logger) *commitmentIndex {
	if logger == nil {
		logger = slog.Default()
	}
	return &commitmentIndex{pool: pool, logger: logger}
}

// reset empties the index.
func (x *commitmentIndex) reset() {
	x.entries, x.pos, x.arena, x.garbage = nil, map[int64]int32{}, nil, 0
	x.docs, x.docByID, x.docBySlug = nil, map[int64]int32{}, map[string]int32{}
	x.dict = newDictionary()
	x.themeNames, x.entityNames = map[string]string{}, map[string][2]string{}
}

// indexRow is one commitment as the index reads it.
type indexRow struct {
	id, docID        int64
	docSlug, docLbl  string
	synthetic, publ  bool
	signed           *time.Time
	seq, start       int32
	vals             [indexFacets + 1][]string // the last: supporting units
	part             bool
	due              *time.Time
	updated          time.Time
	progress         *int16
	status           string
	withdrawnOrThere bool
}

// indexSQL reads the live commitments, all of them (whole) or those with
// the ids $1. Whole, the values found
// in other tables are grouped once; otherwise each is looked up by its
// commitment.
func indexSQL(whole bool) string {
	var with, cols, joins []string
	for _, cf := range commitmentFilters[:indexFacets] {
		switch {
		case cf.pairs != "" && whole:
			with = append(with, "f_"+cf.name+` AS (SELECT id, array_agg(DISTINCT value) AS vs FROM (`+cf.pairs+`) AS v(id, value) GROUP BY id)`)
			cols = append(cols, "coalesce(f_"+cf.name+".vs, '{}')")
			joins = append(joins, "LEFT JOIN f_"+cf.name+" ON f_"+cf.name+".id = c.id")
		case cf.pairs != "":
			cols = append(cols, `ARRAY(SELECT DISTINCT v.value FROM (`+cf.pairs+`) AS v(id, value) WHERE v.id = c.id)`)
		case cf.many:
			cols = append(cols, cf.value)
		default:
			cols = append(cols, "ARRAY_REMOVE(ARRAY["+cf.value+"::text], NULL)")
		}
	}
	// The supporting units, for the units' roll-ups.
	support := `SELECT u.commitment_id, e.slug FROM commitment_units u JOIN entities e ON e.id = u.entity_id WHERE u.role = 'support'`
	if whole {
		with = append(with, `f_support AS (SELECT id, array_agg(DISTINCT value) AS vs FROM (`+support+`) AS v(id, value) GROUP BY id)`)
		cols = append(cols, "coalesce(f_support.vs, '{}')")
		joins = append(joins, "LEFT JOIN f_support ON f_support.id = c.id")
	} else {
		cols = append(cols, `ARRAY(SELECT DISTINCT v.value FROM (`+support+`) AS v(id, value) WHERE v.id = c.id)`)
	}
	q := `SELECT c.id, d.id, d.slug, coalesce(d.doc_number, d.short_title, d.title), d.synthetic, d.published_at IS NOT NULL, d.signed_on,
	        p.seq, c.start_offset, ` + strings.Join(cols, ", ") + `,
	        ` + commitmentDueSQL + `, c.updated_at, c.progress, c.status, c.parent_id IS NOT NULL` + commitmentNarrowFrom + `
	    ` + strings.Join(joins, "\n") + `
	    WHERE c.withdrawn_at IS NULL`
	if len(with) > 0 {
		q = "WITH " + strings.Join(with, ",\n") + "\n" + q
	}
	if !whole {
		q += ` AND c.id = ANY($1)`
	}
	return q
}

var indexWholeSQL, indexSomeSQL = indexSQL(true), indexSQL(false)

// read reads the live commitments with ids, or all of them when ids is
// nil, calling each with every row in turn (the row is reused).
func (x *commitmentIndex) read(ctx context.Context, ids []int64, each func(*indexRow)) error {
	var rows pgx.Rows
	var err error
	if ids == nil {
		rows, err = x.pool.Query(ctx, indexWholeSQL)
	} else {
		rows, err = x.pool.Query(ctx, indexSomeSQL, ids)
	}
	if err != nil {
		return err
	}
	var r indexRow
	dest := []any{&r.id, &r.docID, &r.docSlug, &r.docLbl, &r.synthetic, &r.publ, &r.signed, &r.seq, &r.start}
	for i := range indexFacets + 1 {
		dest = append(dest, &r.vals[i])
	}
	dest = append(dest, &r.due, &r.updated, &r.progress, &r.status, &r.part)
	_, err = pgx.ForEachRow(rows, dest, func() error {
		each(&r)
		r.vals = [indexFacets + 1][]string{}
		return nil
	})
	return err
}

// replace drops the entries with ids and adds rows; mu is held, or the
// index is not yet shared.
func (x *commitmentIndex) replace(ids []int64, rows []indexRow) {
	drop := map[int64]bool{}
	for _, id := range ids {
		drop[id] = true
	}
	for _, r := range rows {
		drop[r.id] = true
	}
	for id := range drop {
		i, ok := x.pos[id]
		if !ok {
			continue
		}
		x.garbage += int(x.entries[i].off[indexFacets+1])
		last := int32(len(x.entries) - 1)
		if i != last {
			x.entries[i] = x.entries[last]
			x.pos[x.entries[i].id] = i
		}
		x.entries = x.entries[:last]
		delete(x.pos, id)
	}
	for i := range rows {
		x.add(&rows[i])
	}
	if x.garbage > 1<<16 && x.garbage > len(x.arena)/2 {
		x.compact()
	}
	x.relabel()
	x.version++
}

// values are the entry's values of facet f.
func (x *commitmentIndex) values(e *indexEntry, f int) []int32 {
	return x.arena[e.at+int32(e.off[f]) : e.at+int32(e.off[f+1])]
}

// compact drops from the arena the values no entry has; mu is held.
func (x *commitmentIndex) compact() {
	arena := make([]int32, 0, len(x.arena)-x.garbage)
	for i := range x.entries {
		e := &x.entries[i]
		n := e.off[indexFacets+1]
		arena = append(arena, x.arena[e.at:e.at+int32(n)]...)
		e.at = int32(len(arena)) - int32(n)
	}
	x.arena, x.garbage = arena, 0
}

// add adds r's entry; mu is held, and no entry has its id.
func (x *commitmentIndex) add(r *indexRow) {
	x.pos[r.id] = int32(len(x.entries))
	x.entries = append(x.entries, x.entry(r))
}

// entry makes r an entry, updating its document; mu is held.
func (x *commitmentIndex) entry(r *indexRow) indexEntry {
	doc := x.setDoc(r.docID, r.docSlug, r.docLbl, r.synthetic, r.publ, r.signed)
	e := indexEntry{id: r.id, doc: doc, published: r.publ, synthetic: r.synthetic, seq: r.seq, start: r.start, due: noDay, progress: -1, updated: r.updated.UnixMicro(),
		closed: r.status == string(policy.StatusCompleted) || r.status == string(policy.StatusDropped),
		done:   r.status == string(policy.StatusCompleted), part: r.part}
	if r.due != nil {
		e.due = int32(r.due.Unix() / 86400)
	}
	if r.progress != nil {
		e.progress = *r.progress
	}
	e.at = int32(len(x.arena))
	for i := range indexFacets + 1 {
		e.off[i] = uint16(int32(len(x.arena)) - e.at)
		for _, v := range r.vals[i] {
			id := x.dict.id(i, v)
			if !slices.Contains(x.arena[e.at+int32(e.off[i]):], id) {
				x.arena = append(x.arena, id)
			}
		}
	}
	e.off[indexFacets+1] = uint16(int32(len(x.arena)) - e.at)
	return e
}

// setDoc records what the index keeps of a document and returns its place
// in docs; mu is held.
func (x *commitmentIndex) setDoc(id int64, slug, label string, synthetic, published bool, signedOn *time.Time) int32 {
	doc, ok := x.docByID[id]
	if !ok {
		doc = int32(len(x.docs))
		x.docs = append(x.docs, indexDoc{})
		x.docByID[id] = doc
	}
	signed := uint64(1<<20 - 1) // unsigned: after every date
	if signedOn != nil {
		signed = uint64(1<<19) - uint64(max(0, min(1<<19-1, signedOn.Unix()/86400)))
	}
	var synth uint64
	if synthetic {
		synth = 1
	}
	if old := x.docs[doc].slug; old != slug {
		delete(x.docBySlug, old)
		x.docBySlug[slug] = doc
	}
	x.docs[doc] = indexDoc{id: id, slug: slug, label: label, synthetic: synthetic, published: published,
		key: synth<<63 | signed<<40 | uint64(id)&(1<<40-1)}
	return doc
}

// timeliness is the entry's policy.Timeliness on the day today (days since
// 1970), as timelinessSQL and policy.Commitment.TimelinessOn judge it.
func (e *indexEntry) timeliness(today int32) int32 {
	switch {
	case e.due == noDay:
		return dueNoDate
	case e.closed:
		return dueOnTime
	case e.due < today:
		return dueOverdue
	case e.due <= today+policy.DueSoonDays:
		return dueSoon
	}
	return dueOnTime
}

// The timeliness facet's values, by their index in dueValues.
const (
	dueNoDate = iota
	dueOnTime
	dueOverdue
	dueSoon
)

var dueValues = []string{string(policy.TimelinessNoDate), string(policy.TimelinessOnTime),
	string(policy.TimelinessOverdue), string(policy.TimelinessDueSoon)}

// label names a facet's value as CommitmentFacets' SQL does.
func (x *commitmentIndex) label(facet, v string) string {
	var l string
	switch facet {
	case policy.FacetDocument:
		if d, ok := x.docBySlug[v]; ok {
			l = x.docs[d].label
		}
	case policy.FacetTheme:
		l = x.themeNames[v]
	case policy.FacetLead, policy.FacetRegion, policy.FacetMineral:
		l = x.entityNames[v][0]
	case policy.FacetYear:
		l = v + "年"
	}
	if l == "" {
		return v
	}
	return l
}

// relabel names and ranks the dictionary's values when some are new; mu is
// held.
func (x *commitmentIndex) relabel() {
	d := &x.dict
	if len(d.labels) == len(d.values) {
		return
	}
	d.labels, d.rank = make([]string, len(d.values)), make([]int32, len(d.values))
	order := make([]int32, len(d.values))
	for id, v := range d.values {
		d.labels[id] = x.label(commitmentFilters[d.facet[id]].name, v)
		order[id] = int32(id)
	}
	slices.SortFunc(order, func(a, b int32) int { return strings.Compare(d.values[a], d.values[b]) })
	for r, id := range order {
		d.rank[id] = int32(r)
	}
}
