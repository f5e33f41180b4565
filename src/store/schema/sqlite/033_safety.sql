-- 033_safety.sql - production-safety oversight (安全生产, issue 20;
-- docs/safety.md): enterprises registered by village and grid, inspections
-- against a checklist template, and the hazards (事故隐患) found, graded
-- general or major, with their rectification deadline, re-inspection and
-- escalation to the county. 安全生产法 art. 41 asks that hazards be
-- recorded truthfully; 浙江省安全生产条例 art. 15 that the record be kept
-- at least three years (service/safety.c refuses an earlier deletion).
-- Times are UTC seconds. No one's phone or identity number is kept here.

-- checklist templates: items a JSON array [{key, zh, en}]; configuration
CREATE TABLE safety_checklists (
  id         INTEGER PRIMARY KEY,
  name       TEXT NOT NULL,
  items      TEXT NOT NULL,
  active     INTEGER NOT NULL DEFAULT 1,
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
INSERT INTO safety_checklists(id, name, items, created_by, created_at) VALUES (1,
  '通用企业安全检查表 / General enterprise checklist',
  '[{"key":"responsibility","zh":"安全生产责任制和规章制度健全","en":"Safety responsibilities and rules in place"},' ||
  '{"key":"training","zh":"从业人员安全培训、特种作业人员持证上岗","en":"Staff trained; special-operation workers certified"},' ||
  '{"key":"fire","zh":"消防设施器材完好有效","en":"Fire equipment present and working"},' ||
  '{"key":"exits","zh":"安全出口、疏散通道畅通","en":"Exits and escape routes clear"},' ||
  '{"key":"electric","zh":"电气线路规范，无私拉乱接","en":"Wiring safe, no improvised connections"},' ||
  '{"key":"chemicals","zh":"危险化学品储存使用规范","en":"Hazardous chemicals stored and used properly"},' ||
  '{"key":"equipment","zh":"特种设备定期检验","en":"Special equipment inspected on schedule"},' ||
  '{"key":"hazard_log","zh":"隐患排查治理记录完整","en":"Hazard checks and removals recorded"}]',
  'system', 0);

CREATE TABLE safety_enterprises (
  id          INTEGER PRIMARY KEY,
  region      TEXT NOT NULL REFERENCES regions(code), -- the village
  grid        TEXT,     -- the grid's code, NULL for none
  name        TEXT NOT NULL,
  credit_code TEXT,     -- 统一社会信用代码 (unified social credit code)
  industry    TEXT,
  address     TEXT,
  created_by  TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER
);
CREATE INDEX safety_enterprises_region ON safety_enterprises(region, id);

-- results a JSON array [{key, result: pass|fail|na, note}], one per item
CREATE TABLE safety_inspections (
  id            INTEGER PRIMARY KEY,
  enterprise_id INTEGER NOT NULL REFERENCES safety_enterprises(id),
  region        TEXT NOT NULL REFERENCES regions(code),
  grid          TEXT,
  checklist_id  INTEGER NOT NULL REFERENCES safety_checklists(id),
  results       TEXT NOT NULL,
  note          TEXT,
  inspector     TEXT NOT NULL,
  inspected_at  INTEGER NOT NULL
);
CREATE INDEX safety_inspections_enterprise ON safety_inspections(enterprise_id, id);

-- a hazard: from an inspection, or from a grid patrol's event (event_id)
CREATE TABLE safety_hazards (
  id            INTEGER PRIMARY KEY,
  region        TEXT NOT NULL REFERENCES regions(code),
  grid          TEXT,
  enterprise_id INTEGER REFERENCES safety_enterprises(id),
  inspection_id INTEGER REFERENCES safety_inspections(id),
  event_id      INTEGER REFERENCES grid_events(id),
  item          TEXT,     -- the checklist item it was found under
  title         TEXT NOT NULL,
  description   TEXT NOT NULL DEFAULT '',
  grade         TEXT NOT NULL CHECK (grade IN ('general', 'major')),
  stop          TEXT NOT NULL DEFAULT 'none' CHECK (stop IN ('none', 'partial', 'full')),
  plan          TEXT,     -- 治理方案 of a major hazard
  status        TEXT NOT NULL CHECK (status IN ('reported', 'ordered', 'closed')),
  fixed_on_spot INTEGER NOT NULL DEFAULT 0,
  deadline      INTEGER,
  found_by      TEXT NOT NULL,
  found_at      INTEGER NOT NULL,
  ordered_by    TEXT,
  ordered_at    INTEGER,
  escalated_to  TEXT,     -- the county it went to
  escalated_at  INTEGER,
  closed_by     TEXT,
  closed_at     INTEGER,
  updated_at    INTEGER NOT NULL
);
CREATE INDEX safety_hazards_region ON safety_hazards(region, id);
CREATE INDEX safety_hazards_open ON safety_hazards(status, grade, deadline);

-- every step of a hazard (found, ordered, re-inspected, escalated), never changed
CREATE TABLE safety_hazard_steps (
  id        INTEGER PRIMARY KEY,
  hazard_id INTEGER NOT NULL REFERENCES safety_hazards(id),
  action    TEXT NOT NULL,
  actor     TEXT NOT NULL,
  note      TEXT,
  at        INTEGER NOT NULL
);
CREATE INDEX safety_hazard_steps_hazard ON safety_hazard_steps(hazard_id, id);

-- notices to the county's staff of an escalated major hazard
CREATE TABLE safety_notices (
  id         INTEGER PRIMARY KEY,
  user_id    INTEGER NOT NULL REFERENCES users(id),
  hazard_id  INTEGER NOT NULL REFERENCES safety_hazards(id),
  kind       TEXT NOT NULL,
  note       TEXT,
  created_at INTEGER NOT NULL,
  read_at    INTEGER
);
CREATE INDEX safety_notices_user ON safety_notices(user_id, id);
