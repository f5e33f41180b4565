-- 018_grid_patrol.sql - patrols (巡查走访) of a grid's staff (issue 15;
-- docs/patrols.md). A patrol is the worker's own work record: its start
-- and end, the route the phone took (a compact JSON array of [lon, lat, t]
-- with t in UTC seconds, at most PATROL_ROUTE_MAX points), the households
-- visited and what was found. A route is seen only by the worker, the grid
-- head and the township, and is thinned to the visited points after
-- PATROL_ROUTE_DAYS (180, `serve --patrol-route-days`): route_thinned 1.
-- A visit names a household the grid already keeps (a door number), never
-- a resident: no watch-list of people lives here.
CREATE TABLE patrols (
  id            INTEGER PRIMARY KEY,
  grid_id       INTEGER NOT NULL REFERENCES grids(id),
  user_id       INTEGER NOT NULL REFERENCES users(id),
  started_at    INTEGER NOT NULL,
  ended_at      INTEGER NOT NULL,
  findings      TEXT NOT NULL DEFAULT '',
  route         TEXT NOT NULL DEFAULT '[]',
  route_points  INTEGER NOT NULL DEFAULT 0,
  route_thinned INTEGER NOT NULL DEFAULT 0,
  created_at    INTEGER NOT NULL
);
CREATE INDEX patrols_grid ON patrols(grid_id, started_at);
CREATE INDEX patrols_user ON patrols(user_id, started_at);
-- the thinning scan: routes not yet thinned, oldest first
CREATE INDEX patrols_unthinned ON patrols(started_at) WHERE route_thinned = 0;

CREATE TABLE patrol_visits (
  id         INTEGER PRIMARY KEY,
  patrol_id  INTEGER NOT NULL REFERENCES patrols(id),
  household  TEXT NOT NULL,
  visited_at INTEGER NOT NULL,
  note       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX patrol_visits_patrol ON patrol_visits(patrol_id, visited_at);

-- Visits a day expected of each worker of a grid; a grid without a row
-- takes the server's default (`serve --patrol-visits`, 2).
CREATE TABLE patrol_norms (
  grid_id        INTEGER PRIMARY KEY REFERENCES grids(id),
  visits_per_day INTEGER NOT NULL CHECK (visits_per_day BETWEEN 0 AND 50),
  updated_by     TEXT NOT NULL,
  updated_at     INTEGER NOT NULL
);
