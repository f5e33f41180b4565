-- 002_rollups.sql: counters for dashboards and level rates, kept by
-- PL/pgSQL triggers in the same transaction as each change to a case, so
-- that a province-wide dashboard costs the same at 10 thousand or 10 million
-- cases. Same tables and arithmetic as schema/sqlite/002_rollups.sql: each
-- case counts once at each of its ancestor regions, on the Beijing day it
-- was registered (day = (created_at + 8h) / 1 day): rollup_day and
-- rollup_due at province, city, county and township (lvl 1..4), rollup_dim
-- at province, city and county (lvl 1..3). Below that a region holds few
-- enough cases to count them directly (store/pg.c).
CREATE TABLE rollup_levels (lvl integer PRIMARY KEY, len integer NOT NULL);
INSERT INTO rollup_levels VALUES (1, 2), (2, 4), (3, 6), (4, 9), (5, 12);

CREATE TABLE rollup_day (
  lvl          integer NOT NULL,
  region       text COLLATE "C" NOT NULL,
  day          bigint NOT NULL,
  cases        bigint NOT NULL DEFAULT 0,
  resolved     bigint NOT NULL DEFAULT 0,
  in_village   bigint NOT NULL DEFAULT 0,
  le_township  bigint NOT NULL DEFAULT 0,
  above_county bigint NOT NULL DEFAULT 0,
  on_time      bigint NOT NULL DEFAULT 0,
  followed_up  bigint NOT NULL DEFAULT 0,
  satisfied    bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (lvl, region, day)
);

-- cases by category, channel and status
CREATE TABLE rollup_dim (
  lvl    integer NOT NULL,
  region text COLLATE "C" NOT NULL,
  dim    text COLLATE "C" NOT NULL,
  day    bigint NOT NULL,
  key    text COLLATE "C" NOT NULL,
  n      bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (lvl, region, dim, day, key)
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
BEGIN
  INSERT INTO rollup_day AS r (lvl, region, day, cases, resolved, in_village, le_township,
                               above_county, on_time, followed_up, satisfied)
  SELECT l.lvl, substr(NEW.region, 1, l.len), (NEW.created_at + 28800) / 86400, 1,
         (NEW.resolved_level IS NOT NULL)::int, coalesce(NEW.resolved_level = 5, false)::int,
         coalesce(NEW.resolved_level >= 4, false)::int, (NEW.min_level <= 2)::int,
         coalesce(NEW.resolved_on_time = 1, false)::int, (NEW.satisfaction IS NOT NULL)::int,
         coalesce(NEW.satisfaction IN ('satisfied', 'basically_satisfied'), false)::int
  FROM rollup_levels l WHERE l.lvl <= 4
  ON CONFLICT (lvl, region, day) DO UPDATE SET
    cases = r.cases + excluded.cases, resolved = r.resolved + excluded.resolved,
    in_village = r.in_village + excluded.in_village,
    le_township = r.le_township + excluded.le_township,
    above_county = r.above_county + excluded.above_county, on_time = r.on_time + excluded.on_time,
    followed_up = r.followed_up + excluded.followed_up, satisfied = r.satisfied + excluded.satisfied;

  INSERT INTO rollup_dim AS r (lvl, region, dim, day, key, n)
  SELECT l.lvl, substr(NEW.region, 1, l.len), d.dim, (NEW.created_at + 28800) / 86400, d.key, 1
  FROM rollup_levels l,
       (VALUES ('category', NEW.category), ('channel', NEW.channel),
               ('status', NEW.status)) AS d(dim, key)
  WHERE l.lvl <= 3
  ON CONFLICT (lvl, region, dim, day, key) DO UPDATE SET n = r.n + 1;

  IF NEW.next_due IS NOT NULL THEN
    INSERT INTO rollup_due AS r (lvl, region, due_day, n)
    SELECT l.lvl, substr(NEW.region, 1, l.len), (NEW.next_due + 28800) / 86400, 1
    FROM rollup_levels l WHERE l.lvl <= 4
    ON CONFLICT (lvl, region, due_day) DO UPDATE SET n = r.n + 1;
  END IF;
  RETURN NULL;
END $$;

CREATE FUNCTION cases_rollup_upd() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
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
  FROM rollup_levels l
  WHERE l.lvl <= 4 AND r.lvl = l.lvl AND r.region = substr(OLD.region, 1, l.len)
    AND r.day = (OLD.created_at + 28800) / 86400;

  UPDATE rollup_dim r SET n = r.n - 1
  FROM rollup_levels l,
       (VALUES ('category', OLD.category, NEW.category), ('channel', OLD.channel, NEW.channel),
               ('status', OLD.status, NEW.status)) AS d(dim, key, nkey)
  WHERE l.lvl <= 3 AND d.key <> d.nkey AND r.lvl = l.lvl AND r.region = substr(OLD.region, 1, l.len)
    AND r.dim = d.dim AND r.day = (OLD.created_at + 28800) / 86400 AND r.key = d.key;

  INSERT INTO rollup_dim AS r (lvl, region, dim, day, key, n)
  SELECT l.lvl, substr(NEW.region, 1, l.len), d.dim, (NEW.created_at + 28800) / 86400, d.key, 1
  FROM rollup_levels l,
       (VALUES ('category', NEW.category, OLD.category), ('channel', NEW.channel, OLD.channel),
               ('status', NEW.status, OLD.status)) AS d(dim, key, okey)
  WHERE l.lvl <= 3 AND d.key <> d.okey
  ON CONFLICT (lvl, region, dim, day, key) DO UPDATE SET n = r.n + 1;

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
