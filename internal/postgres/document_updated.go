package postgres

import (
	"context"
	"time"
)

// DocumentUpdatedAt is when the document with the given id last changed, by
// the rule of the documents list (Documents): the latest of its creation, an
// audited change to it, and a change to any of its commitments.
func (s *Store) DocumentUpdatedAt(ctx context.Context, id int64) (time.Time, error) {
	var at time.Time
	err := s.pool.QueryRow(ctx, `
		SELECT greatest(d.created_at,
		                (SELECT max(c.updated_at) FROM commitments c WHERE c.document_id = d.id),
		                (SELECT max(a.at) FROM audit_log a WHERE a.subject_type = 'document' AND a.subject_id = d.id))
		FROM documents d WHERE d.id = $1`, id).Scan(&at)
	return at, err
}
