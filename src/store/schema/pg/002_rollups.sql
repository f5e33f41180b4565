-- 002_rollups.sql: counters for dashboards and level rates, kept by
-- PL/pgSQL triggers in the same transaction as each change to a case, so
-- that a province-wide dashboard costs the same at 10 thousand or 10 million
-- cases. Same tables and arithmetic as schema/sqlite/002_rollups.sql: each
-- case counts once at each of its ancestor regions, by the Beijing day it
-- was registered, twice over: at grain g = 0 by day (t = day number,
-- (created_at + 8h) / 1 day) and at g = 1 by month (t = year * 12 + month - 1).
-- A range is then read as whole months plus the days at its two ends.
-- rollup_day and rollup_due cover province, city, county and township
-- (lvl 1..4); rollup_dim province, city and county (lvl 1..3). Below that a
-- region holds few enough cases to count them directly (store/pg.c).
CREATE TABLE rollup_levels (lvl integer PRIMARY KEY, len integer NOT NULL);
INSERT INTO rollup_levels VALUES (1, 2), (2, 4), (3, 6), (4, 9), (5, 12);

-- The month (year * 12 + month - 1) of a Beijing day number.
CREATE FUNCTION fq_month(p_day bigint) RETURNS bigint
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT (extract(year FROM d) * 12 + extract(month FROM d) - 1)::bigint
  FROM (SELECT date '1970-01-01' + p_day::integer AS d) x
$$;

CREATE TABLE rollup_day (
  lvl          integer NOT NULL,
  region       text COLLATE "C" NOT NULL,
  g            integer NOT NULL,
  t            bigint NOT NULL,
  cases        bigint NOT NULL DEFAULT 0,
  resolved     bigint NOT NULL DEFAULT 0,
  in_village   bigint NOT NULL DEFAULT 0,
  le_township  bigint NOT NULL DEFAULT 0,
  above_county bigint NOT NULL DEFAULT 0,
  on_time      bigint NOT NULL DEFAULT 0,
  followed_up  bigint NOT NULL DEFAULT 0,
  satisfied    bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (lvl, region, g, t)
);

-- cases by category, channel and status
CREATE TABLE rollup_dim (
  lvl    integer NOT NULL,
  region text COLLATE "C" NOT NULL,
  dim    text COLLATE "C" NOT NULL,
  g      integer NOT NULL,
  t      bigint NOT NULL,
  key    text COLLATE "C" NOT NULL,
  n      bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (lvl, region, dim, g, t, key)
);

-- open deadlines by the Beijing day they fall due: overdue = due_day < today
CREATE TABLE rollup_due (
  lvl     integer NOT NULL,
  region  text COLLATE "C" NOT NULL,
  due_day bigint NOT NULL,
  n       bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (lvl, region, due_day)
);

CREATE FUNCTION cases_rollup_ins() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  v_day bigint := (NEW.created_at + 28800) / 86400;
  v_month bigint := fq_month((NEW.created_at + 28800) / 86400);
BEGIN
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

CREATE FUNCTION cases_rollup_upd() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  v_oday bigint := (OLD.created_at + 28800) / 86400;
  v_omonth bigint := fq_month((OLD.created_at + 28800) / 86400);
  v_nday bigint := (NEW.created_at + 28800) / 86400;
  v_nmonth bigint := fq_month((NEW.created_at + 28800) / 86400);
BEGIN
  IF OLD.resolved_level IS DISTINCT FROM NEW.resolved_level
     OR OLD.min_level IS DISTINCT FROM NEW.min_level
     OR OLD.resolved_on_time IS DISTINCT FROM NEW.resolved_on_time
     OR OLD.satisfaction IS DISTINCT FROM NEW.satisfaction THEN
    UPDATE rollup_day r SET
      resolved = r.resolved + (NEW.resolved_level IS NOT NULL)::int
                            - (OLD.resolved_level IS NOT NULL)::int,
      in_village = r.in_village + coalesce(NEW.resolved_level = 5, false)::int
                                - coalesce(OLD.resolved_level = 5, false)::int,
      le_township = r.le_township + coalesce(NEW.resolved_level >= 4, false)::int
                                  - coalesce(OLD.resolved_level >= 4, false)::int,
      above_county = r.above_county + (NEW.min_level <= 2)::int - (OLD.min_level <= 2)::int,
      on_time = r.on_time + coalesce(NEW.resolved_on_time = 1, false)::int
                          - coalesce(OLD.resolved_on_time = 1, false)::int,
      followed_up = r.followed_up + (NEW.satisfaction IS NOT NULL)::int
                                  - (OLD.satisfaction IS NOT NULL)::int,
      satisfied = r.satisfied
        + coalesce(NEW.satisfaction IN ('satisfied', 'basically_satisfied'), false)::int
        - coalesce(OLD.satisfaction IN ('satisfied', 'basically_satisfied'), false)::int
    FROM rollup_levels l, (VALUES (0, v_oday), (1, v_omonth)) AS gr(g, t)
    WHERE l.lvl <= 4 AND r.lvl = l.lvl AND r.region = substr(OLD.region, 1, l.len)
      AND r.g = gr.g AND r.t = gr.t;
  END IF;

  UPDATE rollup_dim r SET n = r.n - 1
  FROM rollup_levels l, (VALUES (0, v_oday), (1, v_omonth)) AS gr(g, t),
       (VALUES ('category', OLD.category, NEW.category), ('channel', OLD.channel, NEW.channel),
               ('status', OLD.status, NEW.status)) AS d(dim, key, nkey)
  WHERE l.lvl <= 3 AND d.key <> d.nkey AND r.lvl = l.lvl
    AND r.region = substr(OLD.region, 1, l.len) AND r.dim = d.dim AND r.g = gr.g
    AND r.t = gr.t AND r.key = d.key;

  INSERT INTO rollup_dim AS r (lvl, region, dim, g, t, key, n)
  SELECT l.lvl, substr(NEW.region, 1, l.len), d.dim, gr.g, gr.t, d.key, 1
  FROM rollup_levels l, (VALUES (0, v_nday), (1, v_nmonth)) AS gr(g, t),
       (VALUES ('category', NEW.category, OLD.category), ('channel', NEW.channel, OLD.channel),
               ('status', NEW.status, OLD.status)) AS d(dim, key, okey)
  WHERE l.lvl <= 3 AND d.key <> d.okey
  ON CONFLICT (lvl, region, dim, g, t, key) DO UPDATE SET n = r.n + 1;

  IF OLD.next_due IS DISTINCT FROM NEW.next_due THEN
    IF OLD.next_due IS NOT NULL THEN
      UPDATE rollup_due r SET n = r.n - 1
      FROM rollup_levels l
      WHERE l.lvl <= 4 AND r.lvl = l.lvl AND r.region = substr(OLD.region, 1, l.len)
        AND r.due_day = (OLD.next_due + 28800) / 86400;
    END IF;
    IF NEW.next_due IS NOT NULL THEN
      INSERT INTO rollup_due AS r (lvl, region, due_day, n)
      SELECT l.lvl, substr(NEW.region, 1, l.len), (NEW.next_due + 28800) / 86400, 1
      FROM rollup_levels l WHERE l.lvl <= 4
      ON CONFLICT (lvl, region, due_day) DO UPDATE SET n = r.n + 1;
    END IF;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER cases_rollup_ins AFTER INSERT ON cases
  FOR EACH ROW EXECUTE FUNCTION cases_rollup_ins();
CREATE TRIGGER cases_rollup_upd AFTER UPDATE OF status, category, channel, resolved_level,
  min_level, resolved_on_time, satisfaction, next_due ON cases
  FOR EACH ROW EXECUTE FUNCTION cases_rollup_upd();
