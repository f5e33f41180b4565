-- 026_village_rules.sql - village rules (村规民约) and the self-governance
-- charter (村民自治章程), issue 18: one row per version of a rule with its
-- step (draft -> comment -> reviewed -> voted -> adopted | rejected ->
-- filed -> review_ok | correction), the counts of the vote that adopted
-- it (quorum and majority checked in domain/village/vote.c, 村民委员会组织法
-- arts. 22, 26), and the filing with the township and its review (art. 27).
-- Days are Beijing dates 'YYYY-MM-DD'. No personal data: the people are
-- counted, never named.
CREATE TABLE village_rules (
  id                 BIGSERIAL PRIMARY KEY,
  region             TEXT NOT NULL REFERENCES regions(code), -- the village
  kind               TEXT NOT NULL DEFAULT 'rules' CHECK (kind IN ('rules', 'charter')),
  title              TEXT NOT NULL,
  body               TEXT NOT NULL,
  version            INTEGER NOT NULL DEFAULT 1,
  status             TEXT NOT NULL DEFAULT 'draft'
                     CHECK (status IN ('draft', 'comment', 'reviewed', 'voted', 'adopted',
                                       'rejected', 'filed', 'review_ok', 'correction')),
  comment_until      TEXT,    -- last day of the public comment period
  adviser_opinion    TEXT,    -- the village legal adviser's review
  meeting_kind       TEXT,    -- assembly | representatives
  meeting_day        TEXT,
  eligible_people    INTEGER,
  eligible_households INTEGER,
  present_people     INTEGER,
  present_households INTEGER,
  votes_yes          INTEGER,
  votes_no           INTEGER,
  votes_abstain      INTEGER,
  adopted_on         TEXT,
  filing_due         TEXT,
  filed_on           TEXT,
  review_due         TEXT,
  reviewed_on        TEXT,
  correction_reason  TEXT,
  created_by         TEXT NOT NULL,
  created_at         BIGINT NOT NULL,
  updated_at         BIGINT
);
CREATE INDEX village_rules_region ON village_rules(region, status);
