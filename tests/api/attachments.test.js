// attachments.test.js - photos and documents on a case (issue 13, item 8):
// the type judged by content (an HTML page called photo.jpg is refused),
// 10 MiB a file while every other route keeps 1 MiB, a thumbnail that is a
// small JPEG, the SHA-256 returned and matching, a download that a browser
// saves and never runs, scope (404 outside it), the audit of every read, the
// timeline entry without the bytes, and a resident's 3 photos on filing.
// Runs on SQLite, and PostgreSQL when FQ_TEST_PG is set.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const net = require('node:net');
const { execFileSync } = require('node:child_process');
const { startServer, Client } = require('../lib/server');
const { makePng, imageSize } = require('../lib/png');

const MiB = 1024 * 1024;
const VILLAGE = '330681109290'; // 枫源村
let srv;
const users = {};
test.before(async () => {
  srv = await startServer({ cases: false });
  for (const u of ['fengyuan.mediator', 'fengqiao.handler', 'zhuji.analyst', 'shangyu.mediator']) {
    users[u] = new Client(srv.base);
    await users[u].login(u);
  }
});
test.after(async () => { await srv.stop(); });

let seq = 0;
async function create(who = 'fengyuan.mediator') {
  seq++;
  const r = await users[who].post('/api/cases', {
    title: `宅基地边界纠纷${seq}`, description: '两户宅基地边界不清，围墙位置发生争议，双方多次争吵。',
    category: 'housing_land', channel: 'walk_in', region: VILLAGE, location: { address: '枫源村5组' },
    parties: [{ role: 'applicant', name: '骆建华', phone: `1390002${String(seq).padStart(4, '0')}` }],
  });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

// The raw answer (bytes) of a request with who's session.
async function raw(who, method, p, body, headers = {}) {
  const h = { ...headers };
  const c = who && users[who];
  if (c) { h.cookie = c.cookie; if (method !== 'GET') h['x-csrf-token'] = c.csrf; }
  const r = await fetch(srv.base + p, { method, headers: h, body });
  const buf = Buffer.from(await r.arrayBuffer());
  let json = null;
  try { json = JSON.parse(buf.toString('utf8')); } catch (_) { /* bytes */ }
  return { status: r.status, headers: r.headers, body: buf, json };
}
const upload = (who, id, bytes, name, type = 'application/octet-stream') =>
  raw(who, 'POST', `/api/cases/${id}/attachments?name=${encodeURIComponent(name)}`, bytes, { 'content-type': type });
const sha = (b) => crypto.createHash('sha256').update(b).digest('hex');

function sql(q) {
  return (process.env.FQ_TEST_PG
    ? execFileSync('psql', [srv.db, '-tAc', q], { encoding: 'utf8' })
    : execFileSync('sqlite3', ['-cmd', '.timeout 5000', srv.db, q], { encoding: 'utf8' })).trim();
}
const auditCount = (action, caseId) =>
  Number(sql(`SELECT count(*) FROM audit_log WHERE action = '${action}' AND entity_id = '${caseId}'`));

test('a photo on a case: stored with its SHA-256, a JPEG thumbnail, a safe download; reads audited; the timeline names it', async () => {
  const c = await create();
  const png = makePng(1200, 800);
  const r = await upload('fengyuan.mediator', c.id, png, '现场照片.jpg', 'image/jpeg');
  assert.equal(r.status, 201, r.body.toString());
  const a = r.json;
  assert.equal(a.sha256, sha(png));
  assert.equal(a.mime, 'image/png'); // by content, not by the name or the header
  assert.equal(a.name, '现场照片.png');
  assert.equal(a.size, png.length);
  assert.deepEqual([a.width, a.height, a.thumbnail, a.by_resident], [1200, 800, true, false]);
  assert.equal(auditCount('case.attachment_add', c.id), 1);

  const before = auditCount('case.attachment_read', c.id);
  const list = await raw('fengyuan.mediator', 'GET', `/api/cases/${c.id}/attachments`);
  assert.equal(list.status, 200);
  assert.deepEqual(list.json.items.map((x) => [x.id, x.sha256, x.name]), [[a.id, a.sha256, a.name]]);
  assert.equal(list.json.items[0].thumbnail_href, `/api/cases/${c.id}/attachments/${a.id}/thumbnail`);

  const th = await raw('fengyuan.mediator', 'GET', a.thumbnail_href);
  assert.equal(th.status, 200);
  assert.equal(th.headers.get('content-type'), 'image/jpeg');
  assert.deepEqual([...th.body.subarray(0, 3)], [0xff, 0xd8, 0xff]);
  assert.deepEqual(imageSize(th.body), { width: 320, height: 213 });
  assert.ok(th.body.length < 64 * 1024, `thumbnail of ${th.body.length} bytes`);

  const dl = await raw('fengyuan.mediator', 'GET', a.href);
  assert.equal(dl.status, 200);
  assert.equal(sha(dl.body), a.sha256);
  assert.equal(dl.headers.get('content-type'), 'image/png');
  assert.equal(dl.headers.get('x-content-type-options'), 'nosniff');
  assert.match(dl.headers.get('content-disposition'),
    new RegExp(`^attachment; filename="attachment-${a.id}\\.png"; filename\\*=UTF-8''${encodeURIComponent('现场照片.png')}$`));
  assert.match(dl.headers.get('content-security-policy'), /sandbox/);
  assert.equal(auditCount('case.attachment_read', c.id), before + 3, 'list, thumbnail and download each audited');

  // a JPEG (the thumbnail itself) is taken and thumbnailed too
  const j = await upload('fengqiao.handler', c.id, th.body, 'thumb');
  assert.equal(j.status, 201, j.body.toString());
  assert.deepEqual([j.json.mime, j.json.name, j.json.width, j.json.thumbnail], ['image/jpeg', 'thumb.jpg', 320, true]);

  // the timeline says what was added, never the bytes
  const tl = await users['fengyuan.mediator'].get(`/api/cases/${c.id}/timeline`);
  const added = tl.json.items.filter((e) => e.action === 'attachment_added');
  assert.equal(added.length, 2);
  assert.equal(added[0].detail.name, '现场照片.png');
  assert.equal(added[0].detail.size, png.length);
  assert.equal(added[0].detail.sha256, a.sha256);
  assert.ok(tl.text.length < 20000 && !tl.text.includes(png.subarray(16, 40).toString('base64')));
});

test('the type is judged by content: HTML called photo.jpg, a script, a ZIP and an empty file are refused', async () => {
  const c = await create();
  const html = Buffer.from('<!DOCTYPE html><html><script>alert(document.cookie)</script></html>');
  const r = await upload('fengyuan.mediator', c.id, html, 'photo.jpg', 'image/jpeg');
  assert.equal(r.status, 415);
  assert.equal(r.json.error.code, 'attachment_type');
  assert.equal(r.json.error.field, 'file');
  for (const bytes of [Buffer.from('#!/bin/sh\nrm -rf /\n'), Buffer.from('PK\x03\x04\x14\0\0\0\x08\0rest', 'latin1')]) {
    const x = await upload('fengyuan.mediator', c.id, bytes, 'x.pdf', 'application/pdf');
    assert.equal(x.status, 415);
  }
  const empty = await upload('fengyuan.mediator', c.id, Buffer.alloc(0), 'x.png');
  assert.equal(empty.status, 400);
  assert.equal(empty.json.error.code, 'attachment_empty');
  // a picture whose header claims 100000 x 100000 pixels: refused before decoding
  const bomb = makePng(2, 2);
  bomb.writeUInt32BE(100000, 16);
  bomb.writeUInt32BE(100000, 20);
  const b = await upload('fengyuan.mediator', c.id, bomb, 'bomb.png');
  assert.equal(b.status, 413);
  assert.equal(b.json.error.code, 'attachment_pixels');
  const list = await users['fengyuan.mediator'].get(`/api/cases/${c.id}/attachments`);
  assert.deepEqual(list.json.items, []);
});

test('10 MiB a file on the upload route; every other route keeps 1 MiB', async () => {
  const c = await create();
  const pdf = Buffer.alloc(10 * MiB, 0x20);
  pdf.write('%PDF-1.4\n', 0, 'latin1');
  const ok = await upload('fengyuan.mediator', c.id, pdf, '调解协议书.pdf');
  assert.equal(ok.status, 201, ok.body.toString().slice(0, 200));
  assert.deepEqual([ok.json.mime, ok.json.size, ok.json.thumbnail, ok.json.sha256], ['application/pdf', 10 * MiB, false, sha(pdf)]);
  const big = Buffer.alloc(10 * MiB + 1, 0x20);
  big.write('%PDF-1.4\n', 0, 'latin1');
  const over = await upload('fengyuan.mediator', c.id, big, 'big.pdf');
  assert.equal(over.status, 413);
  assert.equal(over.json.error.code, 'attachment_too_large');
  // past the route's body limit the length is refused from the header
  const sock = net.connect(srv.port, '127.0.0.1');
  await new Promise((res) => sock.on('connect', res));
  const answer = new Promise((res) => { let b = ''; sock.on('data', (d) => { b += d; if (b.includes('\r\n\r\n')) res(b); }); });
  sock.on('error', () => {});
  sock.write(`POST /api/cases/${c.id}/attachments?name=huge.pdf HTTP/1.1\r\nHost: x\r\nCookie: ${users['fengyuan.mediator'].cookie}\r\n` +
    `Content-Length: ${11 * MiB}\r\n\r\n%PDF-1.4\n`);
  assert.match(await answer, /^HTTP\/1\.1 413/);
  sock.destroy();
  // a 2 MiB JSON to another route is still refused
  const json = JSON.stringify({ title: 'x', description: 'a'.repeat(2 * MiB) });
  const r = await raw('fengyuan.mediator', 'POST', '/api/cases', json, { 'content-type': 'application/json' });
  assert.equal(r.status, 413);
  assert.equal(r.json.error.code, 'body_too_large');
  // and a 2 MiB body to a case's other POST route
  const act = await raw('fengyuan.mediator', 'POST', `/api/cases/${c.id}/actions`, json, { 'content-type': 'application/json' });
  assert.equal(act.status, 413);
});

test('outside the caller\'s scope every attachment route is 404; in scope without a case-work role 403', async () => {
  const c = await create();
  const a = (await upload('fengyuan.mediator', c.id, makePng(40, 30, 2), 'p.png')).json;
  const before = auditCount('case.attachment_read', c.id);
  for (const p of [`/api/cases/${c.id}/attachments`, a.href, a.thumbnail_href]) {
    const r = await raw('shangyu.mediator', 'GET', p);
    assert.equal(r.status, 404, p);
    assert.equal(r.json.error.code, 'not_found');
  }
  const up = await upload('shangyu.mediator', c.id, makePng(40, 30, 3), 'p.png');
  assert.equal(up.status, 404);
  const an = await raw('zhuji.analyst', 'GET', `/api/cases/${c.id}/attachments`);
  assert.equal(an.status, 403);
  // another case's attachment id under this case is not found
  const other = await create();
  const cross = await raw('fengyuan.mediator', 'GET', `/api/cases/${other.id}/attachments/${a.id}`);
  assert.equal(cross.status, 404);
  assert.equal(auditCount('case.attachment_read', c.id), before, 'refused reads leave no read entry');
  const anon = await raw(null, 'GET', `/api/cases/${c.id}/attachments`);
  assert.equal(anon.status, 401);
});

test('a resident adds up to 3 photos with the tracking code and secret, and reads back only those', async () => {
  const pub = new Client(srv.base);
  const f = await pub.post('/api/public/cases', {
    title: '邻居装修噪音', description: '楼上邻居每天晚上十点后还在装修，多次沟通无果。',
    category: 'neighbour', region: VILLAGE, name: '王小明', phone: '13700000077',
  });
  assert.equal(f.status, 201, f.text);
  const base = `/api/public/cases/${encodeURIComponent(f.json.tracking_code)}/attachments`;
  const put = (bytes, name, secret = f.json.secret) =>
    raw(null, 'POST', `${base}?name=${encodeURIComponent(name)}`, bytes, { 'x-tracking-secret': secret, 'content-type': 'image/png' });
  const wrong = await put(makePng(30, 20, 9), 'a.png', 'not-the-secret-at-all');
  assert.equal(wrong.status, 404);
  const pdf = await put(Buffer.from('%PDF-1.4\n1 0 obj\n'), 'a.pdf');
  assert.equal(pdf.status, 415);
  assert.equal(pdf.json.error.code, 'attachment_type');
  const got = [];
  for (let i = 0; i < 3; i++) {
    const r = await put(makePng(60, 40, 10 + i), `照片${i + 1}.png`);
    assert.equal(r.status, 201, r.body.toString());
    assert.equal(r.json.by_resident, true);
    got.push(r.json);
  }
  const fourth = await put(makePng(60, 40, 20), '照片4.png');
  assert.equal(fourth.status, 409);
  assert.equal(fourth.json.error.code, 'attachment_limit');
  // the PIN opens them too
  const list = await raw(null, 'GET', base, undefined, { 'x-tracking-secret': f.json.pin });
  assert.equal(list.status, 200);
  assert.deepEqual(list.json.items.map((x) => x.id), got.map((x) => x.id));
  const th = await raw(null, 'GET', list.json.items[0].thumbnail_href, undefined, { 'x-tracking-secret': f.json.secret });
  assert.equal(th.status, 200);
  assert.equal(th.headers.get('content-type'), 'image/jpeg');
  const nothing = await raw(null, 'GET', list.json.items[0].thumbnail_href);
  assert.equal(nothing.status, 404);
  // staff see them as the resident's; a staff file is not the resident's to read
  const id = Number(sql(`SELECT id FROM cases WHERE tracking_code = '${f.json.tracking_code}'`));
  assert.equal(auditCount('case.attachment_read', id), 2);
  const staff = await users['fengyuan.mediator'].get(`/api/cases/${id}/attachments`);
  assert.equal(staff.status, 200, staff.text);
  assert.deepEqual(staff.json.items.map((x) => [x.by_resident, x.added_by]), [[true, 'public'], [true, 'public'], [true, 'public']]);
  const mine = await upload('fengyuan.mediator', id, makePng(50, 50, 30), 'staff.png');
  assert.equal(mine.status, 201);
  const peek = await raw(null, 'GET', `${base}/${mine.json.id}`, undefined, { 'x-tracking-secret': f.json.secret });
  assert.equal(peek.status, 404);
});

test('a case holds at most 100 files; the same file twice is kept once', async () => {
  const c = await create();
  const pdf = Buffer.from('%PDF-1.4\n% the same signed paper, scanned again\n');
  for (let i = 0; i < 100; i++) {
    const r = await upload('fengyuan.mediator', c.id, pdf, `协议${i}.pdf`);
    assert.equal(r.status, 201, `upload ${i}: ${r.body.toString()}`);
  }
  const over = await upload('fengyuan.mediator', c.id, pdf, '协议100.pdf');
  assert.equal(over.status, 409);
  assert.equal(over.json.error.code, 'attachment_limit');
  assert.equal(Number(sql(`SELECT count(*) FROM attachments WHERE case_id = ${c.id}`)), 100);
  assert.equal(Number(sql(`SELECT count(*) FROM attachment_files WHERE sha256 = '${sha(pdf)}'`)), 1);
});
