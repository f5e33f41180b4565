-- 027_village_affairs.sql - open village affairs (村务公开) and good-deed
-- points (积分制), issue 18 (docs/village.md).
-- A publication schedule per village: what must be published and how
-- often (村民委员会组织法 art. 30: general affairs at least quarterly,
-- finances monthly, major matters at once); the items published, which
-- the village's public page lists; reminded_due records the due time of
-- which the staff were last reminded (one reminder per due time).
CREATE TABLE village_affair_schedules (
  id           bigserial PRIMARY KEY,
  region       text COLLATE "C" NOT NULL REFERENCES regions(code),
  title        text COLLATE "C" NOT NULL,
  kind         text COLLATE "C" NOT NULL CHECK (kind IN ('general', 'finance', 'major')),
  anchor       bigint NOT NULL,
  created_by   text COLLATE "C" NOT NULL,
  created_at   bigint NOT NULL,
  reminded_due bigint,
  archived_at  bigint
);
CREATE INDEX village_affair_schedules_region ON village_affair_schedules(region);
CREATE TABLE village_affair_items (
  id           bigserial PRIMARY KEY,
  schedule_id  bigint REFERENCES village_affair_schedules(id),
  region       text COLLATE "C" NOT NULL REFERENCES regions(code),
  title        text COLLATE "C" NOT NULL,
  body         text COLLATE "C" NOT NULL,
  published_by text COLLATE "C" NOT NULL,
  published_at bigint NOT NULL
);
CREATE INDEX village_affair_items_region ON village_affair_items(region, published_at);
CREATE INDEX village_affair_items_schedule ON village_affair_items(schedule_id, published_at);

-- Good-deed points: each village's rules (points > 0 earn, < 0 lose), the
-- households that hold points (a label, never a list of people; shown in
-- the monthly commendations only when they opted in), entries proposed by
-- one person and approved by a second, and the append-only ledger that
-- approvals and redemptions write.
CREATE TABLE village_point_rules (
  id          bigserial PRIMARY KEY,
  region      text COLLATE "C" NOT NULL REFERENCES regions(code),
  name        text COLLATE "C" NOT NULL,
  points      bigint NOT NULL CHECK (points <> 0),
  created_by  text COLLATE "C" NOT NULL,
  created_at  bigint NOT NULL,
  archived_at bigint
);
CREATE TABLE village_households (
  id         bigserial PRIMARY KEY,
  region     text COLLATE "C" NOT NULL REFERENCES regions(code),
  label      text COLLATE "C" NOT NULL,
  show_commendation bigint NOT NULL DEFAULT 0 CHECK (show_commendation IN (0, 1)),
  created_at bigint NOT NULL,
  UNIQUE (region, label)
);
CREATE TABLE village_point_entries (
  id           bigserial PRIMARY KEY,
  region       text COLLATE "C" NOT NULL REFERENCES regions(code),
  household_id bigint NOT NULL REFERENCES village_households(id),
  rule_id      bigint NOT NULL REFERENCES village_point_rules(id),
  points       bigint NOT NULL,
  reason       text COLLATE "C" NOT NULL,
  status       text COLLATE "C" NOT NULL DEFAULT 'proposed' CHECK (status IN ('proposed', 'approved', 'rejected')),
  proposed_by  bigint NOT NULL REFERENCES users(id),
  proposed_at  bigint NOT NULL,
  decided_by   bigint REFERENCES users(id),
  decided_at   bigint
);
CREATE INDEX village_point_entries_region ON village_point_entries(region, status);
CREATE TABLE village_point_ledger (
  id            bigserial PRIMARY KEY,
  region        text COLLATE "C" NOT NULL REFERENCES regions(code),
  household_id  bigint NOT NULL REFERENCES village_households(id),
  points        bigint NOT NULL,
  reason        text COLLATE "C" NOT NULL,
  entry_id      bigint REFERENCES village_point_entries(id),
  redemption_id bigint,
  actor         text COLLATE "C" NOT NULL,
  at            bigint NOT NULL
);
CREATE INDEX village_point_ledger_household ON village_point_ledger(household_id, id);
CREATE FUNCTION fq_village_ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'village_point_ledger is append-only' USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER village_point_ledger_no_update BEFORE UPDATE ON village_point_ledger
  FOR EACH ROW EXECUTE FUNCTION fq_village_ledger_append_only();
CREATE TRIGGER village_point_ledger_no_delete BEFORE DELETE ON village_point_ledger
  FOR EACH ROW EXECUTE FUNCTION fq_village_ledger_append_only();
CREATE TRIGGER village_point_ledger_no_truncate BEFORE TRUNCATE ON village_point_ledger
  FOR EACH STATEMENT EXECUTE FUNCTION fq_village_ledger_append_only();
CREATE TABLE village_shop_items (
  id          bigserial PRIMARY KEY,
  region      text COLLATE "C" NOT NULL REFERENCES regions(code),
  name        text COLLATE "C" NOT NULL,
  cost        bigint NOT NULL CHECK (cost > 0),
  stock       bigint NOT NULL CHECK (stock >= 0),
  created_at  bigint NOT NULL,
  archived_at bigint
);
CREATE TABLE village_redemptions (
  id           bigserial PRIMARY KEY,
  region       text COLLATE "C" NOT NULL REFERENCES regions(code),
  household_id bigint NOT NULL REFERENCES village_households(id),
  item_id      bigint NOT NULL REFERENCES village_shop_items(id),
  cost         bigint NOT NULL,
  actor        text COLLATE "C" NOT NULL,
  at           bigint NOT NULL
);

-- Proposals (议事) from residents: a village's settings (how many
-- households; the support that puts a proposal on the council's agenda,
-- NULL: one tenth of the households, rounded up), the one-time codes that
-- verify a resident's phone and the sessions they open (hashes only: no
-- phone is kept in clear), the proposals with their path (open -> agenda
-- -> decided -> done) and the supports, one per verified phone.
CREATE TABLE village_settings (
  region     text COLLATE "C" PRIMARY KEY REFERENCES regions(code),
  households bigint NOT NULL CHECK (households > 0),
  threshold  bigint CHECK (threshold > 0),
  updated_by text COLLATE "C" NOT NULL,
  updated_at bigint NOT NULL
);
CREATE TABLE village_phone_codes (
  id         bigserial PRIMARY KEY,
  region     text COLLATE "C" NOT NULL REFERENCES regions(code),
  phone_hash text COLLATE "C" NOT NULL,
  code_hash  text COLLATE "C" NOT NULL,
  expires_at bigint NOT NULL,
  tries      bigint NOT NULL DEFAULT 0,
  used       bigint NOT NULL DEFAULT 0,
  created_at bigint NOT NULL
);
CREATE INDEX village_phone_codes_phone ON village_phone_codes(region, phone_hash);
CREATE TABLE village_sessions (
  id         bigserial PRIMARY KEY,
  token_hash text COLLATE "C" NOT NULL UNIQUE,
  region     text COLLATE "C" NOT NULL REFERENCES regions(code),
  phone_hash text COLLATE "C" NOT NULL,
  expires_at bigint NOT NULL,
  created_at bigint NOT NULL
);
CREATE TABLE village_proposals (
  id          bigserial PRIMARY KEY,
  region      text COLLATE "C" NOT NULL REFERENCES regions(code),
  title       text COLLATE "C" NOT NULL,
  body        text COLLATE "C" NOT NULL,
  phone_hash  text COLLATE "C" NOT NULL,
  status      text COLLATE "C" NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'agenda', 'decided', 'done')),
  supports    bigint NOT NULL DEFAULT 0,
  threshold   bigint NOT NULL,
  created_at  bigint NOT NULL,
  agenda_at   bigint,
  answer_due  bigint,
  decision    text COLLATE "C",
  decided_by  text COLLATE "C",
  decided_at  bigint,
  result      text COLLATE "C",
  result_at   bigint
);
CREATE INDEX village_proposals_region ON village_proposals(region, id);
CREATE TABLE village_proposal_supports (
  proposal_id bigint NOT NULL REFERENCES village_proposals(id),
  phone_hash  text COLLATE "C" NOT NULL,
  at          bigint NOT NULL,
  PRIMARY KEY (proposal_id, phone_hash)
);

-- The legal adviser (一村一法律顾问; 浙江省实施《村民委员会组织法》办法 art. 7):
-- each village's adviser (an account) and office hours, the appointments
-- residents book with a village session (a phone's hash only), and the log
-- of consultations: topic and outcome, never the advice given; a
-- consultation may be asked from a case (case_id).
CREATE TABLE village_advisers (
  region       text COLLATE "C" PRIMARY KEY REFERENCES regions(code),
  user_id      bigint NOT NULL REFERENCES users(id),
  office_hours text COLLATE "C" NOT NULL,
  updated_by   text COLLATE "C" NOT NULL,
  updated_at   bigint NOT NULL
);
CREATE TABLE village_appointments (
  id         bigserial PRIMARY KEY,
  region     text COLLATE "C" NOT NULL REFERENCES regions(code),
  phone_hash text COLLATE "C" NOT NULL,
  topic      text COLLATE "C" NOT NULL,
  slot_at    bigint NOT NULL,
  created_at bigint NOT NULL
);
CREATE INDEX village_appointments_region ON village_appointments(region, slot_at);
CREATE TABLE village_consultations (
  id             bigserial PRIMARY KEY,
  region         text COLLATE "C" NOT NULL REFERENCES regions(code),
  adviser        text COLLATE "C" NOT NULL,
  appointment_id bigint REFERENCES village_appointments(id),
  case_id        bigint,
  topic          text COLLATE "C" NOT NULL,
  outcome        text COLLATE "C" NOT NULL CHECK (outcome IN ('answered', 'mediation', 'litigation', 'referred', 'follow_up')),
  at             bigint NOT NULL
);
CREATE INDEX village_consultations_region ON village_consultations(region, id);
CREATE INDEX village_consultations_case ON village_consultations(case_id);
