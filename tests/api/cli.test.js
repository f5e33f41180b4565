// cli.test.js - the fengqiao command: every subcommand answers --help, the
// calendar arithmetic of the examples, user administration, and
// --db / FENGQIAO_DB.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { execFileSync, spawnSync } = require('node:child_process');
const { startServer, Client, BIN, ROOT } = require('../lib/server');

const run = (args, env = {}) => spawnSync(BIN, args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env } });

test('every subcommand has --help', () => {
  for (const cmd of ['serve', 'migrate', 'import-regions', 'seed-demo', 'user', 'audit', 'calendar', 'backup',
    'restore', 'bench-gen', 'routes', 'migrate-data']) {
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

test('migrate is idempotent', async () => {
  const srv = await startServer({ seed: false });
  try {
    srv.cli(['migrate']);
    srv.cli(['migrate']);
    const r = await fetch(srv.base + '/api/health');
    assert.equal(r.status, 200);
  } finally { await srv.stop(); }
});
