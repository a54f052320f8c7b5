package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/guizhou-portal/portal/internal/policy"
)

// ThemeEntries lists the themes in order with their keywords, for the admin
// page and the import review's suggestions.
func (s *Store) ThemeEntries(ctx context.Context) ([]policy.ThemeEntry, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, key, name_zh, name_en, position, keywords FROM themes ORDER BY position`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (policy.ThemeEntry, error) {
		var t policy.ThemeEntry
		return t, r.Scan(&t.ID, &t.Key, &t.NameZH, &t.NameEN, &t.Position, &t.Keywords)
	})
}

// lockTheme reads a theme inside tx and locks its row; ENOTFOUND if there is none.
func lockTheme(ctx context.Context, tx pgx.Tx, key string) (policy.ThemeEntry, error) {
	var t policy.ThemeEntry
	err := tx.QueryRow(ctx, `SELECT id, key, name_zh, name_en, position, keywords FROM themes WHERE key = $1 FOR UPDATE`, key).
		Scan(&t.ID, &t.Key, &t.NameZH, &t.NameEN, &t.Position, &t.Keywords)
	return t, notFound(err, "err.theme")
}

// lockThemeOrder takes the themes' order for a change to it: two admins
// adding at once would otherwise both take the last place, and a move would
// swap with a neighbour that is no longer there.
func lockThemeOrder(ctx context.Context, tx pgx.Tx) error {
	_, err := tx.Exec(ctx, `LOCK TABLE themes IN SHARE ROW EXCLUSIVE MODE`)
	return err
}

// AddTheme adds a theme at the end of the order, with its audit record;
// ECONFLICT if the key is taken.
func (s *Store) AddTheme(ctx context.Context, a policy.Actor, t policy.ThemeEntry) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	if err := lockThemeOrder(ctx, tx); err != nil {
		return err
	}
	if err := themeNamesFree(ctx, tx, t); err != nil {
		return err
	}
	err = tx.QueryRow(ctx, `INSERT INTO themes (key, name_zh, name_en, position, keywords)
		VALUES ($1, $2, $3, (SELECT coalesce(max(position), 0) + 1 FROM themes), $4) RETURNING id, position`,
		t.Key, t.NameZH, t.NameEN, keywordsOf(t)).Scan(&t.ID, &t.Position)
	if isUniqueViolation(err) {
		return policy.Errorm(policy.ECONFLICT, "theme.taken", t.Key)
	}
	if err != nil {
		return err
	}
	if err := audit(ctx, tx, a, policy.ActionThemeCreate, "theme", t.ID, nil, t.State(), nil); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// themeNamesFree refuses a display name another theme has, in either
// language (English compared without case): two themes of one name cannot
// be told apart on the dashboard or in the review's choice. The error's
// message id names the field (theme.namezh.taken, theme.nameen.taken).
func themeNamesFree(ctx context.Context, tx pgx.Tx, t policy.ThemeEntry) error {
	var zh, en bool
	err := tx.QueryRow(ctx, `SELECT
		    coalesce(bool_or(name_zh = $2), false), coalesce(bool_or(lower(name_en) = lower($3)), false)
		FROM themes WHERE key <> $1`, t.Key, t.NameZH, t.NameEN).Scan(&zh, &en)
	switch {
	case err != nil:
		return err
	case zh:
		return policy.Errorm(policy.ECONFLICT, "theme.namezh.taken", t.NameZH)
	case en:
		return policy.Errorm(policy.ECONFLICT, "theme.nameen.taken", t.NameEN)
	}
	return nil
}

// UpdateTheme renames a theme and sets its keywords, with its audit record.
// The key stays: sections name their theme by it.
func (s *Store) UpdateTheme(ctx context.Context, a policy.Actor, t policy.ThemeEntry) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	// The order's lock too, so that two renames cannot both take one name.
	if err := lockThemeOrder(ctx, tx); err != nil {
		return err
	}
	before, err := lockTheme(ctx, tx, t.Key)
	if err != nil {
		return err
	}
	if err := themeNamesFree(ctx, tx, t); err != nil {
		return err
	}
	t.ID, t.Position = before.ID, before.Position
	if _, err := tx.Exec(ctx, `UPDATE themes SET name_zh = $2, name_en = $3, keywords = $4 WHERE key = $1`,
		t.Key, t.NameZH, t.NameEN, keywordsOf(t)); err != nil {
		return err
	}
	if err := audit(ctx, tx, a, policy.ActionThemeUpdate, "theme", t.ID, before.State(), t.State(), nil); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// MoveTheme swaps a theme with its neighbour before it (up) or after it,
// with its audit record. A theme already first or last stays.
func (s *Store) MoveTheme(ctx context.Context, a policy.Actor, key string, up bool) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	if err := lockThemeOrder(ctx, tx); err != nil {
		return err
	}
	before, err := lockTheme(ctx, tx, key)
	if err != nil {
		return err
	}
	q := `SELECT key FROM themes WHERE position > $1 ORDER BY position LIMIT 1`
	if up {
		q = `SELECT key FROM themes WHERE position < $1 ORDER BY position DESC LIMIT 1`
	}
	var other string
	switch err := tx.QueryRow(ctx, q, before.Position).Scan(&other); err {
	case nil:
	case pgx.ErrNoRows:
		return nil
	default:
		return err
	}
	neighbour, err := lockTheme(ctx, tx, other)
	if err != nil {
		return err
	}
	// position is unique: one of the two steps aside first.
	for _, st := range []struct {
		key string
		pos int
	}{{key, -1}, {other, before.Position}, {key, neighbour.Position}} {
		if _, err := tx.Exec(ctx, `UPDATE themes SET position = $2 WHERE key = $1`, st.key, st.pos); err != nil {
			return err
		}
	}
	after := before
	after.Position = neighbour.Position
	if err := audit(ctx, tx, a, policy.ActionThemeMove, "theme", after.ID, before.State(), after.State(),
		map[string]string{"swapped_with": other}); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

func keywordsOf(t policy.ThemeEntry) []string {
	if t.Keywords == nil {
		return []string{}
	}
	return t.Keywords
}
