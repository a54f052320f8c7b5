package postgres

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"github.com/jackc/pgx/v5"
)

// oldText is what the document held before: its paragraphs and what is pinned to them.
type oldText struct {
	paragraphs  map[int]string // seq → text
	roles       map[int]string // seq → role
	sections    map[string]oldSection
	commitments []oldCommitment
	figures     []oldFigure
	mentions    []oldSpan
	links       []oldLink
}

type oldSection struct {
	id    int64
	theme *string
}

type oldCommitment struct {
	id              int64
	position        int
	title, quote    string
	seq, start, end int
	sectionAnchor   string
	review          string  // anchor_review, or empty
	previous        *string // previous_quote
}

// ordered is the old paragraphs' text in order of seq.
func (o *oldText) ordered() []string {
	n := 0
	for seq := range o.paragraphs {
		n = max(n, seq)
	}
	out := make([]string, n)
	for seq, text := range o.paragraphs {
		out[seq-1] = text
	}
	return out
}

type oldSpan struct {
	seq, start, end int
	quote           string
	entityID        int64
}

type oldFigure struct {
	oldSpan
	kind, value, unit, baseValue, baseUnit, qualifier, measure string
	period                                                     *string
}

type oldLink struct {
	oldSpan
	toID     int64
	relation string
}

// fingerprint sums everything an import can write for the document: its
// row, paragraphs, sections, figures, mentions, citations and where its
// commitments stand. Rows the import deletes and adds again are summed
// without their ids. What staff change that an import keeps as it is (a
// section's theme, a commitment's status and progress) is left out, so
// that such an edit between a review and its confirmation does not make
// the review stale.
func (im *docImport) fingerprint(ctx context.Context) (string, error) {
	var sum string
	err := im.tx.QueryRow(ctx, `
		SELECT md5(concat_ws('|',
		    (SELECT to_jsonb(d)::text FROM documents d WHERE d.id = $1),
		    (SELECT string_agg(to_jsonb(p)::text, ',' ORDER BY p.seq) FROM paragraphs p WHERE p.document_id = $1),
		    (SELECT string_agg((to_jsonb(x) - 'theme_key')::text, ',' ORDER BY x.id) FROM sections x WHERE x.document_id = $1),
		    (SELECT string_agg((to_jsonb(f) - 'id')::text, ',' ORDER BY f.paragraph_id, f.start_offset, f.end_offset, f.quote)
		     FROM figures f JOIN paragraphs p ON p.id = f.paragraph_id WHERE p.document_id = $1),
		    (SELECT string_agg((to_jsonb(m) - 'id')::text, ',' ORDER BY m.paragraph_id, m.start_offset, m.end_offset, m.entity_id)
		     FROM mentions m JOIN paragraphs p ON p.id = m.paragraph_id WHERE p.document_id = $1),
		    (SELECT string_agg((to_jsonb(l) - 'id')::text, ',' ORDER BY l.paragraph_id, l.start_offset, l.end_offset, l.to_document_id, l.relation, l.quote)
		     FROM document_links l WHERE l.from_document_id = $1),
		    (SELECT string_agg(jsonb_build_array(c.id, c.paragraph_id, c.start_offset, c.end_offset, c.section_id, c.quote, c.anchor_review, c.previous_quote)::text, ','
		                       ORDER BY c.id) FROM commitments c WHERE c.document_id = $1)))`, im.id).Scan(&sum)
	return sum, err
}

func (im *docImport) state(ctx context.Context) (*documentState, error) {
	var st documentState
	var texts []string
	err := im.tx.QueryRow(ctx, `
		SELECT d.title, coalesce(d.doc_number, ''), coalesce(d.index_number, ''), coalesce(d.signed_on::text, ''),
		       coalesce((SELECT array_agg(p.text ORDER BY p.seq) FROM paragraphs p WHERE p.document_id = d.id), '{}')
		FROM documents d WHERE d.id = $1`, im.id).Scan(&st.Title, &st.DocNumber, &st.IndexNumber, &st.SignedOn, &texts)
	sum := sha256.Sum256([]byte(strings.Join(texts, "\n")))
	st.Paragraphs, st.TextSHA256 = len(texts), hex.EncodeToString(sum[:])
	return &st, err
}

// loadOld reads what the document holds before the import.
func (im *docImport) loadOld(ctx context.Context) error {
	o := &im.old
	o.paragraphs, o.roles = map[int]string{}, map[int]string{}
	o.sections = map[string]oldSection{}
	b := &pgx.Batch{}
	b.Queue(`SELECT seq, role, text FROM paragraphs WHERE document_id = $1`, im.id).Fn = func(br pgx.BatchResults) error {
		rows, _ := br.Query()
		var seq int
		var role, text string
		_, err := pgx.ForEachRow(rows, []any{&seq, &role, &text}, func() error { o.paragraphs[seq], o.roles[seq] = text, role; return nil })
		return err
	}
	b.Queue(`SELECT anchor, id, theme_key FROM sections WHERE document_id = $1`, im.id).Fn = func(br pgx.BatchResults) error {
		rows, _ := br.Query()
		var anchor string
		var s oldSection
		_, err := pgx.ForEachRow(rows, []any{&anchor, &s.id, &s.theme}, func() error { o.sections[anchor] = s; return nil })
		return err
	}
	b.Queue(`SELECT c.id, c.position, c.title, c.quote, p.seq, c.start_offset, c.end_offset, x.anchor,
		       coalesce(c.anchor_review, ''), c.previous_quote
		FROM commitments c JOIN paragraphs p ON p.id = c.paragraph_id JOIN sections x ON x.id = c.section_id
		WHERE c.document_id = $1 ORDER BY c.position`, im.id).Fn = func(br pgx.BatchResults) error {
		rows, _ := br.Query()
		var err error
		o.commitments, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (oldCommitment, error) {
			var c oldCommitment
			return c, r.Scan(&c.id, &c.position, &c.title, &c.quote, &c.seq, &c.start, &c.end, &c.sectionAnchor, &c.review, &c.previous)
		})
		return err
	}
	b.Queue(`SELECT p.seq, f.start_offset, f.end_offset, f.quote, f.kind, f.value::text, f.unit, f.base_value::text,
		       f.base_unit, f.qualifier, f.measure, f.period
		FROM figures f JOIN paragraphs p ON p.id = f.paragraph_id WHERE p.document_id = $1`, im.id).Fn = func(br pgx.BatchResults) error {
		rows, _ := br.Query()
		var err error
		o.figures, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (oldFigure, error) {
			var f oldFigure
			return f, r.Scan(&f.seq, &f.start, &f.end, &f.quote, &f.kind, &f.value, &f.unit, &f.baseValue, &f.baseUnit,
				&f.qualifier, &f.measure, &f.period)
		})
		return err
	}
	b.Queue(`SELECT p.seq, m.start_offset, m.end_offset, m.quote, m.entity_id
		FROM mentions m JOIN paragraphs p ON p.id = m.paragraph_id WHERE p.document_id = $1`, im.id).Fn = func(br pgx.BatchResults) error {
		rows, _ := br.Query()
		var err error
		o.mentions, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (oldSpan, error) {
			var m oldSpan
			return m, r.Scan(&m.seq, &m.start, &m.end, &m.quote, &m.entityID)
		})
		return err
	}
	b.Queue(`SELECT p.seq, l.start_offset, l.end_offset, l.quote, l.to_document_id, l.relation
		FROM document_links l JOIN paragraphs p ON p.id = l.paragraph_id WHERE l.from_document_id = $1`, im.id).Fn = func(br pgx.BatchResults) error {
		rows, _ := br.Query()
		var err error
		o.links, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (oldLink, error) {
			var l oldLink
			return l, r.Scan(&l.seq, &l.start, &l.end, &l.quote, &l.toID, &l.relation)
		})
		return err
	}
	return im.tx.SendBatch(ctx, b).Close()
}
