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

// PickerUnits are Units, each with its short names (aliases) for the unit
// picker's filter: the forms need them, the lists' facets do not.
func (s *Store) PickerUnits(ctx context.Context) ([]policy.Entity, error) {
	units, err := s.Units(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `SELECT e.slug, array_agg(a.alias ORDER BY a.alias) FROM entity_aliases a
		JOIN entities e ON e.id = a.entity_id WHERE e.kind = ANY($1) AND a.alias <> e.name GROUP BY e.slug`, toStrings(UnitKinds))
	if err != nil {
		return nil, err
	}
	aliases := map[string][]string{}
	var slug string
	var names []string
	if _, err := pgx.ForEachRow(rows, []any{&slug, &names}, func() error {
		aliases[slug] = names
		return nil
	}); err != nil {
		return nil, err
	}
	for i := range units {
		units[i].Aliases = aliases[units[i].Slug]
	}
	return units, nil
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
	changed, err := s.applyEdit(ctx, tx, a, id, version, e, nil)
	if err != nil || !changed {
		return err // a save that changes nothing leaves no version and no record behind
	}
	return tx.Commit(ctx)
}

// applyEdit makes an edit inside tx with its commitment.update record, whose
// detail says where the edit came from (an approved review); it reports
// whether anything changed.
func (s *Store) applyEdit(ctx context.Context, tx pgx.Tx, a policy.Actor, id int64, version int, e policy.CommitmentEdit, detail any) (bool, error) {
	before, err := lockForChange(ctx, tx, id, version)
	if err != nil {
		return false, err
	}
	_, err = tx.Exec(ctx, `
		UPDATE commitments SET status = $2, progress = $3, time_frame = nullif($4, ''), due_on = $5, public_note = nullif($6, ''),
		       title = coalesce(nullif($7, ''), title),
		       kind = coalesce(nullif($8, ''), kind), strength = coalesce(nullif($9, ''), strength),
		       title_en = CASE WHEN $10::boolean THEN nullif($11, '') ELSE title_en END,
		       status_basis = CASE WHEN status = $2 THEN status_basis END -- the reply's word no longer supports another status
		WHERE id = $1`, id, e.Status, e.Progress, e.TimeFrame, e.DueOn, e.PublicNote, e.Title, string(e.Kind), string(e.Strength),
		e.TitleEN != nil, deref(e.TitleEN))
	if err != nil {
		return false, err
	}
	if err := setUnits(ctx, tx, id, e.Lead, e.Support); err != nil {
		return false, err
	}
	after, _, err := lockCommitment(ctx, tx, id)
	if err != nil {
		return false, err
	}
	if reflect.DeepEqual(before, after) {
		return false, nil
	}
	if err := audit(ctx, tx, a, policy.ActionCommitmentUpdate, "commitment", id, before, after, detail); err != nil {
		return false, err
	}
	// Subscribers hear of a public change, in the same transaction as it.
	if before.Status != after.Status || !reflect.DeepEqual(before.Progress, after.Progress) || before.PublicNote != after.PublicNote {
		ch := policy.CommitmentChange{CommitmentID: id, Action: policy.ActionCommitmentUpdate, Note: e.PublicNote}
		if err := s.changed(ctx, tx, ch, before, after); err != nil {
			return false, err
		}
	}
	return true, nil
}
