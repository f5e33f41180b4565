-- 031_emergency_incident.sql - emergencies (突发事件, issue 20; docs/emergency.md):
-- incidents of the four kinds of 突发事件应对法 art. 2 with the grades I-IV
-- of art. 3, the reports a village's information reporter (信息报告员,
-- arts. 60-61) sends upward (初报 initial, 续报 follow-up, 终报 final), and
-- the response: the plan (预案) activated, tasks to teams and people,
-- resources with quantities, and the people affected (names and phones used
-- only for the response and deleted when it ends, arts. 84-85).
CREATE TABLE emergency_incidents (
  id                INTEGER PRIMARY KEY,
  region            TEXT NOT NULL REFERENCES regions(code), -- where it happened
  grid_id           INTEGER REFERENCES grids(id),
  kind              TEXT NOT NULL CHECK (kind IN ('natural_disaster', 'accident',
                      'public_health', 'social_security')),
  grade             INTEGER CHECK (grade BETWEEN 1 AND 4), -- I..IV; NULL: not graded
  title             TEXT NOT NULL,
  summary           TEXT NOT NULL DEFAULT '',
  status            TEXT NOT NULL DEFAULT 'reported'
                    CHECK (status IN ('reported', 'responding', 'closed')),
  occurred_at       INTEGER NOT NULL,
  plan              TEXT,             -- the plan (预案) activated, by name
  plan_activated_at INTEGER,
  plan_activated_by TEXT,
  affected          INTEGER NOT NULL DEFAULT 0 CHECK (affected >= 0),
  evacuated         INTEGER NOT NULL DEFAULT 0 CHECK (evacuated >= 0),
  injured           INTEGER NOT NULL DEFAULT 0 CHECK (injured >= 0),
  dead              INTEGER NOT NULL DEFAULT 0 CHECK (dead >= 0),
  lat               REAL,
  lon               REAL,
  case_id           INTEGER REFERENCES cases(id), -- the dispute that opened or links it
  reported_by       TEXT NOT NULL,
  created_at        INTEGER NOT NULL,
  updated_at        INTEGER,
  closed_at         INTEGER,
  closed_by         TEXT,
  keep_assessment   TEXT,             -- the recorded assessment keeping personal data (art. 85)
  personal_purged_at INTEGER,
  overdue_alert_due INTEGER          -- the report deadline whose overdue alert went out
);
CREATE INDEX emergency_incidents_region ON emergency_incidents(region, id);
CREATE INDEX emergency_incidents_case ON emergency_incidents(case_id);

-- sent_to: JSON array of the region codes the report went to (one level
-- up; for grade I or II also the county and above).
CREATE TABLE emergency_reports (
  id          INTEGER PRIMARY KEY,
  incident_id INTEGER NOT NULL REFERENCES emergency_incidents(id),
  stage       TEXT NOT NULL CHECK (stage IN ('initial', 'follow_up', 'final')),
  body        TEXT NOT NULL,
  grade       INTEGER CHECK (grade BETWEEN 1 AND 4),
  due_at      INTEGER,
  late        INTEGER NOT NULL DEFAULT 0,
  sent_to     TEXT NOT NULL,
  reporter    TEXT NOT NULL,
  created_at  INTEGER NOT NULL
);
CREATE INDEX emergency_reports_incident ON emergency_reports(incident_id, id);

CREATE TABLE emergency_tasks (
  id          INTEGER PRIMARY KEY,
  incident_id INTEGER NOT NULL REFERENCES emergency_incidents(id),
  kind        TEXT NOT NULL CHECK (kind IN ('rescue', 'evacuation', 'supply', 'medical',
                'psychological', 'security', 'other')),
  title       TEXT NOT NULL,
  team_id     INTEGER REFERENCES teams(id),
  assignee    TEXT,             -- a person by name (or an account's username)
  status      TEXT NOT NULL DEFAULT 'assigned'
              CHECK (status IN ('assigned', 'in_progress', 'done', 'cancelled')),
  note        TEXT NOT NULL DEFAULT '',
  created_by  TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER
);
CREATE INDEX emergency_tasks_incident ON emergency_tasks(incident_id, id);

CREATE TABLE emergency_resources (
  id          INTEGER PRIMARY KEY,
  incident_id INTEGER NOT NULL REFERENCES emergency_incidents(id),
  kind        TEXT NOT NULL CHECK (kind IN ('shelter', 'supply', 'vehicle', 'equipment', 'other')),
  name        TEXT NOT NULL,
  quantity    INTEGER NOT NULL CHECK (quantity >= 0),
  unit        TEXT NOT NULL DEFAULT '',
  location    TEXT NOT NULL DEFAULT '',
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER
);
CREATE INDEX emergency_resources_incident ON emergency_resources(incident_id, id);

-- Personal data of the response (arts. 84-85): deleted when it ends.
CREATE TABLE emergency_people (
  id          INTEGER PRIMARY KEY,
  incident_id INTEGER NOT NULL REFERENCES emergency_incidents(id),
  name        TEXT NOT NULL,
  phone       TEXT,
  condition   TEXT NOT NULL CHECK (condition IN ('affected', 'evacuated', 'injured', 'missing')),
  note        TEXT NOT NULL DEFAULT '',
  created_by  TEXT NOT NULL,
  created_at  INTEGER NOT NULL
);
CREATE INDEX emergency_people_incident ON emergency_people(incident_id, id);
