// case_duplicates.test.js - likely duplicates are found once at intake and
// kept (issue 17 part 3): the kept answer is what every view shows, capped,
// filtered by the reader's scope when it is read, and not searched again
// (a candidate closed after the intake stays listed). Runs on SQLite and
// PostgreSQL.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer, Client } = require('../lib/server');

let srv;
const users = {};
test.before(async () => {
  srv = await startServer({ cases: false });
  for (const u of ['fengyuan.mediator', 'leshan.mediator', 'fengqiao.handler', 'admin']) {
    users[u] = new Client(srv.base);
    await users[u].login(u);
  }
});
test.after(async () => { await srv.stop(); });

const FENGYUAN = '330681109290';
const LESHAN = '330681109291';

function body(over = {}) {
  return {
    title: '村口变压器噪音扰民',
    description: '村口新装的变压器夜间嗡嗡作响，附近住户无法入睡。',
    category: 'neighbour',
    channel: 'hotline',
    region: FENGYUAN,
    parties: [],
    ...over,
  };
}

async function create(who, over) {
  const r = await users[who].post('/api/cases', body(over));
  assert.equal(r.status, 201, r.text);
  return r.json;
}

async function view(who, id) {
  const r = await users[who].get(`/api/cases/${id}`);
  assert.equal(r.status, 200, r.text);
  return r.json;
}

const caller = (phone) => [{ role: 'applicant', name: '村民', phone }];

test('a storm of reports about one thing: each case keeps at most 10 likely duplicates, newest first, and shows them on every view', async () => {
  const phone = '13955550001';
  const made = [];
  for (let i = 0; i < 15; i++) made.push(await create('fengyuan.mediator', { parties: caller(phone) }));
  const last = made[made.length - 1];
  // the answer of the intake itself
  assert.equal(last.possible_duplicates.length, 10, JSON.stringify(last.possible_duplicates));
  const expect = made.slice(4, 14).map((c) => c.id).reverse();
  assert.deepEqual(last.possible_duplicates.map((d) => d.id), expect, 'the 10 newest, newest first');
  assert.ok(last.possible_duplicates.every((d) => d.reason === 'same_phone'));
  assert.deepEqual(Object.keys(last.possible_duplicates[0]).sort(), ['id', 'reason', 'title', 'tracking_code']);
  // a later view shows the same kept answer
  assert.deepEqual((await view('fengyuan.mediator', last.id)).possible_duplicates, last.possible_duplicates);
  // the first report learns of the later ones (kept both ways), capped too
  const first = await view('fengyuan.mediator', made[0].id);
  assert.equal(first.possible_duplicates.length, 10);
  assert.deepEqual(first.possible_duplicates.map((d) => d.id), made.slice(1, 11).map((c) => c.id).reverse());
  // the same text in the same village and category, without a phone
  const a = await create('fengyuan.mediator', { title: '水库放水淹了稻田', description: '上游水库夜间放水，下游稻田被淹' });
  const b = await create('fengyuan.mediator', { title: '水库放水淹稻田', description: '水库夜间放水，稻田被淹了' });
  assert.ok(b.possible_duplicates.some((d) => d.id === a.id && d.reason === 'similar_text'), JSON.stringify(b.possible_duplicates));
});

test('the kept answer is not searched again on a read: a candidate rejected after the intake stays listed', async () => {
  const phone = '13955550002';
  const older = await create('fengyuan.mediator', { parties: caller(phone) });
  const newer = await create('fengyuan.mediator', { parties: caller(phone) });
  assert.ok(newer.possible_duplicates.some((d) => d.id === older.id));
  const rj = await users['fengyuan.mediator'].post(`/api/cases/${older.id}/actions`, { action: 'reject', reason: '重复来电' });
  assert.equal(rj.status, 200, rj.text);
  // a fresh search no longer finds it (only open cases are candidates) ...
  const chk = await users['fengyuan.mediator'].post('/api/cases/check-duplicates', body({ parties: caller(phone) }));
  assert.equal(chk.status, 200);
  assert.ok(!chk.json.possible_duplicates.some((d) => d.id === older.id), 'a search skips a rejected case');
  // ... but the view of the newer case shows what its intake found
  const v = await view('fengyuan.mediator', newer.id);
  assert.ok(v.possible_duplicates.some((d) => d.id === older.id && d.reason === 'same_phone'),
    'the kept answer stays as the intake found it');
  // and the rejected case itself, no longer open, lists none
  assert.deepEqual((await view('fengyuan.mediator', older.id)).possible_duplicates, []);
});

test('a kept duplicate the reader may not see is never embedded: scope is checked when the answer is read', async () => {
  const phone = '13955550003';
  const hidden = await create('leshan.mediator', { region: LESHAN, title: '乐山村的变压器', parties: caller(phone) });
  const mine = await create('fengyuan.mediator', { parties: caller(phone) });
  // the intake kept the pair (the system sees all) ...
  const town = await view('fengqiao.handler', mine.id);
  assert.ok(town.possible_duplicates.some((d) => d.id === hidden.id && d.reason === 'same_phone'), 'the township sees both villages');
  assert.ok((await view('admin', hidden.id)).possible_duplicates.some((d) => d.id === mine.id), 'kept both ways');
  // ... and neither village's mediator learns of the other's case
  assert.ok(!mine.possible_duplicates.some((d) => d.id === hidden.id), 'not in the intake answer');
  const seen = await view('fengyuan.mediator', mine.id);
  assert.ok(!seen.possible_duplicates.some((d) => d.id === hidden.id));
  assert.ok(!JSON.stringify(seen).includes(hidden.tracking_code));
  const other = await view('leshan.mediator', hidden.id);
  assert.ok(!other.possible_duplicates.some((d) => d.id === mine.id));
  assert.ok(!JSON.stringify(other).includes(mine.tracking_code));
});
