// transport.test.js - the HTTP transport under abuse: request smuggling,
// odd bytes in headers and bodies, one client holding many connections,
// and rate limits that act before a large body is parsed. Raw sockets to
// the test's own server on 127.0.0.1 (127.0.0.2 is another loopback
// address, used as "another client").
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const net = require('node:net');
const { startServer, Client } = require('../lib/server');

// Sends raw bytes and collects the answer: resolves with { head, status,
// body (Buffer), closed } once the announced body has arrived, or when the
// server closes the connection.
function raw(port, bytes, { localAddress, keepOpen } = {}) {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ port, host: '127.0.0.1', localAddress });
    let buf = Buffer.alloc(0);
    let settled = false;
    const finish = (closed) => {
      if (settled) return;
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) {
        if (closed) { settled = true; resolve({ status: 0, head: '', body: buf, closed, sock }); }
        return;
      }
      const head = buf.subarray(0, end).toString('latin1');
      const m = head.match(/\r\ncontent-length: *(\d+)/i);
      const body = buf.subarray(end + 4);
      if (m && body.length < Number(m[1]) && !closed) return;
      settled = true;
      const status = Number(head.split(' ')[1]);
      resolve({ status, head, body, closed, sock, extra: m ? body.length - Number(m[1]) : 0 });
      if (!keepOpen) sock.destroy();
    };
    sock.on('data', (d) => { buf = Buffer.concat([buf, d]); finish(false); });
    sock.on('close', () => finish(true));
    sock.on('error', (e) => { if (!settled) { settled = true; reject(e); } });
    sock.on('connect', () => sock.write(bytes));
  });
}

// Waits until the server closes sock (or gives up after ms).
function closedWithin(sock, ms) {
  return new Promise((resolve) => {
    if (sock.destroyed || sock.readableEnded) return resolve(true);
    const t = setTimeout(() => resolve(false), ms);
    sock.once('close', () => { clearTimeout(t); resolve(true); });
    sock.once('end', () => { clearTimeout(t); resolve(true); });
  });
}

// An error answer: exactly the announced bytes, and JSON of the house shape.
function errorBody(r) {
  assert.equal(r.extra, 0, 'no bytes beyond Content-Length');
  const text = r.body.toString('utf8');
  assert.ok(!text.includes('\ufffd'), 'the body is valid UTF-8');
  const j = JSON.parse(text);
  assert.equal(typeof j.error.code, 'string');
  assert.equal(typeof j.error.message, 'string');
  assert.ok('field' in j.error);
  return j.error;
}

let srv;
test.before(async () => { srv = await startServer({ cases: false }); });
test.after(async () => { await srv.stop(); });

test('two different Content-Length headers are refused with 400 and the connection closed', async () => {
  const r = await raw(srv.port, 'POST /api/public/cases HTTP/1.1\r\nHost: x\r\n' +
    'Content-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 40\r\n\r\n{}' +
    'GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n', { keepOpen: true });
  assert.equal(r.status, 400);
  assert.equal(errorBody(r).code, 'bad_content_length');
  assert.match(r.head, /\r\nConnection: close/i);
  assert.ok(await closedWithin(r.sock, 2000), 'the smuggled request is not read');
  r.sock.destroy();
});

test('Content-Length with Transfer-Encoding, or a Content-Length list, is refused', async () => {
  const te = await raw(srv.port, 'POST /api/public/cases HTTP/1.1\r\nHost: x\r\n' +
    'Content-Type: application/json\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n' +
    '2\r\n{}\r\n0\r\n\r\n');
  // libevent refuses these two itself (its own 400 page); the server's
  // check stands behind it
  assert.equal(te.status, 400);
  assert.ok(te.closed || /\r\nConnection: close/i.test(te.head));
  const list = await raw(srv.port, 'POST /api/public/cases HTTP/1.1\r\nHost: x\r\n' +
    'Content-Type: application/json\r\nContent-Length: 2, 2\r\n\r\n{}');
  assert.ok(list.status === 400, `a list is refused (${list.status})`);
});

test('the same Content-Length given twice is still one request', async () => {
  const r = await raw(srv.port, 'GET /api/health HTTP/1.1\r\nHost: x\r\n' +
    'Content-Length: 0\r\nContent-Length: 0\r\n\r\n');
  assert.equal(r.status, 200);
});

test('an HTTP/1.1 request without Host is refused; HTTP/1.0 needs none', async () => {
  const r = await raw(srv.port, 'GET /api/health HTTP/1.1\r\n\r\n');
  assert.equal(r.status, 400);
  assert.equal(errorBody(r).code, 'missing_host');
  const two = await raw(srv.port, 'GET /api/health HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n');
  assert.equal(two.status, 400);
  assert.equal(errorBody(two).code, 'bad_host');
  const old = await raw(srv.port, 'GET /api/health HTTP/1.0\r\n\r\n');
  assert.equal(old.status, 200);
  const ok = await raw(srv.port, 'GET /api/health HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n');
  assert.equal(ok.status, 200);
});

test('a Host with a 0xFF byte on Open311 discovery is a clean 400, no stray bytes', async () => {
  const req = Buffer.concat([
    Buffer.from('GET /open311/v2/discovery.json HTTP/1.1\r\nHost: ex'),
    Buffer.from([0xff, 0xfe]),
    Buffer.from('ample.org\r\n\r\n'),
  ]);
  const r = await raw(srv.port, req);
  assert.equal(r.status, 400);
  assert.equal(errorBody(r).code, 'bad_host');
  // and a good Host still gets the discovery document
  const ok = await raw(srv.port, 'GET /open311/v2/discovery.json HTTP/1.1\r\nHost: example.org:8080\r\n\r\n');
  assert.equal(ok.status, 200);
  assert.match(ok.body.toString(), /example\.org:8080/);
});

test('a malformed JSON body of long multibyte text or invalid bytes is a 400 with valid JSON', async () => {
  const post = (body) => raw(srv.port, Buffer.concat([
    Buffer.from('POST /api/public/cases HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
      `Content-Length: ${body.length}\r\n\r\n`), body]));
  // long text in a bad body, and bytes that are not UTF-8: a clean 400
  for (let shift = 0; shift < 3; shift++) {
    const body = Buffer.from('{"title": "' + 'a'.repeat(shift) + '枫'.repeat(400));
    const r = await post(body);
    assert.equal(r.status, 400, `shift ${shift}: ${r.body}`);
    const e = errorBody(r);
    assert.equal(e.code, 'malformed_json');
    assert.ok(!e.message.includes('枫'), 'the body is not echoed');
  }
  // jansson's "invalid token near '枫'": the body's own text, not echoed
  const token = await post(Buffer.from('{"title": ' + '枫'.repeat(400)));
  assert.equal(token.status, 400);
  assert.ok(!errorBody(token).message.includes('枫'), 'the body is not echoed');
  const bad = await post(Buffer.concat([Buffer.from('{"title": '), Buffer.from([0xff, 0xfe, 0xc3]),
    Buffer.from('}')]));
  assert.equal(bad.status, 400);
  assert.equal(errorBody(bad).code, 'malformed_json');
});

test('an unknown handler of 63 four-byte characters is a 400 with valid JSON that does not echo it', async () => {
  const c = new Client(srv.base);
  await c.login('fengyuan.mediator');
  const made = await c.post('/api/cases', {
    title: '邻里排水纠纷', description: '两户之间排水沟被填，雨天积水倒灌。', category: 'neighbour',
    channel: 'walk_in', region: '330681109290',
    location: { lat: 29.64, lon: 120.39, address: '枫源村3组' },
    parties: [{ role: 'applicant', name: '骆建华', phone: '13900009901' }],
    people_involved: 1, occurred_at: '2026-11-01T09:00:00+08:00',
  });
  assert.equal(made.status, 201, made.text);
  const id = made.json.id;
  assert.equal((await c.post(`/api/cases/${id}/actions`, { action: 'accept' })).status, 200);
  // 63 four-byte characters passed the 200-byte message and were cut
  // inside a character: json_pack failed and the 400 became a 500
  for (const handler of ['😀'.repeat(63), 'a' + '😀'.repeat(62), 'ab' + '😀'.repeat(61),
    '枫'.repeat(63)]) {
    const r = await c.post(`/api/cases/${id}/actions`, { action: 'assign', handler });
    assert.equal(r.status, 400, r.text);
    assert.ok(r.json, 'the answer is JSON');
    assert.equal(r.json.error.code, 'unknown_handler');
    assert.equal(r.json.error.field, 'handler');
    assert.ok(!r.json.error.message.includes(handler.slice(-4)), 'the value is not echoed');
  }
});

test('a write whose answer event cannot be made is a 503 at once, not a hang or a leak', async () => {
  // FENGQIAO_FAULT=write_event fails the one allocation between a request
  // and its write; the server runs under LeakSanitizer, so a leaked job
  // fails stop()
  const s = await startServer({ cases: false, env: { FENGQIAO_FAULT: 'write_event' } });
  try {
    const t0 = Date.now();
    const r = await fetch(s.base + '/api/session', {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'fengyuan.mediator', password: 'demo-password-2026' }),
      signal: AbortSignal.timeout(5000),
    });
    assert.equal(r.status, 503);
    assert.equal(r.headers.get('retry-after'), '5');
    assert.equal((await r.json()).error.code, 'storage_busy');
    assert.ok(Date.now() - t0 < 3000);
    assert.equal((await fetch(s.base + '/api/health')).status, 200);
  } finally { await s.stop(); }
});

test('public rate limits act before the body is parsed', async () => {
  // a small budget (5, then 1 a second): the default's refill of 2 a second
  // kept pace with 512 KiB bodies on a loaded machine and no 429 came
  const s = await startServer({ cases: false, args: ['--public-burst', '5', '--public-rate', '1'] });
  try {
    // a large, malformed body: were it parsed first, every answer would be 400
    const body = Buffer.from('{"title": "' + 'x'.repeat(512 * 1024) + '", ');
    const statuses = [];
    for (let i = 0; i < 40 && !statuses.includes(429); i++) {
      const r = await fetch(s.base + '/api/public/cases', {
        method: 'POST', headers: { 'content-type': 'application/json' }, body,
      });
      statuses.push(r.status);
      await r.text();
    }
    assert.ok(statuses.includes(429), `rate limited: ${statuses.join(',')}`);
    assert.ok(statuses.every((st) => st === 400 || st === 429), statuses.join(','));
  } finally { await s.stop(); }
});

test('2,100 keep-alive connections from one address leave room for another client', async () => {
  const s = await startServer({ cases: false });
  const socks = [];
  try {
    const answers = { ok: 0, refused: 0, other: 0 };
    const one = () => raw(s.port, 'GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n',
      { localAddress: '127.0.0.1', keepOpen: true }).then((r) => {
      socks.push(r.sock);
      if (r.status === 200) answers.ok++;
      else if (r.status === 429 && /too_many_connections_from_address/.test(r.body)) answers.refused++;
      else answers.other++;
    });
    for (let i = 0; i < 2100; i += 100) {
      await Promise.all(Array.from({ length: 100 }, one));
    }
    assert.equal(answers.other, 0, JSON.stringify(answers));
    assert.ok(answers.refused > 0, JSON.stringify(answers));
    // at most 64 per worker, and this host has at most HTTP_MAX_WORKERS of them
    assert.ok(answers.ok <= 64 * 16, JSON.stringify(answers));
    // another client is served while all of those are still open
    const other = await raw(s.port, 'GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n',
      { localAddress: '127.0.0.2' });
    assert.equal(other.status, 200, String(other.body));
    // and the first client gets room again once it closes its connections
    for (const k of socks) k.destroy();
    socks.length = 0;
    let again = 0;
    for (let i = 0; i < 20 && again !== 200; i++) {
      await new Promise((r) => setTimeout(r, 100));
      again = (await raw(s.port, 'GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n')).status;
    }
    assert.equal(again, 200);
  } finally {
    for (const k of socks) k.destroy();
    await s.stop();
  }
});

test('--max-connections-per-address sets the share', async () => {
  const s = await startServer({ cases: false, args: ['--workers', '1', '--max-connections-per-address', '3'] });
  const socks = [];
  try {
    const statuses = [];
    for (let i = 0; i < 6; i++) {
      const r = await raw(s.port, 'GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n',
        { localAddress: '127.0.0.3', keepOpen: true });
      socks.push(r.sock);
      statuses.push(r.status);
    }
    assert.deepEqual(statuses, [200, 200, 200, 429, 429, 429]);
  } finally {
    for (const k of socks) k.destroy();
    await s.stop();
  }
});
