// webhooks.test.js - outbound webhooks (issue 11): a subscription belongs to
// a region and only admins over it see or change it; events leave only for
// cases inside it and the phones sent are audited; targets on loopback,
// private or link-local addresses are refused unless the configuration names
// them; one slow target never holds another's delivery; deleting a webhook
// cancels its pending deliveries. Every listener here is on 127.0.0.1 and
// started by this file; refused targets are judged without connecting.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { startServer, Client, DEMO_PASSWORD, freePort } = require('../lib/server');

const VILLAGE = '330681109290';      // 枫源村
const OTHER_VILLAGE = '330681109291'; // 乐山村
const TIMEOUT_S = 2;                  // FENGQIAO_WEBHOOK_TIMEOUT for this server
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let srv, admin, villageAdmin, mediator, otherMediator;
const hooks = {};   // name -> { port, server, got: [{at, headers, body}] }

// A receiver that answers each delivery with `answer(req, res, body)`.
async function receiver(name, port, answer) {
  const h = { port, got: [] };
  h.server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      h.got.push({ at: Date.now(), headers: req.headers, body });
      answer(req, res, body);
    });
  });
  await new Promise((r) => h.server.listen(port, '127.0.0.1', r));
  hooks[name] = h;
  return h;
}

const ok = (req, res) => { res.writeHead(200); res.end('ok'); };

async function waitFor(pred, ms, what) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const v = await pred();
    if (v) return v;
    await sleep(100);
  }
  assert.fail('timed out waiting for ' + what);
}

// Runs sql on the server's database itself (either engine): tab-separated rows.
function sql(text) {
  return srv.db.startsWith('postgres')
    ? execFileSync('psql', [srv.db, '-AtF', '\t', '-c', text], { encoding: 'utf8' })
    : execFileSync('sqlite3', ['-cmd', '.timeout 5000', '-separator', '\t', srv.db, text], { encoding: 'utf8' });
}

// The audit entries with `action`.
function audit(action) {
  const out = sql(`SELECT entity_id, detail FROM audit_log WHERE action = '${action}' ORDER BY id`);
  return out.split('\n').filter(Boolean).map((l) => {
    const [entity_id, detail] = l.split('\t');
    return { entity_id, detail: JSON.parse(detail) };
  });
}

test.before(async () => {
  const names = ['village', 'province', 'trickle', 'fast', 'failing'];
  const ports = {};
  for (const n of names) ports[n] = await freePort();
  // listens on loopback but is not named in webhook_allow: must get nothing
  await receiver('sentinel', await freePort(), ok);
  await receiver('village', ports.village, ok);
  await receiver('province', ports.province, ok);
  await receiver('fast', ports.fast, ok);
  // answers the head at once, then one byte every 300 ms and never ends
  await receiver('trickle', ports.trickle, (req, res) => {
    res.writeHead(200, { 'content-length': '50000' });
    const t = setInterval(() => { if (!res.destroyed) res.write('.'); }, 300);
    res.on('close', () => { clearInterval(t); hooks.trickle.closedAt = Date.now(); });
  });
  await receiver('failing', ports.failing, (req, res) => { res.writeHead(500); res.end('later'); });
  const cfg = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'fq-webhooks-')), 'config.json');
  fs.writeFileSync(cfg, JSON.stringify({ webhook_allow: names.map((n) => `127.0.0.1:${ports[n]}`) }));
  srv = await startServer({
    args: ['--config', cfg],
    env: { FENGQIAO_WEBHOOK_RETRY_BASE: '5', FENGQIAO_WEBHOOK_TIMEOUT: String(TIMEOUT_S) },
  });
  srv.cli(['user', 'add', 'fengyuan.admin', '--password', DEMO_PASSWORD]);
  srv.cli(['user', 'grant', 'fengyuan.admin', 'admin', VILLAGE]);
  admin = new Client(srv.base);
  await admin.login('admin');
  villageAdmin = new Client(srv.base);
  await villageAdmin.login('fengyuan.admin');
  mediator = new Client(srv.base);
  await mediator.login('fengyuan.mediator');
  otherMediator = new Client(srv.base);
  await otherMediator.login('leshan.mediator');
});

test.after(async () => {
  await srv.stop();
  for (const h of Object.values(hooks)) {
    h.server.closeAllConnections();
    h.server.close();
  }
});

const url = (name) => `http://127.0.0.1:${hooks[name].port}/hook`;

async function newCase(client, region, title) {
  const r = await client.post('/api/cases', {
    title, description: title + '，请村调委会处理', category: 'neighbour', region,
    parties: [{ role: 'applicant', name: '张三', phone: '13900001111' }],
  });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

test('an empty or partial event name answers 400 at once (no busy loop)', async () => {
  for (const events of [[''], ['case'], ['created'], ['case.created,case.closed'], [17]]) {
    const t0 = Date.now();
    const r = await admin.post('/api/webhooks', { url: url('province'), events });
    assert.equal(r.status, 400, JSON.stringify(events));
    assert.equal(r.json.error.field, 'events');
    assert.ok(Date.now() - t0 < 2000);
  }
  // the server still answers
  assert.equal((await admin.get('/api/health')).status, 200);
});

test('a village admin cannot subscribe to the province or another village', async () => {
  for (const region of ['33', '330681', '330681109', OTHER_VILLAGE]) {
    const r = await villageAdmin.post('/api/webhooks', { url: url('village'), events: ['case.created'], region });
    assert.equal(r.status, 403, region);
    assert.equal(r.json.error.field, 'region');
  }
  const bad = await villageAdmin.post('/api/webhooks', { url: url('village'), events: ['case.created'], region: 'x1' });
  assert.equal(bad.status, 400);
});

test('webhooks are scoped: the village sees, deletes and reads only its own; events only of its cases, phones audited', async () => {
  const prov = await admin.post('/api/webhooks', { url: url('province'), events: ['case.created'] });
  assert.equal(prov.status, 201, prov.text);
  assert.equal(prov.json.region, '33', 'defaults to the creator\'s admin region');
  const vil = await villageAdmin.post('/api/webhooks', { url: url('village'), events: ['case.created'] });
  assert.equal(vil.status, 201, vil.text);
  assert.equal(vil.json.region, VILLAGE);

  const seen = await villageAdmin.get('/api/webhooks');
  assert.deepEqual(seen.json.items.map((w) => w.id), [vil.json.id], 'only its own subscription');
  const all = await admin.get('/api/webhooks');
  assert.ok(all.json.items.some((w) => w.id === vil.json.id && w.region === VILLAGE));
  assert.ok(all.json.items.some((w) => w.id === prov.json.id));
  // the province's webhook is "not found" for the village admin
  const missing = await villageAdmin.get('/api/webhooks/999999/deliveries');
  const outside = await villageAdmin.get(`/api/webhooks/${prov.json.id}/deliveries`);
  assert.equal(outside.status, 404);
  assert.deepEqual(outside.json, missing.json);
  assert.equal((await villageAdmin.req('DELETE', `/api/webhooks/${prov.json.id}`)).status, 404);
  assert.ok((await admin.get('/api/webhooks')).json.items.some((w) => w.id === prov.json.id), 'still there');

  const mine = await newCase(mediator, VILLAGE, '枫源村范围测试');
  const theirs = await newCase(otherMediator, OTHER_VILLAGE, '乐山村范围测试');
  const ids = (h) => h.got.map((g) => JSON.parse(g.body).case.id);
  await waitFor(() => ids(hooks.province).includes(theirs.id) && ids(hooks.province).includes(mine.id),
    10000, 'the province receiver');
  await waitFor(() => ids(hooks.village).includes(mine.id), 10000, 'the village receiver');
  await sleep(1000);
  assert.deepEqual(ids(hooks.village), [mine.id], 'the village receives its own cases only');
  const payload = JSON.parse(hooks.village.got[0].body);
  assert.equal(payload.case.region, VILLAGE);
  assert.ok(payload.notify.some((n) => n.phone === '13900001111'));

  // one audit entry per subscription that got the phones, naming case and webhook
  const sent = audit('case.contacts_sent');
  const forMine = sent.filter((a) => a.entity_id === String(mine.id)).map((a) => a.detail.webhook).sort();
  assert.deepEqual(forMine, [prov.json.id, vil.json.id].sort());
  const forTheirs = sent.filter((a) => a.entity_id === String(theirs.id)).map((a) => a.detail.webhook);
  assert.deepEqual(forTheirs, [prov.json.id]);

  const log = await villageAdmin.get(`/api/webhooks/${vil.json.id}/deliveries`);
  assert.equal(log.status, 200);
  assert.ok(log.json.items.every((d) => d.webhook_id === vil.json.id));
  assert.equal((await villageAdmin.req('DELETE', `/api/webhooks/${vil.json.id}`)).status, 204);
  assert.equal((await admin.req('DELETE', `/api/webhooks/${prov.json.id}`)).status, 204);
});

test('targets on loopback are refused, however the address is written', async () => {
  // every target here is this machine (127.0.0.1 or ::1), refused by the
  // literal check or the resolver's answer for localhost (/etc/hosts), and
  // never connected to; other spellings of 127.0.0.1 (0x7f000001, 0177.0.0.1
  // ...) and the private, link-local, multicast and broadcast ranges are
  // checked on the address alone in tests/unit/test_webhook_target.c
  const refused = [
    'http://localhost/', 'http://127.0.0.1:1/', 'http://[::1]/',
    `http://localhost:${hooks.fast.port}/`, // allowed as 127.0.0.1:port, not by another name
  ];
  for (const u of refused) {
    const r = await admin.post('/api/webhooks', { url: u, events: ['case.created'] });
    assert.equal(r.status, 400, u + ' ' + r.text);
    assert.ok(['forbidden_target', 'invalid_url'].includes(r.json.error.code), u);
    assert.equal(r.json.error.field, 'url');
  }
  const numeric = await admin.post('/api/webhooks', { url: 'http://127.0.0.1:1/', events: ['case.created'] });
  assert.equal(numeric.json.error.code, 'forbidden_target');
  assert.equal((await admin.get('/api/webhooks')).json.items.length, 0, 'none was stored');
});

test('a trickling target is cut off at the deadline and never delays another', async () => {
  const slow = await admin.post('/api/webhooks', { url: url('trickle'), events: ['case.created'] });
  const fast = await admin.post('/api/webhooks', { url: url('fast'), events: ['case.created'] });
  assert.equal(slow.status, 201, slow.text);
  assert.equal(fast.status, 201, fast.text);
  const before = hooks.fast.got.length;
  const t0 = Date.now();
  const c = await newCase(mediator, VILLAGE, '慢速目标测试');
  await waitFor(() => hooks.fast.got.length > before, 10000, 'the fast receiver');
  const fastAt = hooks.fast.got[hooks.fast.got.length - 1].at - t0;
  assert.ok(fastAt < TIMEOUT_S * 1000, `the fast target got it after ${fastAt} ms`);
  assert.equal(JSON.parse(hooks.fast.got[hooks.fast.got.length - 1].body).case.id, c.id);
  // the trickler is cut off at the whole-delivery deadline, not kept alive
  await waitFor(() => hooks.trickle.closedAt, (TIMEOUT_S + 4) * 1000, 'the trickler to be cut off');
  assert.ok(hooks.trickle.closedAt - t0 < (TIMEOUT_S + 2) * 1000);
  const log = await waitFor(async () => {
    const r = await admin.get(`/api/webhooks/${slow.json.id}/deliveries`);
    const d = r.json.items[0];
    return d && d.attempts >= 1 ? d : null;
  }, 5000, 'the slow delivery to be recorded');
  assert.equal(log.state, 'pending', 'retried later');
  assert.match(log.last_error, /no complete answer within/);
  assert.equal((await admin.req('DELETE', `/api/webhooks/${slow.json.id}`)).status, 204);
  assert.equal((await admin.req('DELETE', `/api/webhooks/${fast.json.id}`)).status, 204);
});

test('deleting a webhook cancels its pending deliveries', async () => {
  const sub = await admin.post('/api/webhooks', { url: url('failing'), events: ['case.created'] });
  assert.equal(sub.status, 201, sub.text);
  await newCase(mediator, VILLAGE, '删除取消测试');
  // the first attempt fails (500) and the retry waits 5 s
  const first = await waitFor(async () => {
    const d = (await admin.get(`/api/webhooks/${sub.json.id}/deliveries`)).json.items[0];
    return d && d.attempts === 1 ? d : null;
  }, 10000, 'the first attempt');
  assert.equal(first.state, 'pending');
  const hits = hooks.failing.got.length;
  assert.equal((await admin.req('DELETE', `/api/webhooks/${sub.json.id}`)).status, 204);
  const after = (await admin.get(`/api/webhooks/${sub.json.id}/deliveries`)).json.items[0];
  assert.equal(after.state, 'cancelled');
  await sleep(6500);
  assert.equal(hooks.failing.got.length, hits, 'no retry after the delete');
  assert.equal((await admin.get(`/api/webhooks/${sub.json.id}/deliveries`)).json.items[0].state, 'cancelled');
  assert.equal((await admin.req('DELETE', `/api/webhooks/${sub.json.id}`)).status, 404);
});

test('a target is checked again at delivery: a stored loopback target not allowed gets nothing', async () => {
  // a subscription stored before the checks existed (or whose name now
  // resolves elsewhere): written straight into the database
  const target = `http://127.0.0.1:${hooks.sentinel.port}/hook`;
  sql(`INSERT INTO webhooks(url, events, secret, region, created_at, created_by, active) VALUES ('${target}', 'case.created', 'old-secret-0123456789', '33', 1, 'admin', 1)`);
  const id = Number(sql(`SELECT max(id) FROM webhooks`).trim());
  await newCase(mediator, VILLAGE, '投递时复查目标');
  const d = await waitFor(async () => {
    const r = await admin.get(`/api/webhooks/${id}/deliveries`);
    const x = r.json.items[0];
    return x && x.attempts >= 1 ? x : null;
  }, 10000, 'the refused attempt');
  assert.match(d.last_error, /loopback/);
  assert.equal(hooks.sentinel.got.length, 0, 'never connected');
  assert.equal((await admin.req('DELETE', `/api/webhooks/${id}`)).status, 204);
});

test('webhook_allow in the configuration is checked: a malformed entry stops serve', async () => {
  const cfg = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'fq-webhooks-')), 'bad.json');
  fs.writeFileSync(cfg, JSON.stringify({ webhook_allow: ['no-port-here'] }));
  await assert.rejects(startServer({ seed: false, args: ['--config', cfg] }), /webhook_allow/);
});
