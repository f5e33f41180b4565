// casepage.test.js - issue 13's case page through the API: display names on
// cases and timeline entries (item 3), finding a case by a piece of its code
// with the chosen order and a snippet, and the handler filter (item 4), a
// scoped preview by code for merge and link (item 5), and editing the facts
// of a case with the timeline, the audit log and the search index (item 7).
// Runs on SQLite and PostgreSQL.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer, Client } = require('../lib/server');

let srv;
const users = {};
test.before(async () => {
  srv = await startServer({ cases: false });
  for (const u of ['fengyuan.mediator', 'fengyuan.grid', 'fengqiao.handler', 'zhuji.analyst',
    'shangyu.mediator', 'leshan.mediator']) {
    users[u] = new Client(srv.base);
    await users[u].login(u);
  }
});
test.after(async () => { await srv.stop(); });

let seq = 0;
function body(over = {}) {
  seq++;
  return {
    title: '邻里排水纠纷',
    description: '两户之间排水沟被填，雨天积水倒灌。',
    category: 'neighbour',
    channel: 'walk_in',
    region: '330681109290',
    location: { lat: 29.64, lon: 120.39, address: '枫源村3组' },
    parties: [
      { role: 'applicant', name: '骆建华', phone: `1390001${String(seq).padStart(4, '0')}` },
      { role: 'respondent', name: '陈国强', phone: `1580001${String(seq).padStart(4, '0')}`, org: null },
    ],
    ...over,
  };
}

async function create(who, over) {
  const r = await users[who].post('/api/cases', body(over));
  assert.equal(r.status, 201, r.text);
  return r.json;
}

const patch = (who, id, b) => users[who].req('PATCH', `/api/cases/${id}`, b);

test('a case and its timeline carry display names, and the timeline words for units and cases', async () => {
  const c = await create('fengyuan.mediator');
  assert.equal(c.created_by_name, '张美华（枫源村调委会）');
  const m = users['fengyuan.mediator'];
  assert.equal((await m.post(`/api/cases/${c.id}/actions`, { action: 'accept' })).status, 200);
  const a = await m.post(`/api/cases/${c.id}/actions`, { action: 'assign', handler: 'fengyuan.mediator' });
  assert.equal(a.status, 200, a.text);
  assert.equal(a.json.handler_name, '张美华（枫源村调委会）');
  const e = await m.post(`/api/cases/${c.id}/actions`, { action: 'escalate', reason: '涉及多村' });
  assert.equal(e.status, 200, e.text);
  const tl = (await m.get(`/api/cases/${c.id}/timeline`)).json.items;
  assert.equal(tl[0].actor_name, '张美华（枫源村调委会）');
  assert.equal(tl[0].detail.unit_region_name, '枫源村');
  const asg = tl.find((x) => x.action === 'assign');
  assert.equal(asg.detail.handler_name, '张美华（枫源村调委会）');
  const esc = tl.find((x) => x.action === 'escalate');
  assert.equal(esc.detail.from_unit_name, '枫源村');
  assert.equal(esc.detail.to_unit_name, '枫桥镇');
  // the list carries the names too
  const list = (await m.get('/api/cases?page_size=200')).json.items;
  assert.ok(list.some((x) => x.id === c.id && x.created_by_name === '张美华（枫源村调委会）'));
  // a public filing has no user behind it: no name, and the UI says 群众
  const pub = new Client(srv.base);
  const p = await pub.post('/api/public/cases', { title: '工资被拖欠', description: '袜厂三个月未发工资', category: 'labour', region: '330681109290', name: '楼小红', phone: '13755550009' });
  assert.equal(p.status, 201, p.text);
  const pl = (await m.get('/api/cases?q=' + encodeURIComponent(p.json.tracking_code))).json.items;
  assert.equal(pl.length, 1);
  assert.equal(pl[0].created_by, 'public');
  assert.equal(pl[0].created_by_name, null);
});

test('the search finds a case by a full or partial code, in the chosen order, with a snippet', async () => {
  const c = await create('fengyuan.mediator', { title: '欠薪纠纷甲', description: '某袜厂拖欠工人工资两个月，工人要求结清欠薪。', category: 'labour' });
  const m = users['fengyuan.mediator'];
  const middle = c.tracking_code.split('-')[1];
  for (const q of [c.tracking_code, middle, middle.toLowerCase(), c.tracking_code.slice(3, 9), c.tracking_code.slice(-5)]) {
    const r = await m.get('/api/cases?q=' + encodeURIComponent(q));
    assert.equal(r.status, 200, r.text);
    assert.ok(r.json.items.some((x) => x.id === c.id), `${q} finds ${c.tracking_code}`);
  }
  // out of scope: the code finds nothing for another county's mediator
  const other = await users['shangyu.mediator'].get('/api/cases?q=' + encodeURIComponent(middle));
  assert.ok(!other.json.items.some((x) => x.id === c.id));
  // a word search shows a snippet with the match
  const w = await m.get('/api/cases?q=' + encodeURIComponent('欠薪') + '&page_size=200');
  const hit = w.json.items.find((x) => x.id === c.id);
  assert.ok(hit, '欠薪 finds the case');
  assert.match(hit.snippet, /欠薪/);
  assert.equal(hit.description, undefined);
});

test('search results come newest first by default and keep the chosen sort', async () => {
  // the server seeds cases of the demo with backdated dates; ids are not dates
  const s = await startServer();
  try {
    const m = new Client(s.base);
    await m.login('fengqiao.handler');
    const q = '/api/cases?page_size=50&q=' + encodeURIComponent('欠薪');
    const dflt = (await m.get(q)).json.items;
    assert.ok(dflt.length >= 3, `欠薪 finds demo cases (${dflt.length})`);
    const times = dflt.map((x) => Date.parse(x.created_at));
    assert.deepEqual(times, [...times].sort((a, b) => b - a), 'newest first');
    const old = (await m.get(q + '&sort=created_at')).json.items.map((x) => Date.parse(x.created_at));
    assert.deepEqual(old, [...old].sort((a, b) => a - b), 'oldest first when chosen');
    const ids = (await m.get('/api/cases?page_size=50&q=' + encodeURIComponent('欠薪') + '&sort=-updated_at')).json.items.map((x) => Date.parse(x.updated_at));
    assert.deepEqual(ids, [...ids].sort((a, b) => b - a), 'recently updated first when chosen');
  } finally {
    await s.stop();
  }
});

test('the list filters by handler and checks the filter', async () => {
  const m = users['fengyuan.mediator'];
  const c = await create('fengyuan.mediator');
  await m.post(`/api/cases/${c.id}/actions`, { action: 'accept' });
  await m.post(`/api/cases/${c.id}/actions`, { action: 'assign', handler: 'fengyuan.mediator' });
  const mine = (await m.get('/api/cases?page_size=200&handler=fengyuan.mediator')).json.items;
  assert.ok(mine.length >= 1 && mine.every((x) => x.handler === 'fengyuan.mediator'));
  assert.ok(mine.some((x) => x.id === c.id));
  const none = (await m.get('/api/cases?handler=nobody.here')).json.items;
  assert.equal(none.length, 0);
  const bad = await m.get('/api/cases?handler=' + 'x'.repeat(200));
  assert.equal(bad.status, 400);
  assert.equal(bad.json.error.field, 'handler');
});

test('a case is previewed by its code within scope only', async () => {
  const c = await create('fengyuan.mediator', { title: '预览用的案件' });
  const r = await users['fengyuan.mediator'].get(`/api/cases/by-code/${c.tracking_code}`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.id, c.id);
  assert.equal(r.json.title, '预览用的案件');
  assert.equal(r.json.description, undefined);
  assert.equal(r.json.parties, undefined);
  const lower = await users['fengyuan.mediator'].get(`/api/cases/by-code/${c.tracking_code.toLowerCase()}`);
  assert.equal(lower.json.id, c.id);
  assert.equal((await users['shangyu.mediator'].get(`/api/cases/by-code/${c.tracking_code}`)).status, 404);
  assert.equal((await users['fengyuan.mediator'].get('/api/cases/by-code/FQ-22222-22222')).status, 404);
  assert.equal((await new Client(srv.base).get(`/api/cases/by-code/${c.tracking_code}`)).status, 401);
});

test('editing the facts keeps old and new values in the timeline and audit log and reindexes', async () => {
  const c = await create('fengyuan.mediator', { title: '排水沟纠纷', description: '原来的描述：排水沟被填。' });
  const before = Number(srv.cli(['audit', 'verify']).match(/(\d+) entries/)[1]);
  const r = await patch('fengyuan.mediator', c.id, {
    title: '排水沟与围墙纠纷',
    description: '更正：围墙越界，排水沟被填。',
    category: 'housing_land',
    location: { address: '枫源村4组' },
    parties: [
      { role: 'applicant', name: '骆建华', phone: '13900019999' },
      { role: 'respondent', name: '陈国强', org: '某建筑公司' },
    ],
  });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.title, '排水沟与围墙纠纷');
  assert.equal(r.json.category, 'housing_land');
  assert.equal(r.json.location.address, '枫源村4组');
  assert.equal(r.json.parties[0].phone.includes('*'), true, 'phones stay masked');
  const after = Number(srv.cli(['audit', 'verify']).match(/(\d+) entries/)[1]);
  assert.equal(after, before + 1);
  assert.match(srv.cli(['audit', 'verify']), /intact/);
  const tl = (await users['fengyuan.mediator'].get(`/api/cases/${c.id}/timeline`)).json.items;
  const ed = tl.find((x) => x.action === 'edit');
  assert.ok(ed, 'an edit entry');
  assert.deepEqual([...ed.detail.fields].sort(), ['address', 'category', 'description', 'parties', 'title']);
  assert.equal(ed.detail.old.title, '排水沟纠纷');
  assert.equal(ed.detail.new.title, '排水沟与围墙纠纷');
  assert.equal(ed.detail.old.address, '枫源村3组');
  assert.ok(!JSON.stringify(ed.detail).match(/1[3-9]\d{9}/), 'no full phone in the timeline');
  assert.equal(ed.actor_name, '张美华（枫源村调委会）');
  // the search index follows the edit: the new words find it, the old ones no longer
  const q = async (s) => (await users['fengyuan.mediator'].get('/api/cases?page_size=200&q=' + encodeURIComponent(s))).json.items.map((x) => x.id);
  assert.ok((await q('围墙越界')).includes(c.id));
  assert.ok(!(await q('原来的描述')).includes(c.id));
  // the contacts show the new phone in full
  const ct = await users['fengyuan.mediator'].get(`/api/cases/${c.id}/contacts`);
  assert.equal(ct.json.parties[0].phone, '13900019999');
});

test('editing refuses bad fields, strangers and roles that do not work the case', async () => {
  const c = await create('fengyuan.mediator');
  const bad = [
    [{ title: 'x' }, 'title'],
    [{ title: 'a'.repeat(201) }, 'title'],
    [{ description: '' }, 'description'],
    [{ category: 'nope' }, 'category'],
    [{ parties: [{ role: 'applicant', name: '某', phone: '123' }] }, 'parties.phone'],
    [{ parties: 'x' }, 'parties'],
    [{ location: { address: 'a'.repeat(201) } }, 'location.address'],
    [{ status: 'closed' }, 'status'],
    [{ region: '330681109291' }, 'region'],
  ];
  for (const [b, field] of bad) {
    const r = await patch('fengyuan.mediator', c.id, b);
    assert.equal(r.status, 400, `${JSON.stringify(b)}: ${r.text}`);
    assert.equal(r.json.error.field, field);
  }
  const same = await patch('fengyuan.mediator', c.id, { title: c.title });
  assert.equal(same.status, 400);
  assert.equal(same.json.error.code, 'invalid');
  assert.equal((await patch('shangyu.mediator', c.id, { title: '别处的人来改' })).status, 404);
  assert.equal((await patch('fengyuan.grid', c.id, { title: '网格员来改' })).status, 403);
  assert.equal((await patch('zhuji.analyst', c.id, { title: '分析员来改' })).status, 403);
  // the township's handler works the village's cases too (as for actions)
  assert.equal((await patch('fengqiao.handler', c.id, { title: '镇里更正的标题' })).status, 200);
  const m = users['fengyuan.mediator'];
  await m.post(`/api/cases/${c.id}/actions`, { action: 'reject', reason: '不属于受理范围' });
  const closed = await patch('fengyuan.mediator', c.id, { title: '拒绝后再改' });
  assert.equal(closed.status, 409);
});
