package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/guizhou-portal/portal/internal/policy"
)

// unitEntryColumns reads a unit of the registry from entities e.
const unitEntryColumns = `e.id, e.slug, e.kind, e.name, coalesce(e.full_name, ''), coalesce(pe.slug, ''), coalesce(pe.name, ''),
	coalesce((SELECT array_agg(a.alias ORDER BY a.alias) FROM entity_aliases a WHERE a.entity_id = e.id AND a.alias <> e.name), '{}'),
	coalesce(e.contact_email, ''),
	(SELECT count(*) FROM commitment_units u WHERE u.entity_id = e.id AND u.role = 'lead'),
	(SELECT count(*) FROM commitment_units u WHERE u.entity_id = e.id AND u.role = 'support')
	FROM entities e LEFT JOIN entities pe ON pe.id = e.parent_id`

func scanUnitEntry(r pgx.Row) (policy.UnitEntry, error) {
	var u policy.UnitEntry
	err := r.Scan(&u.ID, &u.Slug, &u.Kind, &u.Name, &u.FullName, &u.ParentSlug, &u.ParentName, &u.ShortNames,
		&u.ContactEmail, &u.Leads, &u.Supports)
	return u, err
}

// RegistryUnits lists the units the registry manages, by kind and name.
func (s *Store) RegistryUnits(ctx context.Context) ([]policy.UnitEntry, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+unitEntryColumns+`
		WHERE e.kind = ANY($1) ORDER BY array_position($1, e.kind), e.name`, toStrings(policy.RegistryKinds))
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (policy.UnitEntry, error) { return scanUnitEntry(r) })
}

// RegistryUnit is one unit of the registry; ENOTFOUND when there is no unit
// of a registry kind by that slug.
func (s *Store) RegistryUnit(ctx context.Context, slug string) (policy.UnitEntry, error) {
	u, err := scanUnitEntry(s.pool.QueryRow(ctx, `SELECT `+unitEntryColumns+` WHERE e.slug = $1 AND e.kind = ANY($2)`,
		slug, toStrings(policy.RegistryKinds)))
	return u, notFound(err, "err.unit")
}

// AddUnit adds a unit to the registry with its names and its audit record.
// ECONFLICT (unit.slug.taken, unit.name.taken, unit.short.taken) when its
// address or one of its names belongs to another entity.
func (s *Store) AddUnit(ctx context.Context, a policy.Actor, u policy.UnitEntry) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	// One registry change at a time: two admins adding one name at once
	// would otherwise both pass the checks below.
	if _, err := tx.Exec(ctx, `LOCK TABLE entity_aliases IN SHARE ROW EXCLUSIVE MODE`); err != nil {
		return err
	}
	var taken bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM entities WHERE slug = $1)`, u.Slug).Scan(&taken); err != nil {
		return err
	}
	if taken {
		return policy.Errorm(policy.ECONFLICT, "unit.slug.taken", u.Slug)
	}
	if err := unitNamesFree(ctx, tx, 0, u); err != nil {
		return err
	}
	parent, err := unitParent(ctx, tx, 0, u.ParentSlug)
	if err != nil {
		return err
	}
	err = tx.QueryRow(ctx, `INSERT INTO entities (slug, kind, name, full_name, parent_id, contact_email)
		VALUES ($1, $2, $3, nullif($4, ''), $5, nullif($6, '')) RETURNING id`,
		u.Slug, u.Kind, u.Name, u.FullName, parent, u.ContactEmail).Scan(&u.ID)
	if isUniqueViolation(err) {
		return policy.Errorm(policy.ECONFLICT, "unit.name.taken", u.Name)
	}
	if err != nil {
		return err
	}
	if err := setUnitNames(ctx, tx, u); err != nil {
		return err
	}
	if err := audit(ctx, tx, a, policy.ActionUnitCreate, "entity", u.ID, nil, u.State(), nil); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// UpdateUnit saves an edit of a unit made on a form that showed the values
// whose stamp is stamp, with its audit record. policy.ErrStale when the
// unit changed since; ECONFLICT for a name another entity has; EINVALID for
// a parent within the unit itself. The address stays: links name it.
func (s *Store) UpdateUnit(ctx context.Context, a policy.Actor, u policy.UnitEntry, stamp string) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `LOCK TABLE entity_aliases IN SHARE ROW EXCLUSIVE MODE`); err != nil {
		return err
	}
	before, err := scanUnitEntry(tx.QueryRow(ctx, `SELECT `+unitEntryColumns+` WHERE e.slug = $1 AND e.kind = ANY($2) FOR UPDATE OF e`,
		u.Slug, toStrings(policy.RegistryKinds)))
	if err != nil {
		return notFound(err, "err.unit")
	}
	if before.Stamp() != stamp {
		return policy.ErrStale
	}
	u.ID = before.ID
	if err := unitNamesFree(ctx, tx, u.ID, u); err != nil {
		return err
	}
	parent, err := unitParent(ctx, tx, u.ID, u.ParentSlug)
	if err != nil {
		return err
	}
	if before.Stamp() == u.Stamp() {
		return nil // nothing changed: no record
	}
	_, err = tx.Exec(ctx, `UPDATE entities SET kind = $2, name = $3, full_name = nullif($4, ''), parent_id = $5,
		contact_email = nullif($6, '') WHERE id = $1`, u.ID, u.Kind, u.Name, u.FullName, parent, u.ContactEmail)
	if isUniqueViolation(err) {
		return policy.Errorm(policy.ECONFLICT, "unit.name.taken", u.Name)
	}
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `DELETE FROM entity_aliases WHERE entity_id = $1`, u.ID); err != nil {
		return err
	}
	if err := setUnitNames(ctx, tx, u); err != nil {
		return err
	}
	if err := audit(ctx, tx, a, policy.ActionUnitUpdate, "entity", u.ID, before.State(), u.State(), nil); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// unitNamesFree refuses a name or short name that is another entity's name
// or alias: the importer finds entities in a text by these names, so one
// name must mean one entity.
func unitNamesFree(ctx context.Context, tx pgx.Tx, id int64, u policy.UnitEntry) error {
	var name, other string
	err := tx.QueryRow(ctx, `
		SELECT n.name, e.name FROM unnest($2::text[]) AS n (name)
		JOIN (SELECT a.alias AS name, a.entity_id FROM entity_aliases a
		      UNION ALL SELECT e.name, e.id FROM entities e) x ON x.name = n.name
		JOIN entities e ON e.id = x.entity_id
		WHERE x.entity_id <> $1 LIMIT 1`, id, append([]string{u.Name}, u.ShortNames...)).Scan(&name, &other)
	switch {
	case err == pgx.ErrNoRows:
		return nil
	case err != nil:
		return err
	case name == u.Name:
		return policy.Errorm(policy.ECONFLICT, "unit.name.taken", name, other)
	default:
		return policy.Errorm(policy.ECONFLICT, "unit.short.taken", name, other)
	}
}

// unitParent is the id of the parent unit by slug (nil for none): a unit of
// the registry, and neither the unit itself nor one within it.
func unitParent(ctx context.Context, tx pgx.Tx, id int64, slug string) (*int64, error) {
	if slug == "" {
		return nil, nil
	}
	var parent int64
	var within bool
	err := tx.QueryRow(ctx, `
		WITH RECURSIVE up (id) AS (
		    SELECT p.id FROM entities p WHERE p.slug = $2
		    UNION SELECT e.parent_id FROM entities e JOIN up ON e.id = up.id WHERE e.parent_id IS NOT NULL)
		SELECT p.id, EXISTS (SELECT 1 FROM up WHERE up.id = $1)
		FROM entities p WHERE p.slug = $2 AND p.kind = ANY($3)`, id, slug, toStrings(policy.RegistryKinds)).Scan(&parent, &within)
	if err == pgx.ErrNoRows {
		return nil, policy.Errorm(policy.EINVALID, "unit.parent.unknown")
	}
	if err != nil {
		return nil, err
	}
	if within {
		return nil, policy.Errorm(policy.EINVALID, "unit.parent.cycle")
	}
	return &parent, nil
}

// setUnitNames gives the unit its name and short names as aliases.
func setUnitNames(ctx context.Context, tx pgx.Tx, u policy.UnitEntry) error {
	_, err := tx.Exec(ctx, `INSERT INTO entity_aliases (alias, entity_id)
		SELECT DISTINCT n, $1::bigint FROM unnest($2::text[]) AS n`, u.ID, append([]string{u.Name}, u.ShortNames...))
	if isUniqueViolation(err) {
		return policy.Errorm(policy.ECONFLICT, "unit.short.taken", u.Name, "")
	}
	return err
}
