-- 022_analysis_alert.sql - early-warning alerts (预警, issue 16;
-- docs/analysis.md "Alerts"): one row per alarm a detection method raised
-- on a township's or a county's daily counts (all categories, or one),
-- kept with the numbers that made it (observed, expected, threshold, the
-- baseline and the villages behind it in detail) and its life: open ->
-- acknowledged -> investigating -> closed_real | closed_false, each step
-- in analysis_alert_steps. The UNIQUE key keeps a re-run of the same day
-- from raising it twice.
CREATE TABLE analysis_alerts (
  id         INTEGER PRIMARY KEY,
  region     TEXT NOT NULL REFERENCES regions(code), -- a township (9 digits) or county (6)
  category   TEXT,                                    -- NULL: all categories
  day        TEXT NOT NULL,                           -- YYYY-MM-DD, the Beijing day it is about
  method     TEXT NOT NULL CHECK (method IN ('ears_c2', 'negbin')),
  observed   INTEGER NOT NULL,
  expected   REAL NOT NULL,
  threshold  REAL NOT NULL,
  score      REAL NOT NULL,
  detail     TEXT NOT NULL,
  status     TEXT NOT NULL DEFAULT 'open'
             CHECK (status IN ('open', 'acknowledged', 'investigating', 'closed_real',
                               'closed_false')),
  note       TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER,
  updated_by TEXT,
  UNIQUE (region, category, day, method)
);
-- NULL categories are distinct in a UNIQUE constraint: this index makes
-- (region, all categories, day, method) unique too
CREATE UNIQUE INDEX analysis_alerts_all ON analysis_alerts(region, day, method)
  WHERE category IS NULL;
CREATE INDEX analysis_alerts_region ON analysis_alerts(region, day);
CREATE INDEX analysis_alerts_status ON analysis_alerts(status, id);

CREATE TABLE analysis_alert_steps (
  id       INTEGER PRIMARY KEY,
  alert_id INTEGER NOT NULL REFERENCES analysis_alerts(id),
  action   TEXT NOT NULL,
  actor    TEXT NOT NULL,
  note     TEXT,
  at       INTEGER NOT NULL
);
CREATE INDEX analysis_alert_steps_alert ON analysis_alert_steps(alert_id, id);
