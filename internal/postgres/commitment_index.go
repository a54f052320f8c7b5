package postgres

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"slices"
	"strconv"
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

// Flush is told that the listener (re)started (live) or stopped: either
// way changes may have gone unheard, so the index answers nothing until it
// has loaded again.
func (x *commitmentIndex) Flush(live bool) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.live = live
	x.ready = false
	if live {
		x.requestLoad()
	} else if x.stopLoad != nil {
		// The listener stopped (at shutdown, above all): a load under way
		// would hold its connection until it ends, and the pool's close waits.
		x.stopLoad()
	}
}

// The tables whose writes change what the index holds, and how it follows a
// write that does not say which rows it touched:
//   - commitments (a truncate, or a statement too large to name its rows):
//     anything may have changed, a withdrawal or a draft included, so the
//     index answers nothing until it has loaded again;
//   - documents: it reads the documents again at once (reloadDocuments);
//   - entities and themes: it reads their names again at once, and loads
//     whole only if a unit's place or kind changed (reloadNames);
//   - the others change where a commitment stands, its regions or units,
//     never whether it may be shown: the index goes on answering while it
//     loads whole in the background, and is a few seconds behind on those.
var (
	unsafeTables  = map[string]bool{"commitments": true, "": true}
	laggingTables = map[string]bool{"commitment_units": true, "sections": true, "paragraphs": true,
		"mentions": true, "entity_aliases": true}
)

// FlushTable is told that a write without tags touched table.
func (x *commitmentIndex) FlushTable(table string) {
	x.mu.RLock()
	ready := x.ready
	x.mu.RUnlock()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var err error
	switch {
	case unsafeTables[table]:
	case !ready:
		// It is loading anyway; the load must see this write.
		if table == "documents" || table == "entities" || table == "themes" || laggingTables[table] {
			x.mu.Lock()
			x.requestLoad()
			x.mu.Unlock()
		}
		return
	case table == "documents":
		if err = x.reloadDocuments(ctx); err == nil {
			return
		}
	case table == "entities" || table == "themes":
		changed, err := x.reloadNames(ctx)
		if err == nil {
			if changed {
				x.mu.Lock()
				x.requestLoad()
				x.mu.Unlock()
			}
			return
		}
	case laggingTables[table]:
		x.mu.Lock()
		x.requestLoad()
		x.mu.Unlock()
		return
	default:
		return // a table the index does not read
	}
	if err != nil {
		x.logger.Warn("the commitment index loads whole after a write it could not follow", "table", table, "err", err)
	}
	x.Flush(true)
}

// InvalidateTable is told that a write to table touched the rows tags name.
// Only writes to commitments and their units change what the index holds;
// the commitments they name (c:<id>) are read again before the listener
// goes on, so that a write's own mark is heard only after.
func (x *commitmentIndex) InvalidateTable(table string, tags []string) {
	if table != "commitments" && table != "commitment_units" {
		return
	}
	x.Invalidate(tags)
}

// Invalidate reads again the commitments the tags name (c:<id>): a
// commitment that is gone or withdrawn leaves the index.
func (x *commitmentIndex) Invalidate(tags []string) {
	var ids []int64
	for _, t := range tags {
		if id, ok := strings.CutPrefix(t, "c:"); ok {
			if n, err := strconv.ParseInt(id, 10, 64); err == nil {
				ids = append(ids, n)
			}
		}
	}
	if len(ids) == 0 {
		return
	}
	x.mu.Lock()
	if x.loading {
		x.heard = append(x.heard, ids...)
	}
	ready := x.ready
	x.mu.Unlock()
	if !ready {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var rows []indexRow
	err := x.read(ctx, ids, func(r *indexRow) { rows = append(rows, *r) })
	x.mu.Lock()
	defer x.mu.Unlock()
	if err != nil {
		x.logger.Warn("the commitment index could not read changed commitments; loading it whole", "err", err)
		x.ready = false
		x.requestLoad()
		return
	}
	if x.ready {
		x.replace(ids, rows)
	}
}

// loadPause is how long a load waits before reading, so that the
// notifications of one transaction, which arrive together, ask for one load.
const loadPause = 50 * time.Millisecond

// requestLoad asks for a whole load: the loader starts one, or reads again
// after the one under way; mu is held.
func (x *commitmentIndex) requestLoad() {
	x.pending = true
	if x.loading {
		return
	}
	x.loading = true
	x.heard = nil
	ctx, cancel := context.WithCancel(context.Background())
	x.stopLoad = cancel
	go x.loader(ctx, cancel)
}

// loader loads the index whole until no newer load is asked for, then
// installs it; a load that fails is tried again after a pause that grows
// from 1 to 30 s. The index is built apart, row by row as PostgreSQL sends
// them, and swapped in: meanwhile the index answers as before, or the SQL
// path does when it is not ready.
func (x *commitmentIndex) loader(ctx context.Context, cancel context.CancelFunc) {
	defer cancel()
	retry := time.Second
	pause := loadPause
	for {
		select {
		case <-time.After(pause):
		case <-ctx.Done():
		}
		pause = loadPause
		x.mu.Lock()
		if !x.live || ctx.Err() != nil {
			x.loading = false
			if x.live && x.pending {
				x.requestLoad() // asked for again after this loader was stopped
			}
			x.mu.Unlock()
			return
		}
		x.pending, x.heard = false, nil
		x.gen++
		x.mu.Unlock()

		began := time.Now()
		fresh, err := x.loadWhole(ctx)
		// Replay what changed while it read, into the fresh index alone,
		// until nothing more was heard: then it is as current as the old.
		for err == nil {
			x.mu.Lock()
			ids := x.heard
			x.heard = nil
			if len(ids) == 0 || x.pending {
				break // with mu held
			}
			x.mu.Unlock()
			var rows []indexRow
			err = x.read(ctx, ids, func(r *indexRow) { rows = append(rows, *r) })
			if err == nil {
				fresh.replace(ids, rows)
			}
		}
		if err != nil {
			if ctx.Err() == nil {
				x.logger.Error("the commitment index could not load; trying again", "err", err, "in", retry)
			}
			pause = retry
			retry = min(2*retry, 30*time.Second)
			x.mu.Lock()
			x.pending = true
			x.mu.Unlock()
			continue
		}
		// mu is held here.
		if x.pending || !x.live {
			x.mu.Unlock()
			continue
		}
		x.entries, x.pos, x.arena, x.garbage = fresh.entries, fresh.pos, fresh.arena, fresh.garbage
		x.docs, x.docByID, x.docBySlug, x.dict = fresh.docs, fresh.docByID, fresh.docBySlug, fresh.dict
		x.themeNames, x.entityNames, x.shape = fresh.themeNames, fresh.entityNames, fresh.shape
		x.version++
		x.loading, x.ready = false, true
		x.mu.Unlock()
		x.logger.Info("commitment index loaded", "commitments", len(fresh.entries), "took", time.Since(began).Round(time.Millisecond).String())
		return
	}
}

// loadWhole reads a whole index.
func (x *commitmentIndex) loadWhole(ctx context.Context) (*commitmentIndex, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	fresh := &commitmentIndex{pool: x.pool, logger: x.logger}
	fresh.reset()
	if _, err := fresh.reloadNames(ctx); err != nil {
		return nil, err
	}
	if err := x.read(ctx, nil, func(r *indexRow) { fresh.add(r) }); err != nil {
		return nil, err
	}
	fresh.relabel()
	return fresh, nil
}

// reset empties the index.
func (x *commitmentIndex) reset() {
	x.entries, x.pos, x.arena, x.garbage = nil, map[int64]int32{}, nil, 0
	x.docs, x.docByID, x.docBySlug = nil, map[int64]int32{}, map[string]int32{}
	x.dict = newDictionary()
	x.themeNames, x.entityNames = map[string]string{}, map[string][2]string{}
}

// reloadNames reads the names of themes and entities, and says whether the
// entities' places (slug, kind, parent) changed since they were last read,
// which changes the values of commitments, not only their labels.
func (x *commitmentIndex) reloadNames(ctx context.Context) (changed bool, err error) {
	themes, entities := map[string]string{}, map[string][2]string{}
	rows, err := x.pool.Query(ctx, `SELECT key, name_zh FROM themes`)
	if err != nil {
		return false, err
	}
	var k, n, en, kind string
	var id, parent int64
	if _, err := pgx.ForEachRow(rows, []any{&k, &n}, func() error { themes[k] = n; return nil }); err != nil {
		return false, err
	}
	rows, err = x.pool.Query(ctx, `SELECT id, slug, kind, coalesce(parent_id, 0), name, coalesce(name_en, '') FROM entities ORDER BY id`)
	if err != nil {
		return false, err
	}
	var shape strings.Builder
	if _, err := pgx.ForEachRow(rows, []any{&id, &k, &kind, &parent, &n, &en}, func() error {
		entities[k] = [2]string{n, en}
		fmt.Fprintf(&shape, "%d %s %s %d;", id, k, kind, parent)
		return nil
	}); err != nil {
		return false, err
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	changed = x.shape != "" && x.shape != shape.String()
	x.themeNames, x.entityNames, x.shape = themes, entities, shape.String()
	if x.ready {
		x.dict.labels = nil
		x.relabel()
		x.version++
	}
	return changed, nil
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

// reloadDocuments reads every document again after a write to documents
// (publishing one, above all) and gives the entries their documents' flags:
// a few milliseconds, where reloading everything took seconds. A document
// whose slug changed, or that is gone, makes it reload everything.
func (x *commitmentIndex) reloadDocuments(ctx context.Context) error {
	rows, err := x.pool.Query(ctx, `SELECT d.id, d.slug, coalesce(d.doc_number, d.short_title, d.title), d.synthetic, d.published_at IS NOT NULL, d.signed_on FROM documents d`)
	if err != nil {
		return err
	}
	type doc struct {
		id                   int64
		slug, label          string
		synthetic, published bool
		signed               *time.Time
	}
	var docs []doc
	var d doc
	if _, err := pgx.ForEachRow(rows, []any{&d.id, &d.slug, &d.label, &d.synthetic, &d.published, &d.signed}, func() error {
		docs = append(docs, d)
		return nil
	}); err != nil {
		return err
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	if !x.ready {
		return nil
	}
	seen := make(map[int64]bool, len(docs))
	for _, d := range docs {
		seen[d.id] = true
		if i, ok := x.docByID[d.id]; ok && x.docs[i].slug != d.slug {
			return errDocumentsMoved
		}
	}
	for _, d := range x.docs {
		if !seen[d.id] {
			return errDocumentsMoved
		}
	}
	for _, d := range docs {
		x.setDoc(d.id, d.slug, d.label, d.synthetic, d.published, d.signed)
	}
	for i := range x.entries {
		e := &x.entries[i]
		e.published, e.synthetic = x.docs[e.doc].published, x.docs[e.doc].synthetic
	}
	// The documents' labels may have changed: name every value again.
	x.dict.labels = nil
	x.relabel()
	x.version++
	return nil
}

var errDocumentsMoved = errors.New("a document was renamed or removed")

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

// less compares two entries in the order s, as commitmentOrders.
func (x *commitmentIndex) less(s policy.CommitmentSort) func(a, b *indexEntry) int {
	reading := func(a, b *indexEntry) int {
		if c := cmpU64(x.docs[a.doc].key, x.docs[b.doc].key); c != 0 {
			return c
		}
		if a.seq != b.seq {
			return cmpI64(int64(a.seq), int64(b.seq))
		}
		if a.start != b.start {
			return cmpI64(int64(a.start), int64(b.start))
		}
		return cmpI64(a.id, b.id)
	}
	switch s {
	case policy.SortCommitmentsDue:
		return func(a, b *indexEntry) int {
			if a.due != b.due {
				return cmpI64(int64(a.due), int64(b.due))
			}
			return reading(a, b)
		}
	case policy.SortCommitmentsUpdated:
		return func(a, b *indexEntry) int {
			if a.updated != b.updated {
				return cmpI64(b.updated, a.updated)
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
				return cmpI64(pa, pb)
			}
			return reading(a, b)
		}
	}
	return reading
}

func cmpI64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func cmpU64(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
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
	cmp := x.less(f.Sort)
	// top is a max-heap of the k first entries seen so far.
	top := make([]*indexEntry, 0, min(k, 1024))
	x.scan(q, func(e *indexEntry, _ int32) {
		if len(top) < k {
			top = append(top, e)
			for i := len(top) - 1; i > 0; {
				p := (i - 1) / 2
				if cmp(top[p], top[i]) >= 0 {
					break
				}
				top[p], top[i] = top[i], top[p]
				i = p
			}
			return
		}
		if cmp(e, top[0]) >= 0 {
			return
		}
		top[0] = e
		for i := 0; ; {
			l, r, m := 2*i+1, 2*i+2, i
			if l < len(top) && cmp(top[l], top[m]) > 0 {
				m = l
			}
			if r < len(top) && cmp(top[r], top[m]) > 0 {
				m = r
			}
			if m == i {
				break
			}
			top[i], top[m] = top[m], top[i]
			i = m
		}
	}, nil)
	slices.SortFunc(top, cmp)
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

// leadUnitsAt is the lead units as they were at an index version.
type leadUnitsAt struct {
	version uint64
	units   []policy.Entity
}

// leadUnits lists the entities that lead a commitment the viewer sees, as
// LeadUnits: most commitments first, then by name. The list is kept until
// the next change.
func (x *commitmentIndex) leadUnits(ctx context.Context) ([]policy.Entity, bool) {
	if !x.usable(ctx) {
		return nil, false
	}
	drafts := 0
	if policy.ViewerFrom(ctx).Drafts {
		drafts = 1
	}
	x.mu.RLock()
	if !x.ready {
		x.mu.RUnlock()
		return nil, false
	}
	if kept := x.leads[drafts]; kept.units != nil && kept.version == x.version {
		x.mu.RUnlock()
		return slices.Clone(kept.units), true
	}
	version := x.version
	lead := slices.IndexFunc(commitmentFilters, func(cf commitmentFilter) bool { return cf.name == policy.FacetLead })
	counts := make([]int, len(x.dict.values))
	x.scan(x.query(ctx, policy.CommitmentFilter{}), func(e *indexEntry, _ int32) {
		for _, v := range x.values(e, lead) {
			counts[v]++
		}
	}, nil)
	out := []policy.Entity{}
	for id, n := range counts {
		if n == 0 {
			continue
		}
		slug := x.dict.values[id]
		names := x.entityNames[slug]
		out = append(out, policy.Entity{Slug: slug, Name: names[0], NameEN: names[1], Mentions: n})
	}
	x.mu.RUnlock()
	slices.SortFunc(out, func(a, b policy.Entity) int {
		if a.Mentions != b.Mentions {
			return b.Mentions - a.Mentions
		}
		return strings.Compare(a.Name, b.Name)
	})
	x.mu.Lock()
	if x.version == version {
		x.leads[drafts] = leadUnitsAt{version: version, units: out}
	}
	x.mu.Unlock()
	return slices.Clone(out), true
}

// indexSupport is the group of an entry's values after the facets': the
// units that support it.
const indexSupport = indexFacets

// unitRollups rolls up every unit's commitments (or the one unit's whose
// slug is given) as unitRollups' SQL does: the commitments not withdrawn,
// not parts, of the documents the viewer sees, judged on the day today;
// satisfaction from the evaluations of the replies each unit leads in,
// which are few and read from PostgreSQL. Ordered by name.
func (x *commitmentIndex) unitRollups(ctx context.Context, today time.Time, slug string) ([]policy.Rollup, bool, error) {
	if !x.usable(ctx) {
		return nil, false, nil
	}
	evaluated, err := x.evaluations(ctx)
	if err != nil {
		return nil, false, err
	}
	x.mu.RLock()
	defer x.mu.RUnlock()
	if !x.ready {
		return nil, false, nil
	}
	q := x.query(ctx, policy.CommitmentFilter{Today: today})
	q.judge = true
	lead := slices.IndexFunc(commitmentFilters, func(cf commitmentFilter) bool { return cf.name == policy.FacetLead })
	type tally struct {
		policy.Rollup
		progress int
		updated  int64
		docs     map[int64]bool // the documents it leads in
	}
	units := map[string]*tally{} // by slug: a unit's ids as lead and as support differ
	x.scan(q, func(e *indexEntry, due int32) {
		if e.part {
			return
		}
		for _, role := range []int{lead, indexSupport} {
			for _, v := range x.values(e, role) {
				key := x.dict.values[v]
				if slug != "" && key != slug {
					continue
				}
				u := units[key]
				if u == nil {
					u = &tally{docs: map[int64]bool{}, updated: math.MinInt64}
					units[key] = u
				}
				u.Count++
				if role == lead {
					u.Led++
					u.docs[x.docs[e.doc].id] = true
				} else {
					u.Supported++
				}
				if e.done {
					u.Completed++
				}
				switch due {
				case dueOverdue:
					u.Overdue++
				case dueSoon:
					u.DueSoon++
				case dueNoDate:
					u.NoDate++
				}
				if e.progress >= 0 {
					u.Known++
					u.progress += int(e.progress)
				}
				u.updated = max(u.updated, e.updated)
			}
		}
	}, nil)
	out := make([]policy.Rollup, 0, len(units))
	for key, u := range units {
		r := u.Rollup
		r.Key = key
		names := x.entityNames[r.Key]
		r.Label, r.LabelEN = names[0], names[1]
		if r.Known > 0 {
			mean := float64(u.progress) / float64(r.Known)
			r.Mean = &mean
		}
		at := time.UnixMicro(u.updated)
		r.UpdatedAt = &at
		var sat *policy.RollupSatisfaction
		for doc := range u.docs {
			if n, ok := evaluated[doc]; ok {
				if sat == nil {
					sat = &policy.RollupSatisfaction{}
				}
				sat.Satisfied += n.Satisfied
				sat.Basic += n.Basic
				sat.Unsatisfied += n.Unsatisfied
			}
		}
		r.Satisfaction = sat
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b policy.Rollup) int { return strings.Compare(a.Label, b.Label) })
	return out, true, nil
}

// evaluations counts the proposers' evaluations of each reply the viewer
// sees, by rating, as unitSatisfactionSQL does: a handful of rows.
func (x *commitmentIndex) evaluations(ctx context.Context) (map[int64]policy.RollupSatisfaction, error) {
	rows, err := x.pool.Query(ctx, `
		SELECT ev.document_id,
		       count(*) FILTER (WHERE ev.rating = 'satisfied'),
		       count(*) FILTER (WHERE ev.rating = 'basically_satisfied'),
		       count(*) FILTER (WHERE ev.rating = 'unsatisfied')
		FROM evaluations ev JOIN documents d ON d.id = ev.document_id
		WHERE `+visible(ctx, "d")+`
		GROUP BY ev.document_id`)
	if err != nil {
		return nil, err
	}
	out := map[int64]policy.RollupSatisfaction{}
	var id int64
	var n policy.RollupSatisfaction
	_, err = pgx.ForEachRow(rows, []any{&id, &n.Satisfied, &n.Basic, &n.Unsatisfied}, func() error {
		out[id] = n
		return nil
	})
	return out, err
}
