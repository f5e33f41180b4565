-- 007_imported.sql: cases brought in by CSV import are history, marked as
-- imported. They never enter the rollups, so they cannot move the headline
-- rates (resolved in the village, at or below the township, escalated
-- above the county); the statistics count them apart (store/sqlite.c).
-- Imported cases are closed history and take no further actions, so the
-- flag never changes after the insert.
ALTER TABLE cases ADD COLUMN imported INTEGER NOT NULL DEFAULT 0;
CREATE INDEX cases_imported ON cases(region, created_at) WHERE imported = 1;

-- the rollup triggers of 002, now skipping imported rows
DROP TRIGGER cases_rollup_ins;
DROP TRIGGER cases_rollup_upd;

CREATE TRIGGER cases_rollup_ins AFTER INSERT ON cases WHEN NEW.imported = 0
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
  min_level, resolved_on_time, satisfaction, next_due ON cases WHEN NEW.imported = 0
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
