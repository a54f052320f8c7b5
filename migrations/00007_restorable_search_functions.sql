-- search_grams and search_keys name the functions they call without a schema.
-- pg_restore runs with an empty search_path, so rebuilding the search indexes
-- from a backup failed ("function search_normalize(text) does not exist").
-- The same functions, with the calls qualified; the bodies are otherwise
-- unchanged, so the indexes built on them stay valid.

-- +goose Up

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION search_grams(t text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE COST 5000 AS $$
    SELECT coalesce(array_agg(DISTINCT g), '{}')
    FROM (SELECT c, lead(c) OVER (ORDER BY i) AS n
          FROM unnest(regexp_split_to_array(public.search_normalize(t), '')) WITH ORDINALITY AS u (c, i)) s
    CROSS JOIN LATERAL (VALUES (c), (c || n)) AS v (g)
    WHERE g IS NOT NULL AND g <> '' AND g !~ '\s'
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION search_keys(terms text[]) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT g), '{}')
    FROM unnest(terms) AS t (term)
    CROSS JOIN LATERAL unnest(public.search_grams(t.term)) AS k (g)
    WHERE char_length(k.g) = 2 OR char_length(public.search_normalize(t.term)) = 1
$$;
-- +goose StatementEnd

-- +goose Down

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION search_grams(t text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE COST 5000 AS $$
    SELECT coalesce(array_agg(DISTINCT g), '{}')
    FROM (SELECT c, lead(c) OVER (ORDER BY i) AS n
          FROM unnest(regexp_split_to_array(search_normalize(t), '')) WITH ORDINALITY AS u (c, i)) s
    CROSS JOIN LATERAL (VALUES (c), (c || n)) AS v (g)
    WHERE g IS NOT NULL AND g <> '' AND g !~ '\s'
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION search_keys(terms text[]) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT g), '{}')
    FROM unnest(terms) AS t (term)
    CROSS JOIN LATERAL unnest(search_grams(t.term)) AS k (g)
    WHERE char_length(k.g) = 2 OR char_length(search_normalize(t.term)) = 1
$$;
-- +goose StatementEnd
