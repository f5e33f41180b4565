-- 004_overdue_notice.sql: remembers which deadline a case.overdue webhook
-- was sent for, so each deadline is announced once. (Adding a column to a
-- partitioned table adds it to every partition.)
ALTER TABLE cases ADD COLUMN overdue_notified bigint;
