-- Email subscriptions and reminders to responsible units (issue 17).
--
-- Mail itself is never kept here: every mail is a job in river's queue
-- (river_job, created by river's own migrations, which `portal migrate up`
-- and `portal serve` run right after goose's: internal/postgres/migrate.go).
-- These tables hold who follows what, the changes a daily digest still owes,
-- the confirmation mails sent (to limit them) and the reminders sent to units.
--
-- Tokens are never stored: a confirmation token only as its SHA-256, a
-- personal link not at all (it is recomputed from a key). None of these tables is
-- shown on a public page, so none has a change trigger.

-- +goose Up
CREATE TABLE subscriptions (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email         text NOT NULL CHECK (char_length(email) <= 254 AND email ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$'),
    lang          text NOT NULL CHECK (lang IN ('zh', 'en')),
    -- What is followed: a commitment (its id), a document (its slug), a section
    -- (slug/anchor), an entity (its slug) or a filtered list (its query string).
    target_kind   text NOT NULL CHECK (target_kind IN ('commitment', 'document', 'section', 'entity', 'list')),
    target_key    text NOT NULL CHECK (char_length(target_key) <= 1000),
    frequency     text NOT NULL DEFAULT 'immediate' CHECK (frequency IN ('immediate', 'daily')),
    filter        jsonb,                 -- a list's filter, as the list read its query string
    confirm_hash  bytea UNIQUE,          -- SHA-256 of the confirmation token; NULL once confirmed
    -- The personal link of every mail is an HMAC of the id and this nonce
    -- under the signing key 'mail' (signing_keys): nothing to steal here,
    -- and a new nonce voids old links.
    nonce         bigint NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    confirmed_at  timestamptz,
    UNIQUE (email, target_kind, target_key)
);

-- digest_items are the changes a daily subscription has not been sent yet.
CREATE TABLE digest_items (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    subscription_id bigint NOT NULL REFERENCES subscriptions ON DELETE CASCADE,
    change          jsonb NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX digest_items_subscription_idx ON digest_items (subscription_id, id);

-- confirmation_sends records each subscription request, by address and by
-- client (whether it sent a confirmation mail or, the address being subscribed
-- already, nothing), so that a flood gets a message instead of mail.
CREATE TABLE confirmation_sends (
    email   text NOT NULL,
    client  text NOT NULL,
    sent_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX confirmation_sends_email_idx ON confirmation_sends (email, sent_at);
CREATE INDEX confirmation_sends_client_idx ON confirmation_sends (client, sent_at);

-- unit_reminders says which reminder about which commitment went to which
-- unit's address on which day: what staff see, and what keeps a reminder
-- from going twice.
CREATE TABLE unit_reminders (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    entity_id     bigint NOT NULL REFERENCES entities ON DELETE CASCADE,
    commitment_id bigint NOT NULL REFERENCES commitments ON DELETE CASCADE,
    kind          text NOT NULL CHECK (kind IN ('due30', 'due7', 'overdue')),
    sent_on       date NOT NULL,
    email         text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX unit_reminders_idx ON unit_reminders (entity_id, commitment_id, kind, sent_on DESC);

-- +goose Down
DROP TABLE unit_reminders;
DROP TABLE confirmation_sends;
DROP TABLE digest_items;
DROP TABLE subscriptions;
