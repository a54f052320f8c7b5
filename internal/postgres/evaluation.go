package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/guizhou-portal/portal/internal/policy"
)

// Evaluation links that cannot be used: what the proposer is told.
var (
	errLinkUnknown = policy.Errorm(policy.ENOTFOUND, "err.eval.unknown")
	errLinkUsed    = policy.Errorm(policy.EGONE, "err.eval.used")
	errLinkExpired = policy.Errorm(policy.EGONE, "err.eval.expired")
	errLinkRevoked = policy.Errorm(policy.EGONE, "err.eval.revoked")
)

// linkError is the error of a link that is not usable at now; nil if it is.
func linkError(l policy.EvaluationLink, now time.Time) error {
	switch l.StateAt(now) {
	case policy.LinkUsed:
		return errLinkUsed
	case policy.LinkRevoked:
		return errLinkRevoked
	case policy.LinkExpired:
		return errLinkExpired
	}
	return nil
}

// EvaluationLinkByToken returns the usable link whose token is token, and its
// reply. A token no link has is ENOTFOUND; a used, revoked or expired link
// (at now) is EGONE. The reply may be a draft: the link itself is the
// proposer's permission to read what it evaluates.
func (s *Store) EvaluationLinkByToken(ctx context.Context, token policy.EvaluationToken, now time.Time) (policy.EvaluationLink, string, error) {
	var l policy.EvaluationLink
	var slug string
	err := s.pool.QueryRow(ctx, `SELECT l.id, l.document_id, l.addressee, l.issued_at, l.expires_at, l.used_at, l.revoked_at, d.slug
		FROM evaluation_links l JOIN documents d ON d.id = l.document_id WHERE l.token_hash = $1`, token.Hash()).
		Scan(&l.ID, &l.DocumentID, &l.Addressee, &l.IssuedAt, &l.ExpiresAt, &l.UsedAt, &l.RevokedAt, &slug)
	if errors.Is(err, pgx.ErrNoRows) {
		return l, "", errLinkUnknown
	}
	if err != nil {
		return l, "", err
	}
	return l, slug, linkError(l, now)
}

// evaluationState is what the audit log records of an evaluation.
type evaluationState struct {
	Link          int64                  `json:"link"`
	Rating        policy.Rating          `json:"rating"`
	Sections      []policy.SectionRating `json:"sections,omitempty"`
	CommentPublic bool                   `json:"comment_public"`
	FollowUp      int64                  `json:"follow_up,omitempty"`
}

// SubmitEvaluation records the evaluation sent with the link whose token is
// token, spending the link, all in one transaction with its audit record
// (evaluation.submit, by the addressee). An unsatisfied rating opens a
// follow-up due FollowUpDue of today. Of two submissions at the same moment
// the second waits on the link's row and then finds it used: EGONE, as for
// any spent, revoked or expired link; an unknown token is ENOTFOUND. Section
// ratings must name top-level sections of the reply (else EINVALID).
func (s *Store) SubmitEvaluation(ctx context.Context, token policy.EvaluationToken, sub policy.EvaluationSubmission, now time.Time, requestID string) (int64, error) {
	if !policy.ValidRating(string(sub.Rating)) {
		return 0, policy.Errorm(policy.EINVALID, "err.eval.rating")
	}
	var evalID int64
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var l policy.EvaluationLink
		err := tx.QueryRow(ctx, `SELECT id, document_id, addressee, expires_at, used_at, revoked_at
			FROM evaluation_links WHERE token_hash = $1 FOR UPDATE`, token.Hash()).
			Scan(&l.ID, &l.DocumentID, &l.Addressee, &l.ExpiresAt, &l.UsedAt, &l.RevokedAt)
		if errors.Is(err, pgx.ErrNoRows) {
			return errLinkUnknown
		}
		if err != nil {
			return err
		}
		if err := linkError(l, now); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE evaluation_links SET used_at = $2 WHERE id = $1`, l.ID, now); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `INSERT INTO evaluations (link_id, document_id, rating, comment, comment_public, submitted_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, l.ID, l.DocumentID, sub.Rating, sub.Comment, sub.CommentPublic, now).
			Scan(&evalID); err != nil {
			return err
		}
		for _, sr := range sub.Sections {
			tag, err := tx.Exec(ctx, `INSERT INTO evaluation_sections (evaluation_id, section_id, rating)
				SELECT $1, id, $3 FROM sections WHERE id = $2 AND document_id = $4 AND parent_id IS NULL`,
				evalID, sr.SectionID, sr.Rating, l.DocumentID)
			if err != nil {
				return err
			}
			if tag.RowsAffected() != 1 {
				return policy.Errorm(policy.EINVALID, "err.eval.section")
			}
		}
		st := evaluationState{Link: l.ID, Rating: sub.Rating, Sections: sub.Sections, CommentPublic: sub.CommentPublic}
		if sub.Rating == policy.RatingUnsatisfied {
			due := policy.FollowUpDue(policy.Today(now))
			if err := tx.QueryRow(ctx, `INSERT INTO follow_ups (document_id, evaluation_id, due_on, opened_at)
				VALUES ($1, $2, $3, $4) RETURNING id`, l.DocumentID, evalID, due, now).Scan(&st.FollowUp); err != nil {
				return err
			}
		}
		return audit(ctx, tx, policy.Actor{Name: l.Addressee, RequestID: requestID}, policy.ActionEvaluationSubmit, "evaluation", evalID, nil, st, nil)
	})
	return evalID, err
}

// Evaluations lists the evaluations of the document with the given id, newest
// first, each with its section ratings and its comment whether public or not
// (callers show policy.Evaluation.Public to the public).
func (s *Store) Evaluations(ctx context.Context, documentID int64) ([]policy.Evaluation, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT e.id, e.document_id, l.addressee, e.rating, e.comment, e.comment_public, e.submitted_at,
		       coalesce((SELECT jsonb_agg(jsonb_build_object('SectionID', es.section_id, 'Rating', es.rating) ORDER BY s.position)
		                 FROM evaluation_sections es JOIN sections s ON s.id = es.section_id WHERE es.evaluation_id = e.id), '[]')
		FROM evaluations e JOIN evaluation_links l ON l.id = e.link_id
		WHERE e.document_id = $1`+evaluatedBefore(ctx, "e")+` ORDER BY e.submitted_at DESC, e.id DESC`, documentID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (policy.Evaluation, error) {
		var e policy.Evaluation
		err := r.Scan(&e.ID, &e.DocumentID, &e.Addressee, &e.Rating, &e.Comment, &e.CommentPublic, &e.SubmittedAt, &e.Sections)
		return e, err
	})
}

// SectionEvaluations lists the ratings given to the section with the given
// id, newest first, with the date of their evaluation.
func (s *Store) SectionEvaluations(ctx context.Context, sectionID int64) ([]policy.Evaluation, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT e.id, e.document_id, l.addressee, es.rating, e.submitted_at
		FROM evaluation_sections es JOIN evaluations e ON e.id = es.evaluation_id JOIN evaluation_links l ON l.id = e.link_id
		WHERE es.section_id = $1 ORDER BY e.submitted_at DESC, e.id DESC`, sectionID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (policy.Evaluation, error) {
		var e policy.Evaluation
		err := r.Scan(&e.ID, &e.DocumentID, &e.Addressee, &e.Rating, &e.SubmittedAt)
		return e, err
	})
}
