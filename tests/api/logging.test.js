// logging.test.js - the access log and the request id: one JSON line per
// request naming the route's template (never the decoded path, so that a
// %0A in a URL cannot forge a line), the X-Request-Id header made or
// echoed, and --log-level. Each test reads the whole log after the server
// has stopped and closed its stderr, so nothing is waited for by sleeping.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const { startServer, BIN, ROOT } = require('../lib/server');

// Stops the server and resolves with its whole log, once stderr is closed.
async function stopAndRead(srv) {
  const closed = new Promise((r) => srv.child.stderr.once('close', r));
  await srv.stop();
  await closed;
  return srv.log();
}

const accessLines = (log) => log.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l))
  .filter((o) => o.log === 'access');

test('every answer carries a request id; a well-formed X-Request-Id is echoed, another is replaced', async () => {
  const srv = await startServer({ args: ['--workers', '1'] });
  try {
    const a = await fetch(srv.base + '/api/health');
    const made = a.headers.get('x-request-id');
    assert.match(made, /^[A-Za-z0-9._-]{8,64}$/);
    const b = await fetch(srv.base + '/api/health');
    assert.notEqual(b.headers.get('x-request-id'), made, 'a new id for each request');

    const mine = 'proxy-7.Ab_' + 'x'.repeat(53);   // 64 characters, the most allowed
    const c = await fetch(srv.base + '/api/cases', { headers: { 'X-Request-Id': mine } });
    assert.equal(c.status, 401);
    assert.equal(c.headers.get('x-request-id'), mine, 'echoed on an error answer too');

    for (const bad of ['x'.repeat(65), 'a b', 'a"b', 'a{b}', '']) {
      const d = await fetch(srv.base + '/api/health', { headers: { 'X-Request-Id': bad } });
      const got = d.headers.get('x-request-id');
      assert.notEqual(got, bad, `${JSON.stringify(bad)} is not reused`);
      assert.match(got, /^[A-Za-z0-9._-]{8,64}$/);
    }
    const log = await stopAndRead(srv);
    const lines = accessLines(log);
    const line = lines.find((o) => o.id === mine);
    assert.ok(line, 'the access line carries the id that was echoed');
    assert.equal(line.method, 'GET');
    assert.equal(line.route, '/api/cases');
    assert.equal(line.status, 401);
    assert.ok(line.bytes > 0 && line.ms >= 0 && line.addr === '127.0.0.1' && line.level === 'info');
    assert.ok(lines.find((o) => o.id === made && o.route === '/api/health' && o.status === 200));
  } finally {
    await srv.stop();
  }
});

test('a %0A in the URL yields exactly one log line for the request, with the route template', async () => {
  const srv = await startServer({ args: ['--workers', '1'] });
  try {
    const forged = '%0A%7B%22log%22:%22access%22,%22forged%22:1%7D%0D%0Aforged';
    const ids = [];
    for (const [p, route] of [[`/api/cases/1${forged}`, '/api/cases/{id}'],
      [`/api/no-such${forged}`, 'other'], [`/open311/v2/requests/1${forged}.json`, null]]) {
      const id = `nl-${ids.length}`;
      const r = await fetch(srv.base + p, { headers: { 'X-Request-Id': id } });
      assert.ok(r.status >= 400, `${p} is refused`);
      ids.push([id, route]);
    }
    const log = await stopAndRead(srv);
    assert.ok(!log.includes('forged'), 'nothing of the path reaches the log');
    for (const l of log.split('\n')) if (l.startsWith('{')) JSON.parse(l);  // every JSON line is whole
    const lines = accessLines(log);
    for (const [id, route] of ids) {
      const mine = log.split('\n').filter((l) => l.includes(`"${id}"`));
      assert.equal(mine.length, 1, `one line for ${id}: ${mine.join(' | ')}`);
      const o = lines.find((x) => x.id === id);
      assert.ok(o, `${id} has an access line`);
      if (route) assert.equal(o.route, route);
      assert.ok(!o.route.includes('\n') && !o.route.includes('forged'));
    }
  } finally {
    await srv.stop();
  }
});

test('--log-level warn keeps the access log out; a level that does not exist is refused', async () => {
  const quiet = await startServer({ args: ['--workers', '1', '--log-level', 'warn'] });
  const loud = await startServer({ args: ['--workers', '1'] });
  try {
    for (const s of [quiet, loud]) {
      for (const p of ['/api/health', '/api/cases', '/no-such-file']) await fetch(s.base + p);
    }
    const quietLog = await stopAndRead(quiet);
    const loudLog = await stopAndRead(loud);
    assert.ok(accessLines(loudLog).length >= 3, 'at info the same requests are logged');
    assert.equal(accessLines(quietLog).length, 0, quietLog);
    assert.ok(!/ info /.test(quietLog), 'no info line at all');
  } finally {
    await quiet.stop();
    await loud.stop();
  }
  assert.throws(() => execFileSync(BIN, ['serve', '--log-level', 'loud', '--db', ':memory:'],
    { cwd: ROOT, stdio: 'pipe' }), (e) => e.status === 2 && /--log-level/.test(e.stderr));
});
