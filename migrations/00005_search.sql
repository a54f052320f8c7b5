-- Search over Chinese text, inside PostgreSQL.
--
-- PostgreSQL's text search does not segment Chinese, and pg_trgm cannot use its index
-- for queries shorter than three characters, yet 锂, 磷, 锂矿 and 电池 are what readers
-- type. So every searchable text is indexed by its character unigrams and bigrams (a GIN
-- index over an expression, so nothing extra is stored in the rows). A text that
-- contains a term must contain the term's bigrams (or, for a one-character term, the
-- character), so the index finds every candidate; one- and two-character terms need
-- no further check, longer ones are confirmed with strpos.
--
-- Both sides are normalised the same way, to NFKC and lower case: full-width digits and
-- letters (２０２５, ＡＢＣ) and the ideographic space become ASCII, and letters
-- of either case match. (translate() over the full-width block did the same job
-- six times slower.)

-- +goose Up

CREATE FUNCTION search_normalize(t text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN lower(normalize(t, NFKC));

-- search_grams is every distinct character and pair of adjacent characters of the
-- normalised text, leaving out whitespace and pairs across it. Its high cost tells the
-- planner never to compute it row by row when the index can answer.
-- +goose StatementBegin
CREATE FUNCTION search_grams(t text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE COST 5000 AS $$
    SELECT coalesce(array_agg(DISTINCT g), '{}')
    FROM (SELECT c, lead(c) OVER (ORDER BY i) AS n
          FROM unnest(regexp_split_to_array(search_normalize(t), '')) WITH ORDINALITY AS u (c, i)) s
    CROSS JOIN LATERAL (VALUES (c), (c || n)) AS v (g)
    WHERE g IS NOT NULL AND g <> '' AND g !~ '\s'
$$;
-- +goose StatementEnd

-- search_keys is the grams every text containing all the terms must have: each term's
-- bigrams, or the term itself when it is one character long once normalised (é typed
-- as e and a combining accent is one character, as ｶﾞ is).
-- +goose StatementBegin
CREATE FUNCTION search_keys(terms text[]) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT g), '{}')
    FROM unnest(terms) AS t (term)
    CROSS JOIN LATERAL unnest(search_grams(t.term)) AS k (g)
    WHERE char_length(k.g) = 2 OR char_length(search_normalize(t.term)) = 1
$$;
-- +goose StatementEnd

CREATE INDEX paragraphs_search_idx ON paragraphs USING gin (search_grams(text));
CREATE INDEX commitments_search_idx ON commitments USING gin (search_grams(title || ' ' || quote));
CREATE INDEX documents_search_idx ON documents
    USING gin (search_grams(title || ' ' || coalesce(short_title, '') || ' ' || coalesce(doc_number, '')));

-- Search ranks real documents first, then newest first. For a frequent term it walks the
-- documents in that order and stops when a page is full, instead of ranking thousands of
-- hits; this index gives it the order.
CREATE INDEX documents_rank_idx ON documents (synthetic, signed_on DESC NULLS LAST, id);

-- commitment_entities pairs each commitment with the entities its quote names and the
-- units it names as leading or supporting it.
CREATE VIEW commitment_entities AS
SELECT c.id AS commitment_id, m.entity_id
FROM commitments c
JOIN mentions m ON m.paragraph_id = c.paragraph_id
               AND m.start_offset >= c.start_offset AND m.end_offset <= c.end_offset
UNION
SELECT u.commitment_id, u.entity_id FROM commitment_units u;

-- entity_lineage pairs each entity with itself and every entity above it: a park with
-- its county, prefecture and province. A commitment that names a park is about its region.
CREATE VIEW entity_lineage AS
WITH RECURSIVE up (entity_id, ancestor_id) AS (
    SELECT id, id FROM entities
    UNION
    SELECT up.entity_id, e.parent_id FROM up JOIN entities e ON e.id = up.ancestor_id WHERE e.parent_id IS NOT NULL
)
SELECT entity_id, ancestor_id FROM up;

-- +goose Down
DROP VIEW entity_lineage;
DROP VIEW commitment_entities;
DROP INDEX documents_rank_idx;
DROP INDEX documents_search_idx;
DROP INDEX commitments_search_idx;
DROP INDEX paragraphs_search_idx;
DROP FUNCTION search_keys(text[]);
DROP FUNCTION search_grams(text);
DROP FUNCTION search_normalize(text);
