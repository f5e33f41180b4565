// headers.test.js - deployment switches: cookies behind a TLS proxy, and the
// idle timeout that cuts off slow clients without holding a worker.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const net = require('node:net');
const { startServer, Client, DEMO_PASSWORD } = require('../lib/server');

test('behind TLS, cookies get Secure and the __Host- prefix and still work', async () => {
  const srv = await startServer({ cases: false, args: ['--secure-cookies'] });
  try {
    const r = await fetch(srv.base + '/api/session', {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'fengyuan.mediator', password: DEMO_PASSWORD }),
    });
    assert.equal(r.status, 200);
    const sc = r.headers.get('set-cookie');
    assert.match(sc, /^__Host-fq_session=/);
    assert.match(sc, /; Secure/);
    assert.match(sc, /; Path=\//);
    assert.doesNotMatch(sc, /Domain=/);
    const me = await fetch(srv.base + '/api/me', { headers: { cookie: sc.split(';')[0] } });
    assert.equal(me.status, 200);
  } finally { await srv.stop(); }
});

test('without the switch, cookies are plain HttpOnly SameSite=Strict', async () => {
  const srv = await startServer({ cases: false });
  try {
    const c = new Client(srv.base);
    const r = await c.login('fengyuan.mediator');
    const sc = r.headers.get('set-cookie');
    assert.match(sc, /^fq_session=/);
    assert.doesNotMatch(sc, /Secure/);
  } finally { await srv.stop(); }
});

test('a client that stops sending is cut off after the idle timeout; others are served meanwhile', async () => {
  const srv = await startServer({ cases: false, args: ['--request-timeout', '1'] });
  try {
    const sock = net.connect(srv.port, '127.0.0.1');
    await new Promise((r) => sock.on('connect', r));
    const closed = new Promise((r) => sock.on('close', r));
    sock.on('error', () => {});
    sock.write('POST /api/session HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"user');
    const t0 = Date.now();
    const ok = await fetch(srv.base + '/api/health');
    assert.equal(ok.status, 200);
    assert.ok(Date.now() - t0 < 500, 'the stalled client does not hold the worker');
    await closed;
    const waited = Date.now() - t0;
    assert.ok(waited >= 800 && waited < 5000, `cut off after about a second (${waited} ms)`);
  } finally { await srv.stop(); }
});
