-- 011_resident_access.sql - what a resident without an account uses to
-- follow a case (issue 13, items 13-14): a short numeric code (PIN) beside
-- the long secret, a one-time code sent by SMS to the filing phone, and the
-- resident's own rating once the case is resolved; all codes are kept only
-- as SHA-256 hashes. And the public phone of each handling unit, which the
-- public view shows beside the unit's name.
CREATE TABLE resident_access (
  case_id        INTEGER PRIMARY KEY REFERENCES cases(id),
  pin_hash       TEXT,
  sms_hash       TEXT,
  sms_expires    INTEGER,
  rating         TEXT CHECK (rating IN ('satisfied', 'basically_satisfied', 'unsatisfied')),
  rating_comment TEXT,
  rated_at       INTEGER
);
CREATE TABLE resident_unit_phones (
  region     TEXT PRIMARY KEY REFERENCES regions(code),
  phone      TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  updated_by TEXT NOT NULL
);
