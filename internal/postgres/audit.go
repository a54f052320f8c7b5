package postgres

import (
	"context"
	"encoding/json"

	"github.com/jackc/pgx/v5"

	"github.com/guizhou-portal/portal/internal/policy"
)

// cliActorName is the name the audit log gives changes made on the command line.
const cliActorName = "命令行"

// audit appends one record to the audit log inside tx, so that the change and its
// record commit or roll back together. before and after are nil or states.
func audit(ctx context.Context, tx pgx.Tx, a policy.Actor, action, subjectType string, subjectID int64, before, after, detail any) error {
	var actorID *int64
	name := a.Name
	if a.UserID != 0 {
		actorID = &a.UserID
	} else if name == "" {
		name = cliActorName
	}
	enc := func(v any) ([]byte, error) {
		if v == nil {
			return nil, nil
		}
		return json.Marshal(v)
	}
	b, err := enc(before)
	if err != nil {
		return err
	}
	af, err := enc(after)
	if err != nil {
		return err
	}
	d, err := enc(detail)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `
		INSERT INTO audit_log (actor_id, actor_name, action, subject_type, subject_id, before, after, detail, request_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, nullif($9, ''))`,
		actorID, name, action, subjectType, subjectID, b, af, d, a.RequestID)
	return err
}
