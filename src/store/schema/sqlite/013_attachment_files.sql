-- 013_attachment_files.sql - photos and documents on a case (issue 13,
-- item 8). The bytes live in the database, not in a folder beside it: the
-- one binary then works the same on SQLite on a small box and on
-- PostgreSQL, a backup (fengqiao backup, pg_dump) holds them with the case
-- they prove, and a file is written in the same transaction as its row,
-- its timeline entry and its audit entry, so none exists without the
-- others. Files are at most 10 MiB (ATTACHMENT_BYTES_MAX) and a case holds
-- at most 100, which a database carries well. Each file's bytes are kept
-- once, by SHA-256 (content-addressed inside the database): the same photo
-- attached twice takes its room once. Nothing is deleted: evidence stays.
CREATE TABLE attachment_files (
  sha256 TEXT PRIMARY KEY,
  size   INTEGER NOT NULL,
  data   BLOB NOT NULL,
  thumb  BLOB
);
CREATE TABLE attachments (
  id          INTEGER PRIMARY KEY,
  case_id     INTEGER NOT NULL REFERENCES cases(id),
  sha256      TEXT NOT NULL REFERENCES attachment_files(sha256),
  name        TEXT NOT NULL,
  mime        TEXT NOT NULL,
  size        INTEGER NOT NULL,
  width       INTEGER NOT NULL DEFAULT 0,
  height      INTEGER NOT NULL DEFAULT 0,
  has_thumb   INTEGER NOT NULL DEFAULT 0,
  by_resident INTEGER NOT NULL DEFAULT 0,
  added_by    TEXT NOT NULL,
  created_at  INTEGER NOT NULL
);
CREATE INDEX attachments_case ON attachments(case_id, id);
