// throttle.test.js - sign-in throttling, rate limits and hashing off the
// event loop. Each test gets its own server, since the limits are per address.
// Failed sign-ins are throttled per (account, address) pair with growing
// delays, and per address for spraying over many accounts; the address is the
// peer's unless the peer is a proxy named in trusted_proxies.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const http = require('node:http');
const { startServer, Client, DEMO_PASSWORD } = require('../lib/server');

// A sign-in sent from a chosen local address (fetch cannot bind one).
function loginFrom(base, localAddress, username, password, headers = {}) {
  const body = JSON.stringify({ username, password });
  const u = new URL(base + '/api/session');
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: u.hostname, port: u.port, path: u.pathname, method: 'POST', localAddress,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test('failures of one (account, address) pair make that pair wait, and the wait grows', async () => {
  const srv = await startServer({ cases: false });
  try {
    const c = new Client(srv.base);
    for (let i = 0; i < 5; i++) {
      const r = await c.post('/api/session', { username: 'leshan.mediator', password: `not-the-password-${i}` });
      assert.equal(r.status, 401);
    }
    let r = await c.post('/api/session', { username: 'leshan.mediator', password: DEMO_PASSWORD });
    assert.equal(r.status, 429, 'the sixth attempt of the pair waits, even with the right password');
    assert.equal(r.json.error.code, 'rate_limited');
    assert.equal(Number(r.headers.get('retry-after')), 1);
    await sleep(1200);
    r = await c.post('/api/session', { username: 'leshan.mediator', password: 'still-not-it-1' });
    assert.equal(r.status, 401, 'after the wait the pair may try again');
    r = await c.post('/api/session', { username: 'leshan.mediator', password: DEMO_PASSWORD });
    assert.equal(r.status, 429);
    assert.equal(Number(r.headers.get('retry-after')), 2, 'the next wait is twice as long');
  } finally { await srv.stop(); }
});

test("a stranger's failures from another address never keep the owner out", async () => {
  const srv = await startServer({ cases: false });
  try {
    const seen = new Set();
    for (let i = 0; i < 12; i++) {
      const r = await loginFrom(srv.base, '127.0.0.2', 'leshan.mediator', `guess-${i}-wrong`);
      seen.add(r.status);
    }
    assert.ok(seen.has(401) && seen.has(429), `the stranger was slowed: ${[...seen]}`);
    const owner = await loginFrom(srv.base, '127.0.0.1', 'leshan.mediator', DEMO_PASSWORD);
    assert.equal(owner.status, 200, owner.text);
  } finally { await srv.stop(); }
});

test('failures over many accounts from one address (spraying) block that address only', async () => {
  const srv = await startServer({ cases: false });
  try {
    for (let i = 0; i < 15; i++) {
      const r = await loginFrom(srv.base, '127.0.0.2', `nobody${i}`, 'not-the-password');
      assert.equal(r.status, 401);
    }
    const r = await loginFrom(srv.base, '127.0.0.2', 'fengyuan.mediator', DEMO_PASSWORD);
    assert.equal(r.status, 429);
    assert.equal(JSON.parse(r.text).error.code, 'rate_limited');
    const other = await loginFrom(srv.base, '127.0.0.1', 'fengyuan.mediator', DEMO_PASSWORD);
    assert.equal(other.status, 200);
  } finally { await srv.stop(); }
});

test('a success forgets the pair\'s failures', async () => {
  const srv = await startServer({ cases: false });
  try {
    const c = new Client(srv.base);
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 4; i++) {
        assert.equal((await c.post('/api/session', { username: 'fengqiao.clerk', password: 'wrong-password-x' })).status, 401);
      }
      assert.equal((await c.post('/api/session', { username: 'fengqiao.clerk', password: DEMO_PASSWORD })).status, 200);
    }
  } finally { await srv.stop(); }
});

test('X-Forwarded-For is ignored from a peer that is not a trusted proxy', async () => {
  const srv = await startServer({ cases: false });
  try {
    const c = new Client(srv.base);
    for (let i = 0; i < 5; i++) {
      const r = await c.post('/api/session', { username: 'leshan.mediator', password: `nope-nope-${i}` },
        { 'x-forwarded-for': `10.0.0.${i}` });
      assert.equal(r.status, 401);
    }
    const r = await c.post('/api/session', { username: 'leshan.mediator', password: DEMO_PASSWORD },
      { 'x-forwarded-for': '10.0.0.99' });
    assert.equal(r.status, 429, 'all attempts came from 127.0.0.1, whatever the header says');
  } finally { await srv.stop(); }
});

test('X-Forwarded-For is honoured from a proxy in trusted_proxies: the right-most untrusted hop', async () => {
  const dir = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'fq-cfg-'));
  const cfg = path.join(dir, 'config.json');
  fs.writeFileSync(cfg, JSON.stringify({ trusted_proxies: ['127.0.0.1', '10.9.0.0/16'] }));
  const srv = await startServer({ cases: false, args: ['--config', cfg] });
  try {
    const c = new Client(srv.base);
    for (let i = 0; i < 5; i++) {
      // the left part is whatever the client wrote; 10.9.0.1 is a trusted hop
      const r = await c.post('/api/session', { username: 'leshan.mediator', password: `nope-nope-${i}` },
        { 'x-forwarded-for': `192.0.2.${i}, 10.0.0.1, 10.9.0.1` });
      assert.equal(r.status, 401);
    }
    let r = await c.post('/api/session', { username: 'leshan.mediator', password: DEMO_PASSWORD },
      { 'x-forwarded-for': '10.0.0.1' });
    assert.equal(r.status, 429, 'the attacker is 10.0.0.1');
    r = await c.post('/api/session', { username: 'leshan.mediator', password: DEMO_PASSWORD },
      { 'x-forwarded-for': '10.0.0.1, 10.0.0.2' });
    assert.equal(r.status, 200, 'the owner behind the same proxy is 10.0.0.2');
  } finally {
    await srv.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a bad trusted_proxies entry stops the server with a message', async () => {
  const dir = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'fq-cfg-'));
  const cfg = path.join(dir, 'config.json');
  fs.writeFileSync(cfg, JSON.stringify({ trusted_proxies: ['not-an-address'] }));
  try {
    await assert.rejects(startServer({ cases: false, args: ['--config', cfg] }), /trusted_proxies\[0\]/);
  } finally { fs.rmSync(dir, { recursive: true, force: true }); }
});

test('the event loop answers while password hashes are still pending', async () => {
  // one worker: on a loop that hashed, /metrics and /api/health would wait
  // behind every queued sign-in
  const srv = await startServer({ cases: false, args: ['--workers', '1'] });
  const inFlight = async () => {
    const t = await (await fetch(srv.base + '/metrics')).text();
    const m = t.match(/^fengqiao_password_hashes_in_flight (\d+)$/m);
    assert.ok(m, 'the gauge is exported');
    return Number(m[1]);
  };
  try {
    assert.equal(await inFlight(), 0);
    const N = 12;
    let settled = 0;
    const logins = [];
    for (let i = 0; i < N; i++) {
      logins.push(loginFrom(srv.base, '127.0.0.1', `user${i % 3}`, `wrong-password-${i}`)
        .then((r) => { settled++; return r; }));
    }
    let before = 0;
    for (let k = 0; k < 200 && before === 0 && settled < N; k++) before = await inFlight();
    assert.ok(before > 0, 'sign-ins reached the hashing threads');
    const health = await fetch(srv.base + '/api/health');
    const settledAtHealth = settled;
    const after = await inFlight();
    assert.equal(health.status, 200);
    assert.ok(after > 0, `hashes were still pending after health answered (${after})`);
    assert.ok(settledAtHealth < N, 'health did not wait for the sign-ins');
    for (const r of await Promise.all(logins)) assert.equal(r.status, 401);
    assert.equal(await inFlight(), 0);
  } finally { await srv.stop(); }
});

test('when the hashing queue is full, sign-ins are answered 503 busy with Retry-After', async () => {
  // a trusted proxy lets each sign-in come from its own address, so neither
  // the per-address bucket nor the failure limits answer first
  const dir = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'fq-cfg-'));
  const cfg = path.join(dir, 'config.json');
  fs.writeFileSync(cfg, JSON.stringify({ trusted_proxies: ['127.0.0.1'] }));
  const srv = await startServer({ cases: false, args: ['--config', cfg, '--workers', '1'] });
  try {
    const N = 120; // the queue holds 64 and two threads run
    const all = [];
    for (let i = 0; i < N; i++) {
      all.push(loginFrom(srv.base, '127.0.0.1', 'leshan.mediator', `wrong-password-${i}`,
        { 'x-forwarded-for': `10.1.${i >> 8}.${i & 255}` }));
    }
    const rs = await Promise.all(all);
    const busy = rs.filter((r) => r.status === 503);
    assert.ok(busy.length > 0, 'some sign-ins were refused at once');
    assert.equal(JSON.parse(busy[0].text).error.code, 'busy');
    assert.ok(Number(busy[0].headers['retry-after']) >= 1);
    assert.ok(rs.every((r) => r.status === 401 || r.status === 503), [...new Set(rs.map((r) => r.status))].join());
    assert.equal((await fetch(srv.base + '/api/health')).status, 200);
  } finally {
    await srv.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('Open311 reads without an account have their own per-address limit', async () => {
  const srv = await startServer({ cases: false });
  try {
    let limited = null;
    for (let i = 0; i < 300 && !limited; i++) {
      const r = await fetch(`${srv.base}/open311/v2/requests/1.json`);
      if (r.status === 429) limited = r;
      else assert.equal(r.status, 404);
    }
    assert.ok(limited, 'expected a 429 within 300 quick reads');
    assert.equal((await limited.json()).error.code, 'rate_limited');
    // filing has its own bucket: reads used up do not stop a resident filing
    const f = await fetch(`${srv.base}/api/public/regions/33/children`);
    assert.equal(f.status, 200);
  } finally { await srv.stop(); }
});

test('the public endpoints are rate-limited per address', async () => {
  const srv = await startServer({ cases: false });
  try {
    let limited = null;
    for (let i = 0; i < 60 && !limited; i++) {
      const r = await fetch(`${srv.base}/api/public/cases/FQ-XXXX-XXXX`, { headers: { 'x-tracking-secret': 'nope' } });
      if (r.status === 429) limited = r;
      else assert.equal(r.status, 404);
    }
    assert.ok(limited, 'expected a 429 within 60 quick requests');
    assert.ok(Number(limited.headers.get('retry-after')) >= 1);
  } finally { await srv.stop(); }
});

test('--public-burst and --public-rate set the public budget; bad values stop the server', async () => {
  // a burst of 5 at 1 a second: the sixth quick request waits, where the
  // default burst of 30 would have let it through
  const srv = await startServer({ cases: false, args: ['--public-burst', '5', '--public-rate', '1'] });
  try {
    const got = [];
    for (let i = 0; i < 6; i++) {
      const r = await fetch(`${srv.base}/api/public/cases/FQ-XXXX-XXXX`, { headers: { 'x-tracking-secret': 'nope' } });
      got.push(r.status);
    }
    assert.deepEqual(got.slice(0, 5), [404, 404, 404, 404, 404]);
    assert.equal(got[5], 429);
  } finally { await srv.stop(); }
  // a wide budget: 100 quick requests all answered
  const wide = await startServer({ cases: false, args: ['--public-burst', '1000'] });
  try {
    for (let i = 0; i < 100; i++) {
      const r = await fetch(`${wide.base}/api/public/cases/FQ-XXXX-XXXX`, { headers: { 'x-tracking-secret': 'nope' } });
      assert.equal(r.status, 404, `request ${i}`);
    }
  } finally { await wide.stop(); }
  await assert.rejects(startServer({ cases: false, args: ['--public-burst', '0'] }), /--public-burst/);
  await assert.rejects(startServer({ cases: false, args: ['--public-rate', 'x'] }), /--public-rate/);
});
