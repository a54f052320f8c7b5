package postgres

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/guizhou-portal/portal/internal/anchor"
	"github.com/guizhou-portal/portal/internal/policy"
)

// ImportReview is what staff decided in an import's review, saved in the
// import's transaction: a theme for each top-level section, and the
// candidate commitments they accepted, as they edited them.
type ImportReview struct {
	// Themes maps a top-level section's anchor to a theme key, "" for
	// none. Sections it does not name keep the theme they have.
	Themes   map[string]string
	Accepted []AcceptedCandidate
}

// AcceptedCandidate is a candidate commitment staff accepted in a review.
// Its words are Quote in the paragraph Seq of the imported text; Start is
// where the importer found them, for a quote the paragraph holds twice.
type AcceptedCandidate struct {
	Number      int // its number in the review, from 1, for messages
	Seq, Start  int
	Quote       string
	Title       string
	Kind        policy.CommitmentKind
	Strength    policy.Strength
	Status      policy.Status
	StatusBasis string // the reply's own word behind Status; "" for not_assessed
	Lead        string // an entity slug, "" for none
	DueOn       *time.Time
}

// importCandidateDetail is the audit detail of a commitment a review accepted.
type importCandidateDetail struct {
	File      string `json:"file"`
	Candidate int    `json:"candidate"`
}

// CandidateError is why an accepted candidate cannot be saved: its number
// in the review, and why, which it unwraps to (an EINVALID error, often an
// *anchor.QuoteError).
type CandidateError struct {
	Number int
	Err    error
}

func (e *CandidateError) Error() string {
	return "candidate " + strconv.Itoa(e.Number) + ": " + e.Err.Error()
}

// Unwrap gives why, with its code and message.
func (e *CandidateError) Unwrap() error { return e.Err }

// PlaceCandidates places accepted candidates' quotes in their paragraphs
// (texts, by seq) as saving will: each with anchor.Locate, so folded
// punctuation matches too, none overlapping another or a span in taken
// (by seq). It returns each one's span, or the first that cannot be
// placed, as a *CandidateError.
func PlaceCandidates(texts map[int]string, accepted []AcceptedCandidate, taken map[int][]anchor.Taken) ([]anchor.Span, error) {
	out := make([]anchor.Span, len(accepted))
	mine := map[int][]anchor.Taken{}
	for i, c := range accepted {
		text, ok := texts[c.Seq]
		if !ok {
			return nil, &CandidateError{c.Number, &anchor.QuoteError{Reason: anchor.NotInText}}
		}
		all := append(append([]anchor.Taken{}, taken[c.Seq]...), mine[c.Seq]...)
		span, err := anchor.Locate(text, c.Quote, all)
		var qe *anchor.QuoteError
		if errors.As(err, &qe) && qe.Reason == anchor.Repeated {
			// The importer knows which of the occurrences it meant.
			at := anchor.Span{Start: c.Start, End: c.Start + len([]rune(c.Quote))}
			if at.Of(text) == c.Quote {
				span, err = at, nil
				for _, t := range all {
					if at.Start < t.End && t.Start < at.End {
						err = &anchor.QuoteError{Reason: anchor.Overlaps, Label: t.Label}
					}
				}
			}
		}
		if err != nil {
			return nil, &CandidateError{c.Number, err}
		}
		out[i] = span
		mine[c.Seq] = append(mine[c.Seq], anchor.Taken{Span: span, Label: "候选承诺 " + strconv.Itoa(c.Number)})
	}
	return out, nil
}

// writeReview saves what the review decided (im.file.Review): the sections'
// themes and the accepted candidates as commitments, each with its audit
// record. It runs once the text, the sections and the old commitments
// stand, and says whether it changed anything.
func (im *docImport) writeReview(ctx context.Context, sectionIDs map[string]int64) (bool, error) {
	rv := im.file.Review
	if rv == nil {
		return false, nil
	}
	changed := false
	for anchorName, key := range rv.Themes {
		id, ok := sectionIDs[anchorName]
		if !ok {
			continue
		}
		// The old key read in the same statement, for the audit record.
		var before string
		err := im.tx.QueryRow(ctx, `UPDATE sections x SET theme_key = nullif($2, '')
			FROM (SELECT id, coalesce(theme_key, '') AS old FROM sections WHERE id = $1) o
			WHERE x.id = o.id AND x.parent_id IS NULL AND x.theme_key IS DISTINCT FROM nullif($2, '')
			RETURNING o.old`, id, key).Scan(&before)
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) && pgErr.Code == "23503" {
			return false, policy.Errorm(policy.EINVALID, "imp.theme.unknown", key)
		}
		if errors.Is(err, pgx.ErrNoRows) {
			continue
		}
		if err != nil {
			return false, err
		}
		changed = true
		im.themes = append(im.themes, themeChange{Section: anchorName, Before: before, After: key})
	}
	if len(rv.Accepted) == 0 {
		return changed, nil
	}
	texts := map[int]string{}
	for _, p := range im.doc.Paragraphs {
		texts[p.Seq] = p.Text
	}
	taken, err := im.takenSpans(ctx)
	if err != nil {
		return false, err
	}
	spans, err := PlaceCandidates(texts, rv.Accepted, taken)
	if err != nil {
		return false, err
	}
	var author *int64
	if im.actor.UserID != 0 {
		author = &im.actor.UserID
	}
	for i, c := range rv.Accepted {
		span := spans[i]
		sec := anchor.SectionFor(im.text.Sections, "", c.Seq, span.Start)
		sectionID, ok := sectionIDs[sec]
		if !ok {
			return false, &CandidateError{c.Number, policy.Errorm(policy.EINVALID, "err.paragraph.section")}
		}
		var basis *string
		if c.StatusBasis != "" {
			basis = &c.StatusBasis
		}
		var id int64
		err := im.tx.QueryRow(ctx, `
			INSERT INTO commitments (document_id, section_id, paragraph_id, start_offset, end_offset, quote, position,
			                         title, kind, strength, status, status_basis, due_on, created_by)
			VALUES ($1, $2, $3, $4, $5, $6, (SELECT coalesce(max(position), 0) + 1 FROM commitments WHERE document_id = $1),
			        $7, $8, $9, $10, $11, $12, $13)
			RETURNING id`, im.id, sectionID, im.paraID[c.Seq], span.Start, span.End, span.Of(texts[c.Seq]),
			c.Title, c.Kind, c.Strength, c.Status, basis, c.DueOn, author).Scan(&id)
		if err != nil {
			return false, err
		}
		var lead []string
		if c.Lead != "" {
			lead = []string{c.Lead}
		}
		if err := setUnits(ctx, im.tx, id, lead, nil); err != nil {
			return false, err
		}
		after, _, err := lockCommitment(ctx, im.tx, id)
		if err != nil {
			return false, err
		}
		if err := audit(ctx, im.tx, im.actor, policy.ActionCommitmentCreate, "commitment", id, nil, after,
			importCandidateDetail{File: im.file.Name, Candidate: c.Number}); err != nil {
			return false, err
		}
	}
	return true, nil
}

// takenSpans are the spans the document's commitments hold in the new
// text, by paragraph seq, once the import has placed them.
func (im *docImport) takenSpans(ctx context.Context) (map[int][]anchor.Taken, error) {
	rows, err := im.tx.Query(ctx, `
		SELECT p.seq, c.start_offset, c.end_offset, '承诺 ' || c.position || ':' || c.title
		FROM commitments c JOIN paragraphs p ON p.id = c.paragraph_id
		WHERE c.document_id = $1 AND c.parent_id IS NULL AND c.withdrawn_at IS NULL`, im.id)
	if err != nil {
		return nil, err
	}
	out := map[int][]anchor.Taken{}
	var seq int
	var t anchor.Taken
	_, err = pgx.ForEachRow(rows, []any{&seq, &t.Start, &t.End, &t.Label}, func() error {
		out[seq] = append(out[seq], t)
		return nil
	})
	return out, err
}

// SectionThemes maps the top-level sections of the document slug to their
// theme keys ("" for none, which an update keeps unless staff choose), for
// a review of a new text of it to start from; none for a
// document the portal does not have.
func (s *Store) SectionThemes(ctx context.Context, slug string) (map[string]string, error) {
	rows, err := s.pool.Query(ctx, `SELECT x.anchor, coalesce(x.theme_key, '') FROM sections x JOIN documents d ON d.id = x.document_id
		WHERE d.slug = $1 AND x.parent_id IS NULL`, slug)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	var a, k string
	_, err = pgx.ForEachRow(rows, []any{&a, &k}, func() error { out[a] = k; return nil })
	return out, err
}

// writeReadFields stores what the reader took from the reply beyond the
// metadata writeDocument sets: every signing body, the official who
// signed, the class of the answer, the bodies copied and the attachments.
// As there, what the file leaves blank keeps its stored value.
func (im *docImport) writeReadFields(ctx context.Context) error {
	m := im.doc.Meta
	list := func(ss []string) []string {
		if len(ss) == 0 {
			return nil
		}
		return ss
	}
	_, err := im.tx.Exec(ctx, `
		UPDATE documents SET signers = coalesce($2, signers), signed_by = coalesce(nullif($3, ''), signed_by),
		    reply_class = coalesce(nullif($4, ''), reply_class), copied_to = coalesce($5, copied_to),
		    attachments = coalesce($6, attachments)
		WHERE id = $1`, im.id, list(m.Signers), m.Signer, m.ReplyClass, list(m.CC), list(m.Attachments))
	return err
}
