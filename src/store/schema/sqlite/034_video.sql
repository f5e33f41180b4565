-- 034_video.sql - video for online mediation (issue 21; docs/video.md):
-- a Janus VideoRoom room for each online session and each caucus of a
-- mediation, the join tokens handed to its participants (added to Janus
-- through its admin API and to the room's allowed list, removed when the
-- room ends), the parties' consent to recording, and the recordings kept
-- with their SHA-256 until their purge time. The tokens are kept in clear
-- because Fengqiao must name them to Janus again to remove them; they are
-- worth nothing once revoked_at is set (removed from Janus).
CREATE TABLE video_rooms (
  id           INTEGER PRIMARY KEY,
  mediation_id INTEGER NOT NULL REFERENCES mediations(id),
  session_id   INTEGER REFERENCES mediation_sessions(id), -- NULL for a caucus
  caucus_party INTEGER REFERENCES mediation_parties(id),  -- the caucus's party
  janus_room   INTEGER NOT NULL UNIQUE,
  secret       TEXT NOT NULL,
  pin          TEXT NOT NULL,
  opens_at     INTEGER NOT NULL,
  closes_at    INTEGER NOT NULL,
  janus_ok     INTEGER NOT NULL DEFAULT 0, -- 1 when Janus made the room
  recording    INTEGER NOT NULL DEFAULT 0,
  created_by   TEXT NOT NULL,
  created_at   INTEGER NOT NULL,
  ended_at     INTEGER,
  ended_by     TEXT,
  CHECK ((session_id IS NULL) <> (caucus_party IS NULL))
);
CREATE INDEX video_rooms_mediation ON video_rooms(mediation_id);
CREATE INDEX video_rooms_open ON video_rooms(closes_at) WHERE ended_at IS NULL;
CREATE TABLE video_tokens (
  id          INTEGER PRIMARY KEY,
  room_id     INTEGER NOT NULL REFERENCES video_rooms(id),
  who         TEXT NOT NULL, -- 'staff:<username>' or 'party:<party id>'
  participant INTEGER NOT NULL, -- the Janus participant id it joins as
  display     TEXT NOT NULL,
  token       TEXT NOT NULL UNIQUE,
  expires_at  INTEGER NOT NULL,
  revoked_at  INTEGER,
  created_at  INTEGER NOT NULL
);
CREATE INDEX video_tokens_room ON video_tokens(room_id, who);
CREATE TABLE video_consents (
  mediation_id INTEGER NOT NULL REFERENCES mediations(id),
  party_id     INTEGER NOT NULL REFERENCES mediation_parties(id),
  given_at     INTEGER NOT NULL,
  PRIMARY KEY (mediation_id, party_id)
);
CREATE TABLE video_recordings (
  id           INTEGER PRIMARY KEY,
  mediation_id INTEGER NOT NULL REFERENCES mediations(id),
  room_id      INTEGER NOT NULL REFERENCES video_rooms(id),
  name         TEXT NOT NULL,
  path         TEXT NOT NULL,
  size         INTEGER NOT NULL,
  sha256       TEXT NOT NULL,
  created_at   INTEGER NOT NULL,
  purge_at     INTEGER NOT NULL,
  purged_at    INTEGER
);
CREATE INDEX video_recordings_mediation ON video_recordings(mediation_id);
