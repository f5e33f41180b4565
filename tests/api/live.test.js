// live.test.js - issue 14, live events (server-sent events, text/event-stream)
// through their first user, the staff bell: GET /api/v1/notifications/stream
// streams the caller's new notifications once their write has committed,
// resumes with Last-Event-ID (exactly the missed ones), outlives the request
// timeout, is refused past --max-streams, cuts a client that stops reading
// (--stream-buffer), and ends cleanly when the server stops. Every listener
// here is on 127.0.0.1 and started by this file.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const net = require('node:net');
const { startServer, Client } = require('../lib/server');

const VILLAGE = '330681109290';
const STREAM = '/api/v1/notifications/stream';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitFor(pred, ms, what) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const v = await pred();
    if (v) return v;
    await sleep(50);
  }
  assert.fail('timed out waiting for ' + what);
}

// An event-stream reader: the events so far ({id, event, data}), the
// comment lines, and whether the answer has ended.
function open(base, client, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = http.get(base + STREAM, { agent: false, headers: { cookie: client.cookie, ...headers } }, (res) => {
      const s = { req, res, status: res.statusCode, headers: res.headers, events: [], comments: 0, retry: null, ended: false, text: '' };
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (d) => {
        s.text += d;
        buf += d;
        let i;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const ev = { id: null, event: 'message', data: [] };
          let fields = 0;
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) { s.comments++; continue; }
            const c = line.indexOf(':');
            const k = c < 0 ? line : line.slice(0, c);
            const v = c < 0 ? '' : line.slice(c + 1).replace(/^ /, '');
            fields++;
            if (k === 'id') ev.id = Number(v);
            else if (k === 'event') ev.event = v;
            else if (k === 'data') ev.data.push(v);
            else if (k === 'retry') s.retry = Number(v);
          }
          if (fields && ev.data.length) s.events.push({ ...ev, data: JSON.parse(ev.data.join('\n')) });
        }
      });
      const end = () => { s.ended = true; };
      res.on('end', end);
      res.on('close', end);
      res.on('error', end);
      s.close = () => { req.destroy(); };
      resolve(s);
    });
    req.on('error', reject);
  });
}

// The open streams, as /metrics counts them (loopback may read it).
async function streams(base) {
  const t = await (await fetch(base + '/metrics')).text();
  return Number(t.match(/^fengqiao_sse_streams (\d+)$/m)[1]);
}

async function newCase(who, title) {
  const r = await who.post('/api/cases', {
    title, description: title + '，请处理', category: 'neighbour', region: VILLAGE,
    parties: [{ role: 'applicant', name: '张三', phone: '13900001111' }],
  });
  assert.equal(r.status, 201, r.text);
  return r.json;
}
async function act(who, id, body) {
  const r = await who.post(`/api/cases/${id}/actions`, body);
  assert.equal(r.status, 200, r.text);
  return r.json;
}

test.describe('the bell live', () => {
  let srv; const u = {};
  test.before(async () => {
    // a request timeout of 1 s: a stream must outlive it
    srv = await startServer({ args: ['--request-timeout', '1'] });
    for (const name of ['fengqiao.clerk', 'fengqiao.handler', 'fengyuan.mediator']) {
      u[name] = new Client(srv.base, { retryClosed: true });
      await u[name].login(name);
    }
  });
  test.after(async () => { if (srv) await srv.stop(); });

  const assignToClerk = async (title) => {
    const c = await newCase(u['fengyuan.mediator'], title);
    await act(u['fengyuan.mediator'], c.id, { action: 'accept' });
    await act(u['fengyuan.mediator'], c.id, { action: 'assign', handler: 'fengqiao.clerk' });
    return c;
  };

  test('a new notification arrives on the stream of its user only, after the request timeout', async () => {
    const clerk = await open(srv.base, u['fengqiao.clerk']);
    const other = await open(srv.base, u['fengqiao.handler']);
    assert.equal(clerk.status, 200);
    assert.match(clerk.headers['content-type'], /^text\/event-stream/);
    assert.equal(clerk.headers['cache-control'], 'no-store');
    await waitFor(() => clerk.retry, 5000, 'the retry line');
    assert.equal(clerk.retry, 3000);
    await sleep(1500); // past --request-timeout 1
    assert.equal(clerk.ended, false, 'the idle timeout does not cut a stream');
    const c = await assignToClerk('实时通知：交办');
    const ev = await waitFor(() => clerk.events.find((e) => e.data.case_id === c.id), 10000, 'the live notification');
    assert.equal(ev.event, 'notification');
    assert.equal(ev.data.kind, 'assigned');
    assert.equal(ev.data.tracking_code, c.tracking_code);
    assert.equal(ev.data.title, '实时通知：交办');
    // its id is the notification's, as the list has it
    const listed = (await u['fengqiao.clerk'].get('/api/notifications')).json.items.find((x) => x.case_id === c.id);
    assert.equal(ev.id, listed.id);
    assert.equal(ev.data.id, listed.id);
    await sleep(300);
    assert.ok(!other.events.some((e) => e.data.case_id === c.id), 'another user does not get it');
    clerk.close();
    other.close();
  });

  test('a failed write publishes nothing', async () => {
    const clerk = await open(srv.base, u['fengqiao.clerk']);
    await waitFor(() => clerk.retry, 5000, 'the retry line');
    const c = await newCase(u['fengyuan.mediator'], '实时通知：无效交办');
    // accept, then an assignment to nobody: refused, rolled back
    await act(u['fengyuan.mediator'], c.id, { action: 'accept' });
    const bad = await u['fengyuan.mediator'].post(`/api/cases/${c.id}/actions`, { action: 'assign', handler: 'no.such.user' });
    assert.equal(bad.status, 400, bad.text);
    const ok = await assignToClerk('实时通知：之后');
    await waitFor(() => clerk.events.find((e) => e.data.case_id === ok.id), 10000, 'the next notification');
    assert.ok(!clerk.events.some((e) => e.data.case_id === c.id));
    clerk.close();
  });

  test('resuming with Last-Event-ID replays exactly the missed ones, then goes on live', async () => {
    const first = await open(srv.base, u['fengqiao.clerk']);
    await waitFor(() => first.retry, 5000, 'the retry line');
    const a = await assignToClerk('实时通知：断线前');
    const seen = await waitFor(() => first.events.find((e) => e.data.case_id === a.id), 10000, 'the first one');
    first.close();
    await waitFor(() => first.ended, 5000, 'the close');
    // two while the connection is down
    const missed = [await assignToClerk('实时通知：断线中一'), await assignToClerk('实时通知：断线中二')];
    const again = await open(srv.base, u['fengqiao.clerk'], { 'Last-Event-ID': String(seen.id) });
    assert.equal(again.status, 200);
    await waitFor(() => again.events.length >= 2, 10000, 'the replay');
    await sleep(300);
    assert.deepEqual(again.events.map((e) => e.data.case_id), missed.map((c) => c.id), 'exactly the missed ones, oldest first');
    assert.ok(again.events[0].id > seen.id && again.events[1].id > again.events[0].id);
    assert.equal(again.events[0].data.title, '实时通知：断线中一');
    // and then live again, without a duplicate
    const b = await assignToClerk('实时通知：续上之后');
    await waitFor(() => again.events.find((e) => e.data.case_id === b.id), 10000, 'live after the replay');
    assert.equal(again.events.length, 3);
    again.close();
    // ?after= is the same for a first connection (EventSource sets no header)
    const q = await new Promise((resolve) => {
      http.get(srv.base + STREAM + `?after=${again.events[1].id}`,
        { agent: false, headers: { cookie: u['fengqiao.clerk'].cookie } }, (res) => {
          let t = '';
          res.setEncoding('utf8');
          res.on('data', (d) => {
            t += d;
            if (t.includes(`"case_id":${b.id}`)) { res.destroy(); resolve(t); }
          });
        });
    });
    assert.ok(!q.includes(`"case_id":${missed[1].id}`), 'after= skips what came before');
  });

  test('a bad Last-Event-ID is a 400 with a code; no session is a 401', async () => {
    for (const bad of ['abc', '-1', '1e3', '99999999999999999999']) {
      const r = await u['fengqiao.clerk'].get(STREAM, { 'Last-Event-ID': bad });
      assert.equal(r.status, 400, bad);
      assert.equal(r.json.error.code, 'bad_last_event_id');
      assert.equal(r.json.error.field, 'Last-Event-ID');
    }
    const q = await u['fengqiao.clerk'].get(STREAM + '?after=x');
    assert.equal(q.status, 400);
    assert.equal(q.json.error.field, 'after');
    // a HEAD gets the headers and is not held open (no stream counted)
    const open0 = await streams(srv.base);
    const head = await u['fengqiao.clerk'].req('HEAD', STREAM);
    assert.equal(head.status, 200);
    assert.match(head.headers.get('content-type'), /^text\/event-stream/);
    assert.equal(await streams(srv.base), open0);
    const anon = await new Client(srv.base).get(STREAM);
    assert.equal(anon.status, 401);
    assert.equal(anon.json.error.code, 'unauthorized');
  });

  test('the access log writes a stream\'s line when it ends, with its bytes', async () => {
    const s = await open(srv.base, u['fengqiao.clerk']);
    await waitFor(() => s.retry, 5000, 'the retry line');
    await sleep(200);
    const lines = () => srv.log().split('\n').filter((l) => l.includes('"route":"/api/v1/notifications/stream"'));
    const before = lines().length;
    assert.ok(!lines().some((l) => l.includes(s.headers['x-request-id'])), 'no line while it is open');
    s.close();
    // the end is seen on the next write (a heartbeat) at the latest
    const line = await waitFor(() => lines().slice(before).find((l) => l.includes(s.headers['x-request-id'])), 20000, 'the access line');
    const j = JSON.parse(line);
    assert.equal(j.status, 200);
    assert.ok(j.bytes >= 'retry: 3000\n\n'.length);
  });
});

test.describe('limits', () => {
  let srv; let user;
  test.before(async () => {
    srv = await startServer({ args: ['--max-streams', '2', '--stream-heartbeat', '1', '--stream-buffer', '4096'] });
    user = new Client(srv.base);
    await user.login('fengyuan.mediator');
  });
  test.after(async () => { if (srv) await srv.stop(); });

  test('a stream past --max-streams is refused with 503 too_many_streams; a closed one frees its place', async () => {
    const a = await open(srv.base, user);
    const b = await open(srv.base, user);
    assert.equal(a.status, 200);
    assert.equal(b.status, 200);
    const c = await user.get(STREAM);
    assert.equal(c.status, 503, c.text);
    assert.equal(c.json.error.code, 'too_many_streams');
    assert.ok(c.headers.get('retry-after'));
    // the rest of the API is not affected
    assert.equal((await user.get('/api/notifications/count')).status, 200);
    assert.equal(await streams(srv.base), 2, '/metrics counts them');
    a.close();
    // the hub sees the client gone at its next heartbeat (1 s here)
    const d = await waitFor(async () => {
      const s = await open(srv.base, user);
      if (s.status === 200) return s;
      s.close();
      return null;
    }, 10000, 'a free place');
    assert.equal(d.status, 200);
    b.close();
    d.close();
  });

  test('a client that stops reading is cut past --stream-buffer, and resumes with Last-Event-ID', async () => {
    // fengyuan.mediator holds a case; the township reminds her (督办) again
    // and again with long texts while her stream's client reads nothing
    const mediator = user;
    const town = new Client(srv.base);
    await town.login('fengqiao.handler');
    await waitFor(async () => (await streams(srv.base)) === 0, 10000, 'the earlier streams to end');
    const title = '实时'.repeat(100);
    const c = await newCase(mediator, title);
    await act(mediator, c.id, { action: 'take' });
    const sock = net.connect(srv.port, '127.0.0.1');
    await new Promise((r) => sock.once('connect', r));
    sock.write(`GET ${STREAM} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: ${mediator.cookie}\r\n\r\n`);
    let got = '';
    sock.on('data', (d) => { got += d.toString('latin1'); });
    await waitFor(() => got.includes('retry: 3000'), 5000, 'the stream');
    const id = got.match(/X-Request-Id: (\S+)/i)[1];
    sock.pause(); // reads nothing from here on
    const cut = () => srv.log().split('\n').some((l) => l.includes(id) && l.includes('"log":"access"'));
    let n = 0;
    for (; n < 600 && !cut(); n++) await act(town, c.id, { action: 'remind', reason: `第${n}次督办：` + '请尽快处理'.repeat(38) });
    await waitFor(cut, 10000, 'the stream to be cut');
    assert.ok(n > 1, 'some events were sent before the cut');
    // what the client had taken ends with the last chunk: a cut, not a hang
    sock.resume();
    await waitFor(() => got.includes('\r\n0\r\n\r\n'), 10000, 'the last chunk');
    sock.destroy();
    const ids = [...got.matchAll(/\nid: (\d+)\n/g)].map((m) => Number(m[1]));
    const last = ids.length ? ids[ids.length - 1] : 0;
    // resuming gets the ones after the last it read, up to the newest
    const newest = (await mediator.get('/api/notifications?limit=1')).json.items[0].id;
    assert.ok(newest > last, 'some were missed');
    const again = await open(srv.base, mediator, { 'Last-Event-ID': String(last) });
    assert.equal(again.status, 200);
    await waitFor(() => again.events.some((e) => e.id === newest) || again.events.some((e) => e.event === 'reset') || again.ended, 20000, 'the replay');
    if (!again.ended) assert.ok(again.events.every((e) => e.id > last));
    again.close();
  });
});

test('streams end when the server stops, and it exits cleanly', async () => {
  const srv = await startServer();
  const user = new Client(srv.base);
  await user.login('fengqiao.clerk');
  const s = await open(srv.base, user);
  await waitFor(() => s.retry, 5000, 'the retry line');
  await srv.stop(); // throws unless the exit status is 0 (and ASan found no leak)
  await waitFor(() => s.ended, 5000, 'the end of the stream');
  assert.ok(s.text.endsWith('\n\n'));
});
