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
  id          text COLLATE "C" PRIMARY KEY,          -- 32 hex digits, random
  code_hash   text NOT NULL UNIQUE,      -- keyed BLAKE2b of the person's code
  counsellor  text,                      -- username of the counsellor in charge
  township    text,                      -- 9-digit code, for statistics only
  state       text NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'locked')),
  created_at  bigint NOT NULL,
  last_at     bigint NOT NULL,          -- last activity, for retention
  sealed      text NOT NULL              -- {consent, contact, source, reason}
);
CREATE INDEX psych_persons_counsellor ON psych_persons(counsellor);

-- screenings, sessions and referrals alike: what a row is lies in sealed
CREATE TABLE psych_records (
  id          text COLLATE "C" PRIMARY KEY,
  person_id   text NOT NULL REFERENCES psych_persons(id) ON DELETE CASCADE,
  at          bigint NOT NULL,
  sealed      text NOT NULL
);
CREATE INDEX psych_records_person ON psych_records(person_id, at);

-- a person to be called: the counsellor on duty holds it until it is
-- acknowledged; after hand_on minutes it goes to the next on the rota
CREATE TABLE psych_alerts (
  id          text COLLATE "C" PRIMARY KEY,
  person_id   text NOT NULL REFERENCES psych_persons(id) ON DELETE CASCADE,
  holder      text,                      -- username on the rota, or NULL (no rota)
  rota_pos    integer NOT NULL DEFAULT 0,
  created_at  bigint NOT NULL,
  assigned_at bigint NOT NULL,
  acked_at    bigint,
  acked_by    text,
  sealed      text NOT NULL              -- {kind}
);
CREATE INDEX psych_alerts_holder ON psych_alerts(holder, acked_at);
