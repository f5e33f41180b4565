// scope-embedded.test.js - scope holds for what an answer embeds, and for
// every path that creates or places a case (issue 11, items 2-6 and 12).
// Each test was written against the defect an outside review reproduced and
// fails on the code before the fix.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer, Client } = require('../lib/server');

const PASSWORD = 'embedded-password-2026';
let srv;
const users = {};
let syVillage;

test.before(async () => {
  srv = await startServer({ cases: false });
  for (const u of ['fengyuan.mediator', 'leshan.mediator', 'fengqiao.handler', 'shangyu.mediator', 'admin']) {
    users[u] = new Client(srv.base);
    await users[u].login(u);
  }
  const syTown = (await users.admin.get('/api/regions/330604/children')).json.items[0].code;
  syVillage = (await users.admin.get(`/api/regions/${syTown}/children`)).json.items[0].code;
});
test.after(async () => { await srv.stop(); });

let seq = 0;
async function create(who, over = {}) {
  seq++;
  const r = await users[who].post('/api/cases', {
    title: `嵌入范围 ${seq}`, description: '两户排水纠纷', category: 'neighbour', region: '330681109290',
    parties: [{ role: 'applicant', name: '骆建华', phone: `1370000${String(seq).padStart(4, '0')}` }],
    ...over,
  });
  assert.equal(r.status, 201, r.text);
  return r.json;
}
async function act(who, id, body, status = 200) {
  const r = await users[who].post(`/api/cases/${id}/actions`, body);
  assert.equal(r.status, status, `${body.action} by ${who}: ${r.text}`);
  return r.json;
}

test('split cannot place a new case outside the caller\'s intake scope, and copies nothing there', async () => {
  const c = await create('fengyuan.mediator');
  const before = (await users.admin.get(`/api/cases?region=${syVillage}&page_size=1`)).json.total;
  const r = await act('fengyuan.mediator', c.id, { action: 'split', title: '分出去的案件', description: '另案', region: syVillage }, 403);
  assert.equal(r.error.code, 'out_of_scope');
  assert.equal(r.error.field, 'region');
  assert.equal((await users.admin.get(`/api/cases?region=${syVillage}&page_size=1`)).json.total, before, 'no case was made in the other county');
  // within scope it still works
  const ok = await act('fengyuan.mediator', c.id, { action: 'split', title: '分出的本村案件', description: '另案' });
  assert.ok(ok.links.some((l) => l.kind === 'split_from_by'));
});

test('links, merged_into and timeline entries hide cases the caller cannot see', async () => {
  const mine = await create('admin');
  const far = await create('admin', { region: syVillage, title: '上虞的案件' });
  const far2 = await create('admin', { region: syVillage, title: '上虞的另一案件' });
  await act('admin', mine.id, { action: 'link', other_id: far.id });
  const merged = await create('admin');
  await act('admin', merged.id, { action: 'merge', other_id: far2.id });

  const seen = await users['fengyuan.mediator'].get(`/api/cases/${mine.id}`);
  assert.equal(seen.status, 200);
  assert.deepEqual(seen.json.links, [], 'a link to another county is not shown');
  assert.ok(!JSON.stringify(seen.json).includes('上虞的案件'));
  assert.ok(!JSON.stringify(seen.json).includes(far.tracking_code));
  // the admin still sees it
  assert.equal((await users.admin.get(`/api/cases/${mine.id}`)).json.links[0].id, far.id);

  const m = await users['fengyuan.mediator'].get(`/api/cases/${merged.id}`);
  assert.equal(m.json.merged_into, null, 'merged into a case out of scope: not named');
  assert.equal((await users.admin.get(`/api/cases/${merged.id}`)).json.merged_into, far2.id);

  const tl = await users['fengyuan.mediator'].get(`/api/cases/${mine.id}/timeline`);
  const link = tl.json.items.find((e) => e.action === 'link');
  assert.ok(link);
  assert.equal(link.detail.other_id, null);
  const tla = await users.admin.get(`/api/cases/${mine.id}/timeline`);
  assert.equal(tla.json.items.find((e) => e.action === 'link').detail.other_id, far.id);
});

test('possible duplicates never name a case outside the caller\'s scope', async () => {
  const phone = '13766660001';
  const far = await create('admin', { region: syVillage, title: '上虞同号码',
    parties: [{ role: 'applicant', name: '某甲', phone }] });
  const c = await create('fengyuan.mediator', { parties: [{ role: 'applicant', name: '某甲', phone }] });
  assert.ok(!c.possible_duplicates.some((d) => d.id === far.id), JSON.stringify(c.possible_duplicates));
  const a = await users.admin.get(`/api/cases/${c.id}`);
  assert.ok(a.json.possible_duplicates.some((d) => d.id === far.id), 'the admin sees the same-phone case');
});

test('the staff directory shows one\'s own subtree and only the names of the units above', async () => {
  const r = await users['fengyuan.mediator'].get('/api/users?region=33');
  assert.equal(r.status, 200);
  assert.ok(r.json.items.length > 0);
  for (const u of r.json.items) {
    for (const role of u.roles) assert.ok(role.region.startsWith('330681109290'), `${u.username} ${role.region}`);
  }
  assert.ok(!r.json.items.some((u) => u.username === 'admin' || u.username === 'fengqiao.handler'));
  const v = await users['fengyuan.mediator'].get('/api/users?region=330681109290');
  const names = v.json.units_above.map((x) => x.region);
  assert.deepEqual(names, ['330681109', '330681', '3306', '33']);
  assert.ok(v.json.units_above[0].name.includes('枫桥'));
  // a township handler sees the villages below and itself, not the county
  const h = await users['fengqiao.handler'].get('/api/users?region=330681109290');
  assert.ok(h.json.items.some((u) => u.username === 'fengyuan.mediator'));
  assert.ok(h.json.items.some((u) => u.username === 'fengqiao.handler'));
  assert.ok(!h.json.items.some((u) => u.username === 'zhuji.analyst' || u.username === 'admin'));
});

test('an assignment names a person who can see the case', async () => {
  const c = await create('fengyuan.mediator');
  await act('fengqiao.handler', c.id, { action: 'accept' });
  await act('fengqiao.handler', c.id, { action: 'escalate', reason: '村里调不了' });
  // held by the township now; the sibling village's mediator cannot see it
  assert.equal((await users['leshan.mediator'].get(`/api/cases/${c.id}`)).status, 404);
  const r = await act('fengqiao.handler', c.id, { action: 'assign', handler: 'leshan.mediator' }, 400);
  assert.equal(r.error.code, 'unknown_handler');
  const ok = await act('fengqiao.handler', c.id, { action: 'assign', handler: 'fengyuan.mediator' });
  assert.equal(ok.handler, 'fengyuan.mediator');
});

test('merge needs the right to act on the other case, not only to see it', async () => {
  const c = await create('fengyuan.mediator');
  const up = await create('fengyuan.mediator');
  await act('fengqiao.handler', up.id, { action: 'accept' });
  await act('fengqiao.handler', up.id, { action: 'escalate', reason: '上报' });
  const r = await act('fengyuan.mediator', c.id, { action: 'merge', other_id: up.id }, 403);
  assert.equal(r.error.field, 'other_id');
  assert.equal((await users['fengyuan.mediator'].get(`/api/cases/${c.id}`)).json.status, 'registered');
});

test('notes are bounded in length and number, and the timeline comes in pages', async () => {
  const c = await create('fengyuan.mediator');
  const long = await act('fengyuan.mediator', c.id, { action: 'note', text: '记'.repeat(2001) }, 400);
  assert.equal(long.error.code, 'too_long');
  assert.equal(long.error.field, 'text');
  for (let i = 0; i < 150; i++) await act('fengyuan.mediator', c.id, { action: 'note', text: `备注 ${i}` });
  const p1 = await users['fengyuan.mediator'].get(`/api/cases/${c.id}/timeline`);
  assert.equal(p1.json.items.length, 100);
  assert.ok(Number.isInteger(p1.json.next_after));
  const p2 = await users['fengyuan.mediator'].get(`/api/cases/${c.id}/timeline?after=${p1.json.next_after}`);
  assert.equal(p2.json.items.length, 51, 'create + 150 notes');
  assert.equal(p2.json.next_after, null);
  assert.equal(p2.json.items[50].detail.text, '备注 149');
  assert.equal((await users['fengyuan.mediator'].get(`/api/cases/${c.id}/timeline?limit=500`)).status, 400);
  // the case view and its actions stay quick to build: notes are not flow events
  const s = await act('fengyuan.mediator', c.id, { action: 'accept' });
  assert.equal(s.status, 'accepted');
});

test('a case takes at most 500 notes', { timeout: 120000 }, async () => {
  const c = await create('fengyuan.mediator');
  for (let i = 0; i < 500; i++) await act('fengyuan.mediator', c.id, { action: 'note', text: `n${i}` });
  const r = await act('fengyuan.mediator', c.id, { action: 'note', text: '第501条' }, 409);
  assert.equal(r.error.code, 'timeline_full');
  // other actions still work on a full-of-notes case
  assert.equal((await act('fengyuan.mediator', c.id, { action: 'accept' })).status, 'accepted');
});

test('CSV import is for administrators, marks history as imported and keeps it out of the rates', async () => {
  const head = 'title,description,category,region,created_at,status,resolved_level\r\n';
  const row = (i, cat = 'neighbour', lv = 5, region = '330681109290') =>
    `导入历史${i},旧案,${cat},${region},2025-0${1 + (i % 8)}-03T10:00:00+08:00,closed,${lv}\r\n`;
  // a mediator may no longer import
  const med = await users['fengyuan.mediator'].post('/api/import/cases', head + row(0), { 'content-type': 'text/csv' });
  assert.equal(med.status, 403);
  // an admin held at a village imports only there
  srv.cli(['user', 'add', 'fengyuan.admin', '--password', PASSWORD, '--role', 'admin', '--region', '330681109290']);
  const va = new Client(srv.base);
  await va.login('fengyuan.admin', PASSWORD);
  const out = await va.post('/api/import/cases', head + row(1, 'neighbour', 5, '330681109291'), { 'content-type': 'text/csv' });
  assert.equal(out.status, 400);
  assert.equal(out.json.report[0].field, 'region');
  // a case the rules start at the township cannot claim the village
  const land = await users.admin.post('/api/import/cases', head + row(2, 'land_acquisition', 5), { 'content-type': 'text/csv' });
  assert.equal(land.status, 400);
  assert.equal(land.json.report[0].field, 'resolved_level');

  const q = '/api/stats/levels?region=330681109290&from=2025-01-01&to=2025-12-31';
  const before = (await users.admin.get(q)).json;
  let body = head;
  for (let i = 0; i < 10; i++) body += row(i);
  body += row(10, 'neighbour', 4);
  const ok = await users.admin.post('/api/import/cases', body, { 'content-type': 'text/csv' });
  assert.equal(ok.status, 201, ok.text);
  const after = (await users.admin.get(q)).json;
  assert.deepEqual(after.rates, before.rates, 'imported history does not move the headline rates');
  assert.equal(after.resolved, before.resolved);
  assert.equal(after.cases, before.cases);
  assert.equal(after.imported.cases - (before.imported ? before.imported.cases : 0), 11);
  assert.equal(after.imported.resolved_in_village - (before.imported ? before.imported.resolved_in_village : 0), 10);

  const one = (await users.admin.get(`/api/cases/${ok.json.last_id}`)).json;
  assert.equal(one.imported, true);
  assert.equal(one.resolved_level, 4);
  assert.equal(one.level, 4, 'level and resolved level agree');
  assert.equal(one.unit_region, '330681109');
  const r = await users.admin.post(`/api/cases/${one.id}/actions`, { action: 'reopen', reason: '改数' });
  assert.equal(r.status, 409);
  assert.equal(r.json.error.code, 'imported_case');
});
