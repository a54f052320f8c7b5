package postgres

import (
	"context"
	"encoding/json"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/guizhou-portal/portal/internal/policy"
)

// ProposeEdit sends an edit made on a form loaded at version for review
// instead of saving it, with its review.propose record, and returns the
// review's id. The commitment, and so every public page, stays as it is. A
// stale version gets policy.ErrStale, a withdrawn commitment
// policy.ErrWithdrawn.
func (s *Store) ProposeEdit(ctx context.Context, a policy.Actor, id int64, version int, e policy.CommitmentEdit) (int64, error) {
	return s.propose(ctx, a, id, version, policy.ReviewEdit, e)
}

// ProposeUpdate sends a progress update for review instead of adding it, as
// ProposeEdit does an edit: neither the timeline nor the commitment changes
// until a reviewer approves it.
func (s *Store) ProposeUpdate(ctx context.Context, a policy.Actor, id int64, version int, u policy.NewUpdate) (int64, error) {
	return s.propose(ctx, a, id, version, policy.ReviewUpdate, u)
}

func (s *Store) propose(ctx context.Context, a policy.Actor, id int64, version int, kind string, change any) (int64, error) {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback(ctx)
	before, err := lockForSave(ctx, tx, id, version)
	if err != nil {
		return 0, err
	}
	if before.Withdrawn {
		return 0, policy.ErrWithdrawn
	}
	proposal, err := json.Marshal(change)
	if err != nil {
		return 0, err
	}
	var proposer *int64
	if a.UserID != 0 {
		proposer = &a.UserID
	}
	var reviewID int64
	err = tx.QueryRow(ctx, `
		INSERT INTO commitment_reviews (commitment_id, kind, base_version, proposal, before, proposed_by, proposer_name)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, id, kind, version, proposal, before, proposer, actorName(a)).Scan(&reviewID)
	if err != nil {
		return 0, err
	}
	if err := audit(ctx, tx, a, policy.ActionReviewPropose, "review", reviewID, nil, nil,
		policy.ReviewDetail{ReviewID: reviewID, CommitmentID: id}); err != nil {
		return 0, err
	}
	return reviewID, tx.Commit(ctx)
}

// actorName is the name the audit log gives a.
func actorName(a policy.Actor) string {
	if a.Name == "" && a.UserID == 0 {
		return cliActorName
	}
	return a.Name
}

// errDecided refuses a decision on a review already approved or returned:
// the second of two reviewers clicking at once.
var errDecided = policy.Errorm(policy.ECONFLICT, "err.review.decided")

// decide moves a pending review to state inside tx and returns it; a review
// that is not pending any more is errDecided. The row's lock makes a second
// decision at the same moment wait here, then find it decided.
func decide(ctx context.Context, tx pgx.Tx, a policy.Actor, id int64, state, comment string) (policy.Review, *int64, error) {
	var r policy.Review
	var proposal []byte
	var proposer *int64
	var decider *int64
	if a.UserID != 0 {
		decider = &a.UserID
	}
	err := tx.QueryRow(ctx, `
		UPDATE commitment_reviews SET state = $2, decided_by = $3, decider_name = $4, decided_at = now(), comment = nullif($5, '')
		WHERE id = $1 AND state = 'pending'
		RETURNING id, commitment_id, kind, base_version, proposal, proposed_by, proposer_name, proposed_at`,
		id, state, decider, actorName(a), comment).
		Scan(&r.ID, &r.CommitmentID, &r.Kind, &r.BaseVersion, &proposal, &proposer, &r.ProposedBy, &r.ProposedAt)
	if err == pgx.ErrNoRows {
		var exists bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT FROM commitment_reviews WHERE id = $1)`, id).Scan(&exists); err != nil {
			return r, nil, err
		}
		if !exists {
			return r, nil, policy.Errorm(policy.ENOTFOUND, "err.review")
		}
		return r, nil, errDecided
	}
	if err != nil {
		return r, nil, err
	}
	return r, proposer, r.SetProposal(proposal)
}

// ApproveReview applies a pending review's edit as the reviewer, with a
// commitment.update record whose detail names who proposed it, in one
// transaction. An edit made on a version the commitment has left behind is
// policy.ErrStale (return it instead); a review already decided is a
// conflict. Approving twice at the same moment applies the edit once.
func (s *Store) ApproveReview(ctx context.Context, a policy.Actor, id int64, comment string) (int64, error) {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback(ctx)
	r, proposer, err := decide(ctx, tx, a, id, policy.ReviewApproved, comment)
	if err != nil {
		return 0, err
	}
	detail := policy.ReviewDetail{ReviewID: r.ID, ProposedBy: r.ProposedBy,
		ProposedAt: r.ProposedAt.In(policy.China).Format(time.DateTime), Comment: comment}
	if r.Update != nil {
		// The update is the proposer's: the timeline names them, the record the reviewer.
		_, err = s.addUpdate(ctx, tx, a, proposer, r.CommitmentID, r.BaseVersion, *r.Update, &detail)
	} else {
		_, err = s.applyEdit(ctx, tx, a, r.CommitmentID, r.BaseVersion, r.Proposal, detail)
	}
	if err != nil {
		return 0, err
	}
	return r.CommitmentID, tx.Commit(ctx)
}

// ReturnReview sends a pending review back with the reviewer's comment,
// which it needs; the commitment does not change.
func (s *Store) ReturnReview(ctx context.Context, a policy.Actor, id int64, comment string) (int64, error) {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback(ctx)
	r, _, err := decide(ctx, tx, a, id, policy.ReviewReturned, comment)
	if err != nil {
		return 0, err
	}
	if err := audit(ctx, tx, a, policy.ActionReviewReturn, "review", id, nil, nil,
		policy.ReviewDetail{ReviewID: id, CommitmentID: r.CommitmentID, ProposedBy: r.ProposedBy, Comment: comment}); err != nil {
		return 0, err
	}
	return r.CommitmentID, tx.Commit(ctx)
}

// Reviews lists the reviews in state (all of them for ""), oldest pending
// first, newest decided first; commitmentID 0 means every commitment.
func (s *Store) Reviews(ctx context.Context, state string, commitmentID int64) ([]policy.Review, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT r.id, r.commitment_id, '承诺 ' || c.position || ':' || c.title, r.kind, r.base_version, r.proposal, r.before,
		       r.proposer_name, r.proposed_at, r.state, coalesce(r.decider_name, ''), r.decided_at, coalesce(r.comment, ''),
		       coalesce(ARRAY(SELECT e.name FROM entities e WHERE e.slug = ANY (ARRAY(SELECT jsonb_array_elements_text(coalesce(nullif(r.proposal->'Lead', 'null'), '[]'))))
		                      ORDER BY e.name), '{}'),
		       coalesce(ARRAY(SELECT e.name FROM entities e WHERE e.slug = ANY (ARRAY(SELECT jsonb_array_elements_text(coalesce(nullif(r.proposal->'Support', 'null'), '[]'))))
		                      ORDER BY e.name), '{}')
		FROM commitment_reviews r JOIN commitments c ON c.id = r.commitment_id
		WHERE ($1 = '' OR r.state = $1) AND ($2 = 0 OR r.commitment_id = $2)
		ORDER BY r.state <> 'pending', CASE WHEN r.state = 'pending' THEN r.id ELSE -r.id END`, state, commitmentID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (policy.Review, error) {
		var r policy.Review
		var proposal, before []byte
		var lead, support []string
		if err := row.Scan(&r.ID, &r.CommitmentID, &r.CommitmentLabel, &r.Kind, &r.BaseVersion, &proposal, &before,
			&r.ProposedBy, &r.ProposedAt, &r.State, &r.DecidedBy, &r.DecidedAt, &r.Comment, &lead, &support); err != nil {
			return r, err
		}
		if err := r.SetProposal(proposal); err != nil {
			return r, err
		}
		if err := json.Unmarshal(before, &r.Before); err != nil {
			return r, err
		}
		if r.Update != nil {
			r.After = r.Before
			r.After.Status, r.After.Progress = r.Update.Status, r.Update.Progress
		} else {
			r.After = r.Before.Proposed(r.Proposal, lead, support)
		}
		return r, nil
	})
}

// VerifyStatus records the status a reviewer has checked against evidence
// for a commitment whose form was loaded at version, with its
// commitment.verify record; the claimed status stays as the unit gave it.
func (s *Store) VerifyStatus(ctx context.Context, a policy.Actor, id int64, version int, status policy.Status) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	before, err := lockForChange(ctx, tx, id, version)
	if err != nil {
		return err
	}
	var verifier *int64
	if a.UserID != 0 {
		verifier = &a.UserID
	}
	if _, err := tx.Exec(ctx, `UPDATE commitments SET verified_status = $2, verified_at = now(), verified_by = $3 WHERE id = $1`,
		id, status, verifier); err != nil {
		return err
	}
	after := *before
	after.VerifiedStatus = status
	if err := audit(ctx, tx, a, policy.ActionCommitmentVerify, "commitment", id, before, &after, nil); err != nil {
		return err
	}
	return tx.Commit(ctx)
}
