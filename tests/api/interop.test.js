// interop.test.js - Open311 GeoReport v2 (validated against the official
// JSON schemas, and XML), the signed hotline intake with idempotency keys,
// outbound webhooks with signatures and retries, CSV import, metrics, and
// the OpenAPI description covering every route of the router.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const Ajv = require('ajv');
const addFormats = require('ajv-formats');
const os = require('node:os');
const { startServer, Client, ROOT, BIN, freePort } = require('../lib/server');

const SCHEMAS = path.join(ROOT, 'tests', 'open311', 'georeport-v2');
const HOTLINE_SECRET = 'hotline-test-secret-0123456789';
let srv, admin, token, hookPort;

function schemaValidator() {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  for (const f of ['request.json', 'requests.json', 'service.json', 'services.json', 'service-definition.json']) {
    const s = JSON.parse(fs.readFileSync(path.join(SCHEMAS, f), 'utf8'));
    delete s.$schema;
    ajv.addSchema(s, f);
  }
  return (name, data) => {
    const v = ajv.getSchema(name);
    const ok = v(data);
    assert.ok(ok, `${name}: ${JSON.stringify(v.errors)}\n${JSON.stringify(data).slice(0, 500)}`);
  };
}

test.before(async () => {
  // the webhook receiver listens on loopback, so the configuration names it
  hookPort = await freePort();
  const cfg = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'fq-interop-')), 'config.json');
  fs.writeFileSync(cfg, JSON.stringify({ webhook_allow: [`127.0.0.1:${hookPort}`] }));
  srv = await startServer({
    env: { FENGQIAO_HOTLINE_SECRET: HOTLINE_SECRET, FENGQIAO_WEBHOOK_RETRY_BASE: '1' },
    args: ['--config', cfg],
  });
  admin = new Client(srv.base);
  await admin.login('admin');
  const out = srv.cli(['user', 'token', 'fengqiao.handler']).trim().split('\n');
  token = out[out.length - 1];
});
test.after(async () => { await srv.stop(); });

const form = (o) => new URLSearchParams(o).toString();
async function o311(method, p, body) {
  const r = await fetch(srv.base + '/open311/v2/' + p, {
    method, body, headers: body ? { 'content-type': 'application/x-www-form-urlencoded' } : {},
  });
  const text = await r.text();
  let json = null;
  try { json = JSON.parse(text); } catch (_) { /* xml */ }
  return { status: r.status, text, json, type: r.headers.get('content-type') };
}

test('Open311: discovery, services and definitions, in JSON (schema-valid) and XML', async () => {
  const validate = schemaValidator();
  const d = await o311('GET', 'discovery.json');
  assert.equal(d.status, 200);
  assert.ok(d.json.endpoints[0].formats.includes('text/xml'));
  const dx = await o311('GET', 'discovery.xml');
  assert.match(dx.type, /xml/);
  assert.match(dx.text, /<discovery>.*<endpoints><endpoint>/s);
  const s = await o311('GET', 'services.json');
  assert.equal(s.status, 200);
  validate('services.json', s.json);
  assert.equal(s.json.length, 14);
  const n = s.json.find((x) => x.service_code === 'neighbour');
  assert.equal(n.service_name, '邻里');
  for (const k of ['description', 'metadata', 'type', 'keywords', 'group']) assert.ok(k in n, k);
  const sx = await o311('GET', 'services.xml');
  assert.match(sx.text, /^<\?xml[^>]*\?><services><service><service_code>marriage_family<\/service_code>/);
  const def = await o311('GET', 'services/labour.json');
  validate('service-definition.json', def.json);
  assert.ok(def.json.attributes.some((a) => a.code === 'applicant_phone' && a.required));
  const defx = await o311('GET', 'services/labour.xml');
  assert.match(defx.text, /<attributes><attribute>/);
  const missing = await o311('GET', 'services/weather.json');
  assert.equal(missing.status, 404);
  assert.ok(Array.isArray(missing.json) && missing.json[0].code === 404 && missing.json[0].description);
  const missingX = await o311('GET', 'services/weather.xml');
  assert.match(missingX.text, /<errors><error><code>404<\/code><description>/);
});

test('Open311: create from a village code, list, one, token; status and notes', async () => {
  const validate = schemaValidator();
  const bad = await o311('POST', 'requests.json', form({ service_code: 'neighbour', description: 'x', jurisdiction_id: '330681109290' }));
  assert.equal(bad.status, 403, 'no api_key');
  assert.equal(bad.json[0].code, 403);
  const wrong = await o311('POST', 'requests.json', form({ api_key: 'nope', service_code: 'neighbour', description: 'x', jurisdiction_id: '330681109290' }));
  assert.equal(wrong.status, 403);
  const r = await o311('POST', 'requests.json', form({
    api_key: token, service_code: 'neighbour', jurisdiction_id: '330681109290',
    description: '邻居家空调外机滴水落到我家窗台', 'attribute[applicant_name]': '何丽萍',
    'attribute[applicant_phone]': '13866660001', lat: '29.64', long: '120.39',
  }));
  assert.equal(r.status, 200, r.text);
  assert.ok(typeof r.json[0].service_request_id === 'string');
  assert.ok(!('token' in r.json[0]), 'an id or a token, not both');
  const id = r.json[0].service_request_id;
  const one = await o311('GET', `requests/${id}.json?api_key=${token}&extensions=true`);
  assert.equal(one.status, 200);
  validate('requests.json', one.json);
  const req = one.json[0];
  assert.equal(req.status, 'open');
  assert.equal(req.service_code, 'neighbour');
  assert.equal(typeof req.lat, 'number');
  assert.equal(typeof req.long, 'number');
  assert.match(req.requested_datetime, /Z$/);
  assert.match(req.status_notes, /registered/);
  assert.equal(req.extended_attributes.fengqiao_status, 'registered');
  const staff = new Client(srv.base);
  await staff.login('fengqiao.handler');
  const kase = await staff.get(`/api/cases/${id}`);
  assert.equal(kase.json.channel, 'open311');
  assert.equal(kase.json.region, '330681109290');
  const list = await o311('GET', `requests.json?api_key=${token}&service_code=neighbour`);
  validate('requests.json', list.json);
  assert.ok(list.json.some((x) => x.service_request_id === id));
  assert.ok(list.json.every((x) => x.service_code === 'neighbour'));
  const ids = await o311('GET', `requests.json?api_key=${token}&service_request_id=${id}`);
  assert.equal(ids.json.length, 1);
  const xml = await o311('GET', `requests/${id}.xml?api_key=${token}`);
  assert.match(xml.text, new RegExp(`<service_requests><request><service_request_id>${id}</service_request_id><status>open</status>`));
  const tok = await o311('GET', `tokens/${req.extended_attributes.tracking_code}.json?api_key=${token}`);
  assert.equal(tok.json[0].service_request_id, id);
  // closing the case makes the request closed
  for (const body of [{ action: 'reject', reason: '重复' }, { action: 'close' }]) {
    const a = await staff.post(`/api/cases/${id}/actions`, body);
    assert.equal(a.status, 200, a.text);
  }
  const closed = await o311('GET', `requests/${id}.json?api_key=${token}`);
  assert.equal(closed.json[0].status, 'closed');
  validate('requests.json', closed.json);
  const openOnly = await o311('GET', `requests.json?api_key=${token}&status=open`);
  assert.ok(!openOnly.json.some((x) => x.service_request_id === id));
  const nf = await o311('GET', `requests/99999999.json?api_key=${token}`);
  assert.equal(nf.status, 404);
  const badStatus = await o311('GET', `requests.json?api_key=${token}&status=maybe`);
  assert.equal(badStatus.status, 400);
});

test('Open311: the village from an address, and a clear error when none is found', async () => {
  const r = await o311('POST', 'requests.json', form({
    api_key: token, service_code: 'labour', address_string: '浙江省诸暨市枫桥镇乐山村5组',
    description: '袜厂拖欠工资', 'attribute[applicant_name]': '楼小红', 'attribute[applicant_phone]': '13866660002',
  }));
  assert.equal(r.status, 200, r.text);
  const staff = new Client(srv.base);
  await staff.login('fengqiao.handler');
  const c = await staff.get(`/api/cases/${r.json[0].service_request_id}`);
  assert.equal(c.json.region, '330681109291');
  const none = await o311('POST', 'requests.xml', form({
    api_key: token, service_code: 'labour', address_string: 'somewhere else', description: 'x',
  }));
  assert.equal(none.status, 400);
  assert.match(none.text, /<errors><error><code>400<\/code><description>no village found/);
  const scoped = await o311('POST', 'requests.json', form({
    api_key: token, service_code: 'labour', jurisdiction_id: '330604001001', description: '上虞的事情',
  }));
  assert.ok([400, 403].includes(scoped.status), 'outside the token user\'s region');
});

// The signature covers the Idempotency-Key ('' without one), a newline and
// the body, so a captured request cannot be resent under another key.
function sign(body, key = '') {
  return 'sha256=' + crypto.createHmac('sha256', HOTLINE_SECRET).update(key + '\n' + body).digest('hex');
}

// Sends payload signed for signKey (default: the Idempotency-Key it carries).
async function hotline(payload, headers = {}, signKey) {
  const body = JSON.stringify(payload);
  const key = signKey !== undefined ? signKey : (headers['idempotency-key'] || '');
  const r = await fetch(srv.base + '/api/intake/hotline', {
    method: 'POST', body,
    headers: { 'content-type': 'application/json', 'x-fengqiao-signature': sign(body, key), ...headers },
  });
  return { status: r.status, json: await r.json(), headers: r.headers };
}

test('hotline intake: signature, idempotency key, replay window', async () => {
  const call = {
    call_id: 'C12345-0001', caller_phone: '13977770001', summary: '来电反映邻居装修噪音扰民',
    category: 'neighbour', region: '330681109290', received_at: new Date().toISOString(),
  };
  const body = JSON.stringify(call);
  const unsigned = await fetch(srv.base + '/api/intake/hotline', { method: 'POST', body, headers: { 'content-type': 'application/json' } });
  assert.equal(unsigned.status, 401);
  const forged = await fetch(srv.base + '/api/intake/hotline', {
    method: 'POST', body, headers: { 'content-type': 'application/json', 'x-fengqiao-signature': 'sha256=' + '0'.repeat(64) },
  });
  assert.equal(forged.status, 401);
  const a = await hotline(call, { 'idempotency-key': 'k-1' });
  assert.equal(a.status, 201, JSON.stringify(a.json));
  assert.equal(a.json.channel, 'hotline');
  assert.match(a.json.tracking_code, /^FQ-/);
  const b = await hotline(call, { 'idempotency-key': 'k-1' });
  assert.equal(b.status, 201);
  assert.equal(b.json.id, a.json.id, 'the same key answers with the same case');
  assert.equal(b.headers.get('idempotent-replayed'), 'true');
  const other = await hotline({ ...call, call_id: 'C12345-0002' }, { 'idempotency-key': 'k-2' });
  assert.equal(other.status, 201);
  assert.notEqual(other.json.id, a.json.id, 'another call makes another case');
  // signed for one key, sent with another: the key is covered by the signature
  const swapped = await hotline(call, { 'idempotency-key': 'k-9' }, 'k-1');
  assert.equal(swapped.status, 401);
  const stripped = await hotline(call, {}, 'k-1');
  assert.equal(stripped.status, 401);
  const old = await hotline({ ...call, received_at: new Date(Date.now() - 2 * 86400000).toISOString() }, { 'idempotency-key': 'k-3' });
  assert.equal(old.status, 400);
  assert.equal(old.json.error.code, 'outside_replay_window');
  const badPhone = await hotline({ ...call, caller_phone: '010-1234' });
  assert.equal(badPhone.json.error.field, 'caller_phone');
  // concurrent retries with one key still make one case
  const burstCall = { ...call, call_id: 'C12345-0003' };
  const burst = await Promise.all([1, 2, 3, 4, 5].map(() => hotline(burstCall, { 'idempotency-key': 'k-burst' })));
  assert.equal(new Set(burst.map((x) => x.json.id)).size, 1);
});

test('hotline intake: a replayed call makes no second case, whatever its key', async () => {
  const call = {
    call_id: 'C20000-0001', caller_phone: '13977770002', summary: '来电反映楼道堆放杂物',
    category: 'neighbour', region: '330681109290', received_at: new Date().toISOString(),
  };
  const first = await hotline(call, { 'idempotency-key': 'first-key' });
  assert.equal(first.status, 201, JSON.stringify(first.json));
  // a captured request re-signed is impossible without the secret, but the
  // hotline itself may resend one call under a new key or none
  const newKey = await hotline(call, { 'idempotency-key': 'another-key' });
  assert.equal(newKey.status, 201);
  assert.equal(newKey.json.id, first.json.id, 'same call_id, another key: the first case');
  assert.equal(newKey.headers.get('idempotent-replayed'), 'true');
  const noKey = await hotline(call);
  assert.equal(noKey.json.id, first.json.id, 'same call_id, no key: the first case');
  const list = await admin.get('/api/cases?q=' + encodeURIComponent('楼道堆放杂物'));
  assert.equal(list.status, 200);
  assert.equal(list.json.items.length, 1, 'one case for the call');
});

test('hotline intake: keys longer than 120 bytes are kept whole (no two calls merge)', async () => {
  const base = 'x'.repeat(150);
  const mk = (n) => ({
    call_id: `C30000-000${n}`, caller_phone: '13977770003', summary: `长键来电第${n}号`,
    category: 'neighbour', region: '330681109290', received_at: new Date().toISOString(),
  });
  const a = await hotline(mk(1), { 'idempotency-key': base + '-one' });
  const b = await hotline(mk(2), { 'idempotency-key': base + '-two' });
  assert.equal(a.status, 201, JSON.stringify(a.json));
  assert.equal(b.status, 201, JSON.stringify(b.json));
  assert.notEqual(a.json.id, b.json.id, 'two calls whose keys share 150 bytes are two cases');
  assert.equal(b.headers.get('idempotent-replayed'), null);
  const tooLong = await hotline(mk(3), { 'idempotency-key': 'y'.repeat(256) });
  assert.equal(tooLong.status, 400);
  assert.equal(tooLong.json.error.field, 'Idempotency-Key');
});

test('hotline secret from the environment needs 16 characters, like the file', async () => {
  await assert.rejects(startServer({ seed: false, env: { FENGQIAO_HOTLINE_SECRET: 'short-secret' } }),
    /FENGQIAO_HOTLINE_SECRET: a string of 16/);
});

test('webhooks: signed deliveries, retries with backoff, and a readable log', async () => {
  const got = [];
  let failFirst = true;
  const receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      if (failFirst) { failFirst = false; res.writeHead(500); res.end('try later'); return; }
      got.push({ headers: req.headers, body });
      res.writeHead(200); res.end('ok');
    });
  });
  await new Promise((r) => receiver.listen(hookPort, '127.0.0.1', r));
  const url = `http://127.0.0.1:${hookPort}/sms`;
  try {
    const nonAdmin = new Client(srv.base);
    await nonAdmin.login('fengqiao.handler');
    assert.equal((await nonAdmin.post('/api/webhooks', { url, events: ['case.created'] })).status, 403);
    assert.equal((await admin.post('/api/webhooks', { url: 'ftp://x', events: ['case.created'] })).status, 400);
    assert.equal((await admin.post('/api/webhooks', { url, events: ['case.exploded'] })).status, 400);
    const sub = await admin.post('/api/webhooks', { url, events: ['case.created', 'case.escalated', 'case.closed'] });
    assert.equal(sub.status, 201, sub.text);
    const secret = sub.json.secret;
    assert.ok(secret.length >= 40);
    const list = await admin.get('/api/webhooks');
    assert.ok(list.json.items.some((w) => w.id === sub.json.id && !('secret' in w)));
    const staff = new Client(srv.base);
    await staff.login('fengyuan.mediator');
    const t0 = Date.now();
    const c = await staff.post('/api/cases', { title: '通知测试', description: 'x', category: 'neighbour', region: '330681109290' });
    assert.equal(c.status, 201);
    assert.ok(Date.now() - t0 < 2000, 'the request does not wait for the delivery');
    const deadline = Date.now() + 15000;
    while (!got.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.equal(got.length, 1, 'delivered after one retry');
    const d = got[0];
    assert.equal(d.headers['x-fengqiao-event'], 'case.created');
    const want = 'sha256=' + crypto.createHmac('sha256', secret).update(d.body).digest('hex');
    assert.equal(d.headers['x-fengqiao-signature'], want);
    const payload = JSON.parse(d.body);
    assert.equal(payload.event, 'case.created');
    assert.equal(payload.case.id, c.json.id);
    // the receiver has the body before the worker records the answer: wait
    // for the record rather than race it
    let entry;
    for (const until = Date.now() + 15000; Date.now() < until;) {
      const log = await admin.get(`/api/webhooks/${sub.json.id}/deliveries`);
      entry = log.json.items.find((x) => x.event === 'case.created');
      if (entry && entry.state !== 'pending') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(entry.state, 'delivered');
    assert.equal(entry.attempts, 2);
    assert.equal(entry.last_error, null);
    // unsubscribed events are not sent: after an accept (no event) and an
    // assign (not subscribed), the next delivery is the next subscribed one
    await staff.post(`/api/cases/${c.json.id}/actions`, { action: 'accept' });
    await staff.post(`/api/cases/${c.json.id}/actions`, { action: 'assign', handler: 'fengyuan.mediator' });
    const c2 = await staff.post('/api/cases', { title: '通知测试二', description: 'x', category: 'neighbour', region: '330681109290' });
    const deadline2 = Date.now() + 15000;
    while (got.length < 2 && Date.now() < deadline2) await new Promise((r) => setTimeout(r, 50));
    assert.equal(got.length, 2);
    const second = JSON.parse(got[1].body);
    assert.equal(second.event, 'case.created');
    assert.equal(second.case.id, c2.json.id);
    assert.equal((await admin.req('DELETE', `/api/webhooks/${sub.json.id}`)).status, 204);
    assert.equal((await admin.req('DELETE', `/api/webhooks/${sub.json.id}`)).status, 404);
  } finally {
    receiver.close();
  }
});

test('CSV import checks every row, then imports all or nothing', async () => {
  const c = new Client(srv.base);
  await c.login('admin');
  const head = 'title,description,category,region,applicant_name,applicant_phone,created_at,status,resolved_level\r\n';
  const good1 = '历史纠纷一,"描述，含逗号",neighbour,330681109290,张三,13800001111,2024-03-01T10:00:00+08:00,closed,5\r\n';
  const good2 = '历史纠纷二,"多行\n描述",contract,330681109291,李四,,2024-04-01,registered,\r\n';
  const bad = '历史纠纷三,描述,weather,330681109290,王五,123,2024-05-01,closed,9\r\n';
  const before = (await c.get('/api/cases?q=' + encodeURIComponent('历史纠纷') + '&page_size=1')).json.total;
  const r = await c.post('/api/import/cases', '\ufeff' + head + good1 + bad + good2, { 'content-type': 'text/csv' });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.code, 'import_invalid');
  const fields = r.json.report.map((x) => x.field);
  assert.ok(r.json.report.every((x) => x.row === 3), JSON.stringify(r.json.report));
  assert.ok(fields.includes('category') || fields.includes('resolved_level'));
  assert.equal((await c.get('/api/cases?q=' + encodeURIComponent('历史纠纷') + '&page_size=1')).json.total, before, 'nothing imported');
  const ok = await c.post('/api/import/cases', head + good1 + good2, { 'content-type': 'text/csv' });
  assert.equal(ok.status, 201, ok.text);
  assert.equal(ok.json.imported, 2);
  const one = await c.get(`/api/cases/${ok.json.first_id}`);
  assert.equal(one.json.status, 'closed');
  assert.equal(one.json.resolved_level, 5);
  assert.equal(one.json.created_at, '2024-03-01T02:00:00Z');
  assert.equal(one.json.description, '描述，含逗号');
  const unknown = await c.post('/api/import/cases', 'title,colour\r\nx,red\r\n', { 'content-type': 'text/csv' });
  assert.equal(unknown.status, 400);
  assert.ok(unknown.json.report.some((x) => x.field === 'colour'));
  const notcsv = await c.post('/api/import/cases', '{}', { 'content-type': 'application/json' });
  assert.equal(notcsv.status, 415);
  const analyst = new Client(srv.base);
  await analyst.login('zhuji.analyst');
  assert.equal((await analyst.post('/api/import/cases', head + good1, { 'content-type': 'text/csv' })).status, 403);
});

test('metrics: Prometheus text with routes, latency, open and overdue cases, batch sizes', async () => {
  const r = await fetch(srv.base + '/metrics');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/plain/);
  const t = await r.text();
  assert.match(t, /fengqiao_http_requests_total\{route="\/api\/cases",status="2xx"\} \d+/);
  assert.match(t, /fengqiao_http_request_duration_seconds_bucket\{route="\/api\/cases\/\{id\}\/actions",le="0.005"\} \d+/);
  assert.match(t, /fengqiao_cases\{status="registered"\} [1-9]\d*/);
  assert.match(t, /fengqiao_cases_overdue \d+/);
  assert.match(t, /fengqiao_commit_batch_size_bucket\{le="1"\} \d+/);
  assert.doesNotMatch(t, /1[3-9]\d{9}/, 'no phone numbers');
});

test('the OpenAPI file describes every route of the router', () => {
  const spec = fs.readFileSync(path.join(ROOT, 'docs', 'openapi.yaml'), 'utf8');
  const routes = execFileSync(BIN, ['routes'], { encoding: 'utf8' }).trim().split('\n');
  assert.ok(routes.length > 30);
  const missing = [];
  for (const line of routes) {
    const [method, p] = line.split(' ');
    const at = spec.indexOf(`\n  ${p}:\n`);
    if (at < 0) { missing.push(line); continue; }
    const next = spec.indexOf('\n  /', at + 3);
    const block = spec.slice(at, next < 0 ? undefined : next);
    if (!block.includes(`\n    ${method.toLowerCase()}:`)) missing.push(line);
  }
  assert.deepEqual(missing, [], 'routes missing from docs/openapi.yaml');
});

test('every error code of the server is in the OpenAPI Error enum and has a message in both catalogues', () => {
  const table = fs.readFileSync(path.join(ROOT, 'src', 'util', 'err.c'), 'utf8');
  const codes = [...table.matchAll(/\{"([a-z0-9_]+)",\s*(\d{3})\}/g)].map((m) => m[1]);
  assert.ok(codes.length > 40, `the table in src/util/err.c (${codes.length} codes)`);
  const spec = fs.readFileSync(path.join(ROOT, 'docs', 'openapi.yaml'), 'utf8');
  const at = spec.indexOf('\n    Error:\n');
  const enumCodes = new Set([...spec.slice(at).matchAll(/^ {16}- ([a-z0-9_]+)$/gm)].map((m) => m[1]));
  assert.deepEqual(codes.filter((c) => !enumCodes.has(c)), [], 'codes missing from the Error enum');
  const missing = [];
  for (const lang of ['zh-CN', 'en']) {
    const cat = fs.readFileSync(path.join(ROOT, 'web', 'js', 'i18n', `${lang}.js`), 'utf8');
    for (const c of codes) if (!cat.includes(`'error.${c}'`)) missing.push(`${lang}: error.${c}`);
  }
  assert.deepEqual(missing, [], 'error codes without a message');
});
