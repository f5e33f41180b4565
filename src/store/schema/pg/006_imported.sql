-- 006_imported.sql: cases brought in by CSV import are history, marked as
-- imported. They never enter the rollups, so they cannot move the headline
-- rates; the statistics count them apart (store/pg.c). Imported cases take
-- no further actions, so the flag never changes after the insert.
ALTER TABLE cases ADD COLUMN imported smallint NOT NULL DEFAULT 0;
CREATE INDEX cases_imported ON cases(region, created_at) WHERE imported = 1;

DROP TRIGGER cases_rollup_ins ON cases;
DROP TRIGGER cases_rollup_upd ON cases;
CREATE TRIGGER cases_rollup_ins AFTER INSERT ON cases
  FOR EACH ROW WHEN (NEW.imported = 0) EXECUTE FUNCTION cases_rollup_ins();
CREATE TRIGGER cases_rollup_upd AFTER UPDATE OF status, category, channel, resolved_level,
  min_level, resolved_on_time, satisfaction, next_due ON cases
  FOR EACH ROW WHEN (NEW.imported = 0) EXECUTE FUNCTION cases_rollup_upd();
