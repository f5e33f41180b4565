// patrol.test.js - patrols (巡查走访, issue 15): a patrol logged in one go
// as the phone sends it, its route seen only by the worker, the grid head
// and the township (others get the patrol without it, outside the grid
// nothing), norms per grid and who is behind, coverage per grid, the
// thinning of old routes to the visited points (on demand and by the
// server's own scan), and the caps and bad input answered 4xx.
// Runs on SQLite, and PostgreSQL when FQ_TEST_PG is set.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer, Client } = require('../lib/server');
const { LS, GA, GB, sql, seedGrids, iso, now, patrol } = require('../lib/patrol');

const bjDate = (t) => new Date((t + 8 * 3600) * 1000).toISOString().slice(0, 10);

let srv;
const as = {};
const T0 = now() - 5400;
let pid;
test.before(async () => {
  srv = await startServer({ cases: false });
  seedGrids(srv);
  for (const u of ['fengyuan.grid', 'fengyuan.grid2', 'fengyuan.mediator', 'fengqiao.handler',
    'fengqiao.clerk', 'leshan.mediator', 'zhuji.analyst', 'admin']) {
    as[u] = new Client(srv.base);
    await as[u].login(u);
  }
  const r = await as['fengyuan.grid'].post('/api/v1/patrols', patrol(T0));
  assert.equal(r.status, 201, r.text);
  pid = r.json.id;
});
test.after(async () => { await srv.stop(); });

test('a patrol is logged in one go: start, end, route, visits, findings', async () => {
  const r = await as['fengyuan.grid'].get(`/api/v1/patrols/${pid}`);
  assert.equal(r.status, 200, r.text);
  const p = r.json;
  assert.equal(p.grid_id, GA);
  assert.equal(p.username, 'fengyuan.grid');
  assert.equal(p.started_at, iso(T0 - 600));
  assert.equal(p.ended_at, iso(T0 + 600));
  assert.equal(p.findings, '5组路灯损坏一处，已记录。');
  assert.equal(p.route_visible, true);
  assert.equal(p.route_thinned, false);
  assert.equal(p.route.length, 5);
  assert.deepEqual(p.route[2], [120.246012, 29.6019, T0 + 300], 'coordinates kept to 1e-6 degree');
  assert.deepEqual(p.visits.map((v) => v.household), ['5组12号', '5组13号', '5组14号']);
  assert.equal(p.visits[0].note, '独居老人，身体尚好');
  assert.equal(p.visits[0].visited_at, iso(T0));
});

test('the route: the worker, the grid head and the township; others in the grid without it; outside nothing', async () => {
  const reads = () => Number(sql(srv, `SELECT count(*) FROM audit_log WHERE action = 'patrol.route_read' AND entity_id = '${pid}'`));
  const before = reads();
  for (const u of ['fengyuan.grid', 'fengyuan.mediator', 'fengqiao.handler', 'fengqiao.clerk', 'zhuji.analyst', 'admin']) {
    const r = await as[u].get(`/api/v1/patrols/${pid}`);
    assert.equal(r.status, 200, `${u}: ${r.text}`);
    assert.equal(r.json.route_visible, true, u);
    assert.equal(r.json.route.length, 5, u);
  }
  assert.equal(reads(), before + 5, 'each read of the route by someone but its worker is audited');
  const actors = sql(srv, `SELECT actor FROM audit_log WHERE action = 'patrol.route_read' AND entity_id = '${pid}' ORDER BY id`);
  assert.match(actors, /fengqiao\.handler/);
  assert.doesNotMatch(actors, /fengyuan\.grid\b/);
  const peer = await as['fengyuan.grid2'].get(`/api/v1/patrols/${pid}`);
  assert.equal(peer.status, 200, peer.text);
  assert.equal(peer.json.route_visible, false);
  assert.equal(peer.json.route, null, 'a part-time worker of the grid sees no one else\'s route');
  assert.equal(peer.json.visits.length, 3);
  assert.equal(reads(), before + 5, 'no route, no audit entry');
  const other = await as['leshan.mediator'].get(`/api/v1/patrols/${pid}`);
  assert.equal(other.status, 404, 'another village sees nothing');
  const list = await as['leshan.mediator'].get('/api/v1/patrols');
  assert.equal(list.status, 200);
  assert.equal(list.json.items.length, 0);
});

test('a grid worker who serves grids sees the patrols of those grids only', async () => {
  // fengyuan.grid also works the demo's second grid of 枫源村; fengyuan.grid2
  // works grid A alone; the village mediator sees every grid of the village
  const other = Number(sql(srv, "SELECT id FROM grids WHERE code = '330681109290-02'"));
  const r = await as['fengyuan.grid'].post('/api/v1/patrols', patrol(T0, { grid_id: other }));
  assert.equal(r.status, 201, r.text);
  assert.equal((await as['fengyuan.grid2'].get(`/api/v1/patrols/${r.json.id}`)).status, 404);
  const list = await as['fengyuan.grid2'].get(`/api/v1/patrols?grid=${other}`);
  assert.equal(list.json.items.length, 0);
  const cover = await as['fengyuan.grid2'].get('/api/v1/patrols/coverage');
  assert.deepEqual(cover.json.items.map((g) => g.id), [GA]);
  const village = await as['fengyuan.mediator'].get(`/api/v1/patrols/${r.json.id}`);
  assert.equal(village.status, 200);
  assert.equal(village.json.route, null, 'the village sees the patrol, not its route');
});

test('the list: mine, the grid\'s, the township\'s; never a route', async () => {
  const mine = await as['fengyuan.grid'].get('/api/v1/patrols?mine=1');
  assert.equal(mine.status, 200, mine.text);
  assert.ok(mine.json.items.some((p) => p.id === pid));
  for (const u of ['fengyuan.mediator', 'fengqiao.handler', 'fengyuan.grid2']) {
    const r = await as[u].get(`/api/v1/patrols?grid=${GA}`);
    assert.equal(r.status, 200, r.text);
    const p = r.json.items.find((x) => x.id === pid);
    assert.ok(p, u);
    assert.equal(p.visits, 3);
    assert.equal(p.route_points, 5);
    assert.equal(p.route, undefined, 'no route in a list');
  }
  const none = await as['fengyuan.grid2'].get('/api/v1/patrols?mine=1');
  assert.equal(none.json.items.length, 0);
  assert.equal((await as['fengyuan.grid'].get('/api/v1/patrols?limit=0')).status, 400);
  assert.equal((await as['fengyuan.grid'].get('/api/v1/patrols?mine=yes')).status, 400);
  assert.equal((await as['fengyuan.grid'].get('/api/v1/patrols?from=yesterday')).status, 400);
});

test('only the grid\'s staff log its patrols', async () => {
  let r = await as['fengqiao.clerk'].post('/api/v1/patrols', patrol(T0));
  assert.equal(r.status, 403, 'the township sees the grid but does not walk it');
  assert.equal(r.json.error.code, 'forbidden');
  r = await as['leshan.mediator'].post('/api/v1/patrols', patrol(T0));
  assert.equal(r.status, 404, 'a grid out of sight');
  r = await as['fengyuan.grid2'].post('/api/v1/patrols', patrol(T0, { grid_id: GB }));
  assert.equal(r.status, 404);
  r = await as['fengyuan.grid'].post('/api/v1/patrols', patrol(T0, { grid_id: 987654 }));
  assert.equal(r.status, 404);
});

test('caps and bad input are 4xx naming the field', async () => {
  const t = now() - 3600;
  const pts = (n) => Array.from({ length: n }, (_, i) => [120.2 + i * 1e-5, 29.6, t - 600 + (i % 1200)]);
  const cases = [
    [{ grid_id: undefined }, 'grid_id', 'required'],
    [{ grid_id: 'A' }, 'grid_id', 'invalid'],
    [{ started_at: undefined }, 'started_at', 'required'],
    [{ started_at: 'soon' }, 'started_at', 'invalid_time'],
    [{ started_at: iso(now() - 40 * 86400), ended_at: iso(now() - 40 * 86400 + 60) }, 'started_at', 'out_of_range'],
    [{ started_at: iso(now() + 7200), ended_at: iso(now() + 7300) }, 'started_at', 'in_future'],
    [{ ended_at: iso(t - 1200) }, 'ended_at', 'out_of_range'],
    [{ started_at: iso(now() - 26 * 3600), ended_at: iso(now() - 60), route: [], visits: [] }, 'ended_at', 'out_of_range'],
    [{ route: pts(2001) }, 'route', 'too_many'],
    [{ route: [[120.2, 91, t]] }, 'route', 'out_of_range'],
    [{ route: [[120.2, 29.6, t + 86400]] }, 'route', 'out_of_range'],
    [{ route: [[120.2, 29.6]] }, 'route', 'invalid'],
    [{ route: 'LINESTRING' }, 'route', 'invalid_type'],
    [{ visits: Array.from({ length: 201 }, (_, i) => ({ household: `${i}号`, visited_at: iso(t) })) }, 'visits', 'too_many'],
    [{ visits: [{ household: 'x'.repeat(33), visited_at: iso(t) }] }, 'visits', 'too_long'],
    [{ visits: [{ household: '', visited_at: iso(t) }] }, 'visits', 'required'],
    [{ visits: [{ household: '1号', visited_at: iso(t - 7200) }] }, 'visits', 'out_of_range'],
    [{ visits: [{ household: '1号', visited_at: iso(t), note: '记'.repeat(501) }] }, 'visits', 'too_long'],
    [{ findings: '查'.repeat(2001) }, 'findings', 'too_long'],
    [{ findings: 42 }, 'findings', 'invalid_type'],
  ];
  for (const [change, field, code] of cases) {
    const body = patrol(t, change);
    for (const k of Object.keys(change)) if (change[k] === undefined) delete body[k];
    const r = await as['fengyuan.grid'].post('/api/v1/patrols', body);
    assert.equal(r.status, 400, `${JSON.stringify(change).slice(0, 80)}: ${r.text.slice(0, 200)}`);
    assert.equal(r.json.error.field, field, JSON.stringify(change).slice(0, 80));
    assert.equal(r.json.error.code, code, JSON.stringify(change).slice(0, 80));
  }
  const full = await as['fengyuan.grid'].post('/api/v1/patrols', patrol(t, { route: pts(2000) }));
  assert.equal(full.status, 201, 'exactly the cap is taken');
  assert.equal(full.json.route.length, 2000);
  const form = await as['fengyuan.grid'].req('POST', '/api/v1/patrols', 'grid_id=1',
    { 'content-type': 'application/x-www-form-urlencoded' });
  assert.equal(form.status, 415);
});

test('norms per grid: the head or the township sets them; the head sees who is behind', async () => {
  let r = await as['fengyuan.grid2'].req('PUT', `/api/v1/grids/${GA}/patrol-norm`, { visits_per_day: 1 });
  assert.equal(r.status, 403, 'a worker does not set the norm');
  r = await as['leshan.mediator'].req('PUT', `/api/v1/grids/${GA}/patrol-norm`, { visits_per_day: 1 });
  assert.equal(r.status, 404);
  r = await as['fengyuan.mediator'].req('PUT', `/api/v1/grids/${GA}/patrol-norm`, { visits_per_day: 51 });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.field, 'visits_per_day');
  r = await as['fengyuan.mediator'].req('PUT', `/api/v1/grids/${GA}/patrol-norm`, { visits_per_day: '3' });
  assert.equal(r.status, 400);
  r = await as['fengqiao.handler'].req('PUT', `/api/v1/grids/${GA}/patrol-norm`, { visits_per_day: 2 });
  assert.equal(r.status, 200, r.text);
  r = await as['fengyuan.mediator'].req('PUT', `/api/v1/grids/${GA}/patrol-norm`, { visits_per_day: 3 });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json, { grid_id: GA, visits_per_day: 3 });
  r = await as['fengyuan.grid'].get(`/api/v1/grids/${GA}/patrol-norm`);
  assert.deepEqual(r.json, { grid_id: GA, visits_per_day: 3 });
  r = await as['leshan.mediator'].get(`/api/v1/grids/${GB}/patrol-norm`);
  assert.deepEqual(r.json, { grid_id: GB, visits_per_day: 2 }, 'the default norm');

  const day = bjDate(T0);
  // the day's visits of fengyuan.grid in grid A, whatever else this file logged
  const mine = await as['fengyuan.grid'].get(`/api/v1/patrols?mine=1&grid=${GA}`);
  let count = 0;
  for (const p of mine.json.items) {
    const one = await as['fengyuan.grid'].get(`/api/v1/patrols/${p.id}`);
    count += one.json.visits.filter((v) => bjDate(Date.parse(v.visited_at) / 1000) === day).length;
  }
  r = await as['fengyuan.mediator'].get(`/api/v1/patrols/behind?date=${day}`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.date, day);
  const byUser = Object.fromEntries(r.json.items.map((x) => [x.username, x]));
  assert.deepEqual(Object.keys(byUser).sort(), ['fengyuan.grid', 'fengyuan.grid2'], 'the workers, not the head');
  assert.equal(byUser['fengyuan.grid'].visits, count);
  assert.equal(byUser['fengyuan.grid'].norm, 3);
  assert.equal(byUser['fengyuan.grid'].behind, count < 3);
  assert.equal(byUser['fengyuan.grid2'].visits, 0);
  assert.equal(byUser['fengyuan.grid2'].behind, true);
  const town = await as['fengqiao.handler'].get(`/api/v1/patrols/behind?date=${day}`);
  assert.ok(town.json.items.some((x) => x.username === 'leshan.mediator'), 'the township sees every grid of it');
  const worker = await as['fengyuan.grid2'].get(`/api/v1/patrols/behind?date=${day}`);
  assert.equal(worker.json.items.length, 0, 'a worker heads nothing');
  const ls = await as['leshan.mediator'].get(`/api/v1/patrols/behind?date=${day}`);
  assert.equal(ls.json.items.length, 0);
  assert.equal((await as['fengyuan.mediator'].get('/api/v1/patrols/behind?date=2026-13-01')).status, 400);
});

test('coverage: households visited in 30 days, grids not walked for N days, by scope', async () => {
  let r = await as['fengqiao.handler'].get('/api/v1/patrols/coverage?days=1');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.days, 1);
  assert.equal(r.json.window_days, 30);
  const a = r.json.items.find((g) => g.id === GA);
  const b = r.json.items.find((g) => g.id === GB);
  assert.ok(a && b);
  assert.equal(a.households, 300);
  assert.ok(a.visited >= 3, 'three households, counted once each');
  assert.equal(a.not_walked, false);
  assert.equal(b.not_walked, true);
  assert.equal(b.last_patrol, null);
  assert.ok(r.json.total.not_walked >= 1);
  assert.ok(r.json.items.indexOf(b) < r.json.items.indexOf(a), 'the least recently walked first');
  const ls = await as['leshan.mediator'].get('/api/v1/patrols/coverage?days=1');
  assert.ok(ls.json.items.some((g) => g.id === GB));
  assert.ok(ls.json.items.every((g) => g.region === LS), 'a village sees its own grids');
  // a patrol of B three weeks ago: inside the 30 days of households, but
  // not within the last 7 days of walking
  const old = now() - 21 * 86400;
  const lp = await as['leshan.mediator'].post('/api/v1/patrols', patrol(old, { grid_id: GB,
    visits: [{ household: '3组1号', visited_at: iso(old) }, { household: '3组2号', visited_at: iso(old + 60) },
      { household: '3组1号', visited_at: iso(old + 120) }] }));
  assert.equal(lp.status, 201, lp.text);
  const week = (await as['leshan.mediator'].get('/api/v1/patrols/coverage?days=7')).json;
  const bw = week.items.find((g) => g.id === GB);
  assert.equal(bw.visited, 2, 'a household visited twice counts once');
  assert.equal(bw.not_walked, true, 'not walked for 7 days');
  assert.equal(bw.last_patrol, iso(old - 600));
  const month = (await as['leshan.mediator'].get('/api/v1/patrols/coverage?days=30')).json;
  assert.equal(month.items.find((g) => g.id === GB).not_walked, false, 'walked within 30 days');
  assert.equal(month.total.not_walked, week.total.not_walked - 1);
  assert.equal(month.total.visited, week.total.visited);
  assert.equal(month.total.grids, month.items.length);
  assert.equal(month.total.households, month.items.reduce((n, g) => n + (g.households || 0), 0));
  for (const q of ['days=0', 'days=366', 'days=x']) {
    r = await as['fengqiao.handler'].get(`/api/v1/patrols/coverage?${q}`);
    assert.equal(r.status, 400, q);
    assert.equal(r.json.error.field, 'days');
  }
});

test('thinning: old routes shrink to the visited points (admin run)', async () => {
  let r = await as['fengqiao.handler'].post('/api/v1/patrols/thin');
  assert.equal(r.status, 403);
  r = await as.admin.post(`/api/v1/patrols/thin?before=${iso(now() + 3600)}`);
  assert.equal(r.status, 400);
  r = await as.admin.post('/api/v1/patrols/thin');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.thinned, 0, 'nothing is 180 days old');
  r = await as.admin.post(`/api/v1/patrols/thin?before=${iso(T0)}`);
  assert.equal(r.status, 200, r.text);
  r = await as['fengyuan.grid'].get(`/api/v1/patrols/${pid}`);
  assert.equal(r.json.route_thinned, true);
  assert.deepEqual(r.json.route.map((p) => p[2]), [T0, T0 + 300], 'the points nearest the visits, once each');
  assert.equal(r.json.route_points, 2);
  assert.equal(r.json.visits.length, 3, 'the visits stay');
});

test('the server thins routes older than --patrol-route-days by itself', async () => {
  // the first scan runs one tick (20 s here) after the start: the old
  // routes are all in place before it (they once raced a 10 s tick on a
  // loaded machine, and a scan that had thinned half could not be told
  // from one that stops after a batch)
  const s2 = await startServer({ cases: false, args: ['--patrol-route-days', '1'], env: { FENGQIAO_SCAN_INTERVAL: '20' } });
  try {
    seedGrids(s2);
    const c = new Client(s2.base);
    await c.login('fengyuan.grid');
    const old = now() - 2 * 86400;
    const a = await c.post('/api/v1/patrols', patrol(old));
    assert.equal(a.status, 201, a.text);
    const b = await c.post('/api/v1/patrols', patrol(now() - 3600));
    assert.equal(b.status, 201, b.text);
    // more than one batch (200) of old routes: the scan runs batch after
    // batch; 210 copies of the old one, in one statement
    sql(s2, `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 210)
      INSERT INTO patrols (grid_id, user_id, started_at, ended_at, findings, route, route_points, route_thinned, created_at)
      SELECT grid_id, user_id, started_at - 3600 * i, ended_at - 3600 * i, '', route, route_points, route_thinned, created_at
      FROM patrols, n WHERE id = ${a.json.id}`);
    const unthinned = () => Number(sql(s2, `SELECT count(*) FROM patrols WHERE route_thinned = 0 AND started_at < ${now() - 86400}`));
    assert.equal(unthinned(), 211);
    let p;
    for (let i = 0; i < 250; i++) {
      p = (await c.get(`/api/v1/patrols/${a.json.id}`)).json;
      if (p.route_thinned) break;
      await new Promise((res) => setTimeout(res, 200));
    }
    assert.equal(p.route_thinned, true, 'thinned by the scan');
    assert.equal(p.route.length, 2);
    for (let i = 0; i < 50 && unthinned() > 0; i++) await new Promise((res) => setTimeout(res, 200));
    assert.equal(unthinned(), 0, 'every old route thinned in one tick');
    const fresh = (await c.get(`/api/v1/patrols/${b.json.id}`)).json;
    assert.equal(fresh.route_thinned, false, 'a recent route is whole');
    assert.equal(fresh.route.length, 5);
  } finally {
    await s2.stop();
  }
});
