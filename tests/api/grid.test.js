// grid.test.js - grids (网格, issue 15): GeoJSON import, valid and broken
// (all or nothing, a report per feature); point in polygon on edges,
// vertices and holes (boundaries count as inside); who may edit (the
// township, art. 9) and who sees; scope by grid (a grid worker who serves
// grids sees those grids' cases); a new case's grid from its coordinates.
// Runs on SQLite, and PostgreSQL when FQ_TEST_PG is set.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { startServer, Client, DEMO_PASSWORD } = require('../lib/server');
const { makePng } = require('../lib/png');

const VILLAGE = '330681109290'; // 枫源村, seeded with grids -01..-04 and -S1
let srv, other; // other: a village of 枫桥镇 without demo grids
const users = {};
async function as(name) {
  if (!users[name]) {
    users[name] = new Client(srv.base);
    await users[name].login(name);
  }
  return users[name];
}

test.before(async () => {
  srv = await startServer({ cases: false });
  const h = await as('fengqiao.handler');
  const kids = (await h.get('/api/regions/330681109/children')).json;
  const list = Array.isArray(kids) ? kids : kids.items;
  other = list.map((k) => k.code).find((c) => c !== VILLAGE && c !== '330681109291');
  assert.ok(other, 'a third village');
});
test.after(async () => { await srv.stop(); });

const ring = (w, s, e, n) => [[w, s], [e, s], [e, n], [w, n], [w, s]];
const feature = (props, geometry) => ({ type: 'Feature', properties: props, geometry });
const poly = (...rings) => ({ type: 'Polygon', coordinates: rings });

test('the demo grids are listed with their size warnings and staff', async () => {
  const h = await as('fengqiao.handler');
  const r = await h.get(`/api/v1/grids?region=${VILLAGE}`);
  assert.equal(r.status, 200, r.text);
  const codes = r.json.items.map((g) => g.code);
  assert.deepEqual(codes, ['330681109290-01', '330681109290-02', '330681109290-03', '330681109290-04', '330681109290-S1']);
  const four = r.json.items.find((g) => g.code.endsWith('-04'));
  assert.deepEqual(four.warnings, ['households_above_norm', 'population_above_norm']);
  assert.equal(four.setting, 'country');
  assert.equal(four.may_edit, true);
  assert.deepEqual(r.json.items.find((g) => g.code.endsWith('-01')).warnings, []);
  const one = await h.get(`/api/v1/grids/${r.json.items[0].id}`);
  assert.equal(one.status, 200);
  assert.equal(one.json.geometry.type, 'Polygon');
  assert.equal(one.json.geometry.coordinates.length, 2, 'the school cut out as a hole');
  const duties = one.json.staff.map((s) => `${s.username}:${s.duty}`).sort();
  assert.deepEqual(duties, ['fengqiao.clerk:instructor', 'fengyuan.grid:head']);
  // the map's source: a FeatureCollection in the caller's scope
  const fc = await h.get(`/api/v1/grids.geojson?region=${VILLAGE}`);
  assert.equal(fc.json.type, 'FeatureCollection');
  assert.equal(fc.json.features.length, 5);
  assert.equal(fc.json.features[0].type, 'Feature');
  assert.equal(fc.json.features[0].geometry.type, 'Polygon');
  // another village's mediator sees none of them; their grid worker does
  const ls = await as('leshan.mediator');
  assert.equal((await ls.get(`/api/v1/grids/${r.json.items[0].id}`)).status, 404);
  assert.equal((await ls.get(`/api/v1/grids?region=${VILLAGE}`)).json.items.length, 0);
  const fg = await as('fengyuan.grid');
  assert.equal((await fg.get(`/api/v1/grids/${r.json.items[0].id}`)).status, 200);
});

test('a valid FeatureCollection imports; a second import updates by code', async () => {
  const h = await as('fengqiao.handler');
  const fc = {
    type: 'FeatureCollection',
    features: [
      feature({ code: `${other}-A`, name: '测试网格A', region: other, households: 300, population: 900 },
        poly(ring(120.50, 29.50, 120.52, 29.52))),
      feature({ code: `${other}-B`, name: '测试网格B', region: other, kind: 'market' },
        { type: 'MultiPolygon', coordinates: [[ring(120.52, 29.50, 120.53, 29.51)], [ring(120.54, 29.50, 120.55, 29.51)]] }),
    ],
  };
  let r = await h.post('/api/v1/grids/import', fc);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json, { created: 2, updated: 0 });
  fc.features[0].properties.name = '测试网格A（改）';
  r = await h.post('/api/v1/grids/import', fc);
  assert.deepEqual(r.json, { created: 0, updated: 2 });
  const list = (await h.get(`/api/v1/grids?region=${other}`)).json.items;
  assert.equal(list.find((g) => g.code === `${other}-A`).name, '测试网格A（改）');
  assert.equal(list.find((g) => g.code === `${other}-B`).kind, 'market');
  assert.deepEqual(list.find((g) => g.code === `${other}-B`).bbox, [120.52, 29.5, 120.55, 29.51]);
  // the MultiPolygon's second part locates, the gap between the parts does not
  assert.equal((await h.get('/api/v1/grids/locate?lon=120.545&lat=29.505')).json.grid.code, `${other}-B`);
  assert.equal((await h.get('/api/v1/grids/locate?lon=120.535&lat=29.505')).json.grid, null);
});

test('a broken FeatureCollection writes nothing and reports each faulty feature', async () => {
  const h = await as('fengqiao.handler');
  const fc = {
    type: 'FeatureCollection',
    features: [
      feature({ code: `${other}-OK`, name: '好网格', region: other }, poly(ring(120.60, 29.60, 120.61, 29.61))),
      feature({ code: `${other}-OPEN`, name: '未闭合', region: other },
        poly([[120.6, 29.6], [120.61, 29.6], [120.61, 29.61], [120.6, 29.61]])),
      feature({ code: `${other}-PT`, name: '点', region: other }, { type: 'Point', coordinates: [120.6, 29.6] }),
      feature({ code: `${other}-LAT`, name: '纬度越界', region: other }, poly(ring(120.6, 89.5, 120.61, 91))),
      feature({ name: '无编号', region: other }, poly(ring(120.6, 29.6, 120.61, 29.61))),
      feature({ code: `${other}-KIND`, name: '类型错', region: other, kind: 'castle' }, poly(ring(120.6, 29.6, 120.61, 29.61))),
      feature({ code: `${other}-REG`, name: '区划错', region: '330681109' }, poly(ring(120.6, 29.6, 120.61, 29.61))),
      { type: 'Feature', geometry: null },
    ],
  };
  const r = await h.post('/api/v1/grids/import', fc);
  assert.equal(r.status, 400, r.text);
  assert.equal(r.json.error.code, 'import_invalid');
  const by = Object.fromEntries(r.json.report.map((p) => [p.feature, p]));
  assert.deepEqual(Object.keys(by).map(Number), [1, 2, 3, 4, 5, 6, 7]);
  assert.equal(by[1].field, 'geometry');
  assert.match(by[1].message, /first point/);
  assert.match(by[2].message, /Polygon or a MultiPolygon/);
  assert.match(by[3].message, /out of range/);
  assert.equal(by[4].field, 'code');
  assert.equal(by[5].field, 'kind');
  assert.equal(by[6].field, 'region');
  assert.equal(by[7].field, 'properties');
  // all or nothing: the good feature was not written either
  const list = (await h.get(`/api/v1/grids?region=${other}`)).json.items;
  assert.ok(!list.some((g) => g.code === `${other}-OK`));
  // not a FeatureCollection at all
  const bad = await h.post('/api/v1/grids/import', { type: 'Feature' });
  assert.equal(bad.status, 400);
  assert.equal(bad.json.error.code, 'invalid_geometry');
});

test('point in polygon: vertices and edges are inside, a hole is outside, its edge inside', async () => {
  const h = await as('fengqiao.handler');
  // a square 120.70-120.72 x 29.70-29.72 with a hole 120.705-120.71 x 29.705-29.71,
  // and a triangle whose long edge is a diagonal with decimals
  const fc = {
    type: 'FeatureCollection',
    features: [
      feature({ code: `${other}-SQ`, name: '方形', region: other },
        poly(ring(120.70, 29.70, 120.72, 29.72), ring(120.705, 29.705, 120.71, 29.71))),
      feature({ code: `${other}-TRI`, name: '三角', region: other },
        poly([[120.80, 29.80], [120.83, 29.80], [120.80, 29.83], [120.80, 29.80]])),
    ],
  };
  assert.equal((await h.post('/api/v1/grids/import', fc)).status, 200);
  const at = async (lon, lat) => {
    const r = await h.get(`/api/v1/grids/locate?lon=${lon}&lat=${lat}`);
    assert.equal(r.status, 200, r.text);
    return r.json.grid && r.json.grid.code;
  };
  const SQ = `${other}-SQ`, TRI = `${other}-TRI`;
  assert.equal(await at(120.715, 29.715), SQ, 'inside');
  assert.equal(await at(120.70, 29.70), SQ, 'a vertex');
  assert.equal(await at(120.72, 29.72), SQ, 'the opposite vertex');
  assert.equal(await at(120.71, 29.70), SQ, 'on the bottom edge');
  assert.equal(await at(120.72, 29.715), SQ, 'on the right edge');
  assert.equal(await at(120.7075, 29.7075), null, 'inside the hole');
  assert.equal(await at(120.705, 29.7075), SQ, 'on the hole\'s edge');
  assert.equal(await at(120.705, 29.705), SQ, 'on the hole\'s vertex');
  assert.equal(await at(120.7201, 29.715), null, 'just outside');
  assert.equal(await at(120.815, 29.815), TRI, 'on the diagonal');
  assert.equal(await at(120.81, 29.81), TRI, 'inside the triangle');
  assert.equal(await at(120.8151, 29.8151), null, 'just past the diagonal');
  // the demo: the school's grid is the hole of the first grid
  assert.equal(await at(120.3875, 29.6475), '330681109290-S1');
  assert.equal(await at(120.381, 29.659), '330681109290-01');
  // bad coordinates
  const bad = await h.get('/api/v1/grids/locate?lon=200&lat=29');
  assert.equal(bad.status, 400);
  assert.equal(bad.json.error.field, 'lon');
});

test('only the township and admins edit grids; the fields are checked', async () => {
  const body = { region: other, code: `${other}-NEW`, name: '新网格', households: 2600,
    geometry: poly(ring(120.90, 29.90, 120.91, 29.91)) };
  for (const who of ['fengyuan.mediator', 'fengyuan.grid']) {
    const c = await as(who);
    const r = await c.post('/api/v1/grids', { ...body, region: VILLAGE, code: `${VILLAGE}-X` });
    assert.equal(r.status, 403, `${who}: ${r.text}`);
  }
  const h = await as('fengqiao.handler');
  let r = await h.post('/api/v1/grids', body);
  assert.equal(r.status, 201, r.text);
  assert.deepEqual(r.json.warnings, ['households_above_norm'], 'a warning, never an error');
  const id = r.json.id;
  assert.equal((await h.post('/api/v1/grids', body)).json.error.code, 'conflict');
  r = await h.req('PATCH', `/api/v1/grids/${id}`, { households: 300, kind: 'enterprise' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.kind, 'enterprise');
  assert.deepEqual(r.json.warnings, []);
  assert.equal(r.json.geometry.type, 'Polygon', 'the boundary kept');
  r = await h.req('PATCH', `/api/v1/grids/${id}`, { region: VILLAGE });
  assert.equal(r.status, 400);
  r = await h.req('PATCH', `/api/v1/grids/${id}`, { geometry: { type: 'Polygon', coordinates: [[[1, 1], [2, 2], [1, 1], [1, 1]]] } });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.code, 'invalid_geometry');
  r = await h.req('PATCH', `/api/v1/grids/${id}`, { kind: 'castle' });
  assert.equal(r.json.error.code, 'unknown_value');
  assert.equal((await h.req('PATCH', '/api/v1/grids/999999', { name: 'x' })).status, 404);
  // staff: the township adds and removes
  const me = (await (await as('fengyuan.grid')).get('/api/me')).json;
  const uid = me.id || me.user.id;
  r = await h.req('PUT', `/api/v1/grids/${id}/staff/${uid}/part_time`);
  assert.equal(r.status, 200, r.text);
  assert.ok(r.json.staff.some((s) => s.username === 'fengyuan.grid' && s.duty === 'part_time'));
  assert.equal((await h.req('PUT', `/api/v1/grids/${id}/staff/${uid}/boss`)).status, 400);
  // by username too (the UI's picker), and an unknown one is refused
  r = await h.req('PUT', `/api/v1/grids/${id}/staff/fengyuan.grid/head`);
  assert.equal(r.status, 200, r.text);
  assert.ok(r.json.staff.some((s) => s.username === 'fengyuan.grid' && s.duty === 'head'));
  assert.equal((await h.req('PUT', `/api/v1/grids/${id}/staff/nobody.here/head`)).json.error.code, 'unknown_value');
  assert.equal((await h.req('DELETE', `/api/v1/grids/${id}/staff/fengyuan.grid/head`)).status, 200);
  assert.equal((await (await as('fengyuan.grid')).req('DELETE', `/api/v1/grids/${id}/staff/${uid}/part_time`)).status, 403);
  r = await h.req('DELETE', `/api/v1/grids/${id}/staff/${uid}/part_time`);
  assert.equal(r.status, 200);
  assert.equal(r.json.staff.length, 0);
  assert.equal((await h.req('DELETE', `/api/v1/grids/${id}/staff/${uid}/part_time`)).status, 404);
});

async function fileCase(c, lat, lon, extra = {}) {
  const r = await c.post('/api/cases', {
    title: '邻里排水沟纠纷', description: '一户填埋排水沟，雨天积水倒灌邻居家，要求恢复排水。',
    category: 'neighbour', channel: 'walk_in', region: VILLAGE,
    location: lat === undefined ? { address: '枫源村' } : { lat, lon, address: '枫源村' },
    parties: [{ role: 'applicant', name: '陈建华', phone: '13900021234' }], ...extra,
  });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

test('a new case with coordinates and no grid gets its grid', async () => {
  const m = await as('fengyuan.mediator');
  assert.equal((await fileCase(m, 29.65, 120.41)).grid, '330681109290-02');
  assert.equal((await fileCase(m, 29.6475, 120.3875)).grid, '330681109290-S1', 'in the hole: the school');
  assert.equal((await fileCase(m, 29.63, 120.42)).grid, '330681109290-04', 'on the outer edge');
  assert.equal((await fileCase(m, 29.9, 120.9)).grid, null, 'outside every grid');
  assert.equal((await fileCase(m)).grid, null, 'no coordinates');
  assert.equal((await fileCase(m, 29.65, 120.41, { grid: 'G-HAND' })).grid, 'G-HAND', 'a given grid stays');
});

test('scope by grid: a grid worker who serves one grid sees its cases, not the next grid\'s', async () => {
  // a second grid worker of 枫源村, serving grid -02 only
  srv.cli(['user', 'add', 'fengyuan.grid2', '--name', '网格员二', '--password', DEMO_PASSWORD,
    '--role', 'grid_worker', '--region', VILLAGE]);
  const w = new Client(srv.base);
  await w.login('fengyuan.grid2');
  const m = await as('fengyuan.mediator');
  const in02 = await fileCase(m, 29.65, 120.41);
  const in03 = await fileCase(m, 29.63, 120.39);
  const none = await fileCase(m);
  // without grid_staff rows: the whole village, as before
  assert.equal((await w.get(`/api/cases/${in03.id}`)).status, 200);
  const h = await as('fengqiao.handler');
  const uid = (await w.get('/api/me')).json;
  const id02 = (await h.get(`/api/v1/grids?region=${VILLAGE}`)).json.items.find((g) => g.code.endsWith('-02')).id;
  assert.equal((await h.req('PUT', `/api/v1/grids/${id02}/staff/${uid.id || uid.user.id}/full_time`)).status, 200);
  assert.equal((await w.get(`/api/cases/${in02.id}`)).status, 200, 'their grid');
  assert.equal((await w.get(`/api/cases/${in03.id}`)).status, 404, 'the next grid');
  assert.equal((await w.get(`/api/cases/${none.id}`)).status, 200, 'a case of no grid stays village-wide');
  const list = (await w.get(`/api/cases?region=${VILLAGE}&page_size=200`)).json;
  const ids = (list.items || list).map((c) => c.id);
  assert.ok(ids.includes(in02.id) && ids.includes(none.id));
  assert.ok(!ids.includes(in03.id), 'the list obeys the grid scope too');
  // the village's mediator and the grid worker of every grid still see both
  assert.equal((await m.get(`/api/cases/${in03.id}`)).status, 200);
  assert.equal((await (await as('fengyuan.grid')).get(`/api/cases/${in03.id}`)).status, 200);
  // their own grid is visible to them; a grid they do not serve in another village is not
  assert.equal((await w.get(`/api/v1/grids/${id02}`)).status, 200);
  const ls = (await h.get('/api/v1/grids?region=330681109291')).json.items[0].id;
  assert.equal((await w.get(`/api/v1/grids/${ls}`)).status, 404);
});

test('scope by grid holds for what belongs to a case: duplicates, links, attachments, mediation, by code, queues', async () => {
  srv.cli(['user', 'add', 'fengyuan.grid3', '--name', '网格员三', '--password', DEMO_PASSWORD,
    '--role', 'grid_worker', '--region', VILLAGE]);
  const w = new Client(srv.base);
  await w.login('fengyuan.grid3');
  const h = await as('fengqiao.handler');
  const me = (await w.get('/api/me')).json;
  const id02 = (await h.get(`/api/v1/grids?region=${VILLAGE}`)).json.items.find((g) => g.code.endsWith('-02')).id;
  assert.equal((await h.req('PUT', `/api/v1/grids/${id02}/staff/${me.id || me.user.id}/part_time`)).status, 200);
  const m = await as('fengyuan.mediator');
  const two = { parties: [{ role: 'applicant', name: '陈建华', phone: '13900021234' }, { role: 'respondent', name: '陈建国', phone: '13900021235' }] };
  const in02 = await fileCase(m, 29.65, 120.41, two);
  const in03 = await fileCase(m, 29.63, 120.39, two); // the same phones: a likely duplicate of in02
  const act = async (id, body) => {
    const r = await m.post(`/api/cases/${id}/actions`, body);
    assert.equal(r.status, 200, `${body.action}: ${r.text}`);
  };
  await act(in02.id, { action: 'link', other_id: in03.id });
  const photo = await fetch(`${srv.base}/api/cases/${in03.id}/attachments?name=photo.png`, {
    method: 'POST', body: makePng(40, 30), headers: { cookie: m.cookie, 'x-csrf-token': m.csrf, 'content-type': 'image/png' },
  });
  assert.equal(photo.status, 201, await photo.text());
  for (const x of [{ action: 'accept' }, { action: 'assign', handler: 'fengyuan.mediator' }, { action: 'start' }]) await act(in03.id, x);
  assert.equal((await m.post(`/api/v1/cases/${in03.id}/mediation`, {})).status, 201);

  // the mediator of the village sees all of it: the check below can fail
  const full = (await m.get(`/api/cases/${in02.id}`)).json;
  assert.ok(full.links.some((l) => l.id === in03.id), 'the mediator sees the link');
  assert.ok(full.possible_duplicates.some((d) => d.id === in03.id), 'the mediator sees the likely duplicate');
  assert.equal((await m.get(`/api/cases/${in03.id}/attachments`)).status, 200);
  assert.equal((await m.get(`/api/v1/cases/${in03.id}/mediation`)).status, 200);
  // the grid worker of -02 sees none of -03's case, embedded or direct
  const mine = await w.get(`/api/cases/${in02.id}`);
  assert.equal(mine.status, 200);
  assert.ok(!mine.json.links.some((l) => l.id === in03.id), 'no link to the next grid\'s case');
  assert.ok(!mine.json.possible_duplicates.some((d) => d.id === in03.id), 'no duplicate from the next grid');
  assert.ok(mine.json.links.every((l) => !('grid' in l) && !('handler' in l)), 'the check\'s columns are not shown');
  assert.equal((await w.get(`/api/cases/${in03.id}/attachments`)).status, 404);
  assert.equal((await w.get(`/api/v1/cases/${in03.id}/mediation`)).status, 404);
  assert.equal((await w.get(`/api/cases/by-code/${in03.tracking_code}`)).status, 404);
  assert.equal((await w.get(`/api/cases/by-code/${in02.tracking_code}`)).status, 200);
  // the follow-up queue lists the village's resolved cases to its grid workers: only their grids' now
  const q03 = await fileCase(m, 29.63, 120.39);
  for (const id of [in02.id, q03.id]) {
    await act(id, { action: 'take' });
    await act(id, { action: 'resolve', outcome: 'mediated', summary: '双方达成一致' });
  }
  const q = await w.get('/api/queues/follow_up?who=all&page_size=100');
  assert.equal(q.status, 200, q.text);
  const qids = q.json.items.map((c) => c.id);
  assert.ok(qids.includes(in02.id), 'their grid\'s case is in their follow-up queue');
  assert.ok(!qids.includes(q03.id), 'the next grid\'s is not');
  const g = await as('fengyuan.grid'); // serves every demo grid of the village
  const gids = (await g.get('/api/queues/follow_up?who=all&page_size=100')).json.items.map((c) => c.id);
  assert.ok(gids.includes(q03.id));
});

test('fengqiao grids import reports each faulty feature and writes nothing; export round-trips', async () => {
  const dir = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'fq-grids-'));
  const bad = path.join(dir, 'bad.geojson');
  fs.writeFileSync(bad, JSON.stringify({ type: 'FeatureCollection', features: [
    feature({ code: `${other}-C1`, name: 'C1', region: other }, poly(ring(121.0, 29.0, 121.01, 29.01))),
    feature({ code: `${other}-C2`, name: 'C2', region: other }, poly([[121, 29], [121.01, 29], [121, 29]])),
  ] }));
  assert.throws(() => srv.cli(['grids', 'import', bad]), (e) => {
    assert.match(String(e.stderr), /feature 1 \(.*-C2\): geometry: a ring needs at least 4 points/);
    return true;
  });
  const out = JSON.parse(srv.cli(['grids', 'export', '--region', other]));
  assert.ok(!out.features.some((f) => f.properties.code === `${other}-C1`), 'nothing written');
  const good = path.join(dir, 'good.geojson');
  fs.writeFileSync(good, JSON.stringify({ type: 'FeatureCollection', features: [out.features[0]] }));
  assert.match(srv.cli(['grids', 'import', good]), /0 created, 1 updated/);
  fs.rmSync(dir, { recursive: true, force: true });
});
