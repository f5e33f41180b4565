-- 029_psych_core.sql - 心防, the psychological service (issue 19). The
-- most sensitive data Fengqiao holds (个人信息保护法 art. 28: health
-- data), so the database keeps only what cannot speak: opaque random ids,
-- times, the username of the counsellor in charge, a township for the
-- suppressed statistics, and `sealed`, base64 of an XChaCha20-Poly1305
-- ciphertext (libsodium) whose key is in a file named by the server's
-- configuration and never here. Answers, scores, bands, the kind of an
-- alert, contact details, consent records and session notes are all
-- inside `sealed`; a copy of this file alone reveals none of them.
CREATE TABLE psych_persons (
  id          TEXT PRIMARY KEY,          -- 32 hex digits, random
  code_hash   TEXT NOT NULL UNIQUE,      -- keyed BLAKE2b of the person's code
  counsellor  TEXT,                      -- username of the counsellor in charge
  township    TEXT,                      -- 9-digit code, for statistics only
  state       TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'locked')),
  created_at  INTEGER NOT NULL,
  last_at     INTEGER NOT NULL,          -- last activity, for retention
  sealed      TEXT NOT NULL              -- {consent, contact, source, reason}
);
CREATE INDEX psych_persons_counsellor ON psych_persons(counsellor);

-- screenings, sessions and referrals alike: what a row is lies in sealed
CREATE TABLE psych_records (
  id          TEXT PRIMARY KEY,
  person_id   TEXT NOT NULL REFERENCES psych_persons(id) ON DELETE CASCADE,
  at          INTEGER NOT NULL,
  sealed      TEXT NOT NULL
);
CREATE INDEX psych_records_person ON psych_records(person_id, at);

-- a person to be called: the counsellor on duty holds it until it is
-- acknowledged; after hand_on minutes it goes to the next on the rota
CREATE TABLE psych_alerts (
  id          TEXT PRIMARY KEY,
  person_id   TEXT NOT NULL REFERENCES psych_persons(id) ON DELETE CASCADE,
  holder      TEXT,                      -- username on the rota, or NULL (no rota)
  rota_pos    INTEGER NOT NULL DEFAULT 0,
  created_at  INTEGER NOT NULL,
  assigned_at INTEGER NOT NULL,
  acked_at    INTEGER,
  acked_by    TEXT,
  sealed      TEXT NOT NULL              -- {kind}
);
CREATE INDEX psych_alerts_holder ON psych_alerts(holder, acked_at);
