-- 007_webhook_scope.sql: a webhook subscription belongs to a region and
-- receives only events of cases in that region's subtree; '' means the whole
-- database and only a province-level administrator sees such a subscription.
-- Existing subscriptions take the widest administrator region of their
-- creator, or '' when the creator holds none (issue 11, item 1).
-- deliveries.state gains "cancelled": deleting a subscription cancels its
-- pending deliveries (a text column, no constraint to change).
ALTER TABLE webhooks ADD COLUMN region text COLLATE "C" NOT NULL DEFAULT '';
UPDATE webhooks w SET region = COALESCE(
  (SELECT r.region FROM user_roles r JOIN users u ON u.id = r.user_id
    WHERE u.username = w.created_by AND r.role = 'admin'
    ORDER BY length(r.region), r.region LIMIT 1), '');
CREATE INDEX webhooks_active ON webhooks(active, region);
