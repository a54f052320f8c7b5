package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/guizhou-portal/portal/internal/policy"
)

// Store reads the policy-document model. Its methods return *policy.Error with
// ENOTFOUND for unknown slugs and ids, and plain errors for database failures.
type Store struct {
	pool *pgxpool.Pool
}

// NewStore returns a store over pool.
func NewStore(pool *pgxpool.Pool) *Store { return &Store{pool: pool} }

const documentColumns = `d.id, d.slug, d.kind, coalesce(d.genre, ''), d.title, coalesce(d.short_title, ''),
	coalesce(d.doc_number, ''), coalesce(d.index_number, ''), coalesce(d.info_category, ''), coalesce(d.issuer, ''),
	coalesce(d.addressee, ''), coalesce(d.proposer, ''), coalesce(d.proposal_no, ''), coalesce(d.session_name, ''),
	d.signed_on, d.generated_at, coalesce(d.disclosure, ''), coalesce(d.validity, ''),
	coalesce(d.contact_person, ''), coalesce(d.contact_phone, ''), coalesce(d.source_name, ''), d.synthetic`

func documentDest(d *policy.Document) []any {
	return []any{&d.ID, &d.Slug, &d.Kind, &d.Genre, &d.Title, &d.ShortTitle, &d.DocNumber, &d.IndexNumber,
		&d.InfoCategory, &d.Issuer, &d.Addressee, &d.Proposer, &d.ProposalNo, &d.SessionName,
		&d.SignedOn, &d.GeneratedAt, &d.Disclosure, &d.Validity, &d.ContactPerson, &d.ContactPhone,
		&d.SourceName, &d.Synthetic}
}

// Documents lists every real document with its counts: replies first, newest
// first, then the documents they answer and cite. Synthetic documents (portal
// demo-data) are left out: they are there to measure, not to read.
func (s *Store) Documents(ctx context.Context) ([]policy.DocumentSummary, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT `+documentColumns+`,
		       (SELECT count(*) FROM paragraphs p WHERE p.document_id = d.id),
		       (SELECT count(*) FROM sections x WHERE x.document_id = d.id),
		       (SELECT count(*) FROM commitments c WHERE c.document_id = d.id AND c.withdrawn_at IS NULL),
		       (SELECT count(*) FROM figures f JOIN paragraphs p ON p.id = f.paragraph_id WHERE p.document_id = d.id),
		       (SELECT count(DISTINCT m.entity_id) FROM mentions m JOIN paragraphs p ON p.id = m.paragraph_id WHERE p.document_id = d.id),
		       (SELECT count(DISTINCT l.from_document_id) FROM document_links l WHERE l.to_document_id = d.id)
		FROM documents d
		WHERE NOT d.synthetic
		ORDER BY d.kind <> 'reply', d.kind <> 'proposal', d.signed_on DESC NULLS LAST, d.id`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (policy.DocumentSummary, error) {
		var d policy.DocumentSummary
		err := r.Scan(append(documentDest(&d.Document), &d.Paragraphs, &d.Sections, &d.Commitments, &d.Figures, &d.Entities, &d.CitedBy)...)
		return d, err
	})
}

// Document returns the document with the given slug.
func (s *Store) Document(ctx context.Context, slug string) (policy.Document, error) {
	var d policy.Document
	err := s.pool.QueryRow(ctx, `SELECT `+documentColumns+` FROM documents d WHERE d.slug = $1`, slug).Scan(documentDest(&d)...)
	return d, notFound(err, "err.document")
}

// FullDocument loads a document with its paragraphs, sections, commitments,
// mentions and links, in one round trip after the document itself.
func (s *Store) FullDocument(ctx context.Context, slug string) (*policy.FullDocument, error) {
	d, err := s.Document(ctx, slug)
	if err != nil {
		return nil, err
	}
	fd := &policy.FullDocument{Document: d}
	b := &pgx.Batch{}
	b.Queue(`SELECT id, seq, role, text FROM paragraphs WHERE document_id = $1 ORDER BY seq`, d.ID).
		Fn = func(br pgx.BatchResults) error {
		rows, _ := br.Query()
		ps, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (policy.Paragraph, error) {
			var p policy.Paragraph
			return p, r.Scan(&p.ID, &p.Seq, &p.Role, &p.Text)
		})
		fd.Paragraphs = ps
		return err
	}
	var sections []*policy.Section
	b.Queue(sectionsSQL+` WHERE x.document_id = $1 ORDER BY ps.seq, x.start_offset, x.parent_id NULLS FIRST`, d.ID).
		Fn = func(br pgx.BatchResults) error {
		rows, _ := br.Query()
		sections, err = pgx.CollectRows(rows, scanSection)
		return err
	}
	var anns []paragraphAnnotation
	collect := func(kind policy.AnnotationKind) func(pgx.BatchResults) error {
		return func(br pgx.BatchResults) error {
			rows, _ := br.Query()
			a, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (paragraphAnnotation, error) {
				pa := paragraphAnnotation{}
				pa.Kind = kind
				return pa, r.Scan(&pa.paragraphID, &pa.Start, &pa.End, &pa.Href, &pa.ID, &pa.Label)
			})
			anns = append(anns, a...)
			return err
		}
	}
	b.Queue(`SELECT c.paragraph_id, c.start_offset, c.end_offset, '/commitments/' || c.id, 'c' || c.id,
		            '承诺 ' || c.position || ':' || c.title
		     FROM commitments c WHERE c.document_id = $1 AND c.withdrawn_at IS NULL`, d.ID).Fn = collect(policy.AnnotateCommitment)
	b.Queue(`SELECT m.paragraph_id, m.start_offset, m.end_offset, '/entities/' || e.slug, '', e.name
		     FROM mentions m JOIN entities e ON e.id = m.entity_id JOIN paragraphs p ON p.id = m.paragraph_id
		     WHERE p.document_id = $1`, d.ID).Fn = collect(policy.AnnotateMention)
	b.Queue(`SELECT l.paragraph_id, l.start_offset, l.end_offset, '/documents/' || t.slug, '', t.title
		     FROM document_links l JOIN documents t ON t.id = l.to_document_id
		     WHERE l.from_document_id = $1 AND l.paragraph_id IS NOT NULL`, d.ID).Fn = collect(policy.AnnotateCitation)
	b.Queue(linksSQL+` WHERE l.from_document_id = $1 ORDER BY p.seq NULLS FIRST, l.start_offset`, d.ID).
		Fn = func(br pgx.BatchResults) error {
		rows, _ := br.Query()
		fd.Outgoing, err = pgx.CollectRows(rows, scanLink)
		return err
	}
	b.Queue(linksSQL+` WHERE l.to_document_id = $1 ORDER BY f.signed_on DESC NULLS LAST, p.seq`, d.ID).
		Fn = func(br pgx.BatchResults) error {
		rows, _ := br.Query()
		fd.Incoming, err = pgx.CollectRows(rows, scanLink)
		return err
	}
	if err := s.pool.SendBatch(ctx, b).Close(); err != nil {
		return nil, err
	}
	fd.Sections = buildTree(sections)
	attach(fd, sections, anns)
	return fd, nil
}

type paragraphAnnotation struct {
	policy.Annotation
	paragraphID int64
}

// attach gives each paragraph its annotations, a zero-width anchor where each
// section begins in it, and the deepest section in which it starts.
func attach(fd *policy.FullDocument, sections []*policy.Section, anns []paragraphAnnotation) {
	index := make(map[int64]int, len(fd.Paragraphs))
	for i, p := range fd.Paragraphs {
		index[p.ID] = i
	}
	for _, a := range anns {
		if i, ok := index[a.paragraphID]; ok {
			fd.Paragraphs[i].Annotations = append(fd.Paragraphs[i].Annotations, a.Annotation)
		}
	}
	for i := range fd.Paragraphs {
		p := &fd.Paragraphs[i]
		for _, sec := range sections {
			if sec.Start.ParagraphSeq == p.Seq {
				p.Annotations = append(p.Annotations, policy.Annotation{Kind: policy.AnnotateAnchor, Start: sec.Start.Offset, ID: sec.Anchor})
			}
			if sec.Contains(p.Seq, 0, 0) && (p.SectionID == 0 || sec.ParentID != 0) {
				p.SectionID = sec.ID
			}
		}
	}
}

// buildTree links sections to their parents and returns the top level, in order.
func buildTree(all []*policy.Section) []*policy.Section {
	byID := make(map[int64]*policy.Section, len(all))
	for _, s := range all {
		byID[s.ID] = s
	}
	var top []*policy.Section
	for _, s := range all {
		if parent, ok := byID[s.ParentID]; ok {
			parent.Children = append(parent.Children, s)
		} else if s.ParentID == 0 {
			top = append(top, s)
		}
	}
	return top
}

const sectionsSQL = `
	SELECT x.id, coalesce(x.parent_id, 0), x.position, x.kind, x.label, x.title, x.anchor,
	       coalesce(x.theme_key, ''), coalesce(t.name_zh, ''), coalesce(t.name_en, ''),
	       ps.seq, x.start_offset, pe.seq, x.end_offset
	FROM sections x
	JOIN paragraphs ps ON ps.id = x.start_paragraph_id
	JOIN paragraphs pe ON pe.id = x.end_paragraph_id
	LEFT JOIN themes t ON t.key = x.theme_key`

func scanSection(r pgx.CollectableRow) (*policy.Section, error) {
	var s policy.Section
	var th policy.Theme
	err := r.Scan(&s.ID, &s.ParentID, &s.Position, &s.Kind, &s.Label, &s.Title, &s.Anchor,
		&th.Key, &th.NameZH, &th.NameEN, &s.Start.ParagraphSeq, &s.Start.Offset, &s.End.ParagraphSeq, &s.End.Offset)
	if th.Key != "" {
		s.Theme = &th
	}
	return &s, err
}

const linksSQL = `
	SELECT l.relation, f.slug, f.title, f.kind, coalesce(f.doc_number, ''), t.slug, t.title, t.kind, coalesce(t.doc_number, ''),
	       p.seq, p.text, l.start_offset, l.end_offset
	FROM document_links l
	JOIN documents f ON f.id = l.from_document_id
	JOIN documents t ON t.id = l.to_document_id
	LEFT JOIN paragraphs p ON p.id = l.paragraph_id`

func scanLink(r pgx.CollectableRow) (policy.DocumentLink, error) {
	var l policy.DocumentLink
	var seq, start, end *int
	var text *string
	err := r.Scan(&l.Relation, &l.From.Slug, &l.From.Title, &l.From.Kind, &l.From.DocNumber,
		&l.To.Slug, &l.To.Title, &l.To.Kind, &l.To.DocNumber, &seq, &text, &start, &end)
	if seq != nil {
		l.Place = &policy.Place{DocumentSlug: l.From.Slug, DocumentTitle: l.From.Title, ParagraphSeq: *seq,
			ParagraphText: *text, Start: *start, End: *end}
	}
	return l, err
}

// Themes lists the section themes in order.
func (s *Store) Themes(ctx context.Context) ([]policy.Theme, error) {
	rows, err := s.pool.Query(ctx, `SELECT key, name_zh, name_en FROM themes ORDER BY position`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[policy.Theme])
}

const commitmentColumns = `
	c.id, c.position, c.title, c.kind, c.strength, c.status, coalesce(c.status_basis, ''), c.progress,
	coalesce(c.time_frame, ''), c.period_start, c.period_end, c.due_on, c.quote, c.version, c.updated_at,
	coalesce(c.public_note, ''), c.withdrawn_at, coalesce(c.withdrawn_reason, ''),
	d.id, d.slug, d.title, coalesce(d.short_title, ''), coalesce(d.doc_number, ''),
	x.id, x.anchor, x.kind, x.label, x.title,
	top.id, top.anchor, top.label, top.title, coalesce(top.theme_key, ''), coalesce(t.name_zh, ''), coalesce(t.name_en, ''),
	p.seq, p.text, c.start_offset, c.end_offset,
	coalesce((SELECT array_agg(e.slug || '|' || e.name ORDER BY e.name) FROM commitment_units u
	          JOIN entities e ON e.id = u.entity_id WHERE u.commitment_id = c.id AND u.role = 'lead'), '{}'),
	coalesce((SELECT array_agg(e.slug || '|' || e.name ORDER BY e.name) FROM commitment_units u
	          JOIN entities e ON e.id = u.entity_id WHERE u.commitment_id = c.id AND u.role = 'support'), '{}')`

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
		&c.Document.ID, &c.Document.Slug, &c.Document.Title, &c.Document.ShortTitle, &c.Document.DocNumber,
		&c.Section.ID, &c.Section.Anchor, &c.Section.Kind, &c.Section.Label, &c.Section.Title,
		&c.TopSection.ID, &c.TopSection.Anchor, &c.TopSection.Label, &c.TopSection.Title, &themeKey, &themeName, &themeNameEN,
		&c.Place.ParagraphSeq, &c.Place.ParagraphText, &c.Place.Start, &c.Place.End, &lead, &support)
	if progress != nil {
		v := int(*progress)
		c.Progress = &v
	}
	c.TopSection.Kind = policy.SectionTop
	if themeKey != "" {
		c.TopSection.Theme = &policy.Theme{Key: themeKey, NameZH: themeName, NameEN: themeNameEN}
	}
	c.Place.DocumentSlug, c.Place.DocumentTitle = c.Document.Slug, c.Document.Title
	c.Lead, c.Support = unitList(lead), unitList(support)
	return c, err
}

func unitList(pairs []string) []policy.Entity {
	out := make([]policy.Entity, 0, len(pairs))
	for _, p := range pairs {
		slug, name, _ := strings.Cut(p, "|")
		out = append(out, policy.Entity{Slug: slug, Name: name})
	}
	return out
}

// Commitments lists the commitments that match f, in document and reading order.
func (s *Store) Commitments(ctx context.Context, f policy.CommitmentFilter) ([]policy.Commitment, error) {
	where, args := commitmentWhere(f)
	const order = " ORDER BY d.synthetic, d.signed_on DESC NULLS LAST, d.id, p.seq, c.start_offset"
	q := `SELECT ` + commitmentColumns + commitmentFrom + " WHERE " + where + order
	if f.Limit > 0 {
		// Pick the page on narrow rows first: sorting every commitment with its
		// paragraph text and units took most of the time at 25,000 commitments.
		q = `SELECT ` + commitmentColumns + commitmentFrom + ` WHERE c.id IN (
			SELECT c.id` + commitmentNarrowFrom + `
			WHERE ` + where + order + fmt.Sprintf(" LIMIT %d OFFSET %d)", f.Limit, max(f.Offset, 0)) + order
	}
	rows, err := s.pool.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanCommitment)
}

// CountCommitments counts the commitments that match f, ignoring its Limit and Offset.
func (s *Store) CountCommitments(ctx context.Context, f policy.CommitmentFilter) (int, error) {
	where, args := commitmentWhere(f)
	var n int
	err := s.pool.QueryRow(ctx, `SELECT count(*)`+commitmentNarrowFrom+` WHERE `+where, args...).Scan(&n)
	return n, err
}

// commitmentNarrowFrom joins what commitmentWhere's conditions need and no
// more: the top section through at most two parents instead of the recursive view.
const commitmentNarrowFrom = `
	FROM commitments c
	JOIN documents d ON d.id = c.document_id
	JOIN paragraphs p ON p.id = c.paragraph_id
	JOIN sections x ON x.id = c.section_id
	LEFT JOIN sections px ON px.id = x.parent_id
	LEFT JOIN sections gx ON gx.id = px.parent_id
	JOIN sections top ON top.id = coalesce(gx.id, px.id, x.id)`

// commitmentWhere is the condition that selects f's commitments, over the
// aliases c, d, p and top, with its arguments.
func commitmentWhere(f policy.CommitmentFilter) (string, []any) {
	where := []string{"c.withdrawn_at IS NULL"}
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	if len(f.Documents) > 0 {
		add("d.slug = ANY($%d)", f.Documents)
	}
	if f.RealOnly {
		where = append(where, "NOT d.synthetic")
	}
	if len(f.Themes) > 0 {
		add("top.theme_key = ANY($%d)", f.Themes)
	}
	if len(f.Statuses) > 0 {
		add("c.status = ANY($%d)", toStrings(f.Statuses))
	}
	if len(f.Kinds) > 0 {
		add("c.kind = ANY($%d)", toStrings(f.Kinds))
	}
	if len(f.Strengths) > 0 {
		add("c.strength = ANY($%d)", toStrings(f.Strengths))
	}
	if len(f.Leads) > 0 {
		add(`EXISTS (SELECT 1 FROM commitment_units u JOIN entities e ON e.id = u.entity_id
		             WHERE u.commitment_id = c.id AND u.role = 'lead' AND e.slug = ANY($%d))`, f.Leads)
	}
	if len(f.Regions) > 0 {
		add(`EXISTS (SELECT 1 FROM commitment_entities ce JOIN entity_lineage l ON l.entity_id = ce.entity_id
		             JOIN entities a ON a.id = l.ancestor_id WHERE ce.commitment_id = c.id AND a.slug = ANY($%d))`, f.Regions)
	}
	if len(f.Minerals) > 0 {
		add(`EXISTS (SELECT 1 FROM commitment_entities ce JOIN entities e ON e.id = ce.entity_id
		             WHERE ce.commitment_id = c.id AND e.slug = ANY($%d))`, f.Minerals)
	}
	if len(f.Years) > 0 {
		add(`EXISTS (SELECT 1 FROM unnest($%d::int[]) AS y
		             WHERE y BETWEEN extract(year FROM coalesce(c.period_start, c.due_on))
		                         AND extract(year FROM coalesce(c.period_end, c.due_on)))`, f.Years)
	}
	return strings.Join(where, " AND "), args
}

func toStrings[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

// LeadUnits lists the entities that lead at least one commitment, for the filter.
func (s *Store) LeadUnits(ctx context.Context) ([]policy.Entity, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT e.slug, e.name, count(*) FROM commitment_units u JOIN entities e ON e.id = u.entity_id
		JOIN commitments c ON c.id = u.commitment_id
		WHERE u.role = 'lead' AND c.withdrawn_at IS NULL GROUP BY e.slug, e.name ORDER BY count(*) DESC, e.name`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (policy.Entity, error) {
		var e policy.Entity
		return e, r.Scan(&e.Slug, &e.Name, &e.Mentions)
	})
}

// Commitment returns one commitment with its figures, the entities its quote
// names, and other commitments that share those entities.
func (s *Store) Commitment(ctx context.Context, id int64) (policy.Commitment, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+commitmentColumns+commitmentFrom+` WHERE c.id = $1`, id)
	if err != nil {
		return policy.Commitment{}, err
	}
	c, err := pgx.CollectExactlyOneRow(rows, scanCommitment)
	if err != nil {
		return c, notFound(err, "err.commitment")
	}
	b := &pgx.Batch{}
	b.Queue(figuresSQL+` WHERE f.paragraph_id = (SELECT paragraph_id FROM commitments WHERE id = $1)
		AND f.start_offset >= (SELECT start_offset FROM commitments WHERE id = $1)
		AND f.end_offset <= (SELECT end_offset FROM commitments WHERE id = $1)
		ORDER BY f.start_offset`, id).Fn = func(br pgx.BatchResults) error {
		rows, _ := br.Query()
		c.Figures, err = pgx.CollectRows(rows, scanFigure)
		return err
	}
	b.Queue(`
		SELECT DISTINCT e.id, e.slug, e.kind, e.name
		FROM commitments c
		JOIN mentions m ON m.paragraph_id = c.paragraph_id AND m.start_offset >= c.start_offset AND m.end_offset <= c.end_offset
		JOIN entities e ON e.id = m.entity_id
		WHERE c.id = $1
		UNION
		SELECT e.id, e.slug, e.kind, e.name FROM commitment_units u JOIN entities e ON e.id = u.entity_id WHERE u.commitment_id = $1
		ORDER BY kind, name`, id).Fn = func(br pgx.BatchResults) error {
		rows, _ := br.Query()
		c.Entities, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (policy.Entity, error) {
			var e policy.Entity
			return e, r.Scan(&e.ID, &e.Slug, &e.Kind, &e.Name)
		})
		return err
	}
	// Other commitments are found from this one's entities (by index), not
	// by computing every commitment's entities and joining: 105 ms instead
	// of 484 ms at 1,000 documents.
	b.Queue(`
		WITH mine AS (`+commitmentEntitiesSQL+` WHERE c.id = $1),
		     theirs AS (
		         SELECT c.id AS commitment_id, m.entity_id
		         FROM mine JOIN mentions m ON m.entity_id = mine.entity_id
		         JOIN commitments c ON c.paragraph_id = m.paragraph_id
		             AND m.start_offset >= c.start_offset AND m.end_offset <= c.end_offset
		         WHERE c.id <> $1
		         UNION
		         SELECT u.commitment_id, u.entity_id
		         FROM mine JOIN commitment_units u ON u.entity_id = mine.entity_id
		         WHERE u.commitment_id <> $1)
		SELECT o.id, o.position, o.title, o.status, count(DISTINCT entity_id) AS shared
		FROM theirs JOIN commitments o ON o.id = theirs.commitment_id
		WHERE o.withdrawn_at IS NULL
		GROUP BY o.id, o.position, o.title, o.status
		ORDER BY shared DESC, o.position
		LIMIT 8`, id).Fn = func(br pgx.BatchResults) error {
		rows, _ := br.Query()
		c.Related, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (policy.Commitment, error) {
			var o policy.Commitment
			var shared int
			return o, r.Scan(&o.ID, &o.Position, &o.Title, &o.Status, &shared)
		})
		return err
	}
	return c, s.pool.SendBatch(ctx, b).Close()
}

// commitmentEntitiesSQL pairs commitments with the entities named in their quote
// or as their units; callers append a condition on c.id.
const commitmentEntitiesSQL = `
	SELECT c.id AS commitment_id, e.entity_id FROM commitments c
	CROSS JOIN LATERAL (
	    SELECT m.entity_id FROM mentions m
	    WHERE m.paragraph_id = c.paragraph_id AND m.start_offset >= c.start_offset AND m.end_offset <= c.end_offset
	    UNION
	    SELECT u.entity_id FROM commitment_units u WHERE u.commitment_id = c.id) e`

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

// Figures lists every figure of a document in reading order.
func (s *Store) Figures(ctx context.Context, documentID int64) ([]policy.Figure, error) {
	rows, err := s.pool.Query(ctx, figuresSQL+` WHERE d.id = $1 ORDER BY p.seq, f.start_offset`, documentID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanFigure)
}

// Entities lists entities of the given kinds (all kinds when none) with their
// mention counts, by kind and then by how often they are mentioned.
func (s *Store) Entities(ctx context.Context, kinds ...policy.EntityKind) ([]policy.Entity, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT e.id, e.slug, e.kind, e.name, coalesce(e.full_name, ''), coalesce(e.description, ''),
		       (SELECT count(*) FROM mentions m WHERE m.entity_id = e.id)
		FROM entities e
		WHERE cardinality($1::text[]) = 0 OR e.kind = ANY($1)
		ORDER BY array_position($2::text[], e.kind), 7 DESC, e.name`, toStrings(kinds), toStrings(policy.EntityKinds))
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (policy.Entity, error) {
		var e policy.Entity
		return e, r.Scan(&e.ID, &e.Slug, &e.Kind, &e.Name, &e.FullName, &e.Description, &e.Mentions)
	})
}

// EntityListLimit is how many mentions and commitments an entity page lists at
// most; it gives the totals too.
const EntityListLimit = 100

// Entity returns an entity with its parent, children, the parks within it,
// aliases, its mentions in context and the commitments that name it, across
// all documents (real ones first, up to EntityListLimit of each, with totals).
func (s *Store) Entity(ctx context.Context, slug string) (*policy.EntityPage, error) {
	var e policy.EntityPage
	var parentSlug, parentName *string
	err := s.pool.QueryRow(ctx, `
		SELECT e.id, e.slug, e.kind, e.name, coalesce(e.full_name, ''), coalesce(e.description, ''), pe.slug, pe.name,
		       coalesce((SELECT array_agg(a.alias ORDER BY a.alias) FROM entity_aliases a WHERE a.entity_id = e.id), '{}')
		FROM entities e LEFT JOIN entities pe ON pe.id = e.parent_id
		WHERE e.slug = $1`, slug).Scan(&e.ID, &e.Slug, &e.Kind, &e.Name, &e.FullName, &e.Description, &parentSlug, &parentName, &e.Aliases)
	if err != nil {
		return nil, notFound(err, "err.entity")
	}
	if parentSlug != nil {
		e.Parent = &policy.Entity{Slug: *parentSlug, Name: *parentName}
	}
	b := &pgx.Batch{}
	b.Queue(`SELECT c.slug, c.kind, c.name, (SELECT count(*) FROM mentions m WHERE m.entity_id = c.id)
		     FROM entities c WHERE c.parent_id = $1 ORDER BY c.kind, c.name`, e.ID).Fn = func(br pgx.BatchResults) error {
		rows, _ := br.Query()
		e.Children, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (policy.Entity, error) {
			var c policy.Entity
			return c, r.Scan(&c.Slug, &c.Kind, &c.Name, &c.Mentions)
		})
		return err
	}
	b.Queue(`SELECT c.slug, c.kind, c.name, (SELECT count(*) FROM mentions m WHERE m.entity_id = c.id), pe.slug, pe.name
		     FROM entity_lineage l JOIN entities c ON c.id = l.entity_id JOIN entities pe ON pe.id = c.parent_id
		     WHERE l.ancestor_id = $1 AND l.entity_id <> $1 AND c.kind = 'park' AND $2 = 'region'
		     ORDER BY pe.name, c.name`, e.ID, e.Kind).Fn = func(br pgx.BatchResults) error {
		rows, _ := br.Query()
		e.Parks, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (policy.Entity, error) {
			var c policy.Entity
			var p policy.Entity
			err := r.Scan(&c.Slug, &c.Kind, &c.Name, &c.Mentions, &p.Slug, &p.Name)
			c.Parent = &p
			return c, err
		})
		return err
	}
	b.Queue(`SELECT count(*) FROM mentions WHERE entity_id = $1`, e.ID).Fn = func(br pgx.BatchResults) error {
		return br.QueryRow().Scan(&e.PlaceTotal)
	}
	b.Queue(`SELECT count(*) FROM commitments c WHERE c.withdrawn_at IS NULL AND c.id IN (
		         SELECT ce.commitment_id FROM commitment_entities ce WHERE ce.entity_id = $1)`, e.ID).
		Fn = func(br pgx.BatchResults) error {
		return br.QueryRow().Scan(&e.CommitmentTotal)
	}
	b.Queue(`SELECT d.slug, d.title, p.seq, p.text, m.start_offset, m.end_offset
		     FROM mentions m JOIN paragraphs p ON p.id = m.paragraph_id JOIN documents d ON d.id = p.document_id
		     WHERE m.entity_id = $1 ORDER BY d.synthetic, d.signed_on DESC NULLS LAST, d.id, p.seq, m.start_offset
		     LIMIT $2`, e.ID, EntityListLimit).
		Fn = func(br pgx.BatchResults) error {
		rows, _ := br.Query()
		e.Places, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (policy.Place, error) {
			var p policy.Place
			return p, r.Scan(&p.DocumentSlug, &p.DocumentTitle, &p.ParagraphSeq, &p.ParagraphText, &p.Start, &p.End)
		})
		return err
	}
	b.Queue(`SELECT `+commitmentColumns+commitmentFrom+`
		     WHERE c.withdrawn_at IS NULL
		       AND (EXISTS (SELECT 1 FROM commitment_units u WHERE u.commitment_id = c.id AND u.entity_id = $1)
		        OR EXISTS (SELECT 1 FROM mentions m WHERE m.entity_id = $1 AND m.paragraph_id = c.paragraph_id
		                   AND m.start_offset >= c.start_offset AND m.end_offset <= c.end_offset))
		     ORDER BY d.synthetic, d.signed_on DESC NULLS LAST, d.id, p.seq, c.start_offset
		     LIMIT $2`, e.ID, EntityListLimit).Fn = func(br pgx.BatchResults) error {
		rows, _ := br.Query()
		e.Commitments, err = pgx.CollectRows(rows, scanCommitment)
		return err
	}
	if err := s.pool.SendBatch(ctx, b).Close(); err != nil {
		return nil, err
	}
	return &e, nil
}
