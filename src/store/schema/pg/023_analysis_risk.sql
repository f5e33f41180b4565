-- 023_analysis_risk.sql - risk grades of cases (风险研判, issue 16): the
-- grade the signals suggest for each open case, with its score and reasons
-- ([{signal, weight, detail}], docs/analysis.md "Risk grades"), and the grade
-- a person confirmed or changed with a reason (个人信息保护法 art. 24: the
-- suggestion is advice). Every suggestion that changed and every
-- confirmation is kept in case_risk_history.
CREATE TABLE case_risk (
  case_id        bigint PRIMARY KEY REFERENCES cases(id),
  suggested      text COLLATE "C" NOT NULL CHECK (suggested IN ('red', 'orange', 'yellow', 'green')),
  score          double precision NOT NULL,
  reasons        text COLLATE "C" NOT NULL,
  suggested_at   bigint NOT NULL,
  confirmed      text COLLATE "C" CHECK (confirmed IN ('red', 'orange', 'yellow', 'green')),
  confirmed_by   text COLLATE "C",
  confirmed_at   bigint,
  confirm_reason text COLLATE "C"
);
CREATE INDEX case_risk_suggested ON case_risk(suggested);
CREATE INDEX case_risk_confirmed ON case_risk(confirmed);
-- the scan finds the cases changed since their grade by this range
CREATE INDEX cases_updated ON cases(updated_at);

CREATE TABLE case_risk_history (
  id      bigserial PRIMARY KEY,
  case_id bigint NOT NULL REFERENCES cases(id),
  kind    text COLLATE "C" NOT NULL CHECK (kind IN ('suggested', 'confirmed')),
  grade   text COLLATE "C" NOT NULL CHECK (grade IN ('red', 'orange', 'yellow', 'green')),
  reason  text COLLATE "C",
  actor   text COLLATE "C" NOT NULL,
  at      bigint NOT NULL
);
CREATE INDEX case_risk_history_case ON case_risk_history(case_id, id);
