-- 030_psych_appointments.sql - consultation rooms (心理咨询室) at village
-- and township centres, and appointments in them with a counsellor
-- (issue 19). A room is public information; an appointment names only the
-- opaque person id, the counsellor's username and times: who it is, and
-- why, stays sealed in psych_persons.
CREATE TABLE psych_rooms (
  id          bigserial PRIMARY KEY,
  region      text NOT NULL REFERENCES regions(code), -- a village or township
  name        text NOT NULL,
  created_at  bigint NOT NULL
);

CREATE TABLE psych_appointments (
  id          text COLLATE "C" PRIMARY KEY,
  person_id   text NOT NULL REFERENCES psych_persons(id) ON DELETE CASCADE,
  room_id     bigint NOT NULL REFERENCES psych_rooms(id),
  counsellor  text NOT NULL,
  starts_at   bigint NOT NULL,
  ends_at     bigint NOT NULL,
  status      text NOT NULL DEFAULT 'booked'
              CHECK (status IN ('booked', 'done', 'no_show', 'cancelled')),
  reminded_at bigint,
  created_at  bigint NOT NULL
);
CREATE INDEX psych_appointments_counsellor ON psych_appointments(counsellor, starts_at);
CREATE INDEX psych_appointments_person ON psych_appointments(person_id);
