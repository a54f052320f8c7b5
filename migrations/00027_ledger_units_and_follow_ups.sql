-- The ledger at any date covers the units of each commitment, /units and
-- follow-ups (issue 16, item 7): commitments_as_of (00020, 00024) replays a
-- commitment's values but kept today's lead and supporting units, and
-- follow-ups were read as they are now.
--
-- Units. Every audit record that holds a commitment's state (the actions
-- 00024 replays) has carried its lead and supporting units since the first
-- migration, as the units' names at the time of the record. A name is not an
-- address: the registry (00019) renames units, with audit records of subject
-- type entity whose states hold the name before and after. So a name in a
-- record is read as the unit that had that name when the record was made
-- (unit_named_at). From now on the store also records the units' slugs
-- (lead_units, support_units), which never change, and those are read
-- instead where a record has them. commitment_units_as_of(t) is
-- commitment_units at t: a commitment with no such record has the units it
-- has now (nothing has changed them: units change only through an audited
-- edit or creation); one with records has those of its state at t, chosen
-- as commitments_as_of chooses: after its last record before t, else before
-- its first. commitment_entities_as_of(t) is the view commitment_entities
-- with those units.
--
-- Follow-ups. follow_ups_as_of(t) is the follow-ups opened before t (the
-- table's opened_at, as commitments_as_of takes created_at), with the due
-- date of their follow_up.due and follow_up.close records (after the last
-- before t, else before the first), closed only when their follow_up.close
-- record is before t (then at that record's time), and naming their reply
-- only then.
--
-- commitments_as_of is rewritten to the same rows at less cost: a commitment
-- no record speaks of is taken as it is by one anti-join, and only the others
-- are replayed. At 244,000 commitments and 4,000 records, reading it whole
-- took about 1 s on the shared test machine instead of the lookups per
-- commitment of 00024, which the units' replay would otherwise have added to.
--
-- All are SQL functions of one SELECT, so PostgreSQL inlines them into the
-- reads that take them and pushes a read's conditions (a commitment's id)
-- into them. Only reads for a past date call them; the present reads the
-- tables as before.

-- +goose Up

-- +goose StatementBegin
-- entity_name_at is the name the entity had at t: after its last audit record
-- before t, else before its first from t on, else its name now.
CREATE FUNCTION entity_name_at(eid bigint, t timestamptz) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT coalesce(
        (SELECT a.after->>'name' FROM audit_log a
         WHERE a.subject_type = 'entity' AND a.subject_id = eid AND a.at < t AND a.after->>'name' IS NOT NULL
         ORDER BY a.id DESC LIMIT 1),
        (SELECT a.before->>'name' FROM audit_log a
         WHERE a.subject_type = 'entity' AND a.subject_id = eid AND a.at >= t AND a.before->>'name' IS NOT NULL
         ORDER BY a.id LIMIT 1),
        (SELECT e.name FROM entities e WHERE e.id = eid))
$$;
-- +goose StatementEnd

-- +goose StatementBegin
-- unit_named_at is the entity named n at t (names are unique at any time):
-- one named so now, or one whose audit records name it so, if that was its
-- name at t. NULL when none was.
CREATE FUNCTION unit_named_at(n text, t timestamptz) RETURNS bigint
LANGUAGE sql STABLE AS $$
    SELECT k.id FROM (
        SELECT e.id FROM entities e WHERE e.name = n
        UNION
        SELECT a.subject_id FROM audit_log a
        WHERE a.subject_type = 'entity' AND (a.before->>'name' = n OR a.after->>'name' = n)) k
    WHERE entity_name_at(k.id, t) = n
    ORDER BY k.id LIMIT 1
$$;
-- +goose StatementEnd

-- +goose StatementBegin
-- ledger_units are the units a recorded commitment state names, made at t:
-- by slug where the state has them (lead_units, support_units), else by the
-- names of then.
CREATE FUNCTION ledger_units(state jsonb, t timestamptz) RETURNS TABLE (entity_id bigint, role text)
LANGUAGE sql STABLE AS $$
    SELECT e.id, r.role FROM unnest(ARRAY['lead', 'support']) AS r(role)
    CROSS JOIN LATERAL jsonb_array_elements_text(CASE WHEN jsonb_typeof(state->(r.role || '_units')) = 'array'
                                                      THEN state->(r.role || '_units') END) AS n(slug)
    JOIN entities e ON e.slug = n.slug
    UNION ALL
    SELECT x.id, r.role FROM unnest(ARRAY['lead', 'support']) AS r(role)
    CROSS JOIN LATERAL jsonb_array_elements_text(CASE WHEN jsonb_typeof(state->(r.role || '_units')) IS DISTINCT FROM 'array'
                                                           AND jsonb_typeof(state->r.role) = 'array'
                                                      THEN state->r.role END) AS n(name)
    CROSS JOIN LATERAL (SELECT unit_named_at(n.name, t) AS id) x
    WHERE x.id IS NOT NULL
$$;
-- +goose StatementEnd

-- +goose StatementBegin
-- ledger_units_record is the record that gives commitment cid's units at t,
-- with its time: the state after its last record before t, else the state
-- before its first from t on. Only the records 00024 replays, and only
-- those that carry units. None when the commitment has no such record.
CREATE FUNCTION ledger_units_record(cid bigint, t timestamptz) RETURNS TABLE (state jsonb, at timestamptz)
LANGUAGE sql STABLE AS $$
    SELECT r.state, r.at FROM (
        (SELECT a.after AS state, a.at, 0 AS k FROM audit_log a
         WHERE a.subject_type = 'commitment' AND a.subject_id = cid AND a.at < t
           AND a.action IN ('commitment.create', 'commitment.update', 'commitment.withdraw', 'commitment.restore',
                            'commitment.reanchor', 'commitment.anchor_confirm', 'commitment.repin',
                            'commitment.verify', 'update.add')
           AND jsonb_typeof(a.after->'lead') = 'array'
         ORDER BY a.id DESC LIMIT 1)
        UNION ALL
        (SELECT a.before, a.at, 1 FROM audit_log a
         WHERE a.subject_type = 'commitment' AND a.subject_id = cid AND a.at >= t
           AND a.action IN ('commitment.create', 'commitment.update', 'commitment.withdraw', 'commitment.restore',
                            'commitment.reanchor', 'commitment.anchor_confirm', 'commitment.repin',
                            'commitment.verify', 'update.add')
           AND jsonb_typeof(a.before->'lead') = 'array'
         ORDER BY a.id LIMIT 1)) r
    ORDER BY r.k LIMIT 1
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION commitment_units_as_of(t timestamptz) RETURNS SETOF commitment_units
LANGUAGE sql STABLE AS $$
    -- Units of a commitment no record speaks of at t (ledger_units_record
    -- finds none): as they are now. Written as a plain NOT EXISTS, so that
    -- the whole table is one anti-join, not two lookups per unit.
    SELECT u.* FROM commitment_units u
    WHERE NOT EXISTS (SELECT 1 FROM audit_log a
                      WHERE a.subject_type = 'commitment' AND a.subject_id = u.commitment_id
                        AND a.action IN ('commitment.create', 'commitment.update', 'commitment.withdraw', 'commitment.restore',
                            'commitment.reanchor', 'commitment.anchor_confirm', 'commitment.repin',
                            'commitment.verify', 'update.add')
                        AND CASE WHEN a.at < t THEN jsonb_typeof(a.after->'lead') ELSE jsonb_typeof(a.before->'lead') END = 'array')
    UNION ALL
    -- Units of a commitment with such a record: those of its state at t.
    SELECT k.commitment_id, x.entity_id, x.role FROM (
        SELECT DISTINCT a.subject_id AS commitment_id FROM audit_log a
        WHERE a.subject_type = 'commitment'
          AND a.action IN ('commitment.create', 'commitment.update', 'commitment.withdraw', 'commitment.restore',
                            'commitment.reanchor', 'commitment.anchor_confirm', 'commitment.repin',
                            'commitment.verify', 'update.add')
          AND CASE WHEN a.at < t THEN jsonb_typeof(a.after->'lead') ELSE jsonb_typeof(a.before->'lead') END = 'array') k
    CROSS JOIN LATERAL ledger_units_record(k.commitment_id, t) r
    CROSS JOIN LATERAL ledger_units(r.state, r.at) x
$$;
-- +goose StatementEnd

-- +goose StatementBegin
-- commitments_as_of as 00024 made it, in two parts: a commitment no record
-- speaks of at t is the row as it is now (00024 overlaid nothing on it
-- either), found by one anti-join instead of two lookups per commitment;
-- only the others are replayed. The same rows, so that the units' replay
-- above does not make every past page slower at scale.
CREATE OR REPLACE FUNCTION commitments_as_of(t timestamptz) RETURNS SETOF commitments
LANGUAGE sql STABLE AS $$
    SELECT c.* FROM commitments c
    WHERE c.created_at < t
      AND NOT EXISTS (SELECT 1 FROM audit_log a
                      WHERE a.subject_type = 'commitment' AND a.subject_id = c.id
                        AND a.action IN ('commitment.create', 'commitment.update', 'commitment.withdraw', 'commitment.restore',
                            'commitment.reanchor', 'commitment.anchor_confirm', 'commitment.repin',
                            'commitment.verify', 'update.add')
                        AND CASE WHEN a.at < t THEN jsonb_typeof(a.after->'status') ELSE jsonb_typeof(a.before->'status') END = 'string')
    UNION ALL
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
      AND EXISTS (SELECT 1 FROM audit_log a
                  WHERE a.subject_type = 'commitment' AND a.subject_id = c.id
                    AND a.action IN ('commitment.create', 'commitment.update', 'commitment.withdraw', 'commitment.restore',
                            'commitment.reanchor', 'commitment.anchor_confirm', 'commitment.repin',
                            'commitment.verify', 'update.add')
                    AND CASE WHEN a.at < t THEN jsonb_typeof(a.after->'status') ELSE jsonb_typeof(a.before->'status') END = 'string')
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION commitment_entities_as_of(t timestamptz) RETURNS TABLE (commitment_id bigint, entity_id bigint)
LANGUAGE sql STABLE AS $$
    SELECT c.id, m.entity_id
    FROM commitments c
    JOIN mentions m ON m.paragraph_id = c.paragraph_id
                   AND m.start_offset >= c.start_offset AND m.end_offset <= c.end_offset
    UNION
    SELECT u.commitment_id, u.entity_id FROM commitment_units_as_of(t) u
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION follow_ups_as_of(t timestamptz) RETURNS SETOF follow_ups
LANGUAGE sql STABLE AS $$
    SELECT (jsonb_populate_record(f, jsonb_build_object(
               'due_on', coalesce(
                   (SELECT a.after->>'due_on' FROM audit_log a
                    WHERE a.subject_type = 'follow_up' AND a.subject_id = f.id AND a.at < t AND a.after->>'due_on' IS NOT NULL
                    ORDER BY a.id DESC LIMIT 1),
                   (SELECT a.before->>'due_on' FROM audit_log a
                    WHERE a.subject_type = 'follow_up' AND a.subject_id = f.id AND a.at >= t AND a.before->>'due_on' IS NOT NULL
                    ORDER BY a.id LIMIT 1),
                   f.due_on::text),
               'closed_at', c.at,
               'reply_document_id', CASE WHEN c.at IS NOT NULL THEN f.reply_document_id END))).*
    FROM follow_ups f
    -- Closed at t: by its close record before t; one closed without a
    -- record (none is) by the table's closed_at.
    LEFT JOIN LATERAL (SELECT coalesce(
                           (SELECT a.at FROM audit_log a
                            WHERE a.subject_type = 'follow_up' AND a.subject_id = f.id AND a.action = 'follow_up.close'
                            ORDER BY a.id LIMIT 1),
                           f.closed_at) AS at
                       OFFSET 0) c0 ON true
    LEFT JOIN LATERAL (SELECT c0.at WHERE c0.at < t) c ON true
    WHERE f.opened_at < t
$$;
-- +goose StatementEnd

-- +goose Down
-- commitments_as_of as 00024 left it.
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


DROP FUNCTION follow_ups_as_of(timestamptz);
DROP FUNCTION commitment_entities_as_of(timestamptz);
DROP FUNCTION commitment_units_as_of(timestamptz);
DROP FUNCTION ledger_units_record(bigint, timestamptz);
DROP FUNCTION ledger_units(jsonb, timestamptz);
DROP FUNCTION unit_named_at(text, timestamptz);
DROP FUNCTION entity_name_at(bigint, timestamptz);
