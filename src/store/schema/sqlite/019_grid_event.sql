-- 019_grid_event.sql - grid events (网格事件) and the township's four
-- platforms (四平台), issue 15. An event is what a grid worker finds and
-- reports; the township command room (综合指挥室) dispatches it to a
-- platform or a department, which handles it and returns it; the grid
-- worker checks it on the spot (核查) and closes it or sends it back. Each
-- step is a row of grid_event_steps, never changed afterwards. A dispute
-- becomes a case (case_id); a hazard stays an event of kind 'hazard' until
-- the safety items of issue 20. The categories and the platforms'
-- deadlines are configuration kept here, seeded with the defaults of
-- domain/grid/event_flow.c (docs/events.md says where they come from).
CREATE TABLE grid_event_categories (
  code     TEXT PRIMARY KEY,
  name_zh  TEXT NOT NULL,
  name_en  TEXT NOT NULL,
  kind     TEXT NOT NULL CHECK (kind IN ('matter', 'dispute', 'hazard')),
  platform TEXT NOT NULL,
  position INTEGER NOT NULL DEFAULT 0,
  active   INTEGER NOT NULL DEFAULT 1
);
INSERT INTO grid_event_categories(code, name_zh, name_en, kind, platform, position) VALUES
  ('livelihood', '民生诉求', 'Livelihood requests', 'matter', 'service', 1),
  ('public_order', '社会治安', 'Public order', 'matter', 'governance', 2),
  ('market', '市场监管', 'Market supervision', 'matter', 'market', 3),
  ('enforcement', '综合执法', 'Enforcement (building, city order, environment)', 'matter', 'enforcement', 4),
  ('safety_hazard', '安全隐患', 'Safety hazard', 'hazard', 'enforcement', 5),
  ('dispute', '矛盾纠纷', 'Dispute', 'dispute', 'governance', 6),
  ('other', '其他', 'Other', 'matter', 'governance', 7);
-- working days from dispatch to close, per platform
CREATE TABLE grid_event_platforms (
  code     TEXT PRIMARY KEY,
  workdays INTEGER NOT NULL CHECK (workdays BETWEEN 0 AND 60)
);
INSERT INTO grid_event_platforms(code, workdays) VALUES
  ('governance', 5), ('market', 5), ('enforcement', 3), ('service', 3), ('department', 7);

CREATE TABLE grid_events (
  id          INTEGER PRIMARY KEY,
  grid_id     INTEGER REFERENCES grids(id),
  region      TEXT NOT NULL REFERENCES regions(code),
  category    TEXT NOT NULL,
  kind        TEXT NOT NULL,
  title       TEXT NOT NULL,
  description TEXT NOT NULL,
  lat         REAL,
  lon         REAL,
  reporter    INTEGER NOT NULL REFERENCES users(id),
  platform    TEXT,
  department  TEXT,
  status      TEXT NOT NULL,
  deadline    INTEGER,
  case_id     INTEGER REFERENCES cases(id),
  closed_at   INTEGER,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
);
CREATE INDEX grid_events_region ON grid_events(region, id);
CREATE INDEX grid_events_status ON grid_events(status, platform, id);
CREATE INDEX grid_events_grid ON grid_events(grid_id, id);
CREATE INDEX grid_events_reporter ON grid_events(reporter, id);

CREATE TABLE grid_event_steps (
  id       INTEGER PRIMARY KEY,
  event_id INTEGER NOT NULL REFERENCES grid_events(id),
  action   TEXT NOT NULL,
  actor    TEXT NOT NULL,
  from_status TEXT,
  to_status   TEXT NOT NULL,
  platform TEXT,
  note     TEXT,
  at       INTEGER NOT NULL
);
CREATE INDEX grid_event_steps_event ON grid_event_steps(event_id, id);

-- photos of an event: their bytes are kept once per SHA-256 in
-- attachment_files (013), checked as a case's photos are
CREATE TABLE grid_event_photos (
  id         INTEGER PRIMARY KEY,
  event_id   INTEGER NOT NULL REFERENCES grid_events(id),
  sha256     TEXT NOT NULL REFERENCES attachment_files(sha256),
  name       TEXT NOT NULL,
  mime       TEXT NOT NULL,
  size       INTEGER NOT NULL,
  width      INTEGER NOT NULL DEFAULT 0,
  height     INTEGER NOT NULL DEFAULT 0,
  has_thumb  INTEGER NOT NULL DEFAULT 0,
  added_by   TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX grid_event_photos_event ON grid_event_photos(event_id, id);
