-- 014_mediation_core.sql - online mediation (在线调解, issue 14), the room:
-- a mediation of a case, its parties and their consent (人民调解法 arts. 17,
-- 23), one-time phone codes (identity and signing), every event of the room
-- in order, offers with versions, sessions with their reminders, the
-- mediators' published profiles and each committee's time limit. See
-- docs/mediation.md §2. mediation_parties.case_party_id names the case's
-- party without a foreign key: editing a case replaces its parties rows.
CREATE TABLE mediations (
  id                 INTEGER PRIMARY KEY,
  case_id            INTEGER NOT NULL REFERENCES cases(id),
  unit_region        TEXT NOT NULL,
  status             TEXT NOT NULL CHECK (status IN ('proposed', 'choosing', 'appointed', 'active', 'ended')),
  mediator           TEXT,
  proposed_mediator  TEXT,
  chosen_by          TEXT CHECK (chosen_by IN ('parties', 'committee')),
  session_public     INTEGER NOT NULL DEFAULT 0,
  time_limit_days    INTEGER NOT NULL DEFAULT 30,
  choice_due         INTEGER,
  accept_due         INTEGER,
  started_at         INTEGER,
  deadline           INTEGER,
  extended           INTEGER NOT NULL DEFAULT 0,
  ended_at           INTEGER,
  end_reason         TEXT,
  end_note           TEXT,
  risk_flag          INTEGER NOT NULL DEFAULT 0,
  risk_note          TEXT,
  risk_police_report TEXT,
  risk_at            INTEGER,
  roundtable_open    INTEGER NOT NULL DEFAULT 0,
  declined           TEXT,
  created_by         TEXT NOT NULL DEFAULT '',
  created_at         INTEGER NOT NULL,
  updated_at         INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX mediations_case ON mediations(case_id);
-- one open mediation per case
CREATE UNIQUE INDEX mediations_open ON mediations(case_id) WHERE status <> 'ended';
CREATE TABLE mediation_parties (
  id               INTEGER PRIMARY KEY,
  mediation_id     INTEGER NOT NULL REFERENCES mediations(id),
  case_party_id    INTEGER,
  role             TEXT NOT NULL CHECK (role IN ('applicant', 'respondent')),
  name             TEXT NOT NULL,
  phone            TEXT,
  sex              TEXT,
  age              INTEGER,
  address          TEXT,
  consent          TEXT CHECK (consent IN ('given', 'refused', 'withdrawn')),
  consent_online   INTEGER NOT NULL DEFAULT 0,
  consent_at       INTEGER,
  link_hash        TEXT UNIQUE,
  verified_at      INTEGER,
  caucus_open      INTEGER NOT NULL DEFAULT 0,
  roundtable_agree INTEGER NOT NULL DEFAULT 0,
  choice           TEXT,
  wants_public     INTEGER NOT NULL DEFAULT 0,
  extend_agree     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX mediation_parties_mediation ON mediation_parties(mediation_id);
CREATE TABLE mediation_codes (
  id         INTEGER PRIMARY KEY,
  party_id   INTEGER NOT NULL REFERENCES mediation_parties(id),
  purpose    TEXT NOT NULL CHECK (purpose IN ('identity', 'sign')),
  bind       TEXT NOT NULL DEFAULT '',
  code_hash  TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  attempts   INTEGER NOT NULL DEFAULT 0,
  used_at    INTEGER,
  created_at INTEGER NOT NULL
);
CREATE INDEX mediation_codes_party ON mediation_codes(party_id, purpose, id);
CREATE TABLE mediation_events (
  seq          INTEGER PRIMARY KEY,
  mediation_id INTEGER NOT NULL REFERENCES mediations(id),
  audience     TEXT NOT NULL,
  kind         TEXT NOT NULL,
  data         TEXT NOT NULL,
  created_at   INTEGER NOT NULL
);
CREATE INDEX mediation_events_mediation ON mediation_events(mediation_id, seq);
CREATE TABLE mediation_offers (
  id           INTEGER PRIMARY KEY,
  mediation_id INTEGER NOT NULL REFERENCES mediations(id),
  version      INTEGER NOT NULL,
  from_party   INTEGER REFERENCES mediation_parties(id),
  parent_id    INTEGER REFERENCES mediation_offers(id),
  terms        TEXT NOT NULL,
  status       TEXT NOT NULL CHECK (status IN ('open', 'accepted', 'rejected', 'countered', 'withdrawn')),
  answered_by  TEXT,
  answered_at  INTEGER,
  created_at   INTEGER NOT NULL
);
CREATE INDEX mediation_offers_mediation ON mediation_offers(mediation_id, version);
CREATE TABLE mediation_sessions (
  id           INTEGER PRIMARY KEY,
  mediation_id INTEGER NOT NULL REFERENCES mediations(id),
  mode         TEXT NOT NULL CHECK (mode IN ('in_person', 'online')),
  place        TEXT,
  starts_at    INTEGER NOT NULL,
  reminded_24h INTEGER NOT NULL DEFAULT 0,
  reminded_1h  INTEGER NOT NULL DEFAULT 0,
  created_at   INTEGER NOT NULL
);
CREATE INDEX mediation_sessions_start ON mediation_sessions(starts_at);
CREATE TABLE mediator_profiles (
  user_id     INTEGER PRIMARY KEY REFERENCES users(id),
  specialties TEXT NOT NULL DEFAULT '',
  languages   TEXT NOT NULL DEFAULT '',
  published   INTEGER NOT NULL DEFAULT 0
);
-- a committee's own time limit (days) in place of the default 30
CREATE TABLE mediation_settings (
  region          TEXT PRIMARY KEY REFERENCES regions(code),
  time_limit_days INTEGER NOT NULL,
  updated_by      TEXT NOT NULL,
  updated_at      INTEGER NOT NULL
);
