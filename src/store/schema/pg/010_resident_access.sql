-- 010_resident_access.sql - what a resident without an account uses to
-- follow a case (issue 13, items 13-14): a short numeric code (PIN) beside
-- the long secret, a one-time code sent by SMS to the filing phone, and the
-- resident's own rating once the case is resolved; all codes are kept only
-- as SHA-256 hashes. And the public phone of each handling unit, which the
-- public view shows beside the unit's name.
CREATE TABLE resident_access (
  case_id        bigint PRIMARY KEY REFERENCES cases(id),
  pin_hash       text COLLATE "C",
  sms_hash       text COLLATE "C",
  sms_expires    bigint,
  rating         text CHECK (rating IN ('satisfied', 'basically_satisfied', 'unsatisfied')),
  rating_comment text,
  rated_at       bigint
);
CREATE TABLE resident_unit_phones (
  region     text COLLATE "C" PRIMARY KEY REFERENCES regions(code),
  phone      text NOT NULL,
  updated_at bigint NOT NULL,
  updated_by text NOT NULL
);
