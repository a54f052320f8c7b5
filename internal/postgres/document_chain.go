package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/guizhou-portal/portal/internal/policy"
)

// DocumentChain returns the thread of the document with the given id: every
// document linked to it, at any distance, by replies_to or follows_up links
// in either direction, itself included; proposals first, then by signing
// date. A document on no thread gets just itself. Documents the public lists
// do not (documentScope) are left out, except the one asked for.
func (s *Store) DocumentChain(ctx context.Context, id int64) ([]policy.ChainEntry, error) {
	rows, err := s.pool.Query(ctx, `
		WITH RECURSIVE thread (id) AS (
		    SELECT $1::bigint
		    UNION
		    SELECT x.id FROM thread t CROSS JOIN LATERAL (
		        SELECT l.to_document_id FROM document_links l
		        WHERE l.from_document_id = t.id AND l.relation IN ('replies_to', 'follows_up')
		        UNION ALL
		        SELECT l.from_document_id FROM document_links l
		        WHERE l.to_document_id = t.id AND l.relation IN ('replies_to', 'follows_up')) AS x (id))
		SELECT `+documentColumns+`,
		       coalesce((SELECT t.slug FROM document_links l JOIN documents t ON t.id = l.to_document_id
		                 WHERE l.from_document_id = d.id AND l.relation = 'replies_to'
		                 ORDER BY t.kind <> 'proposal', t.id LIMIT 1), ''),
		       coalesce((SELECT t.slug FROM document_links l JOIN documents t ON t.id = l.to_document_id
		                 WHERE l.from_document_id = d.id AND l.relation = 'follows_up'
		                 ORDER BY t.signed_on DESC NULLS LAST, t.id DESC LIMIT 1), '')
		FROM documents d JOIN thread USING (id)
		WHERE d.id = $1 OR (`+documentScope(ctx)+`)
		ORDER BY d.kind <> 'proposal', d.signed_on NULLS FIRST, d.id`, id)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (policy.ChainEntry, error) {
		var e policy.ChainEntry
		err := r.Scan(append(documentDest(&e.Document), &e.RepliesTo, &e.FollowsUp)...)
		return e, err
	})
}
