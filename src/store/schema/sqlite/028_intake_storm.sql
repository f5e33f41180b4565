-- 028_intake_storm.sql - intake that holds in a storm (issue 17 part 3).
--
-- case_duplicates: the likely duplicates of a case, found once at its
-- intake (in the intake's transaction) and kept, so that reading a case
-- never searches again. Each pair is kept both ways: the new case names the
-- older candidate, and the candidate names the new case, so an older case
-- learns of the later reports about the same thing. reason is why
-- (same_phone: a party phone in common; similar_text: same village and
-- category, similar title and description), score the text similarity
-- (0..1; 1 for a shared phone). Who may see a candidate is decided when it
-- is read (store/case_dup_query.c), not here.
CREATE TABLE case_duplicates (
  case_id      INTEGER NOT NULL REFERENCES cases(id),
  candidate_id INTEGER NOT NULL REFERENCES cases(id),
  reason       TEXT NOT NULL CHECK (reason IN ('same_phone', 'similar_text')),
  score        REAL NOT NULL,
  found_at     INTEGER NOT NULL,
  PRIMARY KEY (case_id, candidate_id)
) WITHOUT ROWID;

-- The bounded candidate reads (CASE_SQL_DUP_CANDIDATES): the newest cases
-- sharing a phone, and the newest of one village and category, each walked
-- newest first from its index and cut at a fixed number.
DROP INDEX parties_phone;
CREATE INDEX parties_phone ON parties(phone, case_id);
CREATE INDEX cases_region_cat ON cases(region, category, created_at);

-- Rollups: Fengqiao's store sums the counters of the cases a transaction
-- inserts in C and writes each counter row once at commit
-- (store/rollup_batch.c), instead of this trigger writing about thirty rows
-- per case. Every insert into cases goes through the store (bench-gen
-- rebuilds the rollups itself), so the trigger goes. The update trigger
-- stays: an update first writes the pending counters.
DROP TRIGGER cases_rollup_ins;
