package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/guizhou-portal/portal/internal/policy"
)

// followUpState is what the audit log records of a follow-up.
type followUpState struct {
	DueOn string `json:"due_on"`
	Reply string `json:"reply,omitempty"`
}

const followUpColumns = `f.id, f.document_id, d.slug, coalesce(nullif(d.doc_number, ''), nullif(d.short_title, ''), d.title),
	f.evaluation_id, f.due_on, f.opened_at, f.closed_at, f.version, r.slug, r.title`

func scanFollowUp(row pgx.CollectableRow) (policy.FollowUp, error) {
	var f policy.FollowUp
	var rslug, rtitle *string
	err := row.Scan(&f.ID, &f.DocumentID, &f.DocumentSlug, &f.DocumentName, &f.EvaluationID, &f.DueOn, &f.OpenedAt,
		&f.ClosedAt, &f.Version, &rslug, &rtitle)
	if rslug != nil {
		f.Reply = &policy.Document{Slug: *rslug, Title: *rtitle}
	}
	return f, err
}

// FollowUps lists the follow-ups of the document with the given id, or with
// documentID 0 the open follow-ups of every document the viewer sees, soonest
// due first.
func (s *Store) FollowUps(ctx context.Context, documentID int64) ([]policy.FollowUp, error) {
	where := `f.document_id = $1`
	if documentID == 0 {
		where = `f.closed_at IS NULL AND $1 = 0 AND ` + visible(ctx, "d")
	}
	// A follow-up reply still in draft is not named to the public. At a
	// past date the follow-ups are those of then (followUpsAsOf).
	rows, err := s.pool.Query(ctx, followUpsAsOf(ctx, `SELECT `+followUpColumns+`
		FROM follow_ups f JOIN documents d ON d.id = f.document_id
		LEFT JOIN documents r ON r.id = f.reply_document_id AND `+visible(ctx, "r")+`
		WHERE `+where+` ORDER BY f.closed_at IS NOT NULL, f.due_on, f.id`), documentID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanFollowUp)
}

// lockFollowUp reads the follow-up with the given id for update, checking
// that it still has version; ENOTFOUND if there is none, policy.ErrStale if
// it changed since.
func lockFollowUp(ctx context.Context, tx pgx.Tx, id int64, version int) (policy.FollowUp, error) {
	rows, err := tx.Query(ctx, `SELECT `+followUpColumns+`
		FROM follow_ups f JOIN documents d ON d.id = f.document_id LEFT JOIN documents r ON r.id = f.reply_document_id
		WHERE f.id = $1 FOR UPDATE OF f`, id)
	if err != nil {
		return policy.FollowUp{}, err
	}
	f, err := pgx.CollectExactlyOneRow(rows, scanFollowUp)
	if errors.Is(err, pgx.ErrNoRows) {
		return f, policy.Errorm(policy.ENOTFOUND, "err.followup")
	}
	if err != nil {
		return f, err
	}
	if f.Version != version {
		return f, policy.ErrStale
	}
	return f, nil
}

// SetFollowUpDue changes the due date of an open follow-up, audited
// (follow_up.due). A closed follow-up is ECONFLICT.
func (s *Store) SetFollowUpDue(ctx context.Context, a policy.Actor, id int64, version int, due time.Time) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		f, err := lockFollowUp(ctx, tx, id, version)
		if err != nil {
			return err
		}
		if f.ClosedAt != nil {
			return policy.Errorm(policy.ECONFLICT, "err.followup.closed")
		}
		if f.DueOn.Equal(due) {
			return nil
		}
		if _, err := tx.Exec(ctx, `UPDATE follow_ups SET due_on = $2, version = version + 1 WHERE id = $1`, id, due); err != nil {
			return err
		}
		return audit(ctx, tx, a, policy.ActionFollowUpDue, "follow_up", id,
			followUpState{DueOn: f.DueOn.Format(time.DateOnly)}, followUpState{DueOn: due.Format(time.DateOnly)}, nil)
	})
}

// CloseFollowUp attaches the follow-up reply (the document with the given
// slug, which must be a reply other than the evaluated one) to an open
// follow-up, closing it at now, and links the two documents in the chain
// (follows_up), audited (follow_up.close). An unknown slug is EINVALID (the
// form's field is wrong), a closed follow-up ECONFLICT.
func (s *Store) CloseFollowUp(ctx context.Context, a policy.Actor, id int64, version int, replySlug string, now time.Time) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		f, err := lockFollowUp(ctx, tx, id, version)
		if err != nil {
			return err
		}
		if f.ClosedAt != nil {
			return policy.Errorm(policy.ECONFLICT, "err.followup.closed")
		}
		var replyID int64
		var kind policy.DocumentKind
		err = tx.QueryRow(ctx, `SELECT id, kind FROM documents WHERE slug = $1`, replySlug).Scan(&replyID, &kind)
		if errors.Is(err, pgx.ErrNoRows) {
			return policy.Errorm(policy.EINVALID, "err.followup.reply")
		}
		if err != nil {
			return err
		}
		if kind != policy.KindReply || replyID == f.DocumentID {
			return policy.Errorm(policy.EINVALID, "err.followup.reply")
		}
		if _, err := tx.Exec(ctx, `UPDATE follow_ups SET reply_document_id = $2, closed_at = $3, version = version + 1 WHERE id = $1`,
			id, replyID, now); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO document_links (from_document_id, to_document_id, relation)
			SELECT $1, $2, 'follows_up' WHERE NOT EXISTS (SELECT 1 FROM document_links
			    WHERE from_document_id = $1 AND to_document_id = $2 AND relation = 'follows_up')`, replyID, f.DocumentID); err != nil {
			return err
		}
		due := f.DueOn.Format(time.DateOnly)
		return audit(ctx, tx, a, policy.ActionFollowUpClose, "follow_up", id, followUpState{DueOn: due}, followUpState{DueOn: due, Reply: replySlug}, nil)
	})
}

// FollowUpDocument is the slug of the evaluated reply of the follow-up with
// the given id; ENOTFOUND if there is none.
func (s *Store) FollowUpDocument(ctx context.Context, id int64) (string, error) {
	var slug string
	err := s.pool.QueryRow(ctx, `SELECT d.slug FROM follow_ups f JOIN documents d ON d.id = f.document_id WHERE f.id = $1`, id).Scan(&slug)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", policy.Errorm(policy.ENOTFOUND, "err.followup")
	}
	return slug, err
}
