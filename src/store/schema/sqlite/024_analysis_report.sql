-- 024_analysis_report.sql - the weekly 研判 (analysis and judgement) report
-- (issue 16, docs/analysis.md "Weekly report and board"): which weeks were
-- made for which region and when their report.weekly webhook event was
-- queued, so a restart or a second run never sends a week twice. The
-- report itself is computed when it is read; nothing of a case is kept here.
CREATE TABLE analysis_report_runs (
  region     TEXT NOT NULL REFERENCES regions(code),
  week_start TEXT NOT NULL,          -- 'YYYY-MM-DD', a Monday (Beijing)
  made_at    INTEGER NOT NULL,
  sent_at    INTEGER,                -- NULL until report.weekly was queued
  PRIMARY KEY (region, week_start)
);
