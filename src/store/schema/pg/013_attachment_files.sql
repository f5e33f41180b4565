-- 013_attachment_files.sql - photos and documents on a case (issue 13,
-- item 8). The bytes live in the database, not in a folder beside it: the
-- one binary then works the same on SQLite on a small box and on
-- PostgreSQL, a backup (pg_dump) holds them with the case they prove, and
-- a file is written in the same transaction as its row, its timeline entry
-- and its audit entry, so none exists without the others. Files are at
-- most 10 MiB (ATTACHMENT_BYTES_MAX) and a case holds at most 100. Each
-- file's bytes are kept once, by SHA-256 (content-addressed inside the
-- database). Nothing is deleted: evidence stays.
CREATE TABLE attachment_files (
  sha256 text COLLATE "C" PRIMARY KEY,
  size   bigint NOT NULL,
  data   bytea NOT NULL,
  thumb  bytea
);
-- photos and PDFs are compressed already: TOAST stores them as they are
ALTER TABLE attachment_files ALTER COLUMN data SET STORAGE EXTERNAL;
ALTER TABLE attachment_files ALTER COLUMN thumb SET STORAGE EXTERNAL;
CREATE TABLE attachments (
  id          bigserial PRIMARY KEY,
  case_id     bigint NOT NULL REFERENCES cases(id),
  sha256      text COLLATE "C" NOT NULL REFERENCES attachment_files(sha256),
  name        text NOT NULL,
  mime        text COLLATE "C" NOT NULL,
  size        bigint NOT NULL,
  width       integer NOT NULL DEFAULT 0,
  height      integer NOT NULL DEFAULT 0,
  has_thumb   integer NOT NULL DEFAULT 0,
  by_resident integer NOT NULL DEFAULT 0,
  added_by    text NOT NULL,
  created_at  bigint NOT NULL
);
CREATE INDEX attachments_case ON attachments(case_id, id);
