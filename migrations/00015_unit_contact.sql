-- A responsible unit's contact address (issues 16 and 17). Units are the
-- entities that commitments name as leading or supporting them
-- (commitment_units); the units registry lets admins set this address, and
-- the reminders to responsible units are sent to it. NULL: no address yet.
-- entities keeps its change triggers and portal_app's grants; no new table.

-- +goose Up
ALTER TABLE entities ADD COLUMN contact_email text
    CHECK (contact_email IS NULL OR (char_length(contact_email) <= 254 AND contact_email ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$'));

-- +goose Down
ALTER TABLE entities DROP COLUMN contact_email;
