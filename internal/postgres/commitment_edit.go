package postgres

import (
	"context"
	"reflect"

	"github.com/jackc/pgx/v5"

	"github.com/guizhou-portal/portal/internal/policy"
)

// UnitKinds are the kinds of entity that can lead or support a commitment.
var UnitKinds = []policy.EntityKind{"government", "organisation", "institution", "company", "region", "park"}

// Units lists the entities that can lead or support a commitment, by kind and name.
func (s *Store) Units(ctx context.Context) ([]policy.Entity, error) {
	return s.Entities(ctx, UnitKinds...)
}

// setUnits replaces a commitment's lead and supporting units.
func setUnits(ctx context.Context, tx pgx.Tx, id int64, lead, support []string) error {
	if _, err := tx.Exec(ctx, `DELETE FROM commitment_units WHERE commitment_id = $1`, id); err != nil {
		return err
	}
	for _, group := range []struct {
		role  string
		slugs []string
	}{{"lead", lead}, {"support", support}} {
		if len(group.slugs) == 0 {
			continue
		}
		tag, err := tx.Exec(ctx, `
			INSERT INTO commitment_units (commitment_id, entity_id, role)
			SELECT $1, e.id, $2 FROM entities e WHERE e.slug = ANY($3) AND e.kind = ANY($4)`,
			id, group.role, group.slugs, toStrings(UnitKinds))
		if err != nil {
			if isUniqueViolation(err) {
				return policy.Errorm(policy.EINVALID, "err.units.both")
			}
			return err
		}
		if int(tag.RowsAffected()) != len(group.slugs) {
			return policy.Errorm(policy.EINVALID, "err.units.unknown")
		}
	}
	return nil
}

// deref is the string p points to, or "".
func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// UpdateCommitment saves an edit made on a form loaded at version, with its
// audit record, in one transaction. A stale version gets policy.ErrStale, a
// withdrawn commitment policy.ErrWithdrawn; either changes nothing.
func (s *Store) UpdateCommitment(ctx context.Context, a policy.Actor, id int64, version int, e policy.CommitmentEdit) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	before, err := lockForChange(ctx, tx, id, version)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `
		UPDATE commitments SET status = $2, progress = $3, time_frame = nullif($4, ''), due_on = $5, public_note = nullif($6, ''),
		       title = coalesce(nullif($7, ''), title),
		       title_en = CASE WHEN $8::boolean THEN nullif($9, '') ELSE title_en END,
		       status_basis = CASE WHEN status = $2 THEN status_basis END -- the reply's word no longer supports another status
		WHERE id = $1`, id, e.Status, e.Progress, e.TimeFrame, e.DueOn, e.PublicNote, e.Title, e.TitleEN != nil, deref(e.TitleEN))
	if err != nil {
		return err
	}
	if err := setUnits(ctx, tx, id, e.Lead, e.Support); err != nil {
		return err
	}
	after, _, err := lockCommitment(ctx, tx, id)
	if err != nil {
		return err
	}
	if reflect.DeepEqual(before, after) {
		return nil // a save that changes nothing leaves no version and no record behind
	}
	if err := audit(ctx, tx, a, policy.ActionCommitmentUpdate, "commitment", id, before, after, nil); err != nil {
		return err
	}
	return tx.Commit(ctx)
}
