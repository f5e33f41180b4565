-- 002_rollups.sql: counters for dashboards and level rates, kept by
-- triggers in the same transaction as each change to a case, so that a
-- province-wide dashboard costs the same at 10 thousand or 10 million cases.
-- Each case counts once at each of its ancestor regions, by the Beijing day
-- it was registered, twice over: at grain g = 0 by day (t = day number,
-- (created_at + 8h) / 1 day) and at g = 1 by month (t = year * 12 + month - 1).
-- A range is then read as whole months plus the days at its two ends.
-- rollup_day and rollup_due cover province, city, county and township
-- (lvl 1..4); rollup_dim province, city and county (lvl 1..3). Below that a
-- region holds few enough cases to count them directly (store/sqlite.c).
CREATE TABLE rollup_levels (lvl INTEGER PRIMARY KEY, len INTEGER NOT NULL);
INSERT INTO rollup_levels VALUES (1, 2), (2, 4), (3, 6), (4, 9), (5, 12);

CREATE TABLE rollup_day (
  lvl          INTEGER NOT NULL,
  region       TEXT NOT NULL,
  g            INTEGER NOT NULL,
  t            INTEGER NOT NULL,
  cases        INTEGER NOT NULL DEFAULT 0,
  resolved     INTEGER NOT NULL DEFAULT 0,
  in_village   INTEGER NOT NULL DEFAULT 0,
  le_township  INTEGER NOT NULL DEFAULT 0,
  above_county INTEGER NOT NULL DEFAULT 0,
  on_time      INTEGER NOT NULL DEFAULT 0,
  followed_up  INTEGER NOT NULL DEFAULT 0,
  satisfied    INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (lvl, region, g, t)
) WITHOUT ROWID;

-- cases by category, channel and status
CREATE TABLE rollup_dim (
  lvl    INTEGER NOT NULL,
  region TEXT NOT NULL,
  dim    TEXT NOT NULL,
  g      INTEGER NOT NULL,
  t      INTEGER NOT NULL,
  key    TEXT NOT NULL,
  n      INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (lvl, region, dim, g, t, key)
) WITHOUT ROWID;

-- open deadlines by the Beijing day they fall due: overdue = due_day < today
CREATE TABLE rollup_due (
  lvl     INTEGER NOT NULL,
  region  TEXT NOT NULL,
  due_day INTEGER NOT NULL,
  n       INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (lvl, region, due_day)
) WITHOUT ROWID;

-- the two grains of an instant
CREATE VIEW rollup_grains AS SELECT 0 AS g UNION ALL SELECT 1;

CREATE TRIGGER cases_rollup_ins AFTER INSERT ON cases
BEGIN
  INSERT INTO rollup_day (lvl, region, g, t, cases, resolved, in_village, le_township,
                          above_county, on_time, followed_up, satisfied)
  SELECT lvl, substr(NEW.region, 1, len), g,
         CASE g WHEN 0 THEN (NEW.created_at + 28800) / 86400
           ELSE CAST(strftime('%Y', NEW.created_at + 28800, 'unixepoch') AS INTEGER) * 12
                + CAST(strftime('%m', NEW.created_at + 28800, 'unixepoch') AS INTEGER) - 1 END,
         1, NEW.resolved_level IS NOT NULL, coalesce(NEW.resolved_level = 5, 0),
         coalesce(NEW.resolved_level >= 4, 0), NEW.min_level <= 2,
         coalesce(NEW.resolved_on_time = 1, 0), NEW.satisfaction IS NOT NULL,
         coalesce(NEW.satisfaction IN ('satisfied', 'basically_satisfied'), 0)
  FROM rollup_levels, rollup_grains WHERE lvl <= 4
  ON CONFLICT (lvl, region, g, t) DO UPDATE SET
    cases = cases + excluded.cases, resolved = resolved + excluded.resolved,
    in_village = in_village + excluded.in_village, le_township = le_township + excluded.le_township,
    above_county = above_county + excluded.above_county, on_time = on_time + excluded.on_time,
    followed_up = followed_up + excluded.followed_up, satisfied = satisfied + excluded.satisfied;
  INSERT INTO rollup_dim (lvl, region, dim, g, t, key, n)
  SELECT lvl, substr(NEW.region, 1, len), d.dim, g,
         CASE g WHEN 0 THEN (NEW.created_at + 28800) / 86400
           ELSE CAST(strftime('%Y', NEW.created_at + 28800, 'unixepoch') AS INTEGER) * 12
                + CAST(strftime('%m', NEW.created_at + 28800, 'unixepoch') AS INTEGER) - 1 END,
         d.key, 1
  FROM rollup_levels, rollup_grains,
       (SELECT 'category' AS dim, NEW.category AS key UNION ALL SELECT 'channel', NEW.channel
        UNION ALL SELECT 'status', NEW.status) AS d
  WHERE lvl <= 3
  ON CONFLICT (lvl, region, dim, g, t, key) DO UPDATE SET n = n + 1;
  INSERT INTO rollup_due (lvl, region, due_day, n)
  SELECT lvl, substr(NEW.region, 1, len), (NEW.next_due + 28800) / 86400, 1
  FROM rollup_levels WHERE lvl <= 4 AND NEW.next_due IS NOT NULL
  ON CONFLICT (lvl, region, due_day) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER cases_rollup_upd AFTER UPDATE OF status, category, channel, resolved_level,
  min_level, resolved_on_time, satisfaction, next_due ON cases
BEGIN
  UPDATE rollup_day SET
    resolved = resolved + (NEW.resolved_level IS NOT NULL) - (OLD.resolved_level IS NOT NULL),
    in_village = in_village + coalesce(NEW.resolved_level = 5, 0) - coalesce(OLD.resolved_level = 5, 0),
    le_township = le_township + coalesce(NEW.resolved_level >= 4, 0) - coalesce(OLD.resolved_level >= 4, 0),
    above_county = above_county + (NEW.min_level <= 2) - (OLD.min_level <= 2),
    on_time = on_time + coalesce(NEW.resolved_on_time = 1, 0) - coalesce(OLD.resolved_on_time = 1, 0),
    followed_up = followed_up + (NEW.satisfaction IS NOT NULL) - (OLD.satisfaction IS NOT NULL),
    satisfied = satisfied + coalesce(NEW.satisfaction IN ('satisfied', 'basically_satisfied'), 0)
                          - coalesce(OLD.satisfaction IN ('satisfied', 'basically_satisfied'), 0)
  WHERE (lvl, region, g, t) IN (
    SELECT lvl, substr(OLD.region, 1, len), g,
           CASE g WHEN 0 THEN (OLD.created_at + 28800) / 86400
             ELSE CAST(strftime('%Y', OLD.created_at + 28800, 'unixepoch') AS INTEGER) * 12
                  + CAST(strftime('%m', OLD.created_at + 28800, 'unixepoch') AS INTEGER) - 1 END
    FROM rollup_levels, rollup_grains WHERE lvl <= 4)
  AND (OLD.resolved_level IS NOT NEW.resolved_level OR OLD.min_level IS NOT NEW.min_level
       OR OLD.resolved_on_time IS NOT NEW.resolved_on_time OR OLD.satisfaction IS NOT NEW.satisfaction);
  UPDATE rollup_dim SET n = n - 1
  WHERE (lvl, region, dim, g, t, key) IN (
    SELECT lvl, substr(OLD.region, 1, len), d.dim, g,
           CASE g WHEN 0 THEN (OLD.created_at + 28800) / 86400
             ELSE CAST(strftime('%Y', OLD.created_at + 28800, 'unixepoch') AS INTEGER) * 12
                  + CAST(strftime('%m', OLD.created_at + 28800, 'unixepoch') AS INTEGER) - 1 END,
           d.key
    FROM rollup_levels, rollup_grains,
         (SELECT 'category' AS dim, OLD.category AS key, NEW.category AS nkey
          UNION ALL SELECT 'channel', OLD.channel, NEW.channel
          UNION ALL SELECT 'status', OLD.status, NEW.status) AS d
    WHERE lvl <= 3 AND d.key <> d.nkey);
  INSERT INTO rollup_dim (lvl, region, dim, g, t, key, n)
  SELECT lvl, substr(NEW.region, 1, len), d.dim, g,
         CASE g WHEN 0 THEN (NEW.created_at + 28800) / 86400
           ELSE CAST(strftime('%Y', NEW.created_at + 28800, 'unixepoch') AS INTEGER) * 12
                + CAST(strftime('%m', NEW.created_at + 28800, 'unixepoch') AS INTEGER) - 1 END,
         d.key, 1
  FROM rollup_levels, rollup_grains,
       (SELECT 'category' AS dim, NEW.category AS key, OLD.category AS okey
        UNION ALL SELECT 'channel', NEW.channel, OLD.channel
        UNION ALL SELECT 'status', NEW.status, OLD.status) AS d
  WHERE lvl <= 3 AND d.key <> d.okey
  ON CONFLICT (lvl, region, dim, g, t, key) DO UPDATE SET n = n + 1;
  UPDATE rollup_due SET n = n - 1
  WHERE OLD.next_due IS NOT NULL AND OLD.next_due IS NOT NEW.next_due
    AND (lvl, region, due_day) IN (SELECT lvl, substr(OLD.region, 1, len), (OLD.next_due + 28800) / 86400
                                   FROM rollup_levels WHERE lvl <= 4);
  INSERT INTO rollup_due (lvl, region, due_day, n)
  SELECT lvl, substr(NEW.region, 1, len), (NEW.next_due + 28800) / 86400, 1
  FROM rollup_levels WHERE lvl <= 4 AND NEW.next_due IS NOT NULL AND OLD.next_due IS NOT NEW.next_due
  ON CONFLICT (lvl, region, due_day) DO UPDATE SET n = n + 1;
END;
