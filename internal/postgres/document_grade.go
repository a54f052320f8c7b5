package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"github.com/guizhou-portal/portal/internal/policy"
)

// gradeState is what the audit log records of a document's handling grade.
type gradeState struct {
	Grade *string `json:"grade"`
}

// SetDocumentGrade sets the handling grade of the reply with the given slug
// (empty clears it), with its audit record (document.grade), in one
// transaction. An unknown slug is ENOTFOUND; a document that is not a reply
// is EINVALID; a grade outside policy.Grades is EINVALID. Setting the grade
// it has writes nothing.
func (s *Store) SetDocumentGrade(ctx context.Context, a policy.Actor, slug string, g policy.Grade) error {
	if g != "" && !policy.ValidGrade(string(g)) {
		return policy.Errorm(policy.EINVALID, "err.grade")
	}
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var id int64
		var kind policy.DocumentKind
		var before *string
		err := tx.QueryRow(ctx, `SELECT id, kind, reply_class FROM documents WHERE slug = $1 AND `+visible(ctx, "documents")+`
			FOR NO KEY UPDATE`, slug).Scan(&id, &kind, &before)
		if errors.Is(err, pgx.ErrNoRows) {
			return policy.Errorm(policy.ENOTFOUND, "err.document")
		}
		if err != nil {
			return err
		}
		if kind != policy.KindReply {
			return policy.Errorm(policy.EINVALID, "err.grade.reply")
		}
		var after *string
		if g != "" {
			v := string(g)
			after = &v
		}
		if (before == nil) == (after == nil) && (before == nil || *before == *after) {
			return nil
		}
		if _, err := tx.Exec(ctx, `UPDATE documents SET reply_class = $2 WHERE id = $1`, id, after); err != nil {
			return err
		}
		return audit(ctx, tx, a, policy.ActionDocumentGrade, "document", id, gradeState{before}, gradeState{after}, nil)
	})
}
