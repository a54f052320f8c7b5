package postgres

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"golang.org/x/text/unicode/norm"

	"github.com/guizhou-portal/portal/internal/importer"
	"github.com/guizhou-portal/portal/internal/policy"
)

// ImportFile is one parsed reply to save, with the name it is known by (a file
// name, or what the upload page calls it) for messages.
type ImportFile struct {
	Name     string
	Document *importer.Document
	// Expect, when set, is what a review of the file promised; if saving it
	// would do something else the import fails with *ImportStale.
	Expect *ImportExpect
}

// ImportExpect is what a review promised: a new document (DocumentID 0), or
// an update of the document DocumentID as it stood in State (the State of
// the review's ImportResult).
type ImportExpect struct {
	DocumentID int64
	State      string
}

// ImportStale is why a reviewed file was not saved: the portal changed since
// the review, so saving would not do what the review showed. It unwraps to
// an ECONFLICT *policy.Error.
type ImportStale struct {
	File string
	Want ImportExpect
	Got  ImportExpect
}

func (e *ImportStale) Error() string {
	return fmt.Sprintf("%s: the portal changed since the review (expected document %d at %s, found %d at %s)",
		e.File, e.Want.DocumentID, e.Want.State, e.Got.DocumentID, e.Got.State)
}

// Unwrap gives the stale review its code.
func (e *ImportStale) Unwrap() error { return policy.Errorm(policy.ECONFLICT, "imp.stale", e.File) }

// ImportResult says what importing one file did, or would do.
type ImportResult struct {
	File       string
	DocumentID int64
	Slug       string
	Title      string
	Created    bool   // a new document; false when it updates one
	MatchedBy  string // doc_number, index_number or title when it updates one
	Paragraphs int
	Sections   int
	Figures    int
	Citations  int
	NewCited   []string // titles of cited documents the portal did not know, added as documents
	Entities   []ImportEntity
	Mentions   int
	// Commitments already pinned to the document's old text: Kept stay where
	// they were; Moved are pinned again where their quote now stands.
	Kept  int
	Moved []MovedCommitment
	// State is the updated document's state before the import, to be given
	// back in ImportExpect; empty when the import creates the document.
	State string
	// Unchanged says that the document already holds exactly what the file
	// would write: nothing was written, and no audit record either.
	Unchanged bool
	// What was written by hand for words the new text no longer holds (or
	// holds more than once), and is therefore not kept: the quotes of figures
	// whose measure or period is dropped, and of citations made by hand.
	LostMeasures, LostCitations []string
}

// ImportEntity is a known entity the imported text names, and how often.
type ImportEntity struct {
	Slug, Name string
	Count      int
}

// MovedCommitment is a commitment whose quote moved in the new text.
type MovedCommitment struct {
	ID       int64
	Position int
	Title    string
	From, To string // paragraph and offset, as p14:120
	// The anchors of its section before and after; a commitment whose
	// words stay put but whose section changes has moved too.
	FromSection, ToSection string
}

// ImportRefusal is why files that parse cannot be saved: commitments whose
// words the new text no longer holds, or a document that cannot be told
// apart from others. Nothing is saved. It unwraps to the first problem, an
// ECONFLICT *policy.Error.
type ImportRefusal struct {
	Problems []*policy.Error
}

func (e *ImportRefusal) Error() string {
	msgs := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		msgs[i] = p.Message
	}
	return strings.Join(msgs, "\n")
}

// Unwrap returns the first problem, so that the refusal has a code.
func (e *ImportRefusal) Unwrap() error { return e.Problems[0] }

// errPreview ends a preview's transaction without saving.
var errPreview = errors.New("preview: roll back")

// ImportDocuments saves parsed replies in one transaction: each becomes a new
// document, or updates the document it matches by 文号, else 索引号, else
// title. Either every file is saved, each with its audit record, or nothing
// is. A refusal (*ImportRefusal, ECONFLICT) names the file and the
// commitments or documents at issue.
//
// Updating keeps the document's id, slug, themes and commitments: paragraphs
// and sections are rewritten in place, and every commitment, withdrawn ones
// too, stays on its words: where they were, or where they now stand if they
// occur once. If a commitment's words are gone or now occur more than once
// elsewhere, the whole import is refused. Figures, mentions and citations are
// found again; a measure written for a figure, and any figure, mention or
// citation made by hand, are kept where their words still stand. Metadata the
// new file leaves blank keeps its stored value.
func (s *Store) ImportDocuments(ctx context.Context, actor policy.Actor, files []ImportFile) ([]ImportResult, error) {
	return s.importDocuments(ctx, actor, files, false)
}

// PreviewImport does everything ImportDocuments would, in a transaction that
// it rolls back, and reports what would happen. Nothing is saved.
func (s *Store) PreviewImport(ctx context.Context, files []ImportFile) ([]ImportResult, error) {
	return s.importDocuments(ctx, policy.Actor{}, files, true)
}

func (s *Store) importDocuments(ctx context.Context, actor policy.Actor, files []ImportFile, preview bool) ([]ImportResult, error) {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(ctx)
	// One import at a time, so that two uploads of a new reply cannot both create it.
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('portal import'))`); err != nil {
		return nil, err
	}
	aliases, ids, names, err := knownAliases(ctx, tx)
	if err != nil {
		return nil, err
	}
	var results []ImportResult
	refusal := &ImportRefusal{}
	for _, f := range files {
		// Each file in a savepoint, so that one that changes nothing
		// leaves nothing behind.
		sp, err := tx.Begin(ctx)
		if err != nil {
			return nil, err
		}
		im := &docImport{tx: sp, actor: actor, file: f, doc: f.Document, aliases: aliases, entityIDs: ids, entityNames: names}
		res, err := im.run(ctx, actor)
		var r *ImportRefusal
		var stale *ImportStale
		switch {
		case errors.As(err, &r):
			refusal.Problems = append(refusal.Problems, r.Problems...)
			continue
		case errors.As(err, &stale):
			return nil, stale
		case err != nil:
			return nil, fmt.Errorf("%s: %w", f.Name, err)
		case res.Unchanged:
			err = sp.Rollback(ctx)
		default:
			err = sp.Commit(ctx)
		}
		if err != nil {
			return nil, err
		}
		results = append(results, res)
	}
	if len(refusal.Problems) > 0 {
		return nil, refusal
	}
	if preview {
		return results, tx.Rollback(ctx)
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, err
	}
	return results, nil
}

func knownAliases(ctx context.Context, tx pgx.Tx) ([]importer.Alias, map[string]int64, map[string]string, error) {
	rows, err := tx.Query(ctx, `SELECT a.alias, e.slug, e.id, e.name FROM entity_aliases a JOIN entities e ON e.id = a.entity_id ORDER BY a.alias`)
	if err != nil {
		return nil, nil, nil, err
	}
	var aliases []importer.Alias
	ids, names := map[string]int64{}, map[string]string{}
	var a importer.Alias
	var id int64
	var name string
	_, err = pgx.ForEachRow(rows, []any{&a.Text, &a.Entity, &id, &name}, func() error {
		aliases = append(aliases, a)
		ids[a.Entity], names[a.Entity] = id, name
		return nil
	})
	return aliases, ids, names, err
}

// docImport is the import of one file.
type docImport struct {
	tx          pgx.Tx
	actor       policy.Actor
	file        ImportFile
	doc         *importer.Document
	aliases     []importer.Alias
	entityIDs   map[string]int64
	entityNames map[string]string

	id     int64
	old    oldText
	paraID map[int]int64 // new seq → paragraph id
}

// oldText is what the document held before: its paragraphs and what is pinned to them.
type oldText struct {
	paragraphs  map[int]string // seq → text
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
	id            int64
	position      int
	title, quote  string
	seq, start    int
	sectionAnchor string
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

// documentState is what the audit log records of a document before and after an import.
type documentState struct {
	Title       string `json:"title"`
	DocNumber   string `json:"doc_number,omitempty"`
	IndexNumber string `json:"index_number,omitempty"`
	SignedOn    string `json:"signed_on,omitempty"`
	Paragraphs  int    `json:"paragraphs"`
	TextSHA256  string `json:"text_sha256"`
}

type importDetail struct {
	File      string `json:"file"`
	MatchedBy string `json:"matched_by,omitempty"`
	Moved     []int  `json:"moved_commitments,omitempty"`
	// Quotes whose hand-written annotation the new text could not keep.
	LostMeasures  []string `json:"lost_figure_measures,omitempty"`
	LostCitations []string `json:"lost_citations,omitempty"`
}

// placeholderDetail is the audit detail of a document an import adds
// because the imported text cites it.
type placeholderDetail struct {
	File    string `json:"file"`
	CitedBy int64  `json:"cited_by"`
}

// emptySHA256 is the text sum of a document without paragraphs.
var emptySHA256 = func() string { s := sha256.Sum256(nil); return hex.EncodeToString(s[:]) }()

func (im *docImport) refuse(id string, args ...any) error {
	return &ImportRefusal{Problems: []*policy.Error{policy.Errorm(policy.ECONFLICT, id, append([]any{im.file.Name}, args...)...)}}
}

func (im *docImport) run(ctx context.Context, actor policy.Actor) (res ImportResult, err error) {
	d := im.doc
	res = ImportResult{File: im.file.Name, Title: d.Title, Paragraphs: len(d.Paragraphs), Figures: len(d.Figures),
		Citations: len(d.Citations)}
	im.id, res.MatchedBy, err = im.match(ctx)
	if err != nil {
		return res, err
	}
	if im.id != 0 {
		// The document's row lock is what creating or restoring a commitment
		// takes too: either they finish first and their commitment is placed
		// on the new text with the rest, or they wait and read the new text.
		if _, err := im.tx.Exec(ctx, `SELECT FROM documents WHERE id = $1 FOR NO KEY UPDATE`, im.id); err != nil {
			return res, err
		}
		if res.State, err = im.fingerprint(ctx); err != nil {
			return res, err
		}
	}
	if e := im.file.Expect; e != nil && (e.DocumentID != im.id || e.State != res.State) {
		return res, &ImportStale{File: im.file.Name, Want: *e, Got: ImportExpect{DocumentID: im.id, State: res.State}}
	}
	var before *documentState
	if im.id == 0 {
		res.Created = true
		if err := im.create(ctx); err != nil {
			return res, err
		}
	} else {
		if before, err = im.state(ctx); err != nil {
			return res, err
		}
		if err := im.loadOld(ctx); err != nil {
			return res, err
		}
	}
	places, err := im.placeCommitments()
	if err != nil {
		return res, err
	}
	if err := im.writeText(ctx); err != nil {
		return res, err
	}
	sectionIDs, err := im.writeSections(ctx)
	if err != nil {
		return res, err
	}
	res.Sections = len(sectionIDs)
	for _, c := range im.old.commitments {
		p := places[c.id]
		if _, err := im.tx.Exec(ctx, `UPDATE commitments SET paragraph_id = $2, start_offset = $3, end_offset = $4, section_id = $5
			WHERE id = $1 AND (paragraph_id, start_offset, end_offset, section_id) IS DISTINCT FROM ($2, $3, $4, $5)`,
			c.id, im.paraID[p.seq], p.start, p.start+utf8.RuneCountInString(c.quote), sectionIDs[p.anchor]); err != nil {
			return res, err
		}
		if p.seq == c.seq && p.start == c.start && p.anchor == c.sectionAnchor {
			res.Kept++
		} else {
			res.Moved = append(res.Moved, MovedCommitment{ID: c.id, Position: c.position, Title: c.title,
				From: fmt.Sprintf("p%d:%d", c.seq, c.start), To: fmt.Sprintf("p%d:%d", p.seq, p.start),
				FromSection: c.sectionAnchor, ToSection: p.anchor})
		}
	}
	if err := im.dropLeftovers(ctx, sectionIDs); err != nil {
		return res, err
	}
	if res.Mentions, res.Entities, err = im.writeMentions(ctx); err != nil {
		return res, err
	}
	if res.LostMeasures, err = im.writeFigures(ctx); err != nil {
		return res, err
	}
	if res.NewCited, res.LostCitations, err = im.writeCitations(ctx); err != nil {
		return res, err
	}
	if err := im.writeDocument(ctx); err != nil {
		return res, err
	}
	after, err := im.state(ctx)
	if err != nil {
		return res, err
	}
	if err := im.tx.QueryRow(ctx, `SELECT slug FROM documents WHERE id = $1`, im.id).Scan(&res.Slug); err != nil {
		return res, err
	}
	res.DocumentID = im.id
	// Only a text that is the same, with every commitment in its place,
	// can have changed nothing; then everything else is compared.
	if !res.Created && before.TextSHA256 == after.TextSHA256 && len(res.Moved) == 0 {
		now, err := im.fingerprint(ctx)
		if err != nil {
			return res, err
		}
		if res.Unchanged = now == res.State; res.Unchanged {
			return res, nil
		}
	}
	action := "document.import"
	if !res.Created {
		action = "document.reimport"
	}
	detail := importDetail{File: im.file.Name, MatchedBy: res.MatchedBy, LostMeasures: res.LostMeasures, LostCitations: res.LostCitations}
	for _, m := range res.Moved {
		detail.Moved = append(detail.Moved, m.Position)
	}
	var beforeState any
	if before != nil {
		beforeState = before
	}
	return res, audit(ctx, im.tx, actor, action, "document", im.id, beforeState, after, detail)
}

// match finds the reply the file updates: by 文号, else 索引号, else title.
// A candidate whose own 文号 or 索引号 contradicts the file's is another
// document that happens to share the rest.
func (im *docImport) match(ctx context.Context) (int64, string, error) {
	m := im.doc.Meta
	for _, c := range []struct{ by, column, value string }{
		{"doc_number", "doc_number", m.DocNumber}, {"index_number", "index_number", m.IndexNumber}, {"title", "title", im.doc.Title},
	} {
		if c.value == "" {
			continue
		}
		// Only replies: a proposal or a cited placeholder that shares the
		// title is another document, never to be overwritten with a reply.
		rows, err := im.tx.Query(ctx, `SELECT id FROM documents WHERE kind = 'reply' AND `+matchKey(c.column)+` = `+matchKey("$1::text")+`
			AND (doc_number IS NULL OR $2 = '' OR `+matchKey("doc_number")+` = `+matchKey("$2::text")+`)
			AND (index_number IS NULL OR $3 = '' OR `+matchKey("index_number")+` = `+matchKey("$3::text")+`)
			ORDER BY id`, c.value, m.DocNumber, m.IndexNumber)
		if err != nil {
			return 0, "", err
		}
		ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			return 0, "", err
		}
		switch len(ids) {
		case 0:
			continue
		case 1:
			return ids[0], c.by, nil
		default:
			return 0, "", im.refuse("import.err.ambiguous", c.value, strconv.Itoa(len(ids)))
		}
	}
	return 0, "", nil
}

// matchKey is the SQL expression that compares a 文号, 索引号 or title the
// way a reader would: in NFKC (full-width digits and brackets are the
// ASCII ones), with the bracket styles 〔〕[]()（）【】 made one, and without
// whitespace, so that 黔工信提复字 [2023]４号 is 黔工信提复字〔2023〕4号.
func matchKey(expr string) string {
	return `regexp_replace(translate(normalize(` + expr + `, NFKC), '〔〕【】[]', '()()()'), '[[:space:]]+', '', 'g')`
}

// docNumberParts reads the year and number of a 文号 such as 黔工信提复字〔2023〕4号.
var docNumberParts = regexp.MustCompile(`[〔\[(【](\d{4})[〕\])】]\s*(\d+)号`)

// create adds the document row with a slug made from its 文号 or date.
func (im *docImport) create(ctx context.Context) error {
	m := im.doc.Meta
	base := "reply"
	if p := docNumberParts.FindStringSubmatch(norm.NFKC.String(m.DocNumber)); p != nil {
		base += "-" + p[1] + "-" + p[2]
	} else if m.SignedOn != "" {
		base += "-" + strings.ReplaceAll(m.SignedOn, "-", "")
	}
	slug, err := im.freeSlug(ctx, base)
	if err != nil {
		return err
	}
	genre := ""
	if strings.Contains(im.doc.Title, "答复") {
		genre = "答复"
	}
	return im.tx.QueryRow(ctx, `INSERT INTO documents (slug, kind, genre, title, source_name)
		VALUES ($1, 'reply', nullif($2, ''), $3, nullif($4, '')) RETURNING id`, slug, genre, im.doc.Title, m.Source).Scan(&im.id)
}

// freeSlug is base, or base-2, base-3 ... if it is taken.
func (im *docImport) freeSlug(ctx context.Context, base string) (string, error) {
	slug := base
	for n := 2; ; n++ {
		var taken bool
		if err := im.tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM documents WHERE slug = $1)`, slug).Scan(&taken); err != nil {
			return "", err
		}
		if !taken {
			return slug, nil
		}
		slug = base + "-" + strconv.Itoa(n)
	}
}

// writeDocument sets the document's metadata from the file; what the file
// leaves blank keeps its stored value.
func (im *docImport) writeDocument(ctx context.Context) error {
	m := im.doc.Meta
	issuer := m.Issuer
	if issuer == "" {
		issuer = m.SigningBody
	}
	_, err := im.tx.Exec(ctx, `
		UPDATE documents SET title = $2,
		    doc_number = coalesce(nullif($3, ''), doc_number),
		    index_number = coalesce(nullif($4, ''), index_number),
		    info_category = coalesce(nullif($5, ''), info_category),
		    issuer = coalesce(nullif($6, ''), issuer),
		    addressee = coalesce(nullif($7, ''), addressee),
		    signed_on = coalesce(nullif($8, '')::date, signed_on),
		    generated_at = coalesce(nullif($9, '')::timestamp, generated_at),
		    disclosure = coalesce(nullif($10, ''), disclosure),
		    validity = coalesce(nullif($11, ''), validity),
		    contact_person = coalesce(nullif($12, ''), contact_person),
		    contact_phone = coalesce(nullif($13, ''), contact_phone)
		WHERE id = $1`, im.id, im.doc.Title, m.DocNumber, m.IndexNumber, m.InfoCategory, issuer, im.doc.Addressee,
		m.SignedOn, m.GeneratedAt, m.Disclosure, m.Validity, m.ContactPerson, m.ContactPhone)
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" {
		return im.refuse("import.err.docnumber", m.DocNumber)
	}
	return err
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
		    (SELECT string_agg(jsonb_build_array(c.id, c.paragraph_id, c.start_offset, c.end_offset, c.section_id, c.quote)::text, ','
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
	o.paragraphs = map[int]string{}
	o.sections = map[string]oldSection{}
	b := &pgx.Batch{}
	b.Queue(`SELECT seq, text FROM paragraphs WHERE document_id = $1`, im.id).Fn = func(br pgx.BatchResults) error {
		rows, _ := br.Query()
		var seq int
		var text string
		_, err := pgx.ForEachRow(rows, []any{&seq, &text}, func() error { o.paragraphs[seq] = text; return nil })
		return err
	}
	b.Queue(`SELECT anchor, id, theme_key FROM sections WHERE document_id = $1`, im.id).Fn = func(br pgx.BatchResults) error {
		rows, _ := br.Query()
		var anchor string
		var s oldSection
		_, err := pgx.ForEachRow(rows, []any{&anchor, &s.id, &s.theme}, func() error { o.sections[anchor] = s; return nil })
		return err
	}
	b.Queue(`SELECT c.id, c.position, c.title, c.quote, p.seq, c.start_offset, x.anchor
		FROM commitments c JOIN paragraphs p ON p.id = c.paragraph_id JOIN sections x ON x.id = c.section_id
		WHERE c.document_id = $1 ORDER BY c.position`, im.id).Fn = func(br pgx.BatchResults) error {
		rows, _ := br.Query()
		var err error
		o.commitments, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (oldCommitment, error) {
			var c oldCommitment
			return c, r.Scan(&c.id, &c.position, &c.title, &c.quote, &c.seq, &c.start, &c.sectionAnchor)
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

// place is where a commitment's quote stands in the new text, and its section.
type place struct {
	seq, start int
	anchor     string
}

// placeCommitments finds every old commitment's quote in the new text: where it
// was, else its one occurrence in the same paragraph, else its one
// occurrence anywhere. A quote that is gone or ambiguous refuses the import.
func (im *docImport) placeCommitments() (map[int64]place, error) {
	out := map[int64]place{}
	var problems []*policy.Error
	for _, c := range im.old.commitments {
		var found []place
		for _, p := range im.doc.Paragraphs {
			for _, at := range runeIndexAll(p.Text, c.quote) {
				found = append(found, place{seq: p.Seq, start: at})
			}
		}
		var pick *place
		var same []place
		for i, f := range found {
			if f.seq == c.seq && f.start == c.start {
				pick = &found[i]
			}
			if f.seq == c.seq {
				same = append(same, f)
			}
		}
		switch {
		case pick != nil:
		case len(same) == 1:
			pick = &same[0]
		case len(found) == 1:
			pick = &found[0]
		}
		quote := truncateRunes(c.quote, 40)
		if pick == nil {
			id := "import.err.lost"
			if len(found) > 1 {
				id = "import.err.twice"
			}
			problems = append(problems, policy.Errorm(policy.ECONFLICT, id, im.file.Name, strconv.Itoa(c.position), quote))
			continue
		}
		pick.anchor = sectionFor(im.doc.Sections, c.sectionAnchor, pick.seq, pick.start)
		if pick.anchor == "" {
			problems = append(problems, policy.Errorm(policy.ECONFLICT, "import.err.outside", im.file.Name, strconv.Itoa(c.position), quote))
			continue
		}
		out[c.id] = *pick
	}
	if len(problems) > 0 {
		return nil, &ImportRefusal{Problems: problems}
	}
	return out, nil
}

// sectionFor is the section a commitment at (seq, offset) belongs to: the
// one it was in if that still holds it, else the deepest that does.
func sectionFor(tree []*importer.Section, was string, seq, offset int) string {
	deepest := ""
	for _, f := range flatten(tree) { // parents before their children
		if holds(f.section, seq, offset) {
			if f.section.Anchor == was {
				return was
			}
			deepest = f.section.Anchor
		}
	}
	return deepest
}

func holds(s *importer.Section, seq, offset int) bool {
	at := func(p importer.Point) int64 { return int64(p.Paragraph)<<32 | int64(p.Offset) }
	x := int64(seq)<<32 | int64(offset)
	return at(s.Start) <= x && x < at(s.End)
}

type flatSection struct {
	section  *importer.Section
	parent   string
	position int
}

// flatten lists the tree parents first.
func flatten(tree []*importer.Section) []flatSection {
	var out []flatSection
	var walk func([]*importer.Section, string)
	walk = func(ss []*importer.Section, parent string) {
		for i, s := range ss {
			out = append(out, flatSection{s, parent, i + 1})
		}
		for _, s := range ss {
			walk(s.Children, s.Anchor)
		}
	}
	walk(tree, "")
	return out
}

// writeText replaces the paragraphs in place, seq by seq, after removing the
// figures, mentions and citations pinned to the old text.
func (im *docImport) writeText(ctx context.Context) error {
	for _, q := range []string{
		`DELETE FROM figures WHERE paragraph_id IN (SELECT id FROM paragraphs WHERE document_id = $1)`,
		`DELETE FROM mentions WHERE paragraph_id IN (SELECT id FROM paragraphs WHERE document_id = $1)`,
		`DELETE FROM document_links WHERE from_document_id = $1 AND paragraph_id IS NOT NULL`,
	} {
		if _, err := im.tx.Exec(ctx, q, im.id); err != nil {
			return err
		}
	}
	// One statement for all paragraphs: a row at a time took seconds for
	// a long reply.
	n := len(im.doc.Paragraphs)
	seqs, roles, texts := make([]int32, n), make([]string, n), make([]string, n)
	for i, p := range im.doc.Paragraphs {
		seqs[i], roles[i], texts[i] = int32(p.Seq), string(p.Role), p.Text
	}
	// A paragraph that has not changed is not written again: its search
	// index entry is the costly part.
	if _, err := im.tx.Exec(ctx, `
		INSERT INTO paragraphs (document_id, seq, role, text)
		SELECT $1, u.seq, u.role, u.text FROM unnest($2::int[], $3::text[], $4::text[]) AS u(seq, role, text)
		ON CONFLICT (document_id, seq) DO UPDATE SET role = excluded.role, text = excluded.text
		WHERE (paragraphs.role, paragraphs.text) IS DISTINCT FROM (excluded.role, excluded.text)`, im.id, seqs, roles, texts); err != nil {
		return err
	}
	rows, err := im.tx.Query(ctx, `SELECT seq, id FROM paragraphs WHERE document_id = $1 AND seq <= $2`, im.id, n)
	if err != nil {
		return err
	}
	im.paraID = make(map[int]int64, n)
	var seq int
	var id int64
	_, err = pgx.ForEachRow(rows, []any{&seq, &id}, func() error { im.paraID[seq] = id; return nil })
	return err
}

// writeSections updates the sections whose anchor remains (keeping their
// id and theme) and adds the new ones. It returns every anchor's id.
func (im *docImport) writeSections(ctx context.Context) (map[string]int64, error) {
	ids := map[string]int64{}
	flat := flatten(im.doc.Sections)
	// Every section steps aside first, so that none holds a place in the
	// numbering that another, new or kept, is about to take: a new 一是
	// ahead of (一) takes position 1 while (一) still holds it. Those going
	// away are deleted later; the rest get their new place below.
	if _, err := im.tx.Exec(ctx, `UPDATE sections SET position = position + 100000
		WHERE document_id = $1`, im.id); err != nil {
		return nil, err
	}
	// One statement per level of the tree, parents first, so that each
	// level knows its parents' ids.
	depth := map[string]int{}
	var levels [][]flatSection
	for _, f := range flat {
		d := 0
		if f.parent != "" {
			d = depth[f.parent] + 1
		}
		depth[f.section.Anchor] = d
		for len(levels) <= d {
			levels = append(levels, nil)
		}
		levels[d] = append(levels[d], f)
	}
	for _, level := range levels {
		n := len(level)
		parents, starts, ends := make([]int64, n), make([]int64, n), make([]int64, n)
		positions, startOffsets, endOffsets := make([]int32, n), make([]int32, n), make([]int32, n)
		kinds, labels, titles, anchors := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
		for i, f := range level {
			s := f.section
			parents[i] = ids[f.parent] // 0 for a top-level section
			positions[i], kinds[i], labels[i], titles[i], anchors[i] = int32(f.position), string(s.Kind), s.Label, s.Title, s.Anchor
			starts[i], startOffsets[i] = im.paraID[s.Start.Paragraph], int32(s.Start.Offset)
			ends[i], endOffsets[i] = im.paraID[s.End.Paragraph], int32(s.End.Offset)
		}
		rows, err := im.tx.Query(ctx, `
			INSERT INTO sections (document_id, parent_id, position, kind, label, title, anchor,
			                      start_paragraph_id, start_offset, end_paragraph_id, end_offset)
			SELECT $1, nullif(u.parent, 0), u.position, u.kind, u.label, u.title, u.anchor, u.sp, u.so, u.ep, u.eo
			FROM unnest($2::bigint[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[], $9::int[], $10::bigint[], $11::int[])
			     AS u(parent, position, kind, label, title, anchor, sp, so, ep, eo)
			ON CONFLICT (document_id, anchor) DO UPDATE SET parent_id = excluded.parent_id, position = excluded.position,
			    kind = excluded.kind, label = excluded.label, title = excluded.title,
			    start_paragraph_id = excluded.start_paragraph_id, start_offset = excluded.start_offset,
			    end_paragraph_id = excluded.end_paragraph_id, end_offset = excluded.end_offset
			RETURNING anchor, id`, im.id, parents, positions, kinds, labels, titles, anchors, starts, startOffsets, ends, endOffsets)
		if err != nil {
			return nil, err
		}
		var anchor string
		var id int64
		if _, err := pgx.ForEachRow(rows, []any{&anchor, &id}, func() error { ids[anchor] = id; return nil }); err != nil {
			return nil, err
		}
	}
	return ids, nil
}

// dropLeftovers removes the sections and paragraphs the new text no longer
// has, once every commitment stands on the new text.
func (im *docImport) dropLeftovers(ctx context.Context, sectionIDs map[string]int64) error {
	keep := make([]int64, 0, len(sectionIDs))
	for _, id := range sectionIDs {
		keep = append(keep, id)
	}
	if _, err := im.tx.Exec(ctx, `DELETE FROM sections WHERE document_id = $1 AND NOT id = ANY($2)`, im.id, keep); err != nil {
		return err
	}
	_, err := im.tx.Exec(ctx, `DELETE FROM paragraphs WHERE document_id = $1 AND seq > $2`, im.id, len(im.doc.Paragraphs))
	return err
}

// relocate finds an old span's words in the new text, as commitments are
// found: where they were; else their one occurrence in the paragraph of the
// same seq, or the same occurrence of as many there as the old paragraph
// had; else the same place in the one new paragraph whose text is the old
// paragraph's; else their one occurrence anywhere. It returns the paragraph
// and the start offset.
func (im *docImport) relocate(s oldSpan) (int, int, bool) {
	n := utf8.RuneCountInString(s.quote)
	if s.quote == "" {
		return 0, 0, false
	}
	at := func(text string, start int) bool {
		r := []rune(text)
		return start+n <= len(r) && string(r[start:start+n]) == s.quote
	}
	if s.seq >= 1 && s.seq <= len(im.doc.Paragraphs) {
		text := im.doc.Paragraphs[s.seq-1].Text
		if at(text, s.start) {
			return s.seq, s.start, true
		}
		now := runeIndexAll(text, s.quote)
		if len(now) == 1 {
			return s.seq, now[0], true
		}
		if old, ok := im.old.paragraphs[s.seq]; ok && len(now) > 1 {
			if was := runeIndexAll(old, s.quote); len(was) == len(now) {
				if k := slices.Index(was, s.start); k >= 0 {
					return s.seq, now[k], true
				}
			}
		}
	}
	if oldText, ok := im.old.paragraphs[s.seq]; ok {
		seq := 0
		for _, p := range im.doc.Paragraphs {
			if p.Text == oldText {
				if seq != 0 {
					seq = -1
					break
				}
				seq = p.Seq
			}
		}
		if seq > 0 {
			return seq, s.start, true
		}
	}
	seq, start := 0, 0
	for _, p := range im.doc.Paragraphs {
		for _, i := range runeIndexAll(p.Text, s.quote) {
			if seq != 0 {
				return 0, 0, false
			}
			seq, start = p.Seq, i
		}
	}
	return seq, start, seq != 0
}

// writeMentions links the known entities, and keeps mentions made by hand
// where their words stand and no found mention overlaps them.
func (im *docImport) writeMentions(ctx context.Context) (int, []ImportEntity, error) {
	found := importer.LinkEntities(im.doc, im.aliases)
	type key struct{ seq, start, end int }
	type span struct {
		key
		quote    string
		entityID int64
	}
	var all []span
	covered := map[int][][2]int{}
	for _, m := range found {
		all = append(all, span{key{m.Paragraph, m.Start, m.End}, m.Quote, im.entityIDs[m.Entity]})
		covered[m.Paragraph] = append(covered[m.Paragraph], [2]int{m.Start, m.End})
	}
	for _, m := range im.old.mentions {
		seq, start, ok := im.relocate(m)
		if !ok {
			continue
		}
		end := start + m.end - m.start
		overlaps := false
		for _, c := range covered[seq] {
			overlaps = overlaps || (c[0] < end && start < c[1])
		}
		if !overlaps {
			all = append(all, span{key{seq, start, end}, m.quote, m.entityID})
		}
	}
	counts := map[int64]int{}
	n := len(all)
	entityIDs, paraIDs, starts, ends, quotes := make([]int64, n), make([]int64, n), make([]int32, n), make([]int32, n), make([]string, n)
	for i, m := range all {
		entityIDs[i], paraIDs[i], starts[i], ends[i], quotes[i] = m.entityID, im.paraID[m.seq], int32(m.start), int32(m.end), m.quote
		counts[m.entityID]++
	}
	if _, err := im.tx.Exec(ctx, `INSERT INTO mentions (entity_id, paragraph_id, start_offset, end_offset, quote)
		SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::int[], $4::int[], $5::text[]) ON CONFLICT DO NOTHING`,
		entityIDs, paraIDs, starts, ends, quotes); err != nil {
		return 0, nil, err
	}
	var entities []ImportEntity
	for _, m := range found {
		id := im.entityIDs[m.Entity]
		if counts[id] > 0 {
			entities = append(entities, ImportEntity{Slug: m.Entity, Name: im.entityNames[m.Entity], Count: counts[id]})
			counts[id] = 0
		}
	}
	return len(all), entities, nil
}

// writeFigures saves the figures found, with the measure and period written
// for a figure at the same words before; figures added by hand stay where
// their words stand.
func (im *docImport) writeFigures(ctx context.Context) ([]string, error) {
	type key struct {
		seq, start int
		quote      string
	}
	old := map[key]oldFigure{}
	var lost []string
	for _, f := range im.old.figures {
		if seq, start, ok := im.relocate(f.oldSpan); ok {
			f.end += start - f.start
			f.start = start
			old[key{seq, start, f.quote}] = f
		} else if f.measure != "" || f.period != nil {
			lost = append(lost, f.quote)
		}
	}
	// Two statements, the figures found and those kept from before: a row
	// at a time took seconds for a long reply.
	var rows figureRows
	for _, f := range im.doc.Figures {
		measure, period := "", (*string)(nil)
		k := key{f.Paragraph, f.Start, f.Quote}
		if o, ok := old[k]; ok {
			measure, period = o.measure, o.period
			delete(old, k)
		}
		rows.add(im.paraID[f.Paragraph], f.Start, f.End, f.Quote, string(f.Kind), f.Value, f.Unit, f.BaseValue, f.BaseUnit,
			f.Qualifier, measure, period)
	}
	if err := rows.insert(ctx, im.tx, ""); err != nil {
		return nil, err
	}
	var kept figureRows
	for k, o := range old {
		kept.add(im.paraID[k.seq], o.start, o.end, o.quote, o.kind, o.value, o.unit, o.baseValue, o.baseUnit, o.qualifier,
			o.measure, o.period)
	}
	if err := kept.insert(ctx, im.tx, "ON CONFLICT DO NOTHING"); err != nil {
		return nil, err
	}
	return lost, nil
}

// figureRows are figures to insert in one statement, column by column.
type figureRows struct {
	paragraphs                                                          []int64
	starts, ends                                                        []int32
	quotes, kinds, values, units, baseValues, baseUnits, qualifiers, ms []string
	periods                                                             []*string
}

func (r *figureRows) add(paragraph int64, start, end int, quote, kind, value, unit, baseValue, baseUnit, qualifier, measure string, period *string) {
	r.paragraphs = append(r.paragraphs, paragraph)
	r.starts, r.ends = append(r.starts, int32(start)), append(r.ends, int32(end))
	r.quotes, r.kinds, r.values, r.units = append(r.quotes, quote), append(r.kinds, kind), append(r.values, value), append(r.units, unit)
	r.baseValues, r.baseUnits, r.qualifiers = append(r.baseValues, baseValue), append(r.baseUnits, baseUnit), append(r.qualifiers, qualifier)
	r.ms, r.periods = append(r.ms, measure), append(r.periods, period)
}

func (r *figureRows) insert(ctx context.Context, tx pgx.Tx, onConflict string) error {
	if len(r.paragraphs) == 0 {
		return nil
	}
	_, err := tx.Exec(ctx, `INSERT INTO figures (paragraph_id, start_offset, end_offset, quote, kind, value, unit,
		    base_value, base_unit, qualifier, measure, period)
		SELECT p, s, e, q, k, v::numeric, u, bv::numeric, bu, ql, m, pd
		FROM unnest($1::bigint[], $2::int[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
		            $10::text[], $11::text[], $12::text[]) AS x(p, s, e, q, k, v, u, bv, bu, ql, m, pd) `+onConflict,
		r.paragraphs, r.starts, r.ends, r.quotes, r.kinds, r.values, r.units, r.baseValues, r.baseUnits, r.qualifiers, r.ms, r.periods)
	return err
}

// writeCitations links every 《》 title to the document of that title, adding
// one the portal does not know yet. A title in the opening is what the reply
// answers. Citations made by hand stay where their words stand.
func (im *docImport) writeCitations(ctx context.Context) (added, lost []string, err error) {
	opening := map[int]bool{}
	for _, p := range im.doc.Paragraphs {
		opening[p.Seq] = p.Role == policy.RoleOpening
	}
	for _, c := range im.doc.Citations {
		relation, kind := "cites", "policy"
		if opening[c.Paragraph] {
			relation, kind = "replies_to", "proposal"
		} else if strings.HasSuffix(c.Title, "报告") {
			kind = "report"
		}
		var to int64
		err := im.tx.QueryRow(ctx, `SELECT id FROM documents WHERE title = $1 AND id <> $2 ORDER BY synthetic, kind = 'reply', id LIMIT 1`,
			c.Title, im.id).Scan(&to)
		if errors.Is(err, pgx.ErrNoRows) {
			// The slug of a placeholder renamed since may be taken.
			sum := sha256.Sum256([]byte(c.Title))
			var slug string
			if slug, err = im.freeSlug(ctx, "cited-"+hex.EncodeToString(sum[:6])); err != nil {
				return nil, nil, err
			}
			err = im.tx.QueryRow(ctx, `INSERT INTO documents (slug, kind, title) VALUES ($1, $2, $3) RETURNING id`,
				slug, kind, c.Title).Scan(&to)
			if err == nil {
				added = append(added, c.Title)
				err = audit(ctx, im.tx, im.actor, "document.placeholder", "document", to, nil,
					&documentState{Title: c.Title, TextSHA256: emptySHA256}, placeholderDetail{File: im.file.Name, CitedBy: im.id})
			}
		}
		if err != nil {
			return nil, nil, err
		}
		if _, err := im.tx.Exec(ctx, `INSERT INTO document_links (from_document_id, to_document_id, relation, paragraph_id,
			    start_offset, end_offset, quote) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
			im.id, to, relation, im.paraID[c.Paragraph], c.Start, c.End, c.Quote); err != nil {
			return nil, nil, err
		}
	}
	for _, l := range im.old.links {
		seq, start, ok := im.relocate(l.oldSpan)
		if !ok {
			if !strings.HasPrefix(l.quote, "《") {
				lost = append(lost, l.quote)
			}
			continue
		}
		l.end += start - l.start
		l.start = start
		if _, err := im.tx.Exec(ctx, `INSERT INTO document_links (from_document_id, to_document_id, relation, paragraph_id,
			    start_offset, end_offset, quote)
			SELECT $1, $2, $3, $4, $5, $6, $7
			WHERE NOT EXISTS (SELECT 1 FROM document_links WHERE from_document_id = $1 AND paragraph_id = $4
			                  AND start_offset < $6 AND $5 < end_offset)`,
			im.id, l.toID, l.relation, im.paraID[seq], l.start, l.end, l.quote); err != nil {
			return nil, nil, err
		}
	}
	return added, lost, nil
}

// runeIndexAll lists the code-point offsets at which sub occurs in s.
func runeIndexAll(s, sub string) []int {
	var out []int
	if sub == "" {
		return nil
	}
	runes := 0
	for from := 0; ; {
		i := strings.Index(s[from:], sub)
		if i < 0 {
			return out
		}
		runes += utf8.RuneCountInString(s[from : from+i])
		out = append(out, runes)
		_, size := utf8.DecodeRuneInString(s[from+i:])
		runes++
		from += i + size
	}
}

func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
