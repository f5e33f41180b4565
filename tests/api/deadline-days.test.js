// deadline-days.test.js - deadlines in the kind of day their rule counts
// (issue 13, small fixes): each deadline of a case, each list item's next
// deadline and the follow-up queue's deadline carry days_kind ("working" or
// "calendar") and days_left counted on the server's working calendar (0 due
// today, negative overdue), so the UI never shows hours. The expected
// working-day counts come from a reader of data/calendar written here, not
// from the server.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { startServer, Client } = require('../lib/server');

const DAY = 86400;
const BJ = 8 * 3600;

// The working calendar of data/calendar: `off` days and ranges, `work`
// make-up days; otherwise Monday to Friday.
const off = new Set();
const work = new Set();
const calDir = path.join(__dirname, '..', '..', 'data', 'calendar');
for (const f of fs.readdirSync(calDir).filter((n) => /^\d{4}\.txt$/.test(n))) {
  for (const line of fs.readFileSync(path.join(calDir, f), 'utf8').split('\n')) {
    const w = line.replace(/#.*/, '').trim().split(/\s+/);
    if (w[0] === 'work') work.add(w[1]);
    if (w[0] !== 'off') continue;
    const last = /^\d{4}-\d\d-\d\d$/.test(w[2] || '') ? w[2] : w[1];
    for (let d = dayNo(w[1]); d <= dayNo(last); d++) off.add(ymd(d));
  }
}
function dayNo(s) { return Date.parse(s + 'T00:00:00Z') / 1000 / DAY; }
function ymd(d) { return new Date(d * DAY * 1000).toISOString().slice(0, 10); }
function isWorkday(d) {
  const s = ymd(d);
  if (work.has(s)) return true;
  if (off.has(s)) return false;
  const wd = new Date(d * DAY * 1000).getUTCDay();
  return wd >= 1 && wd <= 5;
}
// Beijing day number of an instant (seconds or an ISO string).
function bjDay(t) {
  const s = typeof t === 'string' ? Date.parse(t) / 1000 : t;
  return Math.floor((s + BJ) / DAY);
}
// Working days after `from` up to and including `to`.
function workdaysBetween(from, to) {
  let n = 0;
  for (let d = from + 1; d <= to; d++) if (isWorkday(d)) n++;
  return n;
}
function expectLeft(kind, dueIso, nowSec) {
  const today = bjDay(nowSec);
  const due = bjDay(dueIso);
  if (kind === 'calendar') return due - today;
  if (due >= today) return workdaysBetween(today, due);
  return -Math.max(1, workdaysBetween(due, today));
}

let srv;
const users = {};
function sql(text) {
  return srv.db.startsWith('postgres')
    ? execFileSync('psql', [srv.db, '-AtF', '\t', '-c', text], { encoding: 'utf8' })
    : execFileSync('sqlite3', ['-cmd', '.timeout 5000', '-separator', '\t', srv.db, text], { encoding: 'utf8' });
}

test.before(async () => {
  srv = await startServer({ cases: false });
  for (const u of ['fengyuan.mediator', 'fengyuan.grid']) {
    users[u] = new Client(srv.base);
    await users[u].login(u);
  }
});
test.after(async () => { await srv.stop(); });

let seq = 0;
async function create(over = {}) {
  seq++;
  const r = await users['fengyuan.mediator'].post('/api/cases', {
    title: `宅基地界址纠纷${seq}`,
    description: '两户宅基地界址不清，砌墙引发争执。',
    category: 'neighbour',
    channel: 'walk_in',
    region: '330681109290',
    parties: [{ role: 'applicant', name: '陈国良', phone: `1392222${String(seq).padStart(4, '0')}` }],
    ...over,
  });
  assert.equal(r.status, 201, r.text);
  return r.json;
}
async function get(id) {
  const r = await users['fengyuan.mediator'].get(`/api/cases/${id}`);
  assert.equal(r.status, 200, r.text);
  return r.json;
}
async function act(who, id, body) {
  const r = await users[who].post(`/api/cases/${id}/actions`, body);
  assert.equal(r.status, 200, `${body.action}: ${r.text}`);
  return r.json;
}
const now = () => Math.floor(Date.now() / 1000);

test('a new dispute is to be accepted in 3 working days, counted in working days', async () => {
  const c = await create();
  const acc = c.deadlines.find((d) => d.kind === 'accept');
  assert.equal(acc.days_kind, 'working');
  assert.equal(acc.days_left, 3, 'due 3 working days from today, whatever weekend or holiday lies between');
  assert.equal(acc.days_left, expectLeft('working', acc.due_at, now()));
  // the list item carries the same for its next deadline
  const list = await users['fengyuan.mediator'].get('/api/cases?page_size=100');
  assert.equal(list.status, 200, list.text);
  const item = list.json.items.find((x) => x.id === c.id);
  assert.equal(item.due_days_kind, 'working');
  assert.equal(item.due_days_left, 3);
});

test('resolving counts calendar days; a met deadline has no days left', async () => {
  const c = await create();
  await act('fengyuan.mediator', c.id, { action: 'accept' });
  const s = await get(c.id);
  const acc = s.deadlines.find((d) => d.kind === 'accept');
  assert.ok(acc.met_at);
  assert.equal(acc.days_kind, 'working');
  assert.equal(acc.days_left, null);
  const res = s.deadlines.find((d) => d.kind === 'resolve');
  assert.equal(res.days_kind, 'calendar');
  assert.equal(res.days_left, expectLeft('calendar', res.due_at, now()));
  assert.ok(res.days_left >= 30, 'a village has 30 calendar days, moved off a rest day');
  const list = await users['fengyuan.mediator'].get('/api/cases?page_size=100');
  const item = list.json.items.find((x) => x.id === c.id);
  assert.equal(item.due_days_kind, 'calendar');
  assert.equal(item.due_days_left, res.days_left);
});

test('an overdue deadline counts the days late as a negative number of its kind', async () => {
  const c = await create();
  // registered 40 days ago: the 3 working days to accept are long gone
  sql(`UPDATE timeline SET at = at - ${40 * DAY} WHERE case_id = ${c.id}`);
  sql(`UPDATE cases SET created_at = created_at - ${40 * DAY} WHERE id = ${c.id}`);
  const s = await get(c.id);
  const acc = s.deadlines.find((d) => d.kind === 'accept');
  assert.equal(acc.overdue, true);
  assert.equal(acc.days_kind, 'working');
  assert.ok(acc.days_left < -10, `days_left ${acc.days_left}`);
  assert.equal(acc.days_left, expectLeft('working', acc.due_at, now()));
  assert.ok(acc.days_left > bjDay(acc.due_at) - bjDay(now()), 'fewer working days late than calendar days');
});

test('the follow-up queue counts its 5 working days', async () => {
  const c = await create();
  await act('fengyuan.mediator', c.id, { action: 'take' });
  await act('fengyuan.mediator', c.id, { action: 'resolve', outcome: 'mediated', summary: '双方同意按原界址砌墙' });
  const r = await users['fengyuan.grid'].get('/api/queues/follow_up?page_size=100');
  assert.equal(r.status, 200, r.text);
  const item = r.json.items.find((x) => x.id === c.id);
  assert.ok(item, 'the resolved case waits in the grid worker\'s 待回访');
  assert.equal(item.queue.follow_up_days_kind, 'working');
  assert.equal(item.queue.follow_up_days_left, 5);
  assert.equal(item.queue.follow_up_days_left, expectLeft('working', item.queue.follow_up_due, now()));
});
