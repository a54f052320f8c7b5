package postgres

// How the commitment index follows the data (commitment_index.go): what
// each kind of write makes it read again, and its whole loads.

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

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
	names := table == "entities" || table == "themes"
	if !unsafeTables[table] && !laggingTables[table] && !names && table != "documents" {
		return // a table the index does not read
	}
	x.mu.RLock()
	ready := x.ready
	x.mu.RUnlock()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var err error
	switch {
	case unsafeTables[table]:
		x.Flush(true)
		return
	case !ready || laggingTables[table]:
		// A load under way must see this write; or the write cannot change
		// what may be shown, and the old index answers while one loads.
		x.loadLater()
		return
	case table == "documents":
		err = x.reloadDocuments(ctx)
	case names:
		var changed bool
		if changed, err = x.reloadNames(ctx); err == nil && changed {
			x.loadLater()
		}
	}
	if err != nil {
		x.logger.Warn("the commitment index loads whole after a write it could not follow", "table", table, "err", err)
		x.Flush(true)
	}
}

// loadLater asks for a whole load while the index goes on answering.
func (x *commitmentIndex) loadLater() {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.requestLoad()
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
