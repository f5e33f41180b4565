// village-affairs.test.js - open village affairs (村务公开) and good-deed
// points (积分制), issue 18 (docs/village.md): the publication schedule's
// due date and overdue flag (村民委员会组织法 art. 30: finances monthly,
// general affairs quarterly, major matters at once), the public page
// without names of people, the reminders' pass; points entries approved by
// a second person only, the append-only ledger (refused by the schema on
// both engines), balances, redemptions bounded by the balance and the
// stock, commendations only of households that opted in.
// Runs on SQLite, and PostgreSQL when FQ_TEST_PG is set.
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
  for (const name of ['admin', 'fengqiao.handler', 'fengyuan.grid', 'fengyuan.mediator',
    'leshan.mediator', 'shangyu.mediator', 'zhuji.analyst']) {
    u[name] = new Client(srv.base);
    await u[name].login(name);
  }
});
test.after(async () => { await srv.stop(); });

function sql(q) {
  return (process.env.FQ_TEST_PG
    ? execFileSync('psql', [srv.db, '-tAc', q], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
    : execFileSync('sqlite3', ['-cmd', '.timeout 5000', srv.db, q], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })).trim();
}

const DAY = 86400 * 1000;
const iso = (ms) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

test('the publication schedule: due dates by art. 30, overdue after, cleared by publishing', async () => {
  const g = u['fengyuan.grid'];
  // finances monthly, anchored 40 days ago, nothing published: overdue
  const f = await g.post('/api/v1/village/affairs/schedules', {
    region: VILLAGE, title: '村集体财务收支', kind: 'finance', anchor: iso(Date.now() - 40 * DAY),
  });
  assert.equal(f.status, 201, f.text);
  // general affairs quarterly, anchored 85 days ago: due within a week
  const q = await g.post('/api/v1/village/affairs/schedules', {
    region: VILLAGE, title: '村务工作（季度）', kind: 'general', anchor: iso(Date.now() - 85 * DAY),
  });
  assert.equal(q.status, 201, q.text);
  // a major matter registered now: due in AFFAIRS_MAJOR_DAYS, not overdue
  const m = await g.post('/api/v1/village/affairs/schedules', {
    region: VILLAGE, title: '宅基地审批结果', kind: 'major',
  });
  assert.equal(m.status, 201, m.text);

  let a = await g.get(`/api/v1/village/affairs?region=${VILLAGE}`);
  assert.equal(a.status, 200, a.text);
  const by = (id) => a.json.schedules.find((s) => s.id === id);
  assert.equal(by(f.json.id).state, 'overdue');
  assert.equal(by(f.json.id).overdue, true);
  assert.equal(by(f.json.id).period_months, 1);
  assert.equal(by(q.json.id).state, 'due_soon');
  assert.equal(by(q.json.id).overdue, false);
  assert.equal(by(q.json.id).period_months, 3);
  assert.equal(by(m.json.id).state, 'due_soon');
  assert.equal(a.json.overdue, 1);
  // the finance schedule fell due one month after its anchor, end of a Beijing day
  const due = Date.parse(by(f.json.id).due);
  assert.ok(due < Date.now() && due > Date.now() - 12 * DAY, by(f.json.id).due);
  assert.equal(new Date(due + 8 * 3600 * 1000).toISOString().slice(11, 19), '23:59:59');

  // the reminders' pass: once per due time (overdue and due soon: 3 schedules)
  assert.equal((await g.post('/api/v1/village/affairs/remind')).status, 403);
  const r1 = await u.admin.post('/api/v1/village/affairs/remind');
  assert.equal(r1.status, 200, r1.text);
  assert.equal(r1.json.reminded, 3);
  const r2 = await u.admin.post('/api/v1/village/affairs/remind');
  assert.equal(r2.json.reminded, 0, 'each due time is reminded once');

  // publishing the finances clears the flag: next due a month on
  const p = await g.post('/api/v1/village/affairs/items', {
    region: VILLAGE, schedule_id: f.json.id, title: '2026年11月财务收支公开', body: '收入 12.3 万元，支出 8.1 万元。',
  });
  assert.equal(p.status, 201, p.text);
  const pm = await u['fengyuan.mediator'].post('/api/v1/village/affairs/items', {
    region: VILLAGE, schedule_id: m.json.id, title: '宅基地审批结果公示', body: '第5组 2 户获批。',
  });
  assert.equal(pm.status, 201, pm.text);
  a = await g.get(`/api/v1/village/affairs?region=${VILLAGE}`);
  assert.equal(by(f.json.id).state, 'ok');
  assert.ok(Date.parse(by(f.json.id).due) > Date.now() + 27 * DAY);
  assert.equal(by(m.json.id).state, 'done', 'a major matter published once is done');
  assert.equal(by(m.json.id).due, null);
  assert.equal(a.json.overdue, 0);
  assert.equal(a.json.items.length, 2);

  // the public page: published items and the schedule, no names of people
  const pub = await new Client(srv.base).get(`/api/public/villages/${VILLAGE}/affairs`);
  assert.equal(pub.status, 200, pub.text);
  assert.deepEqual(pub.json.items.map((i) => i.title).sort(), ['2026年11月财务收支公开', '宅基地审批结果公示'].sort());
  assert.ok(!pub.text.includes('fengyuan.'), 'no usernames on the public page');
  assert.ok(pub.json.items.every((i) => !('published_by' in i)));
  assert.ok(pub.json.schedules.every((s) => !('created_by' in s)));
  const none = await new Client(srv.base).get('/api/public/villages/330681109999/affairs');
  assert.equal(none.status, 404);
  const bad = await new Client(srv.base).get('/api/public/villages/33068/affairs');
  assert.equal(bad.status, 400);
});

test('affairs: only the village\'s staff write; bad input is 4xx', async () => {
  const body = { region: VILLAGE, title: 'x', kind: 'finance' };
  assert.equal((await u['leshan.mediator'].post('/api/v1/village/affairs/schedules', body)).status, 403);
  assert.equal((await u['zhuji.analyst'].post('/api/v1/village/affairs/schedules', body)).status, 403);
  assert.equal((await u['shangyu.mediator'].get(`/api/v1/village/affairs?region=${VILLAGE}`)).status, 404);
  assert.equal((await u['zhuji.analyst'].get(`/api/v1/village/affairs?region=${VILLAGE}`)).status, 403);
  const k = await u['fengyuan.grid'].post('/api/v1/village/affairs/schedules', { ...body, kind: 'yearly' });
  assert.equal(k.status, 400);
  assert.equal(k.json.error.field, 'kind');
  const t = await u['fengyuan.grid'].post('/api/v1/village/affairs/items', { region: VILLAGE, title: 'x', body: 'y'.repeat(20001) });
  assert.equal(t.status, 400);
  assert.equal(t.json.error.code, 'too_long');
  const r = await u['fengyuan.grid'].post('/api/v1/village/affairs/schedules', { ...body, region: '330681109' });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.code, 'invalid_region');
});

test('points: a second person approves; the ledger is append-only; redemptions bounded', async () => {
  const g = u['fengyuan.grid'];
  const med = u['fengyuan.mediator'];
  const rule = await g.post('/api/v1/village/points/rules', { region: VILLAGE, name: '参与志愿服务', points: 10 });
  assert.equal(rule.status, 201, rule.text);
  const lose = await g.post('/api/v1/village/points/rules', { region: VILLAGE, name: '违反村规民约', points: -5 });
  assert.equal(lose.status, 201, lose.text);
  assert.equal((await g.post('/api/v1/village/points/rules', { region: VILLAGE, name: 'x', points: 0 })).status, 400);
  const h = await g.post('/api/v1/village/points/households', { region: VILLAGE, label: '5组 骆家', show_commendation: true });
  assert.equal(h.status, 201, h.text);
  const h2 = await g.post('/api/v1/village/points/households', { region: VILLAGE, label: '3组 陈家' });
  assert.equal(h2.status, 201, h2.text);
  assert.equal((await g.post('/api/v1/village/points/households', { region: VILLAGE, label: '3组 陈家' })).status, 409);

  const e = await g.post('/api/v1/village/points/entries', { household_id: h.json.id, rule_id: rule.json.id, reason: '11月清理河道' });
  assert.equal(e.status, 201, e.text);
  // the proposer may not approve
  const same = await g.post(`/api/v1/village/points/entries/${e.json.id}/actions/approve`);
  assert.equal(same.status, 403, same.text);
  assert.equal(same.json.error.code, 'same_person');
  // another village's staff cannot see it
  assert.equal((await u['leshan.mediator'].post(`/api/v1/village/points/entries/${e.json.id}/actions/approve`)).status, 404);
  let bal = await g.get(`/api/v1/village/points/households/${h.json.id}`);
  assert.equal(bal.json.balance, 0, 'nothing counts before approval');
  const ok = await med.post(`/api/v1/village/points/entries/${e.json.id}/actions/approve`);
  assert.equal(ok.status, 200, ok.text);
  const again = await u['fengqiao.handler'].post(`/api/v1/village/points/entries/${e.json.id}/actions/reject`);
  assert.equal(again.status, 409, 'decided once');
  bal = await g.get(`/api/v1/village/points/households/${h.json.id}`);
  assert.equal(bal.json.balance, 10);
  assert.equal(bal.json.ledger.length, 1);
  assert.match(bal.json.ledger[0].reason, /参与志愿服务: 11月清理河道/);

  // a deduction for the other household, approved: its balance is -5, and
  // no route lists households by balance
  const d = await med.post('/api/v1/village/points/entries', { household_id: h2.json.id, rule_id: lose.json.id, reason: '乱堆杂物' });
  assert.equal((await g.post(`/api/v1/village/points/entries/${d.json.id}/actions/approve`)).status, 200);
  const list = await g.get(`/api/v1/village/points?region=${VILLAGE}`);
  assert.equal(list.status, 200, list.text);
  assert.ok(list.json.households.every((x) => !('balance' in x)), 'no balances in the list');
  const pub = await new Client(srv.base).get(`/api/public/villages/${VILLAGE}/commendations?month=${new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 7)}`);
  assert.equal(pub.status, 200, pub.text);
  assert.deepEqual(pub.json.items, [{ label: '5组 骆家', points: 10 }], 'only the household that opted in, only good deeds');

  // the ledger refuses change on the engine itself
  const lid = sql(`SELECT id FROM village_point_ledger WHERE household_id = ${h.json.id}`);
  assert.throws(() => sql(`UPDATE village_point_ledger SET points = 1000 WHERE id = ${lid}`), /append-only/);
  assert.throws(() => sql(`DELETE FROM village_point_ledger WHERE id = ${lid}`), /append-only/);
  assert.equal(sql(`SELECT points FROM village_point_ledger WHERE id = ${lid}`), '10');

  // the shop: 2 in stock at 3 points; the household has 10
  const item = await g.post('/api/v1/village/points/shop', { region: VILLAGE, name: '洗衣液', cost: 3, stock: 2 });
  assert.equal(item.status, 201, item.text);
  const dear = await g.post('/api/v1/village/points/shop', { region: VILLAGE, name: '电饭煲', cost: 100, stock: 5 });
  const poor = await g.post('/api/v1/village/points/redemptions', { household_id: h.json.id, item_id: dear.json.id });
  assert.equal(poor.status, 409);
  assert.equal(poor.json.error.code, 'insufficient_points');
  // three at once: the writer runs them one after another; two succeed
  const tries = await Promise.all([1, 2, 3].map(() =>
    g.post('/api/v1/village/points/redemptions', { household_id: h.json.id, item_id: item.json.id })));
  assert.deepEqual(tries.map((t) => t.status).sort(), [201, 201, 409]);
  assert.equal(tries.find((t) => t.status === 409).json.error.code, 'out_of_stock');
  bal = await g.get(`/api/v1/village/points/households/${h.json.id}`);
  assert.equal(bal.json.balance, 4);
  const shop = (await g.get(`/api/v1/village/points?region=${VILLAGE}`)).json.shop;
  assert.equal(shop.find((s) => s.id === item.json.id).stock, 0);
  // and the balance bounds it too: 4 points left, an item of 5
  const more = await g.post('/api/v1/village/points/shop', { region: VILLAGE, name: '毛巾', cost: 5, stock: 9 });
  const over = await g.post('/api/v1/village/points/redemptions', { household_id: h.json.id, item_id: more.json.id });
  assert.equal(over.json.error.code, 'insufficient_points');
  // a household with a negative balance redeems nothing
  const neg = await g.post('/api/v1/village/points/redemptions', { household_id: h2.json.id, item_id: more.json.id });
  assert.equal(neg.status, 409);
});

test('points: who may not', async () => {
  assert.equal((await u['zhuji.analyst'].post('/api/v1/village/points/rules', { region: VILLAGE, name: 'x', points: 1 })).status, 403);
  assert.equal((await u['shangyu.mediator'].get(`/api/v1/village/points?region=${VILLAGE}`)).status, 404);
  assert.equal((await u['fengyuan.grid'].post('/api/v1/village/points/entries/1/actions/delete')).status, 400);
});
