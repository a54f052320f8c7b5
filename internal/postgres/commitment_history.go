package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/guizhou-portal/portal/internal/policy"
)

// ChangeView says what a viewer of the history may see.
type ChangeView struct {
	Staff bool // staff see who changed what and internal updates
}

const changeSQL = `
	SELECT a.id, a.at, a.actor_name, a.action, a.subject_type, a.subject_id, a.before, a.after,
	       (a.detail->>'update_id')::bigint,
	       CASE a.subject_type
	           WHEN 'commitment' THEN (SELECT '承诺 ' || c.position || ':' || c.title FROM commitments c WHERE c.id = a.subject_id)
	           WHEN 'user' THEN (SELECT u.name FROM users u WHERE u.id = a.subject_id)
	           WHEN 'document' THEN (SELECT d.title FROM documents d WHERE d.id = a.subject_id)
	           WHEN 'theme' THEN (SELECT t.name_zh FROM themes t WHERE t.id = a.subject_id)
	           WHEN 'entity' THEN (SELECT e.name FROM entities e WHERE e.id = a.subject_id)
	           WHEN 'review' THEN (SELECT '审核 ' || r.id || ' · 承诺 ' || c.position || ':' || c.title
	                               FROM commitment_reviews r JOIN commitments c ON c.id = r.commitment_id WHERE r.id = a.subject_id)
	       END,
	       CASE WHEN a.subject_type = 'document' THEN (SELECT d.slug FROM documents d WHERE d.id = a.subject_id) END,
	       u.id, u.happened_on, u.status, u.progress, u.note, coalesce(u.evidence_url, ''), u.public, u.signed,
	       u.hidden_at IS NOT NULL,
	       coalesce(a.detail->>'proposed_by', ''), a.action IN ('commitment.update', 'update.add') AND coalesce(a.detail ? 'review_id', false)
	FROM audit_log a
	LEFT JOIN progress_updates u ON u.id = (a.detail->>'update_id')::bigint`

func scanChange(view ChangeView) pgx.RowToFunc[policy.Change] {
	return func(r pgx.CollectableRow) (policy.Change, error) {
		var c policy.Change
		var before, after []byte
		var updateID, uID *int64
		var label, slug *string
		var happened *time.Time
		var uStatus, uNote, uEvidence *string
		var uProgress *int16
		var uPublic, uSigned, uHidden *bool
		err := r.Scan(&c.ID, &c.At, &c.Actor, &c.Action, &c.SubjectType, &c.SubjectID, &before, &after,
			&updateID, &label, &slug, &uID, &happened, &uStatus, &uProgress, &uNote, &uEvidence, &uPublic, &uSigned, &uHidden,
			&c.ProposedBy, &c.Reviewed)
		if err != nil {
			return c, err
		}
		if label != nil {
			c.SubjectLabel = *label
		}
		if slug != nil {
			c.SubjectSlug = *slug
		}
		if isUpdateCorrection(c.Action) {
			c.Diffs, err = diffUpdates(before, after)
		} else {
			c.Diffs, err = diffStates(c.SubjectType, before, after, view)
		}
		if err != nil {
			return c, fmt.Errorf("audit record %d: %w", c.ID, err)
		}
		// The public never sees the words of an internal or hidden update, in
		// any record of it; of a hidden one it sees that it was hidden, and why.
		publicUpdate := uID != nil && *uPublic && !*uHidden
		if !view.Staff && isUpdateCorrection(c.Action) && !publicUpdate {
			c.Diffs = slices.DeleteFunc(c.Diffs, func(d policy.FieldDiff) bool {
				return !(uID != nil && *uPublic && (d.Key == "update_hidden" || d.Key == "update_hide_reason"))
			})
		}
		if uID != nil && (view.Staff || publicUpdate) {
			u := &policy.ProgressUpdate{ID: *uID, NewUpdate: policy.NewUpdate{HappenedOn: *happened, Status: policy.Status(*uStatus),
				Note: *uNote, EvidenceURL: *uEvidence, Public: *uPublic, Signed: *uSigned}}
			if uProgress != nil {
				p := int(*uProgress)
				u.Progress = &p
			}
			c.Update = u
		}
		if !view.Staff {
			c.Actor, c.ProposedBy = "", ""
		}
		return c, nil
	}
}

// isUpdateCorrection reports whether an audit action corrected, hid or showed
// again a progress update: its states are policy.UpdateState.
func isUpdateCorrection(action string) bool {
	return action == policy.ActionUpdateEdit || action == policy.ActionUpdateHide || action == policy.ActionUpdateShow
}

func diffUpdates(before, after []byte) ([]policy.FieldDiff, error) {
	var b, a *policy.UpdateState
	if err := unmarshalState(before, &b); err != nil {
		return nil, err
	}
	if err := unmarshalState(after, &a); err != nil {
		return nil, err
	}
	return policy.Diff(b.Fields(), a.Fields()), nil
}

func diffStates(subjectType string, before, after []byte, view ChangeView) ([]policy.FieldDiff, error) {
	switch subjectType {
	case "commitment":
		var b, a *policy.CommitmentState
		if err := unmarshalState(before, &b); err != nil {
			return nil, err
		}
		if err := unmarshalState(after, &a); err != nil {
			return nil, err
		}
		diffs := policy.Diff(b.Fields(), a.Fields())
		if !view.Staff {
			diffs = slices.DeleteFunc(diffs, func(d policy.FieldDiff) bool { return policy.StaffOnlyFields[d.Key] })
		}
		return diffs, nil
	case "user":
		if !view.Staff {
			return nil, nil
		}
		var b, a *policy.UserState
		if err := unmarshalState(before, &b); err != nil {
			return nil, err
		}
		if err := unmarshalState(after, &a); err != nil {
			return nil, err
		}
		return policy.Diff(b.Fields(), a.Fields()), nil
	case "entity":
		if !view.Staff {
			return nil, nil
		}
		var b, a *policy.UnitState
		if err := unmarshalState(before, &b); err != nil {
			return nil, err
		}
		if err := unmarshalState(after, &a); err != nil {
			return nil, err
		}
		return policy.Diff(b.Fields(), a.Fields()), nil
	}
	return nil, nil
}

func unmarshalState[T any](b []byte, into **T) error {
	if b == nil {
		return nil
	}
	*into = new(T)
	return json.Unmarshal(b, *into)
}

// publicEvidence keeps from the public the records of files attached to an
// update it cannot see (internal, or hidden since): the file itself is not
// served to it either (evidenceVisible).
const publicEvidence = ` AND (a.action <> '` + policy.ActionEvidenceAdd + `' OR (u.public AND u.hidden_at IS NULL))`

// History lists every change to a commitment, newest first.
func (s *Store) History(ctx context.Context, commitmentID int64, view ChangeView) ([]policy.Change, error) {
	where := ` WHERE a.subject_type = 'commitment' AND a.subject_id = $1`
	if !view.Staff {
		where += publicEvidence
	}
	rows, err := s.pool.Query(ctx, changeSQL+where+` ORDER BY a.id DESC`, commitmentID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanChange(view))
}

// RecentChanges lists the latest changes across the portal, newest first, for staff.
func (s *Store) RecentChanges(ctx context.Context, limit int) ([]policy.Change, error) {
	return s.Changes(ctx, ChangeFilter{Limit: limit}, ChangeView{Staff: true})
}

// ChangeFilter picks the changes recorded in [From, To); nil ends are open.
type ChangeFilter struct {
	From, To *time.Time
	Limit    int
}

// Changes lists the changes f picks, newest first. Staff see every change
// with who made it; the public sees only changes to the commitments of the
// documents it can see, without names, internal updates or staff-only fields.
func (s *Store) Changes(ctx context.Context, f ChangeFilter, view ChangeView) ([]policy.Change, error) {
	where := ` WHERE ($1::timestamptz IS NULL OR a.at >= $1) AND ($2::timestamptz IS NULL OR a.at < $2)`
	if !view.Staff {
		where += ` AND a.subject_type = 'commitment' AND ` +
			visibleDocument(ctx, "(SELECT vc.document_id FROM commitments vc WHERE vc.id = a.subject_id)") + publicEvidence
	}
	rows, err := s.pool.Query(ctx, changeSQL+where+` ORDER BY a.id DESC LIMIT $3`, f.From, f.To, f.Limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanChange(view))
}
