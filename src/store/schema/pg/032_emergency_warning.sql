-- 032_emergency_warning.sql - warnings (预警, 突发事件应对法 arts. 63-64) and
-- their CAP 1.2 alerts (docs/emergency.md): level 1-4 (red, orange, yellow,
-- blue), what art. 64 asks a warning to say, drafted, reviewed, approved
-- and published by four different people; an update or a cancellation
-- refers to the warning it changes (refs). And the CAP alerts imported
-- from an upstream feed, each linkable to an incident.
CREATE TABLE emergency_warnings (
  id           bigserial PRIMARY KEY,
  identifier   text COLLATE "C" UNIQUE,       -- the CAP identifier, given at publication
  region       text COLLATE "C" NOT NULL REFERENCES regions(code),
  incident_id  bigint REFERENCES emergency_incidents(id),
  kind         text COLLATE "C" NOT NULL CHECK (kind IN ('natural_disaster', 'accident', 'public_health',
                 'social_security')),
  event        text COLLATE "C" NOT NULL,     -- e.g. 暴雨 (rainstorm)
  level        bigint NOT NULL CHECK (level BETWEEN 1 AND 4),
  msg_type     text COLLATE "C" NOT NULL DEFAULT 'Alert' CHECK (msg_type IN ('Alert', 'Update', 'Cancel')),
  refs         bigint REFERENCES emergency_warnings(id),
  status       text COLLATE "C" NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'reviewed', 'approved',
                 'published', 'superseded', 'cancelled')),
  headline     text COLLATE "C" NOT NULL,
  watch        text COLLATE "C" NOT NULL,     -- 警示事项: what to watch for
  instruction  text COLLATE "C" NOT NULL,     -- 应当采取的措施: what to do
  area_desc    text COLLATE "C" NOT NULL,
  polygon      text COLLATE "C",              -- "lat,lon lat,lon ...", closed
  onset        bigint NOT NULL,
  expires      bigint,
  issuer       text COLLATE "C" NOT NULL,     -- 发布单位
  drafted_by   text COLLATE "C" NOT NULL,
  drafted_at   bigint NOT NULL,
  reviewed_by  text COLLATE "C",
  reviewed_at  bigint,
  approved_by  text COLLATE "C",
  approved_at  bigint,
  published_by text COLLATE "C",
  published_at bigint
);
CREATE INDEX emergency_warnings_region ON emergency_warnings(region, id);
CREATE INDEX emergency_warnings_status ON emergency_warnings(status, id);

CREATE TABLE emergency_cap_imports (
  id          bigserial PRIMARY KEY,
  identifier  text COLLATE "C" NOT NULL,
  sender      text COLLATE "C" NOT NULL,
  sent        text COLLATE "C" NOT NULL,
  msg_type    text COLLATE "C" NOT NULL,
  event       text COLLATE "C" NOT NULL DEFAULT '',
  severity    text COLLATE "C" NOT NULL DEFAULT '',
  headline    text COLLATE "C" NOT NULL DEFAULT '',
  description text COLLATE "C" NOT NULL DEFAULT '',
  area_desc   text COLLATE "C" NOT NULL DEFAULT '',
  expires     text COLLATE "C",
  xml         text COLLATE "C" NOT NULL,
  source      text COLLATE "C" NOT NULL,
  incident_id bigint REFERENCES emergency_incidents(id),
  imported_at bigint NOT NULL,
  UNIQUE (sender, identifier, sent)
);
