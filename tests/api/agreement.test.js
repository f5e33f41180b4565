// agreement.test.js - issue 14, the agreement (调解协议书) of a mediation:
// the draft from the room's accepted offer (人民调解法 art. 29), signing
// bound to the text's SHA-256 (电子签名法 art. 13: a changed text after one
// signature voids it), the wet-signature path (art. 3), oral agreements
// (arts. 28, 30), the PDFs, the public /verify/{code} (nothing of the
// content), judicial confirmation with its 30-day clock and day-20 reminder
// (art. 33; 民事诉讼法 arts. 205-206), rulings, performance and its alerts,
// and the headline figures. Runs on SQLite and PostgreSQL; every listener
// is on 127.0.0.1 and started by this file.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const http = require('node:http');
const crypto = require('node:crypto');
const { execFileSync } = require('node:child_process');
const { startServer, Client } = require('../lib/server');

const VILLAGE = '330681109290';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let srv; let gateway; const got = [];
const users = {};

function sql(text) {
  return srv.db.startsWith('postgres')
    ? execFileSync('psql', [srv.db, '-AtF', '\t', '-c', text], { encoding: 'utf8' })
    : execFileSync('sqlite3', ['-cmd', '.timeout 5000', '-separator', '\t', srv.db, text], { encoding: 'utf8' });
}
const one = (text) => sql(text).trim().split('\n')[0];

async function waitFor(pred, ms, what) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const v = await pred();
    if (v) return v;
    await sleep(200);
  }
  assert.fail('timed out waiting for ' + what);
}

const today = () => Math.floor((Date.now() / 1000 + 8 * 3600) / 86400); // Beijing day
const dayStr = (d) => new Date(d * 86400000).toISOString().slice(0, 10);

test.before(async () => {
  gateway = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => { got.push({ headers: req.headers, text: body, body: JSON.parse(body) }); res.writeHead(200); res.end('ok'); });
  });
  await new Promise((r) => gateway.listen(0, '127.0.0.1', r));
  const port = gateway.address().port;
  const cfg = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'fq-agreement-')), 'config.json');
  fs.writeFileSync(cfg, JSON.stringify({ webhook_allow: [`127.0.0.1:${port}`] }));
  // the deadline scans every second instead of every 30 (FENGQIAO_SCAN_INTERVAL)
  srv = await startServer({ args: ['--config', cfg], env: { FENGQIAO_SCAN_INTERVAL: '1' } });
  for (const u of ['admin', 'fengyuan.mediator', 'fengyuan.grid', 'leshan.mediator']) {
    users[u] = new Client(srv.base);
    await users[u].login(u);
  }
  const r = await users.admin.post('/api/webhooks', {
    url: `http://127.0.0.1:${port}/sms`, events: ['agreement.reminder', 'mediation.code_requested', 'user.notified'],
  });
  assert.equal(r.status, 201, r.text);
});

test.after(async () => {
  if (srv) await srv.stop();
  if (gateway) { gateway.closeAllConnections(); gateway.close(); }
});

const med = () => users['fengyuan.mediator'];

// A case at the village with a mediation of two verified parties, each with
// a room token, and (unless offer is false) an accepted offer of two terms.
async function mediation(title, { offer = true } = {}) {
  const r = await med().post('/api/cases', {
    title, description: title + '，请调解', category: 'labour', region: VILLAGE,
    parties: [{ role: 'applicant', name: '骆建华', phone: '13900001111' },
      { role: 'respondent', name: '楼小红', phone: '13900002222' }],
  });
  assert.equal(r.status, 201, r.text);
  const now = Math.floor(Date.now() / 1000);
  const mid = one(`INSERT INTO mediations (case_id, unit_region, status, mediator, created_at) VALUES (${r.json.id}, '${VILLAGE}', 'active', 'fengyuan.mediator', ${now}) RETURNING id`);
  const parties = [];
  for (const [role, name, phone, sex, age] of [['applicant', '骆建华', '13900001111', 'male', 46], ['respondent', '楼小红', '13900002222', 'female', 39]]) {
    const token = crypto.randomBytes(16).toString('hex');
    const hash = crypto.createHash('sha256').update(token).digest('hex');
    const id = one(`INSERT INTO mediation_parties (mediation_id, role, name, phone, sex, age, address, link_hash, verified_at) VALUES (${mid}, '${role}', '${name}', '${phone}', '${sex}', ${age}, '枫源村', '${hash}', ${now}) RETURNING id`);
    parties.push({ id: Number(id), token, name });
  }
  if (offer) {
    const terms = JSON.stringify([
      { what: '支付拖欠的劳动报酬', amount: 8000, due: dayStr(today() + 10), how: '银行转账' },
      { what: '支付剩余劳动报酬', amount: 4000, due: dayStr(today() + 40), how: '银行转账' },
    ]);
    sql(`INSERT INTO mediation_offers (mediation_id, version, terms, status, answered_at, created_at) VALUES (${mid}, 1, '${terms}', 'accepted', ${now}, ${now})`);
  }
  return { caseId: r.json.id, id: Number(mid), parties };
}

const draftBody = {
  kind: 'wages',
  facts: '申请人于2026年在被申请人处务工，被拖欠劳动报酬12000元。',
  liability: '被申请人应按约支付劳动报酬。',
};

async function draft(m, body = draftBody) {
  const r = await med().post(`/api/v1/mediations/${m.id}/agreement`, body);
  assert.equal(r.status, 200, r.text);
  return r.json;
}

// The signing code the room texts to a party, read from the SMS gateway.
async function signCode(m, p, hash) {
  const before = got.length;
  const r = await new Client(srv.base).post(`/api/v1/room/${p.token}/agreement/code`, { hash });
  assert.equal(r.status, 202, r.text);
  const msg = await waitFor(() => got.slice(before).find((g) => JSON.stringify(g.body).includes('"sign"')), 10000, 'the signing code');
  return String(msg.body.code);
}

async function partySigns(m, p, hash) {
  const code = await signCode(m, p, hash);
  return new Client(srv.base).post(`/api/v1/room/${p.token}/agreement/sign`, { hash, code });
}

// A PDF's bytes (fetch, not the JSON client) and its text without spaces.
async function pdfOf(url) {
  const r = await fetch(srv.base + url, { headers: { cookie: med().cookie } });
  const body = Buffer.from(await r.arrayBuffer());
  return { status: r.status, type: r.headers.get('content-type'), body };
}
const pdfText = (buf) => execFileSync('pdftotext', ['-enc', 'UTF-8', '-', '-'], { input: buf, encoding: 'utf8' }).replace(/\s+/g, '');

async function staffSigns(m, as, hash) {
  const r = await med().post(`/api/v1/mediations/${m.id}/agreement/sign`, { as, hash });
  assert.equal(r.status, 200, r.text);
  return r.json;
}

async function signAll(m, a) {
  for (const p of m.parties) assert.equal((await partySigns(m, p, a.hash)).status, 200);
  await staffSigns(m, 'mediator', a.hash);
  return staffSigns(m, 'seal', a.hash);
}

// An agreement put in effect by its wet-signed scan (the tests of what
// follows need one in effect, however it was signed).
async function effective(m) {
  await draft(m);
  const sha = crypto.createHash('sha256').update(String(m.id)).digest('hex');
  const r = await med().post(`/api/v1/mediations/${m.id}/agreement/scan`, { sha256: sha, filename: 'scan.pdf' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, 'effective');
  return r.json;
}

test('the accepted offer becomes the draft, with art. 29 contents and its hash; scope is the case', async () => {
  const m = await mediation('协议测试：草稿');
  const a = await draft(m);
  assert.equal(a.status, 'draft');
  assert.match(a.hash, /^[0-9a-f]{64}$/);
  assert.match(a.code, /^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$/i);
  assert.equal(a.document.terms.length, 2);
  assert.equal(a.document.terms[0].amount, 800000, 'yuan of the offer become fen');
  assert.equal(a.document.parties.length, 2);
  assert.equal(a.document.parties[0].sex, 'male');
  assert.equal(a.document.committee, '枫源村人民调解委员会');
  assert.equal(a.signed.parties, 0);
  assert.equal((await med().post(`/api/v1/mediations/${m.id}/agreement`, draftBody)).json.error.code, 'agreement_exists');
  // another township's mediator sees nothing
  assert.equal((await users['leshan.mediator'].get(`/api/v1/mediations/${m.id}/agreement`)).status, 404);
  // no accepted offer and no terms: 409
  const m2 = await mediation('协议测试：无方案', { offer: false });
  const r = await med().post(`/api/v1/mediations/${m2.id}/agreement`, draftBody);
  assert.equal(r.status, 409);
  assert.equal(r.json.error.code, 'no_accepted_offer');
});

test('signing: a change after one signature voids it; all, the mediator and the seal make it effective', async () => {
  const m = await mediation('协议测试：签署');
  // the room says whether it has an agreement (its pages ask for it only then)
  assert.equal((await med().get(`/api/v1/mediations/${m.id}`)).json.agreement, null);
  let a = await draft(m);
  const said = (await med().get(`/api/v1/mediations/${m.id}`)).json.agreement;
  assert.deepEqual(said, { id: a.id, status: a.status });
  const [p1, p2] = m.parties;
  assert.equal((await partySigns(m, p1, a.hash)).status, 200);
  a = (await med().get(`/api/v1/mediations/${m.id}/agreement`)).json;
  assert.equal(a.signed.parties, 1);
  // the mediator changes a term after the first signature
  const old = a.hash;
  const terms = a.document.terms.map((t) => ({ ...t }));
  terms[0].amount = 700000;
  const r = await med().req('PUT', `/api/v1/mediations/${m.id}/agreement`, { terms });
  assert.equal(r.status, 200, r.text);
  a = r.json;
  assert.notEqual(a.hash, old);
  assert.equal(a.signed.parties, 0, 'the signature on the old text no longer counts');
  assert.ok(a.signatures.every((s) => s.valid));
  // signing the old text is refused; a code for the old text is refused too
  const stale = await new Client(srv.base).post(`/api/v1/room/${p2.token}/agreement/code`, { hash: old });
  assert.equal(stale.status, 409);
  assert.equal(stale.json.error.code, 'document_changed');
  const oldCode = await signCode(m, p2, a.hash);
  await med().req('PUT', `/api/v1/mediations/${m.id}/agreement`, { liability: '被申请人承担全部责任。' });
  const cur = (await med().get(`/api/v1/mediations/${m.id}/agreement`)).json;
  const bad = await new Client(srv.base).post(`/api/v1/room/${p2.token}/agreement/sign`, { hash: cur.hash, code: oldCode });
  assert.equal(bad.status >= 400 && bad.status < 500, true, 'a code bound to another text fails');
  // everyone on the current text
  a = await signAll(m, cur);
  assert.equal(a.status, 'effective');
  // the room's work is done: the mediation ends with the agreement
  const room = (await med().get(`/api/v1/mediations/${m.id}`)).json;
  assert.equal(room.status, 'ended');
  assert.equal(room.end_reason, 'agreement');
  assert.ok(a.effective_at > 0);
  assert.equal(a.court.apply_due.length, 10);
  // nothing is signed or changed after it takes effect
  assert.equal((await med().req('PUT', `/api/v1/mediations/${m.id}/agreement`, { facts: 'x' })).json.error.code, 'agreement_in_effect');
  // the room hears of each change (ids and states, never the text)
  const ev = await new Client(srv.base).get(`/api/v1/room/${p1.token}/events`);
  assert.equal(ev.status, 200, ev.text);
  const agr = ev.json.items.filter((x) => x.kind === 'agreement');
  assert.ok(agr.length >= 4, 'an event per change');
  assert.ok(agr.some((x) => JSON.stringify(x).includes('"effective"')));
  assert.ok(!ev.text.includes('被申请人承担全部责任'), 'no agreement text in the room events');
  // a party reads their own agreement through their room, not another's
  const mine = await new Client(srv.base).get(`/api/v1/room/${p1.token}/agreement`);
  assert.equal(mine.status, 200);
  assert.equal(mine.json.id, a.id);
  assert.deepEqual(mine.json.me, { party_id: p1.id, signed: true });
  assert.equal((await new Client(srv.base).get('/api/v1/room/nope/agreement')).status, 404);
});

test('a wrong signing code is counted: five wrong tries spend the code, even the right one then fails', async () => {
  const m = await mediation('协议测试：签署码');
  const a = await draft(m);
  const p = m.parties[0];
  const code = await signCode(m, p, a.hash);
  const wrong = code === '000000' ? '111111' : '000000';
  const party = new Client(srv.base);
  for (let i = 0; i < 5; i++) {
    const r = await party.post(`/api/v1/room/${p.token}/agreement/sign`, { hash: a.hash, code: wrong });
    assert.equal(r.status, 403, r.text);
    assert.equal(r.json.error.code, 'code_wrong');
  }
  // each wrong try was kept although it was answered as an error
  const tries = one(`SELECT attempts FROM mediation_codes WHERE party_id = ${p.id} AND purpose = 'sign' ORDER BY id DESC LIMIT 1`);
  assert.equal(Number(tries), 5);
  const late = await party.post(`/api/v1/room/${p.token}/agreement/sign`, { hash: a.hash, code });
  assert.equal(late.status, 410, late.text);
  assert.equal(late.json.error.code, 'code_expired');
  const now = (await med().get(`/api/v1/mediations/${m.id}/agreement`)).json;
  assert.equal(now.signed.parties, 0, 'nothing was signed');
});

test('verify shows existence and masked signers, never content; the PDF carries hash and code', async () => {
  const m = await mediation('协议测试：核验');
  const a = await signAll(m, await draft(m));
  const v = await new Client(srv.base).get(`/api/v1/verify/${a.code}?hash=${a.hash}`);
  assert.equal(v.status, 200, v.text);
  assert.equal(v.json.exists, true);
  assert.equal(v.json.matches, true);
  assert.equal(v.json.status, 'effective');
  const names = v.json.signatures.map((s) => s.name);
  assert.ok(names.includes('骆**') || names.includes('骆*'), names.join());
  assert.ok(!v.text.includes('骆建华') && !v.text.includes('劳动报酬') && !v.text.includes('银行转账'), 'no content');
  const other = await new Client(srv.base).get(`/api/v1/verify/${a.code}?hash=${'0'.repeat(64)}`);
  assert.equal(other.json.matches, false);
  const none = await new Client(srv.base).get('/api/v1/verify/ZZZZ-ZZZZ-ZZZZ');
  assert.equal(none.status, 200, none.text);
  assert.deepEqual(none.json, { code: 'ZZZZ-ZZZZ-ZZZZ', exists: false });

  const pdf = await pdfOf(`/api/v1/mediations/${m.id}/agreement.pdf`);
  assert.equal(pdf.status, 200);
  assert.match(pdf.type, /application\/pdf/);
  const text = pdfText(pdf.body);
  assert.ok(text.includes(a.hash), 'the hash is printed');
  assert.ok(text.includes(a.code), 'the code is printed');
  assert.ok(text.includes('人民调解委员会存档') && text.includes('当事人骆建华执'), 'archive copy and one per party');
  assert.ok(Number(one(`SELECT count(*) FROM audit_log WHERE action = 'agreement.printed'`)) >= 1, 'the download is audited');
});

test('inheritance is signed by hand: no online code; the scan comes back and it takes effect', async () => {
  const m = await mediation('协议测试：继承');
  const a = await draft(m, { ...draftBody, kind: 'family_support', matters: ['inheritance'] });
  assert.equal(a.esign_allowed, false);
  assert.equal(a.signing, 'wet');
  const r = await new Client(srv.base).post(`/api/v1/room/${m.parties[0].token}/agreement/code`, { hash: a.hash });
  assert.equal(r.status, 409);
  assert.equal(r.json.error.code, 'esign_not_allowed');
  const wet = await pdfOf(`/api/v1/mediations/${m.id}/agreement.pdf`);
  assert.equal(wet.status, 200);
  assert.ok(pdfText(wet.body).includes('签名并按指印'), 'printed for wet signatures and fingerprints');
  const bad = await med().post(`/api/v1/mediations/${m.id}/agreement/scan`, { sha256: 'x', filename: 'scan.pdf' });
  assert.equal(bad.status, 400);
  const sha = crypto.createHash('sha256').update('scan').digest('hex');
  const s = await med().post(`/api/v1/mediations/${m.id}/agreement/scan`, { sha256: sha, filename: '协议书扫描件.pdf' });
  assert.equal(s.status, 200, s.text);
  assert.equal(s.json.status, 'effective');
  assert.equal(s.json.scan.sha256, sha);
  assert.ok(s.json.signatures.filter((x) => x.kind === 'party').every((x) => x.method === 'wet'));
  // marriage/parentage/adoption or ownership: a warning about confirmation
  const m2 = await mediation('协议测试：确权');
  const b = await draft(m2, { ...draftBody, kind: 'land', matters: ['ownership'] });
  assert.equal(b.confirmable, false);
  assert.equal(b.confirm_warning, 'ownership');
});

test('an oral agreement is recorded by the mediator and effective that day; it does not go to court', async () => {
  const m = await mediation('协议测试：口头');
  const r = await med().post(`/api/v1/mediations/${m.id}/agreement/oral`, draftBody);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.oral, true);
  assert.equal(r.json.status, 'effective');
  assert.equal(r.json.signatures.length, 0);
  assert.equal(r.json.open_terms, 2);
  const room = (await med().get(`/api/v1/mediations/${m.id}`)).json;
  assert.deepEqual([room.status, room.end_reason], ['ended', 'oral_agreement']);
  const c = await med().post(`/api/v1/mediations/${m.id}/agreement/court`, { step: 'file' });
  assert.equal(c.status, 409);
  assert.equal(c.json.error.code, 'agreement_not_effective');
  // an oral record needs the contents too
  const m2 = await mediation('协议测试：口头缺项');
  const bad = await med().post(`/api/v1/mediations/${m2.id}/agreement/oral`, { kind: 'wages', facts: '事实' });
  assert.equal(bad.status, 400);
  assert.equal(bad.json.error.field, 'liability');
});

test('judicial confirmation: filing within 30 days, acceptance, one extension, ruling with reason; late is refused', async () => {
  const m = await mediation('协议测试：司法确认');
  const a = await effective(m);
  const app = await pdfOf(`/api/v1/mediations/${m.id}/agreement/application.pdf`);
  assert.equal(app.status, 200);
  assert.ok(pdfText(app.body).includes('浙江省诸暨市人民法院'), 'the application names the court');
  const step = (body) => med().post(`/api/v1/mediations/${m.id}/agreement/court`, body);
  assert.equal((await step({ step: 'accept' })).json.error.code, 'invalid_transition');
  let r = await step({ step: 'file' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.court.status, 'filed');
  assert.equal(r.json.court.court, '浙江省诸暨市人民法院');
  assert.ok(r.json.court.accept_due);
  r = await step({ step: 'accept' });
  assert.equal(r.json.court.status, 'accepted');
  const due15 = r.json.court.ruling_due;
  r = await step({ step: 'extend' });
  assert.ok(r.json.court.ruling_due > due15, 'extended by 10 days');
  assert.equal((await step({ step: 'extend' })).json.error.code, 'extension_used');
  const noReason = await step({ step: 'reject' });
  assert.equal(noReason.status, 400);
  assert.equal(noReason.json.error.field, 'reason');
  r = await step({ step: 'reject', reason: '调解协议内容不明确，无法确认' });
  assert.equal(r.json.court.status, 'rejected');
  assert.equal(r.json.court.reason, '调解协议内容不明确，无法确认');

  // 31 days after effect: the application is late
  const m2 = await mediation('协议测试：逾期申请');
  const b = await effective(m2);
  sql(`UPDATE agreements SET effective_day = ${today() - 31} WHERE id = ${b.id}`);
  const late = await med().post(`/api/v1/mediations/${m2.id}/agreement/court`, { step: 'file' });
  assert.equal(late.status, 409);
  assert.equal(late.json.error.code, 'application_late');
  const v = (await med().get(`/api/v1/mediations/${m2.id}/agreement`)).json;
  assert.equal(v.court.late, true);
  assert.ok(a.id !== b.id);
});

test('day 20 with no application: both parties texted (ids and phones only), the mediator told in-app, once', async () => {
  const m = await mediation('协议测试：二十日提醒');
  const a = await effective(m);
  const before = got.length;
  sql(`UPDATE agreements SET effective_day = ${today() - 20} WHERE id = ${a.id}`);
  const msg = await waitFor(() => got.slice(before).find((g) => g.body.event === 'agreement.reminder' && g.body.agreement.id === a.id), 45000, 'the day-20 text');
  assert.deepEqual(msg.body.notify.map((n) => n.phone).sort(), ['13900001111', '13900002222']);
  assert.ok(!msg.text.includes('劳动报酬') && !msg.text.includes('骆建华'), 'no content in the webhook');
  const n = await waitFor(async () => (await med().get('/api/notifications')).json.items.find((x) => x.case_id === m.caseId && x.kind === 'agreement_apply_reminder'), 10000, 'the in-app reminder');
  assert.ok(n.due);
  // the parties see it in their room
  const ev = await new Client(srv.base).get(`/api/v1/room/${m.parties[1].token}/events`);
  assert.ok(ev.json.items.some((x) => x.kind === 'agreement.reminder'), 'in-app, in the room');
  await sleep(3000); // three more scans: no second reminder
  assert.equal(got.filter((g) => g.body.event === 'agreement.reminder' && g.body.agreement.id === a.id).length, 1);
});

test('performance: each term recorded; an overdue term alerts the mediator and offers the next step', async () => {
  const m = await mediation('协议测试：履行');
  const a = await effective(m);
  assert.equal(a.open_terms, 2);
  const grid = users['fengyuan.grid'];
  let r = await grid.post(`/api/v1/mediations/${m.id}/agreement/perform`, { term: 0, note: '已转账' });
  assert.equal(r.status, 200, r.text);
  assert.ok(r.json.terms[0].performed_at > 0);
  assert.equal(r.json.open_terms, 1);
  assert.equal((await grid.post(`/api/v1/mediations/${m.id}/agreement/perform`, { term: 0 })).status, 409);
  assert.equal((await grid.post(`/api/v1/mediations/${m.id}/agreement/perform`, { term: 9 })).status, 400);
  // the second term falls due unperformed
  sql(`UPDATE agreement_terms SET due_at = ${Math.floor(Date.now() / 1000) - 60} WHERE agreement_id = ${a.id} AND idx = 1`);
  const n = await waitFor(async () => (await med().get('/api/notifications')).json.items.find((x) => x.case_id === m.caseId && x.kind === 'agreement_term_overdue'), 45000, 'the overdue alert');
  assert.match(n.note, /litigation/);
  // and the grid worker of the village, who follows performance
  await waitFor(async () => (await grid.get('/api/notifications')).json.items.find((x) => x.case_id === m.caseId && x.kind === 'agreement_term_overdue'), 10000, 'the grid worker alerted');
  r = await med().get(`/api/v1/mediations/${m.id}/agreement`);
  assert.equal(r.json.terms[1].overdue, true);
  assert.equal(r.json.next_step, 'litigation', 'not confirmed: a suit on the agreement (art. 32)');
  assert.equal(r.json.open_terms, 1, 'the case stays open until every term is performed');
});

test('the case is not closed while a term is unperformed; once all are, it closes', async () => {
  const m = await mediation('协议测试：结案');
  await effective(m);
  const act = async (who, body, status = 200) => {
    const r = await users[who].post(`/api/cases/${m.caseId}/actions`, body);
    assert.equal(r.status, status, `${body.action}: ${r.text}`);
    return r.json;
  };
  await act('fengyuan.mediator', { action: 'accept' });
  await act('fengyuan.mediator', { action: 'assign', handler: 'fengyuan.mediator' });
  await act('fengyuan.mediator', { action: 'start' });
  await act('fengyuan.mediator', { action: 'resolve', outcome: 'agreement', summary: '达成调解协议' });
  await act('fengyuan.grid', { action: 'follow_up', satisfaction: 'satisfied', confirmed_resolved: true });
  const refused = await act('fengyuan.mediator', { action: 'close' }, 409);
  assert.equal(refused.error.code, 'terms_open');
  for (const term of [0, 1]) {
    const r = await users['fengyuan.grid'].post(`/api/v1/mediations/${m.id}/agreement/perform`, { term });
    assert.equal(r.status, 200, r.text);
  }
  assert.equal((await act('fengyuan.mediator', { action: 'close' })).status, 'closed');
});

test('the dashboard shows the headline figures by region', async () => {
  const r = await med().get(`/api/stats/dashboard?region=${VILLAGE}`);
  assert.equal(r.status, 200, r.text);
  const f = r.json.mediation;
  assert.ok(f, 'mediation figures');
  assert.ok(f.agreements >= 1);
  assert.ok(f.mediations_agreed >= 1);
  assert.ok(f.success_rate > 0 && f.success_rate <= 1);
  assert.ok('on_time_rate' in f && 'confirmed_rate' in f);
});
