-- Evidence files in an S3-compatible object store (issue 16, item 4), chosen
-- by PORTAL_EVIDENCE_STORE=s3.
--
-- object_key is where a file's bytes are when they are not in evidence_chunks:
-- the key of an object in the store's bucket, random (objectstore.NewKey) and
-- never the file's name. NULL keeps the bytes in PostgreSQL, as every file
-- stored so far. A file is served from where it was stored, whatever store is
-- configured now. The row (name, type, size, SHA-256, its update and so its
-- visibility) and its audit record are still written in one transaction; the
-- object is written before it and removed again when that transaction fails.
--
-- Adding a nullable column without a default rewrites nothing; the unique
-- index is built over NULLs only.

-- +goose Up
ALTER TABLE evidence_files ADD COLUMN object_key text UNIQUE CHECK (object_key ~ '^evidence/[0-9a-f]{32}$');

-- +goose Down
-- Files kept in the object store lose the only record of their key.
ALTER TABLE evidence_files DROP COLUMN object_key;
