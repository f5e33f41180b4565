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

test('connections over the cap are answered 503 and closed; a freed slot is reused', async () => {
  const srv = await startServer({ cases: false, args: ['--max-connections', '2', '--workers', '1'] });
  const ask = (sock) => new Promise((resolve) => {
    let buf = '';
    const onData = (d) => {
      buf += d;
      if (/\r\n\r\n/.test(buf) && /Content-Length: (\d+)/i.test(buf)) {
        const len = Number(buf.match(/Content-Length: (\d+)/i)[1]);
        const body = buf.split('\r\n\r\n')[1] || '';
        if (Buffer.byteLength(body) >= len) { sock.off('data', onData); resolve(buf); }
      }
    };
    sock.on('data', onData);
    sock.write('GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n');
  });
  const open = async () => {
    const s = net.connect(srv.port, '127.0.0.1');
    await new Promise((r) => s.on('connect', r));
    s.setEncoding('utf8');
    s.on('error', () => {});
    return s;
  };
  try {
    // the test harness's own keep-alive connection may hold a slot: open
    // connections until the cap answers, at most cap + 2
    const admitted = [];
    let refused = null;
    for (let i = 0; i < 4 && !refused; i++) {
      const s = await open();
      const answer = await ask(s);
      if (/^HTTP\/1\.1 200/.test(answer)) admitted.push(s);
      else { refused = answer; s.destroy(); }
    }
    assert.ok(refused, 'a connection over the cap is refused');
    assert.match(refused, /^HTTP\/1\.1 503/);
    assert.match(refused, /too_many_connections/);
    assert.ok(admitted.length >= 1 && admitted.length <= 2);
    admitted[0].destroy();
    let d = null;
    let answer = '';
    for (let i = 0; i < 20 && !/^HTTP\/1\.1 200/.test(answer); i++) {
      await new Promise((r) => setTimeout(r, 100));
      if (d) d.destroy();
      d = await open();
      answer = await ask(d);
    }
    assert.match(answer, /^HTTP\/1\.1 200/, 'the closed connection freed its slot');
    for (const s of [...admitted.slice(1), d]) s.destroy();
  } finally { await srv.stop(); }
});
