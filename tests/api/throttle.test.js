// throttle.test.js - login throttling and rate limits. Each test gets its own
// server, since the limits are per address and all tests share 127.0.0.1.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer, Client, DEMO_PASSWORD } = require('../lib/server');

test('after 10 failed logins for one account, further attempts get 429 with Retry-After', async () => {
  const srv = await startServer({ cases: false });
  try {
    const c = new Client(srv.base);
    for (let i = 0; i < 10; i++) {
      const r = await c.post('/api/session', { username: 'leshan.mediator', password: `not-the-password-${i}` },
        { 'x-forwarded-for': `10.0.0.${i}` }); // not trusted: the address is the peer's
      assert.equal(r.status, 401);
    }
    const r = await c.post('/api/session', { username: 'leshan.mediator', password: DEMO_PASSWORD });
    assert.equal(r.status, 429);
    assert.equal(r.json.error.code, 'rate_limited');
    assert.ok(Number(r.headers.get('retry-after')) > 0);
    assert.ok(Number(r.headers.get('retry-after')) <= 900);
  } finally { await srv.stop(); }
});

test('after 10 failed logins from one address, every account from it gets 429', async () => {
  const srv = await startServer({ cases: false });
  try {
    const c = new Client(srv.base);
    for (let i = 0; i < 10; i++) {
      const r = await c.post('/api/session', { username: `nobody${i}`, password: 'not-the-password' });
      assert.equal(r.status, 401);
    }
    const r = await c.post('/api/session', { username: 'fengyuan.mediator', password: DEMO_PASSWORD });
    assert.equal(r.status, 429);
  } finally { await srv.stop(); }
});

test('nine failures then a success reset the account count', async () => {
  const srv = await startServer({ cases: false });
  try {
    const c = new Client(srv.base);
    for (let i = 0; i < 9; i++) {
      assert.equal((await c.post('/api/session', { username: 'fengqiao.clerk', password: 'wrong-password-x' })).status, 401);
    }
    assert.equal((await c.post('/api/session', { username: 'fengqiao.clerk', password: DEMO_PASSWORD })).status, 200);
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
