package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/guizhou-portal/portal/internal/policy"
)

// lockCommitment reads a commitment's recorded state inside tx and locks its row
// until tx ends, so that concurrent saves queue here and see each other's result.
func lockCommitment(ctx context.Context, tx pgx.Tx, id int64) (*policy.CommitmentState, int, error) {
	var st policy.CommitmentState
	var version int
	var progress *int16
	err := tx.QueryRow(ctx, `
		SELECT c.title, c.quote, c.kind, c.strength, c.status, c.progress,
		       coalesce((SELECT array_agg(e.name ORDER BY e.name) FROM commitment_units u JOIN entities e ON e.id = u.entity_id
		                 WHERE u.commitment_id = c.id AND u.role = 'lead'), '{}'),
		       coalesce((SELECT array_agg(e.name ORDER BY e.name) FROM commitment_units u JOIN entities e ON e.id = u.entity_id
		                 WHERE u.commitment_id = c.id AND u.role = 'support'), '{}'),
		       coalesce(c.time_frame, ''), coalesce(to_char(c.due_on, 'YYYY-MM-DD'), ''), coalesce(c.public_note, ''),
		       c.withdrawn_at IS NOT NULL, coalesce(c.withdrawn_reason, ''), coalesce(c.verified_status, ''), c.version, coalesce(c.title_en, ''),
		       coalesce((SELECT array_agg(e.slug ORDER BY e.name) FROM commitment_units u JOIN entities e ON e.id = u.entity_id
		                 WHERE u.commitment_id = c.id AND u.role = 'lead'), '{}'),
		       coalesce((SELECT array_agg(e.slug ORDER BY e.name) FROM commitment_units u JOIN entities e ON e.id = u.entity_id
		                 WHERE u.commitment_id = c.id AND u.role = 'support'), '{}')
		FROM commitments c WHERE c.id = $1 FOR NO KEY UPDATE OF c`, id).
		Scan(&st.Title, &st.Quote, &st.Kind, &st.Strength, &st.Status, &progress, &st.Lead, &st.Support,
			&st.TimeFrame, &st.DueOn, &st.PublicNote, &st.Withdrawn, &st.WithdrawnReason, &st.VerifiedStatus, &version, &st.TitleEN,
			&st.LeadUnits, &st.SupportUnits)
	if err != nil {
		return nil, 0, notFound(err, "err.commitment")
	}
	if progress != nil {
		p := int(*progress)
		st.Progress = &p
	}
	return &st, version, nil
}

// lockForSave locks a commitment and checks that the form was loaded at its
// current version: ENOTFOUND or policy.ErrStale otherwise.
func lockForSave(ctx context.Context, tx pgx.Tx, id int64, version int) (*policy.CommitmentState, error) {
	st, current, err := lockCommitment(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if version > current {
		return nil, policy.Errorm(policy.EINVALID, "err.version.ahead")
	}
	if current != version {
		return nil, policy.ErrStale
	}
	return st, nil
}

// bumpVersion moves a locked commitment to its next version; the WHERE clause
// is the optimistic check itself, kept even though the row is locked.
func bumpVersion(ctx context.Context, tx pgx.Tx, id int64, version int) error {
	tag, err := tx.Exec(ctx, `UPDATE commitments SET version = version + 1, updated_at = now() WHERE id = $1 AND version = $2`, id, version)
	if err != nil {
		return err
	}
	if tag.RowsAffected() != 1 {
		return policy.ErrStale
	}
	return nil
}

// lockForChange prepares an edit or an update of a live commitment: it locks
// the row, checks the form's version, refuses a withdrawn commitment and moves
// to the next version; it returns the state before the change.
func lockForChange(ctx context.Context, tx pgx.Tx, id int64, version int) (*policy.CommitmentState, error) {
	before, err := lockForSave(ctx, tx, id, version)
	if err != nil {
		return nil, err
	}
	if before.Withdrawn {
		return nil, policy.ErrWithdrawn
	}
	return before, bumpVersion(ctx, tx, id, version)
}
