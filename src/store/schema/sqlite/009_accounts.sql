-- 009_accounts.sql - API tokens lapse; sessions and tokens are found by user
-- (to end them all on a password change or when a user is disabled).
-- Tokens made before this version get the default lifetime from now on.
ALTER TABLE api_tokens ADD COLUMN expires_at INTEGER NOT NULL DEFAULT 0;
UPDATE api_tokens SET expires_at = CAST(strftime('%s', 'now') AS INTEGER) + 90 * 86400;
CREATE INDEX api_tokens_user ON api_tokens(user_id);
CREATE INDEX sessions_user ON sessions(user_id);
