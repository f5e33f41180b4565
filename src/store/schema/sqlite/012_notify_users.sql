-- 012_notify_users.sql - in-app notifications (issue 13 item 12): one row
-- per user and event about a case (assigned, escalated, reminded, due_soon,
-- overdue), made in the same transaction as the case change or by the
-- deadline scan; read_at is set when the user marks it read. Users get an
-- optional mobile phone for the SMS gateway (the user.notified webhook).
ALTER TABLE users ADD COLUMN phone TEXT;
CREATE TABLE notifications (
  id         INTEGER PRIMARY KEY,
  user_id    INTEGER NOT NULL REFERENCES users(id),
  case_id    INTEGER NOT NULL REFERENCES cases(id),
  kind       TEXT NOT NULL,
  actor      TEXT,
  note       TEXT,
  due        INTEGER,
  created_at INTEGER NOT NULL,
  read_at    INTEGER
);
CREATE INDEX notifications_user ON notifications(user_id, id);
CREATE INDEX notifications_unread ON notifications(user_id) WHERE read_at IS NULL;
-- which (case, deadline) the due-soon scan has announced, so each is
-- announced once even when no one could be told
CREATE TABLE notify_due_sent (
  case_id INTEGER NOT NULL,
  due     INTEGER NOT NULL,
  PRIMARY KEY (case_id, due)
);
