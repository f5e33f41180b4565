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

-- Proposals (议事) from residents: a village's settings (how many
-- households; the support that puts a proposal on the council's agenda,
-- NULL: one tenth of the households, rounded up), the one-time codes that
-- verify a resident's phone and the sessions they open (hashes only: no
-- phone is kept in clear), the proposals with their path (open -> agenda
-- -> decided -> done) and the supports, one per verified phone.
CREATE TABLE village_settings (
  region     TEXT PRIMARY KEY REFERENCES regions(code),
  households INTEGER NOT NULL CHECK (households > 0),
  threshold  INTEGER CHECK (threshold > 0),
  updated_by TEXT NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE TABLE village_phone_codes (
  id         INTEGER PRIMARY KEY,
  region     TEXT NOT NULL REFERENCES regions(code),
  phone_hash TEXT NOT NULL,
  code_hash  TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  tries      INTEGER NOT NULL DEFAULT 0,
  used       INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
);
CREATE INDEX village_phone_codes_phone ON village_phone_codes(region, phone_hash);
CREATE TABLE village_sessions (
  id         INTEGER PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  region     TEXT NOT NULL REFERENCES regions(code),
  phone_hash TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE village_proposals (
  id          INTEGER PRIMARY KEY,
  region      TEXT NOT NULL REFERENCES regions(code),
  title       TEXT NOT NULL,
  body        TEXT NOT NULL,
  phone_hash  TEXT NOT NULL,
  status      TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'agenda', 'decided', 'done')),
  supports    INTEGER NOT NULL DEFAULT 0,
  threshold   INTEGER NOT NULL,
  created_at  INTEGER NOT NULL,
  agenda_at   INTEGER,
  answer_due  INTEGER,
  decision    TEXT,
  decided_by  TEXT,
  decided_at  INTEGER,
  result      TEXT,
  result_at   INTEGER
);
CREATE INDEX village_proposals_region ON village_proposals(region, id);
CREATE TABLE village_proposal_supports (
  proposal_id INTEGER NOT NULL REFERENCES village_proposals(id),
  phone_hash  TEXT NOT NULL,
  at          INTEGER NOT NULL,
  PRIMARY KEY (proposal_id, phone_hash)
);

-- The legal adviser (一村一法律顾问; 浙江省实施《村民委员会组织法》办法 art. 7):
-- each village's adviser (an account) and office hours, the appointments
-- residents book with a village session (a phone's hash only), and the log
-- of consultations: topic and outcome, never the advice given; a
-- consultation may be asked from a case (case_id).
CREATE TABLE village_advisers (
  region       TEXT PRIMARY KEY REFERENCES regions(code),
  user_id      INTEGER NOT NULL REFERENCES users(id),
  office_hours TEXT NOT NULL,
  updated_by   TEXT NOT NULL,
  updated_at   INTEGER NOT NULL
);
CREATE TABLE village_appointments (
  id         INTEGER PRIMARY KEY,
  region     TEXT NOT NULL REFERENCES regions(code),
  phone_hash TEXT NOT NULL,
  topic      TEXT NOT NULL,
  slot_at    INTEGER NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX village_appointments_region ON village_appointments(region, slot_at);
CREATE TABLE village_consultations (
  id             INTEGER PRIMARY KEY,
  region         TEXT NOT NULL REFERENCES regions(code),
  adviser        TEXT NOT NULL,
  appointment_id INTEGER REFERENCES village_appointments(id),
  case_id        INTEGER,
  topic          TEXT NOT NULL,
  outcome        TEXT NOT NULL CHECK (outcome IN ('answered', 'mediation', 'litigation', 'referred', 'follow_up')),
  at             INTEGER NOT NULL
);
CREATE INDEX village_consultations_region ON village_consultations(region, id);
CREATE INDEX village_consultations_case ON village_consultations(case_id);
