package postgres

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/guizhou-portal/portal/internal/anchor"
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
	// Publish publishes the document at once, in the import's transaction;
	// otherwise a new document is saved as a draft, and one already
	// published stays published.
	Publish bool
	// Review, when set, is what staff decided in the review: sections'
	// themes and accepted candidates (document_import_candidates.go).
	Review *ImportReview
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
	Published  bool   // the document is public after the import; false for a draft
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
	// Commitments whose words the new text changed, re-anchored to the
	// changed words for staff to confirm, and those whose words are gone,
	// kept where their words were to be pinned again by hand. None is
	// dropped.
	Reanchored []ReanchoredCommitment
	Unplaced   []UnplacedCommitment
	// Version is the number of the version of the text the import wrote
	// (1 for a new document); 0 when the text is the one already there.
	Version int
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

// ReanchoredCommitment is a commitment whose words the new text changed: it
// now holds the changed words (Now, at Where, as p14:120), Was being the
// words it held before.
type ReanchoredCommitment struct {
	ID       int64
	Position int
	Title    string
	Was, Now string
	Where    string
}

// UnplacedCommitment is a commitment whose words (Quote) the new text no
// longer holds: it is kept, flagged, to be pinned again by hand.
type UnplacedCommitment struct {
	ID       int64
	Position int
	Title    string
	Quote    string
}

// ImportRefusal is why files that parse cannot be saved: a document that
// cannot be told apart from others, a 文号 another document has, or a new
// text without sections for its commitments. Nothing is saved. It unwraps to the first problem, an
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
// and sections are rewritten in place, and a changed text is kept as a new
// version (document_versions). Every commitment, withdrawn ones too, follows
// its words by the alignment of the old text with the new (anchor.Align):
// where its words still stand it is kept there; where they were changed it
// is re-anchored to the changed words, its previous quote kept, and flagged
// for staff to confirm; where they are gone it is kept near where they were,
// flagged as unplaced, to be pinned again by hand. None is dropped. Figures,
// mentions and citations are found again; a measure written for a figure,
// and any figure, mention or citation made by hand, follow their words the
// same way and are listed when their words are gone. Metadata the new file
// leaves blank keeps its stored value.
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
		if res.Published, err = settlePublication(ctx, tx, actor, f, res.DocumentID); err != nil {
			return nil, fmt.Errorf("%s: %w", f.Name, err)
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
	text   anchor.Rewrite    // the old text and the new, for placing what was pinned to the old
	align  *anchor.Alignment // the same, aligned: what follows its words by the diff
	paraID map[int]int64     // new seq → paragraph id
	themes []themeChange     // the sections' themes the review changed, for the audit record
}

// themeChange is one top-level section's theme before and after an import's
// review ("" for none).
type themeChange struct {
	Section string `json:"section"`
	Before  string `json:"before"`
	After   string `json:"after"`
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
	File       string `json:"file"`
	MatchedBy  string `json:"matched_by,omitempty"`
	Version    int    `json:"version,omitempty"`
	Moved      []int  `json:"moved_commitments,omitempty"`
	Reanchored []int  `json:"reanchored_commitments,omitempty"`
	Unplaced   []int  `json:"unplaced_commitments,omitempty"`
	// Quotes whose hand-written annotation the new text could not keep.
	LostMeasures  []string `json:"lost_figure_measures,omitempty"`
	LostCitations []string `json:"lost_citations,omitempty"`
	// The sections' themes the review changed.
	Themes []themeChange `json:"themes,omitempty"`
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
	im.text = anchor.Rewrite{Old: im.old.paragraphs, New: im.doc.Paragraphs, Sections: im.doc.Tree}
	im.align = anchor.Align(im.old.ordered(), newTexts(im.doc))
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
	if err := im.writeCommitments(ctx, places, sectionIDs, &res); err != nil {
		return res, err
	}
	reviewed, err := im.writeReview(ctx, sectionIDs)
	if err != nil {
		return res, err
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
	if err := im.writeReadFields(ctx); err != nil {
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
	if !res.Created && before.TextSHA256 == after.TextSHA256 && len(res.Moved)+len(res.Reanchored)+len(res.Unplaced) == 0 {
		now, err := im.fingerprint(ctx)
		if err != nil {
			return res, err
		}
		if res.Unchanged = now == res.State && !reviewed; res.Unchanged {
			return res, nil
		}
	}
	if res.Version, err = im.writeVersion(ctx, before, after); err != nil {
		return res, err
	}
	action := policy.ActionDocumentImport
	if !res.Created {
		action = policy.ActionDocumentReimport
	}
	detail := importDetail{File: im.file.Name, MatchedBy: res.MatchedBy, Version: res.Version,
		LostMeasures: res.LostMeasures, LostCitations: res.LostCitations, Themes: im.themes}
	for _, m := range res.Moved {
		detail.Moved = append(detail.Moved, m.Position)
	}
	for _, m := range res.Reanchored {
		detail.Reanchored = append(detail.Reanchored, m.Position)
	}
	for _, m := range res.Unplaced {
		detail.Unplaced = append(detail.Unplaced, m.Position)
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
			if c.by != "title" {
				if err := im.titleOfAnother(ctx, ids[0], c.value); err != nil {
					return 0, "", err
				}
			}
			return ids[0], c.by, nil
		default:
			return 0, "", im.refuse("import.err.ambiguous", c.value, strconv.Itoa(len(ids)))
		}
	}
	return 0, "", nil
}

// titleOfAnother refuses a file matched to document id by its 文号 or
// 索引号 (value) whose title is another reply's: saving would give the one
// the other's title, and later imports by title could not tell them apart.
func (im *docImport) titleOfAnother(ctx context.Context, id int64, value string) error {
	var other, own string
	err := im.tx.QueryRow(ctx, `SELECT o.title, d.title FROM documents o, documents d
		WHERE d.id = $2 AND o.kind = 'reply' AND o.id <> $2 AND `+matchKey("o.title")+` = `+matchKey("$1::text")+`
		ORDER BY o.id LIMIT 1`, im.doc.Title, id).Scan(&other, &own)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	return im.refuse("import.err.titleclash", value, own, other)
}

// matchKey is the SQL expression that compares a 文号, 索引号 or title the
// way a reader would: in NFKC (full-width digits and brackets are the
// ASCII ones), with the bracket styles 〔〕[]()（）【】 made one, and without
// whitespace, so that 黔工信提复字 [2023]４号 is 黔工信提复字〔2023〕4号.
func matchKey(expr string) string {
	return `regexp_replace(translate(normalize(` + expr + `, NFKC), '〔〕【】[]', '()()()'), '[[:space:]]+', '', 'g')`
}
