// psych.test.js - 心防, the psychological service (issue 19; docs/psych.md):
// the anonymous self-screening (nothing stored, crisis lines first when
// PHQ-9 item 9 > 0), keeping it under a code with a separate consent (a
// guardian's under 14), the person's trend, the wall (every psych route
// answers 404 to every role but the counsellor in charge and the person),
// encryption at rest (a raw read of the database finds no answer, score,
// note or contact), withdrawal (delete or lock), the alert rota with its
// 15-minute hand-on driven by the test clock (POST /api/v1/psych/test/tick,
// enabled by psych.test_clock), suppression of small counts with a
// complementary cell, a mediator's referral, and 503 without a key.
// Runs on SQLite, and PostgreSQL when FQ_TEST_PG is set.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const crypto = require('node:crypto');
const { execFileSync } = require('node:child_process');
const http = require('node:http');
const { startServer, Client, freePort } = require('../lib/server');

const ROTA = ['fengqiao.counsellor', 'zhuji.counsellor'];
const STAFF = ['admin', 'zhuji.analyst', 'fengqiao.handler', 'fengyuan.mediator', 'fengyuan.grid'];
const NOTE = '会谈记录NOTE-7f3a：来访者谈及家庭压力';
const PHONE = '13905551234';
let srv;
const u = {};
let anon;
const gateway = { got: [] };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test.before(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fq-psych-'));
  const key = path.join(dir, 'psych.key');
  fs.writeFileSync(key, crypto.randomBytes(32).toString('hex') + '\n', { mode: 0o600 });
  // the SMS gateway, a listener of this test's own on 127.0.0.1
  const port = await freePort();
  gateway.server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => { gateway.got.push(JSON.parse(body)); res.writeHead(200); res.end('ok'); });
  });
  await new Promise((r) => gateway.server.listen(port, '127.0.0.1', r));
  const cfg = path.join(dir, 'config.json');
  fs.writeFileSync(cfg, JSON.stringify({
    psych: { key_file: key, crisis_line: '0575-96525', rota: ROTA, hand_on_minutes: 15, test_clock: true },
    webhook_allow: [`127.0.0.1:${port}`],
  }));
  srv = await startServer({ cases: false, args: ['--config', cfg, '--public-burst', '1000'], env: { FENGQIAO_WEBHOOK_RETRY_BASE: '1' } });
  for (const name of [...STAFF, ...ROTA]) {
    u[name] = new Client(srv.base);
    await u[name].login(name);
  }
  anon = new Client(srv.base);
  const hook = await u.admin.post('/api/webhooks', { url: `http://127.0.0.1:${port}/sms`, events: ['psych.appointment_reminder'] });
  assert.equal(hook.status, 201, hook.text);
});
test.after(async () => {
  await srv.stop();
  gateway.server.closeAllConnections();
  gateway.server.close();
});

function sql(q) {
  return (process.env.FQ_TEST_PG
    ? execFileSync('psql', [srv.db, '-tAc', q], { encoding: 'utf8' })
    : execFileSync('sqlite3', ['-cmd', '.timeout 5000', srv.db, q], { encoding: 'utf8' })).trim();
}

const code = (c) => ({ 'x-psych-code': c });
const consent = (more = {}) => ({ store: true, purpose_told: true, effects_told: true, ...more });
const phq = (item9 = 0, rest = 1) => [rest, rest, rest, rest, rest, rest, rest, rest, item9];
const now = () => Math.floor(Date.now() / 1000);
const tick = (t) => anon.post('/api/v1/psych/test/tick', { now: t });

async function keep(body) {
  const r = await anon.post('/api/v1/psych/keep', body);
  assert.equal(r.status, 201, r.text);
  return r.json;
}

test('the self-screening scores as published, stores nothing, and shows the crisis lines first when item 9 > 0', async () => {
  const before = sql('SELECT COUNT(*) FROM psych_persons') + sql('SELECT COUNT(*) FROM psych_records');
  let r = await anon.post('/api/v1/psych/screen', { instrument: 'phq9', answers: phq(0, 1), item10: 2 });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.score, 8); // item 10 asked, not scored
  assert.equal(r.json.band, 'mild');
  assert.equal(r.json.positive, false);
  assert.equal(r.json.crisis, false);
  assert.equal(r.json.crisis_lines, undefined);
  assert.equal(r.json.kind, 'screening_result');
  r = await anon.post('/api/v1/psych/screen', { instrument: 'phq9', answers: phq(1, 0) });
  assert.equal(r.json.crisis, true);
  assert.deepEqual(r.json.crisis_lines, { national: '12356', local: '0575-96525', call_back: true });
  // the lines come before the score in the answer itself
  assert.ok(r.text.indexOf('12356') < r.text.indexOf('"score"'), r.text);
  r = await anon.post('/api/v1/psych/screen', { instrument: 'gad7', answers: [3, 3, 3, 1, 0, 0, 0] });
  assert.equal(r.json.score, 10);
  assert.equal(r.json.band, 'moderate');
  assert.equal(r.json.positive, true);
  for (const bad of [{ instrument: 'phq2', answers: [] }, { instrument: 'phq9', answers: [1, 2] },
    { instrument: 'phq9', answers: [0, 0, 0, 0, 4, 0, 0, 0, 0] }, { instrument: 'gad7', answers: [0, 0, 0, 0, 0, 0, 0], item10: 1 }]) {
    r = await anon.post('/api/v1/psych/screen', bad);
    assert.equal(r.status, 400, JSON.stringify(bad));
    assert.ok(r.json.error.code);
  }
  const after = sql('SELECT COUNT(*) FROM psych_persons') + sql('SELECT COUNT(*) FROM psych_records');
  assert.equal(after, before, 'a screening alone stores nothing');
});

test('keeping needs a separate consent with purpose and effects told, and a guardian under 14', async () => {
  const scr = { instrument: 'phq9', answers: phq(0, 1) };
  for (const c of [undefined, { store: true }, consent({ purpose_told: false }), consent({ under_14: true }),
    consent({ under_14: true, guardian: { name: '母亲', consent: false } })]) {
    const r = await anon.post('/api/v1/psych/keep', { consent: c, screening: scr });
    assert.equal(r.status, 400, r.text);
    assert.ok(['consent_required', 'required'].includes(r.json.error.code), r.text);
  }
  // a phone is kept only with the consent to be contacted on it
  const r = await anon.post('/api/v1/psych/keep', { consent: consent(), contact: { phone: '13905557777' }, screening: scr });
  assert.equal(r.status, 400, r.text);
  assert.equal(r.json.error.field, 'consent.contact');
  const k = await keep({ consent: consent({ under_14: true, guardian: { name: '母亲', consent: true } }), screening: scr });
  assert.match(k.code, /^[A-Z0-9]{12}$/);
  assert.equal(k.result.score, 8);
  const me = await anon.get('/api/v1/psych/me', code(k.code));
  assert.equal(me.status, 200, me.text);
  assert.equal(me.json.consent.guardian, '母亲');
  assert.equal(me.json.trend.length, 1);
});

test('the person sees their own trend; a rising or positive screen offers a counsellor', async () => {
  const k = await keep({ consent: consent(), screening: { instrument: 'phq9', answers: phq(0, 0) } });
  let me = await anon.get('/api/v1/psych/me', code(k.code));
  assert.equal(me.json.offer_counsellor, false);
  const r = await anon.post('/api/v1/psych/me/screenings', { instrument: 'phq9', answers: phq(0, 1) }, code(k.code));
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.alerted, false);
  me = await anon.get('/api/v1/psych/me', code(k.code));
  assert.deepEqual(me.json.trend.map((t) => t.score), [0, 8]);
  assert.equal(me.json.offer_counsellor, true); // rising
  // the code in lower case with dashes is the same code
  const loose = k.code.toLowerCase().replace(/(....)(....)/, '$1-$2-');
  assert.equal((await anon.get('/api/v1/psych/me', code(loose))).status, 200);
  // a wrong code is 404, as no code is
  assert.equal((await anon.get('/api/v1/psych/me', code('AAAAAAAAAAAA'))).status, 404);
  assert.equal((await anon.get('/api/v1/psych/me')).status, 404);
});

// a crisis screening with consent to contact: an alert on the rota
let phones = 0;
async function crisisPerson(phone = `1390555${String(2000 + ++phones)}`) {
  const k = await keep({ consent: consent({ contact: true }), contact: { name: '骆某', phone },
    screening: { instrument: 'phq9', answers: phq(2, 1) } });
  assert.equal(k.alerted, true);
  assert.equal(k.result.crisis, true);
  k.phone = phone;
  return k;
}

test('the rota: the counsellor on duty holds the alert; after 15 minutes unanswered it goes to the next; the one who acknowledges takes the person on', async () => {
  const t0 = now();
  const k = await crisisPerson(PHONE);
  const t1 = now();
  const held = async (who) => {
    const r = await u[who].get('/api/v1/psych/alerts');
    assert.equal(r.status, 200, r.text);
    return r.json.items.filter((a) => a.contact && a.contact.phone === PHONE && !a.acknowledged);
  };
  let first = await held(ROTA[0]);
  assert.equal(first.length, 1);
  assert.equal(first[0].kind, 'crisis');
  assert.equal((await held(ROTA[1])).length, 0);
  // 14 minutes: still the first
  let r = await tick(t0 + 14 * 60);
  assert.equal(r.status, 200, r.text);
  assert.equal((await held(ROTA[0])).length, 1);
  // 15 minutes: the next on the rota
  r = await tick(t1 + 15 * 60);
  assert.equal(r.status, 200, r.text);
  assert.ok(r.json.handed_on >= 1);
  assert.equal((await held(ROTA[0])).length, 0);
  const second = await held(ROTA[1]);
  assert.equal(second.length, 1);
  // the first may no longer acknowledge it
  r = await u[ROTA[0]].post(`/api/v1/psych/alerts/${second[0].id}/ack`);
  assert.equal(r.status, 404, r.text);
  r = await u[ROTA[1]].post(`/api/v1/psych/alerts/${second[0].id}/ack`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.in_charge, true);
  r = await u[ROTA[1]].post(`/api/v1/psych/alerts/${second[0].id}/ack`);
  assert.equal(r.status, 409, r.text);
  const pid = second[0].person_id;
  r = await u[ROTA[1]].get(`/api/v1/psych/clients/${pid}`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.trend[0].score, 10);
  assert.equal((await u[ROTA[0]].get(`/api/v1/psych/clients/${pid}`)).status, 404);
  // and every read is in the audit chain, with no content
  const audit = sql(`SELECT action || ' ' || actor || ' ' || detail FROM audit_log WHERE entity = 'psych' AND entity_id = '${pid}'`);
  assert.match(audit, /psych\.read zhuji\.counsellor/);
  assert.doesNotMatch(audit, new RegExp(PHONE));
});

test('a counsellor in charge records sessions and referrals; the database holds no answer, score, note or contact in the clear', async () => {
  const k = await crisisPerson();
  const list = await u[ROTA[0]].get('/api/v1/psych/alerts');
  const a = list.json.items.find((x) => x.contact && x.contact.phone === k.phone);
  assert.ok(a, list.text);
  assert.equal((await u[ROTA[0]].post(`/api/v1/psych/alerts/${a.id}/ack`)).status, 200);
  let r = await u[ROTA[0]].post(`/api/v1/psych/clients/${a.person_id}/sessions`, { note: NOTE });
  assert.equal(r.status, 201, r.text);
  r = await u[ROTA[0]].post(`/api/v1/psych/clients/${a.person_id}/referrals`, { clinic: '诸暨市第二人民医院精神科', reason: '需要进一步评估' });
  assert.equal(r.status, 201, r.text);
  r = await u[ROTA[0]].get(`/api/v1/psych/clients/${a.person_id}`);
  assert.equal(r.json.notes[0].note, NOTE);
  assert.equal(r.json.notes[1].clinic, '诸暨市第二人民医院精神科');
  r = await u[ROTA[0]].get('/api/v1/psych/clients');
  assert.ok(r.json.items.some((p) => p.id === a.person_id));
  assert.ok((await anon.get('/api/v1/psych/me', code(k.code))).json.has_counsellor);

  // raw: every psych table as text, and the whole database
  const tables = ['psych_persons', 'psych_records', 'psych_alerts'];
  let raw = tables.map((t) => sql(`SELECT * FROM ${t}`)).join('\n');
  raw += sql("SELECT action || ' ' || entity_id || ' ' || detail FROM audit_log WHERE entity = 'psych'");
  if (!process.env.FQ_TEST_PG) {
    for (const f of [srv.db, srv.db + '-wal']) if (fs.existsSync(f)) raw += fs.readFileSync(f).toString('latin1') + fs.readFileSync(f).toString('utf8');
  }
  for (const secret of ['NOTE-7f3a', NOTE, PHONE, k.phone, '诸暨市第二人民医院', '"answers"', '"score"', 'phq9', 'crisis',
    'screening', 'moderate', '骆某', '家庭压力', '做事时提不起劲']) {
    assert.ok(!raw.includes(secret), `found in the clear: ${secret}`);
  }
  assert.ok(raw.length > 100);
});

test('the wall: every psych route answers 404 to every role but the counsellor in charge and the person', async () => {
  const k = await crisisPerson();
  const list = await u[ROTA[0]].get('/api/v1/psych/alerts');
  const a = list.json.items.find((x) => x.contact && x.contact.phone === k.phone);
  const pid = a.person_id;
  const routes = [
    ['GET', '/api/v1/psych/me'],
    ['POST', '/api/v1/psych/me/screenings', { instrument: 'phq9', answers: phq() }],
    ['POST', '/api/v1/psych/me/request'],
    ['POST', '/api/v1/psych/me/withdraw', { mode: 'delete' }],
    ['GET', '/api/v1/psych/alerts'],
    ['POST', `/api/v1/psych/alerts/${a.id}/ack`],
    ['GET', '/api/v1/psych/clients'],
    ['GET', `/api/v1/psych/clients/${pid}`],
    ['POST', `/api/v1/psych/clients/${pid}/sessions`, { note: 'x' }],
    ['POST', `/api/v1/psych/clients/${pid}/referrals`, { clinic: 'x' }],
    ['GET', '/api/v1/psych/stats?region=330681'],
    ['GET', '/api/v1/psych/me/appointments'],
    ['POST', '/api/v1/psych/me/appointments', { room_id: 1, starts_at: '2030-01-01T02:00:00Z' }],
    ['POST', '/api/v1/psych/me/appointments/0123456789abcdef0123456789abcdef/cancel'],
    ['GET', '/api/v1/psych/appointments'],
    ['POST', '/api/v1/psych/appointments/0123456789abcdef0123456789abcdef/status', { status: 'done' }],
    ['POST', `/api/v1/psych/clients/${pid}/appointments`, { room_id: 1, starts_at: '2030-01-01T02:00:00Z' }],
    ['POST', '/api/v1/psych/rooms', { region: '330681109290', name: '咨询室' }],
    ['POST', '/api/v1/psych/referrals', { phone: PHONE, reason_category: 'other', consent: true }],
  ];
  const callers = [['anonymous', anon], ...STAFF.filter((s) => s !== 'fengyuan.mediator').map((s) => [s, u[s]])];
  for (const [name, c] of callers) {
    for (const [m, p, b] of routes) {
      const r = await c.req(m, p, b);
      assert.equal(r.status, 404, `${name} ${m} ${p}: ${r.status} ${r.text}`);
      assert.equal(r.json.error.code, 'not_found');
    }
  }
  // a mediator may only refer; everything else is 404 to them too
  for (const [m, p, b] of routes.slice(0, -1)) {
    const r = await u['fengyuan.mediator'].req(m, p, b);
    assert.equal(r.status, 404, `mediator ${m} ${p}`);
  }
  // the other counsellor, not holding the alert nor in charge: 404 on the person
  for (const [m, p, b] of [...routes.slice(5, 10), routes[16]]) {
    const r = await u[ROTA[1]].req(m, p, b);
    if (m === 'GET' && p === '/api/v1/psych/clients') continue; // their own (empty of this person) list
    assert.equal(r.status, 404, `other counsellor ${m} ${p}: ${r.text}`);
  }
  // the person with their code: their routes only
  assert.equal((await anon.get('/api/v1/psych/me', code(k.code))).status, 200);
  assert.equal((await anon.get(`/api/v1/psych/clients/${pid}`, code(k.code))).status, 404);
  // the access log names the route, never the address that used it
  const lines = srv.log().split('\n').filter((l) => l.includes('"route":"/api/v1/psych/'));
  assert.ok(lines.length > 10, 'psych requests are logged');
  for (const l of lines) assert.match(l, /"addr":"-"/, l);
  assert.ok(!srv.log().includes(k.code) && !srv.log().includes(k.phone), 'no code or phone in the log');
  // the person's data in no case, export or Open311 answer
  const csv = await u.admin.get('/api/cases/export.csv');
  assert.ok(!csv.text.includes(PHONE));
});

test('withdrawal: lock hides the records from the counsellor, delete removes them', async () => {
  const k = await crisisPerson();
  const list = await u[ROTA[0]].get('/api/v1/psych/alerts');
  const a = list.json.items.find((x) => x.contact && x.contact.phone === k.phone);
  await u[ROTA[0]].post(`/api/v1/psych/alerts/${a.id}/ack`);
  assert.equal((await u[ROTA[0]].get(`/api/v1/psych/clients/${a.person_id}`)).status, 200);
  let r = await anon.post('/api/v1/psych/me/withdraw', { mode: 'forget' }, code(k.code));
  assert.equal(r.status, 400);
  r = await anon.post('/api/v1/psych/me/withdraw', { mode: 'lock' }, code(k.code));
  assert.equal(r.status, 200, r.text);
  assert.equal((await u[ROTA[0]].get(`/api/v1/psych/clients/${a.person_id}`)).status, 404);
  assert.equal((await anon.get('/api/v1/psych/me', code(k.code))).json.state, 'locked');
  r = await anon.post('/api/v1/psych/me/withdraw', { mode: 'delete' }, code(k.code));
  assert.equal(r.status, 200, r.text);
  assert.equal((await anon.get('/api/v1/psych/me', code(k.code))).status, 404);
  for (const t of ['psych_persons WHERE id', 'psych_records WHERE person_id', 'psych_alerts WHERE person_id']) {
    assert.equal(sql(`SELECT COUNT(*) FROM ${t} = '${a.person_id}'`), '0', t);
  }
  assert.match(sql(`SELECT action FROM audit_log WHERE entity = 'psych' AND entity_id = '${a.person_id}' ORDER BY id`), /psych\.withdraw\.delete/);
});

test('statistics by township: counts 1-9 hidden, with a complementary cell so the total cannot reveal them', async () => {
  const towns = sql("SELECT code FROM regions WHERE code LIKE '330102___' ORDER BY code LIMIT 3").split('\n');
  assert.equal(towns.length, 3);
  const plan = [[towns[0], 12], [towns[1], 3], [towns[2], 10]];
  for (const [t, n] of plan) {
    for (let i = 0; i < n; i++) await keep({ consent: consent(), township: t });
  }
  const r = await u[ROTA[0]].get('/api/v1/psych/stats?region=330102');
  assert.equal(r.status, 200, r.text);
  const by = Object.fromEntries(r.json.items.map((i) => [i.township, i]));
  assert.equal(by[towns[0]].n, 12);
  assert.equal(by[towns[1]].n, null); // 3: primary
  assert.equal(by[towns[1]].hidden, true);
  assert.equal(by[towns[2]].n, null); // 10: complementary
  assert.equal(by[towns[2]].hidden, true);
  assert.equal(r.json.total, 25);
  // villages are not a level the statistics answer at
  assert.equal((await u[ROTA[0]].get(`/api/v1/psych/stats?region=${towns[0]}`)).status, 400);
});

test('a mediator refers a party with consent: only contact and a reason category, answered with {sent} only', async () => {
  let r = await u['fengyuan.mediator'].post('/api/v1/psych/referrals', { phone: '13905550000', reason_category: 'family_conflict' });
  assert.equal(r.status, 400);
  r = await u['fengyuan.mediator'].post('/api/v1/psych/referrals', { phone: '13905550000', reason_category: 'family_conflict', consent: true, case_id: 1 });
  assert.equal(r.status, 201, r.text);
  assert.deepEqual(r.json, { sent: true });
  const list = await u[ROTA[0]].get('/api/v1/psych/alerts');
  const a = list.json.items.find((x) => x.contact && x.contact.phone === '13905550000');
  assert.equal(a.kind, 'referral');
  assert.equal(a.reason, 'family_conflict');
});

test('without a key file the screening works and storing answers 503 psych_key_missing', async () => {
  const s = await startServer({ cases: false, args: ['--public-burst', '1000'] });
  try {
    const c = new Client(s.base);
    let r = await c.post('/api/v1/psych/screen', { instrument: 'phq9', answers: phq(1, 0) });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.crisis_lines.national, '12356');
    r = await c.post('/api/v1/psych/keep', { consent: consent(), screening: { instrument: 'phq9', answers: phq() } });
    assert.equal(r.status, 503, r.text);
    assert.equal(r.json.error.code, 'psych_key_missing');
    r = await c.post('/api/v1/psych/callback', { phone: PHONE, consent: true });
    assert.equal(r.json.error.code, 'psych_key_missing');
    // and the test clock is not there without psych.test_clock
    r = await c.post('/api/v1/psych/test/tick', { now: 1 });
    assert.equal(r.status, 404);
  } finally {
    await s.stop();
  }
});

test('appointments: rooms at village and township centres, booking by the person and the counsellor, clashes, an SMS reminder with phone, time and room only, no-shows', async () => {
  const C = u[ROTA[0]];
  let r = await C.post('/api/v1/psych/rooms', { region: '330681109290', name: '枫源村心理咨询室' });
  assert.equal(r.status, 201, r.text);
  const room = r.json.id;
  assert.equal((await u.admin.post('/api/v1/psych/rooms', { region: '330681109290', name: 'x' })).status, 404);
  assert.equal((await C.post('/api/v1/psych/rooms', { region: '330681', name: 'x' })).status, 400);
  r = await anon.get('/api/v1/psych/rooms?region=330681109');
  assert.ok(r.json.items.some((x) => x.id === room && x.name === '枫源村心理咨询室'));

  // a person with a counsellor in charge (by the rota's alert)
  const k = await crisisPerson();
  const list = await C.get('/api/v1/psych/alerts');
  const a = list.json.items.find((x) => x.contact && x.contact.phone === k.phone);
  assert.equal((await C.post(`/api/v1/psych/alerts/${a.id}/ack`)).status, 200);
  const inHours = (h) => new Date((now() + h * 3600) * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
  // the person books in 3 hours; the same slot again is refused
  r = await anon.post('/api/v1/psych/me/appointments', { room_id: room, starts_at: inHours(3), minutes: 50 }, code(k.code));
  assert.equal(r.status, 201, r.text);
  const mine = r.json.id;
  r = await C.post(`/api/v1/psych/clients/${a.person_id}/appointments`, { room_id: room, starts_at: inHours(3.5) });
  assert.equal(r.status, 409, r.text);
  r = await C.post(`/api/v1/psych/clients/${a.person_id}/appointments`, { room_id: room, starts_at: inHours(30) });
  assert.equal(r.status, 201, r.text);
  const later = r.json.id;
  for (const bad of [{ room_id: room, starts_at: inHours(-1) }, { room_id: room, starts_at: 'tomorrow' }, { room_id: room, starts_at: inHours(50), minutes: 5 }]) {
    assert.equal((await C.post(`/api/v1/psych/clients/${a.person_id}/appointments`, bad)).status, 400, JSON.stringify(bad));
  }
  // a person with no counsellor yet cannot book
  const lone = await keep({ consent: consent() });
  assert.equal((await anon.post('/api/v1/psych/me/appointments', { room_id: room, starts_at: inHours(5) }, code(lone.code))).status, 409);
  // the calendar and the person's list
  r = await C.get('/api/v1/psych/appointments');
  assert.deepEqual(r.json.items.filter((x) => x.person_id === a.person_id).map((x) => x.id), [mine, later]);
  r = await anon.get('/api/v1/psych/me/appointments', code(k.code));
  assert.equal(r.json.items.length, 2);
  assert.equal(r.json.items[0].person_id, undefined);
  // other roles and the other counsellor: 404 / not theirs
  assert.equal((await u.admin.get('/api/v1/psych/appointments')).status, 404);
  assert.equal((await u[ROTA[1]].post(`/api/v1/psych/appointments/${mine}/status`, { status: 'no_show' })).status, 404);

  // the clock a day ahead: the reminder of the one in 3 hours, not of the one in 30
  r = await tick(now());
  assert.equal(r.status, 200, r.text);
  const deadline = Date.now() + 15000;
  let sent;
  while (!(sent = gateway.got.find((g) => g.notify[0].phone === k.phone)) && Date.now() < deadline) await sleep(100);
  assert.ok(sent, 'the reminder reached the SMS gateway');
  assert.deepEqual(Object.keys(sent).sort(), ['at', 'event', 'notify', 'place', 'region', 'starts_at']);
  assert.equal(sent.event, 'psych.appointment_reminder');
  assert.equal(sent.place, '枫源村心理咨询室');
  assert.equal(gateway.got.filter((g) => g.notify[0].phone === k.phone).length, 1);
  assert.ok(!JSON.stringify(sent).includes(k.code));
  r = await tick(now());
  await sleep(300);
  assert.equal(gateway.got.filter((g) => g.notify[0].phone === k.phone).length, 1, 'reminded once');

  // outcomes: a no-show recorded; the person cancels the other
  r = await C.post(`/api/v1/psych/appointments/${mine}/status`, { status: 'no_show' });
  assert.equal(r.status, 200, r.text);
  assert.equal((await C.post(`/api/v1/psych/appointments/${mine}/status`, { status: 'done' })).status, 409);
  assert.equal((await anon.post(`/api/v1/psych/me/appointments/${later}/cancel`, undefined, code(k.code))).status, 200);
  r = await anon.get('/api/v1/psych/me/appointments', code(k.code));
  assert.deepEqual(r.json.items.map((x) => x.status), ['no_show', 'cancelled']);
});
