// server.js - starts a fresh Fengqiao server for black-box tests.
// Each call makes a new database (SQLite file in a temp dir, or a new
// PostgreSQL database when FQ_TEST_PG is a postgresql:// URL), migrates it,
// imports the demo region, seeds the demo and serves on a free loopback port.
'use strict';
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const net = require('node:net');
const crypto = require('node:crypto');
const assert = require('node:assert');

const ROOT = path.resolve(__dirname, '..', '..');
const BIN = process.env.FQ_BIN || path.join(ROOT, 'build', 'fengqiao');
const DEMO_PASSWORD = 'demo-password-2026';

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

let pgCounter = 0;
function pgUrl(name) {
  // by hand: a multi-host URL (scripts/with-pg --ha, "h1:p1,h2:p2") is no WHATWG URL
  return process.env.FQ_TEST_PG.replace(/^(postgres(?:ql)?:\/\/[^/?]*)(\/[^?]*)?/, `$1/${name}`);
}

function cli(db, args, opts = {}) {
  return execFileSync(BIN, [...args, '--db', db], {
    cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...(opts.env || {}) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

// Seeding (25,000 villages and the demo) takes seconds, and every test file
// starts several servers: each kind of seeded database is made once and
// copied. The template's name carries the binary's identity and the day
// (the demo's cases are placed relative to today), so a rebuild or a new
// day makes a new one. SQLite templates live in the temp folder; PostgreSQL
// ones are template databases of the throwaway server (scripts/with-pg).
function templateKey(kind) {
  const st = fs.statSync(BIN);
  const day = new Date().toISOString().slice(0, 10);
  return crypto.createHash('sha256').update(`${BIN}|${st.size}|${st.mtimeMs}|${day}|${kind}`)
    .digest('hex').slice(0, 16);
}

function seedInto(db, kind) {
  cli(db, ['migrate']);
  if (kind !== 'empty') {
    cli(db, ['import-regions', '--province', '33']);
    cli(db, ['seed-demo', '--password', DEMO_PASSWORD, ...(kind === 'no-cases' ? ['--no-cases'] : [])]);
  }
}

function freshDb(dir, kind, fresh) {
  if (fresh) {
    // seeded on its own: tracking codes and secrets differ from every copy
    let db = path.join(dir, 'test.db');
    if (process.env.FQ_TEST_PG) {
      const name = `fq_test_${process.pid}_${Date.now()}_${pgCounter++}`;
      execFileSync('psql', [process.env.FQ_TEST_PG, '-qc', `CREATE DATABASE ${name}`], { stdio: 'ignore' });
      db = pgUrl(name);
    }
    seedInto(db, kind);
    return db;
  }
  const key = templateKey(kind);
  if (process.env.FQ_TEST_PG) {
    const tpl = `fq_tpl_${key}`;
    const exists = execFileSync('psql', [process.env.FQ_TEST_PG, '-tAc',
      `SELECT 1 FROM pg_database WHERE datname = '${tpl}'`], { encoding: 'utf8' }).trim() === '1';
    if (!exists) {
      // built under another name, then renamed: a half-made template is never used
      const tmp = `fq_tplbuild_${process.pid}_${Date.now()}`;
      execFileSync('psql', [process.env.FQ_TEST_PG, '-qc', `CREATE DATABASE ${tmp}`], { stdio: 'ignore' });
      seedInto(pgUrl(tmp), kind);
      try {
        execFileSync('psql', [process.env.FQ_TEST_PG, '-qc', `ALTER DATABASE ${tmp} RENAME TO ${tpl}`], { stdio: 'ignore' });
      } catch (_) { /* another process made it first */ }
    }
    const name = `fq_test_${process.pid}_${Date.now()}_${pgCounter++}`;
    execFileSync('psql', [process.env.FQ_TEST_PG, '-qc', `CREATE DATABASE ${name} TEMPLATE ${tpl}`], { stdio: 'ignore' });
    return pgUrl(name);
  }
  const tpl = path.join(os.tmpdir(), `fq-template-${key}.db`);
  if (!fs.existsSync(tpl)) {
    const tmp = `${tpl}.${process.pid}.tmp`;
    seedInto(tmp, kind);
    // the CLI checkpoints and removes its WAL when it closes; a WAL left
    // with frames in it would mean the copy misses data
    assert.ok(!fs.existsSync(tmp + '-wal') || fs.statSync(tmp + '-wal').size === 0, 'template WAL checkpointed');
    fs.rmSync(tmp + '-shm', { force: true });
    fs.rmSync(tmp + '-wal', { force: true });
    fs.renameSync(tmp, tpl);
  }
  const db = path.join(dir, 'test.db');
  fs.copyFileSync(tpl, db);
  return db;
}

// Options: seed (default true: regions, demo users and cases), cases (false:
// no demo cases), fresh (seed this database on its own instead of copying
// the shared template, so its tracking codes and secrets differ from other
// servers'), env (extra env for serve), args (extra serve args), keep (leave
// the temporary folder and database after stop; the caller removes it).
async function startServer(options = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fq-test-'));
  const db = freshDb(dir, options.seed === false ? 'empty' : options.cases === false ? 'no-cases' : 'demo',
    options.fresh);
  const port = await freePort();
  const env = { ...process.env, ...(options.env || {}) };
  const child = spawn(BIN, ['serve', '--db', db, '--listen', `127.0.0.1:${port}`,
    '--web', path.join(ROOT, 'web'), '--calendar', path.join(ROOT, 'data', 'calendar'),
    ...(options.args || [])], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (d) => { log += d; });
  child.stderr.on('data', (d) => { log += d; });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 15000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited ${child.exitCode}: ${log}`);
    try {
      const r = await fetch(base + '/api/health');
      if (r.ok) break;
    } catch (_) { /* not up yet */ }
    if (Date.now() > deadline) throw new Error('server did not start: ' + log);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    base, port, db, dir, child,
    log: () => log,
    cli: (args, opts) => cli(db, args, opts),
    async stop() {
      if (child.exitCode === null) {
        const done = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await done;
      }
      if (!options.keep && !process.env.FQ_KEEP_TEST_DIRS) fs.rmSync(dir, { recursive: true, force: true });
      if (child.exitCode && child.exitCode !== 0 && !options.allowBadExit) {
        throw new Error(`server exited with ${child.exitCode}: ${log.slice(-4000)}`);
      }
    },
  };
}

// A small client that keeps the session cookie and CSRF token.
// opts.retryClosed: against a server with a short --request-timeout, an idle
// keep-alive connection may be closed by the server just as the next request
// is written on it ("fetch failed", the request never read): such a request
// is sent once more on a new connection. Only for those tests.
class Client {
  constructor(base, opts = {}) {
    this.base = base; this.cookie = null; this.csrf = null; this.token = null;
    this.retryClosed = !!opts.retryClosed;
  }
  async req(method, p, body, headers = {}) {
    const h = { ...headers };
    if (this.cookie) h.cookie = this.cookie;
    if (this.token) h.authorization = `Bearer ${this.token}`;
    if (this.csrf && method !== 'GET') h['x-csrf-token'] = this.csrf;
    let payload;
    if (body !== undefined) {
      if (typeof body === 'string' || Buffer.isBuffer(body)) payload = body;
      else { payload = JSON.stringify(body); h['content-type'] = h['content-type'] || 'application/json'; }
    }
    let r;
    try {
      r = await fetch(this.base + p, { method, headers: h, body: payload, redirect: 'manual' });
    } catch (e) {
      const code = e.cause && e.cause.code;
      if (!this.retryClosed || !['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE'].includes(code)) throw e;
      r = await fetch(this.base + p, { method, headers: h, body: payload, redirect: 'manual' });
    }
    const text = await r.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch (_) { /* not JSON */ }
    const sc = r.headers.get('set-cookie');
    if (sc && sc.startsWith('fq_session=')) this.cookie = sc.split(';')[0];
    return { status: r.status, headers: r.headers, json, text };
  }
  get(p, h) { return this.req('GET', p, undefined, h); }
  post(p, b, h) { return this.req('POST', p, b, h); }
  async login(username, password = DEMO_PASSWORD) {
    const r = await this.post('/api/session', { username, password });
    if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${r.text}`);
    this.csrf = r.json.csrf_token;
    return r;
  }
}

module.exports = { startServer, Client, DEMO_PASSWORD, ROOT, BIN, freePort };
