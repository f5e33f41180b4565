-- 004_overdue_notice.sql: remembers which deadline a case.overdue webhook
-- was sent for, so each deadline is announced once.
ALTER TABLE cases ADD COLUMN overdue_notified INTEGER;
