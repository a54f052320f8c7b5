-- commitments_as_of (00020) replayed the latest audit record of a commitment
-- whatever its action, but some records of subject 'commitment' do not hold
-- a commitment's state: update.edit, update.hide and update.show hold the
-- progress update's (policy.UpdateState), evidence.add holds none. Once an
-- update was corrected or hidden, every ledger page read a NULL status and
-- answered 500. The ledger now replays only the actions whose before and
-- after are a policy.CommitmentState, and only records that carry a status;
-- a status is never NULL (the present one stands in). A withdrawal's date is
-- the date of the withdrawal record in force at t, not the present
-- withdrawn_at (a commitment withdrawn, restored and withdrawn again), and a
-- verification's likewise.

-- +goose Up
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION commitments_as_of(t timestamptz) RETURNS SETOF commitments
LANGUAGE sql STABLE AS $$
    SELECT (jsonb_populate_record(c, CASE WHEN s.state IS NULL THEN '{}'::jsonb ELSE jsonb_build_object(
               'title', coalesce(nullif(s.state->>'title', ''), c.title),
               'kind', coalesce(s.state->>'kind', c.kind),
               'strength', coalesce(s.state->>'strength', c.strength),
               'status', coalesce(s.state->>'status', c.status),
               'status_basis', CASE WHEN coalesce(s.state->>'status', c.status) = c.status THEN c.status_basis END,
               'progress', s.state->'progress',
               'time_frame', nullif(s.state->>'time_frame', ''),
               'due_on', nullif(s.state->>'due_on', ''),
               'public_note', nullif(s.state->>'public_note', ''),
               'withdrawn_at', CASE WHEN (s.state->>'withdrawn')::boolean THEN coalesce(
                   (SELECT max(a.at) FROM audit_log a
                    WHERE a.subject_type = 'commitment' AND a.subject_id = c.id AND a.action = 'commitment.withdraw' AND a.at <= s.at),
                   c.withdrawn_at, s.at) END,
               'withdrawn_reason', nullif(s.state->>'withdrawn_reason', ''),
               'verified_status', s.state->'verified_status',
               'verified_at', CASE WHEN s.state->>'verified_status' IS NOT NULL THEN coalesce(
                   (SELECT max(a.at) FROM audit_log a
                    WHERE a.subject_type = 'commitment' AND a.subject_id = c.id AND a.action = 'commitment.verify' AND a.at <= s.at),
                   c.verified_at, s.at) END,
               'updated_at', s.at) END)).*
    FROM commitments c
    LEFT JOIN LATERAL (
        SELECT coalesce(
                   (SELECT jsonb_build_object('state', a.after, 'at', a.at) FROM audit_log a
                    WHERE a.subject_type = 'commitment' AND a.subject_id = c.id AND a.at < t
                      AND a.action IN ('commitment.create', 'commitment.update', 'commitment.withdraw', 'commitment.restore',
                                       'commitment.reanchor', 'commitment.anchor_confirm', 'commitment.repin',
                                       'commitment.verify', 'update.add')
                      AND jsonb_typeof(a.after->'status') = 'string'
                    ORDER BY a.id DESC LIMIT 1),
                   (SELECT jsonb_build_object('state', a.before, 'at', c.created_at) FROM audit_log a
                    WHERE a.subject_type = 'commitment' AND a.subject_id = c.id AND a.at >= t
                      AND a.action IN ('commitment.create', 'commitment.update', 'commitment.withdraw', 'commitment.restore',
                                       'commitment.reanchor', 'commitment.anchor_confirm', 'commitment.repin',
                                       'commitment.verify', 'update.add')
                      AND jsonb_typeof(a.before->'status') = 'string'
                    ORDER BY a.id LIMIT 1)) AS r
        OFFSET 0) x ON true -- OFFSET 0 keeps each lookup one per row: pulled up, every field repeated it
    LEFT JOIN LATERAL (SELECT x.r->'state' AS state, (x.r->>'at')::timestamptz AS at OFFSET 0) s ON true
    WHERE c.created_at < t
$$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION commitments_as_of(t timestamptz) RETURNS SETOF commitments
LANGUAGE sql STABLE AS $$
    SELECT (jsonb_populate_record(c, CASE WHEN s.state IS NULL THEN '{}'::jsonb ELSE jsonb_build_object(
               'title', coalesce(nullif(s.state->>'title', ''), c.title),
               'kind', coalesce(s.state->>'kind', c.kind),
               'strength', coalesce(s.state->>'strength', c.strength),
               'status', s.state->>'status',
               'status_basis', CASE WHEN s.state->>'status' = c.status THEN c.status_basis END,
               'progress', s.state->'progress',
               'time_frame', nullif(s.state->>'time_frame', ''),
               'due_on', nullif(s.state->>'due_on', ''),
               'public_note', nullif(s.state->>'public_note', ''),
               'withdrawn_at', CASE WHEN (s.state->>'withdrawn')::boolean THEN coalesce(c.withdrawn_at, s.at) END,
               'withdrawn_reason', nullif(s.state->>'withdrawn_reason', ''),
               'verified_status', s.state->'verified_status',
               'verified_at', CASE WHEN s.state->>'verified_status' IS NOT NULL THEN coalesce(c.verified_at, s.at) END,
               'updated_at', s.at) END)).*
    FROM commitments c
    LEFT JOIN LATERAL (
        SELECT coalesce(
                   (SELECT jsonb_build_object('state', a.after, 'at', a.at) FROM audit_log a
                    WHERE a.subject_type = 'commitment' AND a.subject_id = c.id AND a.at < t AND a.after IS NOT NULL
                    ORDER BY a.id DESC LIMIT 1),
                   (SELECT jsonb_build_object('state', a.before, 'at', c.created_at) FROM audit_log a
                    WHERE a.subject_type = 'commitment' AND a.subject_id = c.id AND a.at >= t AND a.before IS NOT NULL
                    ORDER BY a.id LIMIT 1)) AS r
        OFFSET 0) x ON true -- OFFSET 0 keeps each lookup one per row: pulled up, every field repeated it
    LEFT JOIN LATERAL (SELECT x.r->'state' AS state, (x.r->>'at')::timestamptz AS at OFFSET 0) s ON true
    WHERE c.created_at < t
$$;
-- +goose StatementEnd
