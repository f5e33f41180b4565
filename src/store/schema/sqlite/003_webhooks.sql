-- 003_webhooks.sql: outbound webhook subscriptions and their delivery log.
CREATE TABLE webhooks (
  id         INTEGER PRIMARY KEY,
  url        TEXT NOT NULL,
  events     TEXT NOT NULL,          -- comma-separated event names
  secret     TEXT NOT NULL,          -- HMAC key for the signature header
  created_at INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  active     INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE deliveries (
  id           INTEGER PRIMARY KEY,
  webhook_id   INTEGER NOT NULL REFERENCES webhooks(id),
  event        TEXT NOT NULL,
  payload      TEXT NOT NULL,
  state        TEXT NOT NULL,        -- pending, delivered, failed
  attempts     INTEGER NOT NULL DEFAULT 0,
  next_at      INTEGER NOT NULL,
  last_status  INTEGER,
  last_error   TEXT,
  created_at   INTEGER NOT NULL,
  delivered_at INTEGER
);
CREATE INDEX deliveries_due ON deliveries(next_at) WHERE state = 'pending';
CREATE INDEX deliveries_webhook ON deliveries(webhook_id, id);
