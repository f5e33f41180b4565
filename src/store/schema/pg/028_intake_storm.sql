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

-- Rollups: a transaction of Fengqiao's writer sums the counters of the cases
-- it inserts in C and writes each counter row once at commit
-- (store/rollup_batch.c), instead of this trigger writing about thirty rows
-- per case. It says so with SET LOCAL fengqiao.rollup = 'batch' (a custom
-- setting, gone at the transaction's end); the trigger then stands aside.
-- Every other insert (migrate-data's bulk copy, psql, a lone statement)
-- keeps being counted here, as before.
CREATE OR REPLACE FUNCTION cases_rollup_ins() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  v_day bigint := (NEW.created_at + 28800) / 86400;
  v_month bigint := fq_month((NEW.created_at + 28800) / 86400);
BEGIN
  -- Fengqiao's own intake counts in C (store/rollup_batch.c)
  IF current_setting('fengqiao.rollup', true) = 'batch' THEN
    RETURN NULL;
  END IF;
  INSERT INTO rollup_day AS r (lvl, region, g, t, cases, resolved, in_village, le_township,
                               above_county, on_time, followed_up, satisfied)
  SELECT l.lvl, substr(NEW.region, 1, l.len), gr.g, gr.t, 1,
         (NEW.resolved_level IS NOT NULL)::int, coalesce(NEW.resolved_level = 5, false)::int,
         coalesce(NEW.resolved_level >= 4, false)::int, (NEW.min_level <= 2)::int,
         coalesce(NEW.resolved_on_time = 1, false)::int, (NEW.satisfaction IS NOT NULL)::int,
         coalesce(NEW.satisfaction IN ('satisfied', 'basically_satisfied'), false)::int
  FROM rollup_levels l, (VALUES (0, v_day), (1, v_month)) AS gr(g, t)
  WHERE l.lvl <= 4
  ON CONFLICT (lvl, region, g, t) DO UPDATE SET
    cases = r.cases + excluded.cases, resolved = r.resolved + excluded.resolved,
    in_village = r.in_village + excluded.in_village,
    le_township = r.le_township + excluded.le_township,
    above_county = r.above_county + excluded.above_county, on_time = r.on_time + excluded.on_time,
    followed_up = r.followed_up + excluded.followed_up, satisfied = r.satisfied + excluded.satisfied;

  INSERT INTO rollup_dim AS r (lvl, region, dim, g, t, key, n)
  SELECT l.lvl, substr(NEW.region, 1, l.len), d.dim, gr.g, gr.t, d.key, 1
  FROM rollup_levels l, (VALUES (0, v_day), (1, v_month)) AS gr(g, t),
       (VALUES ('category', NEW.category), ('channel', NEW.channel),
               ('status', NEW.status)) AS d(dim, key)
  WHERE l.lvl <= 3
  ON CONFLICT (lvl, region, dim, g, t, key) DO UPDATE SET n = r.n + 1;

  IF NEW.next_due IS NOT NULL THEN
    INSERT INTO rollup_due AS r (lvl, region, due_day, n)
    SELECT l.lvl, substr(NEW.region, 1, l.len), (NEW.next_due + 28800) / 86400, 1
    FROM rollup_levels l WHERE l.lvl <= 4
    ON CONFLICT (lvl, region, due_day) DO UPDATE SET n = r.n + 1;
  END IF;
  RETURN NULL;
END $$;
