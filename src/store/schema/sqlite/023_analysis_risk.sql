-- 023_analysis_risk.sql - risk grades of cases (风险研判, issue 16): the
-- grade the signals suggest for each open case, with its score and reasons
-- ([{signal, weight, detail}], docs/analysis.md "Risk grades"), and the grade
-- a person confirmed or changed with a reason (个人信息保护法 art. 24: the
-- suggestion is advice). Every suggestion that changed and every
-- confirmation is kept in case_risk_history.
CREATE TABLE case_risk (
  case_id        INTEGER PRIMARY KEY REFERENCES cases(id),
  suggested      TEXT NOT NULL CHECK (suggested IN ('red', 'orange', 'yellow', 'green')),
  score          REAL NOT NULL,
  reasons        TEXT NOT NULL,
  suggested_at   INTEGER NOT NULL,
  confirmed      TEXT CHECK (confirmed IN ('red', 'orange', 'yellow', 'green')),
  confirmed_by   TEXT,
  confirmed_at   INTEGER,
  confirm_reason TEXT
);
CREATE INDEX case_risk_suggested ON case_risk(suggested);
CREATE INDEX case_risk_confirmed ON case_risk(confirmed);
-- the scan finds the cases changed since their grade by this range
CREATE INDEX cases_updated ON cases(updated_at);

CREATE TABLE case_risk_history (
  id      INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES cases(id),
  kind    TEXT NOT NULL CHECK (kind IN ('suggested', 'confirmed')),
  grade   TEXT NOT NULL CHECK (grade IN ('red', 'orange', 'yellow', 'green')),
  reason  TEXT,
  actor   TEXT NOT NULL,
  at      INTEGER NOT NULL
);
CREATE INDEX case_risk_history_case ON case_risk_history(case_id, id);
