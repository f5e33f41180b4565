-- 010_queues_team.sql - team work on a case (issue 13): the moves of a case
-- between units (escalate, send back) with who, when and why; superiors'
-- reminders (督办), open until someone else acts on the case; co-mediators.
CREATE TABLE case_moves (
  id        INTEGER PRIMARY KEY,
  case_id   INTEGER NOT NULL REFERENCES cases(id),
  at        INTEGER NOT NULL,
  actor     TEXT NOT NULL,
  kind      TEXT NOT NULL,
  from_unit TEXT NOT NULL,
  to_unit   TEXT NOT NULL,
  reason    TEXT
);
CREATE INDEX case_moves_case ON case_moves(case_id, id);

CREATE TABLE case_reminders (
  id         INTEGER PRIMARY KEY,
  case_id    INTEGER NOT NULL REFERENCES cases(id),
  at         INTEGER NOT NULL,
  actor      TEXT NOT NULL,
  reason     TEXT NOT NULL,
  settled_at INTEGER
);
CREATE INDEX case_reminders_case ON case_reminders(case_id, id);

CREATE TABLE case_co_mediators (
  case_id  INTEGER NOT NULL REFERENCES cases(id),
  username TEXT NOT NULL,
  PRIMARY KEY (case_id, username)
);
CREATE INDEX case_co_mediators_user ON case_co_mediators(username);

-- the escalations made before this version, from the timeline
INSERT INTO case_moves(case_id, at, actor, kind, from_unit, to_unit, reason)
SELECT case_id, at, actor, 'escalate', json_extract(detail, '$.from_unit'),
       json_extract(detail, '$.to_unit'), reason
  FROM timeline
 WHERE action = 'escalate' AND json_extract(detail, '$.to_unit') IS NOT NULL
 ORDER BY id;
