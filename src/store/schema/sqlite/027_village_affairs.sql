-- 027_village_affairs.sql - open village affairs (村务公开) and good-deed
-- points (积分制), issue 18 (docs/village.md).
-- A publication schedule per village: what must be published and how
-- often (村民委员会组织法 art. 30: general affairs at least quarterly,
-- finances monthly, major matters at once); the items published, which
-- the village's public page lists; reminded_due records the due time of
-- which the staff were last reminded (one reminder per due time).
CREATE TABLE village_affair_schedules (
  id           INTEGER PRIMARY KEY,
  region       TEXT NOT NULL REFERENCES regions(code),
  title        TEXT NOT NULL,
  kind         TEXT NOT NULL CHECK (kind IN ('general', 'finance', 'major')),
  anchor       INTEGER NOT NULL,
  created_by   TEXT NOT NULL,
  created_at   INTEGER NOT NULL,
  reminded_due INTEGER,
  archived_at  INTEGER
);
CREATE INDEX village_affair_schedules_region ON village_affair_schedules(region);
CREATE TABLE village_affair_items (
  id           INTEGER PRIMARY KEY,
  schedule_id  INTEGER REFERENCES village_affair_schedules(id),
  region       TEXT NOT NULL REFERENCES regions(code),
  title        TEXT NOT NULL,
  body         TEXT NOT NULL,
  published_by TEXT NOT NULL,
  published_at INTEGER NOT NULL
);
CREATE INDEX village_affair_items_region ON village_affair_items(region, published_at);
CREATE INDEX village_affair_items_schedule ON village_affair_items(schedule_id, published_at);

-- Good-deed points: each village's rules (points > 0 earn, < 0 lose), the
-- households that hold points (a label, never a list of people; shown in
-- the monthly commendations only when they opted in), entries proposed by
-- one person and approved by a second, and the append-only ledger that
-- approvals and redemptions write.
CREATE TABLE village_point_rules (
  id          INTEGER PRIMARY KEY,
  region      TEXT NOT NULL REFERENCES regions(code),
  name        TEXT NOT NULL,
  points      INTEGER NOT NULL CHECK (points <> 0),
  created_by  TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  archived_at INTEGER
);
CREATE TABLE village_households (
  id         INTEGER PRIMARY KEY,
  region     TEXT NOT NULL REFERENCES regions(code),
  label      TEXT NOT NULL,
  show_commendation INTEGER NOT NULL DEFAULT 0 CHECK (show_commendation IN (0, 1)),
  created_at INTEGER NOT NULL,
  UNIQUE (region, label)
);
CREATE TABLE village_point_entries (
  id           INTEGER PRIMARY KEY,
  region       TEXT NOT NULL REFERENCES regions(code),
  household_id INTEGER NOT NULL REFERENCES village_households(id),
  rule_id      INTEGER NOT NULL REFERENCES village_point_rules(id),
  points       INTEGER NOT NULL,
  reason       TEXT NOT NULL,
  status       TEXT NOT NULL DEFAULT 'proposed' CHECK (status IN ('proposed', 'approved', 'rejected')),
  proposed_by  INTEGER NOT NULL REFERENCES users(id),
  proposed_at  INTEGER NOT NULL,
  decided_by   INTEGER REFERENCES users(id),
  decided_at   INTEGER
);
CREATE INDEX village_point_entries_region ON village_point_entries(region, status);
CREATE TABLE village_point_ledger (
  id            INTEGER PRIMARY KEY,
  region        TEXT NOT NULL REFERENCES regions(code),
  household_id  INTEGER NOT NULL REFERENCES village_households(id),
  points        INTEGER NOT NULL,
  reason        TEXT NOT NULL,
  entry_id      INTEGER REFERENCES village_point_entries(id),
  redemption_id INTEGER,
  actor         TEXT NOT NULL,
  at            INTEGER NOT NULL
);
CREATE INDEX village_point_ledger_household ON village_point_ledger(household_id, id);
CREATE TRIGGER village_point_ledger_no_update BEFORE UPDATE ON village_point_ledger
BEGIN SELECT RAISE(ABORT, 'village_point_ledger is append-only'); END;
CREATE TRIGGER village_point_ledger_no_delete BEFORE DELETE ON village_point_ledger
BEGIN SELECT RAISE(ABORT, 'village_point_ledger is append-only'); END;
CREATE TABLE village_shop_items (
  id          INTEGER PRIMARY KEY,
  region      TEXT NOT NULL REFERENCES regions(code),
  name        TEXT NOT NULL,
  cost        INTEGER NOT NULL CHECK (cost > 0),
  stock       INTEGER NOT NULL CHECK (stock >= 0),
  created_at  INTEGER NOT NULL,
  archived_at INTEGER
);
CREATE TABLE village_redemptions (
  id           INTEGER PRIMARY KEY,
  region       TEXT NOT NULL REFERENCES regions(code),
  household_id INTEGER NOT NULL REFERENCES village_households(id),
  item_id      INTEGER NOT NULL REFERENCES village_shop_items(id),
  cost         INTEGER NOT NULL,
  actor        TEXT NOT NULL,
  at           INTEGER NOT NULL
);
