// team.test.js - service teams (服务团队, issue 15; docs/teams.md): teams of
// a township with members and the places they serve, managed by admins and
// township cadres only; members' phones shown only to staff over the team's
// region; a grid worker's request for help on a case in scope, answered by
// a member (accept, done; decline needs a note) with a deadline on the
// working calendar and overdue shown; scope of every read; bad input 4xx.
// Runs on SQLite, and PostgreSQL when FQ_TEST_PG is set.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const { startServer, Client, BIN, ROOT } = require('../lib/server');

const VILLAGE = '330681109290'; // 枫源村
const LESHAN = '330681109291'; // 乐山村
const TOWN = '330681109'; // 枫桥镇
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

const patch = (who, p, b) => u[who].req('PATCH', p, b);
const del = (who, p) => u[who].req('DELETE', p);

function sql(q) {
  return (process.env.FQ_TEST_PG
    ? execFileSync('psql', [srv.db, '-tAc', q], { encoding: 'utf8' })
    : execFileSync('sqlite3', ['-cmd', '.timeout 5000', srv.db, q], { encoding: 'utf8' })).trim();
}

let seq = 0;
async function makeCase(region = VILLAGE, who = 'fengyuan.mediator') {
  seq++;
  const r = await u[who].post('/api/cases', {
    title: `邻里排水纠纷${seq}`, description: '一户填埋排水沟，雨天积水倒灌邻居家，双方多次争吵。',
    category: 'neighbour', channel: 'grid_patrol', region, location: { address: '5组' },
    parties: [{ role: 'applicant', name: '骆建华', phone: `1390003${String(seq).padStart(4, '0')}` }],
  });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

async function demoTeam(name) {
  const r = await u['fengqiao.handler'].get('/api/v1/teams');
  assert.equal(r.status, 200, r.text);
  const t = r.json.items.find((x) => x.name === name);
  assert.ok(t, `demo team ${name}`);
  return t;
}

test('the demo teams serve their villages; phones only for staff over the team\'s region', async () => {
  const legal = await demoTeam('枫桥镇法律服务团');
  assert.equal(legal.kind, 'legal');
  assert.equal(legal.region, TOWN);
  assert.equal(legal.can_manage, true);
  assert.deepEqual(legal.assignments.map((a) => a.region).sort(), [VILLAGE, LESHAN]);
  const lawyer = legal.members.find((m) => m.specialty === 'legal_adviser');
  assert.equal(lawyer.phone, '0575-87000010', 'the township cadre sees the phone');
  assert.equal(lawyer.user_id, null);
  assert.ok(legal.members.some((m) => m.username === 'fengyuan.mediator' && m.specialty === 'mediator'));

  // the grid worker of 枫源村 sees both township teams, without phones
  const g = await u['fengyuan.grid'].get(`/api/v1/teams?region=${VILLAGE}`);
  assert.equal(g.status, 200, g.text);
  const names = g.json.items.map((t) => t.name).sort();
  assert.deepEqual(names, ['枫桥镇百事服务团', '枫桥镇法律服务团'].sort());
  for (const t of g.json.items) {
    assert.equal(t.can_manage, false);
    for (const m of t.members) assert.equal(m.phone, null, `${t.name}: ${m.display_name}`);
  }
  const one = await u['fengyuan.grid'].get(`/api/v1/teams/${legal.id}`);
  assert.equal(one.status, 200);
  assert.ok(one.json.members.every((m) => m.phone === null));
  assert.ok(!one.text.includes('0575-87000010'));
  // the county analyst (over the township) sees the phone
  const a = await u['zhuji.analyst'].get(`/api/v1/teams/${legal.id}`);
  assert.equal(a.status, 200);
  assert.ok(a.text.includes('0575-87000010'));
  // another county: not seen at all
  const s = await u['shangyu.mediator'].get(`/api/v1/teams/${legal.id}`);
  assert.equal(s.status, 404);
  const sl = await u['shangyu.mediator'].get('/api/v1/teams');
  assert.equal(sl.status, 200);
  assert.equal(sl.json.items.length, 0);
  // a village elsewhere in the township: only the team with no assignment
  const other = await u['fengqiao.handler'].get(`/api/v1/teams?region=${TOWN}999`);
  assert.equal(other.status, 200);
  assert.deepEqual(other.json.items.map((t) => t.name), ['枫桥镇百事服务团']);
});

test('teams: created, changed, staffed, assigned and archived by township cadres only', async () => {
  const h = 'fengqiao.handler';
  const r = await u[h].post('/api/v1/teams', { name: '枫桥镇心理服务队', region: TOWN, kind: 'counselling' });
  assert.equal(r.status, 201, r.text);
  const id = r.json.id;
  assert.equal(r.json.kind, 'counselling');
  assert.deepEqual(r.json.members, []);

  // who may not
  for (const who of ['fengyuan.grid', 'fengyuan.mediator', 'zhuji.analyst']) {
    const x = await u[who].post('/api/v1/teams', { name: '自建队', region: TOWN, kind: 'other' });
    assert.equal(x.status, 403, `${who}: ${x.text}`);
  }
  assert.equal((await patch('fengyuan.grid', `/api/v1/teams/${id}`, { name: 'x' })).status, 403);
  assert.equal((await patch('shangyu.mediator', `/api/v1/teams/${id}`, { name: 'x' })).status, 404);
  assert.equal((await u.admin.post(`/api/v1/teams/${id}/members`, { display_name: '金燕', specialty: 'counsellor' })).status, 201);

  const e = await patch(h, `/api/v1/teams/${id}`, { name: '枫桥镇心理咨询队' });
  assert.equal(e.status, 200, e.text);
  assert.equal(e.json.name, '枫桥镇心理咨询队');

  const m1 = await u[h].post(`/api/v1/teams/${id}/members`, { username: 'leshan.mediator', specialty: 'mediator' });
  assert.equal(m1.status, 201, m1.text);
  const mem = m1.json.members.find((m) => m.username === 'leshan.mediator');
  assert.equal(mem.display_name, '赵红英（乐山村调委会）');
  const dup = await u[h].post(`/api/v1/teams/${id}/members`, { username: 'leshan.mediator', specialty: 'mediator' });
  assert.equal(dup.status, 409, dup.text);
  const m2 = await u[h].post(`/api/v1/teams/${id}/members`, { display_name: '周丽萍', specialty: 'volunteer', phone: '139 0000 0003' });
  assert.equal(m2.status, 201, m2.text);
  assert.equal(m2.json.members.length, 3);

  const a1 = await u[h].post(`/api/v1/teams/${id}/assignments`, { region: LESHAN });
  assert.equal(a1.status, 201, a1.text);
  assert.equal(a1.json.assignments[0].region, LESHAN);
  const a2 = await u[h].post(`/api/v1/teams/${id}/assignments`, { region: LESHAN });
  assert.equal(a2.status, 409, a2.text);
  // now it serves 乐山村 only
  const byVillage = await u[h].get(`/api/v1/teams?region=${VILLAGE}`);
  assert.ok(!byVillage.json.items.some((t) => t.id === id));
  const byLeshan = await u[h].get(`/api/v1/teams?region=${LESHAN}`);
  assert.ok(byLeshan.json.items.some((t) => t.id === id));

  const aid = a1.json.assignments[0].id;
  assert.equal((await del(h, `/api/v1/teams/${id}/assignments/${aid}`)).status, 204);
  assert.equal((await del(h, `/api/v1/teams/${id}/assignments/${aid}`)).status, 404);
  const mid = m2.json.members.find((m) => m.display_name === '周丽萍').id;
  assert.equal((await del('fengyuan.grid', `/api/v1/teams/${id}/members/${mid}`)).status, 403);
  assert.equal((await del(h, `/api/v1/teams/${id}/members/${mid}`)).status, 204);

  assert.equal((await del(h, `/api/v1/teams/${id}`)).status, 204);
  const list = await u[h].get('/api/v1/teams');
  assert.ok(!list.json.items.some((t) => t.id === id), 'archived teams are not listed');
  assert.equal((await patch(h, `/api/v1/teams/${id}`, { name: 'y' })).status, 409);
  assert.ok(Number(sql(`SELECT count(*) FROM audit_log WHERE entity = 'team' AND entity_id = '${id}'`)) >= 7);
});

test('teams: bad input is a 4xx with the field named', async () => {
  const h = 'fengqiao.handler';
  const bad = [
    [{ region: TOWN, kind: 'legal' }, 400, 'required', 'name'],
    [{ name: '队', region: TOWN, kind: 'police' }, 400, 'unknown_value', 'kind'],
    [{ name: '队', region: VILLAGE, kind: 'legal' }, 400, 'invalid_region', 'region'],
    [{ name: '队', region: '330681109998', kind: 'legal' }, 400, 'invalid_region', 'region'],
    [{ name: '队', region: '330681998', kind: 'legal' }, 400, 'unknown_region', 'region'],
    [{ name: 'x'.repeat(201), region: TOWN, kind: 'legal' }, 400, 'too_long', 'name'],
    [{ name: 7, region: TOWN, kind: 'legal' }, 400, 'invalid_type', 'name'],
    [{ name: '   ', region: TOWN, kind: 'legal' }, 400, 'required', 'name'],
  ];
  for (const [body, status, code, field] of bad) {
    const r = await u[h].post('/api/v1/teams', body);
    assert.equal(r.status, status, `${JSON.stringify(body)}: ${r.text}`);
    assert.equal(r.json.error.code, code);
    assert.equal(r.json.error.field, field);
  }
  const arr = await u[h].post('/api/v1/teams', [1, 2]);
  assert.equal(arr.status, 400);
  const legal = await demoTeam('枫桥镇法律服务团');
  const mbad = [
    [{ display_name: '甲', specialty: 'wizard' }, 'unknown_value', 'specialty'],
    [{ specialty: 'volunteer' }, 'required', 'display_name'],
    [{ display_name: '甲', specialty: 'volunteer', phone: 'call me' }, 'invalid_phone', 'phone'],
    [{ username: 'nobody.here', specialty: 'volunteer' }, 'unknown_value', 'username'],
  ];
  for (const [body, code, field] of mbad) {
    const r = await u[h].post(`/api/v1/teams/${legal.id}/members`, body);
    assert.equal(r.status, 400, `${JSON.stringify(body)}: ${r.text}`);
    assert.equal(r.json.error.code, code);
    assert.equal(r.json.error.field, field);
  }
  const abad = [
    [{}, 'required', 'region'],
    [{ region: '330604' }, 'invalid_region', 'region'],
    [{ grid_id: 999999 }, 'unknown_value', 'grid_id'],
    [{ grid_id: 'one' }, 'invalid_type', 'grid_id'],
  ];
  for (const [body, code, field] of abad) {
    const r = await u[h].post(`/api/v1/teams/${legal.id}/assignments`, body);
    assert.equal(r.status, 400, `${JSON.stringify(body)}: ${r.text}`);
    assert.equal(r.json.error.code, code);
    assert.equal(r.json.error.field, field);
  }
  assert.equal((await u[h].get('/api/v1/teams?region=abc')).status, 400);
  assert.equal((await u[h].get('/api/v1/teams?grid_id=x')).status, 400);
  assert.equal((await u[h].get('/api/v1/teams/abc')).status, 404);
});

function bjDate(iso) {
  return new Date(Date.parse(iso) + 8 * 3600e3).toISOString().slice(0, 10);
}

test('a grid worker asks a team for help on a case; a member accepts and marks it done', async () => {
  const legal = await demoTeam('枫桥镇法律服务团');
  const c = await makeCase();
  const g = 'fengyuan.grid';
  const r = await u[g].post('/api/v1/team-requests', {
    team_id: legal.id, case_id: c.id, need: '当事人对宅基地界址有法律疑问，请律师到场解答。', days: 2,
  });
  assert.equal(r.status, 201, r.text);
  const q = r.json;
  assert.equal(q.status, 'requested');
  assert.equal(q.case_id, c.id);
  assert.equal(q.case_title, c.title);
  assert.equal(q.region, VILLAGE);
  assert.equal(q.mine, true);
  assert.equal(q.overdue, false);
  assert.equal(q.can_answer, false);
  // the deadline: the end of the Beijing working day 2 working days later
  const today = bjDate(q.created_at);
  const want = execFileSync(BIN, ['calendar', 'add', today, '2'], { cwd: ROOT, encoding: 'utf8' }).trim();
  assert.equal(bjDate(q.deadline), want);
  assert.ok(q.deadline.endsWith('T15:59:59Z'), q.deadline);
  const d3 = await u[g].post('/api/v1/team-requests', { team_id: legal.id, case_id: c.id, need: '默认期限' });
  assert.equal(d3.status, 201);
  const want3 = execFileSync(BIN, ['calendar', 'add', today, '3'], { cwd: ROOT, encoding: 'utf8' }).trim();
  assert.equal(bjDate(d3.json.deadline), want3);

  // the member sees it among their team's requests
  const m = 'fengyuan.mediator';
  const mine = await u[m].get('/api/v1/team-requests?my_teams=1&open=1');
  assert.equal(mine.status, 200);
  const seen = mine.json.items.find((x) => x.id === q.id);
  assert.ok(seen);
  assert.equal(seen.can_answer, true);
  assert.equal(seen.my_team, true);
  // the asker's own list
  const asked = await u[g].get('/api/v1/team-requests?mine=1');
  assert.ok(asked.json.items.some((x) => x.id === q.id));
  const byCase = await u[g].get(`/api/v1/team-requests?case_id=${c.id}`);
  assert.equal(byCase.json.items.length, 2);

  // the asker cannot answer; done before accept is refused
  assert.equal((await u[g].post(`/api/v1/team-requests/${q.id}/actions/accept`, {})).status, 403);
  const early = await u[m].post(`/api/v1/team-requests/${q.id}/actions/done`, {});
  assert.equal(early.status, 409);
  assert.equal(early.json.error.code, 'invalid_transition');
  const unknown = await u[m].post(`/api/v1/team-requests/${q.id}/actions/explode`, {});
  assert.equal(unknown.status, 400);
  assert.equal(unknown.json.error.code, 'unknown_action');

  const acc = await u[m].post(`/api/v1/team-requests/${q.id}/actions/accept`, { note: '明天上午到村' });
  assert.equal(acc.status, 200, acc.text);
  assert.equal(acc.json.status, 'accepted');
  assert.ok(acc.json.answered_at);
  const fin = await u[m].post(`/api/v1/team-requests/${q.id}/actions/done`, { note: '已到场解答，双方接受' });
  assert.equal(fin.status, 200, fin.text);
  assert.equal(fin.json.status, 'done');
  assert.ok(fin.json.done_at);
  assert.equal(fin.json.open, false);
  assert.deepEqual(fin.json.steps.map((s) => s.action), ['request', 'accept', 'done']);
  assert.equal(fin.json.steps[2].note, '已到场解答，双方接受');
  assert.equal((await u[m].post(`/api/v1/team-requests/${q.id}/actions/decline`, { note: 'x' })).status, 409);

  // decline needs a reason
  const nn = await u[m].post(`/api/v1/team-requests/${d3.json.id}/actions/decline`, {});
  assert.equal(nn.status, 400);
  assert.equal(nn.json.error.field, 'note');
  const dec = await u[m].post(`/api/v1/team-requests/${d3.json.id}/actions/decline`, { note: '已由乡镇处理' });
  assert.equal(dec.status, 200);
  assert.equal(dec.json.status, 'declined');
  assert.equal(sql(`SELECT count(*) FROM audit_log WHERE action LIKE 'team_request.%' AND entity_id = '${q.id}'`), '3');
});

test('requests: scope of the case, the team\'s places, who sees them, overdue', async () => {
  const legal = await demoTeam('枫桥镇法律服务团');
  const help = await demoTeam('枫桥镇百事服务团');
  const c = await makeCase();
  // another county's mediator cannot ask on a case outside their scope
  const s = await u['shangyu.mediator'].post('/api/v1/team-requests', { team_id: legal.id, case_id: c.id, need: '求助' });
  assert.equal(s.status, 404);
  // the analyst sees the case but does not work it
  const an = await u['zhuji.analyst'].post('/api/v1/team-requests', { team_id: legal.id, case_id: c.id, need: '求助' });
  assert.equal(an.status, 403);
  // a team that does not serve the village
  const h = 'fengqiao.handler';
  const t = await u[h].post('/api/v1/teams', { name: '乐山村专属调解队', region: TOWN, kind: 'mediation' });
  await u[h].post(`/api/v1/teams/${t.json.id}/assignments`, { region: LESHAN });
  const ns = await u['fengyuan.grid'].post('/api/v1/team-requests', { team_id: t.json.id, case_id: c.id, need: '求助' });
  assert.equal(ns.status, 403);
  assert.equal(ns.json.error.code, 'out_of_scope');
  const nt = await u['fengyuan.grid'].post('/api/v1/team-requests', { team_id: 999999, case_id: c.id, need: '求助' });
  assert.equal(nt.status, 404);

  // the volunteers serve the whole township
  const r = await u['fengyuan.grid'].post('/api/v1/team-requests', { team_id: help.id, case_id: c.id, need: '帮助独居老人搬运物品' });
  assert.equal(r.status, 201, r.text);
  const id = r.json.id;
  // 乐山村's mediator: not the asker, not a member, not over 枫源村
  assert.equal((await u['leshan.mediator'].get(`/api/v1/team-requests/${id}`)).status, 404);
  const ll = await u['leshan.mediator'].get('/api/v1/team-requests');
  assert.ok(!ll.json.items.some((x) => x.id === id));
  // a member out of the case's scope sees the request, not the case
  const added = await u[h].post(`/api/v1/teams/${help.id}/members`, { username: 'leshan.mediator', specialty: 'volunteer' });
  assert.equal(added.status, 201, added.text);
  const asMember = await u['leshan.mediator'].get(`/api/v1/team-requests/${id}`);
  assert.equal(asMember.status, 200);
  assert.equal(asMember.json.case_id, c.id);
  assert.equal(asMember.json.case_title, null);
  assert.equal(asMember.json.case_code, null);
  assert.ok(!asMember.text.includes(c.title));
  assert.equal(asMember.json.can_answer, true);
  // the township sees it (over the village)
  assert.equal((await u[h].get(`/api/v1/team-requests/${id}`)).status, 200);
  assert.equal((await u['shangyu.mediator'].get(`/api/v1/team-requests/${id}`)).status, 404);

  // overdue once its deadline has passed while open
  sql(`UPDATE team_requests SET deadline = 1000 WHERE id = ${id}`);
  const o = await u['fengyuan.grid'].get('/api/v1/team-requests?mine=1&open=1');
  const row = o.json.items.find((x) => x.id === id);
  assert.equal(row.overdue, true);
  assert.ok(o.json.overdue >= 1);
});

test('requests: bad input is a 4xx with the field named', async () => {
  const legal = await demoTeam('枫桥镇法律服务团');
  const c = await makeCase();
  const g = 'fengyuan.grid';
  const bad = [
    [{ case_id: c.id, need: '求助' }, 'required', 'team_id'],
    [{ team_id: legal.id, need: '求助' }, 'required', 'case_id'],
    [{ team_id: legal.id, case_id: c.id }, 'required', 'need'],
    [{ team_id: legal.id, case_id: c.id, need: '字'.repeat(700) }, 'too_long', 'need'],
    [{ team_id: legal.id, case_id: c.id, need: '求助', days: 0 }, 'out_of_range', 'days'],
    [{ team_id: legal.id, case_id: c.id, need: '求助', days: 31 }, 'out_of_range', 'days'],
    [{ team_id: legal.id, case_id: c.id, need: '求助', days: 'soon' }, 'invalid_type', 'days'],
    [{ team_id: 'legal', case_id: c.id, need: '求助' }, 'invalid_type', 'team_id'],
    [{ team_id: legal.id, case_id: -4, need: '求助' }, 'invalid_type', 'case_id'],
  ];
  for (const [body, code, field] of bad) {
    const r = await u[g].post('/api/v1/team-requests', body);
    assert.equal(r.status, 400, `${JSON.stringify(body)}: ${r.text}`);
    assert.equal(r.json.error.code, code);
    assert.equal(r.json.error.field, field);
  }
  const notJson = await u[g].post('/api/v1/team-requests', 'need=help', { 'content-type': 'text/plain' });
  assert.ok(notJson.status >= 400 && notJson.status < 500);
  assert.equal((await u[g].get('/api/v1/team-requests?status=lost')).status, 400);
  assert.equal((await u[g].get('/api/v1/team-requests?team_id=-1')).status, 400);
  assert.equal((await u[g].get('/api/v1/team-requests/999999')).status, 404);
  const anon = new Client(srv.base);
  assert.equal((await anon.get('/api/v1/team-requests')).status, 401);
  assert.equal((await anon.get('/api/v1/teams')).status, 401);
});

test('a grid: teams assigned to it, and a request on a grid event seen by the grid\'s staff', async () => {
  const code = `FY-T${Date.now() % 100000}`;
  sql(`INSERT INTO grids(region, code, name) VALUES ('${VILLAGE}', '${code}', '枫源村第三网格')`);
  const gid = Number(sql(`SELECT id FROM grids WHERE code = '${code}'`));
  const uid = (name) => Number(sql(`SELECT id FROM users WHERE username = '${name}'`));
  // shangyu.mediator (another county) serves this grid part-time: its work is theirs to see
  sql(`INSERT INTO grid_staff(grid_id, user_id, duty) VALUES (${gid}, ${uid('shangyu.mediator')}, 'part_time')`);
  const h = 'fengqiao.handler';
  const t = await u[h].post('/api/v1/teams', { name: '第三网格帮办队', region: TOWN, kind: 'volunteer' });
  assert.equal(t.status, 201);
  const a = await u[h].post(`/api/v1/teams/${t.json.id}/assignments`, { grid_id: gid });
  assert.equal(a.status, 201, a.text);
  assert.equal(a.json.assignments[0].grid_id, gid);
  assert.equal(a.json.assignments[0].grid_name, '枫源村第三网格');
  const byGrid = await u['fengyuan.grid'].get(`/api/v1/teams?grid_id=${gid}`);
  assert.equal(byGrid.status, 200, byGrid.text);
  assert.ok(byGrid.json.items.some((x) => x.id === t.json.id));
  assert.equal((await u['leshan.mediator'].get(`/api/v1/teams?grid_id=${gid}`)).status, 404);
  assert.equal((await u[h].get('/api/v1/teams?grid_id=999999')).status, 404);

  const r = await u['fengyuan.grid'].post('/api/v1/team-requests', {
    team_id: t.json.id, grid_id: gid, event_id: 77, need: '网格内独居老人房屋漏雨，需志愿者帮忙修补。',
  });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.grid_id, gid);
  assert.equal(r.json.event_id, 77);
  assert.equal(r.json.case_id, null);
  assert.equal(r.json.region, VILLAGE);
  const ev = await u['fengyuan.grid'].get('/api/v1/team-requests?event_id=77');
  assert.deepEqual(ev.json.items.map((x) => x.id), [r.json.id]);
  // the grid's staff sees it, though outside their region
  assert.equal((await u['shangyu.mediator'].get(`/api/v1/team-requests/${r.json.id}`)).status, 200);
  // 乐山村's mediator neither serves the grid nor is over it
  assert.equal((await u['leshan.mediator'].get(`/api/v1/team-requests/${r.json.id}`)).status, 404);
  const out = await u['leshan.mediator'].post('/api/v1/team-requests', { team_id: t.json.id, grid_id: gid, need: '求助' });
  assert.equal(out.status, 404);

  // a case of this grid, which 枫源村's grid worker does not serve (he
  // serves the demo's grids): the township's request about it shows him
  // the request of his village, never the case
  const c = await makeCase();
  sql(`UPDATE cases SET grid = '${code}' WHERE id = ${c.id}`);
  assert.equal((await u['fengyuan.grid'].get(`/api/cases/${c.id}`)).status, 404);
  const hr = await u[h].post('/api/v1/team-requests', { team_id: t.json.id, case_id: c.id, need: '请志愿者上门' });
  assert.equal(hr.status, 201, hr.text);
  assert.equal(hr.json.case_title, c.title);
  const seen = await u['fengyuan.grid'].get(`/api/v1/team-requests/${hr.json.id}`);
  assert.equal(seen.status, 200);
  assert.equal(seen.json.case_title, null);
  assert.equal(seen.json.case_code, null);
  assert.ok(!seen.text.includes(c.title));
});
