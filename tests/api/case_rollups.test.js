// case_rollups.test.js - the rollup counters of intake are summed per
// transaction in C and written once per counter (issue 17 part 3,
// store/rollup_batch.c). After a mixed batch (new cases in several villages,
// townships, categories and channels, actions on cases made earlier, and
// actions refused inside the writer, whose savepoints are undone) every
// counter equals a count of the cases themselves. Runs on SQLite and
// PostgreSQL.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const { startServer, Client } = require('../lib/server');

let srv;
let admin;
let mediator;
test.before(async () => {
  srv = await startServer({ cases: false });
  admin = new Client(srv.base);
  await admin.login('admin');
  mediator = new Client(srv.base);
  await mediator.login('fengyuan.mediator');
});
test.after(async () => { await srv.stop(); });

function sql(q) {
  return (process.env.FQ_TEST_PG
    ? execFileSync('psql', [srv.db, '-tAc', q], { encoding: 'utf8' })
    : execFileSync('sqlite3', ['-cmd', '.timeout 5000', srv.db, q], { encoding: 'utf8' })).trim();
}
// "a|b|c" rows into a sorted list of strings, for comparing two queries
const rows = (q) => sql(q).split('\n').filter(Boolean).sort();

const LEN = { 1: 2, 2: 4, 3: 6, 4: 9 }; // rollup_levels of 002_rollups.sql

test('after a mixed batch of intake and actions, every rollup counter equals a count of the cases', async () => {
  const villages = sql("SELECT code FROM regions WHERE level = 5 AND code LIKE '330681%' ORDER BY code LIMIT 40")
    .split('\n').filter((v, i) => i % 10 === 0); // four villages of two or more townships
  villages.push('330681109290');
  const cats = ['neighbour', 'contract', 'marriage_family', 'land_acquisition'];
  const chans = ['walk_in', 'hotline', 'web'];
  const body = (i) => ({
    title: `批量受理测试${i}`, description: '同一批次中混合的登记',
    category: cats[i % cats.length], channel: chans[i % chans.length],
    region: villages[i % villages.length], people_involved: i % 7 === 0 ? 12 : 1,
    parties: [{ role: 'applicant', name: '某人', phone: `1370000${String(i % 5).padStart(4, '0')}` }],
  });
  // some cases first, to act on while the batch runs
  const first = [];
  for (let i = 0; i < 6; i++) {
    const r = await mediator.post('/api/cases', { ...body(i + 1), region: '330681109290', category: 'neighbour', people_involved: 1 });
    assert.equal(r.status, 201, r.text);
    first.push(r.json);
  }
  // the batch: intake from many requests at once, with actions among them,
  // some refused inside the writer (start before accept: 409)
  const jobs = [];
  for (let i = 0; i < 60; i++) jobs.push(admin.post('/api/cases', body(i)).then((r) => ['create', r.status]));
  for (const c of first.slice(0, 3)) {
    jobs.push(mediator.post(`/api/cases/${c.id}/actions`, { action: 'accept' }).then((r) => ['accept', r.status]));
  }
  for (const c of first.slice(3)) {
    jobs.push(mediator.post(`/api/cases/${c.id}/actions`, { action: 'start' }).then((r) => ['start', r.status]));
    jobs.push(mediator.post(`/api/cases/${c.id}/actions`, { action: 'reject', reason: '重复登记' }).then((r) => ['reject', r.status]));
  }
  const done = await Promise.all(jobs);
  assert.ok(done.filter(([k]) => k === 'create').every(([, s]) => s === 201), JSON.stringify(done));
  assert.ok(done.filter(([k]) => k === 'accept' || k === 'reject').every(([, s]) => s === 200), JSON.stringify(done));
  assert.ok(done.filter(([k]) => k === 'start').every(([, s]) => s === 409), 'refused inside the writer');
  // then a case that is created and acted on at once (its counters are
  // written before the update trigger moves them)
  const last = await mediator.post('/api/cases', { ...body(100), region: '330681109290', category: 'neighbour', people_involved: 1 });
  assert.equal(last.status, 201, last.text);
  const rj = await mediator.post(`/api/cases/${last.json.id}/actions`, { action: 'reject', reason: '不属于受理范围' });
  assert.equal(rj.status, 200, rj.text);

  const n = Number(sql('SELECT count(*) FROM cases'));
  assert.equal(n, 6 + 60 + 1);
  for (const lvl of [1, 2, 3, 4]) {
    const L = LEN[lvl];
    for (const g of [0, 1]) {
      assert.deepEqual(
        rows(`SELECT region || '|' || sum(cases) FROM rollup_day WHERE lvl = ${lvl} AND g = ${g} GROUP BY region HAVING sum(cases) <> 0`),
        rows(`SELECT substr(region, 1, ${L}) || '|' || count(*) FROM cases GROUP BY substr(region, 1, ${L})`),
        `rollup_day cases, level ${lvl}, grain ${g}`);
    }
    assert.deepEqual(
      rows(`SELECT region || '|' || sum(above_county) FROM rollup_day WHERE lvl = ${lvl} AND g = 0 GROUP BY region HAVING sum(above_county) <> 0`),
      rows(`SELECT substr(region, 1, ${L}) || '|' || count(*) FROM cases WHERE min_level <= 2 GROUP BY substr(region, 1, ${L})`),
      `rollup_day above_county, level ${lvl}`);
    assert.deepEqual(
      rows(`SELECT region || '|' || due_day || '|' || n FROM rollup_due WHERE lvl = ${lvl} AND n <> 0`),
      rows(`SELECT substr(region, 1, ${L}) || '|' || ((next_due + 28800) / 86400) || '|' || count(*) FROM cases ` +
        `WHERE next_due IS NOT NULL GROUP BY substr(region, 1, ${L}), (next_due + 28800) / 86400`),
      `rollup_due, level ${lvl}`);
    if (lvl > 3) continue;
    for (const dim of ['category', 'channel', 'status']) {
      assert.deepEqual(
        rows(`SELECT region || '|' || key || '|' || sum(n) FROM rollup_dim WHERE lvl = ${lvl} AND g = 0 AND dim = '${dim}' GROUP BY region, key HAVING sum(n) <> 0`),
        rows(`SELECT substr(region, 1, ${L}) || '|' || ${dim} || '|' || count(*) FROM cases GROUP BY substr(region, 1, ${L}), ${dim}`),
        `rollup_dim ${dim}, level ${lvl}`);
    }
  }
  // and the dashboard, which reads them, agrees with the case list
  for (const region of ['33', '330681', '330681109']) {
    const total = (await admin.get(`/api/cases?region=${region}&page_size=1`)).json.total;
    const dash = (await admin.get(`/api/stats/dashboard?region=${region}`)).json;
    assert.equal(dash.by_status.reduce((k, x) => k + x.count, 0), total, `dashboard at ${region}`);
  }
});
