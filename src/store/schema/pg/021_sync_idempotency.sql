-- 021_sync_idempotency: the Idempotency-Key of any signed-in POST (issue 15,
-- the grid worker's offline outbox; docs/offline.md). The hotline's rows
-- keep route and body_hash NULL. An API row's key is "api:" and the SHA-256
-- of (user, method and path, the client's key), its scope "user:<id>", and
-- it is inserted in the very transaction of the write it guards with status
-- 0 (the work is committed, its answer not yet stored); the answer's status
-- and body replace the 0 right after it is sent. Rows live 7 days.
ALTER TABLE idempotency ADD COLUMN route text COLLATE "C";
ALTER TABLE idempotency ADD COLUMN body_hash text COLLATE "C";
CREATE INDEX idempotency_api_created ON idempotency(created_at) WHERE route IS NOT NULL;
