package postgres

import (
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/guizhou-portal/portal/internal/policy"
)

// Store reads the policy-document model. Its methods return *policy.Error with
// ENOTFOUND for unknown slugs and ids, and plain errors for database failures.
type Store struct {
	pool     *pgxpool.Pool
	onChange ChangeHook
	index    *commitmentIndex // commitment_index.go
}

// NewStore returns a store over pool.
func NewStore(pool *pgxpool.Pool) *Store {
	return &Store{pool: pool, index: newCommitmentIndex(pool, nil)}
}

// toStrings turns typed values (statuses, kinds) into the text array a query takes.
func toStrings[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

// The row shapes below are read by several nouns: a document by the list and
// its page; a commitment by the list, its page and an entity's; a figure by a
// document, a commitment and the open data.

// documentColumns are a document's columns, read into documentDest; the query names it d.
const documentColumns = `d.id, d.slug, d.kind, coalesce(d.genre, ''), d.title, coalesce(d.short_title, ''),
	coalesce(d.doc_number, ''), coalesce(d.index_number, ''), coalesce(d.info_category, ''), coalesce(d.issuer, ''),
	coalesce(d.addressee, ''), coalesce(d.proposer, ''), coalesce(d.proposal_no, ''), coalesce(d.session_name, ''),
	d.signed_on, d.generated_at, coalesce(d.disclosure, ''), coalesce(d.validity, ''),
	coalesce(d.contact_person, ''), coalesce(d.contact_phone, ''), coalesce(d.source_name, ''), d.synthetic, d.published_at, coalesce(d.reply_class, ''),
	coalesce(d.title_en, ''), coalesce(d.short_title_en, '')`

func documentDest(d *policy.Document) []any {
	return []any{&d.ID, &d.Slug, &d.Kind, &d.Genre, &d.Title, &d.ShortTitle, &d.DocNumber, &d.IndexNumber,
		&d.InfoCategory, &d.Issuer, &d.Addressee, &d.Proposer, &d.ProposalNo, &d.SessionName,
		&d.SignedOn, &d.GeneratedAt, &d.Disclosure, &d.Validity, &d.ContactPerson, &d.ContactPhone,
		&d.SourceName, &d.Synthetic, &d.PublishedAt, &d.Grade, &d.TitleEN, &d.ShortTitleEN}
}

// commitmentColumns are a commitment's columns with its document, sections,
// paragraph and units, over commitmentFrom, read by scanCommitment.
const commitmentColumns = `
	c.id, c.position, c.title, c.kind, c.strength, c.status, coalesce(c.status_basis, ''), c.progress,
	coalesce(c.time_frame, ''), c.period_start, c.period_end, c.due_on, c.quote, c.version, c.updated_at,
	coalesce(c.public_note, ''), c.withdrawn_at, coalesce(c.withdrawn_reason, ''),
	d.id, d.slug, d.title, coalesce(d.short_title, ''), coalesce(d.doc_number, ''), d.published_at,
	x.id, x.anchor, x.kind, x.label, x.title,
	top.id, top.anchor, top.label, top.title, coalesce(top.theme_key, ''), coalesce(t.name_zh, ''), coalesce(t.name_en, ''),
	p.seq, p.text, c.start_offset, c.end_offset,
	coalesce((SELECT array_agg(e.slug || '|' || e.name || '|' || coalesce(e.name_en, '') ORDER BY e.name) FROM commitment_units u
	          JOIN entities e ON e.id = u.entity_id WHERE u.commitment_id = c.id AND u.role = 'lead'), '{}'),
	coalesce((SELECT array_agg(e.slug || '|' || e.name || '|' || coalesce(e.name_en, '') ORDER BY e.name) FROM commitment_units u
	          JOIN entities e ON e.id = u.entity_id WHERE u.commitment_id = c.id AND u.role = 'support'), '{}'),
	coalesce(c.anchor_review, ''), coalesce(c.previous_quote, ''),
	coalesce(c.parent_id, 0), c.progress_source,
	c.parts_count,
	coalesce(c.verified_status, ''), c.verified_at, c.created_at,
	coalesce(c.title_en, ''), coalesce(d.title_en, ''), coalesce(d.short_title_en, ''), coalesce(x.title_en, ''), coalesce(top.title_en, '')`

// The top section is found by walking up from the commitment's own section;
// the view section_roots walks every section of every document first, which
// made one commitment cost 234 ms at 1,000 documents instead of 8.
const commitmentFrom = `
	FROM commitments c
	JOIN documents d ON d.id = c.document_id
	JOIN sections x ON x.id = c.section_id
	JOIN LATERAL (
	    WITH RECURSIVE up (id, parent_id) AS (
	        SELECT s.id, s.parent_id FROM sections s WHERE s.id = c.section_id
	        UNION ALL
	        SELECT s.id, s.parent_id FROM up JOIN sections s ON s.id = up.parent_id)
	    SELECT id AS root_id FROM up WHERE parent_id IS NULL) r ON true
	JOIN sections top ON top.id = r.root_id
	LEFT JOIN themes t ON t.key = top.theme_key
	JOIN paragraphs p ON p.id = c.paragraph_id`

func scanCommitment(r pgx.CollectableRow) (policy.Commitment, error) {
	var c policy.Commitment
	var progress *int16
	var lead, support []string
	var themeKey, themeName, themeNameEN string
	err := r.Scan(&c.ID, &c.Position, &c.Title, &c.Kind, &c.Strength, &c.Status, &c.StatusBasis, &progress,
		&c.TimeFrame, &c.PeriodStart, &c.PeriodEnd, &c.DueOn, &c.Quote, &c.Version, &c.UpdatedAt,
		&c.PublicNote, &c.WithdrawnAt, &c.WithdrawnReason,
		&c.Document.ID, &c.Document.Slug, &c.Document.Title, &c.Document.ShortTitle, &c.Document.DocNumber, &c.Document.PublishedAt,
		&c.Section.ID, &c.Section.Anchor, &c.Section.Kind, &c.Section.Label, &c.Section.Title,
		&c.TopSection.ID, &c.TopSection.Anchor, &c.TopSection.Label, &c.TopSection.Title, &themeKey, &themeName, &themeNameEN,
		&c.Place.ParagraphSeq, &c.Place.ParagraphText, &c.Place.Start, &c.Place.End, &lead, &support,
		&c.AnchorReview, &c.PreviousQuote, &c.ParentID, &c.ProgressSource, &c.PartCount,
		&c.VerifiedStatus, &c.VerifiedAt, &c.CreatedAt,
		&c.TitleEN, &c.Document.TitleEN, &c.Document.ShortTitleEN, &c.Section.TitleEN, &c.TopSection.TitleEN)
	if progress != nil {
		v := int(*progress)
		c.Progress = &v
	}
	c.TopSection.Kind = policy.SectionTop
	if themeKey != "" {
		c.TopSection.Theme = &policy.Theme{Key: themeKey, NameZH: themeName, NameEN: themeNameEN}
	}
	c.Place.DocumentSlug, c.Place.DocumentTitle, c.Place.DocumentTitleEN = c.Document.Slug, c.Document.Title, c.Document.TitleEN
	c.Lead, c.Support = unitList(lead), unitList(support)
	return c, err
}

func unitList(pairs []string) []policy.Entity {
	out := make([]policy.Entity, 0, len(pairs))
	for _, p := range pairs {
		slug, rest, _ := strings.Cut(p, "|")
		name, nameEN, _ := strings.Cut(rest, "|")
		out = append(out, policy.Entity{Slug: slug, Name: name, NameEN: nameEN})
	}
	return out
}

// figureColumns are a figure's columns; the query joins f, p and d.
const figureColumns = `f.id, f.quote, f.kind, f.value::text, f.unit, f.base_value::text, f.base_unit, f.qualifier, f.measure,
	       coalesce(f.period, ''), d.slug, d.title, p.seq, p.text, f.start_offset, f.end_offset`

const figuresSQL = `
	SELECT ` + figureColumns + `
	FROM figures f JOIN paragraphs p ON p.id = f.paragraph_id JOIN documents d ON d.id = p.document_id`

func figureDest(f *policy.Figure) []any {
	return []any{&f.ID, &f.Quote, &f.Kind, &f.Value, &f.Unit, &f.BaseValue, &f.BaseUnit, &f.Qualifier, &f.Measure,
		&f.Period, &f.Place.DocumentSlug, &f.Place.DocumentTitle, &f.Place.ParagraphSeq, &f.Place.ParagraphText,
		&f.Place.Start, &f.Place.End}
}

func scanFigure(r pgx.CollectableRow) (policy.Figure, error) {
	var f policy.Figure
	err := r.Scan(figureDest(&f)...)
	return f, err
}
