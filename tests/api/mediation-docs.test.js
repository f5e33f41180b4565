// mediation-docs.test.js - issue 14, documents and evidence in a
// mediation's room (docs/mediation.md §6): uploads to the shared thread or a
// caucus with the checks of case attachments (type by content 415, 10 MiB
// 413, empty 400), a party without a confirmed phone refused (403), another
// party's caucus 404, every read audited, the room event without the bytes,
// and that a room document is never a case attachment (the case's list,
// timeline, CSV export, webhooks, Open311). Runs on SQLite and PostgreSQL;
// every listener is on 127.0.0.1 and started by this file.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const http = require('node:http');
const { execFileSync } = require('node:child_process');
const { startServer, Client } = require('../lib/server');
const { makePng } = require('../lib/png');

const VILLAGE = '330681109290';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let srv; let gateway; const got = [];
const users = {};

function sql(text) {
  return srv.db.startsWith('postgres')
    ? execFileSync('psql', [srv.db, '-AtF', '\t', '-c', text], { encoding: 'utf8' })
    : execFileSync('sqlite3', ['-separator', '\t', srv.db, text], { encoding: 'utf8' });
}

async function waitFor(pred, ms, what) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const v = await pred();
    if (v) return v;
    await sleep(150);
  }
  assert.fail('timed out waiting for ' + what);
}

test.before(async () => {
  gateway = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => { got.push({ text: body, body: JSON.parse(body) }); res.writeHead(200); res.end('ok'); });
  });
  await new Promise((r) => gateway.listen(0, '127.0.0.1', r));
  const port = gateway.address().port;
  const cfg = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'fq-mediation-')), 'config.json');
  // each party's phone is its own client: X-Forwarded-For from the trusted
  // local proxy gives each its own address and so its own rate bucket
  fs.writeFileSync(cfg, JSON.stringify({ webhook_allow: [`127.0.0.1:${port}`], trusted_proxies: ['127.0.0.1'] }));
  srv = await startServer({ args: ['--config', cfg] });
  for (const u of ['admin', 'fengyuan.mediator', 'fengyuan.grid', 'leshan.mediator', 'fengqiao.handler', 'zhuji.analyst']) {
    users[u] = new Client(srv.base);
    await users[u].login(u);
  }
  const r = await users.admin.post('/api/webhooks', {
    url: `http://127.0.0.1:${port}/sms`,
    events: ['case.created', 'case.assigned', 'case.closed', 'user.notified', 'mediation.code_requested',
      'mediation.invited', 'mediation.risk_flagged', 'mediation.session_reminder'],
  });
  assert.equal(r.status, 201, r.text);
});

test.after(async () => {
  if (srv) await srv.stop();
  if (gateway) { gateway.closeAllConnections(); gateway.close(); }
});

const med = () => users['fengyuan.mediator'];
const phones = new Map();
const phoneAddr = (token) => {
  if (!phones.has(token)) phones.set(token, `198.18.${phones.size >> 8}.${phones.size & 255}`);
  return { 'x-forwarded-for': phones.get(token) };
};
const party = (token) => ({
  get: (p = '') => new Client(srv.base).get(`/api/v1/room/${token}${p}`, phoneAddr(token)),
  post: (p, b) => new Client(srv.base).post(`/api/v1/room/${token}${p}`, b, phoneAddr(token)),
});

async function act(who, id, body) {
  const r = await users[who].post(`/api/cases/${id}/actions`, body);
  assert.equal(r.status, 200, r.text);
  return r.json;
}

// A case at the village, in 调解中 (mediating), with two parties.
async function mediatingCase(title) {
  const r = await med().post('/api/cases', {
    title, description: title + '，请调解', category: 'neighbour', region: VILLAGE,
    parties: [{ role: 'applicant', name: '骆建华', phone: '13900001111' },
      { role: 'respondent', name: '楼小红', phone: '13900002222' }],
  });
  assert.equal(r.status, 201, r.text);
  await act('fengyuan.mediator', r.json.id, { action: 'accept' });
  await act('fengyuan.mediator', r.json.id, { action: 'assign', handler: 'fengyuan.mediator' });
  await act('fengyuan.mediator', r.json.id, { action: 'start' });
  return r.json.id;
}

async function open(caseId) {
  const r = await med().post(`/api/v1/cases/${caseId}/mediation`, {});
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.links.length, 2);
  return { id: r.json.id, caseId, a: r.json.links[0], b: r.json.links[1] };
}

// The identity code the room texts to a party, read from the fake gateway.
async function identityCode(p) {
  const before = got.length;
  const r = await party(p.token).post('/code');
  assert.equal(r.status, 202, r.text);
  const msg = await waitFor(() => got.slice(before).find((g) => g.body.event === 'mediation.code_requested' &&
    g.body.party === p.party_id && g.body.purpose === 'identity'), 15000, 'the identity code');
  return String(msg.body.code);
}

async function verify(p) {
  const code = await identityCode(p);
  const r = await party(p.token).post('/verify', { code });
  assert.equal(r.status, 200, r.text);
  return r.json;
}

async function consent(p, online = true) {
  const r = await party(p.token).post('/actions/consent', { consent: 'given', online });
  assert.equal(r.status, 200, r.text);
  return r.json;
}

// Open, verify both, consent both, both choose fengyuan.mediator, who accepts.
async function activeRoom(title) {
  const m = await open(await mediatingCase(title));
  await verify(m.a); await verify(m.b);
  await consent(m.a); const r = await consent(m.b);
  assert.equal(r.status, 'choosing');
  await party(m.a.token).post('/actions/choose', { mediator: 'fengyuan.mediator' });
  const c = await party(m.b.token).post('/actions/choose', { mediator: 'fengyuan.mediator' });
  assert.equal(c.json.status, 'appointed', c.text);
  const acc = await med().post(`/api/v1/mediations/${m.id}/actions/accept`, {});
  assert.equal(acc.status, 200, acc.text);
  assert.equal(acc.json.status, 'active');
  // the parties see their mediator by name, not by user name
  const seen = await party(m.a.token).get('');
  const list = await med().get(`/api/v1/mediators?region=${VILLAGE}`);
  const fy = list.json.items.find((x) => x.username === 'fengyuan.mediator');
  assert.equal(seen.json.mediator_name, fy.display_name, seen.text);
  return m;
}


const MiB = 1024 * 1024;
const DOC_NAME = '欠条照片-调解室专用.png'; // must never leave the room
const sha = (b) => crypto.createHash('sha256').update(b).digest('hex');
const auditCount = (action, caseId) =>
  Number(sql(`SELECT count(*) FROM audit_log WHERE action = '${action}' AND entity_id = '${caseId}'`).trim());

// A raw upload: staff through their client, a party through its link.
async function staffPut(id, bytes, q) {
  return med().req('POST', `/api/v1/mediations/${id}/documents?${q}`, bytes, { 'content-type': 'application/octet-stream' });
}
async function partyPut(p, bytes, q) {
  return new Client(srv.base).req('POST', `/api/v1/room/${p.token}/documents?${q}`, bytes,
    { ...phoneAddr(p.token), 'content-type': 'application/octet-stream' });
}
async function rawGet(url, headers = {}) {
  const r = await fetch(srv.base + url, { headers });
  return { status: r.status, headers: r.headers, buf: Buffer.from(await r.arrayBuffer()) };
}

test('a party puts a photo in her caucus: the mediator sees it, the other party never; reads audited', async () => {
  const m = await activeRoom('文件与证据');
  let r = await party(m.a.token).post('/actions/caucus', { open: true });
  assert.equal(r.status, 200, r.text);
  const png = makePng(64, 48);
  r = await partyPut(m.a, png, `thread=caucus&name=${encodeURIComponent(DOC_NAME)}`);
  assert.equal(r.status, 201, r.text);
  const doc = r.json;
  assert.equal(doc.thread, 'caucus');
  assert.equal(doc.party, m.a.party_id);
  assert.equal(doc.by_party, m.a.party_id);
  assert.equal(doc.mime, 'image/png');
  assert.equal(doc.size, png.length);
  assert.equal(doc.sha256, sha(png));
  assert.equal(doc.name, DOC_NAME);

  // the mediator lists it (all threads, or a's caucus) and downloads the same bytes
  r = await med().get(`/api/v1/mediations/${m.id}/documents`);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.items.map((d) => d.id), [doc.id]);
  r = await med().get(`/api/v1/mediations/${m.id}/documents?thread=caucus&party=${m.b.party_id}`);
  assert.equal(r.json.items.length, 0, 'b\'s caucus holds nothing');
  const before = auditCount('mediation.document_read', m.caseId);
  const dl = await rawGet(`/api/v1/mediations/${m.id}/documents/${doc.id}`, { cookie: med().cookie });
  assert.equal(dl.status, 200);
  assert.equal(sha(dl.buf), sha(png));
  assert.equal(dl.headers.get('content-type'), 'image/png');
  assert.match(dl.headers.get('content-disposition'), /^attachment;/);
  assert.match(dl.headers.get('content-security-policy'), /sandbox/);
  assert.equal(auditCount('mediation.document_read', m.caseId), before + 1, 'each download is audited');
  assert.equal(auditCount('mediation.document_add', m.caseId), 1);

  // a sees it and can read it back
  r = await party(m.a.token).get('/documents');
  assert.deepEqual(r.json.items.map((d) => d.id), [doc.id]);
  const own = await rawGet(`/api/v1/room/${m.a.token}/documents/${doc.id}`, phoneAddr(m.a.token));
  assert.equal(own.status, 200);
  assert.equal(sha(own.buf), sha(png));

  // b: not in the list, 404 on the file and on a's caucus, not in b's events
  r = await party(m.b.token).get('/documents');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.items.length, 0);
  const other = await rawGet(`/api/v1/room/${m.b.token}/documents/${doc.id}`, phoneAddr(m.b.token));
  assert.equal(other.status, 404);
  r = await party(m.b.token).get(`/documents?thread=caucus&party=${m.a.party_id}`);
  assert.equal(r.status, 404, r.text);
  r = await partyPut(m.b, png, `thread=caucus&party=${m.a.party_id}&name=x.png`);
  assert.equal(r.status, 404, r.text);
  r = await party(m.b.token).get('/events?after=0');
  assert.ok(!r.text.includes(DOC_NAME), 'b\'s events never name a\'s caucus file');

  // the room event carries the name, size, hash and thread, never the bytes
  r = await med().get(`/api/v1/mediations/${m.id}/events?after=0`);
  const ev = r.json.items.find((e) => e.kind === 'document');
  assert.ok(ev, r.text);
  const data = typeof ev.data === 'string' ? JSON.parse(ev.data) : ev.data;
  assert.equal(data.sha256, sha(png));
  assert.equal(data.size, png.length);
  assert.equal(data.thread, 'caucus');
  assert.ok(!r.text.includes(png.toString('base64').slice(0, 40)));

  // the shared thread: both parties see the mediator's file
  const pdf = Buffer.from('%PDF-1.4\n% 调解笔录\n');
  r = await staffPut(m.id, pdf, 'thread=shared&name=record.pdf');
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.by, 'fengyuan.mediator');
  r = await party(m.b.token).get('/documents');
  assert.deepEqual(r.json.items.map((d) => d.thread), ['shared']);
  r = await party(m.a.token).get('/documents?thread=shared');
  assert.equal(r.json.items.length, 1);
  // another committee's mediator: 404
  r = await users['leshan.mediator'].get(`/api/v1/mediations/${m.id}/documents`);
  assert.equal(r.status, 404);
});

test('refusals: type by content 415, over 10 MiB 413, empty 400, unconfirmed phone 403, closed caucus 409', async () => {
  const m = await activeRoom('文件拒收');
  const html = Buffer.from('<!DOCTYPE html><html><script>alert(1)</script></html>');
  let r = await staffPut(m.id, html, 'name=photo.jpg');
  assert.equal(r.status, 415, r.text);
  assert.equal(r.json.error.code, 'attachment_type');
  const big = Buffer.alloc(10 * MiB + 1);
  big.write('%PDF-1.4\n', 0, 'latin1');
  r = await partyPut(m.a, big, 'name=big.pdf');
  assert.equal(r.status, 413, r.text);
  assert.equal(r.json.error.code, 'attachment_too_large');
  r = await partyPut(m.a, Buffer.alloc(0), 'name=empty.pdf');
  assert.equal(r.status, 400, r.text);
  assert.equal(r.json.error.code, 'attachment_empty');
  r = await partyPut(m.a, Buffer.from('%PDF-1.4\n'), 'thread=caucus&name=a.pdf');
  assert.equal(r.status, 409, r.text);
  assert.equal(r.json.error.code, 'caucus_closed');
  r = await partyPut(m.a, Buffer.from('%PDF-1.4\n'), 'thread=everyone');
  assert.equal(r.status, 400, r.text);

  // a party whose phone is not confirmed yet
  const fresh = await open(await mediatingCase('未确认身份'));
  r = await partyPut(fresh.a, makePng(8, 8), 'name=a.png');
  assert.equal(r.status, 403, r.text);
  assert.equal(r.json.error.code, 'identity_unconfirmed');
  r = await party(fresh.a.token).get('/documents');
  assert.equal(r.status, 403);
});

test('a room document is not a case attachment: case list, timeline, CSV, webhooks, Open311', async () => {
  const m = await activeRoom('文件不出调解室');
  await party(m.a.token).post('/actions/caucus', { open: true });
  const before = got.length;
  let r = await partyPut(m.a, makePng(16, 16), `thread=caucus&name=${encodeURIComponent(DOC_NAME)}`);
  assert.equal(r.status, 201, r.text);
  r = await partyPut(m.b, Buffer.from('%PDF-1.4\n'), `name=${encodeURIComponent(DOC_NAME)}`);
  assert.equal(r.status, 201, r.text);
  r = await med().get(`/api/cases/${m.caseId}/attachments`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.items.length, 0, 'the case\'s attachments hold no room file');
  r = await med().get(`/api/cases/${m.caseId}`);
  assert.ok(!r.text.includes(DOC_NAME));
  r = await med().get(`/api/cases/${m.caseId}/timeline`);
  assert.equal(r.status, 200);
  assert.ok(!r.text.includes(DOC_NAME) && !r.text.includes('document'), r.text);
  r = await users['fengqiao.handler'].get(`/api/cases.csv?region=${VILLAGE}`);
  assert.equal(r.status, 200);
  assert.ok(!r.text.includes(DOC_NAME));
  r = await new Client(srv.base).get('/open311/v2/requests.json');
  assert.ok(!r.text.includes(DOC_NAME));
  await sleep(500);
  assert.ok(!got.slice(before).some((g) => g.text.includes(DOC_NAME) || /document/.test(g.body.event || '')),
    'no webhook names a room file');
});
