// mediation-join.test.js - issue 14: a party joins the mediation room
// without its link, with the case's tracking code and secret plus the
// identity code texted to its phone (docs/mediation.md §4):
// POST /api/v1/public/cases/{code}/mediation/code answers the same 202
// whether the phone is a party's or not; /join checks the code (a wrong one
// counted, five spend it), confirms the party and answers a fresh link
// token once (the old link stops working). Runs on SQLite and PostgreSQL;
// the SMS gateway is a listener this file starts on 127.0.0.1.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const http = require('node:http');
const { execFileSync } = require('node:child_process');
const { startServer, Client } = require('../lib/server');

const VILLAGE = '330681109290'; // 枫源村
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const SECRET_WORDS = '乙方私下说最多赔五千'; // said in b's caucus: never shown to a
let srv; let gateway; const got = [];
const users = {};
let addr = 0;
let seq = 0;

function sql(text) {
  return srv.db.startsWith('postgres')
    ? execFileSync('psql', [srv.db, '-AtF', '\t', '-c', text], { encoding: 'utf8' }).trim()
    : execFileSync('sqlite3', ['-cmd', '.timeout 5000', '-separator', '\t', srv.db, text], { encoding: 'utf8' }).trim();
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

// A resident's client with its own forwarded address (its own public bucket).
function publicClient() {
  const c = new Client(srv.base);
  const ip = `10.9.0.${++addr}`;
  const req = c.req.bind(c);
  c.req = (m, p, b, h = {}) => req(m, p, b, { 'x-forwarded-for': ip, ...h });
  return c;
}

test.before(async () => {
  gateway = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => { got.push(JSON.parse(body)); res.writeHead(200); res.end('ok'); });
  });
  await new Promise((r) => gateway.listen(0, '127.0.0.1', r));
  const port = gateway.address().port;
  const cfg = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'fq-join-')), 'config.json');
  fs.writeFileSync(cfg, JSON.stringify({ webhook_allow: [`127.0.0.1:${port}`], trusted_proxies: ['127.0.0.1'] }));
  srv = await startServer({ args: ['--config', cfg], env: { FENGQIAO_SCAN_INTERVAL: '1' } });
  for (const u of ['admin', 'fengyuan.mediator']) {
    users[u] = new Client(srv.base);
    await users[u].login(u);
  }
  const r = await users.admin.post('/api/webhooks', {
    url: `http://127.0.0.1:${port}/sms`,
    events: ['mediation.code_requested', 'mediation.invited'],
  });
  assert.equal(r.status, 201, r.text);
});

test.after(async () => {
  if (srv) await srv.stop();
  if (gateway) { gateway.closeAllConnections(); gateway.close(); }
});

const med = () => users['fengyuan.mediator'];

// A case filed by a resident (tracking code and secret), with both parties'
// phones, in 调解中 (mediating); with open, its mediation opened.
async function residentCase(withMediation = true) {
  const n = String(++seq).padStart(2, '0');
  const phoneA = `137000091${n}`; const phoneB = `137000092${n}`;
  const pub = publicClient();
  const f = await pub.post('/api/public/cases', {
    title: '邻里排水纠纷' + n, description: '雨水排到我家院子，请调解', category: 'neighbour', region: VILLAGE,
    name: '骆建华', phone: phoneA, respondent: '楼小红',
  });
  assert.equal(f.status, 201, f.text);
  const byCode = await med().get(`/api/cases/by-code/${f.json.tracking_code}`);
  assert.equal(byCode.status, 200, byCode.text);
  const id = byCode.json.id;
  const p = await med().req('PATCH', `/api/cases/${id}`, {
    parties: [{ role: 'applicant', name: '骆建华', phone: phoneA }, { role: 'respondent', name: '楼小红', phone: phoneB }],
  });
  assert.equal(p.status, 200, p.text);
  for (const body of [{ action: 'accept' }, { action: 'assign', handler: 'fengyuan.mediator' }, { action: 'start' }]) {
    const r = await med().post(`/api/cases/${id}/actions`, body);
    assert.equal(r.status, 200, r.text);
  }
  const c = { id, code: f.json.tracking_code, secret: f.json.secret, phoneA, phoneB, pub };
  if (!withMediation) return c;
  const o = await med().post(`/api/v1/cases/${id}/mediation`, {});
  assert.equal(o.status, 201, o.text);
  c.mid = o.json.id;
  c.a = o.json.links.find((l) => l.name === '骆建华') || o.json.links[0];
  c.b = o.json.links.find((l) => l.party_id !== c.a.party_id);
  return c;
}

const hdr = (c, secret) => ({ 'x-tracking-secret': secret || c.secret });
const askCode = (c, phone, secret) =>
  c.pub.post(`/api/v1/public/cases/${c.code}/mediation/code`, { phone }, hdr(c, secret));
const join = (c, phone, code, secret) =>
  c.pub.post(`/api/v1/public/cases/${c.code}/mediation/join`, { phone, code }, hdr(c, secret));
const room = (token, p = '') => publicClient().get(`/api/v1/room/${token}${p}`);
const roomPost = (token, p, b) => publicClient().post(`/api/v1/room/${token}${p}`, b);

// The identity code texted for party_id after `before` gateway messages.
async function textedCode(before, partyId) {
  const m = await waitFor(() => got.slice(before).find((g) => g.event === 'mediation.code_requested' &&
    g.party === partyId && g.purpose === 'identity'), 15000, 'the identity code');
  return String(m.code);
}

async function joinAs(c, phone, partyId) {
  const before = got.length;
  const r = await askCode(c, phone);
  assert.equal(r.status, 202, r.text);
  const code = await textedCode(before, partyId);
  const j = await join(c, phone, code);
  assert.equal(j.status, 200, j.text);
  assert.match(j.json.token, /^[\w-]{20,}$/);
  return j.json.token;
}

test('happy path: the code to a party\'s phone, then the room with the party verified; audited', async () => {
  const c = await residentCase();
  let r = await c.pub.get(`/api/v1/public/cases/${c.code}/mediation`, hdr(c));
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.open, true);
  // the phone typed as people type it
  const typed = `+86 ${c.phoneA.slice(0, 3)}-${c.phoneA.slice(3, 7)}-${c.phoneA.slice(7)}`;
  const token = await joinAs(c, typed, c.a.party_id);
  r = await room(token);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.id, c.mid);
  const me = r.json.parties.find((p) => p.id === c.a.party_id);
  assert.ok(me && me.verified_at, 'the party is verified: ' + r.text);
  // verified: the party acts in the room at once
  r = await roomPost(token, '/actions/consent', { consent: 'given', online: true });
  assert.equal(r.status, 200, r.text);
  assert.equal(sql(`SELECT count(*) FROM audit_log WHERE action = 'mediation.party_joined' AND entity_id = '${c.mid}'`), '1');
  // the code is spent: a second join with it fails
  const again = await join(c, c.phoneA, '000000');
  assert.notEqual(again.status, 200);
});

test('the old link is void after a join', async () => {
  const c = await residentCase();
  let r = await room(c.a.token);
  assert.equal(r.status, 200, r.text);
  const token = await joinAs(c, c.phoneA, c.a.party_id);
  assert.notEqual(token, c.a.token);
  r = await room(c.a.token);
  assert.equal(r.status, 404, r.text);
  r = await room(token);
  assert.equal(r.status, 200, r.text);
  // the other party's link is untouched
  r = await room(c.b.token);
  assert.equal(r.status, 200, r.text);
});

test('a phone that is no party\'s: the same 202, and no text is sent', async () => {
  const c = await residentCase();
  const before = got.length;
  const r = await askCode(c, '13911112222');
  assert.equal(r.status, 202, r.text);
  const ok = await askCode(c, c.phoneB);
  assert.equal(ok.status, 202, ok.text);
  assert.deepEqual(Object.keys(r.json).sort(), Object.keys(ok.json).sort());
  assert.equal(r.json.status, ok.json.status);
  // the text for b arrives; none ever for the stranger's number
  await textedCode(before, c.b.party_id);
  await sleep(500);
  const sent = got.slice(before).filter((g) => g.event === 'mediation.code_requested');
  assert.equal(sent.length, 1, JSON.stringify(sent));
  assert.ok(!JSON.stringify(sent).includes('13911112222'));
  // joining with that number is refused as a code never asked for
  const j = await join(c, '13911112222', '123456');
  assert.equal(j.status, 410, j.text);
  assert.equal(j.json.error.code, 'code_expired');
});

test('a wrong code is counted; five spend it', async () => {
  const c = await residentCase();
  const before = got.length;
  const r = await askCode(c, c.phoneA);
  assert.equal(r.status, 202, r.text);
  const code = await textedCode(before, c.a.party_id);
  const wrong = code === '000000' ? '111111' : '000000';
  for (let i = 1; i <= 5; i++) {
    const j = await join(c, c.phoneA, wrong);
    assert.equal(j.status, 403, j.text);
    assert.equal(j.json.error.code, 'code_wrong');
    assert.equal(sql(`SELECT max(attempts) FROM mediation_codes WHERE party_id = ${c.a.party_id}`), String(i),
      'each wrong try is kept');
  }
  const j = await join(c, c.phoneA, code);
  assert.equal(j.status, 410, j.text);
  assert.equal(j.json.error.code, 'code_expired');
  const me = (await room(c.a.token)).json.parties.find((p) => p.id === c.a.party_id);
  assert.ok(!me.verified_at, 'not verified by a spent code');
});

test('wrong secret or unknown code: 404; no mediation: 404 not_found; the case\'s bucket', async () => {
  const c = await residentCase();
  for (const [code, secret] of [[c.code, 'wrong-secret-xxxxxxxx'], ['FQ-NOPE-0000', c.secret]]) {
    const x = { ...c, code };
    let r = await askCode(x, c.phoneA, secret);
    assert.equal(r.status, 404, r.text);
    r = await join(x, c.phoneA, '123456', secret);
    assert.equal(r.status, 404, r.text);
    r = await c.pub.get(`/api/v1/public/cases/${code}/mediation`, hdr(c, secret));
    assert.equal(r.status, 404, r.text);
  }
  const none = await residentCase(false);
  let r = await none.pub.get(`/api/v1/public/cases/${none.code}/mediation`, hdr(none));
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.open, false);
  r = await askCode(none, none.phoneA);
  assert.equal(r.status, 404, r.text);
  assert.equal(r.json.error.code, 'not_found');
  r = await join(none, none.phoneA, '123456');
  assert.equal(r.status, 404, r.text);
  assert.equal(r.json.error.code, 'not_found');
  // codes asked for per case are limited as the resident's own codes (3 an hour)
  for (let i = 0; i < 3; i++) assert.equal((await askCode(c, '13911110000')).status, 202);
  r = await askCode(c, c.phoneA);
  assert.equal(r.status, 429, r.text);
  assert.equal(r.json.error.code, 'rate_limited');
});

test('the joiner never sees the other party\'s caucus', async () => {
  const c = await residentCase();
  const a = await joinAs(c, c.phoneA, c.a.party_id);
  const b = await joinAs(c, c.phoneB, c.b.party_id);
  for (const t of [a, b]) {
    const r = await roomPost(t, '/actions/consent', { consent: 'given', online: true });
    assert.equal(r.status, 200, r.text);
  }
  for (const t of [a, b]) {
    const r = await roomPost(t, '/actions/choose', { mediator: 'fengyuan.mediator' });
    assert.equal(r.status, 200, r.text);
  }
  let r = await med().post(`/api/v1/mediations/${c.mid}/actions/accept`, {});
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, 'active');
  r = await roomPost(b, '/actions/caucus', { open: true });
  assert.equal(r.status, 200, r.text);
  r = await roomPost(b, '/messages', { thread: 'caucus', body: SECRET_WORDS });
  assert.equal(r.status, 200, r.text);
  // the mediator's caucus with b is b's alone; a cannot speak in it
  r = await roomPost(a, '/messages', { thread: 'caucus', party: c.b.party_id, body: '我想看看' });
  assert.notEqual(r.status, 200, r.text);
  const ev = await room(a, '/events');
  assert.equal(ev.status, 200, ev.text);
  const seen = await room(a);
  for (const x of [ev, seen]) assert.ok(!x.text.includes(SECRET_WORDS), 'a never sees b\'s caucus');
  assert.ok(!ev.json.items.some((e) => e.kind === 'caucus'), 'nor that b\'s caucus opened');
  // staff see it
  const staff = await med().get(`/api/v1/mediations/${c.mid}/events`);
  assert.ok(staff.text.includes(SECRET_WORDS));
});
