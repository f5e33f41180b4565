// grid-event.test.js - grid events (网格事件) and the township's four
// platforms (四平台), issue 15: every step of the flow (report → dispatch by
// the command room → handle → return → check by the grid worker → close, and
// send back), the refusals of the wrong role and the wrong state, scope (the
// reporter, the grid's staff, the staff whose region covers the village),
// deadlines on the working calendar per platform, a dispute made a case, a
// hazard routed to 综合执法, photos, the figures, and bad input (4xx).
// Runs on SQLite, and PostgreSQL when FQ_TEST_PG is set.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const { startServer, Client } = require('../lib/server');
const { makePng } = require('../lib/png');

const VILLAGE = '330681109290'; // 枫源村
const OTHER_VILLAGE = '330681109291'; // 乐山村
let srv;
const u = {};
const NAMES = ['fengyuan.grid', 'fengqiao.handler', 'fengqiao.clerk', 'fengyuan.mediator',
  'leshan.mediator', 'shangyu.mediator', 'zhuji.analyst', 'admin'];
test.before(async () => {
  srv = await startServer({ cases: false });
  for (const n of NAMES) {
    u[n] = new Client(srv.base);
    await u[n].login(n);
  }
});
test.after(async () => { await srv.stop(); });

function sql(q) {
  return (process.env.FQ_TEST_PG
    ? execFileSync('psql', [srv.db, '-tAc', q], { encoding: 'utf8' })
    : execFileSync('sqlite3', ['-cmd', '.timeout 5000', srv.db, q], { encoding: 'utf8' })).trim();
}

let seq = 0;
async function report(body = {}, who = 'fengyuan.grid') {
  seq++;
  const r = await u[who].post('/api/v1/events', {
    category: 'livelihood', title: `路灯损坏${seq}`, description: '村口三盏路灯不亮，老人夜间出行不便。',
    region: VILLAGE, lat: 29.62, lon: 120.36, ...body,
  });
  return r;
}
async function reported(body, who) {
  const r = await report(body, who);
  assert.equal(r.status, 201, r.text);
  return r.json;
}
const act = (who, id, body) => u[who].post(`/api/v1/events/${id}/actions`, body);
async function step(who, id, body, status) {
  const r = await act(who, id, body);
  assert.equal(r.status, 200, `${who} ${body.action}: ${r.text}`);
  assert.equal(r.json.status, status);
  return r.json;
}
const ids = (r) => r.json.items.map((e) => e.id);

test('the configured categories and platforms are listed, with their source defaults', async () => {
  const r = await u['fengyuan.grid'].get('/api/v1/events/categories');
  assert.equal(r.status, 200, r.text);
  const codes = r.json.categories.map((c) => c.code);
  assert.deepEqual(codes, ['livelihood', 'public_order', 'market', 'enforcement', 'safety_hazard', 'dispute', 'other']);
  assert.equal(r.json.categories.find((c) => c.code === 'safety_hazard').kind, 'hazard');
  assert.equal(r.json.categories.find((c) => c.code === 'dispute').kind, 'dispute');
  assert.deepEqual(r.json.platforms.map((p) => p.code), ['governance', 'market', 'enforcement', 'service', 'department']);
  assert.ok(r.json.platforms.every((p) => p.workdays > 0));
});

test('every step: the worker reports, the township dispatches, a department handles and returns, the worker checks and closes', async () => {
  const e = await reported();
  assert.equal(e.status, 'reported');
  assert.equal(e.reporter, 'fengyuan.grid');
  // people and places by their names, not their keys
  assert.equal(e.reporter_name, '刘志强（枫源村网格员）');
  assert.match(e.region_name, /枫源/);
  assert.equal(e.kind, 'matter');
  assert.equal(e.deadline, null);
  assert.deepEqual(e.allowed_actions, []);
  assert.equal(e.steps.length, 1);

  // the command room's queue holds it, and only reported events
  const cq = await u['fengqiao.handler'].get('/api/v1/events?queue=command');
  assert.equal(cq.status, 200, cq.text);
  assert.ok(ids(cq).includes(e.id));
  assert.ok(cq.json.items.every((x) => x.status === 'reported'));
  const one = await u['fengqiao.handler'].get(`/api/v1/events/${e.id}`);
  assert.ok(one.json.allowed_actions.includes('dispatch'));

  const d = await step('fengqiao.handler', e.id, { action: 'dispatch', platform: 'department', department: '镇城建办', note: '请城建办处理' }, 'dispatched');
  assert.equal(d.platform, 'department');
  assert.equal(d.department, '镇城建办');
  assert.match(d.deadline, /T15:59:59Z$/); // the end of a Beijing day
  assert.equal(d.deadline_days, 'working');
  assert.ok(d.days_left >= 0);

  // the platform's queue
  const pq = await u['fengqiao.clerk'].get('/api/v1/events?queue=platform&platform=department');
  assert.ok(ids(pq).includes(e.id));
  const other = await u['fengqiao.clerk'].get('/api/v1/events?queue=platform&platform=market');
  assert.ok(!ids(other).includes(e.id));

  await step('fengqiao.clerk', e.id, { action: 'handle', note: '已派电工' }, 'handled');
  await step('fengqiao.clerk', e.id, { action: 'return', note: '三盏路灯已更换' }, 'returned');

  const wq = await u['fengyuan.grid'].get('/api/v1/events?queue=check');
  assert.ok(ids(wq).includes(e.id));
  const c = await step('fengyuan.grid', e.id, { action: 'check', note: '现场核查：路灯已亮' }, 'checked');
  assert.deepEqual(c.allowed_actions, ['close', 'send_back']);
  const closed = await step('fengyuan.grid', e.id, { action: 'close' }, 'closed');
  assert.equal(closed.on_time, true);
  assert.ok(closed.closed_at);
  assert.deepEqual(closed.steps.map((s) => s.action), ['report', 'dispatch', 'handle', 'return', 'check', 'close']);
  assert.deepEqual(closed.steps.map((s) => s.actor),
    ['fengyuan.grid', 'fengqiao.handler', 'fengqiao.clerk', 'fengqiao.clerk', 'fengyuan.grid', 'fengyuan.grid']);
  assert.equal(closed.steps[1].platform, 'department');
  assert.equal(closed.steps[1].actor_name, '王建国（枫桥镇矛调中心）');
  assert.equal(closed.steps[3].note, '三盏路灯已更换');
  // every step is in the audit chain
  assert.equal(Number(sql(`SELECT count(*) FROM audit_log WHERE entity = 'grid_event' AND entity_id = '${e.id}'`)), 6);
  // and nothing more may happen
  const again = await act('fengqiao.handler', e.id, { action: 'dispatch', platform: 'market' });
  assert.equal(again.status, 409);
  assert.equal(again.json.error.code, 'invalid_transition');
});

test('the wrong role is refused each step (403), the wrong state first (409)', async () => {
  const e = await reported();
  for (const [who, body] of [
    ['fengyuan.grid', { action: 'dispatch', platform: 'market' }], // a worker is not the command room
    ['fengyuan.mediator', { action: 'dispatch', platform: 'market' }], // sees it, plays no part
    ['zhuji.analyst', { action: 'dispatch', platform: 'market' }],
  ]) {
    const r = await act(who, e.id, body);
    assert.equal(r.status, 403, `${who}: ${r.text}`);
    assert.equal(r.json.error.code, 'forbidden');
  }
  // a handler of the village is a platform's staff, not the command room
  sql(`INSERT INTO user_roles(user_id, role, region) SELECT id, 'handler', '${VILLAGE}' FROM users WHERE username = 'fengyuan.mediator'`);
  const vm = new Client(srv.base);
  await vm.login('fengyuan.mediator');
  const r0 = await act('fengyuan.grid', e.id, { action: 'close' });
  assert.equal(r0.status, 409);
  assert.equal(r0.json.error.code, 'invalid_transition');
  const r1 = await vm.post(`/api/v1/events/${e.id}/actions`, { action: 'dispatch', platform: 'market' });
  assert.equal(r1.status, 403, r1.text);

  await step('fengqiao.handler', e.id, { action: 'dispatch', platform: 'market' }, 'dispatched');
  const r2 = await act('fengyuan.grid', e.id, { action: 'handle' });
  assert.equal(r2.status, 403);
  await step('fengqiao.clerk', e.id, { action: 'handle' }, 'handled');
  const noNote = await act('fengqiao.clerk', e.id, { action: 'return' });
  assert.equal(noNote.status, 400);
  assert.equal(noNote.json.error.field, 'note');
  await step('fengqiao.clerk', e.id, { action: 'return', note: '已责令整改' }, 'returned');
  // the platform may not check its own work
  const r3 = await act('fengqiao.clerk', e.id, { action: 'check' });
  assert.equal(r3.status, 403);
  const r4 = await act('fengqiao.handler', e.id, { action: 'check' });
  assert.equal(r4.status, 403);
  const unknown = await act('fengyuan.grid', e.id, { action: 'delete' });
  assert.equal(unknown.status, 400);
  assert.equal(unknown.json.error.code, 'unknown_action');
});

test('send back: from returned or checked to dispatched again, with a reason; the deadline does not restart', async () => {
  const e = await reported({ category: 'market', title: '无证经营流动摊贩' });
  const d = await step('fengqiao.handler', e.id, { action: 'dispatch', platform: 'market' }, 'dispatched');
  await step('fengqiao.clerk', e.id, { action: 'handle' }, 'handled');
  await step('fengqiao.clerk', e.id, { action: 'return', note: '已劝离' }, 'returned');
  const noWhy = await act('fengyuan.grid', e.id, { action: 'send_back' });
  assert.equal(noWhy.status, 400);
  const b = await step('fengyuan.grid', e.id, { action: 'send_back', note: '摊贩第二天又回来了' }, 'dispatched');
  assert.equal(b.deadline, d.deadline);
  assert.equal(b.platform, 'market');
  await step('fengqiao.clerk', e.id, { action: 'handle' }, 'handled');
  await step('fengqiao.clerk', e.id, { action: 'return', note: '已取缔' }, 'returned');
  await step('fengyuan.grid', e.id, { action: 'check' }, 'checked');
  // the command room may send a checked event back too
  await step('fengqiao.handler', e.id, { action: 'send_back', note: '需复查' }, 'dispatched');
});

test('deadlines: the platform\'s configured working days from dispatch; late closes count as late', async () => {
  const base = await reported();
  const a = await step('fengqiao.handler', base.id, { action: 'dispatch', platform: 'service' }, 'dispatched');
  sql("UPDATE grid_event_platforms SET workdays = 20 WHERE code = 'service'");
  const e = await reported();
  const b = await step('fengqiao.handler', e.id, { action: 'dispatch', platform: 'service' }, 'dispatched');
  sql("UPDATE grid_event_platforms SET workdays = 3 WHERE code = 'service'");
  // 17 more working days are at least 3 weeks of the calendar later
  assert.ok(Date.parse(b.deadline) - Date.parse(a.deadline) >= 21 * 86400e3, `${a.deadline} ${b.deadline}`);
  assert.ok(b.days_left >= 20 && b.days_left <= 21, String(b.days_left));

  // overdue: a deadline in the past shows, and a close after it is late
  sql(`UPDATE grid_events SET deadline = created_at - 86400 WHERE id = ${e.id}`);
  const late = await u['fengqiao.handler'].get(`/api/v1/events/${e.id}`);
  assert.equal(late.json.overdue, true);
  assert.ok(late.json.days_left < 0);
  await step('fengqiao.clerk', e.id, { action: 'handle' }, 'handled');
  await step('fengqiao.clerk', e.id, { action: 'return', note: '已修好' }, 'returned');
  await step('fengyuan.grid', e.id, { action: 'check' }, 'checked');
  const c = await step('fengyuan.grid', e.id, { action: 'close' }, 'closed');
  assert.equal(c.on_time, false);
});

test('a dispute becomes a case of the existing life cycle (channel grid_patrol), linked to the event', async () => {
  const e = await reported({
    category: 'dispute', title: '邻里排水沟纠纷', description: '两户因排水沟堵塞争吵，需调解。',
    case_category: 'neighbour', parties: [{ role: 'applicant', name: '骆建华', phone: '13900020001' }],
  });
  assert.equal(e.kind, 'dispute');
  assert.equal(e.status, 'case');
  assert.ok(e.case_id > 0);
  assert.deepEqual(e.allowed_actions, []);
  const c = await u['fengqiao.handler'].get(`/api/cases/${e.case_id}`);
  assert.equal(c.status, 200, c.text);
  assert.equal(c.json.channel, 'grid_patrol');
  assert.equal(c.json.category, 'neighbour');
  assert.equal(c.json.region, VILLAGE);
  assert.equal(c.json.title, '邻里排水沟纠纷');
  // a bad case category names its own field, and makes neither case nor event
  const before = Number(sql('SELECT count(*) FROM cases'));
  const bad = await report({ category: 'dispute', case_category: 'nonsense' });
  assert.equal(bad.status, 400);
  assert.equal(bad.json.error.field, 'case_category');
  assert.equal(Number(sql('SELECT count(*) FROM cases')), before);
});

test('a hazard is a safety item routed to 综合执法 at once, with its deadline', async () => {
  const e = await reported({ category: 'safety_hazard', title: '民房燃气管道老化', description: '燃气管道锈蚀，存在泄漏隐患。' });
  assert.equal(e.kind, 'hazard');
  assert.equal(e.status, 'dispatched');
  assert.equal(e.platform, 'enforcement');
  assert.ok(e.deadline);
  assert.deepEqual(e.steps.map((s) => [s.action, s.actor]), [['report', 'fengyuan.grid'], ['dispatch', 'system']]);
  const q = await u['fengqiao.clerk'].get('/api/v1/events?queue=platform&platform=enforcement&kind=hazard');
  assert.ok(ids(q).includes(e.id));
});

test('scope: the reporter, the grid\'s staff and the staff over the village see an event; others get 404', async () => {
  const e = await reported();
  for (const who of ['fengyuan.grid', 'fengqiao.handler', 'fengyuan.mediator', 'zhuji.analyst', 'admin']) {
    const r = await u[who].get(`/api/v1/events/${e.id}`);
    assert.equal(r.status, 200, who);
  }
  for (const who of ['shangyu.mediator', 'leshan.mediator']) {
    const r = await u[who].get(`/api/v1/events/${e.id}`);
    assert.equal(r.status, 404, who);
    assert.ok(!ids(await u[who].get('/api/v1/events')).includes(e.id));
    const a = await act(who, e.id, { action: 'dispatch', platform: 'market' });
    assert.equal(a.status, 404, who);
  }
  // a grid in 枫源村 whose staff includes 乐山村's mediator
  sql(`INSERT INTO grids(region, code, name) VALUES ('${VILLAGE}', 'FY-EV-01', '枫源村第一网格')`);
  const gid = Number(sql("SELECT id FROM grids WHERE code = 'FY-EV-01'"));
  sql(`INSERT INTO grid_staff(grid_id, user_id, duty) SELECT ${gid}, id, 'part_time' FROM users WHERE username = 'leshan.mediator'`);
  const g = await reported({ grid_id: gid, region: undefined });
  assert.equal(g.grid_id, gid);
  assert.equal(g.grid_code, 'FY-EV-01');
  assert.equal(g.region, VILLAGE);
  const seen = await u['leshan.mediator'].get(`/api/v1/events/${g.id}`);
  assert.equal(seen.status, 200, seen.text);
  assert.deepEqual(seen.json.parts, ['worker']);
  assert.ok(ids(await u['leshan.mediator'].get(`/api/v1/events?grid_id=${gid}`)).includes(g.id));
  // the event without the grid stays out of sight
  assert.equal((await u['leshan.mediator'].get(`/api/v1/events/${e.id}`)).status, 404);
  // as the grid's staff they check and close it
  await step('fengqiao.handler', g.id, { action: 'dispatch', platform: 'governance' }, 'dispatched');
  await step('fengqiao.clerk', g.id, { action: 'handle' }, 'handled');
  await step('fengqiao.clerk', g.id, { action: 'return', note: '已处理' }, 'returned');
  await step('leshan.mediator', g.id, { action: 'check' }, 'checked');
  await step('leshan.mediator', g.id, { action: 'close' }, 'closed');
  // a grid worker who serves grids sees the events of those grids and of
  // none, not another grid's of the same village (as for cases)
  const other = await reported({ grid_id: gid, region: undefined }, 'fengqiao.handler');
  assert.equal((await u['fengyuan.grid'].get(`/api/v1/events/${other.id}`)).status, 404);
  assert.ok(!ids(await u['fengyuan.grid'].get('/api/v1/events?limit=200')).includes(other.id));
  assert.equal((await u['fengyuan.grid'].get(`/api/v1/events/${e.id}`)).status, 200); // no grid
  assert.equal((await u['fengqiao.handler'].get(`/api/v1/events/${other.id}`)).status, 200);
  // an instructor (网格指导员) sees the grid's events but is no grid worker
  // there, and whoever returned the result may not check it themselves
  sql(`INSERT INTO grid_staff(grid_id, user_id, duty) SELECT ${gid}, id, 'instructor' FROM users WHERE username = 'fengqiao.clerk'`);
  const own = await reported({ grid_id: gid, region: undefined }, 'leshan.mediator');
  assert.deepEqual((await u['fengqiao.clerk'].get(`/api/v1/events/${own.id}`)).json.parts, ['command', 'platform']);
  sql(`INSERT INTO grid_staff(grid_id, user_id, duty) SELECT ${gid}, id, 'part_time' FROM users WHERE username = 'fengqiao.clerk'`);
  await step('fengqiao.handler', own.id, { action: 'dispatch', platform: 'service' }, 'dispatched');
  await step('fengqiao.clerk', own.id, { action: 'handle' }, 'handled');
  await step('fengqiao.clerk', own.id, { action: 'return', note: '已办' }, 'returned');
  const self = await act('fengqiao.clerk', own.id, { action: 'check' });
  assert.equal(self.status, 403, self.text);
  assert.equal(self.json.error.code, 'same_person');
  await step('leshan.mediator', own.id, { action: 'check' }, 'checked');
  // reporting: only where one works
  const out = await report({}, 'shangyu.mediator');
  assert.equal(out.status, 403);
  assert.equal(out.json.error.code, 'out_of_scope');
  // a grid of another village than the region given
  const mismatch = await report({ grid_id: gid, region: OTHER_VILLAGE });
  assert.equal(mismatch.status, 400);
  assert.equal(mismatch.json.error.field, 'region');
});

test('point in polygon: a report with coordinates and no grid gets the grid whose boundary holds it', async () => {
  // inside 枫源村第一网格 of the demo (box 120.38-120.40, 29.64-29.66)
  const e = await reported({ lat: 29.655, lon: 120.395 });
  assert.equal(e.grid_code, '330681109290-01');
  const noRegion = await reported({ lat: 29.655, lon: 120.395, region: undefined });
  assert.equal(noRegion.grid_code, '330681109290-01');
  assert.equal(noRegion.region, VILLAGE);
  // a point in no grid keeps the village and no grid; without a village it is refused
  const none = await reported({ lat: 10, lon: 10 });
  assert.equal(none.grid_id, null);
  const lost = await report({ lat: 10, lon: 10, region: undefined });
  assert.equal(lost.status, 400);
  assert.equal(lost.json.error.field, 'region');
});

test('bad input is a 4xx naming the field', async () => {
  const cases = [
    [{ title: undefined }, 'title', 'required'],
    [{ title: 'x'.repeat(201) }, 'title', 'too_long'],
    [{ description: '长'.repeat(2001) }, 'description', 'too_long'],
    [{ category: 'nonsense' }, 'category', 'unknown_value'],
    [{ category: undefined }, 'category', 'required'],
    [{ region: '3306' }, 'region', 'invalid_region'],
    [{ region: '330681109999' }, 'region', 'unknown_region'],
    [{ region: undefined }, 'region', 'required'],
    [{ lon: undefined }, 'lon', 'required'],
    [{ lat: 95 }, 'lat', 'out_of_range'],
    [{ lat: 'north' }, 'lat', 'invalid_type'],
    [{ grid_id: 999999 }, 'grid_id', 'unknown_value'],
    [{ grid_id: -1 }, 'grid_id', 'invalid_type'],
  ];
  for (const [body, field, code] of cases) {
    const r = await report(body);
    assert.equal(r.status, 400, `${JSON.stringify(body).slice(0, 60)}: ${r.text}`);
    assert.equal(r.json.error.field, field, JSON.stringify(body).slice(0, 60));
    assert.equal(r.json.error.code, code, JSON.stringify(body).slice(0, 60));
  }
  const e = await reported();
  for (const [body, field] of [
    [{ action: 'dispatch' }, 'platform'],
    [{ action: 'dispatch', platform: 'moon' }, 'platform'],
    [{ action: 'dispatch', platform: 'department' }, 'department'],
    [{ action: 'dispatch', platform: 'market', note: 'n'.repeat(1001) }, 'note'],
    [{}, 'action'],
  ]) {
    const r = await act('fengqiao.handler', e.id, body);
    assert.equal(r.status, 400, r.text);
    assert.equal(r.json.error.field, field);
  }
  const q = await u['fengqiao.handler'].get('/api/v1/events?queue=everything');
  assert.equal(q.status, 400);
  assert.equal(q.json.error.field, 'queue');
  assert.equal((await u['fengqiao.handler'].get('/api/v1/events?status=lost')).status, 400);
  assert.equal((await u['fengqiao.handler'].get('/api/v1/events?limit=100000')).status, 400);
  const notJson = await u['fengyuan.grid'].post('/api/v1/events', 'title=x', { 'content-type': 'application/x-www-form-urlencoded' });
  assert.equal(notJson.status, 415);
  assert.equal((await u['fengqiao.handler'].get('/api/v1/events/999999')).status, 404);
  assert.equal((await new Client(srv.base).get('/api/v1/events')).status, 401);
});

test('photos: a checked photo on the event, its bytes served back; out of scope 404', async () => {
  const e = await reported();
  const png = makePng(640, 480);
  const up = (who, bytes, name) => fetch(`${srv.base}/api/v1/events/${e.id}/photos?name=${encodeURIComponent(name)}`, {
    method: 'POST', body: bytes,
    headers: { cookie: u[who].cookie, 'x-csrf-token': u[who].csrf, 'content-type': 'application/octet-stream' },
  });
  const r = await up('fengyuan.grid', png, '现场.png');
  assert.equal(r.status, 201);
  const p = await r.json();
  assert.equal(p.mime, 'image/png');
  assert.equal(p.thumbnail, true);
  const html = await up('fengyuan.grid', Buffer.from('<html><script>alert(1)</script></html>'), 'x.jpg');
  assert.equal(html.status, 415);
  assert.equal((await up('shangyu.mediator', png, 'x.png')).status, 404);
  const got = await u['fengqiao.handler'].get(`/api/v1/events/${e.id}`);
  assert.equal(got.json.photos.length, 1);
  const file = await fetch(srv.base + got.json.photos[0].href, { headers: { cookie: u['fengqiao.handler'].cookie } });
  assert.equal(file.status, 200);
  assert.equal(Buffer.from(await file.arrayBuffer()).length, png.length);
  const hidden = await fetch(srv.base + got.json.photos[0].href, { headers: { cookie: u['shangyu.mediator'].cookie } });
  assert.equal(hidden.status, 404);
});

test('figures: reported, closed, closed on time, by grid and by platform, within the caller\'s scope', async () => {
  const r = await u['fengqiao.handler'].get('/api/v1/events/stats');
  assert.equal(r.status, 200, r.text);
  const s = r.json;
  const total = Number(sql('SELECT count(*) FROM grid_events'));
  assert.equal(s.reported, total);
  assert.equal(s.closed, Number(sql("SELECT count(*) FROM grid_events WHERE status = 'closed'")));
  assert.ok(s.on_time < s.closed, JSON.stringify(s)); // one was closed late above
  assert.ok(s.to_case >= 1);
  assert.equal(s.by_platform.reduce((n, p) => n + p.reported, 0), total);
  assert.ok(s.by_grid.some((g) => g.code === 'FY-EV-01' && g.closed === 1 && g.on_time === 1));
  assert.ok(s.on_time_rate > 0 && s.on_time_rate < 1);
  // under one region
  assert.equal((await u['fengqiao.handler'].get(`/api/v1/events/stats?region=${VILLAGE}`)).json.reported, total);
  assert.equal((await u['fengqiao.handler'].get(`/api/v1/events/stats?region=${OTHER_VILLAGE}`)).json.reported, 0);
  assert.equal((await u['fengqiao.handler'].get('/api/v1/events/stats?region=33x')).status, 400);
  const none = await u['shangyu.mediator'].get('/api/v1/events/stats');
  assert.equal(none.json.reported, 0);
  assert.equal((await u['fengqiao.handler'].get('/api/v1/events/stats?from=yesterday')).status, 400);
});

test('an administrator configures the categories and the platforms\' working days; nobody else may', async () => {
  const put = (who, p, body) => u[who].req('PUT', p, body);
  const cat = { name_zh: '流浪犬', name_en: 'Stray dogs', kind: 'matter', platform: 'enforcement', position: 8 };
  const r = await put('admin', '/api/v1/events/categories/stray_dogs', cat);
  assert.equal(r.status, 200, r.text);
  assert.ok(r.json.categories.some((c) => c.code === 'stray_dogs' && c.platform === 'enforcement'));
  const e = await reported({ category: 'stray_dogs', title: '流浪犬伤人隐患' });
  assert.equal(e.kind, 'matter');
  // retired: no longer offered nor taken; the events keep their code
  assert.equal((await put('admin', '/api/v1/events/categories/stray_dogs', { ...cat, active: false })).status, 200);
  const list = await u['fengyuan.grid'].get('/api/v1/events/categories');
  assert.ok(!list.json.categories.some((c) => c.code === 'stray_dogs'));
  const refused = await report({ category: 'stray_dogs' });
  assert.equal(refused.status, 400);
  assert.equal(refused.json.error.field, 'category');
  assert.equal((await u['fengqiao.handler'].get(`/api/v1/events/${e.id}`)).json.category, 'stray_dogs');
  // not for the township, and checked
  const no = await put('fengqiao.handler', '/api/v1/events/categories/stray_dogs', cat);
  assert.equal(no.status, 403);
  for (const [p, body, field] of [
    ['/api/v1/events/categories/Bad-Code', cat, 'code'],
    ['/api/v1/events/categories/x', { ...cat, kind: 'rumour' }, 'kind'],
    ['/api/v1/events/categories/x', { ...cat, platform: 'moon' }, 'platform'],
    ['/api/v1/events/categories/x', { ...cat, name_zh: '' }, 'name_zh'],
    ['/api/v1/events/platforms/market', { workdays: 61 }, 'workdays'],
    ['/api/v1/events/platforms/market', {}, 'workdays'],
  ]) {
    const b = await put('admin', p, body);
    assert.equal(b.status, 400, `${p} ${b.text}`);
    assert.equal(b.json.error.field, field);
  }
  assert.equal((await put('admin', '/api/v1/events/platforms/moon', { workdays: 3 })).status, 404);
  assert.equal((await put('fengqiao.handler', '/api/v1/events/platforms/market', { workdays: 1 })).status, 403);
  const d = await put('admin', '/api/v1/events/platforms/market', { workdays: 10 });
  assert.equal(d.status, 200, d.text);
  assert.equal(d.json.platforms.find((p) => p.code === 'market').workdays, 10);
  assert.equal(Number(sql("SELECT count(*) FROM audit_log WHERE action IN ('event.category_put', 'event.platform_set')")), 3);
  await put('admin', '/api/v1/events/platforms/market', { workdays: 5 });
});
