-- 016_mediation_docs.sql - documents and evidence in a mediation's room
-- (issue 14, "Documents and evidence"; docs/mediation.md §6): a file put in
-- the shared thread, a party's caucus or the round table. These are NOT
-- case attachments: they stay in the room (人民法院在线调解规则 (Online
-- Mediation Rules) art. 18), so they have their own table and never touch
-- attachments / attachment_files (nor the case's timeline, export, webhooks
-- or Open311). The bytes are kept in the row itself, not in the
-- content-addressed attachment_files: a room file must not become
-- reachable through the case's file store, and that store's code belongs to
-- the case attachments. A file is at most 10 MiB (ATTACHMENT_BYTES_MAX) and
-- a room holds at most MEDIATION_DOC_MAX files. Nothing is deleted:
-- evidence stays.
CREATE TABLE mediation_docs (
  id           INTEGER PRIMARY KEY,
  mediation_id INTEGER NOT NULL REFERENCES mediations(id),
  thread       TEXT NOT NULL CHECK (thread IN ('shared', 'caucus', 'roundtable')),
  party_id     INTEGER REFERENCES mediation_parties(id), -- the caucus's party
  by_staff     TEXT,                                     -- uploader: a username
  by_party     INTEGER REFERENCES mediation_parties(id), -- or a party
  name         TEXT NOT NULL,
  mime         TEXT NOT NULL,
  size         INTEGER NOT NULL,
  sha256       TEXT NOT NULL,
  data         BLOB NOT NULL,
  created_at   INTEGER NOT NULL,
  CHECK ((thread = 'caucus') = (party_id IS NOT NULL)),
  CHECK ((by_staff IS NULL) <> (by_party IS NULL))
);
CREATE INDEX mediation_docs_mediation ON mediation_docs(mediation_id, id);
