// village-meeting.test.js - a village's meetings and its representatives'
// roster (issue 18, "Assemblies and councils"; docs/village.md "Meetings
// and the roster"): one representative for every 5 to 15 households and
// never two from one household (村民委员会组织法 art. 25, Zhejiang art.
// 20); the notice before a meeting (art. 21); attendance, decisions whose
// quorum and majority come from the roster and the attendance (art. 26),
// minutes before a meeting is closed (Zhejiang art. 24), the quarter's
// representatives' assembly, absences in a row (Zhejiang art. 22), the
// audit entries, and scope: staff of another village get 404. Runs on
// SQLite, and PostgreSQL when FQ_TEST_PG is set.
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
  const t = new Date(Date.now() + 8 * 3600e3 + offset * 86400e3);
  return t.toISOString().slice(0, 10);
}

const grid = () => u['fengyuan.grid'];
const rep = (o) => grid().post('/api/v1/village/representatives',
  { region: VILLAGE, elected_on: day(-400), ...o });

async function meeting(kind, o = {}) {
  const r = await grid().post('/api/v1/village/meetings', {
    region: VILLAGE, kind, title: '会议', notice_day: day(-10), meeting_day: day(0),
    agenda: ['议题一'], ...o,
  });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

const reps = {};
test('the roster: 5 to 15 households a representative, never two from one household', async () => {
  for (const n of [4, 16]) {
    const r = await rep({ name: `代表${n}`, household: `1组${n}号`, households: n });
    assert.equal(r.status, 400, r.text);
    assert.equal(r.json.error.code, 'out_of_range');
    assert.equal(r.json.error.field, 'households');
  }
  let r = await rep({ name: '张一', household: '1组1号', households: 5, woman: true });
  assert.equal(r.status, 201, r.text);
  reps.a = r.json.id;
  r = await rep({ name: '李二', household: '1组2号', households: 15 });
  assert.equal(r.status, 201, r.text);
  reps.b = r.json.id;
  r = await rep({ name: '王三', household: '2组7号', households: 0, group: '第二村民小组' });
  assert.equal(r.status, 201, r.text);
  reps.c = r.json.id;
  // a second representative from 1组1号 is refused; a committee member from it is not
  r = await rep({ name: '张四', household: '1组1号', households: 8 });
  assert.equal(r.status, 409, r.text);
  assert.equal(r.json.error.field, 'household');
  r = await rep({ name: '张五', household: '1组1号', member_kind: 'committee' });
  assert.equal(r.status, 201, r.text);
  reps.committee = r.json.id;

  r = await grid().get(`/api/v1/village/representatives?region=${VILLAGE}&people=480`);
  assert.equal(r.status, 200, r.text);
  const s = r.json.summary;
  assert.deepEqual([s.representatives, s.committee, s.women, s.households], [3, 1, 1, 20]);
  assert.equal(s.reps_share_ok, false); // 3 of 4 is less than four fifths
  assert.equal(s.women_share_ok, false); // 1 of 4 is less than a third
  assert.equal(s.reps_min, 30);

  // a representative whose term ended frees the household
  r = await grid().post(`/api/v1/village/representatives/${reps.committee}/end`,
    { ended_on: day(0), reason: '辞去职务' });
  assert.equal(r.status, 200, r.text);
  r = await grid().post(`/api/v1/village/representatives/${reps.committee}/end`,
    { ended_on: day(0), reason: '再次' });
  assert.equal(r.status, 409, r.text);
  r = await grid().get(`/api/v1/village/representatives?region=${VILLAGE}`);
  assert.equal(r.json.summary.committee, 0);
  assert.equal(r.json.summary.reps_share_ok, true);
});

test('another village\'s staff get 404 on the roster and the meetings; the township reads them', async () => {
  const m = await meeting('residents_council', { title: '百姓议事会', notice_day: day(-1) });
  for (const path of [`/api/v1/village/representatives?region=${VILLAGE}`,
    `/api/v1/village/meetings?region=${VILLAGE}`, `/api/v1/village/meetings/${m.id}`]) {
    const r = await u['leshan.mediator'].get(path);
    assert.equal(r.status, 404, `${path}: ${r.text}`);
    const t = await u['fengqiao.handler'].get(path);
    assert.equal(t.status, 200, `${path}: ${t.text}`);
  }
  let r = await u['leshan.mediator'].post('/api/v1/village/representatives',
    { region: VILLAGE, name: '外人', household: '9组9号', households: 6, elected_on: day(0) });
  assert.equal(r.status, 404, r.text);
  r = await u['leshan.mediator'].post(`/api/v1/village/meetings/${m.id}/held`, { minutes: 'x' });
  assert.equal(r.status, 404, r.text);
  assert.equal(sql(`SELECT status FROM village_meetings WHERE id = ${m.id}`), 'noticed');
});

test('notice: a villagers\' assembly 10 days before, not 9 (art. 21)', async () => {
  const r = await grid().post('/api/v1/village/meetings', {
    region: VILLAGE, kind: 'assembly', title: '村民会议', notice_day: day(-9), meeting_day: day(0),
    agenda: ['修订村规民约'],
  });
  assert.equal(r.status, 400, r.text);
  assert.equal(r.json.error.field, 'notice_day');
  const m = await meeting('assembly', { title: '村民会议', agenda: ['修订村规民约', '其他'] });
  assert.deepEqual(m.agenda, ['修订村规民约', '其他']);
  assert.equal(m.status, 'noticed');
  // nothing is recorded before the meeting's day
  const later = await meeting('assembly', { notice_day: day(0), meeting_day: day(12) });
  const a = await grid().post(`/api/v1/village/meetings/${later.id}/attendance`,
    { items: [{ name: '赵六', household: '3组1号', present: true }] });
  assert.equal(a.status, 409, a.text);
});

test('a representatives\' assembly: quorum and majority from the roster and the attendance', async () => {
  const m = await meeting('representatives', { notice_day: day(-3) });
  // 1 of 3 present: no quorum (two thirds needed, art. 26)
  let r = await grid().post(`/api/v1/village/meetings/${m.id}/attendance`, { items: [
    { representative_id: reps.a, present: true },
    { representative_id: reps.b, present: false, reason: '外出务工' },
    { representative_id: reps.c, present: false },
  ] });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.present, 1);
  assert.equal(r.json.attendance[0].name, '张一');
  r = await grid().post(`/api/v1/village/meetings/${m.id}/decisions`,
    { item: '议题一', decision: '修路', yes: 1, no: 0, abstain: 0 });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.decisions[0].result, 'no_quorum');
  assert.equal(r.json.decisions[0].eligible_people, 3);
  // 2 of 3 present (exactly two thirds): the quorum holds; 1 yes of 2 is half: no majority
  r = await grid().post(`/api/v1/village/meetings/${m.id}/attendance`, { items: [
    { representative_id: reps.a, present: true },
    { representative_id: reps.b, present: true },
    { representative_id: reps.c, present: false },
  ] });
  assert.equal(r.json.present, 2);
  r = await grid().post(`/api/v1/village/meetings/${m.id}/decisions`,
    { item: '议题一', decision: '修路', yes: 1, no: 1, abstain: 0 });
  assert.equal(r.json.decisions[1].result, 'no_majority');
  r = await grid().post(`/api/v1/village/meetings/${m.id}/decisions`,
    { item: '议题一', decision: '修路', yes: 2, no: 0, abstain: 0 });
  assert.equal(r.json.decisions[2].result, 'passed');
  // more votes than people present is refused
  r = await grid().post(`/api/v1/village/meetings/${m.id}/decisions`,
    { item: '议题一', decision: 'x', yes: 3, no: 0, abstain: 0 });
  assert.equal(r.status, 400, r.text);
  // minutes are required to close it (Zhejiang art. 24); then nothing more is recorded
  r = await grid().post(`/api/v1/village/meetings/${m.id}/held`, {});
  assert.equal(r.status, 400, r.text);
  assert.equal(r.json.error.field, 'minutes');
  r = await grid().post(`/api/v1/village/meetings/${m.id}/held`, { minutes: '会议记录：通过修路方案。' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, 'held');
  r = await grid().post(`/api/v1/village/meetings/${m.id}/decisions`,
    { item: '议题一', decision: 'x', yes: 2, no: 0, abstain: 0 });
  assert.equal(r.status, 409, r.text);
  r = await grid().get(`/api/v1/village/meetings?region=${VILLAGE}`);
  assert.equal(r.json.quarter.missing, false);
  assert.equal(r.json.quarter.last_representatives, day(0));
  const actions = sql(`SELECT action FROM audit_log WHERE entity = 'village_meeting' AND entity_id = '${m.id}' ORDER BY id`);
  assert.deepEqual(actions.split('\n'), ['village.meeting.notice', 'village.meeting.attendance',
    'village.meeting.decision', 'village.meeting.attendance', 'village.meeting.decision',
    'village.meeting.decision', 'village.meeting.held']);
});

test('a council advises: no counts needed, the result is advice', async () => {
  const m = await meeting('worthies_council', { title: '乡贤参事会', notice_day: day(-1) });
  const r = await grid().post(`/api/v1/village/meetings/${m.id}/decisions`,
    { item: '议题一', decision: '建议设立调解室' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.decisions[0].result, 'advice');
  const c = await grid().post(`/api/v1/village/meetings/${m.id}/cancel`, { reason: '改期' });
  assert.equal(c.status, 409, c.text); // decisions were recorded on the day: it was held
  const other = await meeting('residents_council', { notice_day: day(-1) });
  const ok = await grid().post(`/api/v1/village/meetings/${other.id}/cancel`, { reason: '改期' });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.status, 'cancelled');
  assert.equal(ok.json.cancel_reason, '改期');
});

test('three representatives\' assemblies missed without a reason are flagged (Zhejiang art. 22)', async () => {
  for (let i = 0; i < 3; i++) {
    const m = await meeting('representatives', { notice_day: day(-3) });
    await grid().post(`/api/v1/village/meetings/${m.id}/attendance`, { items: [
      { representative_id: reps.a, present: true },
      { representative_id: reps.b, present: false, reason: '病假' },
      { representative_id: reps.c, present: false },
    ] });
    const r = await grid().post(`/api/v1/village/meetings/${m.id}/held`, { minutes: '记录' });
    assert.equal(r.status, 200, r.text);
  }
  const r = await grid().get(`/api/v1/village/representatives?region=${VILLAGE}`);
  const by = Object.fromEntries(r.json.items.map((x) => [x.id, x]));
  assert.equal(by[reps.c].absence_streak, 3);
  assert.equal(by[reps.c].absence_flag, true);
  assert.equal(by[reps.b].absence_flag, false); // excused
  assert.equal(by[reps.a].absence_streak, 0);
});
