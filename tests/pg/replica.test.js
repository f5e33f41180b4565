// replica.test.js - `serve --db PRIMARY --db-read REPLICA`: lists, CSV and
// dashboards are read from a streaming replica, everything else (writes,
// one case, sign-in) from the primary. The primary is the throwaway server
// of scripts/with-pg; the replica is made here with pg_basebackup -R on
// another loopback port.
//
// Two proofs: each server's pg_stat_activity shows which of Fengqiao's
// connections it holds (the writer is application_name "fengqiao", readers
// "fengqiao-read"); and with WAL replay paused on the replica, a new case is
// served at once by GET /api/cases/{id} (primary) but is missing from the
// list, the CSV and the dashboard (replica) until replay resumes.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { Client, BIN, ROOT, DEMO_PASSWORD, freePort } = require('../lib/server');

const PG = process.env.FQ_TEST_PG;
const PGBIN = process.env.FQ_PG_BIN;
const TMP = process.env.FQ_PG_TMP;
const RUNAS = process.env.FQ_PG_RUNAS || '';
const opts = {
  skip: PG && PGBIN && TMP ? false : 'needs scripts/with-pg (FQ_TEST_PG, FQ_PG_BIN, FQ_PG_TMP)',
  timeout: 120000,
};

// PostgreSQL's own programs run as the cluster's owner when we are root.
function asPg(prog, args) {
  const bin = path.join(PGBIN, prog);
  const cmd = RUNAS ? 'runuser' : bin;
  const argv = RUNAS ? ['-u', RUNAS, '--', bin, ...args] : args;
  return execFileSync(cmd, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function psql(url, sql) {
  return execFileSync('psql', [url, '-XAtqc', sql], { encoding: 'utf8' }).trim();
}

function fq(db, args) {
  return execFileSync(BIN, [...args, '--db', db], { cwd: ROOT, encoding: 'utf8' });
}

function withDb(url, name) {
  const u = new URL(url);
  u.pathname = '/' + name;
  return u.toString();
}

async function until(what, fn, ms = 20000) {
  const end = Date.now() + ms;
  for (;;) {
    if (await fn()) return;
    if (Date.now() > end) throw new Error('timed out waiting for ' + what);
    await new Promise((r) => setTimeout(r, 100));
  }
}

let replicaDir = null;
let replicaUrl = null;
let server = null;
let serverLog = '';
let primaryDb = null;
let base = null;
const dbName = `fq_replica_${process.pid}`;

test.before(async () => {
  if (opts.skip) return;
  // the database first, so the base backup carries it
  psql(PG, `CREATE DATABASE ${dbName}`);
  primaryDb = withDb(PG, dbName);
  fq(primaryDb, ['migrate']);
  fq(primaryDb, ['import-regions', '--province', '33']);
  fq(primaryDb, ['seed-demo', '--password', DEMO_PASSWORD]);

  const primary = new URL(PG);
  replicaDir = path.join(TMP, `replica-${process.pid}`);
  asPg('pg_basebackup', ['-h', '127.0.0.1', '-p', primary.port, '-U', 'postgres', '-D', replicaDir,
    '-R', '-X', 'stream', '-c', 'fast']);
  const port = await freePort();
  asPg('pg_ctl', ['-D', replicaDir, '-l', path.join(replicaDir, 'server.log'), '-w', '-t', '60',
    '-o', `-c listen_addresses=127.0.0.1 -p ${port} -c unix_socket_directories=${replicaDir} ` +
      '-c max_connections=300 -c hot_standby=on -c fsync=off', 'start']);
  const rep = new URL(PG);
  rep.port = String(port);
  replicaUrl = withDb(rep.toString(), dbName);
  assert.equal(psql(replicaUrl, 'SELECT pg_is_in_recovery()'), 't');
  await until('the replica to have the demo', () =>
    psql(replicaUrl, 'SELECT count(*) FROM cases') === '160');

  const http = await freePort();
  server = spawn(BIN, ['serve', '--db', primaryDb, '--db-read', replicaUrl, '--workers', '2',
    '--listen', `127.0.0.1:${http}`, '--web', path.join(ROOT, 'web'),
    '--calendar', path.join(ROOT, 'data', 'calendar')], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  server.stdout.on('data', (d) => { serverLog += d; });
  server.stderr.on('data', (d) => { serverLog += d; });
  base = `http://127.0.0.1:${http}`;
  await until('the server', async () => {
    if (server.exitCode !== null) throw new Error('server exited: ' + serverLog);
    try { return (await fetch(base + '/api/health')).ok; } catch (_) { return false; }
  });
});

test.after(async () => {
  if (server && server.exitCode === null) {
    const done = new Promise((r) => server.once('exit', r));
    server.kill('SIGTERM');
    await done;
  }
  // a clean exit (under ASan: no leaks, no errors)
  const exitCode = server ? server.exitCode : 0;
  if (replicaDir && fs.existsSync(path.join(replicaDir, 'postmaster.pid'))) {
    try { asPg('pg_ctl', ['-D', replicaDir, '-m', 'fast', '-w', 'stop']); } catch (_) { /* with-pg cleans up */ }
  }
  if (replicaDir) fs.rmSync(replicaDir, { recursive: true, force: true });
  if (primaryDb) {
    try { psql(PG, `DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`); } catch (_) { /* throwaway */ }
  }
  assert.equal(exitCode, 0, 'the server exited cleanly: ' + serverLog.slice(-4000));
});

// Fengqiao's connections to one server for the test database, by name.
function fqConnections(url) {
  const out = psql(url, `SELECT application_name, count(*) FROM pg_stat_activity
    WHERE datname = '${dbName}' AND application_name LIKE 'fengqiao%'
    GROUP BY 1 ORDER BY 1`);
  const m = {};
  for (const line of out.split('\n').filter(Boolean)) {
    const [name, n] = line.split('|');
    m[name] = Number(n);
  }
  return m;
}

test('the writer is on the primary; the replica holds only read connections', opts, async () => {
  const onPrimary = fqConnections(primaryDb);
  const onReplica = fqConnections(replicaUrl);
  assert.equal(onPrimary.fengqiao, 1, 'one writer connection on the primary: ' + JSON.stringify(onPrimary));
  assert.equal(onReplica.fengqiao, undefined, 'no writer on the replica: ' + JSON.stringify(onReplica));
  assert.equal(onReplica['fengqiao-read'], 2, 'one replica connection per worker: ' + JSON.stringify(onReplica));
  assert.equal(psql(replicaUrl, 'SELECT pg_is_in_recovery()'), 't');
});

test('reads of lists, CSV and dashboards come from the replica, writes go to the primary', opts, async () => {
  const staff = new Client(base);
  await staff.login('fengyuan.mediator');
  const analyst = new Client(base);
  await analyst.login('zhuji.analyst');
  const count = async () => (await analyst.get('/api/cases?page_size=1')).json.total;
  const dash = async () => (await analyst.get('/api/stats/levels?region=330681')).json.cases;
  const before = await count();
  const beforeDash = await dash();
  const commitsBefore = Number(psql(replicaUrl,
    `SELECT xact_commit FROM pg_stat_database WHERE datname = '${dbName}'`));

  // freeze the replica where it is
  psql(replicaUrl, 'SELECT pg_wal_replay_pause()');
  await until('replay to pause', () => psql(replicaUrl, 'SELECT pg_get_wal_replay_pause_state()') === 'paused');

  const title = `副本测试${process.pid}号围墙纠纷`;
  const made = await staff.post('/api/cases', {
    title, description: '读写分离验证', category: 'neighbour', region: '330681109290',
  });
  assert.equal(made.status, 201, made.text);
  const id = made.json.id;

  // the write is on the primary at once, and one case is read from there
  assert.equal(psql(primaryDb, `SELECT count(*) FROM cases WHERE id = ${id}`), '1');
  assert.equal(psql(replicaUrl, `SELECT count(*) FROM cases WHERE id = ${id}`), '0');
  const one = await analyst.get(`/api/cases/${id}`);
  assert.equal(one.status, 200);
  assert.equal(one.json.title, title);

  // lists, search, CSV and statistics do not see it: they read the replica
  assert.equal(await count(), before);
  const search = await analyst.get('/api/cases?q=' + encodeURIComponent(`副本测试${process.pid}`));
  assert.equal(search.json.total, 0);
  const csvPath = '/api/cases.csv?q=' + encodeURIComponent(`副本测试${process.pid}`);
  const csv = await analyst.get(csvPath);
  assert.equal(csv.status, 200);
  assert.ok(!csv.text.includes(title));
  assert.equal(await dash(), beforeDash);
  const commitsAfter = Number(psql(replicaUrl,
    `SELECT xact_commit FROM pg_stat_database WHERE datname = '${dbName}'`));
  assert.ok(commitsAfter > commitsBefore, `the replica answered queries (${commitsBefore} -> ${commitsAfter})`);

  // once replay goes on, the replica and so the list catch up
  psql(replicaUrl, 'SELECT pg_wal_replay_resume()');
  await until('the replica to catch up', async () => (await count()) === before + 1);
  const found = await analyst.get('/api/cases?q=' + encodeURIComponent(`副本测试${process.pid}`));
  assert.deepEqual(found.json.items.map((x) => x.id), [id]);
  assert.equal(await dash(), beforeDash + 1);
  assert.ok((await analyst.get(csvPath)).text.includes(title));
});
