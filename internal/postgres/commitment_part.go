package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/guizhou-portal/portal/internal/policy"
)

// partDetail is the audit detail of a part's creation: the commitment it is
// a part of.
type partDetail struct {
	Parent int64 `json:"parent"`
}

// progressSourceDetail is the audit detail of a change of where a parent's
// progress comes from.
type progressSourceDetail struct {
	ProgressSource string `json:"progress_source"`
}

// CreatePart adds a part to the commitment parent, with its audit record. The
// part stands on its parent's words (paragraph, span, section) and takes its
// kind and strength; staff give its title and status. A part of a part, or a
// part of a withdrawn commitment, is EINVALID; an unknown parent ENOTFOUND.
func (s *Store) CreatePart(ctx context.Context, a policy.Actor, parent int64, n policy.NewPart) (int64, error) {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback(ctx)
	// The document's row lock first, as CreateCommitment takes it: an import
	// moves the parent's words under it.
	if _, err := tx.Exec(ctx, `SELECT FROM documents d JOIN commitments c ON c.document_id = d.id
		WHERE c.id = $1 FOR NO KEY UPDATE OF d`, parent); err != nil {
		return 0, err
	}
	var grand *int64
	var withdrawn bool
	err = tx.QueryRow(ctx, `SELECT parent_id, withdrawn_at IS NOT NULL FROM commitments WHERE id = $1 FOR NO KEY UPDATE`, parent).
		Scan(&grand, &withdrawn)
	if err != nil {
		return 0, notFound(err, "err.commitment")
	}
	switch {
	case grand != nil:
		return 0, policy.Errorm(policy.EINVALID, "part.err.nested")
	case withdrawn:
		return 0, policy.Errorm(policy.EINVALID, "part.err.withdrawn")
	}
	var author *int64
	if a.UserID != 0 {
		author = &a.UserID
	}
	var id int64
	err = tx.QueryRow(ctx, `
		INSERT INTO commitments (document_id, section_id, paragraph_id, start_offset, end_offset, quote, position,
		                         title, kind, strength, status, created_by, parent_id, anchor_review, previous_quote)
		SELECT p.document_id, p.section_id, p.paragraph_id, p.start_offset, p.end_offset, p.quote,
		       (SELECT coalesce(max(position), 0) + 1 FROM commitments WHERE document_id = p.document_id),
		       $2, p.kind, p.strength, $3, $4, p.id, p.anchor_review, p.previous_quote
		FROM commitments p WHERE p.id = $1
		RETURNING id`, parent, n.Title, n.Status, author).Scan(&id)
	if err != nil {
		return 0, err
	}
	after, _, err := lockCommitment(ctx, tx, id)
	if err != nil {
		return 0, err
	}
	if err := audit(ctx, tx, a, policy.ActionCommitmentCreate, "commitment", id, nil, after, partDetail{Parent: parent}); err != nil {
		return 0, err
	}
	return id, tx.Commit(ctx)
}

// SetProgressSource makes the commitment's progress the mean of its parts
// (policy.ProgressFromParts, which takes it at once) or a value staff set
// (policy.ProgressSet, which keeps the present value until staff change it),
// with its audit record. The form must have been loaded at version
// (policy.ErrStale otherwise); a commitment without parts cannot roll up
// (EINVALID).
func (s *Store) SetProgressSource(ctx context.Context, a policy.Actor, id int64, version int, source string) error {
	if source != policy.ProgressFromParts && source != policy.ProgressSet {
		return policy.Errorm(policy.EINVALID, "part.err.source")
	}
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	before, err := lockForSave(ctx, tx, id, version)
	if err != nil {
		return err
	}
	var parts int
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM commitments WHERE parent_id = $1 AND withdrawn_at IS NULL`, id).Scan(&parts); err != nil {
		return err
	}
	if parts == 0 && source == policy.ProgressFromParts {
		return policy.Errorm(policy.EINVALID, "part.err.noparts")
	}
	if err := bumpVersion(ctx, tx, id, version); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `
		UPDATE commitments SET progress_source = $2,
		       progress = CASE WHEN $2 = 'parts' THEN commitment_parts_progress(id) ELSE progress END
		WHERE id = $1`, id, source); err != nil {
		return err
	}
	after, _, err := lockCommitment(ctx, tx, id)
	if err != nil {
		return err
	}
	if err := audit(ctx, tx, a, policy.ActionCommitmentUpdate, "commitment", id, before, after, progressSourceDetail{source}); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// commitmentParts lists the parts of the commitment id not withdrawn, in
// reading order, for its page.
func commitmentParts(ctx context.Context, b *pgx.Batch, id int64, into *[]policy.Commitment) {
	b.Queue(`SELECT `+commitmentColumns+commitmentFrom+` WHERE c.parent_id = $1 AND c.withdrawn_at IS NULL ORDER BY c.position`, id).Fn =
		func(br pgx.BatchResults) error {
			rows, err := br.Query()
			if err != nil {
				return err
			}
			*into, err = pgx.CollectRows(rows, scanCommitment)
			return err
		}
}
