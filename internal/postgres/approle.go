package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// PrepareAppRole makes role the portal's restricted database role: it creates
// it (NOLOGIN) when missing, makes the connected user a member so that it can
// switch to it, and grants it what serving needs and nothing more: reading and
// writing the portal's tables, but on audit_log and document_versions (the
// texts a document has held) only SELECT and INSERT, and on the migration
// table only SELECT. As it owns no table, the role can neither
// disable audit_log's triggers nor alter or drop the table. It runs under the
// owner's pool (the migrating one) at every start, so tables added by later
// migrations are granted too.
func PrepareAppRole(ctx context.Context, pool *pgxpool.Pool, role string) error {
	ident := pgx.Identifier{role}.Sanitize()
	var exists bool
	if err := pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)`, role).Scan(&exists); err != nil {
		return err
	}
	if !exists {
		_, err := pool.Exec(ctx, "CREATE ROLE "+ident+" NOLOGIN")
		var pgErr *pgconn.PgError
		// 42710: it exists; 23505: another server created it at the same moment.
		if err != nil && !(errors.As(err, &pgErr) && (pgErr.Code == "42710" || pgErr.Code == "23505")) {
			return fmt.Errorf("creating the database role %s (set PORTAL_DB_ROLE=none to run as the user of DATABASE_URL, or create the role): %w", role, err)
		}
	}
	return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		// Two servers starting together would otherwise grant concurrently and
		// fail with "tuple concurrently updated".
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('portal.app_role'))`); err != nil {
			return err
		}
		var member bool
		if err := tx.QueryRow(ctx, `SELECT pg_has_role(current_user, $1, 'MEMBER')`, role).Scan(&member); err != nil {
			return err
		}
		stmts := []string{
			"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM " + ident,
			"GRANT USAGE ON SCHEMA public TO " + ident,
			"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO " + ident,
			"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO " + ident,
			"REVOKE UPDATE, DELETE ON audit_log FROM " + ident,
			"REVOKE UPDATE, DELETE ON document_versions FROM " + ident,
			"REVOKE INSERT, UPDATE, DELETE ON goose_db_version FROM " + ident,
		}
		if !member {
			stmts = append([]string{"GRANT " + ident + " TO CURRENT_USER"}, stmts...)
		}
		for _, q := range stmts {
			if _, err := tx.Exec(ctx, q); err != nil {
				return fmt.Errorf("granting the database role %s its privileges (%s): %w", role, q, err)
			}
		}
		return nil
	})
}
