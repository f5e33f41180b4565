-- 026_village_rules.sql - village rules (村规民约) and the self-governance
-- charter (村民自治章程), issue 18: one row per version of a rule with its
-- step (draft -> comment -> reviewed -> voted -> adopted | rejected ->
-- filed -> review_ok | correction), the counts of the vote that adopted
-- it (quorum and majority checked in domain/village/vote.c, 村民委员会组织法
-- arts. 22, 26), and the filing with the township and its review (art. 27).
-- Days are Beijing dates 'YYYY-MM-DD'. No personal data: the people are
-- counted, never named.
CREATE TABLE village_rules (
  id                 INTEGER PRIMARY KEY,
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
  notice_day         TEXT,    -- the meeting's notice (art. 21: 10 days before)
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
  created_at         INTEGER NOT NULL,
  updated_at         INTEGER
);
CREATE INDEX village_rules_region ON village_rules(region, status);

-- Secret ballots on a rule (无记名投票). A voter gets a one-time token from
-- the village (on paper or by SMS); only its hash is kept, with NO voter
-- id, and it is burnt when used. A ballot keeps no voter id, no token and
-- no time: only the choice, whether it came online or on paper, and a
-- random receipt the voter keeps to find it among the published ballots.
CREATE TABLE village_ballot_tokens (
  id         INTEGER PRIMARY KEY,
  rule_id    INTEGER NOT NULL REFERENCES village_rules(id),
  token_hash TEXT NOT NULL UNIQUE,
  used       INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE village_ballots (
  receipt    TEXT PRIMARY KEY, -- random; the published order is by receipt
  rule_id    INTEGER NOT NULL REFERENCES village_rules(id),
  choice     TEXT NOT NULL CHECK (choice IN ('yes', 'no', 'abstain')),
  channel    TEXT NOT NULL CHECK (channel IN ('online', 'paper'))
);
CREATE INDEX village_ballots_rule ON village_ballots(rule_id, receipt);
