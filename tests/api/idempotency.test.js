// idempotency.test.js - the Idempotency-Key of signed-in POSTs (issue 15,
// the grid worker's offline outbox; docs/offline.md): a repeat answers the
// first answer and does nothing again, the same key with another body is
// 422, a repeat while the first is in flight is 409 with Retry-After, the
// key is the user's own and the route's own, keys are 8..128 characters of
// [A-Za-z0-9_-], expire after 7 days, and a key whose answer was lost in a
// crash still never does the work twice. Generic: the case intake, a note
// and a photo upload are guarded by the same code.
// Runs on SQLite, and PostgreSQL when FQ_TEST_PG is set.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const { startServer, Client } = require('../lib/server');
const { makePng } = require('../lib/png');

const VILLAGE = '330681109290'; // 枫源村
let srv;
const users = {};
test.before(async () => {
  srv = await startServer({ cases: false });
  for (const u of ['fengyuan.grid', 'fengyuan.mediator']) {
    users[u] = new Client(srv.base);
    await users[u].login(u);
  }
});
test.after(async () => { await srv.stop(); });

function sql(q) {
  return (process.env.FQ_TEST_PG
    ? execFileSync('psql', [srv.db, '-tAc', q], { encoding: 'utf8' })
    : execFileSync('sqlite3', ['-cmd', '.timeout 5000', srv.db, q], { encoding: 'utf8' })).trim();
}
const count = (title) => Number(sql(`SELECT count(*) FROM cases WHERE title = '${title}'`));

let seq = 0;
function intake(title) {
  seq++;
  return {
    title, description: '两户宅基地边界不清，围墙位置发生争议，网格员走访时发现。',
    category: 'housing_land', channel: 'walk_in', region: VILLAGE, location: { address: '枫源村5组' },
    parties: [{ role: 'applicant', name: '骆建华', phone: `1390003${String(seq).padStart(4, '0')}` }],
  };
}
const key = (s) => `test-${s}-${process.pid}-${Date.now()}`;
const post = (who, path, body, k) => users[who].post(path, body, k ? { 'idempotency-key': k } : {});

test('a repeat of a key answers the first answer and makes no second case', async () => {
  const k = key('replay');
  const body = intake('网格员上报宅基地纠纷甲');
  const a = await post('fengyuan.grid', '/api/cases', body, k);
  assert.equal(a.status, 201, a.text);
  assert.equal(a.headers.get('idempotent-replayed'), null);
  // the answer is kept right after it is sent, by the writer
  let b;
  for (let i = 0; i < 50; i++) {
    b = await post('fengyuan.grid', '/api/cases', body, k);
    if (b.status !== 409) break;
    assert.equal(b.headers.get('retry-after'), '1');
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal(b.status, 201, b.text);
  assert.equal(b.headers.get('idempotent-replayed'), 'true');
  assert.equal(b.json.id, a.json.id);
  assert.equal(b.json.code, a.json.code);
  assert.equal(count(body.title), 1);
  // without a key every POST is its own
  const c = await post('fengyuan.grid', '/api/cases', body);
  assert.equal(c.status, 201);
  assert.equal(count(body.title), 2);
});

test('the same key with another body is 422 idempotency_key_reused, and nothing is made', async () => {
  const k = key('reuse');
  const a = await post('fengyuan.grid', '/api/cases', intake('网格员上报纠纷乙'), k);
  assert.equal(a.status, 201, a.text);
  const b = await post('fengyuan.grid', '/api/cases', intake('网格员上报纠纷乙改'), k);
  assert.equal(b.status, 422, b.text);
  assert.equal(b.json.error.code, 'idempotency_key_reused');
  assert.equal(b.json.error.field, 'Idempotency-Key');
  assert.equal(count('网格员上报纠纷乙改'), 0);
});

test('repeats sent together while the first is in flight: one case, the others 409 with Retry-After or the replay', async () => {
  let saw409 = false;
  for (let round = 0; round < 5 && !saw409; round++) {
    const k = key(`flight${round}`);
    const title = `网格员上报纠纷丙${round}`;
    const body = intake(title);
    const answers = await Promise.all(Array.from({ length: 8 },
      () => post('fengyuan.grid', '/api/cases', body, k)));
    const made = answers.filter((r) => r.status === 201);
    assert.ok(made.length >= 1, answers.map((r) => r.status).join());
    for (const r of made) assert.equal(r.json.id, made[0].json.id);
    for (const r of answers.filter((x) => x.status !== 201)) {
      assert.equal(r.status, 409, r.text);
      assert.equal(r.json.error.code, 'idempotency_in_progress');
      assert.equal(r.headers.get('retry-after'), '1');
      saw409 = true;
    }
    assert.equal(count(title), 1);
  }
  assert.ok(saw409, 'eight repeats sent at once never met one in flight');
});

test('the key is the user\'s own: another user with the same key does their own work', async () => {
  const k = key('users');
  const body = intake('同一键两人上报');
  const a = await post('fengyuan.grid', '/api/cases', body, k);
  const b = await post('fengyuan.mediator', '/api/cases', body, k);
  assert.equal(a.status, 201, a.text);
  assert.equal(b.status, 201, b.text);
  assert.equal(b.headers.get('idempotent-replayed'), null);
  assert.notEqual(a.json.id, b.json.id);
  assert.equal(count(body.title), 2);
});

test('a note (回访 follow-up record) and a photo upload are guarded by the same key rule', async () => {
  const made = await post('fengyuan.grid', '/api/cases', intake('带照片和记录的纠纷'), key('base'));
  const id = made.json.id;
  const k = key('note');
  const note = { action: 'note', text: '回访：双方已握手言和，围墙按原界址重建。' };
  const n1 = await post('fengyuan.grid', `/api/cases/${id}/actions`, note, k);
  assert.ok(n1.status === 200 || n1.status === 201, n1.text);
  await new Promise((r) => setTimeout(r, 200));
  const n2 = await post('fengyuan.grid', `/api/cases/${id}/actions`, note, k);
  assert.equal(n2.status, n1.status, n2.text);
  assert.equal(n2.headers.get('idempotent-replayed'), 'true');
  const notes = Number(sql(`SELECT count(*) FROM timeline WHERE case_id = ${id} AND action = 'note'`));
  assert.equal(notes, 1);
  // the same key on another path is another key
  const other = await post('fengyuan.grid', '/api/cases', intake('同键另一路径'), k);
  assert.equal(other.status, 201, other.text);

  const png = makePng(40, 30);
  const up = (kk) => fetch(`${srv.base}/api/cases/${id}/attachments?name=photo.png`, {
    method: 'POST', body: png,
    headers: { cookie: users['fengyuan.grid'].cookie, 'x-csrf-token': users['fengyuan.grid'].csrf,
      'content-type': 'image/png', 'idempotency-key': kk },
  });
  const pk = key('photo');
  const p1 = await up(pk);
  assert.equal(p1.status, 201, await p1.text());
  await new Promise((r) => setTimeout(r, 200));
  const p2 = await up(pk);
  assert.equal(p2.status, 201);
  assert.equal(p2.headers.get('idempotent-replayed'), 'true');
  assert.equal(Number(sql(`SELECT count(*) FROM attachments WHERE case_id = ${id}`)), 1);
});

test('keys are 8 to 128 characters of A-Z a-z 0-9 _ -, else 400 before any work', async () => {
  for (const bad of ['short', 'x'.repeat(129), 'has space in it', 'semi;colon-key', '中文的幂等键值呀']) {
    const r = await users['fengyuan.grid'].post('/api/cases', intake('坏键'),
      { 'idempotency-key': encodeURIComponent(bad) === bad ? bad : Buffer.from(bad).toString('latin1') });
    assert.equal(r.status, 400, bad + ': ' + r.text);
    assert.equal(r.json.error.code, 'invalid_idempotency_key');
  }
  assert.equal(count('坏键'), 0);
  const ok = await post('fengyuan.grid', '/api/cases', intake('好键'), 'a'.repeat(128));
  assert.equal(ok.status, 201, ok.text);
});

test('a key expires after 7 days; a key whose answer was lost in a crash answers "done" and does nothing again', async () => {
  const k = key('expire');
  const body = intake('过期键的纠纷');
  const a = await post('fengyuan.grid', '/api/cases', body, k);
  assert.equal(a.status, 201);
  await new Promise((r) => setTimeout(r, 200));
  // 8 days old: forgotten, so the same key works again
  const eight = Math.floor(Date.now() / 1000) - 8 * 86400;
  sql(`UPDATE idempotency SET created_at = ${eight} WHERE route = 'POST /api/cases' AND created_at > ${eight}`);
  const b = await post('fengyuan.grid', '/api/cases', body, k);
  assert.equal(b.status, 201, b.text);
  assert.equal(b.headers.get('idempotent-replayed'), null);
  assert.equal(count(body.title), 2);
  // the expired rows were trimmed on the way
  assert.equal(Number(sql(`SELECT count(*) FROM idempotency WHERE created_at = ${eight}`)), 0);

  // committed, then the server died before keeping the answer: status 0
  const k2 = key('lost');
  const body2 = intake('答复丢失的纠纷');
  const c = await post('fengyuan.grid', '/api/cases', body2, k2);
  assert.equal(c.status, 201);
  await new Promise((r) => setTimeout(r, 200));
  const old = Math.floor(Date.now() / 1000) - 120;
  sql(`UPDATE idempotency SET status = 0, body = '', created_at = ${old} WHERE route = 'POST /api/cases' AND status = 201 AND created_at > ${old}`);
  const d = await post('fengyuan.grid', '/api/cases', body2, k2);
  assert.equal(d.status, 200, d.text);
  assert.equal(d.headers.get('idempotent-replayed'), 'true');
  assert.deepEqual(d.json, { replayed: true, answer_kept: false });
  assert.equal(count(body2.title), 1);
});

test('an answer that fails validation keeps no key: fixed, the same key goes through', async () => {
  const k = key('fix');
  const bad = { ...intake('先错后改的纠纷'), category: 'no_such_category' };
  const a = await post('fengyuan.grid', '/api/cases', bad, k);
  assert.equal(a.status, 400, a.text);
  const b = await post('fengyuan.grid', '/api/cases', intake('先错后改的纠纷'), k);
  assert.equal(b.status, 201, b.text);
  assert.equal(count('先错后改的纠纷'), 1);
});

test('the field app\'s other routes: a patrol and a grid event, each sent twice under its key, are made once', async () => {
  const grids = await users['fengyuan.grid'].get('/api/v1/grids');
  assert.equal(grids.status, 200, grids.text);
  const gridId = grids.json.items[0].id;
  const t0 = Math.floor(Date.now() / 1000) - 1200;
  const iso = (t) => new Date(t * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const patrol = {
    grid_id: gridId, started_at: iso(t0), ended_at: iso(t0 + 600), findings: '幂等测试的巡查',
    route: [[120.2451, 29.6012, t0], [120.2455, 29.6015, t0 + 300]],
    visits: [{ household: '5组12号', visited_at: iso(t0 + 300) }],
  };
  const pk = key('patrol');
  const before = Number(sql("SELECT count(*) FROM patrols WHERE findings = '幂等测试的巡查'"));
  const p1 = await post('fengyuan.grid', '/api/v1/patrols', patrol, pk);
  assert.equal(p1.status, 201, p1.text);
  await new Promise((r) => setTimeout(r, 200));
  const p2 = await post('fengyuan.grid', '/api/v1/patrols', patrol, pk);
  assert.equal(p2.status, 201, p2.text);
  assert.equal(p2.headers.get('idempotent-replayed'), 'true');
  assert.equal(p2.json.id, p1.json.id);
  assert.equal(Number(sql("SELECT count(*) FROM patrols WHERE findings = '幂等测试的巡查'")), before + 1);

  const event = { category: 'livelihood', title: '幂等测试的网格事件', description: '村口路灯不亮。', grid_id: gridId };
  const ek = key('event');
  const e1 = await post('fengyuan.grid', '/api/v1/events', event, ek);
  assert.equal(e1.status, 201, e1.text);
  await new Promise((r) => setTimeout(r, 200));
  const e2 = await post('fengyuan.grid', '/api/v1/events', event, ek);
  assert.equal(e2.status, 201, e2.text);
  assert.equal(e2.json.id, e1.json.id);
  const e3 = await post('fengyuan.grid', '/api/v1/events', { ...event, description: '改了内容' }, ek);
  assert.equal(e3.status, 422, e3.text);
  assert.equal(Number(sql("SELECT count(*) FROM grid_events WHERE title = '幂等测试的网格事件'")), 1);
});
