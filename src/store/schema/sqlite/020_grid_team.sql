-- 020_grid_team.sql - service teams (服务团队, issue 15): teams kept by a
-- township or county (legal advisers, mediators, counsellors, the 百事服务团
-- volunteers), their members (an account, or a volunteer without one),
-- the villages and grids each serves, and the requests for help a grid
-- worker makes on a case or a grid event, each with its deadline on the
-- working calendar and the record of its steps. A team is archived, never
-- deleted: its requests are a record of work done.
CREATE TABLE teams (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL,
  region      TEXT NOT NULL REFERENCES regions(code), -- the township or county that keeps it
  kind        TEXT NOT NULL
              CHECK (kind IN ('legal', 'mediation', 'counselling', 'volunteer', 'other')),
  created_by  TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  archived_at INTEGER
);
CREATE INDEX teams_region ON teams(region);

CREATE TABLE team_members (
  id           INTEGER PRIMARY KEY,
  team_id      INTEGER NOT NULL REFERENCES teams(id),
  user_id      INTEGER REFERENCES users(id), -- NULL: a volunteer without an account
  display_name TEXT NOT NULL,
  specialty    TEXT NOT NULL
               CHECK (specialty IN ('legal_adviser', 'mediator', 'counsellor', 'volunteer', 'other')),
  phone        TEXT,                         -- shown only to staff over the team's region
  created_at   INTEGER NOT NULL
);
CREATE INDEX team_members_team ON team_members(team_id, id);
CREATE INDEX team_members_user ON team_members(user_id);
CREATE UNIQUE INDEX team_members_account ON team_members(team_id, user_id)
  WHERE user_id IS NOT NULL;

-- A village (or any region under the team's) or one grid the team serves.
CREATE TABLE team_assignments (
  id      INTEGER PRIMARY KEY,
  team_id INTEGER NOT NULL REFERENCES teams(id),
  region  TEXT REFERENCES regions(code),
  grid_id INTEGER REFERENCES grids(id),
  CHECK ((region IS NULL) <> (grid_id IS NULL))
);
CREATE UNIQUE INDEX team_assignments_region ON team_assignments(team_id, region)
  WHERE region IS NOT NULL;
CREATE UNIQUE INDEX team_assignments_grid ON team_assignments(team_id, grid_id)
  WHERE grid_id IS NOT NULL;
CREATE INDEX team_assignments_by_region ON team_assignments(region);
CREATE INDEX team_assignments_by_grid ON team_assignments(grid_id);

-- region: the village of the case or grid the request is about, which
-- decides which staff see it (with the asker and the team's members).
-- event_id: a grid event (migration 019), kept without a foreign key.
CREATE TABLE team_requests (
  id          INTEGER PRIMARY KEY,
  team_id     INTEGER NOT NULL REFERENCES teams(id),
  region      TEXT NOT NULL REFERENCES regions(code),
  from_user   INTEGER NOT NULL REFERENCES users(id),
  case_id     INTEGER REFERENCES cases(id),
  event_id    INTEGER,
  grid_id     INTEGER REFERENCES grids(id),
  need        TEXT NOT NULL,
  status      TEXT NOT NULL DEFAULT 'requested'
              CHECK (status IN ('requested', 'accepted', 'done', 'declined')),
  deadline    INTEGER NOT NULL, -- end of a working day, UTC seconds
  created_at  INTEGER NOT NULL,
  answered_at INTEGER,
  answered_by INTEGER REFERENCES users(id),
  done_at     INTEGER,
  note        TEXT
);
CREATE INDEX team_requests_team ON team_requests(team_id, id);
CREATE INDEX team_requests_from ON team_requests(from_user, id);
CREATE INDEX team_requests_region ON team_requests(region, id);
CREATE INDEX team_requests_case ON team_requests(case_id);

CREATE TABLE team_request_steps (
  id         INTEGER PRIMARY KEY,
  request_id INTEGER NOT NULL REFERENCES team_requests(id),
  action     TEXT NOT NULL CHECK (action IN ('request', 'accept', 'done', 'decline')),
  by_user    INTEGER NOT NULL REFERENCES users(id),
  note       TEXT NOT NULL DEFAULT '',
  at         INTEGER NOT NULL
);
CREATE INDEX team_request_steps_request ON team_request_steps(request_id, id);
