package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/guizhou-portal/portal/internal/policy"
)

// Documents lists every real document with its counts: replies first, newest
// first, then the documents they answer and cite. Synthetic documents (portal
// demo-data) are left out: they are there to measure, not to read. Drafts
// are listed for a viewer who sees them.
func (s *Store) Documents(ctx context.Context) ([]policy.DocumentSummary, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT `+documentColumns+`,
		       (SELECT count(*) FROM paragraphs p WHERE p.document_id = d.id),
		       (SELECT count(*) FROM sections x WHERE x.document_id = d.id),
		       (SELECT count(*) FROM commitments c WHERE c.document_id = d.id AND c.withdrawn_at IS NULL),
		       (SELECT count(*) FROM figures f JOIN paragraphs p ON p.id = f.paragraph_id WHERE p.document_id = d.id),
		       (SELECT count(DISTINCT m.entity_id) FROM mentions m JOIN paragraphs p ON p.id = m.paragraph_id WHERE p.document_id = d.id),
		       (SELECT count(DISTINCT l.from_document_id) FROM document_links l
		        WHERE l.to_document_id = d.id AND `+visibleDocument(ctx, "l.from_document_id")+`)
		FROM documents d
		WHERE NOT d.synthetic AND `+visible(ctx, "d")+`
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
