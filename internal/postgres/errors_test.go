package postgres

import (
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

// A missing privilege (the serving role's grants dropped by a restore, say)
// is the database being unavailable for now, answered with 503, not a 500.
func TestMissingPrivilegeIsUnavailability(t *testing.T) {
	if !Unavailable(&pgconn.PgError{Code: "42501"}) {
		t.Error("42501 insufficient_privilege is not taken as unavailability")
	}
	if Unavailable(&pgconn.PgError{Code: "23505"}) {
		t.Error("a unique violation is taken as unavailability")
	}
}
