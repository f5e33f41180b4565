// village-proposal.test.js - proposals (议事) from residents, issue 18
// (docs/village.md "Proposals"): a resident verifies a phone with a code
// the SMS gateway (a webhook on 127.0.0.1 started here) receives, files a
// proposal and supports it with the village session, one support per
// verified phone; crossing the village's threshold (one tenth of the
// households, rounded up, unless set) puts it on the agenda with its answer
// due 15 days later (浙江省实施《村民委员会组织法》办法 art. 36), overdue after;
// the village's staff record the decision and the result, and the whole
// path stays public without any phone.
// Runs on SQLite, and PostgreSQL when FQ_TEST_PG is set.
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
const LESHAN = '330681109291';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let srv;
const u = {};
const gateway = { got: [] };
let addr = 0;
function publicClient() {
  const c = new Client(srv.base);
  const ip = `10.8.0.${++addr}`;
  const req = c.req.bind(c);
  c.req = (m, p, b, h = {}) => req(m, p, b, { 'x-forwarded-for': ip, ...h });
  return c;
}
function sql(q) {
  return (srv.db.startsWith('postgres')
    ? execFileSync('psql', [srv.db, '-tAc', q], { encoding: 'utf8' })
    : execFileSync('sqlite3', ['-cmd', '.timeout 5000', srv.db, q], { encoding: 'utf8' })).trim();
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
  const cfg = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'fq-proposal-')), 'config.json');
  fs.writeFileSync(cfg, JSON.stringify({ webhook_allow: [`127.0.0.1:${port}`], trusted_proxies: ['127.0.0.1'] }));
  srv = await startServer({ cases: false, args: ['--config', cfg], env: { FENGQIAO_WEBHOOK_RETRY_BASE: '1' } });
  for (const name of ['admin', 'fengyuan.grid', 'fengyuan.mediator', 'leshan.mediator', 'zhuji.analyst']) {
    u[name] = new Client(srv.base);
    await u[name].login(name);
  }
  const hook = await u.admin.post('/api/webhooks', { url: `http://127.0.0.1:${port}/sms`, events: ['village.code_requested'] });
  assert.equal(hook.status, 201, hook.text);
});
test.after(async () => {
  if (srv) await srv.stop();
  gateway.server.closeAllConnections();
  gateway.server.close();
});

// A resident of village with phone: a code by the gateway, then a session.
async function resident(phone, village = VILLAGE) {
  const c = publicClient();
  const before = gateway.got.length;
  const r = await c.post(`/api/public/villages/${village}/phone-code`, { phone: `+86 ${phone}` });
  assert.equal(r.status, 202, r.text);
  const sent = await waitFor(() => gateway.got.slice(before).find((g) => g.notify[0].phone === phone && g.region === village), 15000, 'the text');
  assert.equal(sent.event, 'village.code_requested');
  assert.match(sent.code, /^\d{6}$/);
  const s = await c.post(`/api/public/villages/${village}/session`, { phone, code: sent.code });
  assert.equal(s.status, 201, s.text);
  c.session = s.json.session;
  c.code = sent.code;
  c.as = (m, p, b) => c.req(m, p, b, { 'x-village-session': c.session });
  return c;
}

const DAY = 86400 * 1000;

test('a proposal crosses the threshold, goes on the agenda, and must be answered in 15 days', async () => {
  // 25 households: one tenth, rounded up, is 3
  assert.equal((await u['zhuji.analyst'].req('PUT', '/api/v1/village/settings', { region: VILLAGE, households: 25 })).status, 403);
  const set = await u['fengyuan.grid'].req('PUT', '/api/v1/village/settings', { region: VILLAGE, households: 25 });
  assert.equal(set.status, 204, set.text);
  const a = await resident('13700000101');
  const b = await resident('13700000102');
  const c = await resident('13700000103');

  // without a session: 401
  const anon = await publicClient().post(`/api/public/villages/${VILLAGE}/proposals`, { title: 'x', body: 'y' });
  assert.equal(anon.status, 401);
  const f = await a.as('POST', `/api/public/villages/${VILLAGE}/proposals`, { title: '村口路灯维修', body: '村口至5组的路灯坏了半年，晚上出行不便，建议尽快维修。' });
  assert.equal(f.status, 201, f.text);
  assert.equal(f.json.status, 'open');
  assert.equal(f.json.supports, 1, 'the filer supports it');
  assert.equal(f.json.threshold, 3);
  const id = f.json.id;
  // once per verified phone
  const twice = await a.as('POST', `/api/public/villages/${VILLAGE}/proposals/${id}/support`);
  assert.equal(twice.status, 409, twice.text);
  const s2 = await b.as('POST', `/api/public/villages/${VILLAGE}/proposals/${id}/support`);
  assert.equal(s2.status, 200, s2.text);
  assert.equal(s2.json.supports, 2);
  assert.equal(s2.json.status, 'open', 'one short of the threshold');
  assert.equal(s2.json.answer_due, null);
  const s3 = await c.as('POST', `/api/public/villages/${VILLAGE}/proposals/${id}/support`);
  assert.equal(s3.json.supports, 3);
  assert.equal(s3.json.status, 'agenda', 'at the threshold it goes on the agenda');
  const due = Date.parse(s3.json.answer_due);
  const agenda = Date.parse(s3.json.agenda_at);
  assert.ok(due - agenda > 15 * DAY - 1000 && due - agenda <= 16 * DAY, `${s3.json.agenda_at} -> ${s3.json.answer_due}`);
  assert.equal(new Date(due + 8 * 3600 * 1000).toISOString().slice(11, 19), '23:59:59', 'the end of a Beijing day');
  assert.equal(s3.json.overdue, false);

  // the public path, without phones
  let pub = await publicClient().get(`/api/public/villages/${VILLAGE}/proposals`);
  assert.equal(pub.status, 200, pub.text);
  assert.equal(pub.json.threshold, 3);
  assert.equal(pub.json.answer_days, 15);
  assert.ok(!pub.text.includes('1370000010'), 'no phone');
  assert.ok(!pub.text.includes('phone_hash'));

  // past the 15 days without an answer: overdue
  sql(`UPDATE village_proposals SET answer_due = ${Math.floor(Date.now() / 1000) - 60} WHERE id = ${id}`);
  pub = await publicClient().get(`/api/public/villages/${VILLAGE}/proposals`);
  const p = pub.json.items.find((x) => x.id === id);
  assert.equal(p.overdue, true);
  assert.equal(pub.json.overdue, 1);

  // the answer: decision, then result; only the village's staff
  assert.equal((await u['leshan.mediator'].post(`/api/v1/village/proposals/${id}/actions/decide`, { text: 'x' })).status, 404);
  assert.equal((await u['zhuji.analyst'].post(`/api/v1/village/proposals/${id}/actions/decide`, { text: 'x' })).status, 403);
  assert.equal((await u['fengyuan.grid'].post(`/api/v1/village/proposals/${id}/actions/result`, { text: 'x' })).status, 409, 'no result before a decision');
  const d = await u['fengyuan.grid'].post(`/api/v1/village/proposals/${id}/actions/decide`, { text: '村民代表会议同意维修，费用列入本季度支出。' });
  assert.equal(d.status, 200, d.text);
  assert.equal(d.json.status, 'decided');
  assert.equal(d.json.overdue, false, 'answered: no longer overdue');
  const res = await u['fengyuan.mediator'].post(`/api/v1/village/proposals/${id}/actions/result`, { text: '12月5日已更换路灯8盏。' });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.status, 'done');
  pub = await publicClient().get(`/api/public/villages/${VILLAGE}/proposals`);
  const done = pub.json.items.find((x) => x.id === id);
  assert.equal(done.decision, '村民代表会议同意维修，费用列入本季度支出。');
  assert.equal(done.result, '12月5日已更换路灯8盏。');
  assert.ok(!pub.text.includes('fengyuan.'), 'no staff names either');
});

test('a configured threshold; codes and sessions are checked', async () => {
  const set = await u['fengyuan.grid'].req('PUT', '/api/v1/village/settings', { region: VILLAGE, households: 25, threshold: 1 });
  assert.equal(set.status, 204, set.text);
  const a = await resident('13700000104');
  const f = await a.as('POST', `/api/public/villages/${VILLAGE}/proposals`, { title: '垃圾分类点', body: '建议在3组增设一个垃圾分类点。' });
  assert.equal(f.status, 201, f.text);
  assert.equal(f.json.status, 'agenda', 'a threshold of 1: on the agenda at once');

  // a used code does not open a second session; a wrong one neither
  const again = await publicClient().post(`/api/public/villages/${VILLAGE}/session`, { phone: '13700000104', code: a.code });
  assert.equal(again.status, 401);
  assert.equal((await publicClient().post(`/api/public/villages/${VILLAGE}/session`, { phone: '13700000104', code: '12345' })).status, 400);
  assert.equal((await publicClient().post(`/api/public/villages/${VILLAGE}/phone-code`, { phone: '12345' })).status, 400);
  // a session of 枫源村 is not one of 乐山村
  const other = await a.as('POST', `/api/public/villages/${LESHAN}/proposals`, { title: 'x', body: 'y' });
  assert.equal(other.status, 401);
  // a forged session
  const forged = await publicClient().req('POST', `/api/public/villages/${VILLAGE}/proposals/${f.json.id}/support`, undefined, { 'x-village-session': 'A'.repeat(43) });
  assert.equal(forged.status, 401);
  // five wrong tries spend a code
  const c = publicClient();
  const before = gateway.got.length;
  assert.equal((await c.post(`/api/public/villages/${VILLAGE}/phone-code`, { phone: '13700000105' })).status, 202);
  const sent = await waitFor(() => gateway.got.slice(before).find((g) => g.notify[0].phone === '13700000105'), 15000, 'the text');
  const wrong = sent.code === '000000' ? '111111' : '000000';
  for (let i = 0; i < 5; i++) {
    assert.equal((await c.post(`/api/public/villages/${VILLAGE}/session`, { phone: '13700000105', code: wrong })).status, 401);
  }
  assert.equal((await c.post(`/api/public/villages/${VILLAGE}/session`, { phone: '13700000105', code: sent.code })).status, 401, 'tried too often');
  assert.equal(sql("SELECT count(*) FROM village_phone_codes WHERE phone_hash LIKE '1370%'"), '0', 'phones are kept only as hashes');
});

test('the legal adviser: office hours, appointments, a consultation log without advice, asked from a case', async () => {
  const PW = 'adviser-password-2026';
  srv.cli(['user', 'add', 'fengyuan.lawyer', '--password', PW, '--role', 'legal_adviser', '--region', VILLAGE]);
  const lawyer = new Client(srv.base);
  const li = await lawyer.post('/api/session', { username: 'fengyuan.lawyer', password: PW });
  assert.equal(li.status, 200, li.text);
  lawyer.csrf = li.json.csrf_token;
  const h = new Client(srv.base);
  await h.login('fengqiao.handler');

  // no adviser yet: booking is refused
  const r0 = await resident('13700000111');
  const slot = new Date(Date.now() + 3 * DAY).toISOString();
  assert.equal((await r0.as('POST', `/api/public/villages/${VILLAGE}/appointments`, { topic: '宅基地继承', slot_at: slot })).status, 409);
  // the township cadre sets the adviser; the grid worker may not
  assert.equal((await u['fengyuan.grid'].req('PUT', '/api/v1/village/adviser', { region: VILLAGE, username: 'fengyuan.lawyer', office_hours: 'x' })).status, 403);
  const set = await h.req('PUT', '/api/v1/village/adviser', { region: VILLAGE, username: 'fengyuan.lawyer', office_hours: '每周三 14:00–17:00 村委会二楼' });
  assert.equal(set.status, 204, set.text);
  const pub = await publicClient().get(`/api/public/villages/${VILLAGE}/adviser`);
  assert.equal(pub.status, 200, pub.text);
  assert.equal(pub.json.office_hours, '每周三 14:00–17:00 村委会二楼');

  const b = await r0.as('POST', `/api/public/villages/${VILLAGE}/appointments`, { topic: '宅基地继承', slot_at: slot });
  assert.equal(b.status, 201, b.text);
  const late = await r0.as('POST', `/api/public/villages/${VILLAGE}/appointments`, { topic: 'x', slot_at: new Date(Date.now() - DAY).toISOString() });
  assert.equal(late.status, 400);

  // the adviser sees it, and logs the consultation: topic and outcome only
  const view = await lawyer.get(`/api/v1/village/adviser?region=${VILLAGE}`);
  assert.equal(view.status, 200, view.text);
  assert.equal(view.json.is_adviser, true);
  assert.ok(view.json.appointments.some((a) => a.id === b.json.id));
  assert.ok(!view.text.includes('13700000111'), 'no phone');
  const advice = await lawyer.post('/api/v1/village/consultations', { region: VILLAGE, topic: '宅基地继承', outcome: 'answered', advice: '可以继承' });
  assert.equal(advice.status, 400);
  assert.equal(advice.json.error.field, 'advice');
  const log = await lawyer.post('/api/v1/village/consultations', { region: VILLAGE, topic: '宅基地继承', outcome: 'answered', appointment_id: b.json.id });
  assert.equal(log.status, 201, log.text);
  assert.equal((await u['fengyuan.grid'].post('/api/v1/village/consultations', { region: VILLAGE, topic: 'x', outcome: 'answered' })).status, 403);

  // asked from a case: the consultation links to it, and the case's staff see it
  const c = await u['fengyuan.mediator'].post('/api/cases', {
    title: '宅基地界址纠纷', description: '两户对宅基地界桩位置有争议，需要法律解答。', category: 'housing_land',
    channel: 'grid_patrol', region: VILLAGE, parties: [{ role: 'applicant', name: '骆建华', phone: '13900040001' }],
  });
  assert.equal(c.status, 201, c.text);
  const fromCase = await lawyer.post('/api/v1/village/consultations', { region: VILLAGE, topic: '宅基地界址', outcome: 'mediation', case_id: c.json.id });
  assert.equal(fromCase.status, 201, fromCase.text);
  const list = await u['fengyuan.mediator'].get(`/api/v1/village/consultations?case_id=${c.json.id}`);
  assert.equal(list.status, 200, list.text);
  assert.deepEqual(list.json.items.map((x) => [x.topic, x.outcome]), [['宅基地界址', 'mediation']]);
  assert.equal((await u['leshan.mediator'].get(`/api/v1/village/consultations?case_id=${c.json.id}`)).status, 404);
  assert.equal(list.json.adviser.office_hours, '每周三 14:00–17:00 村委会二楼');

  // the mediator asks the adviser from the case: the adviser is told, the ask is audited
  const ask = await u['fengyuan.mediator'].post('/api/v1/village/adviser/asks', { case_id: c.json.id, topic: '界桩位置以哪份文件为准' });
  assert.equal(ask.status, 201, ask.text);
  const bell = await lawyer.get('/api/notifications');
  assert.equal(bell.status, 200, bell.text);
  const n = bell.json.items.find((x) => x.kind === 'adviser_asked');
  assert.ok(n, bell.text);
  assert.equal(n.note, '界桩位置以哪份文件为准');
  assert.equal(Number(n.case_id || (n.case && n.case.id)), c.json.id);
  // out of scope: 404, and nothing told; a blank topic: 400
  const other = await u['leshan.mediator'].post('/api/v1/village/adviser/asks', { case_id: c.json.id, topic: 'x' });
  assert.equal(other.status, 404, other.text);
  assert.equal((await u['fengyuan.mediator'].post('/api/v1/village/adviser/asks', { case_id: c.json.id, topic: '' })).status, 400);
  const again = await lawyer.get('/api/notifications');
  assert.equal(again.json.items.filter((x) => x.kind === 'adviser_asked').length, 1);
});

test('asking the adviser needs a village with one', async () => {
  const c = await u['leshan.mediator'].post('/api/cases', {
    title: '林地纠纷', description: '两户对山林边界有争议。', category: 'land_forest',
    channel: 'walk_in', region: '330681109291',
  });
  assert.equal(c.status, 201, c.text);
  const r = await u['leshan.mediator'].post('/api/v1/village/adviser/asks', { case_id: c.json.id, topic: '山林确权' });
  assert.equal(r.status, 409, r.text);
  assert.equal(r.json.error.code, 'conflict');
});
