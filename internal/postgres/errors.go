package postgres

import (
	"context"
	"errors"
	"io"
	"net"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/puddle/v2"

	"github.com/guizhou-portal/portal/internal/policy"
)

func isUndefinedTable(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "42P01"
}

// notFound maps pgx.ErrNoRows to a coded not-found error with the catalogue
// message id and passes any other error through.
func notFound(err error, id string) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return policy.Errorm(policy.ENOTFOUND, id)
	}
	return err
}

// Unavailable reports whether err means the database could not be reached or
// refused work for now (connection failures, a closed pool, a server shutting
// down or starting up, a cancelled or timed-out query), rather than a fault in
// the request or the code. Such errors are worth a 503 and a retry.
func Unavailable(err error) bool {
	var pgErr *pgconn.PgError
	var connErr *pgconn.ConnectError
	var netErr net.Error
	switch {
	case err == nil:
		return false
	case errors.As(err, &pgErr):
		class := pgErr.Code[:2]
		// Connection, operator intervention, resources; and a missing
		// privilege, as while a restore has dropped the serving role's grants.
		return class == "08" || class == "57" || class == "53" || pgErr.Code == "42501"

	case errors.As(err, &connErr), errors.As(err, &netErr),
		errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return true
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF), errors.Is(err, net.ErrClosed):
		// The server closed the connection under a query: it went away.
		return true
	case errors.Is(err, puddle.ErrClosedPool), pgconn.SafeToRetry(err), pgconn.Timeout(err):
		return true
	}
	return false
}

func isUniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "23505"
}
