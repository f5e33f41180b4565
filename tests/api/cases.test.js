// cases.test.js - the case life cycle through the API: intake and its
// validation, routing, every transition and every refusal (409, 403, 404),
// the follow-up rule, timeline and audit, petitions, duplicates, Chinese
// search, lists, level rates and the CSV export.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer, Client } = require('../lib/server');

let srv;
const users = {};
test.before(async () => {
  srv = await startServer({ cases: false });
  for (const u of ['fengyuan.mediator', 'fengyuan.grid', 'leshan.mediator', 'fengqiao.handler',
    'fengqiao.clerk', 'zhuji.analyst', 'shangyu.mediator', 'admin']) {
    users[u] = new Client(srv.base);
    await users[u].login(u);
  }
});
test.after(async () => { await srv.stop(); });

let phoneSeq = 0;
function newCase(over = {}) {
  phoneSeq++;
  return {
    title: '邻里排水纠纷',
    description: '两户之间排水沟被填，雨天积水倒灌。',
    category: 'neighbour',
    channel: 'walk_in',
    region: '330681109290',
    location: { lat: 29.64, lon: 120.39, address: '枫源村3组' },
    parties: [
      { role: 'applicant', name: '骆建华', phone: `1390000${String(phoneSeq).padStart(4, '0')}` },
      { role: 'respondent', name: '陈国强', phone: `1580000${String(phoneSeq).padStart(4, '0')}`, org: null },
    ],
    people_involved: 2,
    amount_in_dispute: 150000,
    occurred_at: '2026-11-01T09:00:00+08:00',
    ...over,
  };
}

async function create(who, over) {
  const r = await users[who].post('/api/cases', newCase(over));
  assert.equal(r.status, 201, r.text);
  return r.json;
}

async function act(who, id, body, status = 200) {
  const r = await users[who].post(`/api/cases/${id}/actions`, body);
  assert.equal(r.status, status, `${body.action} by ${who}: ${r.text}`);
  return r.json;
}

test('intake answers 201 with the whole case', async () => {
  const c = await create('fengyuan.mediator');
  assert.ok(Number.isInteger(c.id));
  assert.match(c.tracking_code, /^FQ-[2-9A-HJ-NP-Z]{5}-[2-9A-HJ-NP-Z]{5}$/);
  assert.equal(c.status, 'registered');
  assert.equal(c.unit_region, '330681109290');
  assert.equal(c.level, 5);
  assert.equal(c.region_name.startsWith('枫源'), true);
  assert.equal(c.channel, 'walk_in');
  assert.equal(c.track, 'dispute');
  assert.equal(c.amount_in_dispute, 150000);
  assert.equal(c.location.address, '枫源村3组');
  assert.equal(c.location.lat, 29.64);
  assert.equal(c.location.lon, 120.39);
  assert.equal(c.occurred_at, '2026-11-01T01:00:00Z');
  assert.equal(c.parties.length, 2);
  assert.match(c.parties[0].phone, /^139\*{4}\d{4}$/, 'phones are masked');
  assert.ok(Array.isArray(c.deadlines));
  const acc = c.deadlines.find((d) => d.kind === 'accept');
  assert.ok(acc && acc.met_at === null && acc.remaining_seconds > 0);
  assert.ok(Array.isArray(c.possible_duplicates));
  assert.deepEqual(c.allowed_actions.filter((a) => ['accept', 'reject'].includes(a)).sort(), ['accept', 'reject']);
  assert.equal(c.public_secret_hash, undefined);
});

test('categories are served with zh-CN and en names', async () => {
  const r = await users.admin.get('/api/categories');
  assert.equal(r.json.items.length, 14);
  const n = r.json.items.find((x) => x.code === 'neighbour');
  assert.equal(n.name_zh, '邻里');
  assert.ok(n.name_en.length > 0);
});

test('each bad field is a 400 that names it', async () => {
  const cases = [
    [{ title: '' }, 'title'],
    [{ title: 'x'.repeat(201) }, 'title'],
    [{ description: undefined }, 'description'],
    [{ category: 'weather' }, 'category'],
    [{ channel: 'pigeon' }, 'channel'],
    [{ track: 'fast' }, 'track'],
    [{ region: '330681109' }, 'region'],
    [{ region: '330681109999' }, 'region'],
    [{ location: { lat: 91, lon: 120 } }, 'location.lat'],
    [{ location: { lat: 29, lon: 181 } }, 'location.lon'],
    [{ parties: [{ role: 'applicant', name: '张三', phone: '12345678901' }] }, 'parties.phone'],
    [{ parties: [{ role: 'applicant', name: '张三', phone: '1380000000' }] }, 'parties.phone'],
    [{ parties: [{ role: 'judge', name: '张三' }] }, 'parties.role'],
    [{ parties: [{ role: 'applicant', name: '' }] }, 'parties.name'],
    [{ people_involved: 0 }, 'people_involved'],
    [{ amount_in_dispute: -1 }, 'amount_in_dispute'],
    [{ occurred_at: '2026-13-01' }, 'occurred_at'],
    [{ title: '控制\u0007字符' }, 'title'],
  ];
  for (const [over, field] of cases) {
    const body = newCase(over);
    const r = await users['fengyuan.mediator'].post('/api/cases', body);
    assert.equal(r.status, 400, `${JSON.stringify(over)} -> ${r.text}`);
    assert.equal(r.json.error.field, field, JSON.stringify(over));
  }
  // nothing was stored by the refusals
  const list = await users['fengyuan.mediator'].get('/api/cases?q=' + encodeURIComponent('控制'));
  assert.equal(list.json.total, 0);
});

test('registering outside one\'s region is 403; an analyst may not register', async () => {
  const r = await users['leshan.mediator'].post('/api/cases', newCase());
  assert.equal(r.status, 403);
  assert.equal(r.json.error.code, 'out_of_scope');
  const a = await users['zhuji.analyst'].post('/api/cases', newCase());
  assert.equal(a.status, 403);
});

test('routing: land acquisition and environment start at the township, so do group disputes', async () => {
  const land = await create('fengyuan.mediator', { category: 'land_acquisition' });
  assert.equal(land.unit_region, '330681109');
  assert.equal(land.level, 4);
  const env = await create('fengyuan.mediator', { category: 'environment' });
  assert.equal(env.level, 4);
  const group = await create('fengyuan.mediator', { people_involved: 10 });
  assert.equal(group.level, 4);
  assert.equal(group.group_dispute, true);
  const small = await create('fengyuan.mediator', { people_involved: 9 });
  assert.equal(small.level, 5);
  assert.equal(small.group_dispute, false);
  // the village mediator sees the township's case in her village but may not act on it
  const r = await users['fengyuan.mediator'].post(`/api/cases/${land.id}/actions`, { action: 'accept' });
  assert.equal(r.status, 403);
  await act('fengqiao.handler', land.id, { action: 'accept' });
});

test('the whole walk: accept, assign, start, suspend, resume, escalate, resolve, follow up, close, reopen', async () => {
  const c = await create('fengyuan.mediator');
  let s = await act('fengyuan.mediator', c.id, { action: 'accept' });
  assert.equal(s.status, 'accepted');
  assert.ok(s.deadlines.find((d) => d.kind === 'accept').met_at);
  assert.ok(s.deadlines.find((d) => d.kind === 'resolve'));
  s = await act('fengyuan.mediator', c.id, { action: 'assign', handler: 'fengyuan.mediator' });
  assert.equal(s.status, 'assigned');
  assert.equal(s.handler, 'fengyuan.mediator');
  s = await act('fengyuan.mediator', c.id, { action: 'start' });
  assert.equal(s.status, 'mediating');
  s = await act('fengyuan.mediator', c.id, { action: 'suspend', reason: '当事人外出' });
  assert.equal(s.status, 'suspended');
  assert.equal(s.deadlines.find((d) => d.kind === 'resolve').paused, true);
  s = await act('fengyuan.mediator', c.id, { action: 'resume' });
  assert.equal(s.status, 'mediating');
  s = await act('fengyuan.mediator', c.id, { action: 'escalate', reason: '村级调解未成' });
  assert.equal(s.status, 'accepted');
  assert.equal(s.unit_region, '330681109');
  assert.equal(s.level, 4);
  assert.equal(s.handler, null);
  // the village can no longer act; the township can
  await act('fengyuan.mediator', c.id, { action: 'assign', handler: 'fengyuan.mediator' }, 403);
  s = await act('fengqiao.handler', c.id, { action: 'assign', handler: 'fengqiao.handler' });
  s = await act('fengqiao.handler', c.id, { action: 'start' });
  s = await act('fengqiao.handler', c.id, { action: 'resolve', outcome: 'agreement', summary: '达成调解协议' });
  assert.equal(s.status, 'resolved');
  assert.equal(s.resolved_level, 4);
  // the follow-up is done by someone other than who resolved it
  const self = await users['fengqiao.handler'].post(`/api/cases/${c.id}/actions`,
    { action: 'follow_up', satisfaction: 'satisfied', confirmed_resolved: true });
  assert.equal(self.status, 403);
  assert.equal(self.json.error.code, 'same_person');
  s = await act('fengqiao.clerk', c.id, { action: 'follow_up', satisfaction: 'satisfied', confirmed_resolved: true });
  assert.equal(s.status, 'followed_up');
  s = await act('fengqiao.clerk', c.id, { action: 'close' });
  assert.equal(s.status, 'closed');
  s = await act('fengqiao.clerk', c.id, { action: 'reopen', reason: '协议未履行' });
  assert.equal(s.status, 'reopened');
  s = await act('fengqiao.clerk', c.id, { action: 'assign', handler: 'fengqiao.clerk' });
  assert.equal(s.status, 'assigned');

  const tl = await users['fengqiao.clerk'].get(`/api/cases/${c.id}/timeline`);
  const steps = tl.json.items.map((x) => x.action);
  assert.deepEqual(steps, ['create', 'accept', 'assign', 'start', 'suspend', 'resume', 'escalate', 'assign',
    'start', 'resolve', 'follow_up', 'close', 'reopen', 'assign']);
  const esc = tl.json.items.find((x) => x.action === 'escalate');
  assert.equal(esc.actor, 'fengyuan.mediator');
  assert.equal(esc.from, 'mediating');
  assert.equal(esc.to, 'accepted');
  assert.equal(esc.reason, '村级调解未成');
  assert.match(esc.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.match(srv.cli(['audit', 'verify']), /intact/);
});

test('reject, refer and unsatisfied follow-up', async () => {
  const a = await create('fengyuan.mediator');
  let s = await act('fengyuan.mediator', a.id, { action: 'reject' }, 400);
  assert.equal(s.error.field, 'reason');
  s = await act('fengyuan.mediator', a.id, { action: 'reject', reason: '不属于受理范围' });
  assert.equal(s.status, 'rejected');
  s = await act('fengyuan.mediator', a.id, { action: 'close' });
  assert.equal(s.status, 'closed');

  const b = await create('fengyuan.mediator');
  await act('fengyuan.mediator', b.id, { action: 'accept' });
  await act('fengyuan.mediator', b.id, { action: 'assign', handler: 'fengyuan.mediator' });
  await act('fengyuan.mediator', b.id, { action: 'start' });
  s = await act('fengyuan.mediator', b.id, { action: 'refer', to: 'court' }, 400);
  assert.equal(s.error.field, 'to');
  s = await act('fengyuan.mediator', b.id, { action: 'refer', to: 'litigation' });
  assert.equal(s.status, 'referred');
  s = await act('fengyuan.mediator', b.id, { action: 'close' });
  assert.equal(s.status, 'closed');

  const c = await create('fengyuan.mediator');
  await act('fengyuan.mediator', c.id, { action: 'accept' });
  await act('fengyuan.mediator', c.id, { action: 'assign', handler: 'fengyuan.mediator' });
  await act('fengyuan.mediator', c.id, { action: 'start' });
  await act('fengyuan.mediator', c.id, { action: 'resolve', outcome: 'mediated', summary: '调解成功' });
  s = await act('fengyuan.grid', c.id, { action: 'follow_up', satisfaction: 'unsatisfied', confirmed_resolved: false });
  assert.equal(s.status, 'reopened');
  assert.equal(s.resolved_level, null);
  const d = await create('fengyuan.mediator');
  await act('fengyuan.mediator', d.id, { action: 'accept' });
  await act('fengyuan.mediator', d.id, { action: 'assign', handler: 'fengyuan.mediator' });
  await act('fengyuan.mediator', d.id, { action: 'start' });
  await act('fengyuan.mediator', d.id, { action: 'resolve', outcome: 'mediated', summary: '调解成功' });
  s = await act('fengyuan.grid', d.id, { action: 'follow_up', satisfaction: 'satisfied', confirmed_resolved: false });
  assert.equal(s.status, 'reopened', 'not confirmed resolved reopens too');
});

test('an action not allowed from the current state is 409 invalid_transition', async () => {
  const c = await create('fengyuan.mediator');
  for (const body of [{ action: 'start' }, { action: 'resolve', outcome: 'mediated', summary: 'x' },
    { action: 'close' }, { action: 'resume' }, { action: 'reopen', reason: 'x' },
    { action: 'follow_up', satisfaction: 'satisfied', confirmed_resolved: true }]) {
    const r = await act('fengyuan.mediator', c.id, body, 409);
    assert.equal(r.error.code, 'invalid_transition', body.action);
  }
  const u = await act('fengyuan.mediator', c.id, { action: 'fly' }, 400);
  assert.equal(u.error.code, 'unknown_action');
  // extensions are for petitions only
  await act('fengyuan.mediator', c.id, { action: 'accept' });
  await act('fengyuan.mediator', c.id, { action: 'assign', handler: 'fengyuan.mediator' });
  const e = await act('admin', c.id, { action: 'extend', reason: 'x' }, 409);
  assert.equal(e.error.code, 'invalid_transition');
});

test('a role not allowed the action is 403; a handler out of scope is 400', async () => {
  const c = await create('fengyuan.mediator');
  const r = await act('zhuji.analyst', c.id, { action: 'accept' }, 403);
  assert.equal(r.error.code, 'forbidden');
  await act('fengyuan.grid', c.id, { action: 'accept' }, 403);
  await act('fengyuan.mediator', c.id, { action: 'accept' });
  const h = await act('fengyuan.mediator', c.id, { action: 'assign', handler: 'shangyu.mediator' }, 400);
  assert.equal(h.error.field, 'handler');
  await act('fengyuan.mediator', c.id, { action: 'assign', handler: 'nobody' }, 400);
  // the analyst sees the case but gets no actions
  const seen = await users['zhuji.analyst'].get(`/api/cases/${c.id}`);
  assert.equal(seen.status, 200);
  assert.deepEqual(seen.json.allowed_actions, []);
});

test('escalation goes one level at a time and stops at the province', async () => {
  const c = await create('fengyuan.mediator');
  await act('fengyuan.mediator', c.id, { action: 'accept' });
  const want = [['330681109', 4], ['330681', 3], ['3306', 2], ['33', 1]];
  for (const [unit, level] of want) {
    const s = await act('admin', c.id, { action: 'escalate', reason: '需要上级协调' });
    assert.equal(s.unit_region, unit);
    assert.equal(s.level, level);
  }
  const top = await act('admin', c.id, { action: 'escalate', reason: '再上报' }, 409);
  assert.equal(top.error.code, 'top_level');
  const r = await act('admin', c.id, { action: 'escalate' }, 400);
  assert.equal(r.error.field, 'reason');
});

test('petitions (信访): acceptance and handling clocks, one extension, review then re-review', async () => {
  const p = await create('fengyuan.mediator', { track: 'petition', channel: 'petition' });
  assert.equal(p.level, 4, 'petitions start at the township');
  assert.ok(p.deadlines.find((d) => d.kind === 'petition_accept'));
  const accDue = new Date(p.deadlines.find((d) => d.kind === 'petition_accept').due_at);
  const days = (accDue - new Date(p.created_at)) / 86400000;
  // 浙江省信访条例 art. 20: five working days (a week, more over a holiday)
  assert.ok(days >= 5 && days <= 7 + 9, `5 working days: ${days}`);
  assert.equal(p.deadlines.find((d) => d.kind === 'petition_accept').days_kind, 'working');
  const h = 'fengqiao.handler';
  let s = await act(h, p.id, { action: 'accept' });
  const accepted = s.updated_at;
  const handle = s.deadlines.find((d) => d.kind === 'petition_handle');
  const hd = (new Date(handle.due_at) - new Date(s.updated_at)) / 86400000;
  assert.ok(hd >= 29 && hd <= 31 + 9, `30 days (art. 23): ${hd}`);
  await act(h, p.id, { action: 'assign', handler: h });
  await act(h, p.id, { action: 'start' });
  // only a petition officer may extend, with a reason, and only once
  await act('fengqiao.clerk', p.id, { action: 'extend', reason: '需调查' }, 403);
  await act(h, p.id, { action: 'extend' }, 400);
  s = await act(h, p.id, { action: 'extend', reason: '情况复杂' });
  const ext = s.deadlines.find((d) => d.kind === 'petition_handle');
  // 30 + 60 days from acceptance (art. 23: extended by at most 60), moved off a rest day: compared with the
  // acceptance, not the first due date, which may itself have been moved
  // (a due date on a Saturday moved to Monday is only 28 days before an
  // extended one that lands on a Monday)
  const xd = (new Date(ext.due_at) - new Date(accepted)) / 86400000;
  assert.ok(xd >= 89 && xd <= 91 + 9, `90 days: ${xd}`);
  const again = await act(h, p.id, { action: 'extend', reason: '再延期' }, 409);
  assert.equal(again.error.code, 'extension_used');
  s = await act(h, p.id, { action: 'resolve', outcome: 'other', summary: '书面答复意见' });
  assert.ok(s.deadlines.find((d) => d.kind === 'review_request'));
  s = await act(h, p.id, { action: 'request_review', reason: '申请复查' });
  assert.equal(s.status, 'under_review');
  assert.ok(s.deadlines.find((d) => d.kind === 'review_decide' && d.met_at === null));
  s = await act(h, p.id, { action: 'answer_review', summary: '复查意见：维持' });
  assert.equal(s.status, 'resolved');
  s = await act(h, p.id, { action: 'request_review', reason: '申请复核' });
  s = await act(h, p.id, { action: 'answer_review', summary: '复核意见：维持' });
  const fin = await act(h, p.id, { action: 'request_review', reason: '再次申请' }, 409);
  assert.equal(fin.error.code, 'review_exhausted');
  // the dispute track has no review
  const d = await create('fengyuan.mediator');
  await act(h, d.id, { action: 'request_review', reason: 'x' }, 409);
});

test('possible duplicates: same party phone, or same category in the same village with similar text', async () => {
  const first = await create('fengyuan.mediator', {
    title: '屋檐滴水纠纷', description: '新建围墙屋檐滴水落入邻家院子',
    parties: [{ role: 'applicant', name: '斯美玲', phone: '13912340001' }],
  });
  const byPhone = await create('fengyuan.mediator', {
    title: '完全不同的事', description: '合同欠款', category: 'contract',
    parties: [{ role: 'applicant', name: '斯美玲', phone: '13912340001' }],
  });
  assert.ok(byPhone.possible_duplicates.some((d) => d.id === first.id && d.reason === 'same_phone'));
  const byText = await create('fengyuan.mediator', {
    title: '屋檐滴水落入邻家', description: '围墙屋檐滴水纠纷', parties: [],
  });
  assert.ok(byText.possible_duplicates.some((d) => d.id === first.id && d.reason === 'similar_text'));
  const elsewhere = await create('leshan.mediator', {
    region: '330681109291', title: '屋檐滴水纠纷', description: '新建围墙屋檐滴水落入邻家院子', parties: [],
  });
  assert.ok(!elsewhere.possible_duplicates.some((d) => d.id === first.id), 'another village is not a duplicate');
  // the intake form can ask before saving
  const chk = await users['fengyuan.mediator'].post('/api/cases/check-duplicates', newCase({
    parties: [{ role: 'applicant', name: '斯美玲', phone: '13912340001' }] }));
  assert.equal(chk.status, 200);
  assert.ok(chk.json.possible_duplicates.length >= 2);
});

test('link, merge and split are kept in the timeline and the audit log', async () => {
  const a = await create('fengyuan.mediator', { title: '围墙纠纷甲' });
  const b = await create('fengyuan.mediator', { title: '围墙纠纷乙' });
  let s = await act('fengyuan.mediator', a.id, { action: 'link', other_id: b.id });
  assert.ok(s.links.some((l) => l.id === b.id && l.kind === 'related'));
  await act('fengyuan.mediator', a.id, { action: 'link', other_id: a.id }, 400);
  const c = await create('fengyuan.mediator', { title: '围墙纠纷丙' });
  s = await act('fengyuan.mediator', c.id, { action: 'merge', other_id: a.id });
  assert.equal(s.status, 'closed');
  assert.equal(s.merged_into, a.id);
  const ta = await users['fengyuan.mediator'].get(`/api/cases/${a.id}/timeline`);
  assert.ok(ta.json.items.some((x) => x.action === 'merge' && x.detail && x.detail.absorbed === c.id));
  s = await act('fengyuan.mediator', b.id, { action: 'split', title: '拆分出的排水问题', description: '排水沟部分单独处理' });
  const tb = await users['fengyuan.mediator'].get(`/api/cases/${b.id}/timeline`);
  const split = tb.json.items.find((x) => x.action === 'split');
  assert.ok(split.detail.new_id > b.id);
  const n = await users['fengyuan.mediator'].get(`/api/cases/${split.detail.new_id}`);
  assert.equal(n.json.title, '拆分出的排水问题');
  assert.ok(n.json.links.some((l) => l.id === b.id && l.kind === 'split_from'));
  assert.match(srv.cli(['audit', 'verify']), /intact/);
});

test('Chinese search finds two-character words and one character', async () => {
  await create('fengyuan.mediator', { title: '袜厂欠薪', description: '工人反映老板拖欠工资三个月' });
  await create('fengyuan.mediator', { title: '屋檐滴水', description: '邻居新建围墙，滴水落入院内' });
  const c = users['fengyuan.mediator'];
  const q = async (s) => (await c.get('/api/cases?page_size=200&q=' + encodeURIComponent(s))).json;
  const wage = await q('欠薪');
  assert.ok(wage.total >= 1);
  assert.ok(wage.items.every((x) => (x.title + x.description).includes('欠薪') || x.title.includes('欠薪')));
  assert.ok((await q('滴水')).items.some((x) => x.title === '屋檐滴水'));
  assert.ok((await q('围墙')).total >= 1);
  assert.ok((await q('工资')).items.some((x) => x.title === '袜厂欠薪'), 'the description is searched');
  assert.ok((await q('骆建华')).total >= 1, 'party names are searched');
  assert.ok((await q('薪')).items.some((x) => x.title === '袜厂欠薪'), 'one character');
  assert.equal((await q('火星')).total, 0);
});

test('lists: filters, paging, sorting and scope', async () => {
  const c = users['fengqiao.handler'];
  const all = await c.get('/api/cases?page_size=5');
  assert.equal(all.status, 200);
  assert.ok(all.json.total > 5);
  assert.equal(all.json.items.length, 5);
  const p2 = await c.get('/api/cases?page_size=5&page=2');
  assert.notDeepEqual(p2.json.items.map((x) => x.id), all.json.items.map((x) => x.id));
  const desc = all.json.items.map((x) => x.created_at);
  assert.deepEqual([...desc].sort().reverse(), desc);
  for (const [k, v] of [['status', 'closed'], ['category', 'neighbour'], ['channel', 'walk_in'], ['track', 'petition']]) {
    const r = await c.get(`/api/cases?page_size=200&${k}=${v}`);
    assert.ok(r.json.items.length > 0, k);
    assert.ok(r.json.items.every((x) => x[k] === v), k);
  }
  const reg = await c.get('/api/cases?page_size=200&region=330681109291');
  assert.ok(reg.json.items.every((x) => x.region.startsWith('330681109291')));
  const bad = await c.get('/api/cases?status=sleeping');
  assert.equal(bad.status, 400);
  assert.equal(bad.json.error.field, 'status');
  assert.equal((await c.get('/api/cases?page_size=500')).status, 400);
  const today = new Date(Date.now() + 8 * 3600000).toISOString().slice(0, 10);
  const dated = await c.get(`/api/cases?from=${today}&to=${today}&page_size=1`);
  assert.equal(dated.json.total, all.json.total);
  const none = await c.get('/api/cases?from=2020-01-01&to=2020-01-02');
  assert.equal(none.json.total, 0);
  const mine = await users['fengyuan.mediator'].get('/api/cases?mine=true&sort=due&page_size=200');
  assert.ok(mine.json.items.every((x) => x.handler === 'fengyuan.mediator' ||
    (x.handler === null && x.unit_region.startsWith('330681109290'))));
  assert.ok(mine.json.items.every((x) => !['closed', 'rejected'].includes(x.status)));
});

test('reading contacts shows full phones and is written to the audit log', async () => {
  const c = await create('fengyuan.mediator');
  const before = srv.cli(['audit', 'verify']).match(/(\d+) entries/)[1];
  const r = await users['fengyuan.mediator'].get(`/api/cases/${c.id}/contacts`);
  assert.equal(r.status, 200);
  assert.match(r.json.parties[0].phone, /^1\d{10}$/);
  const after = srv.cli(['audit', 'verify']).match(/(\d+) entries/)[1];
  assert.equal(Number(after), Number(before) + 1);
  assert.equal((await users['zhuji.analyst'].get(`/api/cases/${c.id}/contacts`)).status, 403);
  assert.equal((await users['shangyu.mediator'].get(`/api/cases/${c.id}/contacts`)).status, 404);
});

test('residents file without an account and track with code and secret', async () => {
  const pub = new Client(srv.base);
  const bad = await pub.post('/api/public/cases', { title: '欠薪', description: 'x', category: 'labour', region: '330681109290', name: '楼小红', phone: '123' });
  assert.equal(bad.status, 400);
  assert.equal(bad.json.error.field, 'phone');
  const r = await pub.post('/api/public/cases', {
    title: '工资被拖欠', description: '在袜厂做工三个月未发工资', category: 'labour', region: '330681109290',
    name: '楼小红', phone: '13755550001',
  });
  assert.equal(r.status, 201, r.text);
  assert.match(r.json.tracking_code, /^FQ-/);
  assert.ok(r.json.secret.length >= 40);
  const t = await pub.get(`/api/public/cases/${r.json.tracking_code}`, { 'x-tracking-secret': r.json.secret });
  assert.equal(t.status, 200);
  assert.equal(t.json.status, 'registered');
  assert.equal(t.json.timeline[0].action, 'create');
  const wrong = await pub.get(`/api/public/cases/${r.json.tracking_code}`, { 'x-tracking-secret': 'nope' });
  assert.equal(wrong.status, 404);
  assert.equal((await pub.get(`/api/public/cases/${r.json.tracking_code}`)).status, 404, 'no secret');
  // the secret in the query string would sit in proxy logs: refused, even when right
  const inUrl = await pub.get(`/api/public/cases/${r.json.tracking_code}?secret=${r.json.secret}`);
  assert.equal(inUrl.status, 400);
  assert.equal(inUrl.json.error.code, 'secret_in_query');
  assert.equal(inUrl.json.error.field, 'secret');
  assert.ok(!inUrl.text.includes(r.json.secret), 'nothing echoed');
  // staff notes never reach the public timeline
  const staff = await users['fengyuan.mediator'].get('/api/cases?q=' + encodeURIComponent('工资被拖欠'));
  const id = staff.json.items[0].id;
  assert.equal(staff.json.items[0].channel, 'web');
  await act('fengyuan.mediator', id, { action: 'note', text: '内部备注：当事人情绪激动' });
  await act('fengyuan.mediator', id, { action: 'accept' });
  const t2 = await pub.get(`/api/public/cases/${r.json.tracking_code}`, { 'x-tracking-secret': r.json.secret });
  assert.equal(t2.json.status, 'accepted');
  assert.ok(!JSON.stringify(t2.json).includes('内部备注'));
  assert.ok(!JSON.stringify(t2.json).includes('13755550001'));
  assert.deepEqual(t2.json.timeline.map((x) => x.action), ['create', 'accept']);
});

test('level rates: resolved in the village, at or below the township, escalated above the county', async () => {
  // a fresh region (乐山村) where this test controls every case
  const before = (await users['fengqiao.handler'].get('/api/stats/levels?region=330681109291')).json;
  const mk = () => create('leshan.mediator', { region: '330681109291' });
  const finish = async (id, who) => {
    await act(who, id, { action: 'assign', handler: who === 'admin' ? 'fengqiao.handler' : who });
    await act(who, id, { action: 'start' });
    await act(who, id, { action: 'resolve', outcome: 'mediated', summary: '调解成功' });
  };
  const v = await mk();
  await act('leshan.mediator', v.id, { action: 'accept' });
  await finish(v.id, 'leshan.mediator');
  await act('fengqiao.clerk', v.id, { action: 'follow_up', satisfaction: 'satisfied', confirmed_resolved: true });
  const t = await mk();
  await act('leshan.mediator', t.id, { action: 'accept' });
  await act('leshan.mediator', t.id, { action: 'escalate', reason: '上报' });
  await finish(t.id, 'fengqiao.handler');
  await act('fengqiao.clerk', t.id, { action: 'follow_up', satisfaction: 'basically_satisfied', confirmed_resolved: true });
  const city = await mk();
  await act('leshan.mediator', city.id, { action: 'accept' });
  for (let i = 0; i < 3; i++) await act('admin', city.id, { action: 'escalate', reason: '上报' });
  await finish(city.id, 'admin');
  await mk(); // open, unresolved
  const r = await users['fengqiao.handler'].get('/api/stats/levels?region=330681109291');
  assert.equal(r.status, 200);
  const d = (k) => r.json[k] - before[k];
  assert.equal(d('cases'), 4);
  assert.equal(d('resolved'), 3);
  assert.equal(d('resolved_in_village'), 1);
  assert.equal(d('resolved_at_or_below_township'), 2);
  assert.equal(d('escalated_above_county'), 1);
  assert.equal(r.json.rates.in_village, r.json.resolved_in_village / r.json.resolved);
  assert.equal(r.json.rates.above_county, r.json.escalated_above_county / r.json.cases);
  assert.ok(r.json.rates.on_time >= 0 && r.json.rates.on_time <= 1);
  assert.equal(r.json.rates.satisfaction, 1);
  const out = await users['leshan.mediator'].get('/api/stats/levels?region=330681109290');
  assert.equal(out.status, 404, 'a sibling village is out of scope');
  const dash = await users['zhuji.analyst'].get('/api/stats/dashboard?region=330681109');
  assert.equal(dash.status, 200);
  assert.ok(dash.json.by_category.length > 0);
  assert.ok(dash.json.children.some((x) => x.code === '330681109291' && x.cases >= 4));
});

test('the CSV export has a BOM, the same filters and the caller\'s scope', async () => {
  const r = await fetch(srv.base + '/api/cases.csv?category=neighbour', { headers: { cookie: users['fengyuan.mediator'].cookie } });
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/csv/);
  const buf = Buffer.from(await r.arrayBuffer());
  assert.deepEqual([...buf.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  const lines = buf.toString('utf8').slice(1).trim().split('\r\n');
  assert.match(lines[0], /^"id","tracking_code","title"/);
  assert.ok(lines.length > 1);
  assert.ok(lines.slice(1).every((l) => l.includes('"neighbour"')));
  assert.ok(lines.slice(1).every((l) => l.includes('"330681109290"')), 'only her village');
  // every matching case, across the store's pages, not just the first page
  const total = (await users['fengyuan.mediator'].get('/api/cases?category=neighbour&page_size=1')).json.total;
  assert.ok(total > 20, `enough cases to span pages (${total})`);
  assert.equal(lines.length - 1, total);
});

test('rollup counters agree with the cases themselves at every level', async () => {
  const c = users.admin;
  for (const region of ['33', '3306', '330681', '330681109', '330681109290']) {
    const total = (await c.get(`/api/cases?region=${region}&page_size=1`)).json.total;
    const levels = (await c.get(`/api/stats/levels?region=${region}`)).json;
    assert.equal(levels.cases, total, `levels at ${region}`);
    const dash = (await c.get(`/api/stats/dashboard?region=${region}`)).json;
    const sum = (xs) => xs.reduce((n, x) => n + x.count, 0);
    assert.equal(sum(dash.by_status), total, `by_status at ${region}`);
    assert.equal(sum(dash.by_category), total, `by_category at ${region}`);
    assert.equal(sum(dash.by_channel), total, `by_channel at ${region}`);
    assert.equal(sum(dash.by_day), total, `by_day at ${region}`);
    assert.equal(sum(dash.by_month), total, `by_month at ${region}`);
    for (const s of dash.by_status) {
      const n = (await c.get(`/api/cases?region=${region}&status=${s.status}&page_size=1`)).json.total;
      assert.equal(s.count, n, `${s.status} at ${region}`);
    }
    const overdue = (await c.get(`/api/cases?region=${region}&overdue=true&page_size=1`)).json.total;
    assert.equal(dash.overdue, overdue, `overdue at ${region}`);
    if (dash.children.length) {
      assert.equal(dash.children.reduce((n, x) => n + x.cases, 0), total, `children at ${region}`);
    }
  }
});

test('possible duplicates never reveal a case the caller cannot see', async () => {
  const hidden = await create('leshan.mediator', {
    region: '330681109291', title: '乐山村的合同纠纷', description: '货款未付',
    parties: [{ role: 'applicant', name: '周海东', phone: '13912349999' }],
  });
  const mine = await create('fengyuan.mediator', {
    parties: [{ role: 'applicant', name: '周海东', phone: '13912349999' }],
  });
  assert.ok(!mine.possible_duplicates.some((d) => d.id === hidden.id), 'the mediator of 枫源村 does not learn of 乐山村\'s case');
  const chk = await users['fengyuan.mediator'].post('/api/cases/check-duplicates', newCase({
    parties: [{ role: 'applicant', name: '周海东', phone: '13912349999' }] }));
  assert.ok(!chk.json.possible_duplicates.some((d) => d.id === hidden.id));
  // the township sees both, and is told
  const town = await users['fengqiao.handler'].get(`/api/cases/${mine.id}`);
  assert.ok(town.json.possible_duplicates.some((d) => d.id === hidden.id && d.reason === 'same_phone'));
});

test('date ranges count whole months and the days at both ends exactly', async () => {
  const c = new Client(srv.base);
  await c.login('admin');
  const days = ['2024-01-15', '2024-01-31', '2024-02-01', '2024-02-10', '2024-03-31', '2024-04-01', '2024-07-04'];
  const csv = 'title,description,category,region,created_at\r\n' +
    days.map((d, i) => `历史区间 ${i},x,${i % 2 ? 'labour' : 'neighbour'},330681109290,${d}T10:00:00+08:00`).join('\r\n') + '\r\n';
  const r = await c.post('/api/import/cases', csv, { 'content-type': 'text/csv' });
  assert.equal(r.status, 201, r.text);
  const count = (from, to) => days.filter((d) => d >= from && d <= to).length;
  const ranges = [['2024-01-20', '2024-03-31'], ['2024-01-01', '2024-12-31'], ['2024-02-01', '2024-02-29'],
    ['2024-01-31', '2024-02-01'], ['2024-04-01', '2024-04-01'], ['2024-02-11', '2024-03-30']];
  for (const region of ['33', '330681', '330681109', '330681109290']) {
    for (const [from, to] of ranges) {
      const q = `region=${region}&from=${from}&to=${to}`;
      const lv = (await c.get(`/api/stats/levels?${q}`)).json;
      assert.equal(lv.cases, count(from, to), `levels ${q}`);
      const dash = (await c.get(`/api/stats/dashboard?${q}`)).json;
      const sum = (xs) => xs.reduce((n, x) => n + x.count, 0);
      assert.equal(sum(dash.by_category), count(from, to), `by_category ${q}`);
      assert.equal(sum(dash.by_month), count(from, to), `by_month ${q}`);
      assert.equal(sum(dash.by_day), count(from, to), `by_day ${q}`);
      const list = (await c.get(`/api/cases?${q}&page_size=1`)).json.total;
      assert.equal(list, count(from, to), `list ${q}`);
    }
  }
});

// last: its imported cases are dated years back, which the tests of today's
// counts above do not expect
test('search lists the newest hits first and misses none: words, party names, one character, ASCII', async () => {
  // imported cases dated out of id order (a later id may be older), then
  // one registered now: the list is newest first by date, not by id
  const days = ['2021-03-01', '2025-06-01', '2019-01-01', '2023-09-15'];
  const csv = 'title,description,category,region,created_at,respondent_name\r\n' +
    days.map((d, i) => `璇玑纠纷 ${i},账目 Zebra7 核对,neighbour,330681109290,${d}T10:00:00+08:00,隗嫣然`)
      .join('\r\n') + '\r\n';
  const r = await users.admin.post('/api/import/cases', csv, { 'content-type': 'text/csv' });
  assert.equal(r.status, 201, r.text);
  await create('fengyuan.mediator', { title: '璇玑再起', description: '新登记的一件' });
  const c = users['fengyuan.mediator'];
  const q = async (s, more = '') =>
    (await c.get('/api/cases?page_size=200&q=' + encodeURIComponent(s) + more)).json;
  const titles = (x) => x.items.map((i) => i.title);
  const newest = ['璇玑再起', '璇玑纠纷 1', '璇玑纠纷 3', '璇玑纠纷 0', '璇玑纠纷 2'];
  const two = await q('璇玑');
  assert.deepEqual(titles(two), newest);
  assert.equal(two.total, 5);
  const p2 = (await c.get('/api/cases?page_size=2&page=2&q=' + encodeURIComponent('璇玑'))).json;
  assert.deepEqual(titles(p2), newest.slice(2, 4), 'a later page keeps the order');
  assert.equal(p2.total, 5);
  assert.deepEqual(titles(await q('玑')), newest, 'one character (a prefix) finds every case');
  assert.deepEqual(titles(await q('璇玑纠纷')), newest.slice(1), 'all bigrams of a longer word');
  assert.deepEqual(titles(await q('隗嫣然')), newest.slice(1), 'a party name');
  assert.deepEqual(titles(await q('嫣')), newest.slice(1), 'one character of a party name');
  assert.deepEqual(titles(await q('ZEBRA7')), newest.slice(1), 'an ASCII word, any case');
  assert.equal((await q('zebra')).total, 0, 'an ASCII word is whole, not a prefix');
  assert.deepEqual(titles(await q('璇玑', '&sort=created_at')), newest.slice().reverse(), 'oldest first');
  // the search keeps the caller's scope: another county sees none of them
  assert.equal((await users['shangyu.mediator'].get('/api/cases?q=' + encodeURIComponent('璇玑'))).json.total, 0);
});
