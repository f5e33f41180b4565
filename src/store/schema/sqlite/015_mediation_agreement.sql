-- 015_mediation_agreement.sql - the agreement (调解协议书) of a mediation
-- (issue 14; docs/mediation.md §1 "agreement"): the document as JSON and the
-- SHA-256 of its canonical text (domain/mediation/agreement.h), signatures
-- bound to that hash (电子签名法 art. 13), the wet-signature scan, judicial
-- confirmation (人民调解法 art. 33) and each term's performance (art. 31).
-- A signature whose hash is not the agreement's current hash does not count.
CREATE TABLE agreements (
  id            INTEGER PRIMARY KEY,
  mediation_id  INTEGER NOT NULL REFERENCES mediations(id),
  case_id       INTEGER NOT NULL,
  unit_region   TEXT NOT NULL,
  code          TEXT NOT NULL UNIQUE,     -- the verification code (/verify/{code})
  kind          TEXT NOT NULL,
  oral          INTEGER NOT NULL DEFAULT 0,
  matters       INTEGER NOT NULL DEFAULT 0,
  doc           TEXT NOT NULL,            -- JSON: parties, facts, liability, terms
  hash          TEXT NOT NULL,
  version       INTEGER NOT NULL DEFAULT 1,
  status        TEXT NOT NULL DEFAULT 'draft',   -- draft | effective
  signing       TEXT NOT NULL DEFAULT 'online',  -- online | wet
  scan_sha256   TEXT,
  scan_name     TEXT,
  scan_at       INTEGER,
  effective_at  INTEGER,
  effective_day INTEGER,                  -- Beijing day number
  court_status  TEXT NOT NULL DEFAULT 'none',
  court_name    TEXT,
  filed_at      INTEGER,
  accepted_at   INTEGER,
  ruled_at      INTEGER,
  ruling_extended INTEGER NOT NULL DEFAULT 0,
  court_reason  TEXT,
  reminded_at   INTEGER,
  created_by    TEXT NOT NULL,
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL
);
CREATE UNIQUE INDEX agreements_mediation ON agreements(mediation_id);
CREATE INDEX agreements_remind ON agreements(effective_day) WHERE reminded_at IS NULL;
CREATE INDEX agreements_region ON agreements(unit_region);
CREATE TABLE agreement_signatures (
  id           INTEGER PRIMARY KEY,
  agreement_id INTEGER NOT NULL REFERENCES agreements(id),
  kind         TEXT NOT NULL,             -- party | mediator | seal
  party_id     INTEGER,                   -- mediation_parties.id for a party
  name         TEXT NOT NULL,
  hash         TEXT NOT NULL,             -- the document hash signed
  method       TEXT NOT NULL,             -- code | wet | seal | login
  actor        TEXT,
  at           INTEGER NOT NULL
);
CREATE INDEX agreement_signatures_agreement ON agreement_signatures(agreement_id);
CREATE TABLE agreement_terms (
  agreement_id INTEGER NOT NULL REFERENCES agreements(id),
  idx          INTEGER NOT NULL,
  what         TEXT NOT NULL,
  amount       INTEGER NOT NULL,
  due_day      INTEGER NOT NULL,
  due_at       INTEGER NOT NULL,          -- the end of due_day, Beijing
  performed_at INTEGER,
  note         TEXT,
  recorded_by  TEXT,
  alerted_at   INTEGER,
  PRIMARY KEY (agreement_id, idx)
);
CREATE INDEX agreement_terms_open ON agreement_terms(due_at) WHERE performed_at IS NULL;
