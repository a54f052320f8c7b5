-- Staff accounts, their sessions and login attempts; the tracking of commitments
-- through progress updates; and the append-only audit log that every change
-- writes in the same transaction as the change itself.

-- +goose Up

CREATE TABLE users (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email         text NOT NULL CHECK (email = lower(email) AND email LIKE '%_@_%' AND char_length(email) <= 254),
    name          text NOT NULL CHECK (name <> '' AND char_length(name) <= 60),
    role          text NOT NULL CHECK (role IN ('editor', 'admin')),
    password_hash text NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
    disabled_at   timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (email)
);

-- Sessions as alexedwards/scs stores them, plus the user they belong to, so that
-- disabling an account can end its sessions in one statement.
CREATE TABLE sessions (
    token   text PRIMARY KEY,
    data    bytea NOT NULL,
    expiry  timestamptz NOT NULL,
    user_id bigint REFERENCES users (id) ON DELETE CASCADE
);
CREATE INDEX sessions_expiry_idx ON sessions (expiry);
CREATE INDEX sessions_user_idx ON sessions (user_id);

-- Every login attempt, kept for throttling and for the record. The email is kept
-- as typed (lowercased), whether or not such an account exists. An attempt is
-- recorded as pending before its password is checked, so that a burst of
-- parallel attempts is counted as it arrives.
CREATE TABLE login_attempts (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email        text NOT NULL CHECK (char_length(email) <= 254),
    client       inet NOT NULL,
    outcome      text NOT NULL CHECK (outcome IN ('pending', 'failed', 'succeeded', 'throttled')),
    attempted_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_attempts_email_idx ON login_attempts (email, attempted_at);
CREATE INDEX login_attempts_client_idx ON login_attempts (client, attempted_at);

-- What staff may change on a commitment beyond its status and progress.
ALTER TABLE commitments
    ADD COLUMN public_note      text CHECK (char_length(public_note) <= 2000),
    ADD COLUMN withdrawn_at     timestamptz,
    ADD COLUMN withdrawn_reason text CHECK (char_length(withdrawn_reason) <= 500),
    ADD COLUMN created_by       bigint REFERENCES users (id);

-- A progress update is a dated entry in a commitment's timeline: what happened,
-- the status and progress after it, and the evidence. Internal updates are for
-- staff only; the author's name is shown to the public only when signed.
CREATE TABLE progress_updates (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    commitment_id bigint NOT NULL REFERENCES commitments (id),
    happened_on   date NOT NULL,
    status        text NOT NULL CHECK (status IN ('not_assessed', 'planned', 'in_progress', 'completed',
                                                  'ongoing', 'blocked', 'dropped')),
    progress      smallint CHECK (progress BETWEEN 0 AND 100),
    note          text NOT NULL CHECK (note <> '' AND char_length(note) <= 4000),
    evidence_url  text CHECK (evidence_url ~ '^https?://' AND char_length(evidence_url) <= 2000),
    public        boolean NOT NULL,
    signed        boolean NOT NULL DEFAULT false,
    author_id     bigint REFERENCES users (id),
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX progress_updates_commitment_idx ON progress_updates (commitment_id, happened_on DESC, id DESC);

-- The audit log: who did what to which record, with the record's values before
-- and after. Rows are only ever added; the triggers below refuse anything else.
CREATE TABLE audit_log (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at           timestamptz NOT NULL DEFAULT now(),
    actor_id     bigint REFERENCES users (id),  -- null for the command line
    actor_name   text NOT NULL,                  -- as it was at the time
    action       text NOT NULL,                  -- commitment.update, update.add, user.disable ...
    subject_type text NOT NULL CHECK (subject_type IN ('commitment', 'user')),
    subject_id   bigint NOT NULL,
    before       jsonb,
    after        jsonb,
    detail       jsonb,                          -- context: the progress update added ...
    request_id   text
);
CREATE INDEX audit_log_subject_idx ON audit_log (subject_type, subject_id, id DESC);
CREATE INDEX audit_log_at_idx ON audit_log (at DESC, id DESC);

-- +goose StatementBegin
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

-- +goose Down
DROP TABLE audit_log;
DROP FUNCTION audit_log_append_only();
DROP TABLE progress_updates;
ALTER TABLE commitments
    DROP COLUMN public_note,
    DROP COLUMN withdrawn_at,
    DROP COLUMN withdrawn_reason,
    DROP COLUMN created_by;
DROP TABLE login_attempts;
DROP TABLE sessions;
DROP TABLE users;
