-- 025_pg_search_terms.sql - search by terms walked newest first.
--
-- The pg_trgm index over case_search.tokens answered a search with the whole
-- match set, which was then sorted to show the newest page: a common
-- two-character word read thousands of rows for 20. case_terms holds one
-- row per distinct term of a case, in the order of the case list (newest
-- first: created_at, then id), so a search reads its term's rows from the
-- newest and stops when the page is full.
--
-- A case's terms are its search tokens (the same character bigrams, single
-- trailing characters and ASCII words that SQLite's case_fts indexes; see
-- util/text.c) plus, for each non-ASCII token, its first character. That
-- character stands for FTS5's prefix query "x" *: a token starts with x
-- exactly when x is one of the case's characters.
--
-- case_search stays the source: triggers keep case_terms in step with it
-- (store/pg/case.c and migrate-data write case_search only) and with a
-- case's created_at. The table is not partitioned: its rows are ordered by
-- term first, so a range of ids is no unit of it.

CREATE FUNCTION fq_search_terms(p_tokens text)
RETURNS text[] LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(DISTINCT t), '{}') FROM (
    SELECT tok AS t FROM unnest(string_to_array(p_tokens, ' ')) tok WHERE tok <> ''
    UNION ALL
    SELECT left(tok, 1) FROM unnest(string_to_array(p_tokens, ' ')) tok WHERE ascii(tok) > 127
  ) x
$$;

-- the backfill first, the primary key after (one sorted build)
CREATE TABLE case_terms (
  term       text COLLATE "C" NOT NULL,
  created_at bigint NOT NULL,
  case_id    bigint NOT NULL
);
INSERT INTO case_terms (term, created_at, case_id)
  SELECT unnest(fq_search_terms(s.tokens)), c.created_at, s.case_id
  FROM case_search s JOIN cases c ON c.id = s.case_id;
ALTER TABLE case_terms ADD PRIMARY KEY (term, created_at, case_id);
-- A walk stops after a page or the count's cap: parallel workers would
-- cost more to start than the walk (at a million cases the planner chose
-- two for the capped count, 13.7 ms against 6.1 ms alone).
ALTER TABLE case_terms SET (parallel_workers = 0);

-- Writes the terms of case p_id from its tokens, after removing those of
-- p_old (its previous tokens) under p_old_at (its previous created_at).
CREATE FUNCTION fq_case_terms_put(p_id bigint, p_old text, p_old_at bigint)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  v_at bigint;
  v_tokens text;
BEGIN
  IF p_old IS NOT NULL THEN
    DELETE FROM case_terms
      WHERE term = ANY (fq_search_terms(p_old)) AND created_at = p_old_at AND case_id = p_id;
  END IF;
  SELECT c.created_at, s.tokens INTO v_at, v_tokens
    FROM cases c JOIN case_search s ON s.case_id = c.id WHERE c.id = p_id;
  IF FOUND THEN
    INSERT INTO case_terms (term, created_at, case_id)
      SELECT unnest(fq_search_terms(v_tokens)), v_at, p_id ON CONFLICT DO NOTHING;
  END IF;
END
$$;

CREATE FUNCTION fq_case_search_terms() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM fq_case_terms_put(NEW.case_id, NULL, NULL);
  ELSIF NEW.tokens IS DISTINCT FROM OLD.tokens THEN
    PERFORM fq_case_terms_put(NEW.case_id, OLD.tokens,
                              (SELECT created_at FROM cases WHERE id = NEW.case_id));
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER case_search_terms AFTER INSERT OR UPDATE OF tokens ON case_search
  FOR EACH ROW EXECUTE FUNCTION fq_case_search_terms();

-- a case written after its tokens (either order works), or given another
-- created_at (its terms move to their new place in the order)
CREATE FUNCTION fq_cases_terms() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM fq_case_terms_put(NEW.id, NULL, NULL);
  ELSIF NEW.created_at IS DISTINCT FROM OLD.created_at THEN
    PERFORM fq_case_terms_put(NEW.id, (SELECT tokens FROM case_search WHERE case_id = NEW.id),
                              OLD.created_at);
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER cases_terms AFTER INSERT OR UPDATE OF created_at ON cases
  FOR EACH ROW EXECUTE FUNCTION fq_cases_terms();

-- nothing searches the token text with LIKE any more
DROP INDEX case_search_trgm;

ANALYZE case_terms;
