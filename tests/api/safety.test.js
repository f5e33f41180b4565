// safety.test.js - production safety (安全生产, issue 20; docs/safety.md):
// enterprises registered by village and grid and seen within scope (a grid
// worker their grids, a village's staff their village, the county all);
// an inspection against the checklist template with a general hazard
// removed on the spot and a major one that needs a stop; the township's
// order with its plan and deadline; re-inspection by someone other than
// the reporter closes it; overdue major hazards go to the county on the
// clock's tick with a notice; records are kept three years (安全生产法
// art. 41, 浙江省安全生产条例 art. 15); a hazard reported on a grid patrol
// arrives here; the checklist is configurable; the configuration is
// checked. Runs on SQLite, and PostgreSQL when FQ_TEST_PG is set.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { startServer, Client } = require('../lib/server');

const VILLAGE = '330681109290'; // 枫源村
const OTHER = '330681109291'; // 乐山村
const GRID1 = '330681109290-01';
const GRID2 = '330681109290-02';
let srv;
const u = {};

function sql(q) {
  return (process.env.FQ_TEST_PG
    ? execFileSync('psql', [srv.db, '-tAc', q], { encoding: 'utf8' })
    : execFileSync('sqlite3', ['-cmd', '.timeout 5000', srv.db, q], { encoding: 'utf8' })).trim();
}

test.before(async () => {
  srv = await startServer({ cases: false, env: { FENGQIAO_SCAN_INTERVAL: '1' } });
  // a county cadre (诸暨市应急管理局) and a grid worker of 枫源村 who serves grid 02 only
  srv.cli(['user', 'add', 'zhuji.safety', '--name', '县应急局', '--password', 'county-safety-2026']);
  srv.cli(['user', 'grant', 'zhuji.safety', 'handler', '330681']);
  srv.cli(['user', 'add', 'fengyuan.grid2', '--name', '网格员二', '--password', 'grid-two-pass-2026']);
  srv.cli(['user', 'grant', 'fengyuan.grid2', 'grid_worker', VILLAGE]);
  const uid = sql("SELECT id FROM users WHERE username = 'fengyuan.grid2'");
  const gid = sql(`SELECT id FROM grids WHERE code = '${GRID2}'`);
  const admin = new Client(srv.base);
  await admin.login('admin');
  const r = await admin.req('PUT', `/api/v1/grids/${gid}/staff/${uid}/full_time`);
  assert.equal(r.status, 200, r.text);
  const pw = { 'zhuji.safety': 'county-safety-2026', 'fengyuan.grid2': 'grid-two-pass-2026' };
  for (const name of ['admin', 'fengqiao.handler', 'fengyuan.grid', 'leshan.mediator',
    'zhuji.safety', 'fengyuan.grid2', 'fengyuan.mediator']) {
    u[name] = new Client(srv.base);
    await u[name].login(name, pw[name]);
  }
});
test.after(async () => { await srv.stop(); });

let seq = 0;
async function enterprise(who = 'fengyuan.grid', body = {}) {
  const r = await u[who].post('/api/v1/safety/enterprises', {
    region: VILLAGE, grid: GRID1, name: `枫源袜业有限公司${++seq}`, industry: '袜业',
    credit_code: '91330681MA2BXXXX1Y', address: '枫源村工业区8号', ...body,
  });
  return r;
}

async function checklist() {
  const r = await u['fengyuan.grid'].get('/api/v1/safety/checklists');
  assert.equal(r.status, 200, r.text);
  return r.json.items[0];
}

function answers(list, over = {}) {
  return list.items.map((it) => ({ key: it.key, result: over[it.key] || 'pass' }));
}

const MAJOR = {
  title: '仓库危化品与成品混存', grade: 'major', stop: 'partial', item: 'chemicals',
  description: '稀释剂20桶与成品袜子同库存放，无隔离、无通风。',
};

async function inspect(entId, hazards, who = 'fengyuan.grid') {
  const list = await checklist();
  return u[who].post('/api/v1/safety/inspections', {
    enterprise_id: entId, results: answers(list, { chemicals: 'fail', electric: 'fail' }),
    note: '例行检查', hazards,
  });
}

test('enterprises are registered by village and grid and seen within scope', async () => {
  const r = await enterprise();
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.region, VILLAGE);
  assert.equal(r.json.grid, GRID1);
  assert.equal(r.json.can_inspect, true);
  const id = r.json.id;
  // another village is out of a grid worker's scope; a grid of another village is refused
  let x = await enterprise('fengyuan.grid', { region: OTHER, grid: null });
  assert.equal(x.status, 403, x.text);
  assert.equal(x.json.error.code, 'out_of_scope');
  x = await enterprise('fengyuan.grid', { grid: '330681109291-01' });
  assert.equal(x.status, 400, x.text);
  assert.equal(x.json.error.field, 'grid');
  x = await enterprise('fengyuan.grid', { region: '3306811092' });
  assert.equal(x.status, 400);
  assert.equal(x.json.error.code, 'invalid_region');
  x = await enterprise('fengyuan.grid', { name: '' });
  assert.equal(x.status, 400);
  assert.equal(x.json.error.field, 'name');
  // the grid worker of grid 02 sees neither grid 01's enterprise nor may register there
  assert.equal((await u['fengyuan.grid2'].get(`/api/v1/safety/enterprises/${id}`)).status, 404);
  x = await enterprise('fengyuan.grid2');
  assert.equal(x.status, 403, x.text);
  const own = await enterprise('fengyuan.grid2', { grid: GRID2 });
  assert.equal(own.status, 201, own.text);
  const none = await enterprise('fengyuan.grid', { grid: null });
  assert.equal(none.status, 201, none.text);
  const list2 = await u['fengyuan.grid2'].get('/api/v1/safety/enterprises');
  const ids2 = list2.json.items.map((e) => e.id);
  assert.ok(ids2.includes(own.json.id) && ids2.includes(none.json.id));
  assert.ok(!ids2.includes(id), 'grid 01 is not theirs');
  // another village's staff do not see it; the township and the county do
  assert.equal((await u['leshan.mediator'].get(`/api/v1/safety/enterprises/${id}`)).status, 404);
  assert.ok(!(await u['leshan.mediator'].get('/api/v1/safety/enterprises')).json.items.length);
  assert.equal((await u['fengqiao.handler'].get(`/api/v1/safety/enterprises/${id}`)).status, 200);
  assert.equal((await u['zhuji.safety'].get(`/api/v1/safety/enterprises/${id}`)).status, 200);
  assert.equal(sql(`SELECT count(*) FROM audit_log WHERE action = 'safety.enterprise.create' AND entity_id = '${id}'`), '1');
});

test('an inspection with its checklist; a major hazard through order and re-inspection', async () => {
  const ent = (await enterprise()).json;
  const list = await checklist();
  assert.equal(list.items.length, 8);
  // every item answered once, with pass, fail or na
  let r = await u['fengyuan.grid'].post('/api/v1/safety/inspections',
    { enterprise_id: ent.id, results: answers(list).slice(1) });
  assert.equal(r.status, 400, r.text);
  assert.equal(r.json.error.field, 'results');
  r = await u['fengyuan.grid'].post('/api/v1/safety/inspections',
    { enterprise_id: ent.id, results: answers(list, { fire: 'ok' }) });
  assert.equal(r.status, 400, r.text);
  // a major hazard needs a full or partial stop, and is never removed on the spot
  r = await inspect(ent.id, [{ ...MAJOR, stop: undefined }]);
  assert.equal(r.status, 400, r.text);
  assert.equal(r.json.error.field, 'stop');
  r = await inspect(ent.id, [{ ...MAJOR, fixed_on_spot: true }]);
  assert.equal(r.status, 400, r.text);
  assert.equal(r.json.error.field, 'fixed_on_spot');
  r = await inspect(ent.id, [{ ...MAJOR, grade: 'severe' }]);
  assert.equal(r.status, 400);
  assert.equal(r.json.error.field, 'grade');
  // nothing was stored by the refused ones
  assert.equal(sql(`SELECT count(*) FROM safety_inspections WHERE enterprise_id = ${ent.id}`), '0');

  r = await inspect(ent.id, [
    { title: '配电箱电线私拉乱接', grade: 'general', fixed_on_spot: true, item: 'electric' },
    MAJOR,
  ]);
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.results.find((x) => x.key === 'chemicals').result, 'fail');
  const [major, general] = r.json.hazards; // newest first
  assert.equal(general.status, 'closed');
  assert.equal(general.fixed_on_spot, true);
  assert.equal(general.closed_by, 'fengyuan.grid');
  assert.match(general.keep_until, /^\d{4}-\d\d-\d\d$/);
  assert.equal(major.status, 'reported');
  assert.equal(major.grade, 'major');
  assert.equal(major.stop, 'partial');
  assert.ok(major.deadline, 'a provisional deadline from the configuration');
  assert.equal(major.overdue, false);
  assert.equal(major.can_reinspect, false, 'a major hazard is re-inspected after its order');

  // only the township or above orders; a major hazard needs its plan
  const order = (who, body) => u[who].post(`/api/v1/safety/hazards/${major.id}/order`, body);
  r = await order('fengyuan.grid', { deadline_days: 10, plan: 'x' });
  assert.equal(r.status, 403, r.text);
  r = await order('fengqiao.handler', { deadline_days: 10 });
  assert.equal(r.status, 400, r.text);
  assert.equal(r.json.error.field, 'plan');
  r = await order('fengqiao.handler', { deadline_days: 10, deadline: '2099-01-01', plan: 'x' });
  assert.equal(r.status, 400, 'days or a date, not both');
  r = await order('fengqiao.handler', { deadline: '2001-01-01', plan: 'x' });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.field, 'deadline');
  r = await order('fengqiao.handler', { deadline_days: 10, plan: '三日内清出稀释剂，设独立危化品库，配通风与消防器材', note: '责令限期整改' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, 'ordered');
  assert.equal(r.json.ordered_by, 'fengqiao.handler');
  assert.ok(r.json.days_left >= 9, `ten working days: ${r.json.days_left}`);
  assert.equal(r.json.can_order, true);

  // re-inspection: never by who reported it; fail keeps it open with a reason
  const re = (who, body) => u[who].post(`/api/v1/safety/hazards/${major.id}/reinspect`, body);
  r = await re('fengyuan.grid', { result: 'pass' });
  assert.equal(r.status, 403, r.text);
  assert.equal(r.json.error.code, 'same_person');
  r = await re('fengqiao.handler', { result: 'fail' });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.field, 'note');
  r = await re('fengqiao.handler', { result: 'maybe' });
  assert.equal(r.status, 400);
  r = await re('fengqiao.handler', { result: 'fail', note: '危化品仍未清出' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, 'ordered');
  r = await re('fengqiao.handler', { result: 'pass', note: '已设独立库房' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, 'closed');
  assert.equal(r.json.closed_by, 'fengqiao.handler');
  assert.deepEqual(r.json.steps.map((s) => s.action),
    ['found', 'order', 'reinspect_fail', 'reinspect_pass']);
  r = await re('fengqiao.handler', { result: 'pass' });
  assert.equal(r.status, 409);
  // outside the village: 404
  assert.equal((await u['leshan.mediator'].get(`/api/v1/safety/hazards/${major.id}`)).status, 404);
  assert.equal((await re('leshan.mediator', { result: 'pass' })).status, 404);
  // nor another grid's worker, on the board either
  assert.equal((await u['fengyuan.grid2'].get(`/api/v1/safety/hazards/${major.id}`)).status, 404);
  assert.ok(!(await u['fengyuan.grid2'].get('/api/v1/safety/hazards')).json.items.some((x) => x.id === major.id));
  assert.ok((await u['zhuji.safety'].get('/api/v1/safety/hazards')).json.items.some((x) => x.id === major.id));
  const audits = sql(`SELECT action FROM audit_log WHERE entity = 'safety_hazard' AND entity_id = '${major.id}' ORDER BY id`);
  assert.deepEqual(audits.split('\n'), ['safety.hazard.found', 'safety.hazard.order',
    'safety.hazard.reinspect', 'safety.hazard.reinspect']);
});

test('records are kept three years: deletion refused before (安全生产法 art. 41)', async () => {
  const ent = (await enterprise()).json;
  const r = await inspect(ent.id, [
    { title: '灭火器过期', grade: 'general', fixed_on_spot: true, item: 'fire' },
    { title: '疏散通道堆放杂物', grade: 'general', item: 'exits' },
  ]);
  assert.equal(r.status, 201, r.text);
  const [open, closed] = r.json.hazards;
  assert.equal(open.status, 'reported');
  const del = (who, id) => u[who].req('DELETE', `/api/v1/safety/hazards/${id}`);
  let x = await del('admin', closed.id);
  assert.equal(x.status, 409, x.text);
  assert.equal(x.json.error.code, 'retention_period');
  x = await del('admin', open.id);
  assert.equal(x.status, 409, 'an open hazard is never deleted');
  x = await del('fengqiao.handler', closed.id);
  assert.equal(x.status, 403);
  // a general hazard is re-inspected without an order, and closed by it
  x = await u['fengqiao.handler'].post(`/api/v1/safety/hazards/${open.id}/reinspect`, { result: 'pass' });
  assert.equal(x.status, 200, x.text);
  assert.equal(x.json.status, 'closed');
  assert.equal((await del('admin', open.id)).status, 409, 'closed today: kept three years');
  // a day short of three years: still kept; past them: deleted, and audited
  const now = Math.floor(Date.now() / 1000);
  sql(`UPDATE safety_hazards SET closed_at = ${now - 3 * 365 * 86400 + 86400} WHERE id = ${closed.id}`);
  assert.equal((await del('admin', closed.id)).status, 409);
  sql(`UPDATE safety_hazards SET closed_at = ${now - 3 * 366 * 86400} WHERE id = ${closed.id}`);
  x = await del('admin', closed.id);
  assert.equal(x.status, 204, x.text);
  assert.equal((await u.admin.get(`/api/v1/safety/hazards/${closed.id}`)).status, 404);
  assert.equal(sql(`SELECT count(*) FROM audit_log WHERE action = 'safety.hazard.delete' AND entity_id = '${closed.id}'`), '1');
});

test('an overdue major hazard goes to the county on the clock tick, with a notice', async () => {
  const ent = (await enterprise()).json;
  const r = await inspect(ent.id, [MAJOR, { title: '安全出口上锁', grade: 'general', item: 'exits' }]);
  assert.equal(r.status, 201, r.text);
  const [general, major] = r.json.hazards;
  assert.equal((await u['fengqiao.handler'].post(`/api/v1/safety/hazards/${major.id}/order`,
    { deadline_days: 5, plan: '停用二号仓库，限期整改' })).status, 200);
  const past = Math.floor(Date.now() / 1000) - 3600;
  sql(`UPDATE safety_hazards SET deadline = ${past} WHERE id IN (${major.id}, ${general.id})`);
  let h;
  for (let i = 0; i < 100; i++) {
    h = (await u['fengqiao.handler'].get(`/api/v1/safety/hazards/${major.id}`)).json;
    if (h.escalated_to) break;
    await new Promise((res) => setTimeout(res, 100));
  }
  assert.equal(h.escalated_to, '330681');
  assert.equal(h.overdue, true);
  assert.ok(h.steps.some((s) => s.action === 'escalate' && s.actor === 'system'));
  const g = (await u['fengqiao.handler'].get(`/api/v1/safety/hazards/${general.id}`)).json;
  assert.equal(g.overdue, true);
  assert.equal(g.escalated_to, null, 'a general hazard stays with the township');
  const notices = await u['zhuji.safety'].get('/api/v1/safety/notices');
  assert.ok(notices.json.items.some((n) => n.hazard_id === major.id && n.kind === 'escalated'));
  assert.ok(!(await u['fengqiao.handler'].get('/api/v1/safety/notices')).json.items.length);
  // the board marks what is overdue
  const board = await u['zhuji.safety'].get('/api/v1/safety/hazards?open=1');
  assert.equal(board.status, 200);
  assert.ok(board.json.overdue >= 2);
  assert.ok(board.json.items.every((x) => x.status !== 'closed'));
  // once only; the on-demand run is an admin's
  const run = await u.admin.post('/api/v1/safety/escalations');
  assert.equal(run.status, 200, run.text);
  assert.equal(sql(`SELECT count(*) FROM safety_hazard_steps WHERE hazard_id = ${major.id} AND action = 'escalate'`), '1');
  assert.equal((await u['fengyuan.grid'].post('/api/v1/safety/escalations')).status, 403);
});

test('a hazard reported on a grid patrol arrives at production safety', async () => {
  const gid = sql(`SELECT id FROM grids WHERE code = '${GRID1}'`);
  const ev = await u['fengyuan.grid'].post('/api/v1/events', {
    category: 'safety_hazard', title: '作坊门口液化气瓶露天堆放',
    description: '巡查发现十余个液化气瓶堆放在路边，无遮挡。', grid_id: Number(gid),
  });
  assert.equal(ev.status, 201, ev.text);
  const r = await u['fengqiao.handler'].get(`/api/v1/safety/hazards?event_id=${ev.json.id}`);
  assert.equal(r.status, 200);
  assert.equal(r.json.items.length, 1);
  const h = r.json.items[0];
  assert.equal(h.region, VILLAGE);
  assert.equal(h.grid, GRID1);
  assert.equal(h.grade, 'general');
  assert.equal(h.status, 'reported');
  assert.equal(h.found_by, 'fengyuan.grid');
  assert.ok(h.deadline);
  // the township grades it major by its order
  const o = await u['fengqiao.handler'].post(`/api/v1/safety/hazards/${h.id}/order`,
    { grade: 'major', stop: 'full', plan: '立即清走气瓶，停业整顿', deadline: '2099-12-31' });
  assert.equal(o.status, 200, o.text);
  assert.equal(o.json.grade, 'major');
  // a matter that is no hazard makes none
  const other = await u['fengyuan.grid'].post('/api/v1/events', {
    category: 'livelihood', title: '路灯不亮', description: '村口路灯不亮', grid_id: Number(gid),
  });
  assert.equal(other.status, 201, other.text);
  assert.equal((await u.admin.get(`/api/v1/safety/hazards?event_id=${other.json.id}`)).json.items.length, 0);
});

test('the checklist template is configurable by an admin', async () => {
  const body = {
    name: '袜业作坊专项检查表',
    items: [{ key: 'dust', zh: '粉尘清扫', en: 'Dust cleared' }, { key: 'exits', zh: '疏散通道', en: 'Exits' }],
  };
  let r = await u['fengqiao.handler'].post('/api/v1/safety/checklists', body);
  assert.equal(r.status, 403);
  r = await u.admin.post('/api/v1/safety/checklists', { ...body, items: [{ key: 'Bad Key', zh: 'x', en: 'y' }] });
  assert.equal(r.status, 400);
  r = await u.admin.post('/api/v1/safety/checklists', { ...body, items: [body.items[0], body.items[0]] });
  assert.equal(r.status, 400);
  r = await u.admin.post('/api/v1/safety/checklists', body);
  assert.equal(r.status, 201, r.text);
  const cid = r.json.id;
  const lists = (await u['fengyuan.grid'].get('/api/v1/safety/checklists')).json.items;
  assert.deepEqual(lists.find((c) => c.id === cid).items.map((i) => i.key), ['dust', 'exits']);
  const ent = (await enterprise()).json;
  r = await u['fengyuan.grid'].post('/api/v1/safety/inspections', {
    enterprise_id: ent.id, checklist_id: cid,
    results: [{ key: 'dust', result: 'na' }, { key: 'exits', result: 'pass', note: '畅通' }],
  });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.checklist_id, cid);
  assert.equal(r.json.hazards.length, 0);
  assert.equal((await u['fengyuan.grid'].post('/api/v1/safety/inspections',
    { enterprise_id: ent.id, checklist_id: 9999, results: [] })).status, 400);
  assert.equal((await u['leshan.mediator'].get(`/api/v1/safety/inspections/${r.json.id}`)).status, 404);
  // an enterprise of no grid: its hazards have none either, and a grid worker of grid 02 sees them
  const free = (await enterprise('fengyuan.grid', { grid: null })).json;
  r = await u['fengyuan.grid'].post('/api/v1/safety/inspections', {
    enterprise_id: free.id, checklist_id: cid,
    results: [{ key: 'dust', result: 'fail' }, { key: 'exits', result: 'pass' }],
    hazards: [{ title: '粉尘积聚', grade: 'general', item: 'dust' }],
  });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.hazards[0].grid, null);
  assert.equal((await u['fengyuan.grid2'].get(`/api/v1/safety/hazards/${r.json.hazards[0].id}`)).status, 200);
});

test('the configuration: retention under three years is refused', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fq-safety-'));
  for (const [cfg, key] of [
    [{ safety: { retention_years: 2 } }, 'safety.retention_years'],
    [{ safety: { major_days: 5 } }, 'safety.major_days'],
  ]) {
    const file = path.join(dir, 'c.json');
    fs.writeFileSync(file, JSON.stringify(cfg));
    let err = null;
    try {
      const s = await startServer({ cases: false, args: ['--config', file] });
      await s.stop();
    } catch (e) { err = e; }
    assert.ok(err, `refused: ${JSON.stringify(cfg)}`);
    assert.match(String(err.message), new RegExp(key.replace('.', '\\.')));
  }
  fs.rmSync(dir, { recursive: true, force: true });
});
