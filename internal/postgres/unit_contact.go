package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"github.com/guizhou-portal/portal/internal/policy"
)

// UnitContact is a unit and the address its reminders go to.
type UnitContact struct {
	Slug, Name, Email string
}

// UnitContacts lists the units that have a contact address, by name.
func (s *Store) UnitContacts(ctx context.Context) ([]UnitContact, error) {
	rows, err := s.pool.Query(ctx, `SELECT slug, name, contact_email FROM entities WHERE contact_email IS NOT NULL ORDER BY name`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[UnitContact])
}

// contactChange is the audit record's before and after of a contact address.
type contactChange struct {
	ContactEmail string `json:"contact_email"`
}

// SetUnitContact sets (or, with "", removes) the contact address of the unit
// with slug, audited. An unknown unit is ENOTFOUND.
func (s *Store) SetUnitContact(ctx context.Context, a policy.Actor, slug, email string) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	var id int64
	var before *string
	err = tx.QueryRow(ctx, `SELECT id, contact_email FROM entities WHERE slug = $1 AND kind = ANY($2) FOR UPDATE`, slug, toStrings(UnitKinds)).Scan(&id, &before)
	if errors.Is(err, pgx.ErrNoRows) {
		return policy.Errorm(policy.ENOTFOUND, "mailq.err.unit")
	}
	if err != nil {
		return err
	}
	old := ""
	if before != nil {
		old = *before
	}
	if old == email {
		return nil
	}
	if _, err := tx.Exec(ctx, `UPDATE entities SET contact_email = nullif($2, '') WHERE id = $1`, id, email); err != nil {
		return err
	}
	if err := audit(ctx, tx, a, policy.ActionEntityContact, "entity", id, contactChange{old}, contactChange{email}, nil); err != nil {
		return err
	}
	return tx.Commit(ctx)
}
