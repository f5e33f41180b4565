// migrate-data.test.js - `fengqiao migrate-data --from SQLITE --to postgresql://`
// moves a township's seeded demo (its ~160 cases, timelines, users, audit
// chain, a webhook and a link) into PostgreSQL: ids are kept, the chain
// verifies on the target, the sequences continue past the copied ids, the
// statistics and search agree, a second run adds nothing, a run after the
// township changed a case brings it up to date, and another township's
// database with the same ids is refused with nothing written. Every
// module's tables move too (a photo, a mediation, a patrol, a grid event, a
// service team's request are made first), and a source table migrate-data
// does not know stops the run.
// Needs FQ_TEST_PG (scripts/with-pg); skipped without it.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { startServer, Client, BIN, ROOT, freePort } = require('../lib/server');
const { makePng } = require('../lib/png');

const PG = process.env.FQ_TEST_PG;
const opts = { skip: PG ? false : 'FQ_TEST_PG is not set (run under scripts/with-pg)', timeout: 180000 };

let township = null;          // the SQLite server of the township
let receiver = null;          // the webhook's receiver
let target = null;            // postgresql:// URL of the provincial database
const dbName = `fq_migrate_${process.pid}`;

async function startSqlite(options) {
  const saved = process.env.FQ_TEST_PG;
  delete process.env.FQ_TEST_PG;
  try { return await startServer({ ...options, keep: true }); } finally { process.env.FQ_TEST_PG = saved; }
}

function fq(args) {
  return execFileSync(BIN, args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}
function migrate() {
  return fq(['migrate-data', '--from', township.db, '--to', target]);
}
function sqlite(sql) {
  return execFileSync('sqlite3', ['-cmd', '.timeout 5000', township.db, sql], { encoding: 'utf8' }).trim();
}
function psql(sql) {
  return execFileSync('psql', [target, '-XAtqc', sql], { encoding: 'utf8' }).trim();
}
function counts(q) {
  const tables = ['cases', 'parties', 'timeline', 'case_links', 'audit_log', 'users', 'user_roles', 'webhooks'];
  const out = {};
  for (const t of tables) out[t] = Number(q(`SELECT count(*) FROM ${t}`));
  return out;
}
// Every column the two engines' tables share, and its values, row by row:
// a column added by a migration but left out of migrate-data's column
// lists would arrive empty or default (api_tokens.expires_at once did).
function sameColumns(table, key) {
  const cols = (q, sql) => q(sql).split('\n').filter(Boolean);
  const lite = cols(sqlite, `SELECT name FROM pragma_table_info('${table}')`);
  const types = new Map(cols(psql, `SELECT column_name || '|' || data_type FROM information_schema.columns WHERE table_name = '${table}' AND table_schema = 'public'`)
    .map((l) => l.split('|')));
  assert.deepEqual(lite.filter((c) => !types.has(c)), [], `${table}: columns only in SQLite`);
  const SEP = '\x1f';
  for (const c of lite) {
    const type = types.get(c);
    if (/^(double precision|real)$/.test(type)) continue; // floats print differently; compared through the API below
    let a; let b;
    if (type === 'bytea') {
      a = `lower(hex(${c}))`; b = `encode(${c}, 'hex')`;
    } else if (type === 'boolean') {
      a = `CAST(${c} AS TEXT)`; b = `(${c}::int)::text`;
    } else {
      a = `CAST(${c} AS TEXT)`; b = `${c}::text`;
    }
    const x = sqlite(`SELECT group_concat(coalesce(${a}, '∅'), '${SEP}') FROM (SELECT ${c} FROM ${table} ORDER BY ${key})`).split(SEP);
    const y = psql(`SELECT string_agg(coalesce(${b}, '∅'), '${SEP}' ORDER BY ${key}) FROM ${table}`).split(SEP);
    if (/^jsonb?$/.test(type)) {
      const parse = (v) => (v === '∅' ? v : JSON.parse(v));
      assert.deepEqual(y.map(parse), x.map(parse), `${table}.${c} arrives as it was`);
    } else {
      assert.deepEqual(y, x, `${table}.${c} arrives as it was`);
    }
  }
}

// The module tables and their keys (src/cli/cli_migrate_modules.c).
const MODULE_TABLES = [['grids', 'id'], ['grid_staff', 'grid_id, user_id, duty'], ['patrols', 'id'],
  ['patrol_visits', 'id'], ['grid_event_categories', 'code'], ['grid_event_platforms', 'code'],
  ['grid_events', 'id'], ['grid_event_steps', 'id'], ['attachment_files', 'sha256'], ['attachments', 'id'],
  ['mediations', 'id'], ['mediation_parties', 'id'], ['mediation_events', 'seq'], ['mediator_profiles', 'user_id'],
  ['teams', 'id'], ['team_members', 'id'], ['team_assignments', 'id'], ['team_requests', 'id'],
  ['team_request_steps', 'id'], ['notifications', 'id'], ['analysis_alerts', 'id'], ['analysis_alert_steps', 'id'],
  ['case_risk', 'case_id'], ['case_risk_history', 'id'], ['analysis_report_runs', 'region, week_start']];

// "table  source  new  updated  unchanged" lines of migrate-data's summary
function summary(out) {
  const m = {};
  for (const line of out.split('\n')) {
    const f = line.trim().split(/\s{2,}|\s+(?=\d)/);
    if (f.length === 5 && /^\d+$/.test(f[1])) m[f[0]] = { source: +f[1], new: +f[2], updated: +f[3], unchanged: +f[4] };
  }
  return m;
}

test.before(async () => {
  if (!PG) return;
  // the webhook's receiver listens on loopback, so the configuration names it
  receiver = http.createServer((req, res) => { req.resume(); req.on('end', () => res.end('ok')); });
  await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
  const hookAt = `127.0.0.1:${receiver.address().port}`;
  const cfg = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'fq-migrate-')), 'config.json');
  fs.writeFileSync(cfg, JSON.stringify({ webhook_allow: [hookAt] }));
  township = await startSqlite({ args: ['--config', cfg] });
  // a little more than the seed: a webhook, a link between two cases, an API token
  const admin = new Client(township.base);
  await admin.login('admin');
  const hook = await admin.post('/api/webhooks', { url: `http://127.0.0.1:${receiver.address().port}/hook`, events: ['case.created'] });
  assert.equal(hook.status, 201, hook.text);
  const fy = new Client(township.base);
  await fy.login('fengyuan.mediator');
  const a = await fy.post('/api/cases', { title: '迁移测试围墙纠纷', description: '两户围墙越界', category: 'neighbour', region: '330681109290' });
  const b = await fy.post('/api/cases', { title: '迁移测试围墙纠纷二', description: '同一围墙', category: 'neighbour', region: '330681109290' });
  assert.equal(a.status, 201);
  const link = await fy.post(`/api/cases/${b.json.id}/actions`, { action: 'link', other_id: a.json.id });
  assert.equal(link.status, 200, link.text);
  township.cli(['user', 'token', 'fengqiao.handler']);
  // the modules: a photo, a mediation, a patrol, a grid event, a team's request
  const png = makePng(64, 48);
  const photo = await fetch(`${township.base}/api/cases/${a.json.id}/attachments?name=photo.png`, {
    method: 'POST', body: png, headers: { cookie: fy.cookie, 'x-csrf-token': fy.csrf, 'content-type': 'image/png' },
  });
  assert.equal(photo.status, 201, await photo.text());
  const mc = await fy.post('/api/cases', { title: '迁移测试调解', description: '宅基地界址', category: 'neighbour',
    region: '330681109290', parties: [{ role: 'applicant', name: '骆建华', phone: '13900001111' },
      { role: 'respondent', name: '楼小红', phone: '13900002222' }] });
  assert.equal(mc.status, 201, mc.text);
  for (const x of [{ action: 'accept' }, { action: 'assign', handler: 'fengyuan.mediator' }, { action: 'start' }]) {
    const r = await fy.post(`/api/cases/${mc.json.id}/actions`, x);
    assert.equal(r.status, 200, r.text);
  }
  const med = await fy.post(`/api/v1/cases/${mc.json.id}/mediation`, {});
  assert.equal(med.status, 201, med.text);
  const grid = new Client(township.base);
  await grid.login('fengyuan.grid');
  const gridId = Number(sqlite("SELECT s.grid_id FROM grid_staff s JOIN users u ON u.id = s.user_id WHERE u.username = 'fengyuan.grid' LIMIT 1"));
  const t0 = Math.floor(Date.now() / 1000) - 3600;
  const iso = (t) => new Date(t * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const pat = await grid.post('/api/v1/patrols', { grid_id: gridId, started_at: iso(t0), ended_at: iso(t0 + 900),
    route: [[120.2451, 29.6012, t0], [120.2455, 29.6015, t0 + 600]],
    visits: [{ household: '5组12号', visited_at: iso(t0 + 300) }], findings: '路灯损坏一处' });
  assert.equal(pat.status, 201, pat.text);
  const ev = await grid.post('/api/v1/events', { category: 'livelihood', title: '迁移测试路灯', description: '村口路灯不亮',
    region: '330681109290' });
  assert.equal(ev.status, 201, ev.text);
  const teams = await grid.get('/api/v1/teams?region=330681109290');
  assert.equal(teams.status, 200, teams.text);
  const ask = await grid.post('/api/v1/team-requests', { team_id: teams.json.items[0].id, case_id: a.json.id, need: '请律师解答' });
  assert.equal(ask.status, 201, ask.text);
  // a resident's filing: its PIN's hash (issue 13) moves too
  const filed = await new Client(township.base).post('/api/public/cases', { title: '迁移测试噪音', description: '楼上噪音',
    category: 'neighbour', region: '330681109290', name: '王五', phone: '13700000099' });
  assert.equal(filed.status, 201, filed.text);
  // a case's risk grade, suggested and confirmed (issue 16)
  assert.equal((await fy.get(`/api/v1/cases/${mc.json.id}/risk`)).status, 200);
  const rk = await fy.post(`/api/v1/cases/${mc.json.id}/risk/confirm`, { grade: 'orange', reason: '迁移测试' });
  assert.equal(rk.status, 200, rk.text);
  // an early-warning alert with its first step (issue 16)
  sqlite(`INSERT INTO analysis_alerts (region, category, day, method, observed, expected, threshold, score, detail, created_at) VALUES ('330681109', 'neighbour', '2026-11-20', 'negbin', 6, 0.5, 3.5, 7.1, '{"villages":[]}', ${t0})`);
  sqlite(`INSERT INTO analysis_alert_steps (alert_id, action, actor, at) SELECT id, 'raise', 'system', ${t0} FROM analysis_alerts`);
  // a weekly report sent (issue 16): the target must not send that week again
  sqlite(`INSERT INTO analysis_report_runs (region, week_start, made_at, sent_at) VALUES ('330681109', '2026-11-16', ${t0}, ${t0})`);
  // video in mediation (issue 21): a room, a token, a consent, a recording
  const mp = sqlite(`SELECT id FROM mediation_parties WHERE mediation_id = ${med.json.id} ORDER BY id LIMIT 1`).trim();
  const far = t0 + 365 * 86400;
  sqlite(`INSERT INTO video_rooms (mediation_id, caucus_party, janus_room, secret, pin, opens_at, closes_at, created_by, created_at) VALUES (${med.json.id}, ${mp}, 4242, 's', '12345678', ${t0}, ${far}, 'fengyuan.mediator', ${t0})`);
  sqlite(`INSERT INTO video_tokens (room_id, who, participant, display, token, expires_at, created_at) SELECT id, 'party:${mp}', 7, '骆建华', 'tok-migrate', ${far}, ${t0} FROM video_rooms`);
  sqlite(`INSERT INTO video_consents (mediation_id, party_id, given_at) VALUES (${med.json.id}, ${mp}, ${t0})`);
  sqlite(`INSERT INTO video_recordings (mediation_id, room_id, name, path, size, sha256, created_at, purge_at) SELECT ${med.json.id}, id, 'a.mjr', '/nowhere/a.mjr', 10, '${'0'.repeat(64)}', ${t0}, ${far} FROM video_rooms`);
  execFileSync('psql', [PG, '-qc', `CREATE DATABASE ${dbName}`]);
  const u = new URL(PG);
  u.pathname = '/' + dbName;
  target = u.toString();
});

test.after(async () => {
  if (township) await township.stop();
  if (receiver) receiver.close();
  if (target) {
    try { execFileSync('psql', [PG, '-qc', `DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`]); } catch (_) { /* throwaway */ }
  }
});

test('the first run copies everything, keeping ids, and the audit chain verifies', opts, async () => {
  await township.stop(); // a township moves once its server is stopped
  const before = counts(sqlite);
  assert.ok(before.cases >= 160, `the seeded demo has its cases (${before.cases})`);
  const out = migrate();
  const s = summary(out);
  assert.equal(s.cases.new, before.cases, out);
  assert.equal(s['audit log'].new, before.audit_log, out);
  assert.deepEqual(counts(psql), before);
  for (const [t, key] of [['cases', 'id'], ['api_tokens', 'hash'], ['users', 'id'], ['user_roles', 'user_id, role, region'],
    ['webhooks', 'id'], ['parties', 'id'], ['case_links', 'a, b, kind'],
    ['resident_access', 'case_id'], ['resident_unit_phones', 'region'], ...MODULE_TABLES]) sameColumns(t, key);
  for (const [t] of MODULE_TABLES) {
    assert.ok(Number(sqlite(`SELECT count(*) FROM ${t}`)) > 0, `the township has ${t} rows to move`);
    assert.equal(psql(`SELECT count(*) FROM ${t}`), sqlite(`SELECT count(*) FROM ${t}`), t);
  }
  assert.equal(psql('SELECT count(*) FROM resident_access'), '1');
  assert.equal(psql('SELECT count(*) FROM resident_unit_phones'), '2');
  // the same ids with the same tracking codes, the same timelines
  assert.equal(psql('SELECT string_agg(id || tracking_code, \',\' ORDER BY id) FROM cases'),
    sqlite("SELECT group_concat(id || tracking_code, ',') FROM (SELECT id, tracking_code FROM cases ORDER BY id)"));
  assert.equal(psql('SELECT string_agg(id || action || at, \',\' ORDER BY id) FROM timeline'),
    sqlite("SELECT group_concat(id || action || at, ',') FROM (SELECT id, action, at FROM timeline ORDER BY id)"));
  // a webhook keeps its region (its scope), never widened to every case
  assert.equal(psql("SELECT string_agg(id || ':' || region, ',' ORDER BY id) FROM webhooks"), '1:33');
  assert.equal(psql('SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1'),
    sqlite('SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1'));
  const verify = fq(['audit', 'verify', '--db', target]);
  assert.match(verify, new RegExp(`intact: ${before.audit_log} entries`));
});

test('a second run duplicates nothing', opts, async () => {
  const before = counts(psql);
  const out = migrate();
  const s = summary(out);
  for (const [t, x] of Object.entries(s)) {
    assert.equal(x.new, 0, `${t}: ${out}`);
    assert.equal(x.updated, 0, `${t}: ${out}`);
  }
  assert.deepEqual(counts(psql), before);
  assert.match(fq(['audit', 'verify', '--db', target]), /intact/);
});

test('a run after the township changed a case brings the target up to date', opts, async () => {
  // the township keeps working after the first copy: one case is accepted
  const srv = await serveExisting(township.db);
  let id;
  try {
    const fy = new Client(srv.base);
    await fy.login('fengyuan.mediator');
    const list = await fy.get('/api/cases?status=registered&page_size=1');
    id = list.json.items[0].id;
    const r = await fy.post(`/api/cases/${id}/actions`, { action: 'accept' });
    assert.equal(r.status, 200, r.text);
  } finally {
    await srv.stop();
  }
  const out = migrate();
  const s = summary(out);
  assert.equal(s.cases.updated, 1, out);
  assert.equal(s.timeline.new, 1, out);
  assert.ok(s['audit log'].new >= 1, out);
  assert.equal(psql(`SELECT status FROM cases WHERE id = ${id}`), 'accepted');
  const lite = Number(sqlite("SELECT count(*) FROM audit_log"));
  assert.match(fq(['audit', 'verify', '--db', target]), /intact/);
  assert.equal(Number(psql('SELECT count(*) FROM audit_log')), lite);
});

test('another township with the same ids is refused, and nothing is written', opts, async () => {
  const other = await startSqlite({ fresh: true }); // not a copy of the same template
  await other.stop();
  const before = counts(psql);
  let failed = null;
  try { fq(['migrate-data', '--from', other.db, '--to', target]); } catch (e) { failed = e; }
  assert.ok(failed, 'migrate-data must exit non-zero');
  assert.equal(failed.status, 1);
  assert.match(String(failed.stderr), /keeps ids/);
  assert.deepEqual(counts(psql), before);
  fs.rmSync(other.dir, { recursive: true, force: true });
});

test('a source table migrate-data does not know stops the run, and nothing is written', opts, async () => {
  const copy = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'fq-migrate-stray-')), 'stray.db');
  fs.copyFileSync(township.db, copy);
  execFileSync('sqlite3', [copy, 'CREATE TABLE stray_module (id integer PRIMARY KEY)']);
  const before = counts(psql);
  let failed = null;
  try { fq(['migrate-data', '--from', copy, '--to', target]); } catch (e) { failed = e; }
  assert.ok(failed, 'migrate-data must exit non-zero');
  assert.match(String(failed.stderr), /does not know \(stray_module\)/);
  assert.deepEqual(counts(psql), before);
  fs.rmSync(path.dirname(copy), { recursive: true, force: true });
});

test('the provincial server carries on: same answers, new ids after the copied ones', opts, async () => {
  // serve the township's file and the target side by side
  const township2 = await serveExisting(township.db);
  const province = await serveExisting(target);
  try {
    const a = new Client(township2.base);
    const b = new Client(province.base);
    await a.login('zhuji.analyst');
    await b.login('zhuji.analyst'); // the password hashes came along
    for (const p of ['/api/stats/levels?region=330681', '/api/stats/levels?region=330681109',
      '/api/stats/levels?region=330681109290', '/api/cases?page_size=200',
      '/api/cases?page_size=200&q=' + encodeURIComponent('欠薪'),
      '/api/cases?page_size=200&q=' + encodeURIComponent('围墙')]) {
      const x = await a.get(p);
      const y = await b.get(p);
      assert.equal(y.status, 200, p);
      if (x.json.items) {
        assert.equal(y.json.total, x.json.total, p);
        assert.deepEqual(y.json.items.map((c) => c.id), x.json.items.map((c) => c.id), p);
      } else {
        assert.deepEqual(y.json, x.json, p);
      }
    }
    const da = await a.get('/api/stats/dashboard?region=330681');
    const db = await b.get('/api/stats/dashboard?region=330681');
    assert.deepEqual(db.json.by_status, da.json.by_status);
    assert.deepEqual(db.json.children, da.json.children);
    const max = Number(psql('SELECT max(id) FROM cases'));
    const fy = new Client(province.base);
    await fy.login('fengyuan.mediator');
    const made = await fy.post('/api/cases', { title: '省级平台新案件', description: '迁移后新建', category: 'neighbour', region: '330681109290' });
    assert.equal(made.status, 201, made.text);
    assert.equal(made.json.id, max + 1, 'the case sequence continues after the copied ids');
    const tl = await fy.get(`/api/cases/${made.json.id}/timeline`);
    assert.equal(tl.status, 200);
  } finally {
    await township2.stop();
    await province.stop();
  }
  assert.match(fq(['audit', 'verify', '--db', target]), /intact/);
});

// Serves an existing database (no migrate, no seed) on a free port.
async function serveExisting(db) {
  const port = await freePort();
  const child = spawn(BIN, ['serve', '--db', db, '--listen', `127.0.0.1:${port}`, '--workers', '2',
    '--web', path.join(ROOT, 'web'), '--calendar', path.join(ROOT, 'data', 'calendar')],
  { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (d) => { log += d; });
  child.stderr.on('data', (d) => { log += d; });
  const base = `http://127.0.0.1:${port}`;
  const end = Date.now() + 15000;
  for (;;) {
    if (child.exitCode !== null) throw new Error('server exited: ' + log);
    try { if ((await fetch(base + '/api/health')).ok) break; } catch (_) { /* not yet */ }
    if (Date.now() > end) throw new Error('server did not start: ' + log);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    base,
    async stop() {
      if (child.exitCode === null) {
        const done = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await done;
      }
      assert.equal(child.exitCode, 0, 'the server exited cleanly: ' + log.slice(-4000));
    },
  };
}

