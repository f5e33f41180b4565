-- 030_psych_appointments.sql - consultation rooms (心理咨询室) at village
-- and township centres, and appointments in them with a counsellor
-- (issue 19). A room is public information; an appointment names only the
-- opaque person id, the counsellor's username and times: who it is, and
-- why, stays sealed in psych_persons.
CREATE TABLE psych_rooms (
  id          INTEGER PRIMARY KEY,
  region      TEXT NOT NULL REFERENCES regions(code), -- a village or township
  name        TEXT NOT NULL,
  created_at  INTEGER NOT NULL
);

CREATE TABLE psych_appointments (
  id          TEXT PRIMARY KEY,
  person_id   TEXT NOT NULL REFERENCES psych_persons(id) ON DELETE CASCADE,
  room_id     INTEGER NOT NULL REFERENCES psych_rooms(id),
  counsellor  TEXT NOT NULL,
  starts_at   INTEGER NOT NULL,
  ends_at     INTEGER NOT NULL,
  status      TEXT NOT NULL DEFAULT 'booked'
              CHECK (status IN ('booked', 'done', 'no_show', 'cancelled')),
  reminded_at INTEGER,
  created_at  INTEGER NOT NULL
);
CREATE INDEX psych_appointments_counsellor ON psych_appointments(counsellor, starts_at);
CREATE INDEX psych_appointments_person ON psych_appointments(person_id);
