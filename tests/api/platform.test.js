// platform.test.js - the foundation: health, limits and error shapes, static
// files, sessions, CSRF, API tokens, login throttling, scope, regions and the
// audit chain. Runs against SQLite, and PostgreSQL when FQ_TEST_PG is set.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const net = require('node:net');
const { startServer, Client, DEMO_PASSWORD } = require('../lib/server');

let srv;
test.before(async () => { srv = await startServer(); });
test.after(async () => { await srv.stop(); });

function assertError(r, status, code, field) {
  assert.equal(r.status, status, r.text);
  assert.ok(r.json && r.json.error, `error body expected: ${r.text}`);
  assert.equal(typeof r.json.error.message, 'string');
  if (code) assert.equal(r.json.error.code, code);
  if (field !== undefined) assert.equal(r.json.error.field, field);
}

test('health names the store and version and the calendar gap', async () => {
  const r = await new Client(srv.base).get('/api/health');
  assert.equal(r.status, 200);
  assert.equal(r.json.status, 'ok');
  assert.equal(r.json.store, process.env.FQ_TEST_PG ? 'postgresql' : 'sqlite');
  assert.match(r.json.version, /^\d+\.\d+\.\d+/);
  assert.ok(Array.isArray(r.json.calendar.missing_years));
  const year = new Date().getUTCFullYear();
  // data/calendar has 2025 and 2026 only
  assert.equal(r.json.calendar.missing_years.includes(2026), false);
  if (year >= 2026) assert.ok(r.json.calendar.missing_years.includes(2027));
});

test('unknown route 404, wrong method 405, malformed JSON 400, too deep 400', async () => {
  const c = new Client(srv.base);
  assertError(await c.get('/api/nothing-here'), 404, 'not_found');
  const m = await c.req('PUT', '/api/health');
  assertError(m, 405, 'method_not_allowed');
  assert.match(m.headers.get('allow'), /GET/);
  assertError(await c.post('/api/session', '{"username":', { 'content-type': 'application/json' }), 400, 'malformed_json');
  const deep = '{"a":'.repeat(40) + '1' + '}'.repeat(40);
  assertError(await c.post('/api/session', deep, { 'content-type': 'application/json' }), 400, 'json_too_deep');
  const ok = '{"a":'.repeat(20) + '1' + '}'.repeat(20);
  // within the depth limit the body is parsed and then refused for its content
  assertError(await c.post('/api/session', ok, { 'content-type': 'application/json' }), 400, 'required', 'username');
});

test('a body over 1 MiB is 413, a non-JSON body on a JSON route 415', async () => {
  const c = new Client(srv.base);
  // past the largest body any route takes (the attachment uploads: 10 MiB
  // and 64 KiB), the length is refused from the header, before the body is read
  const sock = net.connect(srv.port, '127.0.0.1');
  await new Promise((r) => sock.on('connect', r));
  const answer = new Promise((r) => { let b = ''; sock.on('data', (d) => { b += d; if (b.includes('\r\n\r\n')) r(b); }); });
  sock.on('error', () => {});
  sock.write(`POST /api/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${10 * 1024 * 1024 + 64 * 1024 + 1}\r\n\r\n{"x":"`);
  assert.match(await answer, /^HTTP\/1\.1 413/);
  sock.destroy();
  // below it, every route but the uploads still holds its body to 1 MiB
  const over = '{"x":"' + 'a'.repeat(1024 * 1024 - 7) + '"}';
  assertError(await c.post('/api/session', over, { 'content-type': 'application/json' }), 413, 'body_too_large');
  // a body of exactly the limit is read and then refused for its content
  const max = '{"x":"' + 'a'.repeat(1024 * 1024 - 8) + '"}';
  assert.equal(Buffer.byteLength(max), 1024 * 1024);
  assertError(await c.post('/api/session', max, { 'content-type': 'application/json' }), 400, 'required', 'username');
  assertError(await c.post('/api/session', 'username=a', { 'content-type': 'application/x-www-form-urlencoded' }), 415, 'unsupported_media_type');
});

test('headers over the limit are 431', async () => {
  const r = await fetch(srv.base + '/api/health', { headers: { 'x-padding': 'p'.repeat(20000) } });
  assert.equal(r.status, 431);
  assert.equal((await r.json()).error.code, 'headers_too_large');
});

test('a slow client is cut off without holding the server', async () => {
  // send half a request line and nothing more; the server must still answer others
  const sock = net.connect(srv.port, '127.0.0.1');
  await new Promise((r) => sock.on('connect', r));
  sock.write('GET /api/health HTTP/1.1\r\nHost: x\r\n');
  const r = await fetch(srv.base + '/api/health');
  assert.equal(r.status, 200);
  sock.destroy();
});

test('static files have types, caching headers and security headers', async () => {
  const r = await fetch(srv.base + '/');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/html/);
  assert.equal(r.headers.get('cache-control'), 'no-cache');
  const etag = r.headers.get('etag');
  assert.ok(etag);
  const again = await fetch(srv.base + '/', { headers: { 'if-none-match': etag } });
  assert.equal(again.status, 304);
  const csp = r.headers.get('content-security-policy');
  assert.match(csp, /frame-ancestors 'none'/);
  assert.doesNotMatch(csp, /unsafe-inline/);
  assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
  assert.ok(r.headers.get('referrer-policy'));
  const css = await fetch(srv.base + '/css/app.css');
  assert.match(css.headers.get('content-type'), /^text\/css/);
  const dots = await fetch(srv.base + '/../meson.build');
  assert.equal(dots.status, 404);
  const api = await fetch(srv.base + '/api/health');
  assert.equal(api.headers.get('cache-control'), 'no-store');
});

test('sign in sets an HttpOnly SameSite=Strict cookie; me; sign out', async () => {
  const c = new Client(srv.base);
  assertError(await c.get('/api/me'), 401, 'unauthorized');
  const r = await c.post('/api/session', { username: 'fengyuan.mediator', password: DEMO_PASSWORD });
  assert.equal(r.status, 200);
  const sc = r.headers.get('set-cookie');
  assert.match(sc, /HttpOnly/);
  assert.match(sc, /SameSite=Strict/);
  assert.ok(r.json.csrf_token.length >= 32);
  assert.equal(r.json.user.username, 'fengyuan.mediator');
  assert.deepEqual(r.json.user.roles.map((x) => [x.role, x.region]), [['mediator', '330681109290']]);
  assert.equal(r.json.user.password_hash, undefined);
  c.csrf = r.json.csrf_token;
  const me = await c.get('/api/me');
  assert.equal(me.status, 200);
  assert.equal(me.json.user.username, 'fengyuan.mediator');
  const out = await c.req('DELETE', '/api/session');
  assert.equal(out.status, 204);
  assert.equal((await c.get('/api/me')).status, 401);
});

test('a state-changing request with the cookie needs X-CSRF-Token', async () => {
  const c = new Client(srv.base);
  await c.login('fengyuan.mediator');
  const good = c.csrf;
  c.csrf = null;
  const body = { title: '测试CSRF', description: 'x', category: 'neighbour', region: '330681109290' };
  assertError(await c.post('/api/cases', body), 403, 'csrf');
  c.csrf = 'wrong-token-wrong-token-wrong-token';
  assertError(await c.post('/api/cases', body), 403, 'csrf');
  c.csrf = good;
  assert.equal((await c.post('/api/cases', body)).status, 201);
});

test('API tokens act as their user without CSRF and are stored only as hashes', async () => {
  const out = srv.cli(['user', 'token', 'fengqiao.handler']).trim().split('\n');
  const token = out[out.length - 1];
  assert.match(token, /^[A-Za-z0-9_-]{40,}$/);
  const c = new Client(srv.base);
  c.token = token;
  const me = await c.get('/api/me');
  assert.equal(me.status, 200);
  assert.equal(me.json.user.username, 'fengqiao.handler');
  const r = await c.post('/api/cases', { title: '令牌创建', description: 'x', category: 'neighbour', region: '330681109290' });
  assert.equal(r.status, 201);
  c.token = token.slice(0, -2) + 'xx';
  assertError(await c.get('/api/me'), 401, 'bad_token');
  if (!process.env.FQ_TEST_PG) {
    const rows = execFileSync('sqlite3', ['-cmd', '.timeout 5000', srv.db, 'SELECT hash FROM api_tokens'], { encoding: 'utf8' });
    assert.ok(!rows.includes(token), 'the token itself must not be stored');
  }
});

test('a wrong password is 401 and says nothing about who exists', async () => {
  const c = new Client(srv.base);
  const a = await c.post('/api/session', { username: 'fengqiao.clerk', password: 'wrong-password-123' });
  const b = await c.post('/api/session', { username: 'no.such.user', password: 'wrong-password-123' });
  assertError(a, 401, 'bad_credentials');
  assertError(b, 401, 'bad_credentials');
  assert.deepEqual(a.json, b.json);
});

test('a case outside the caller\'s region answers 404, exactly like a missing one', async () => {
  const fy = new Client(srv.base);
  await fy.login('fengyuan.mediator');
  const created = await fy.post('/api/cases', {
    title: '邻里围墙纠纷', description: '围墙越界', category: 'neighbour', region: '330681109290',
  });
  assert.equal(created.status, 201);
  const id = created.json.id;
  const sy = new Client(srv.base);
  await sy.login('shangyu.mediator');
  const far = await sy.get(`/api/cases/${id}`);
  const none = await sy.get('/api/cases/999999999');
  assertError(far, 404, 'not_found');
  assert.deepEqual(far.json, none.json);
  assertError(await sy.get(`/api/cases/${id}/timeline`), 404);
  assertError(await sy.post(`/api/cases/${id}/actions`, { action: 'accept' }), 404);
  // a sibling village's mediator cannot see it either; the township can
  const ls = new Client(srv.base);
  await ls.login('fengqiao.clerk');
  assert.equal((await ls.get(`/api/cases/${id}`)).status, 200);
  const list = await sy.get('/api/cases?page_size=200');
  assert.ok(list.json.items.every((x) => x.region.startsWith('330604')));
});

test('regions: one, its children, search; Zhejiang has the published counts', async () => {
  const c = new Client(srv.base);
  assertError(await c.get('/api/regions/33'), 401);
  await c.login('zhuji.analyst');
  const zj = await c.get('/api/regions/33');
  assert.equal(zj.status, 200);
  assert.equal(zj.json.name, '浙江省');
  assert.equal(zj.json.level, 1);
  assert.deepEqual(zj.json.descendants, { cities: 11, counties: 90, townships: 1387, villages: 25547 });
  const v = await c.get('/api/regions/330681109290');
  assert.equal(v.json.level, 5);
  assert.equal(v.json.parent, '330681109');
  assert.deepEqual(v.json.path.map((p) => p.code), ['33', '3306', '330681', '330681109', '330681109290']);
  const kids = await c.get('/api/regions/330681109/children');
  assert.ok(kids.json.items.some((x) => x.code === '330681109290' && x.name.startsWith('枫源')));
  assert.ok(kids.json.items.every((x) => x.parent === '330681109' && x.level === 5));
  const s = await c.get('/api/regions?q=' + encodeURIComponent('枫桥'));
  assert.ok(s.json.items.some((x) => x.code === '330681109'));
  // a search is for the text as typed: % and _ are no wildcards on either engine
  for (const q of ['枫%桥', '枫_桥']) {
    const w = await c.get('/api/regions?q=' + encodeURIComponent(q));
    assert.equal(w.status, 200);
    assert.deepEqual(w.json.items, [], q);
  }
  assertError(await c.get('/api/regions/99'), 404);
});

test('import-regions again changes nothing', async () => {
  const before = srv.cli(['import-regions', '--province', '33']);
  assert.match(before, /25547 villages/);
  const c = new Client(srv.base);
  await c.login('zhuji.analyst');
  const zj = await c.get('/api/regions/33');
  assert.equal(zj.json.descendants.villages, 25547);
});

test('audit verify passes, and fails naming the entry after a row is deleted', async () => {
  const ok = srv.cli(['audit', 'verify']);
  assert.match(ok, /intact/);
  // an attacker with the database file removes one entry
  if (process.env.FQ_TEST_PG) {
    execFileSync('psql', [srv.db, '-qc', 'ALTER TABLE audit_log DISABLE TRIGGER USER; DELETE FROM audit_log WHERE id = 3']);
  } else {
    execFileSync('sqlite3', ['-cmd', '.timeout 5000', srv.db, 'DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE id = 3;']);
  }
  let failed = null;
  try { srv.cli(['audit', 'verify']); } catch (e) { failed = e; }
  assert.ok(failed, 'audit verify must exit non-zero');
  assert.match(String(failed.stdout), /BROKEN at entry 4/);
});

test('the audit log refuses edits through the database', async () => {
  if (process.env.FQ_TEST_PG) {
    assert.throws(() => execFileSync('psql', [srv.db, '-v', 'ON_ERROR_STOP=1', '-qc', "UPDATE audit_log SET actor='x' WHERE id=1"], { stdio: 'pipe' }));
  } else {
    assert.throws(() => execFileSync('sqlite3', ['-cmd', '.timeout 5000', srv.db, "UPDATE audit_log SET actor='x' WHERE id=1"], { stdio: 'pipe' }));
  }
});

test('the server log holds no phone numbers, passwords or tokens', async () => {
  const c = new Client(srv.base);
  await c.login('fengyuan.mediator');
  await c.post('/api/cases', { title: '日志检查', description: 'x', category: 'neighbour', region: '330681109290',
    parties: [{ role: 'applicant', name: '日志', phone: '13712345678' }] });
  await c.get('/api/cases?q=13712345678');
  await new Client(srv.base).post('/api/session', { username: 'fengyuan.mediator', password: 'wrong-password-123' });
  const log = srv.log();
  assert.doesNotMatch(log, /1[3-9]\d{9}/, 'no phone numbers');
  assert.ok(!log.includes(DEMO_PASSWORD) && !log.includes('wrong-password-123'), 'no passwords');
  assert.ok(!log.includes(c.csrf), 'no CSRF tokens');
  assert.ok(!log.includes(c.cookie.split('=')[1]), 'no session ids');
});
