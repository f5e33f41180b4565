-- 031_emergency_incident.sql - emergencies (突发事件, issue 20; docs/emergency.md):
-- incidents of the four kinds of 突发事件应对法 art. 2 with the grades I-IV
-- of art. 3, the reports a village's information reporter (信息报告员,
-- arts. 60-61) sends upward (初报 initial, 续报 follow-up, 终报 final), and
-- the response: the plan (预案) activated, tasks to teams and people,
-- resources with quantities, and the people affected (names and phones used
-- only for the response and deleted when it ends, arts. 84-85).
CREATE TABLE emergency_incidents (
  id                bigserial PRIMARY KEY,
  region            text COLLATE "C" NOT NULL REFERENCES regions(code), -- where it happened
  grid_id           bigint REFERENCES grids(id),
  kind              text COLLATE "C" NOT NULL CHECK (kind IN ('natural_disaster', 'accident',
                      'public_health', 'social_security')),
  grade             bigint CHECK (grade BETWEEN 1 AND 4), -- I..IV; NULL: not graded
  title             text COLLATE "C" NOT NULL,
  summary           text COLLATE "C" NOT NULL DEFAULT '',
  status            text COLLATE "C" NOT NULL DEFAULT 'reported'
                    CHECK (status IN ('reported', 'responding', 'closed')),
  occurred_at       bigint NOT NULL,
  plan              text COLLATE "C",             -- the plan (预案) activated, by name
  plan_activated_at bigint,
  plan_activated_by text COLLATE "C",
  affected          bigint NOT NULL DEFAULT 0 CHECK (affected >= 0),
  evacuated         bigint NOT NULL DEFAULT 0 CHECK (evacuated >= 0),
  injured           bigint NOT NULL DEFAULT 0 CHECK (injured >= 0),
  dead              bigint NOT NULL DEFAULT 0 CHECK (dead >= 0),
  lat               double precision,
  lon               double precision,
  case_id           bigint REFERENCES cases(id), -- the dispute that opened or links it
  reported_by       text COLLATE "C" NOT NULL,
  created_at        bigint NOT NULL,
  updated_at        bigint,
  closed_at         bigint,
  closed_by         text COLLATE "C",
  keep_assessment   text COLLATE "C",             -- the recorded assessment keeping personal data (art. 85)
  personal_purged_at bigint,
  overdue_alert_due bigint           -- the report deadline whose overdue alert went out
);
CREATE INDEX emergency_incidents_region ON emergency_incidents(region, id);
CREATE INDEX emergency_incidents_case ON emergency_incidents(case_id);

-- sent_to: JSON array of the region codes the report went to (one level
-- up; for grade I or II also the county and above).
CREATE TABLE emergency_reports (
  id          bigserial PRIMARY KEY,
  incident_id bigint NOT NULL REFERENCES emergency_incidents(id),
  stage       text COLLATE "C" NOT NULL CHECK (stage IN ('initial', 'follow_up', 'final')),
  body        text COLLATE "C" NOT NULL,
  grade       bigint CHECK (grade BETWEEN 1 AND 4),
  due_at      bigint,
  late        bigint NOT NULL DEFAULT 0,
  sent_to     text COLLATE "C" NOT NULL,
  reporter    text COLLATE "C" NOT NULL,
  created_at  bigint NOT NULL
);
CREATE INDEX emergency_reports_incident ON emergency_reports(incident_id, id);

CREATE TABLE emergency_tasks (
  id          bigserial PRIMARY KEY,
  incident_id bigint NOT NULL REFERENCES emergency_incidents(id),
  kind        text COLLATE "C" NOT NULL CHECK (kind IN ('rescue', 'evacuation', 'supply', 'medical',
                'psychological', 'security', 'other')),
  title       text COLLATE "C" NOT NULL,
  team_id     bigint REFERENCES teams(id),
  assignee    text COLLATE "C",             -- a person by name (or an account's username)
  status      text COLLATE "C" NOT NULL DEFAULT 'assigned'
              CHECK (status IN ('assigned', 'in_progress', 'done', 'cancelled')),
  note        text COLLATE "C" NOT NULL DEFAULT '',
  created_by  text COLLATE "C" NOT NULL,
  created_at  bigint NOT NULL,
  updated_at  bigint
);
CREATE INDEX emergency_tasks_incident ON emergency_tasks(incident_id, id);

CREATE TABLE emergency_resources (
  id          bigserial PRIMARY KEY,
  incident_id bigint NOT NULL REFERENCES emergency_incidents(id),
  kind        text COLLATE "C" NOT NULL CHECK (kind IN ('shelter', 'supply', 'vehicle', 'equipment', 'other')),
  name        text COLLATE "C" NOT NULL,
  quantity    bigint NOT NULL CHECK (quantity >= 0),
  unit        text COLLATE "C" NOT NULL DEFAULT '',
  location    text COLLATE "C" NOT NULL DEFAULT '',
  created_at  bigint NOT NULL,
  updated_at  bigint
);
CREATE INDEX emergency_resources_incident ON emergency_resources(incident_id, id);

-- Personal data of the response (arts. 84-85): deleted when it ends.
CREATE TABLE emergency_people (
  id          bigserial PRIMARY KEY,
  incident_id bigint NOT NULL REFERENCES emergency_incidents(id),
  name        text COLLATE "C" NOT NULL,
  phone       text COLLATE "C",
  condition   text COLLATE "C" NOT NULL CHECK (condition IN ('affected', 'evacuated', 'injured', 'missing')),
  note        text COLLATE "C" NOT NULL DEFAULT '',
  created_by  text COLLATE "C" NOT NULL,
  created_at  bigint NOT NULL
);
CREATE INDEX emergency_people_incident ON emergency_people(incident_id, id);
