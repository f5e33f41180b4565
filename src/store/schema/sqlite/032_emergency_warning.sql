-- 032_emergency_warning.sql - warnings (预警, 突发事件应对法 arts. 63-64) and
-- their CAP 1.2 alerts (docs/emergency.md): level 1-4 (red, orange, yellow,
-- blue), what art. 64 asks a warning to say, drafted, reviewed, approved
-- and published by four different people; an update or a cancellation
-- refers to the warning it changes (refs). And the CAP alerts imported
-- from an upstream feed, each linkable to an incident.
CREATE TABLE emergency_warnings (
  id           INTEGER PRIMARY KEY,
  identifier   TEXT UNIQUE,       -- the CAP identifier, given at publication
  region       TEXT NOT NULL REFERENCES regions(code),
  incident_id  INTEGER REFERENCES emergency_incidents(id),
  kind         TEXT NOT NULL CHECK (kind IN ('natural_disaster', 'accident', 'public_health',
                 'social_security')),
  event        TEXT NOT NULL,     -- e.g. 暴雨 (rainstorm)
  level        INTEGER NOT NULL CHECK (level BETWEEN 1 AND 4),
  msg_type     TEXT NOT NULL DEFAULT 'Alert' CHECK (msg_type IN ('Alert', 'Update', 'Cancel')),
  refs         INTEGER REFERENCES emergency_warnings(id),
  status       TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'reviewed', 'approved',
                 'published', 'superseded', 'cancelled')),
  headline     TEXT NOT NULL,
  watch        TEXT NOT NULL,     -- 警示事项: what to watch for
  instruction  TEXT NOT NULL,     -- 应当采取的措施: what to do
  area_desc    TEXT NOT NULL,
  polygon      TEXT,              -- "lat,lon lat,lon ...", closed
  onset        INTEGER NOT NULL,
  expires      INTEGER,
  issuer       TEXT NOT NULL,     -- 发布单位
  drafted_by   TEXT NOT NULL,
  drafted_at   INTEGER NOT NULL,
  reviewed_by  TEXT,
  reviewed_at  INTEGER,
  approved_by  TEXT,
  approved_at  INTEGER,
  published_by TEXT,
  published_at INTEGER
);
CREATE INDEX emergency_warnings_region ON emergency_warnings(region, id);
CREATE INDEX emergency_warnings_status ON emergency_warnings(status, id);

CREATE TABLE emergency_cap_imports (
  id          INTEGER PRIMARY KEY,
  identifier  TEXT NOT NULL,
  sender      TEXT NOT NULL,
  sent        TEXT NOT NULL,
  msg_type    TEXT NOT NULL,
  event       TEXT NOT NULL DEFAULT '',
  severity    TEXT NOT NULL DEFAULT '',
  headline    TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT '',
  area_desc   TEXT NOT NULL DEFAULT '',
  expires     TEXT,
  xml         TEXT NOT NULL,
  source      TEXT NOT NULL,
  incident_id INTEGER REFERENCES emergency_incidents(id),
  imported_at INTEGER NOT NULL,
  UNIQUE (sender, identifier, sent)
);
