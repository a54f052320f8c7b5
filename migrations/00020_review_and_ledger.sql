-- Review before public, claimed and verified statuses, and the ledger at any
-- date (issue 16, items 5 to 7).
--
-- Review: where editors may not publish directly (PORTAL_EDITORS_PUBLISH=false),
-- an edit of a commitment's public values, or a progress update that is public
-- or moves its status or progress, waits in commitment_reviews until a
-- reviewer (the new role, or an admin) approves it, which applies it with its
-- audit record, or returns it with a comment. The commitments table keeps the
-- approved values only, so the public pages, the API and the CSV never see a
-- proposal. A review's own events (sent, returned) are audited with subject
-- type review; an approval is the commitment's commitment.update record, whose
-- detail names who proposed it.
--
-- Claimed and verified: a commitment's status is what the responsible unit
-- claims; verified_status is what a reviewer has checked against evidence, with
-- who and when. Both are public; pages show both where they differ.
--
-- The ledger at any date: commitments_as_of(t) is the commitments as the
-- public saw them at t, replayed from the audit log: each commitment's values
-- are the state after its last record before t, or, when its records all come
-- later, the state before the first of them; a commitment created at or after
-- t is not there. Units and places stay as they are now.

-- +goose Up

-- +goose StatementBegin
-- check_values reads the values a check constraint allows from its
-- definition, which PostgreSQL prints as ARRAY['a'::text, 'b'::text] for a
-- list written out but as '{a,b}'::text[] once 00011's pattern has rewritten
-- it (00011's own regular expression reads only the first form, so a second
-- migration using it finds nothing and silently adds nothing). No values at
-- all is an error. It lives in pg_temp: gone with the migration's session.
CREATE OR REPLACE FUNCTION pg_temp.check_values(constraint_name text) RETURNS text[] LANGUAGE plpgsql AS $f$
DECLARE
    def text := (SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = constraint_name);
    vals text[];
BEGIN
    SELECT array_agg(DISTINCT v ORDER BY v) INTO vals FROM (
        SELECT m[1] AS v FROM regexp_matches(def, '''([a-z_]+)''', 'g') AS m
        UNION
        SELECT unnest(string_to_array(m[1], ',')) FROM regexp_matches(def, '''\{([a-z_,]+)\}''', 'g') AS m) s;
    IF vals IS NULL THEN
        RAISE EXCEPTION 'no values read from constraint %: %', constraint_name, def;
    END IF;
    RETURN vals;
END
$f$;
-- +goose StatementEnd

-- +goose StatementBegin
DO $$
DECLARE
    kinds text[];
BEGIN
    kinds := pg_temp.check_values('audit_log_subject_type_check');
    IF NOT 'review' = ANY (kinds) THEN
        EXECUTE format('ALTER TABLE audit_log DROP CONSTRAINT audit_log_subject_type_check, '
                       'ADD CONSTRAINT audit_log_subject_type_check CHECK (subject_type = ANY (%L::text[]))',
                       kinds || 'review'::text);
    END IF;
    kinds := pg_temp.check_values('users_role_check');
    IF NOT 'reviewer' = ANY (kinds) THEN
        EXECUTE format('ALTER TABLE users DROP CONSTRAINT users_role_check, '
                       'ADD CONSTRAINT users_role_check CHECK (role = ANY (%L::text[]))',
                       kinds || 'reviewer'::text);
    END IF;
END
$$;
-- +goose StatementEnd

ALTER TABLE commitments
    ADD COLUMN verified_status text CHECK (verified_status IN ('not_assessed', 'planned', 'in_progress', 'completed',
                                                               'ongoing', 'blocked', 'dropped')),
    ADD COLUMN verified_at timestamptz,
    ADD COLUMN verified_by bigint REFERENCES users (id),
    ADD CONSTRAINT commitments_verified_check CHECK ((verified_status IS NULL) = (verified_at IS NULL));

CREATE TABLE commitment_reviews (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    commitment_id bigint NOT NULL REFERENCES commitments (id) ON DELETE CASCADE,
    kind          text NOT NULL DEFAULT 'edit' CHECK (kind IN ('edit', 'update')),
    base_version  integer NOT NULL,         -- the commitment's version the change was made on
    proposal      jsonb NOT NULL,           -- the edit (policy.CommitmentEdit) or the progress update (policy.NewUpdate)
    before        jsonb NOT NULL,           -- the commitment's state when it was proposed
    proposed_by   bigint REFERENCES users (id),
    proposer_name text NOT NULL,
    proposed_at   timestamptz NOT NULL DEFAULT now(),
    state         text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'approved', 'returned')),
    decided_by    bigint REFERENCES users (id),
    decider_name  text,
    decided_at    timestamptz,
    comment       text,
    CHECK ((state = 'pending') = (decided_at IS NULL))
);
CREATE INDEX commitment_reviews_pending_idx ON commitment_reviews (proposed_at) WHERE state = 'pending';
CREATE INDEX commitment_reviews_commitment_idx ON commitment_reviews (commitment_id, id DESC);

-- +goose StatementBegin
CREATE FUNCTION commitments_as_of(t timestamptz) RETURNS SETOF commitments
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

-- +goose Down
DROP FUNCTION commitments_as_of(timestamptz);
DROP TABLE commitment_reviews;
ALTER TABLE commitments
    DROP CONSTRAINT commitments_verified_check,
    DROP COLUMN verified_status,
    DROP COLUMN verified_at,
    DROP COLUMN verified_by;
UPDATE users SET role = 'editor' WHERE role = 'reviewer';
-- The audit log is append-only, so its review records stay; the narrower
-- check holds for new rows only.
-- +goose StatementBegin
-- check_values reads the values a check constraint allows from its
-- definition, which PostgreSQL prints as ARRAY['a'::text, 'b'::text] for a
-- list written out but as '{a,b}'::text[] once 00011's pattern has rewritten
-- it (00011's own regular expression reads only the first form, so a second
-- migration using it finds nothing and silently adds nothing). No values at
-- all is an error. It lives in pg_temp: gone with the migration's session.
CREATE OR REPLACE FUNCTION pg_temp.check_values(constraint_name text) RETURNS text[] LANGUAGE plpgsql AS $f$
DECLARE
    def text := (SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = constraint_name);
    vals text[];
BEGIN
    SELECT array_agg(DISTINCT v ORDER BY v) INTO vals FROM (
        SELECT m[1] AS v FROM regexp_matches(def, '''([a-z_]+)''', 'g') AS m
        UNION
        SELECT unnest(string_to_array(m[1], ',')) FROM regexp_matches(def, '''\{([a-z_,]+)\}''', 'g') AS m) s;
    IF vals IS NULL THEN
        RAISE EXCEPTION 'no values read from constraint %: %', constraint_name, def;
    END IF;
    RETURN vals;
END
$f$;
-- +goose StatementEnd

-- +goose StatementBegin
DO $$
DECLARE
    kinds text[];
BEGIN
    kinds := pg_temp.check_values('audit_log_subject_type_check');
    EXECUTE format('ALTER TABLE audit_log DROP CONSTRAINT audit_log_subject_type_check, '
                   'ADD CONSTRAINT audit_log_subject_type_check CHECK (subject_type = ANY (%L::text[])) NOT VALID',
                   array_remove(kinds, 'review'));
    kinds := pg_temp.check_values('users_role_check');
    EXECUTE format('ALTER TABLE users DROP CONSTRAINT users_role_check, '
                   'ADD CONSTRAINT users_role_check CHECK (role = ANY (%L::text[]))',
                   array_remove(kinds, 'reviewer'));
END
$$;
-- +goose StatementEnd
