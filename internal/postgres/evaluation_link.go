package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/guizhou-portal/portal/internal/policy"
)

// linkState is what the audit log records of an evaluation link: never its token.
type linkState struct {
	Document  string    `json:"document"`
	Addressee string    `json:"addressee"`
	ExpiresAt time.Time `json:"expires_at"`
	Revoked   bool      `json:"revoked,omitempty"`
}

// IssueEvaluationLink issues a new evaluation link for the reply with the
// given slug, addressed to addressee, usable until expires; it keeps only the
// token's hash, and audits the issue (evaluation_link.issue) in the same
// transaction. An unknown slug is ENOTFOUND; a document that is not a reply
// is EINVALID.
func (s *Store) IssueEvaluationLink(ctx context.Context, a policy.Actor, slug, addressee string, token policy.EvaluationToken, now, expires time.Time) (int64, error) {
	var linkID int64
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var docID int64
		var kind policy.DocumentKind
		err := tx.QueryRow(ctx, `SELECT id, kind FROM documents WHERE slug = $1 AND `+visible(ctx, "documents"), slug).Scan(&docID, &kind)
		if errors.Is(err, pgx.ErrNoRows) {
			return policy.Errorm(policy.ENOTFOUND, "err.document")
		}
		if err != nil {
			return err
		}
		if kind != policy.KindReply {
			return policy.Errorm(policy.EINVALID, "err.eval.reply")
		}
		var by *int64
		if a.UserID != 0 {
			by = &a.UserID
		}
		if err := tx.QueryRow(ctx, `INSERT INTO evaluation_links (document_id, addressee, token_hash, issued_at, issued_by, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, docID, addressee, token.Hash(), now, by, expires).Scan(&linkID); err != nil {
			return err
		}
		return audit(ctx, tx, a, policy.ActionEvaluationLinkIssue, "evaluation_link", linkID, nil,
			linkState{Document: slug, Addressee: addressee, ExpiresAt: expires}, nil)
	})
	return linkID, err
}

// EvaluationLinks lists the links issued for the document with the given id,
// newest first.
func (s *Store) EvaluationLinks(ctx context.Context, documentID int64) ([]policy.EvaluationLink, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT l.id, l.document_id, l.addressee, l.issued_at, coalesce(u.name, ''), l.expires_at, l.used_at, l.revoked_at
		FROM evaluation_links l LEFT JOIN users u ON u.id = l.issued_by
		WHERE l.document_id = $1 ORDER BY l.id DESC`, documentID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (policy.EvaluationLink, error) {
		var l policy.EvaluationLink
		err := r.Scan(&l.ID, &l.DocumentID, &l.Addressee, &l.IssuedAt, &l.IssuedBy, &l.ExpiresAt, &l.UsedAt, &l.RevokedAt)
		return l, err
	})
}

// RevokeEvaluationLink withdraws the link with the given id of the document
// with the given slug, audited (evaluation_link.revoke). An unknown link is
// ENOTFOUND; one already used is ECONFLICT (its evaluation stands); revoking
// a revoked or expired link writes nothing.
func (s *Store) RevokeEvaluationLink(ctx context.Context, a policy.Actor, slug string, id int64, now time.Time) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var l policy.EvaluationLink
		err := tx.QueryRow(ctx, `SELECT l.id, l.addressee, l.expires_at, l.used_at, l.revoked_at
			FROM evaluation_links l JOIN documents d ON d.id = l.document_id
			WHERE l.id = $1 AND d.slug = $2 FOR UPDATE OF l`, id, slug).Scan(&l.ID, &l.Addressee, &l.ExpiresAt, &l.UsedAt, &l.RevokedAt)
		if errors.Is(err, pgx.ErrNoRows) {
			return policy.Errorm(policy.ENOTFOUND, "err.eval.link")
		}
		if err != nil {
			return err
		}
		switch l.StateAt(now) {
		case policy.LinkUsed:
			return policy.Errorm(policy.ECONFLICT, "err.eval.revoke.used")
		case policy.LinkRevoked, policy.LinkExpired:
			return nil
		}
		var by *int64
		if a.UserID != 0 {
			by = &a.UserID
		}
		if _, err := tx.Exec(ctx, `UPDATE evaluation_links SET revoked_at = $2, revoked_by = $3 WHERE id = $1`, id, now, by); err != nil {
			return err
		}
		before := linkState{Document: slug, Addressee: l.Addressee, ExpiresAt: l.ExpiresAt}
		after := before
		after.Revoked = true
		return audit(ctx, tx, a, policy.ActionEvaluationLinkRevoke, "evaluation_link", id, before, after, nil)
	})
}
