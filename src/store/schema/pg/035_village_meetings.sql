-- 035_village_meetings.sql - a village's meetings as records of their own
-- (issue 18, "Assemblies and councils"): the representatives' roster
-- (村民代表, 村民委员会组织法 art. 25: one per 5-15 households; Zhejiang
-- measures art. 20: never two from one household), meetings of the
-- villagers' assembly, the representatives' assembly, the residents'
-- council (百姓议事会) and the council of worthies (乡贤参事会) with their
-- notice, agenda, attendance, minutes (Zhejiang art. 24: 会议记录) and
-- decisions. Days are Beijing dates 'YYYY-MM-DD'. Names of people are
-- personal data: read only by the village's staff (store/village_meeting.h).
CREATE TABLE village_representatives (
  id          BIGSERIAL PRIMARY KEY,
  region      text COLLATE "C" NOT NULL REFERENCES regions(code), -- the village
  name        text COLLATE "C" NOT NULL,
  household   text COLLATE "C" NOT NULL,          -- the household's label (门牌)
  member_kind text COLLATE "C" NOT NULL DEFAULT 'representative'
              CHECK (member_kind IN ('representative', 'committee')),
  households  INTEGER NOT NULL DEFAULT 0, -- households that chose them; 0: a villagers' group
  grp         text COLLATE "C",                   -- the villagers' group (村民小组) that chose them
  woman       INTEGER NOT NULL DEFAULT 0 CHECK (woman IN (0, 1)),
  elected_on  text COLLATE "C" NOT NULL,
  ended_on    text COLLATE "C",
  end_reason  text COLLATE "C",
  created_by  text COLLATE "C" NOT NULL,
  created_at  BIGINT NOT NULL
);
CREATE INDEX village_representatives_region ON village_representatives(region, id);
-- 同户不得产生二名以上村民代表 (Zhejiang art. 20)
CREATE UNIQUE INDEX village_representatives_one_a_household
  ON village_representatives(region, household)
  WHERE ended_on IS NULL AND member_kind = 'representative';

CREATE TABLE village_meetings (
  id                 BIGSERIAL PRIMARY KEY,
  region             text COLLATE "C" NOT NULL REFERENCES regions(code),
  kind               text COLLATE "C" NOT NULL CHECK (kind IN ('assembly', 'representatives',
                                                   'residents_council', 'worthies_council')),
  title              text COLLATE "C" NOT NULL,
  place              text COLLATE "C",
  notice_day         text COLLATE "C" NOT NULL,
  meeting_day        text COLLATE "C" NOT NULL,
  agenda             text COLLATE "C" NOT NULL,   -- JSON array of the items, in order
  status             text COLLATE "C" NOT NULL DEFAULT 'noticed'
                     CHECK (status IN ('noticed', 'held', 'cancelled')),
  minutes            text COLLATE "C",
  cancel_reason      text COLLATE "C",
  created_by         text COLLATE "C" NOT NULL,
  created_at         BIGINT NOT NULL,
  updated_at         BIGINT
);
CREATE INDEX village_meetings_region ON village_meetings(region, meeting_day);

-- Who came: a representative of the roster, or a villager by name and
-- household; present 0 with a reason is an excused absence.
CREATE TABLE village_meeting_attendance (
  id                BIGSERIAL PRIMARY KEY,
  meeting_id        BIGINT NOT NULL REFERENCES village_meetings(id),
  representative_id BIGINT REFERENCES village_representatives(id),
  name              text COLLATE "C" NOT NULL,
  household         text COLLATE "C",
  present           INTEGER NOT NULL CHECK (present IN (0, 1)),
  reason            text COLLATE "C"
);
CREATE INDEX village_meeting_attendance_meeting ON village_meeting_attendance(meeting_id, id);
CREATE INDEX village_meeting_attendance_rep ON village_meeting_attendance(representative_id);

-- What was decided, with the counts of an open vote (举手表决) and the
-- result the platform found (quorum and majority: domain/village/vote.c);
-- the councils advise ('advice').
CREATE TABLE village_meeting_decisions (
  id                  BIGSERIAL PRIMARY KEY,
  meeting_id          BIGINT NOT NULL REFERENCES village_meetings(id),
  item                text COLLATE "C" NOT NULL,
  decision            text COLLATE "C" NOT NULL,
  eligible_people     INTEGER,
  eligible_households INTEGER,
  present_people      INTEGER,
  present_households  INTEGER,
  votes_yes           INTEGER,
  votes_no            INTEGER,
  votes_abstain       INTEGER,
  result              text COLLATE "C" NOT NULL CHECK (result IN ('passed', 'no_quorum', 'no_majority', 'advice')),
  created_by          text COLLATE "C" NOT NULL,
  created_at          BIGINT NOT NULL
);
CREATE INDEX village_meeting_decisions_meeting ON village_meeting_decisions(meeting_id, id);
