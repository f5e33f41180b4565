// resident.test.js - the residents' portal (issue 13, items 13-15): the
// 8-digit PIN printed beside the long secret, limited to a few wrong tries
// per case (then 429, while the long secret still works); a one-time code
// texted to the filing phone through the SMS gateway webhook, never to
// another number and never showing the phone; a new PIN by that code; the
// five steps and plain entries with the handling unit and its public phone;
// one rating after resolution; the filing form's other party and time.
// The SMS gateway is a listener this file starts on 127.0.0.1.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { startServer, Client, freePort } = require('../lib/server');

const VILLAGE = '330681109290'; // 枫源村
const TOWN = '330681109';       // 枫桥镇
const PHONE = '13700000042';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let srv, admin, users = {};
let addr = 0;
// A public client with its own address (X-Forwarded-For from a trusted proxy).
function publicClient() {
  const c = new Client(srv.base);
  const ip = `10.7.0.${++addr}`;
  const req = c.req.bind(c);
  c.req = (m, p, b, h = {}) => req(m, p, b, { 'x-forwarded-for': ip, ...h });
  return c;
}
let pub;
test.beforeEach(() => { pub = publicClient(); });
const gateway = { got: [] };

function sql(text) {
  return srv.db.startsWith('postgres')
    ? execFileSync('psql', [srv.db, '-AtF', '\t', '-c', text], { encoding: 'utf8' })
    : execFileSync('sqlite3', ['-cmd', '.timeout 5000', '-separator', '\t', srv.db, text], { encoding: 'utf8' });
}

async function waitFor(pred, ms, what) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const v = await pred();
    if (v) return v;
    await sleep(100);
  }
  assert.fail('timed out waiting for ' + what);
}

test.before(async () => {
  const port = await freePort();
  gateway.server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => { gateway.got.push(JSON.parse(body)); res.writeHead(200); res.end('ok'); });
  });
  await new Promise((r) => gateway.server.listen(port, '127.0.0.1', r));
  gateway.url = `http://127.0.0.1:${port}/sms`;
  const cfg = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'fq-resident-')), 'config.json');
  // each test speaks from its own forwarded address, so that the per-address
  // public bucket (tested in throttle.test.js) does not cut a walk short
  fs.writeFileSync(cfg, JSON.stringify({ webhook_allow: [`127.0.0.1:${port}`], trusted_proxies: ['127.0.0.1'] }));
  srv = await startServer({ args: ['--config', cfg], env: { FENGQIAO_WEBHOOK_RETRY_BASE: '1' } });
  admin = new Client(srv.base);
  await admin.login('admin');
  for (const u of ['fengyuan.mediator', 'fengqiao.handler', 'fengyuan.grid']) {
    users[u] = new Client(srv.base);
    await users[u].login(u);
  }
  const hook = await admin.post('/api/webhooks', { url: gateway.url, events: ['public.code_requested'] });
  assert.equal(hook.status, 201, hook.text);
});

test.after(async () => {
  if (srv) await srv.stop();
  gateway.server.closeAllConnections();
  gateway.server.close();
});

async function file(extra = {}) {
  const r = await pub.post('/api/public/cases', {
    title: '邻居装修噪音', description: '楼上邻居每天晚上十点后还在装修，多次沟通无果。',
    category: 'neighbour', region: VILLAGE, name: '王小明', phone: PHONE, ...extra,
  });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

const track = (code, secret) => pub.get(`/api/public/cases/${encodeURIComponent(code)}`,
  { 'x-tracking-secret': secret });
const caseId = (code) => Number(sql(`SELECT id FROM cases WHERE tracking_code = '${code}'`).trim());
async function act(who, id, body) {
  const r = await users[who].post(`/api/cases/${id}/actions`, body);
  assert.equal(r.status, 200, `${who} ${body.action}: ${r.text}`);
  return r.json;
}

test('filing gives an 8-digit PIN, stored only hashed; the PIN opens the case, spaces allowed', async () => {
  const f = await file({ respondent: '李四', occurred_at: '2026-11-01T20:00:00+08:00' });
  assert.match(f.pin, /^\d{8}$/);
  assert.ok(f.secret.length >= 40);
  const stored = sql(`SELECT pin_hash FROM resident_access WHERE case_id = ${caseId(f.tracking_code)}`).trim();
  assert.match(stored, /^[0-9a-f]{64}$/);
  assert.ok(!stored.includes(f.pin));
  const r = await track(f.tracking_code, `${f.pin.slice(0, 4)} ${f.pin.slice(4)}`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.title, '邻居装修噪音');
  // the other party and the time are kept on the case (staff view)
  const staff = await users['fengyuan.mediator'].get(`/api/cases/${caseId(f.tracking_code)}`);
  assert.ok(staff.json.parties.some((p) => p.role === 'respondent' && p.name === '李四'));
  assert.match(staff.json.occurred_at, /^2026-11-01T12:00:00Z$|^2026-11-01T20:00:00\+08:00$/);
  // the public view shows neither names nor phones
  assert.ok(!JSON.stringify(r.json).includes('李四'));
  assert.ok(!JSON.stringify(r.json).includes('王小明'));
  assert.ok(!JSON.stringify(r.json).includes(PHONE));
  // a time in the future is refused next to its field
  const bad = await pub.post('/api/public/cases', { title: '未来的纠纷', description: '很长的描述文字用于测试', category: 'neighbour',
    region: VILLAGE, name: '王', phone: PHONE, occurred_at: '2099-01-01T00:00:00+08:00' });
  assert.equal(bad.status, 400);
  assert.equal(bad.json.error.field, 'occurred_at');
});

test('5 wrong PINs per case lock its short codes (429) but not the long secret nor another case', async () => {
  const f = await file();
  const g = await file();
  const wrong = f.pin === '00000000' ? '11111111' : '00000000';
  for (let i = 0; i < 5; i++) {
    const r = await track(f.tracking_code, wrong);
    assert.equal(r.status, 404, `try ${i + 1}`);
  }
  const locked = await track(f.tracking_code, f.pin);
  assert.equal(locked.status, 429);
  assert.equal(locked.json.error.code, 'code_locked');
  assert.ok(Number(locked.headers.get('retry-after')) > 0);
  // the code spelled in lower case is the same bucket
  assert.equal((await track(f.tracking_code.toLowerCase(), f.pin)).status, 429);
  assert.equal((await track(f.tracking_code, f.secret)).status, 200);
  assert.equal((await track(g.tracking_code, g.pin)).status, 200);
});

test('an SMS code goes only to the filing phone, through the gateway; the answer never shows the phone', async () => {
  const f = await file();
  const before = gateway.got.length;
  // another number: the same answer, and nothing is sent
  const other = await pub.post(`/api/public/cases/${f.tracking_code}/sms-code`, { phone: '13900000000' });
  assert.equal(other.status, 202);
  const mine = await pub.post(`/api/public/cases/${f.tracking_code}/sms-code`, { phone: `+86 ${PHONE}` });
  assert.equal(mine.status, 202);
  assert.deepEqual(Object.keys(mine.json).sort(), Object.keys(other.json).sort());
  assert.equal(mine.text, other.text);
  assert.ok(!mine.text.includes(PHONE.slice(-4)));
  const sent = await waitFor(() => gateway.got.slice(before).find((e) => e.case.tracking_code === f.tracking_code),
    15000, 'the SMS event');
  assert.equal(sent.event, 'public.code_requested');
  assert.deepEqual(sent.notify, [{ role: 'applicant', phone: PHONE }]);
  assert.match(sent.code, /^\d{6}$/);
  assert.equal(gateway.got.slice(before).length, 1, 'only the filing phone got a text');
  // the code opens the case, and gives a new PIN (recovery); the old PIN stops working
  assert.equal((await track(f.tracking_code, sent.code)).status, 200);
  const np = await pub.post(`/api/public/cases/${f.tracking_code}/pin`, undefined, { 'x-tracking-secret': sent.code });
  assert.equal(np.status, 201, np.text);
  assert.match(np.json.pin, /^\d{8}$/);
  assert.equal((await track(f.tracking_code, np.json.pin)).status, 200);
  if (np.json.pin !== f.pin) assert.equal((await track(f.tracking_code, f.pin)).status, 404);
  // asking again and again is limited per case (3 an hour, wrong phones too)
  assert.equal((await pub.post(`/api/public/cases/${f.tracking_code}/sms-code`, { phone: PHONE })).status, 202);
  const last = await pub.post(`/api/public/cases/${f.tracking_code}/sms-code`, { phone: PHONE });
  assert.equal(last.status, 429);
  // each text left audited, as any phone sent to a gateway
  await waitFor(() => gateway.got.filter((e) => e.case.tracking_code === f.tracking_code).length === 2, 15000, 'the second text');
  const audited = sql(`SELECT count(*) FROM audit_log WHERE action = 'case.contacts_sent' AND entity_id = '${caseId(f.tracking_code)}'`).trim();
  assert.equal(audited, '2');
});

test('progress: steps, plain entries, the unit and its phone; an escalated case reads 已上报至 the township', async () => {
  const f = await file();
  let r = await track(f.tracking_code, f.pin);
  assert.equal(r.json.progress.step, 0);
  assert.equal(r.json.unit.name, '枫源村');
  assert.equal(r.json.unit.phone, '0575-87000001');
  assert.deepEqual(r.json.entries.map((e) => e.kind), ['create']);
  assert.equal(r.json.can_rate, false);
  const id = caseId(f.tracking_code);
  await act('fengyuan.mediator', id, { action: 'accept' });
  await act('fengyuan.mediator', id, { action: 'assign', handler: 'fengyuan.mediator' });
  await act('fengyuan.mediator', id, { action: 'start' });
  await act('fengyuan.mediator', id, { action: 'note', text: '内部记录：申请人情绪激动' });
  await act('fengyuan.mediator', id, { action: 'escalate', reason: '村级调解未成' });
  r = await track(f.tracking_code, f.pin);
  assert.equal(r.json.progress.step, 1);
  assert.equal(r.json.unit.name, '枫桥镇');
  assert.equal(r.json.unit.level, 4);
  assert.equal(r.json.unit.phone, '0575-87000000');
  const esc = r.json.entries.find((e) => e.kind === 'escalate');
  assert.equal(esc.unit.name, '枫桥镇');
  const text = JSON.stringify(r.json.entries);
  assert.ok(!text.includes('村级调解未成'), 'no reasons');
  assert.ok(!text.includes('内部记录'), 'no notes');
  assert.ok(!text.includes('fengyuan'), 'no usernames');
  // rating only after resolution, and once
  const early = await pub.post(`/api/public/cases/${f.tracking_code}/rating`, { rating: 'satisfied' }, { 'x-tracking-secret': f.pin });
  assert.equal(early.status, 409);
  assert.equal(early.json.error.code, 'not_yet_resolved');
  await act('fengqiao.handler', id, { action: 'assign', handler: 'fengqiao.handler' });
  await act('fengqiao.handler', id, { action: 'start' });
  await act('fengqiao.handler', id, { action: 'resolve', outcome: 'agreement', summary: '双方签订协议，王小明获赔' });
  r = await track(f.tracking_code, f.pin);
  assert.equal(r.json.progress.step, 3);
  assert.equal(r.json.outcome, 'agreement');
  assert.equal(r.json.can_rate, true);
  assert.ok(!JSON.stringify(r.json).includes('获赔'), 'no staff summary');
  const noAuth = await pub.post(`/api/public/cases/${f.tracking_code}/rating`, { rating: 'satisfied' }, { 'x-tracking-secret': '12345678' });
  assert.equal(noAuth.status, 404);
  const badValue = await pub.post(`/api/public/cases/${f.tracking_code}/rating`, { rating: 'great' }, { 'x-tracking-secret': f.pin });
  assert.equal(badValue.status, 400);
  assert.equal(badValue.json.error.field, 'rating');
  const ok = await pub.post(`/api/public/cases/${f.tracking_code}/rating`, { rating: 'basically_satisfied', comment: '调解员很耐心' }, { 'x-tracking-secret': f.pin });
  assert.equal(ok.status, 201, ok.text);
  const again = await pub.post(`/api/public/cases/${f.tracking_code}/rating`, { rating: 'unsatisfied' }, { 'x-tracking-secret': f.secret });
  assert.equal(again.status, 409);
  assert.equal(again.json.error.code, 'already_rated');
  r = await track(f.tracking_code, f.pin);
  assert.equal(r.json.rating, 'basically_satisfied');
  assert.equal(r.json.can_rate, false);
});

test('unit phones: an administrator over the unit sets and removes one; others may not', async () => {
  const vadmin = new Client(srv.base);
  srv.cli(['user', 'add', 'fengyuan.admin2', '--password', require('../lib/server').DEMO_PASSWORD]);
  srv.cli(['user', 'grant', 'fengyuan.admin2', 'admin', VILLAGE]);
  await vadmin.login('fengyuan.admin2');
  assert.equal((await vadmin.req('PUT', `/api/unit-phones/${TOWN}`, { phone: '0575-1' })).status, 403);
  assert.equal((await users['fengyuan.mediator'].req('PUT', `/api/unit-phones/${VILLAGE}`, { phone: '0575-87001234' })).status, 403);
  const bad = await vadmin.req('PUT', `/api/unit-phones/${VILLAGE}`, { phone: '0575--8700<b>' });
  assert.equal(bad.status, 400);
  assert.equal(bad.json.error.field, 'phone');
  const put = await vadmin.req('PUT', `/api/unit-phones/${VILLAGE}`, { phone: '0575-87001234' });
  assert.equal(put.status, 200, put.text);
  assert.equal((await vadmin.get(`/api/unit-phones/${VILLAGE}`)).json.phone, '0575-87001234');
  const f = await file();
  assert.equal((await track(f.tracking_code, f.pin)).json.unit.phone, '0575-87001234');
  assert.equal((await vadmin.req('DELETE', `/api/unit-phones/${VILLAGE}`)).status, 204);
  assert.equal((await track(f.tracking_code, f.pin)).json.unit.phone, null);
  assert.equal((await vadmin.get(`/api/unit-phones/${VILLAGE}`)).status, 404);
});
