-- Tell every running portal that data the public sees has changed.
--
-- Each instance keeps rendered public pages in memory and listens on the channel
-- portal_changes (internal/server/notify.go). A statement that writes any table but
-- sessions and login_attempts sends one notification naming the table. PostgreSQL
-- delivers it when the transaction commits, never for one that rolls back, and folds
-- repeats within a transaction into one; so a commitment edit with its audit record
-- sends a notification or two, whoever wrote it (the portal, an importer, psql).
--
-- A table added by a later migration needs the same trigger:
--   CREATE TRIGGER notify_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON t
--       FOR EACH STATEMENT EXECUTE FUNCTION notify_change();

-- +goose Up

-- +goose StatementBegin
CREATE FUNCTION notify_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('portal_changes', TG_TABLE_NAME);
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
DO $$
DECLARE
    t regclass;
BEGIN
    FOR t IN
        SELECT c.oid::regclass FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')
          AND c.relname NOT IN ('sessions', 'login_attempts', 'goose_db_version')
    LOOP
        EXECUTE format('CREATE TRIGGER notify_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %s '
                       'FOR EACH STATEMENT EXECUTE FUNCTION notify_change()', t);
    END LOOP;
END
$$;
-- +goose StatementEnd

-- +goose Down

-- +goose StatementBegin
DO $$
DECLARE
    t regclass;
BEGIN
    FOR t IN
        SELECT tgrelid::regclass FROM pg_trigger WHERE tgname = 'notify_change'
    LOOP
        EXECUTE format('DROP TRIGGER notify_change ON %s', t);
    END LOOP;
END
$$;
-- +goose StatementEnd

DROP FUNCTION notify_change();
