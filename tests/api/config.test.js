// config.test.js - `serve --config FILE`: dispute deadlines and routing
// rules come from the configuration, and a bad file stops the server with a
// message naming the key.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startServer, Client } = require('../lib/server');

function writeConfig(obj) {
  const f = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'fq-cfg-')), 'fengqiao.json');
  fs.writeFileSync(f, typeof obj === 'string' ? obj : JSON.stringify(obj));
  return f;
}

test('deadlines and routing come from the configuration file', async () => {
  const cfg = writeConfig({
    deadlines: { accept_workdays: 10, resolve_days: { village: 15, township: 20 } },
    routing: { township_categories: ['labour'], group_threshold: 5 },
  });
  const srv = await startServer({ cases: false, args: ['--config', cfg] });
  try {
    const c = new Client(srv.base);
    await c.login('fengyuan.mediator');
    const base = { title: '配置测试', description: 'x', region: '330681109290' };
    const labour = await c.post('/api/cases', { ...base, category: 'labour' });
    assert.equal(labour.json.level, 4, 'labour starts at the township by configuration');
    const env = await c.post('/api/cases', { ...base, category: 'environment' });
    assert.equal(env.json.level, 5, 'environment no longer does');
    const group = await c.post('/api/cases', { ...base, category: 'neighbour', people_involved: 5 });
    assert.equal(group.json.level, 4);
    assert.equal(group.json.group_dispute, true);
    const n = await c.post('/api/cases', { ...base, category: 'neighbour' });
    const acc = n.json.deadlines.find((d) => d.kind === 'accept');
    const days = (new Date(acc.due_at) - new Date(n.json.created_at)) / 86400000;
    assert.ok(days >= 12 && days <= 20, `10 working days is two weeks or more (${days})`);
    const a = await c.post(`/api/cases/${n.json.id}/actions`, { action: 'accept' });
    const res = a.json.deadlines.find((d) => d.kind === 'resolve');
    const rdays = (new Date(res.due_at) - new Date(a.json.updated_at)) / 86400000;
    assert.ok(rdays >= 14 && rdays <= 15 + 9, `village resolves within 15 days (${rdays})`);
  } finally { await srv.stop(); }
});

test('the filing and review periods of village rules come from the configuration', async () => {
  const cfg = writeConfig({ village: { filing_days: 3, review_days: 5 } });
  const srv = await startServer({ cases: false, args: ['--config', cfg] });
  try {
    const c = new Client(srv.base);
    await c.login('fengyuan.grid');
    const admin = new Client(srv.base);
    await admin.login('admin');
    const { execFileSync } = require('node:child_process');
    const sql = (q) => (process.env.FQ_TEST_PG
      ? execFileSync('psql', [srv.db, '-tAc', q], { encoding: 'utf8' })
      : execFileSync('sqlite3', ['-cmd', '.timeout 5000', srv.db, q], { encoding: 'utf8' })).trim();
    const bj = (n) => new Date(Date.now() + 8 * 3600e3 + n * 86400e3).toISOString().slice(0, 10);
    const r = await c.post('/api/v1/village-rules', { region: '330681109290', title: '配置期限', body: '第一条' });
    const id = r.json.id;
    const act = (who, name, body = {}) => who.post(`/api/v1/village-rules/${id}/actions/${name}`, body);
    await act(c, 'comment', { comment_until: bj(0) });
    sql(`UPDATE village_rules SET comment_until = '${bj(-1)}' WHERE id = ${id}`);
    assert.equal((await act(admin, 'review', { opinion: 'ok' })).status, 200);
    assert.equal((await act(c, 'vote', { meeting_kind: 'assembly', meeting_day: bj(0), notice_day: bj(-10),
      eligible_people: 100, eligible_households: 30, present_people: 51, present_households: 0,
      yes: 40, no: 11, abstain: 0 })).status, 200);
    const a = await act(c, 'adopt');
    assert.equal(a.status, 200, a.text);
    // 3 calendar days, moved past a weekend or a holiday: never the default 10
    assert.ok(a.json.filing_due >= bj(3) && a.json.filing_due < bj(10), a.json.filing_due);
    const f = await act(c, 'file');
    assert.ok(f.json.review_due >= bj(5) && f.json.review_due < bj(30), f.json.review_due);
  } finally { await srv.stop(); }
});

test('a bad configuration stops the server and names the key', async () => {
  for (const [cfg, key] of [
    [{ deadlines: { accept_workdays: 0 } }, 'deadlines.accept_workdays'],
    [{ routing: { township_categories: ['weather'] } }, 'routing.township_categories'],
    [{ colour: 'red' }, 'colour'],
    [{ village: { filing_days: 0 } }, 'village.filing_days'],
    [{ village: { notice_days: 3 } }, 'village.notice_days'],
    ['{"deadlines": ', 'line'],
  ]) {
    let err = null;
    try {
      const srv = await startServer({ cases: false, args: ['--config', writeConfig(cfg)] });
      await srv.stop();
    } catch (e) { err = e; }
    assert.ok(err, `refused: ${JSON.stringify(cfg)}`);
    assert.match(String(err.message), new RegExp(key.replace('.', '\\.')));
  }
});
