-- 028_intake_storm.sql - intake that holds in a storm (issue 17 part 3).
-- Same tables as schema/sqlite/028_intake_storm.sql.
--
-- case_duplicates: the likely duplicates of a case, found once at its
-- intake (in the intake's transaction) and kept, so that reading a case
-- never searches again. Each pair is kept both ways: the new case names the
-- older candidate, and the candidate names the new case. reason is why
-- (same_phone / similar_text), score the text similarity (0..1; 1 for a
-- shared phone). Who may see a candidate is decided when it is read
-- (store/case_dup_query.c), not here.
CREATE TABLE case_duplicates (
  case_id      bigint NOT NULL REFERENCES cases(id),
  candidate_id bigint NOT NULL REFERENCES cases(id),
  reason       text COLLATE "C" NOT NULL CHECK (reason IN ('same_phone', 'similar_text')),
  score        double precision NOT NULL,
  found_at     bigint NOT NULL,
  PRIMARY KEY (case_id, candidate_id)
);

-- The bounded candidate reads (CASE_SQL_DUP_CANDIDATES): the newest cases
-- sharing a phone (this index), and the newest of one village and category
-- (cases_cat_region), each walked newest first and cut at a fixed number.
DROP INDEX parties_phone;
CREATE INDEX parties_phone ON parties(phone, case_id);
