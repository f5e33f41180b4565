-- 001_init.sql: the first schema. Times are UTC seconds since the epoch.
CREATE TABLE regions (
  code   TEXT PRIMARY KEY,
  name   TEXT NOT NULL,
  level  INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5),
  parent TEXT
) WITHOUT ROWID;
CREATE INDEX regions_parent ON regions(parent);

CREATE TABLE grids (
  id     INTEGER PRIMARY KEY,
  region TEXT NOT NULL REFERENCES regions(code),
  code   TEXT NOT NULL UNIQUE,
  name   TEXT NOT NULL
);

CREATE TABLE users (
  id            INTEGER PRIMARY KEY,
  username      TEXT NOT NULL UNIQUE,
  display_name  TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  created_at    INTEGER NOT NULL,
  disabled      INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE user_roles (
  user_id INTEGER NOT NULL REFERENCES users(id),
  role    TEXT NOT NULL,
  region  TEXT NOT NULL REFERENCES regions(code),
  PRIMARY KEY (user_id, role, region)
);
CREATE INDEX user_roles_region ON user_roles(region);

CREATE TABLE sessions (
  id_hash    TEXT PRIMARY KEY,
  user_id    INTEGER NOT NULL REFERENCES users(id),
  csrf       TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_seen  INTEGER NOT NULL
);

CREATE TABLE api_tokens (
  hash       TEXT PRIMARY KEY,
  user_id    INTEGER NOT NULL REFERENCES users(id),
  created_at INTEGER NOT NULL
);

CREATE TABLE cases (
  id                 INTEGER PRIMARY KEY,
  tracking_code      TEXT NOT NULL UNIQUE,
  public_secret_hash TEXT,
  title              TEXT NOT NULL,
  description        TEXT NOT NULL,
  category           TEXT NOT NULL,
  channel            TEXT NOT NULL,
  track              TEXT NOT NULL,
  region             TEXT NOT NULL REFERENCES regions(code),
  grid               TEXT,
  lat                REAL,
  lon                REAL,
  address            TEXT,
  people_involved    INTEGER NOT NULL,
  amount_in_dispute  INTEGER NOT NULL,
  occurred_at        INTEGER,
  status             TEXT NOT NULL,
  unit_region        TEXT NOT NULL,
  level              INTEGER NOT NULL,
  min_level          INTEGER NOT NULL,
  handler            TEXT,
  group_dispute      INTEGER NOT NULL,
  created_by         TEXT NOT NULL,
  created_at         INTEGER NOT NULL,
  updated_at         INTEGER NOT NULL,
  resolved_level     INTEGER,
  resolved_by        TEXT,
  resolved_at        INTEGER,
  resolved_on_time   INTEGER,
  outcome            TEXT,
  summary            TEXT,
  satisfaction       TEXT,
  merged_into        INTEGER,
  next_due           INTEGER,
  external_id        TEXT
);
CREATE INDEX cases_region ON cases(region, created_at);
CREATE INDEX cases_unit ON cases(unit_region, status);
CREATE INDEX cases_created ON cases(created_at);
CREATE INDEX cases_due ON cases(next_due) WHERE next_due IS NOT NULL;
CREATE INDEX cases_handler ON cases(handler, status);
CREATE INDEX cases_cat_region ON cases(category, region, created_at);

CREATE TABLE parties (
  id      INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES cases(id),
  role    TEXT NOT NULL,
  name    TEXT NOT NULL,
  phone   TEXT,
  org     TEXT
);
CREATE INDEX parties_case ON parties(case_id);
CREATE INDEX parties_phone ON parties(phone);

CREATE TABLE timeline (
  id          INTEGER PRIMARY KEY,
  case_id     INTEGER NOT NULL REFERENCES cases(id),
  at          INTEGER NOT NULL,
  actor       TEXT NOT NULL,
  action      TEXT NOT NULL,
  from_status TEXT,
  to_status   TEXT,
  level       INTEGER NOT NULL,
  reason      TEXT,
  detail      TEXT,
  internal    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX timeline_case ON timeline(case_id, id);

CREATE TABLE case_links (
  a    INTEGER NOT NULL REFERENCES cases(id),
  b    INTEGER NOT NULL REFERENCES cases(id),
  kind TEXT NOT NULL,
  at   INTEGER NOT NULL,
  PRIMARY KEY (a, b, kind)
);

-- Search tokens: character bigrams for Chinese (see util/text.h), so
-- two-character words are found. Contentless (the tokens are not kept twice)
-- and detail=none (only which case holds a token, no positions): queries are
-- ANDs of tokens, so nothing is lost. A case's tokens are written once, when
-- it is registered; its title, description and parties do not change later.
CREATE VIRTUAL TABLE case_fts USING fts5(tokens, content = '', detail = none);

CREATE TABLE audit_log (
  id        INTEGER PRIMARY KEY,
  at        INTEGER NOT NULL,
  actor     TEXT NOT NULL,
  action    TEXT NOT NULL,
  entity    TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  detail    TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash      TEXT NOT NULL
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

CREATE TABLE idempotency (
  key        TEXT PRIMARY KEY,
  scope      TEXT NOT NULL,
  status     INTEGER NOT NULL,
  body       TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
