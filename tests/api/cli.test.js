// cli.test.js - the fengqiao command: every subcommand answers --help, the
// calendar arithmetic of the examples, user administration, and
// --db / FENGQIAO_DB.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { execFileSync, spawnSync } = require('node:child_process');
const { startServer, Client, BIN, ROOT, DEMO_PASSWORD } = require('../lib/server');

const run = (args, env = {}) => spawnSync(BIN, args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env } });

test('every subcommand has --help', () => {
  // every command the top help lists (a new one is checked without being named here)
  const listed = [...run(['--help']).stdout.matchAll(/^  ([a-z][a-z-]+)\s{2,}/gm)].map((m) => m[1]);
  for (const cmd of ['serve', 'migrate', 'import-regions', 'seed-demo', 'user', 'audit', 'calendar', 'backup',
    'restore', 'bench-gen', 'routes', 'migrate-data', 'grids', 'analyze']) assert.ok(listed.includes(cmd), `${cmd} is listed`);
  for (const cmd of listed) {
    const r = run([cmd, '--help']);
    assert.equal(r.status, 0, `${cmd} --help: ${r.stderr}`);
    assert.match(r.stdout, /usage: fengqiao/, cmd);
  }
  const top = run(['--help']);
  assert.equal(top.status, 0);
  assert.match(top.stdout, /serve/);
  assert.equal(run(['no-such-command']).status, 2);
});

test('calendar add counts working days over holidays and make-up days', () => {
  const add = (d, n) => execFileSync(BIN, ['calendar', 'add', d, String(n)], { cwd: ROOT, encoding: 'utf8' }).trim();
  assert.equal(add('2025-09-30', 3), '2025-10-11');
  assert.equal(add('2025-09-26', 1), '2025-09-28');
  assert.equal(add('2026-02-13', 1), '2026-02-14', 'Spring Festival make-up Saturday');
  assert.equal(add('2026-02-14', 1), '2026-02-24', 'over the Spring Festival holiday');
  assert.equal(run(['calendar', 'add', '2025-13-01', '1']).status, 2);
  // a year without a file counts Monday to Friday and says so
  const r = run(['calendar', 'add', '2027-01-01', '1']);
  assert.equal(r.stdout.trim(), '2027-01-04');
  assert.match(r.stderr, /no calendar file for 2027/);
});

test('user add, grant, revoke and passwd; FENGQIAO_DB is --db', async () => {
  const srv = await startServer({ cases: false });
  try {
    const env = { FENGQIAO_DB: srv.db };
    let r = run(['user', 'add', 'new.mediator', '--name', '新调解员', '--password', 'short'], env);
    assert.notEqual(r.status, 0, 'a short password is refused');
    r = run(['user', 'add', 'new.mediator', '--name', '新调解员'], env);
    assert.equal(r.status, 0, r.stderr);
    const pw = r.stdout.match(/password for new.mediator: (\S+)/)[1];
    assert.ok(pw.length >= 12);
    assert.equal(run(['user', 'grant', 'new.mediator', 'mediator', '330681109291'], env).status, 0);
    assert.notEqual(run(['user', 'grant', 'new.mediator', 'emperor', '33'], env).status, 0);
    assert.notEqual(run(['user', 'grant', 'new.mediator', 'mediator', '999999'], env).status, 0);
    const c = new Client(srv.base);
    const login = await c.post('/api/session', { username: 'new.mediator', password: pw });
    assert.equal(login.status, 200);
    assert.deepEqual(login.json.user.roles.map((x) => x.region), ['330681109291']);
    assert.equal(run(['user', 'revoke', 'new.mediator', 'mediator', '330681109291'], env).status, 0);
    c.csrf = login.json.csrf_token;
    const me = await c.get('/api/me');
    assert.deepEqual(me.json.user.roles, []);
    assert.equal(run(['user', 'passwd', 'new.mediator', '--password', 'another-password-1'], env).status, 0);
    const again = await new Client(srv.base).post('/api/session', { username: 'new.mediator', password: 'another-password-1' });
    assert.equal(again.status, 200);
    assert.match(execFileSync(BIN, ['audit', 'verify'], { env: { ...process.env, ...env }, encoding: 'utf8' }), /intact/);
  } finally { await srv.stop(); }
});

test('user passwords: common, one-character and sequence passwords are refused', async () => {
  const srv = await startServer({ cases: false });
  try {
    const env = { FENGQIAO_DB: srv.db };
    for (const weak of ['aaaaaaaaaaaa', 'Password1234', '123456789012', 'zyxwvutsrqpo', '121212121212']) {
      const r = run(['user', 'add', 'weak.user', '--password', weak], env);
      assert.notEqual(r.status, 0, weak);
      assert.match(r.stderr, /too common or too simple/, weak);
    }
    assert.equal(run(['user', 'add', 'weak.user', '--password', 'correct-horse-2026'], env).status, 0);
    const r = run(['user', 'passwd', 'weak.user', '--password', 'bbbbbbbbbbbbbbbb'], env);
    assert.notEqual(r.status, 0);
    await new Client(srv.base).login('weak.user', 'correct-horse-2026');
  } finally { await srv.stop(); }
});

test('user token --expires-days, tokens, token-revoke, disable and enable', async () => {
  const srv = await startServer({ cases: false });
  try {
    const env = { FENGQIAO_DB: srv.db };
    assert.notEqual(run(['user', 'token', 'fengyuan.mediator', '--expires-days', '0'], env).status, 0);
    assert.notEqual(run(['user', 'token', 'fengyuan.mediator', '--expires-days', 'x'], env).status, 0);
    const make = (days) => {
      const r = run(['user', 'token', 'fengyuan.mediator', '--expires-days', String(days)], env);
      assert.equal(r.status, 0, r.stderr);
      return r.stdout.trim().split('\n').pop();
    };
    const t1 = make(30), t2 = make(400);
    const id1 = require('node:crypto').createHash('sha256').update(t1).digest('hex').slice(0, 12);
    const list = run(['user', 'tokens', 'fengyuan.mediator'], env);
    assert.equal(list.status, 0);
    assert.equal(list.stdout.trim().split('\n').length, 2);
    assert.match(list.stdout, new RegExp(`^${id1} `, 'm'));
    const me = (tok) => { const c = new Client(srv.base); c.token = tok; return c.get('/api/me'); };
    assert.equal((await me(t1)).status, 200);
    assert.notEqual(run(['user', 'token-revoke', 'fengyuan.mediator'], env).status, 0, 'an id or --all is needed');
    assert.notEqual(run(['user', 'token-revoke', 'leshan.mediator', id1], env).status, 0, 'not their token');
    assert.equal(run(['user', 'token-revoke', 'fengyuan.mediator', id1], env).status, 0);
    assert.equal((await me(t1)).status, 401);
    assert.equal((await me(t2)).status, 200);
    assert.equal(run(['user', 'token-revoke', 'fengyuan.mediator', '--all'], env).status, 0);
    assert.equal((await me(t2)).status, 401);
    assert.equal(run(['user', 'tokens', 'fengyuan.mediator'], env).stdout.trim(), '');
    assert.equal(run(['user', 'disable', 'fengyuan.mediator'], env).status, 0);
    const off = await new Client(srv.base).post('/api/session', { username: 'fengyuan.mediator', password: DEMO_PASSWORD });
    assert.equal(off.status, 401);
    assert.equal(run(['user', 'enable', 'fengyuan.mediator'], env).status, 0);
    await new Client(srv.base).login('fengyuan.mediator');
    assert.notEqual(run(['user', 'disable', 'no.such.user'], env).status, 0);
    assert.match(execFileSync(BIN, ['audit', 'verify'], { env: { ...process.env, ...env }, encoding: 'utf8' }), /intact/);
  } finally { await srv.stop(); }
});

test('migrate is idempotent', async () => {
  const srv = await startServer({ seed: false });
  try {
    srv.cli(['migrate']);
    srv.cli(['migrate']);
    const r = await fetch(srv.base + '/api/health');
    assert.equal(r.status, 200);
  } finally { await srv.stop(); }
});
