// queues.test.js - 待办's work queues and team tools (issue 13, items 1, 2
// and 6): queue counts and lists (mine vs my unit's, 新上报 with who, when
// and why, 待回访 for the village's grid worker, paging), 受理并承办 as one
// action logged step by step, 督办 (remind) from above only and shown in
// the handler's queue until answered, 退回 one level down, co-mediators,
// assignment with a note and each candidate's open load, all in scope.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const { startServer, Client } = require('../lib/server');

// Runs sql on the server's database itself (either engine): tab-separated rows.
function sql(text) {
  return srv.db.startsWith('postgres')
    ? execFileSync('psql', [srv.db, '-AtF', '\t', '-c', text], { encoding: 'utf8' })
    : execFileSync('sqlite3', ['-cmd', '.timeout 5000', '-separator', '\t', srv.db, text], { encoding: 'utf8' });
}

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

let seq = 0;
async function create(who, over = {}) {
  seq++;
  const r = await users[who].post('/api/cases', {
    title: `排水纠纷${seq}`,
    description: '两户之间排水沟被填，雨天积水倒灌。',
    category: 'neighbour',
    channel: 'walk_in',
    region: '330681109290',
    parties: [{ role: 'applicant', name: '骆建华', phone: `1391111${String(seq).padStart(4, '0')}` }],
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

async function queue(who, name, qs = '') {
  const r = await users[who].get(`/api/queues/${name}${qs}`);
  assert.equal(r.status, 200, r.text);
  return r.json;
}

async function counts(who) {
  const r = await users[who].get('/api/queues');
  assert.equal(r.status, 200, r.text);
  return r.json.counts;
}

async function timeline(who, id) {
  const r = await users[who].get(`/api/cases/${id}/timeline`);
  assert.equal(r.status, 200, r.text);
  return r.json.items;
}

test('take (受理并承办): accept, assign to self and start in one action, three timeline entries', async () => {
  const c = await create('fengyuan.mediator');
  assert.ok(c.allowed_actions.includes('take'));
  const before = await queue('fengyuan.mediator', 'to_accept');
  const item = before.items.find((x) => x.id === c.id);
  assert.ok(item, 'a new case waits in 待受理 at its unit');
  assert.equal(item.queue.mine, false, 'not yet taken: the unit\'s');
  assert.ok((await queue('fengyuan.mediator', 'to_accept', '?who=unit')).items.some((x) => x.id === c.id));
  assert.ok(!(await queue('fengyuan.mediator', 'to_accept', '?who=mine')).items.some((x) => x.id === c.id));
  assert.equal((await users['fengyuan.mediator'].get('/api/queues/to_accept?who=them')).status, 400);
  const after = await act('fengyuan.mediator', c.id, { action: 'take' });
  assert.equal(after.status, 'mediating');
  assert.equal(after.handler.username || after.handler, 'fengyuan.mediator');
  const steps = (await timeline('fengyuan.mediator', c.id)).map((t) => t.action);
  assert.deepEqual(steps, ['create', 'accept', 'assign', 'start']);
  const ip = await queue('fengyuan.mediator', 'in_progress');
  const mine = ip.items.find((x) => x.id === c.id);
  assert.ok(mine && mine.queue.mine === true, 'now in 办理中 as mine');
  assert.ok((await queue('fengyuan.mediator', 'in_progress', '?who=mine')).items.some((x) => x.id === c.id));
  assert.ok(!(await queue('fengyuan.mediator', 'in_progress', '?who=unit')).items.some((x) => x.id === c.id));
  assert.ok(!(await queue('fengyuan.mediator', 'to_accept')).items.some((x) => x.id === c.id));
  // not from mediating; a grid worker may not take
  await act('fengyuan.mediator', c.id, { action: 'take' }, 409);
  const c2 = await create('fengyuan.mediator');
  await act('fengyuan.grid', c2.id, { action: 'take' }, 403);
  const tl = await timeline('fengyuan.mediator', c2.id);
  assert.equal(tl.length, 1, 'a refused take leaves nothing behind');
});

test('escalated cases top the township\'s 新上报 with who, when and why', async () => {
  const a = await create('fengyuan.mediator');
  await act('fengyuan.mediator', a.id, { action: 'accept' });
  await act('fengyuan.mediator', a.id, { action: 'escalate', reason: '涉及多个村，需镇里协调' });
  const b = await create('fengyuan.mediator');
  await act('fengyuan.mediator', b.id, { action: 'accept' });
  await act('fengyuan.mediator', b.id, { action: 'escalate', reason: '当事人要求镇里处理' });
  const q = await queue('fengqiao.handler', 'escalated');
  assert.equal(q.items[0].id, b.id, 'newest first');
  assert.equal(q.items[1].id, a.id);
  const m = q.items[0].queue.move;
  assert.equal(m.kind, 'escalate');
  assert.equal(m.reason, '当事人要求镇里处理');
  assert.equal(m.actor, 'fengyuan.mediator');
  assert.match(m.actor_name, /张美华/);
  assert.match(m.at, /^\d{4}-\d\d-\d\dT/);
  assert.match(m.from_unit_name, /枫源/);
  const n = await counts('fengqiao.handler');
  assert.ok(n.escalated.total >= 2);
  assert.equal(n.escalated.unit, n.escalated.total, 'not yet taken: the unit\'s');
  // the village's queues no longer hold it; the township's 办理中 not either
  assert.ok(!(await queue('fengqiao.handler', 'in_progress')).items.some((x) => x.id === b.id));
  // the team view shows the same banner facts
  const t = await users['fengqiao.handler'].get(`/api/cases/${b.id}/team`);
  assert.equal(t.status, 200, t.text);
  assert.equal(t.json.move.reason, '当事人要求镇里处理');
  assert.equal(t.json.move.to_unit, '330681109');
  // taken at the township: it leaves 新上报 for the taker's 办理中
  await act('fengqiao.handler', b.id, { action: 'take' });
  assert.ok(!(await queue('fengqiao.handler', 'escalated')).items.some((x) => x.id === b.id));
  assert.ok((await queue('fengqiao.handler', 'in_progress')).items.some((x) => x.id === b.id && x.queue.mine));
});

test('after a resolve the case is in the village grid worker\'s 待回访, not the resolver\'s', async () => {
  const c = await create('fengyuan.mediator');
  await act('fengyuan.mediator', c.id, { action: 'take' });
  await act('fengyuan.mediator', c.id, { action: 'resolve', outcome: 'mediated', summary: '双方达成一致' });
  const g = await queue('fengyuan.grid', 'follow_up');
  const it = g.items.find((x) => x.id === c.id);
  assert.ok(it, 'the grid worker sees it');
  assert.equal(it.queue.mine, true);
  assert.match(it.queue.follow_up_due, /^\d{4}-\d\d-\d\dT/, 'with the follow-up deadline');
  assert.ok(Date.parse(it.queue.follow_up_due) > Date.now() + 3 * 86400e3, '5 working days on');
  assert.equal(it.queue.follow_up_overdue, false);
  assert.ok((await counts('fengyuan.grid')).follow_up.total >= 1);
  assert.ok(!(await queue('fengyuan.mediator', 'follow_up')).items.some((x) => x.id === c.id));
  // another village's grid worker would not: 乐山's mediator has no such queue item
  assert.ok(!(await queue('leshan.mediator', 'follow_up')).items.some((x) => x.id === c.id));
  await act('fengyuan.grid', c.id, { action: 'follow_up', satisfaction: 'satisfied', confirmed_resolved: true });
  assert.ok((await queue('fengyuan.mediator', 'to_close')).items.some((x) => x.id === c.id));
  assert.ok(!(await queue('fengyuan.grid', 'follow_up')).items.some((x) => x.id === c.id));
});

test('督办: the township reminds a village case; the handler sees it until she acts', async () => {
  const c = await create('fengyuan.mediator');
  await act('fengyuan.mediator', c.id, { action: 'take' });
  // only from above the unit, and with a reason
  await act('fengyuan.mediator', c.id, { action: 'remind', reason: '快点' }, 403);
  await act('fengqiao.handler', c.id, { action: 'remind' }, 400);
  const seen = await users['fengqiao.handler'].get(`/api/cases/${c.id}`);
  assert.ok(seen.json.allowed_actions.includes('remind'));
  const own = await users['fengyuan.mediator'].get(`/api/cases/${c.id}`);
  assert.ok(!own.json.allowed_actions.includes('remind'));
  const bell = async () => (await users['fengyuan.mediator'].get('/api/notifications/count')).json.unread;
  const before = await bell();
  const r = await act('fengqiao.handler', c.id, { action: 'remind', reason: '请本周内回复进展' });
  assert.equal(r.status, 'mediating', 'a reminder keeps the state');
  // and rings the handler's bell
  assert.equal(await bell(), before + 1);
  const notes = (await users['fengyuan.mediator'].get('/api/notifications')).json.items;
  assert.ok(notes.some((n) => n.case_id === c.id), JSON.stringify(notes.slice(0, 2)));
  const q = await queue('fengyuan.mediator', 'reminders');
  const it = q.items.find((x) => x.id === c.id);
  assert.ok(it, 'in the handler\'s 督办 queue');
  assert.equal(it.queue.reminder.reason, '请本周内回复进展');
  assert.match(it.queue.reminder.actor_name, /王建国/);
  assert.ok((await counts('fengyuan.mediator')).reminders.mine >= 1);
  const tl = await timeline('fengyuan.mediator', c.id);
  const e = tl.find((x) => x.action === 'remind');
  assert.equal(e.reason, '请本周内回复进展');
  assert.equal(e.actor, 'fengqiao.handler');
  const team = await users['fengyuan.mediator'].get(`/api/cases/${c.id}/team`);
  assert.equal(team.json.reminders.length, 1);
  // the reminder's author adding a note does not settle it; the handler's does
  await act('fengqiao.handler', c.id, { action: 'note', text: '已电话催促' });
  assert.ok((await queue('fengyuan.mediator', 'reminders')).items.some((x) => x.id === c.id));
  await act('fengyuan.mediator', c.id, { action: 'note', text: '已约双方周五见面' });
  assert.ok(!(await queue('fengyuan.mediator', 'reminders')).items.some((x) => x.id === c.id));
  // the audit log has it, and its chain holds
  const audited = sql(`SELECT actor, detail FROM audit_log WHERE action = 'case.remind' AND entity_id = '${c.id}'`);
  assert.match(audited, /^fengqiao\.handler\t.*请本周内回复进展/);
  assert.match(srv.cli(['audit', 'verify']), /intact/);
});

test('退回: the township sends an escalated case back down to the village with a reason', async () => {
  const c = await create('fengyuan.mediator');
  await act('fengyuan.mediator', c.id, { action: 'accept' });
  await act('fengyuan.mediator', c.id, { action: 'escalate', reason: '需要协调' });
  await act('fengqiao.handler', c.id, { action: 'send_back' }, 400);
  const back = await act('fengqiao.handler', c.id, { action: 'send_back', reason: '属村内纠纷，请村调委会就地调解' });
  assert.equal(back.unit_region, '330681109290');
  assert.equal(back.level, 5);
  assert.equal(back.status, 'accepted');
  // at the village it cannot go lower, and the village sees it with the reason
  assert.ok(!back.allowed_actions.includes('send_back'));
  await act('fengyuan.mediator', c.id, { action: 'send_back', reason: 'x' }, 409);
  const q = await queue('fengyuan.mediator', 'in_progress');
  const it = q.items.find((x) => x.id === c.id);
  assert.ok(it && it.queue.mine === false);
  assert.equal(it.queue.move.kind, 'send_back');
  assert.equal(it.queue.move.reason, '属村内纠纷，请村调委会就地调解');
});

test('co-mediators: stored per case, checked, shown in their 办理中 and the timeline', async () => {
  const c = await create('fengyuan.mediator');
  await act('fengyuan.mediator', c.id, { action: 'take' });
  await act('fengyuan.mediator', c.id, { action: 'co_mediate', co_mediators: ['fengyuan.grid'] }, 400);
  await act('fengyuan.mediator', c.id, { action: 'co_mediate', co_mediators: ['leshan.mediator'] }, 400);
  await act('fengyuan.mediator', c.id, { action: 'co_mediate' }, 400);
  await act('fengyuan.mediator', c.id, { action: 'co_mediate', co_mediators: ['fengqiao.clerk', 'fengqiao.clerk'] }, 400);
  await act('fengyuan.mediator', c.id, { action: 'co_mediate', co_mediators: ['fengqiao.clerk'] });
  const t = await users['fengyuan.mediator'].get(`/api/cases/${c.id}/team`);
  assert.deepEqual(t.json.co_mediators.map((x) => x.username), ['fengqiao.clerk']);
  assert.match(t.json.co_mediators[0].display_name, /李晓燕/);
  const q = await queue('fengqiao.clerk', 'in_progress');
  assert.ok(q.items.some((x) => x.id === c.id && x.queue.mine), 'the co-mediator\'s own work');
  const tl = await timeline('fengyuan.mediator', c.id);
  assert.deepEqual(tl.find((x) => x.action === 'co_mediate').detail.co_mediators, ['fengqiao.clerk']);
});

test('assign with a note; candidates carry their open load, scoped', async () => {
  const c = await create('fengyuan.mediator');
  await act('fengyuan.mediator', c.id, { action: 'accept' });
  const r = await users['fengyuan.mediator'].get(`/api/cases/${c.id}/candidates`);
  assert.equal(r.status, 200, r.text);
  const me = r.json.items.find((x) => x.username === 'fengyuan.mediator');
  assert.ok(me && Number.isInteger(me.open) && me.open >= 1, JSON.stringify(r.json));
  assert.ok(!r.json.items.some((x) => x.username === 'fengyuan.grid'), 'grid workers do not handle');
  assert.ok(!r.json.items.some((x) => x.username === 'leshan.mediator'), 'another village\'s mediator cannot');
  const hq = await users['fengqiao.handler'].get(`/api/cases/${c.id}/candidates`);
  const clerk = hq.json.items.find((x) => x.username === 'fengqiao.clerk');
  assert.ok(clerk && Number.isInteger(clerk.open));
  await act('fengyuan.mediator', c.id, { action: 'assign', handler: 'fengyuan.mediator', note: '由我负责，周三前联系双方' });
  const tl = await timeline('fengyuan.mediator', c.id);
  assert.equal(tl.find((x) => x.action === 'assign').detail.note, '由我负责，周三前联系双方');
  const after = await users['fengyuan.mediator'].get(`/api/cases/${c.id}/candidates`);
  assert.equal(after.json.items.find((x) => x.username === 'fengyuan.mediator').open, me.open + 1,
    'her load grows by the case now hers');
  // out of scope: another county's mediator gets 404 for the case's team and candidates
  assert.equal((await users['shangyu.mediator'].get(`/api/cases/${c.id}/candidates`)).status, 404);
  assert.equal((await users['shangyu.mediator'].get(`/api/cases/${c.id}/team`)).status, 404);
});

test('queues page past 100, refuse unknown names and bad pages, and stay in scope', async () => {
  assert.equal((await users['fengyuan.mediator'].get('/api/queues/nope')).status, 404);
  assert.equal((await users['fengyuan.mediator'].get('/api/queues/to_accept?page_size=101')).status, 400);
  assert.equal((await users['fengyuan.mediator'].get('/api/queues/to_accept?page=0')).status, 400);
  for (let i = 0; i < 3; i++) await create('fengyuan.mediator');
  const n = (await counts('fengyuan.mediator')).to_accept.total;
  assert.ok(n >= 3);
  const p1 = await queue('fengyuan.mediator', 'to_accept', '?page_size=2');
  const p2 = await queue('fengyuan.mediator', 'to_accept', '?page_size=2&page=2');
  assert.equal(p1.total, n);
  assert.equal(p1.items.length, 2);
  assert.ok(p2.items.length >= 1);
  assert.ok(!p2.items.some((x) => p1.items.some((y) => y.id === x.id)), 'pages do not overlap');
  // another county sees none of these; an analyst has no queue work
  const sy = await counts('shangyu.mediator');
  for (const k of Object.keys(sy)) assert.equal(sy[k].total, 0, k);
  const an = await counts('zhuji.analyst');
  for (const k of Object.keys(an)) assert.equal(an[k].total, 0, k);
});
