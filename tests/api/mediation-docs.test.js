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
const { Client } = require('../lib/server');
const { makePng } = require('../lib/png');
const { useRoom, VILLAGE, sleep } = require('../lib/room');

const room = useRoom();
const { got, users, sql, med, phoneAddr, party, mediatingCase, open, activeRoom } = room;


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
  return new Client(room.srv.base).req('POST', `/api/v1/room/${p.token}/documents?${q}`, bytes,
    { ...phoneAddr(p.token), 'content-type': 'application/octet-stream' });
}
async function rawGet(url, headers = {}) {
  const r = await fetch(room.srv.base + url, { headers });
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
  r = await new Client(room.srv.base).get('/open311/v2/requests.json');
  assert.ok(!r.text.includes(DOC_NAME));
  await sleep(500);
  assert.ok(!got.slice(before).some((g) => g.text.includes(DOC_NAME) || /document/.test(g.body.event || '')),
    'no webhook names a room file');
});
