package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/guizhou-portal/portal/internal/policy"
)

// Document returns the document with the given slug; a draft is ENOTFOUND
// unless the context's viewer sees drafts.
func (s *Store) Document(ctx context.Context, slug string) (policy.Document, error) {
	var d policy.Document
	err := s.pool.QueryRow(ctx, `SELECT `+documentColumns+` FROM documents d WHERE d.slug = $1 AND `+visible(ctx, "d"), slug).
		Scan(documentDest(&d)...)
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
				return pa, r.Scan(&pa.paragraphID, &pa.Start, &pa.End, &pa.Href, &pa.ID, &pa.Label, &pa.Status, &pa.Due)
			})
			anns = append(anns, a...)
			return err
		}
	}
	// An unplaced commitment's words are not in the text: nothing to mark. A
	// part stands on its parent's words, which mark the parent.
	b.Queue(asOf(ctx, `SELECT c.paragraph_id, c.start_offset, c.end_offset, '/commitments/' || c.id, 'c' || c.id,
		            '承诺 ' || c.position || ':' || c.title, c.status, `+commitmentDueSQL+`
		     FROM commitments c
		     WHERE c.document_id = $1 AND c.withdrawn_at IS NULL AND c.parent_id IS NULL
		       AND c.anchor_review IS DISTINCT FROM 'unplaced'`), d.ID).Fn = collect(policy.AnnotateCommitment)
	b.Queue(`SELECT m.paragraph_id, m.start_offset, m.end_offset, '/entities/' || e.slug, '', e.name, '', NULL::date
		     FROM mentions m JOIN entities e ON e.id = m.entity_id JOIN paragraphs p ON p.id = m.paragraph_id
		     WHERE p.document_id = $1`, d.ID).Fn = collect(policy.AnnotateMention)
	b.Queue(`SELECT l.paragraph_id, l.start_offset, l.end_offset, '/documents/' || t.slug, '', t.title, '', NULL::date
		     FROM document_links l JOIN documents t ON t.id = l.to_document_id
		     WHERE l.from_document_id = $1 AND l.paragraph_id IS NOT NULL AND `+visible(ctx, "t"), d.ID).Fn = collect(policy.AnnotateCitation)
	b.Queue(linksSQL+` WHERE l.from_document_id = $1 AND `+visible(ctx, "t")+` ORDER BY p.seq NULLS FIRST, l.start_offset`, d.ID).
		Fn = func(br pgx.BatchResults) error {
		rows, _ := br.Query()
		fd.Outgoing, err = pgx.CollectRows(rows, scanLink)
		return err
	}
	b.Queue(linksSQL+` WHERE l.to_document_id = $1 AND `+visible(ctx, "f")+` ORDER BY f.signed_on DESC NULLS LAST, p.seq`, d.ID).
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
	       ps.seq, x.start_offset, pe.seq, x.end_offset, coalesce(x.title_en, '')
	FROM sections x
	JOIN paragraphs ps ON ps.id = x.start_paragraph_id
	JOIN paragraphs pe ON pe.id = x.end_paragraph_id
	LEFT JOIN themes t ON t.key = x.theme_key`

func scanSection(r pgx.CollectableRow) (*policy.Section, error) {
	var s policy.Section
	var th policy.Theme
	err := r.Scan(&s.ID, &s.ParentID, &s.Position, &s.Kind, &s.Label, &s.Title, &s.Anchor,
		&th.Key, &th.NameZH, &th.NameEN, &s.Start.ParagraphSeq, &s.Start.Offset, &s.End.ParagraphSeq, &s.End.Offset, &s.TitleEN)
	if th.Key != "" {
		s.Theme = &th
	}
	return &s, err
}

const linksSQL = `
	SELECT l.relation, f.slug, f.title, f.kind, coalesce(f.doc_number, ''), f.published_at,
	       t.slug, t.title, t.kind, coalesce(t.doc_number, ''), t.published_at,
	       p.seq, p.text, l.start_offset, l.end_offset, coalesce(f.title_en, ''), coalesce(t.title_en, '')
	FROM document_links l
	JOIN documents f ON f.id = l.from_document_id
	JOIN documents t ON t.id = l.to_document_id
	LEFT JOIN paragraphs p ON p.id = l.paragraph_id`

func scanLink(r pgx.CollectableRow) (policy.DocumentLink, error) {
	var l policy.DocumentLink
	var seq, start, end *int
	var text *string
	err := r.Scan(&l.Relation, &l.From.Slug, &l.From.Title, &l.From.Kind, &l.From.DocNumber, &l.From.PublishedAt,
		&l.To.Slug, &l.To.Title, &l.To.Kind, &l.To.DocNumber, &l.To.PublishedAt, &seq, &text, &start, &end,
		&l.From.TitleEN, &l.To.TitleEN)
	if seq != nil {
		l.Place = &policy.Place{DocumentSlug: l.From.Slug, DocumentTitle: l.From.Title, DocumentTitleEN: l.From.TitleEN, ParagraphSeq: *seq,
			ParagraphText: *text, Start: *start, End: *end}
	}
	return l, err
}

// Figures lists every figure of a document in reading order.
func (s *Store) Figures(ctx context.Context, documentID int64) ([]policy.Figure, error) {
	rows, err := s.pool.Query(ctx, figuresSQL+` WHERE d.id = $1 AND `+visible(ctx, "d")+` ORDER BY p.seq, f.start_offset`, documentID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanFigure)
}
