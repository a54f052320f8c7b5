package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/guizhou-portal/portal/internal/policy"
)

// Drafts: a document whose published_at is NULL is seen by staff only
// (migrations/00009_drafts.sql, policy.Viewer). Every read of a document or
// of what hangs off it (paragraphs, sections, commitments, figures, mentions,
// links, updates) adds visible(ctx, alias) for the document it reads through.

// visible is the SQL condition that the document with alias d is one the
// context's viewer may see: any for staff, published ones for the public. It
// is text made from constants only, so it can be spliced into a query.
func visible(ctx context.Context, d string) string {
	if policy.ViewerFrom(ctx).Drafts {
		return "true"
	}
	return d + ".published_at IS NOT NULL"
}

// visibleDocument is the condition that the document whose id is the SQL
// expression id is visible, for queries that do not join documents.
func visibleDocument(ctx context.Context, id string) string {
	if policy.ViewerFrom(ctx).Drafts {
		return "true"
	}
	// The drafts are few (documents_drafts_idx): PostgreSQL hashes their ids
	// once, where a lookup of every row's document would cost one probe per row.
	return id + " NOT IN (SELECT vd.id FROM documents vd WHERE vd.published_at IS NULL)"
}

// mentionCount is the SQL count of the mentions of the entity with alias e
// in the documents the context's viewer sees.
func mentionCount(ctx context.Context, e string) string {
	if policy.ViewerFrom(ctx).Drafts {
		return "(SELECT count(*) FROM mentions m WHERE m.entity_id = " + e + ".id)"
	}
	return "(SELECT count(*) FROM mentions m JOIN paragraphs mp ON mp.id = m.paragraph_id WHERE m.entity_id = " + e +
		".id AND " + visibleDocument(ctx, "mp.document_id") + ")"
}

// publishState is what the audit log records of a document's publication.
type publishState struct {
	PublishedAt *time.Time `json:"published_at"`
}

// publishDetail names the placeholders that went with the document.
type publishDetail struct {
	Placeholders []int64 `json:"placeholders,omitempty"`
}

// PublishDocument makes the draft with the given slug public, with its audit
// record (document.publish), in one transaction. The placeholders it cites
// (documents the portal knows by title only, added by its import) are
// published with it. An unknown slug is ENOTFOUND; a published document is
// ECONFLICT.
func (s *Store) PublishDocument(ctx context.Context, a policy.Actor, slug string) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		id, err := lockDocument(ctx, tx, slug, false)
		if err != nil {
			return err
		}
		return publish(ctx, tx, a, id)
	})
}

// UnpublishDocument makes the published document with the given slug a draft
// again, with its audit record (document.unpublish), in one transaction. The
// placeholders it cites that no other published document cites go back to
// drafts with it. An unknown slug is ENOTFOUND; a draft is ECONFLICT.
func (s *Store) UnpublishDocument(ctx context.Context, a policy.Actor, slug string) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		id, err := lockDocument(ctx, tx, slug, true)
		if err != nil {
			return err
		}
		// The row is locked: what it held is what the update replaces.
		var at time.Time
		if err := tx.QueryRow(ctx, `SELECT published_at FROM documents WHERE id = $1`, id).Scan(&at); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE documents SET published_at = NULL WHERE id = $1`, id); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `
			UPDATE documents t SET published_at = NULL
			WHERE t.published_at IS NOT NULL AND `+placeholder("t")+`
			  AND t.id IN (SELECT to_document_id FROM document_links WHERE from_document_id = $1)
			  AND NOT EXISTS (SELECT 1 FROM document_links l JOIN documents f ON f.id = l.from_document_id
			                  WHERE l.to_document_id = t.id AND f.published_at IS NOT NULL)
			RETURNING t.id`, id)
		if err != nil {
			return err
		}
		placeholders, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			return err
		}
		return audit(ctx, tx, a, policy.ActionDocumentUnpublish, "document", id, publishState{PublishedAt: &at}, publishState{},
			publishDetail{Placeholders: placeholders})
	})
}

// lockDocument locks the document with slug for the change of its
// publication, as the import does, and returns its id. want is whether it
// must be published now.
func lockDocument(ctx context.Context, tx pgx.Tx, slug string, want bool) (int64, error) {
	var id int64
	var published bool
	err := tx.QueryRow(ctx, `SELECT id, published_at IS NOT NULL FROM documents WHERE slug = $1 FOR NO KEY UPDATE`, slug).
		Scan(&id, &published)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, policy.Errorm(policy.ENOTFOUND, "err.document")
	}
	if err != nil {
		return 0, err
	}
	switch {
	case published && !want:
		return 0, policy.Errorm(policy.ECONFLICT, "pub.err.published")
	case !published && want:
		return 0, policy.Errorm(policy.ECONFLICT, "pub.err.draft")
	}
	return id, nil
}

// publish makes the draft id public, with the draft placeholders it cites,
// and writes the audit record; an import told to publish calls it too.
func publish(ctx context.Context, tx pgx.Tx, a policy.Actor, id int64) error {
	var at time.Time
	if err := tx.QueryRow(ctx, `UPDATE documents SET published_at = now() WHERE id = $1 RETURNING published_at`, id).Scan(&at); err != nil {
		return err
	}
	placeholders, err := publishPlaceholders(ctx, tx, id)
	if err != nil {
		return err
	}
	return audit(ctx, tx, a, policy.ActionDocumentPublish, "document", id, publishState{}, publishState{PublishedAt: &at},
		publishDetail{Placeholders: placeholders})
}

// publishPlaceholders publishes the draft placeholders document id cites and
// returns their ids.
func publishPlaceholders(ctx context.Context, tx pgx.Tx, id int64) ([]int64, error) {
	rows, err := tx.Query(ctx, `
		UPDATE documents t SET published_at = now()
		WHERE t.published_at IS NULL AND `+placeholder("t")+`
		  AND t.id IN (SELECT to_document_id FROM document_links WHERE from_document_id = $1)
		RETURNING t.id`, id)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}

// settlePublication is the last step of importing a file as document id: a
// draft stays a draft unless the file says to publish it (portal import
// --publish), which publishes it with its audit record; a published document
// (a re-import) stays published, and so do the placeholders it now cites. It
// reports whether the document is published.
func settlePublication(ctx context.Context, tx pgx.Tx, a policy.Actor, f ImportFile, id int64) (bool, error) {
	var published bool
	if err := tx.QueryRow(ctx, `SELECT published_at IS NOT NULL FROM documents WHERE id = $1`, id).Scan(&published); err != nil {
		return false, err
	}
	switch {
	case published:
		_, err := publishPlaceholders(ctx, tx, id)
		return true, err
	case f.Publish:
		return true, publish(ctx, tx, a, id)
	}
	return false, nil
}

// placeholder is the condition that the document with alias t is known by
// its title only: it has no text of its own, so it is published and
// unpublished with the documents that cite it, never by itself being read.
func placeholder(t string) string {
	return "NOT EXISTS (SELECT 1 FROM paragraphs pp WHERE pp.document_id = " + t + ".id)"
}
