// village-vote.test.js - village rules (村规民约, issue 18; docs/village.md
// "Rules, assemblies and votes"): a draft, its comment period, the legal
// adviser's review after it, the counts of a vote, adoption refused (409
// vote_not_passed) unless the quorum and the majority hold at their edges
// (exactly half is not enough: 村民委员会组织法 arts. 22, 26), filing with
// the township and its review with deadlines and overdue flags, a
// correction with a reason, and the rules in force on the public page with
// no personal data. Runs on SQLite, and PostgreSQL when FQ_TEST_PG is set.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const { startServer, Client } = require('../lib/server');

const VILLAGE = '330681109290'; // 枫源村
let srv;
const u = {};
test.before(async () => {
  srv = await startServer({ cases: false });
  for (const name of ['admin', 'fengqiao.handler', 'fengyuan.grid', 'leshan.mediator']) {
    u[name] = new Client(srv.base);
    await u[name].login(name);
  }
});
test.after(async () => { await srv.stop(); });

function sql(q) {
  return (process.env.FQ_TEST_PG
    ? execFileSync('psql', [srv.db, '-tAc', q], { encoding: 'utf8' })
    : execFileSync('sqlite3', ['-cmd', '.timeout 5000', srv.db, q], { encoding: 'utf8' })).trim();
}

function day(offset) {
  // the Beijing date `offset` days from today
  const t = new Date(Date.now() + 8 * 3600e3 + offset * 86400e3);
  return t.toISOString().slice(0, 10);
}

const act = (who, id, name, body = {}) =>
  u[who].post(`/api/v1/village-rules/${id}/actions/${name}`, body);

// A rule brought to the step `voted` with the given counts.
async function votedRule(counts, title = '枫源村村规民约') {
  const c = await u['fengyuan.grid'].post('/api/v1/village-rules',
    { region: VILLAGE, title, body: '第一条 邻里互助，遇事协商。' });
  assert.equal(c.status, 201, c.text);
  assert.equal(c.json.status, 'draft');
  const id = c.json.id;
  let r = await act('fengyuan.grid', id, 'comment', { comment_until: day(0) });
  assert.equal(r.status, 200, r.text);
  // the adviser may not review while the comment period runs
  r = await act('admin', id, 'review', { opinion: '无违法内容' });
  assert.equal(r.status, 409, r.text);
  sql(`UPDATE village_rules SET comment_until = '${day(-1)}' WHERE id = ${id}`);
  r = await act('admin', id, 'review', { opinion: '无违法内容' });
  assert.equal(r.status, 200, r.text);
  r = await act('fengyuan.grid', id, 'vote', {
    meeting_kind: 'assembly', meeting_day: day(0), notice_day: day(-10), eligible_people: 100,
    eligible_households: 30, present_people: 0, present_households: 0, yes: 0, no: 0, abstain: 0,
    ...counts,
  });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, 'voted');
  return id;
}

test('no skipping: a draft cannot be voted or adopted; an unknown action is 400', async () => {
  const c = await u['fengyuan.grid'].post('/api/v1/village-rules',
    { region: VILLAGE, title: '章程', body: '总则', kind: 'charter' });
  assert.equal(c.status, 201, c.text);
  let r = await act('fengyuan.grid', c.json.id, 'adopt');
  assert.equal(r.status, 409);
  assert.equal(r.json.error.code, 'invalid_transition');
  r = await act('fengyuan.grid', c.json.id, 'publish');
  assert.equal(r.status, 400);
  assert.equal(r.json.error.code, 'unknown_action');
  // another village's staff: 403 on a draft, and not seen at all
  r = await u['leshan.mediator'].post('/api/v1/village-rules',
    { region: VILLAGE, title: 'x', body: 'y' });
  assert.equal(r.status, 403, r.text);
  r = await u['leshan.mediator'].get(`/api/v1/village-rules/${c.json.id}`);
  assert.equal(r.status, 404);
});

test('quorum: exactly half of the adults is not enough; two thirds of the households is', async () => {
  // 50 of 100 adults present, 26 yes: no quorum (过半数 is strict)
  let id = await votedRule({ present_people: 50, present_households: 19, yes: 40 });
  let r = await act('fengyuan.grid', id, 'adopt');
  assert.equal(r.status, 409, r.text);
  assert.equal(r.json.error.code, 'vote_not_passed');
  assert.equal(r.json.error.field, 'present_people');
  assert.equal((await u['fengyuan.grid'].get(`/api/v1/village-rules/${id}`)).json.status, 'voted');
  // the same people from 20 of 30 households (two thirds, included): quorum
  id = await votedRule({ present_people: 50, present_households: 20, yes: 26 });
  r = await act('fengyuan.grid', id, 'adopt');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, 'adopted');
});

test('majority: exactly half of those present is not enough, abstentions count as present', async () => {
  let id = await votedRule({ present_people: 60, yes: 30, no: 30 });
  let r = await act('fengyuan.grid', id, 'adopt');
  assert.equal(r.status, 409, r.text);
  assert.equal(r.json.error.code, 'vote_not_passed');
  assert.equal(r.json.error.field, 'yes');
  id = await votedRule({ present_people: 60, yes: 30, no: 0, abstain: 30 });
  assert.equal((await act('fengyuan.grid', id, 'adopt')).status, 409);
  r = await act('fengyuan.grid', id, 'reject');
  assert.equal(r.json.status, 'rejected');
  // 31 of 60: passes
  id = await votedRule({ present_people: 60, yes: 31, no: 29 });
  assert.equal((await act('fengyuan.grid', id, 'adopt')).status, 200);
  // notice nine days before a villagers' assembly: 400 (art. 21: ten)
  const late = await u['fengyuan.grid'].post('/api/v1/village-rules',
    { region: VILLAGE, title: 'late', body: 'b' });
  await act('fengyuan.grid', late.json.id, 'comment', { comment_until: day(0) });
  sql(`UPDATE village_rules SET comment_until = '${day(-1)}' WHERE id = ${late.json.id}`);
  await act('admin', late.json.id, 'review', { opinion: 'ok' });
  r = await act('fengyuan.grid', late.json.id, 'vote', {
    meeting_kind: 'assembly', meeting_day: day(0), notice_day: day(-9), eligible_people: 100,
    eligible_households: 30, present_people: 60, present_households: 0, yes: 60, no: 0, abstain: 0 });
  assert.equal(r.status, 400, r.text);
  assert.equal(r.json.error.field, 'notice_day');
  // counts that cannot be: 400
  const c = await u['fengyuan.grid'].post('/api/v1/village-rules',
    { region: VILLAGE, title: 't', body: 'b' });
  await act('fengyuan.grid', c.json.id, 'comment', { comment_until: day(0) });
  sql(`UPDATE village_rules SET comment_until = '${day(-1)}' WHERE id = ${c.json.id}`);
  await act('admin', c.json.id, 'review', { opinion: 'ok' });
  r = await act('fengyuan.grid', c.json.id, 'vote', {
    meeting_kind: 'assembly', meeting_day: day(0), notice_day: day(-10), eligible_people: 100, eligible_households: 30,
    present_people: 101, present_households: 0, yes: 60, no: 0, abstain: 0 });
  assert.equal(r.status, 400, r.text);
});

test('representatives: two thirds of the members is enough, one fewer is not', async () => {
  const reps = async (present) => {
    const c = await u['fengyuan.grid'].post('/api/v1/village-rules',
      { region: VILLAGE, title: 'r', body: 'b' });
    await act('fengyuan.grid', c.json.id, 'comment', { comment_until: day(0) });
    sql(`UPDATE village_rules SET comment_until = '${day(-1)}' WHERE id = ${c.json.id}`);
    await act('admin', c.json.id, 'review', { opinion: 'ok' });
    const r = await act('fengyuan.grid', c.json.id, 'vote', {
      meeting_kind: 'representatives', meeting_day: day(0), notice_day: day(-3), eligible_people: 30,
      eligible_households: 0, present_people: present, present_households: 0,
      yes: present, no: 0, abstain: 0 });
    assert.equal(r.status, 200, r.text);
    return act('fengyuan.grid', c.json.id, 'adopt');
  };
  assert.equal((await reps(19)).status, 409);
  assert.equal((await reps(20)).status, 200);
});

test('filing within 10 days and the township review within 30, overdue flags, correction with a reason, public page', async () => {
  const id = await votedRule({ present_people: 51, yes: 40, no: 11 }, '枫源村垃圾分类公约');
  let r = await act('fengyuan.grid', id, 'adopt');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.adopted_on, day(0));
  // calendar days: 10 after adoption, moved past a weekend or holiday
  assert.ok(r.json.filing_due >= day(10) && r.json.filing_due <= day(20), r.json.filing_due);
  assert.equal(r.json.filing_overdue, false);
  sql(`UPDATE village_rules SET filing_due = '${day(-1)}' WHERE id = ${id}`);
  r = await u['fengyuan.grid'].get(`/api/v1/village-rules/${id}`);
  assert.equal(r.json.filing_overdue, true);
  // the adopted text is public, without who wrote it
  let p = await fetch(`${srv.base}/api/v1/public/villages/${VILLAGE}/rules`);
  assert.equal(p.status, 200);
  let pub = await p.json();
  const item = pub.items.find((x) => x.id === id);
  assert.ok(item);
  assert.equal(item.title, '枫源村垃圾分类公约');
  assert.ok(!JSON.stringify(pub).includes('fengyuan.grid'));
  assert.ok(!('created_by' in item));
  // drafts are not public
  assert.ok(pub.items.every((x) => ['adopted', 'filed', 'review_ok'].includes(x.status)));

  r = await act('fengyuan.grid', id, 'file');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.filed_on, day(0));
  assert.ok(r.json.review_due >= day(30) && r.json.review_due <= day(40), r.json.review_due);
  assert.equal(r.json.filing_overdue, false);
  assert.equal(r.json.review_overdue, false);
  sql(`UPDATE village_rules SET review_due = '${day(-1)}' WHERE id = ${id}`);
  assert.equal((await u['fengyuan.grid'].get(`/api/v1/village-rules/${id}`)).json.review_overdue, true);
  // the village cannot review its own rule; the township needs a reason to correct
  r = await act('fengyuan.grid', id, 'correct', { reason: 'x' });
  assert.equal(r.status, 403, r.text);
  r = await act('fengqiao.handler', id, 'correct', {});
  assert.equal(r.status, 400, r.text);
  r = await act('fengqiao.handler', id, 'correct', { reason: '第三条罚款条款侵犯村民财产权利（村民委员会组织法第二十七条）' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, 'correction');
  assert.match(r.json.correction_reason, /第三条/);
  // a revision starts over as a new version
  r = await act('fengyuan.grid', id, 'revise', { body: '第一条 邻里互助。' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, 'draft');
  assert.equal(r.json.version, 2);
  p = await fetch(`${srv.base}/api/v1/public/villages/${VILLAGE}/rules`);
  pub = await p.json();
  assert.ok(!pub.items.some((x) => x.id === id));
  p = await fetch(`${srv.base}/api/v1/public/villages/abc/rules`);
  assert.equal(p.status, 400);
});

test('secret ballot: no voter column, receipts verify, anyone recounts, a token votes once, paper totalled with online', async () => {
  // the tables: nothing that could name a voter, a token or a time
  const cols = (t) => (process.env.FQ_TEST_PG
    ? sql(`SELECT column_name FROM information_schema.columns WHERE table_name = '${t}'`).split('\n')
    : sql(`SELECT name FROM pragma_table_info('${t}')`).split('\n')).map((s) => s.trim()).sort();
  assert.deepEqual(cols('village_ballots'), ['channel', 'choice', 'receipt', 'rule_id']);
  assert.ok(!cols('village_ballot_tokens').some((c) => /user|voter|person|phone|ballot|receipt|at$/.test(c)));

  const c = await u['fengyuan.grid'].post('/api/v1/village-rules',
    { region: VILLAGE, title: '无记名表决', body: '第一条' });
  const id = c.json.id;
  // no tokens before the adviser's review
  let r = await u['fengyuan.grid'].post(`/api/v1/village-rules/${id}/ballot-tokens`, { count: 3 });
  assert.equal(r.status, 409, r.text);
  await act('fengyuan.grid', id, 'comment', { comment_until: day(0) });
  sql(`UPDATE village_rules SET comment_until = '${day(-1)}' WHERE id = ${id}`);
  await act('admin', id, 'review', { opinion: 'ok' });
  r = await u['leshan.mediator'].post(`/api/v1/village-rules/${id}/ballot-tokens`, { count: 3 });
  assert.equal(r.status, 404, r.text);
  r = await u['fengyuan.grid'].post(`/api/v1/village-rules/${id}/ballot-tokens`, { count: 3 });
  assert.equal(r.status, 201, r.text);
  const tokens = r.json.tokens;
  assert.equal(tokens.length, 3);
  assert.equal(new Set(tokens).size, 3);
  // only hashes are stored
  assert.ok(!sql('SELECT token_hash FROM village_ballot_tokens').includes(tokens[0]));

  const cast = (token, choice) => fetch(`${srv.base}/api/v1/public/village-ballots`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token, choice }) });
  const receipts = [];
  for (const [t, ch] of [[tokens[0], 'yes'], [tokens[1], 'yes'], [tokens[2], 'no']]) {
    const b = await cast(t, ch);
    assert.equal(b.status, 201);
    receipts.push((await b.json()).receipt);
  }
  // the same token again: refused, nothing added
  let b = await cast(tokens[0], 'no');
  assert.equal(b.status, 409);
  assert.equal((await b.json()).error.code, 'ballot_token_used');
  b = await cast('x'.repeat(43), 'yes');
  assert.equal(b.status, 404);

  // paper ballots counted at the meeting
  r = await u['fengyuan.grid'].post(`/api/v1/village-rules/${id}/paper-ballots`, { yes: 2, no: 1, abstain: 1 });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.receipts.length, 4);

  const pub = await (await fetch(`${srv.base}/api/v1/public/village-rules/${id}/ballots`)).json();
  // each voter finds their receipt with their choice
  for (const [i, ch] of ['yes', 'yes', 'no'].entries())
    assert.equal(pub.items.find((x) => x.receipt === receipts[i]).choice, ch);
  // anyone recounts the published ballots and gets the totals
  const recount = { yes: 0, no: 0, abstain: 0 };
  for (const x of pub.items) recount[x.choice]++;
  assert.deepEqual(recount, { yes: 4, no: 2, abstain: 1 });
  assert.equal(pub.totals.yes, 4);
  assert.equal(pub.totals.no, 2);
  assert.equal(pub.totals.abstain, 1);
  assert.equal(pub.totals.total, pub.items.length);
  assert.equal(pub.items.filter((x) => x.channel === 'paper').length, 4);

  // the count: the ballots' totals, and adoption checks them (7 present, 4 yes)
  r = await act('fengyuan.grid', id, 'vote', {
    meeting_kind: 'representatives', meeting_day: day(0), notice_day: day(-3), eligible_people: 9,
    eligible_households: 0, present_people: 7, present_households: 0, secret: true });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.votes_yes, 4);
  assert.equal(r.json.votes_no, 2);
  assert.equal((await act('fengyuan.grid', id, 'adopt')).status, 200);
  // the vote is closed: a new token would not be accepted
  r = await u['fengyuan.grid'].post(`/api/v1/village-rules/${id}/ballot-tokens`, { count: 1 });
  assert.equal(r.status, 409);
});

test('the list: a village\'s rules within scope only', async () => {
  await u['fengyuan.grid'].post('/api/v1/village-rules', { region: VILLAGE, title: '列表', body: 'b' });
  let r = await u['fengyuan.grid'].get(`/api/v1/village-rules?region=${VILLAGE}`);
  assert.equal(r.status, 200, r.text);
  assert.ok(r.json.items.some((x) => x.title === '列表'));
  r = await u['leshan.mediator'].get(`/api/v1/village-rules?region=${VILLAGE}`);
  assert.equal(r.json.items.length, 0);
  r = await u['fengyuan.grid'].get('/api/v1/village-rules?region=x');
  assert.equal(r.status, 400);
});

test('every step of a rule is in the audit chain, a refused one is not, and no voter\'s ballot is', async () => {
  const id = await votedRule({ present_people: 51, yes: 40, no: 11 }, '枫源村审计规约');
  assert.equal((await act('fengyuan.grid', id, 'adopt')).status, 200);
  const steps = sql(`SELECT action || ' ' || actor FROM audit_log WHERE entity = 'village_rule' AND entity_id = '${id}' ORDER BY id`);
  // the adviser's review refused during the comment period left no entry
  assert.deepEqual(steps.split('\n'), ['village.rule.draft fengyuan.grid', 'village.rule.comment fengyuan.grid',
    'village.rule.review admin', 'village.rule.vote fengyuan.grid', 'village.rule.adopt fengyuan.grid']);

  // a secret ballot: the tokens and the paper count are audited, a voter's ballot is not
  const c = await u['fengyuan.grid'].post('/api/v1/village-rules', { region: VILLAGE, title: '审计无记名', body: '第一条' });
  const sid = c.json.id;
  await act('fengyuan.grid', sid, 'comment', { comment_until: day(0) });
  sql(`UPDATE village_rules SET comment_until = '${day(-1)}' WHERE id = ${sid}`);
  await act('admin', sid, 'review', { opinion: 'ok' });
  const tok = await u['fengyuan.grid'].post(`/api/v1/village-rules/${sid}/ballot-tokens`, { count: 2 });
  assert.equal(tok.status, 201, tok.text);
  const b = await fetch(`${srv.base}/api/v1/public/village-ballots`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: tok.json.tokens[0], choice: 'yes' }),
  });
  assert.equal(b.status, 201);
  const p = await u['fengyuan.grid'].post(`/api/v1/village-rules/${sid}/paper-ballots`, { yes: 1, no: 0, abstain: 0 });
  assert.equal(p.status, 201, p.text);
  const rows = sql(`SELECT action || ' ' || detail FROM audit_log WHERE entity = 'village_rule' AND entity_id = '${sid}' ORDER BY id`).split('\n');
  assert.deepEqual(rows.map((x) => x.split(' ')[0]), ['village.rule.draft', 'village.rule.comment',
    'village.rule.review', 'village.rule.tokens', 'village.rule.paper']);
  assert.match(rows[3], /"count":2/);
});
