package postgres

import (
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/guizhou-portal/portal/internal/policy"
)

func isUndefinedTable(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "42P01"
}

// notFound maps pgx.ErrNoRows to a coded not-found error with message msg and
// passes any other error through.
func notFound(err error, msg string) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return policy.Errorf(policy.ENOTFOUND, "%s", msg)
	}
	return err
}
