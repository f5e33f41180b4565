-- 006_list_indexes.sql: lists filtered by category and status within a region
-- count their matches from the index alone, without reading each case; the
-- overdue notifier looks only at deadlines it has not announced yet.
DROP INDEX cases_cat_region;
CREATE INDEX cases_cat_region ON cases(category, region, status, created_at);
CREATE INDEX cases_overdue_todo ON cases(next_due)
  WHERE next_due IS NOT NULL AND overdue_notified IS NOT next_due;
