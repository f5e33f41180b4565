// mediation.test.js - issue 14, the room of a mediation (docs/mediation.md):
// consent and withdrawal (人民调解法 arts. 17, 23), the choice and appointment
// of the mediator with their working-day clocks (art. 19), identity codes
// through the SMS gateway webhook, caucus isolation, the round table,
// offers with versions, sessions and reminders, the risk flag (art. 25),
// the time limit and its extension, and that nothing said in the room
// leaves it (case timeline, CSV export, webhooks, Open311, another case).
// Runs on SQLite and PostgreSQL; every listener is on 127.0.0.1 and
// started by this file.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { Client } = require('../lib/server');

const SECRET_WORDS = '我方最多只能赔八千元这是底线'; // said in a caucus: must never leave
const OFFER_WORD = '袜机折价抵偿'; // an offer's term: must never leave
const { useRoom, VILLAGE, sleep } = require('../lib/room');

const room = useRoom();
const {
  got, users, sql, waitFor, med, phoneAddr, party, act, mediatingCase, open, identityCode, verify, consent,
  activeRoom,
} = room;

test('open: only on a case in 调解中, once; parties with links; scope; GET by case', async () => {
  const r0 = await med().post('/api/cases', {
    title: '未受理的纠纷', description: '尚未受理', category: 'neighbour', region: VILLAGE,
    parties: [{ role: 'applicant', name: '甲', phone: '13900003333' }, { role: 'respondent', name: '乙' }],
  });
  let r = await med().post(`/api/v1/cases/${r0.json.id}/mediation`, {});
  assert.equal(r.status, 409);
  assert.equal(r.json.error.code, 'case_not_mediating');

  const caseId = await mediatingCase('开启调解');
  // another village's mediator cannot see the case: 404 as if none
  r = await users['leshan.mediator'].post(`/api/v1/cases/${caseId}/mediation`, {});
  assert.equal(r.status, 404);
  const m = await open(caseId);
  r = await med().post(`/api/v1/cases/${caseId}/mediation`, {});
  assert.equal(r.status, 409);
  assert.equal(r.json.error.code, 'mediation_exists');

  r = await med().get(`/api/v1/cases/${caseId}/mediation`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.id, m.id);
  assert.equal(r.json.status, 'proposed');
  assert.equal(r.json.time_limit_days, 30);
  assert.equal(r.json.parties.length, 2);
  assert.equal(r.json.parties[0].phone, '139****1111', 'staff see phones masked');
  assert.ok(!('link_hash' in r.json.parties[0]));
  r = await users['leshan.mediator'].get(`/api/v1/mediations/${m.id}`);
  assert.equal(r.status, 404, 'outside scope');
  r = await users['leshan.mediator'].get(`/api/v1/mediations/${m.id}/events`);
  assert.equal(r.status, 404, 'outside scope');

  // the link was texted to each party's phone through the gateway
  await waitFor(() => got.find((g) => g.body.event === 'mediation.invited' && g.body.link === m.a.token &&
    g.body.notify[0].phone === '13900001111'), 15000, 'the invitation');
  // a party's link reads its room; a wrong link is 404
  r = await party(m.a.token).get();
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.me, m.a.party_id);
  assert.ok(!('offers' in r.json), 'nothing of the room before the phone is confirmed');
  r = await party('0'.repeat(64)).get();
  assert.equal(r.status, 404);
});

test('identity codes: wrong code, attempts, expiry, one use, rate limit', async () => {
  const m = await open(await mediatingCase('身份验证'));
  // before confirming, a party may not act
  let r = await party(m.a.token).post('/actions/consent', { consent: 'given', online: true });
  assert.equal(r.status, 403);
  assert.equal(r.json.error.code, 'identity_unconfirmed');

  const code = await identityCode(m.a);
  const wrong = code === '000000' ? '111111' : '000000';
  r = await party(m.a.token).post('/verify', { code: wrong });
  assert.equal(r.status, 403);
  assert.equal(r.json.error.code, 'code_wrong');
  // the code is stored only as a hash
  assert.ok(!sql(`SELECT code_hash FROM mediation_codes WHERE party_id = ${m.a.party_id}`).includes(code));
  r = await party(m.a.token).post('/verify', { code });
  assert.equal(r.status, 200, r.text);
  assert.ok(r.json.parties.find((p) => p.id === m.a.party_id).verified_at);
  r = await party(m.a.token).post('/verify', { code });
  assert.equal(r.status, 410, 'a code is used once');
  assert.equal(r.json.error.code, 'code_expired');

  // five wrong tries spend a code, even the right one after them
  const code2 = await identityCode(m.b);
  const bad = code2 === '000000' ? '111111' : '000000';
  for (let i = 0; i < 5; i++) {
    r = await party(m.b.token).post('/verify', { code: bad });
    assert.equal(r.status, 403, r.text);
  }
  r = await party(m.b.token).post('/verify', { code: code2 });
  assert.equal(r.status, 410);

  // an expired code
  const code3 = await identityCode(m.b);
  sql(`UPDATE mediation_codes SET expires_at = 1 WHERE party_id = ${m.b.party_id}`);
  r = await party(m.b.token).post('/verify', { code: code3 });
  assert.equal(r.status, 410);

  // at most 5 codes an hour per party (2 sent to b so far)
  for (let i = 0; i < 3; i++) assert.equal((await party(m.b.token).post('/code')).status, 202);
  r = await party(m.b.token).post('/code');
  assert.equal(r.status, 429);
  assert.equal(r.json.error.code, 'rate_limited');
});

test('consent and withdrawal: a refusal ends it; choice, then the mediator accepts', async () => {
  // a refusal ends the mediation with party_refused; the case is unchanged
  let m = await open(await mediatingCase('一方拒绝调解'));
  await verify(m.a);
  let r = await party(m.a.token).post('/actions/consent', { consent: 'refused' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, 'ended');
  assert.equal(r.json.end_reason, 'party_refused');
  const c = await med().get(`/api/cases/${m.caseId}`);
  assert.equal(c.json.status, 'mediating', 'an end moves nothing on the case by itself');
  // a new mediation may open on the case afterwards
  r = await med().post(`/api/v1/cases/${m.caseId}/mediation`, {});
  assert.equal(r.status, 201, r.text);

  // staff record consent for a party (by phone); sessions wait for consent
  m = await open(await mediatingCase('征得同意'));
  r = await med().post(`/api/v1/mediations/${m.id}/actions/consent`, { party: m.a.party_id, consent: 'given', online: true });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, 'proposed');
  r = await users['zhuji.analyst'].post(`/api/v1/mediations/${m.id}/actions/consent`, { party: m.b.party_id, consent: 'given' });
  assert.equal(r.status, 403, 'an analyst does not act in the room');
  await verify(m.b);
  r = await consent(m.b);
  assert.equal(r.status, 'choosing');
  assert.ok(r.choice_due > Date.now() / 1000);

  // withdrawal at any time ends it with party_withdrew
  const m2 = await activeRoom('撤回同意');
  r = await party(m2.b.token).post('/actions/consent', { consent: 'withdrawn' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.end_reason, 'party_withdrew');
  r = await party(m2.a.token).post('/messages', { body: '还在吗' });
  assert.equal(r.status, 409);
  assert.equal(r.json.error.code, 'mediation_ended');
});

test('choice of mediator: the published list, 2 working days, then the committee; 3 days to accept', async () => {
  let r = await med().get(`/api/v1/mediators?region=${VILLAGE}`);
  assert.equal(r.status, 200, r.text);
  const names = r.json.items.map((x) => x.username);
  assert.ok(names.includes('fengyuan.mediator'));
  assert.ok(!names.includes('leshan.mediator'), 'another village\'s committee is not listed');
  const fy = r.json.items.find((x) => x.username === 'fengyuan.mediator');
  assert.ok(fy.display_name && fy.committee && fy.specialties && fy.languages);

  const m = await open(await mediatingCase('选择调解员'));
  await verify(m.a); await verify(m.b);
  await consent(m.a); await consent(m.b);
  // a party reads the same published list through its own link
  r = await party(m.a.token).get('/mediators');
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.items.map((x) => x.username).sort(), [...names].sort());
  assert.equal((await party('0'.repeat(64)).get('/mediators')).status, 404);
  r = await party(m.a.token).post('/actions/choose', { mediator: 'leshan.mediator' });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.code, 'unknown_mediator');
  // the committee may not appoint while the parties still have time
  r = await users['fengqiao.handler'].post(`/api/v1/mediations/${m.id}/actions/appoint`, { mediator: 'fengyuan.mediator' });
  assert.equal(r.status, 409);
  assert.equal(r.json.error.code, 'choice_open');
  r = await party(m.a.token).post('/actions/choose', { mediator: 'fengyuan.mediator' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, 'choosing', 'one party alone does not choose');
  // the 2 working days pass
  sql(`UPDATE mediations SET choice_due = 1000 WHERE id = ${m.id}`);
  r = await party(m.b.token).post('/actions/choose', { mediator: 'fengyuan.mediator' });
  assert.equal(r.status, 409);
  assert.equal(r.json.error.code, 'choice_closed');
  r = await users['fengqiao.handler'].post(`/api/v1/mediations/${m.id}/actions/appoint`, { mediator: 'fengyuan.mediator' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, 'appointed');
  assert.equal(r.json.chosen_by, 'committee');
  assert.ok(r.json.accept_due > Date.now() / 1000 + 86400, '3 working days to accept');
  // only the proposed mediator answers, and within the time
  r = await users['fengyuan.grid'].post(`/api/v1/mediations/${m.id}/actions/accept`, {});
  assert.equal(r.status, 403);
  // she declines: back to the committee, which cannot propose her again
  r = await med().post(`/api/v1/mediations/${m.id}/actions/decline`, { reason: '与当事人有亲属关系' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, 'choosing');
  r = await users['fengqiao.handler'].post(`/api/v1/mediations/${m.id}/actions/appoint`, { mediator: 'fengyuan.mediator' });
  assert.equal(r.status, 409);
  assert.equal(r.json.error.code, 'mediator_declined');

  // accepting late is refused
  const m2 = await open(await mediatingCase('逾期接受'));
  await verify(m2.a); await verify(m2.b);
  await consent(m2.a); await consent(m2.b);
  await party(m2.a.token).post('/actions/choose', { mediator: 'fengyuan.mediator' });
  r = await party(m2.b.token).post('/actions/choose', { mediator: 'fengyuan.mediator' });
  assert.equal(r.json.status, 'appointed');
  assert.equal(r.json.chosen_by, 'parties');
  sql(`UPDATE mediations SET accept_due = 1000 WHERE id = ${m2.id}`);
  r = await med().post(`/api/v1/mediations/${m2.id}/actions/accept`, {});
  assert.equal(r.status, 409);
  assert.equal(r.json.error.code, 'accept_late');
});

test('caucus isolation: a party never sees another party\'s caucus; round table by all', async () => {
  const m = await activeRoom('背对背调解');
  let r = await med().post(`/api/v1/mediations/${m.id}/actions/caucus`, { party: m.a.party_id, open: true });
  assert.equal(r.status, 409, 'staff open a caucus only with the party\'s consent');
  r = await party(m.a.token).post('/actions/caucus', { open: true });
  assert.equal(r.status, 200, r.text);
  r = await party(m.a.token).post('/messages', { thread: 'caucus', body: SECRET_WORDS });
  assert.equal(r.status, 200, r.text);
  r = await med().post(`/api/v1/mediations/${m.id}/messages`, { thread: 'caucus', party: m.a.party_id, body: '我理解，我去和对方谈谈' });
  assert.equal(r.status, 200, r.text);
  r = await med().post(`/api/v1/mediations/${m.id}/messages`, { thread: 'caucus', party: m.b.party_id, body: '乙方私聊' });
  assert.equal(r.status, 409, 'b\'s caucus is not open');
  r = await party(m.b.token).post('/messages', { thread: 'shared', body: '大家好' });
  assert.equal(r.status, 200, r.text);

  const evA = await party(m.a.token).get('/events?after=0');
  const evB = await party(m.b.token).get('/events?after=0');
  const evS = await med().get(`/api/v1/mediations/${m.id}/events?after=0`);
  assert.equal(evB.status, 200);
  assert.ok(JSON.stringify(evA.json).includes(SECRET_WORDS));
  assert.ok(JSON.stringify(evS.json).includes(SECRET_WORDS));
  assert.ok(!JSON.stringify(evB.json).includes(SECRET_WORDS), 'b never sees a\'s caucus');
  assert.ok(!JSON.stringify(evB.json).includes('我去和对方谈谈'));
  assert.ok(!evB.json.items.some((e) => e.kind === 'caucus'), 'nor that a\'s caucus opened');
  assert.ok(JSON.stringify(evB.json).includes('大家好'));
  // replay after a seq
  const last = evS.json.items[evS.json.items.length - 1].seq;
  r = await med().get(`/api/v1/mediations/${m.id}/events?after=${last}`);
  assert.equal(r.json.items.length, 0);
  // b's room shows a's name, not a's phone or caucus state
  r = await party(m.b.token).get();
  const other = r.json.parties.find((p) => p.id === m.a.party_id);
  assert.equal(other.name, '骆建华');
  assert.ok(!('phone' in other) && !('caucus_open' in other));
  // a party's link never reads another mediation
  const m2 = await activeRoom('另一调解');
  r = await party(m.a.token).post('/offers', { terms: [{ what: 'x', amount: 1 }] });
  assert.equal(r.status, 200);
  r = await new Client(room.srv.base).get(`/api/v1/mediations/${m2.id}`);
  assert.equal(r.status, 401);

  // round table: only when every party agrees; any party closes it
  r = await med().post(`/api/v1/mediations/${m.id}/actions/roundtable`, { open: true });
  assert.equal(r.status, 409);
  await party(m.a.token).post('/actions/roundtable', { agree: true });
  await party(m.b.token).post('/actions/roundtable', { agree: true });
  r = await med().post(`/api/v1/mediations/${m.id}/actions/roundtable`, { open: true });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.roundtable_open, 1);
  r = await party(m.b.token).post('/messages', { thread: 'roundtable', body: '三方会谈' });
  assert.equal(r.status, 200, r.text);
  r = await party(m.a.token).post('/actions/roundtable', { agree: false });
  assert.equal(r.json.roundtable_open, 0);
  r = await party(m.b.token).post('/messages', { thread: 'roundtable', body: '还在吗' });
  assert.equal(r.status, 409);
});

test('offers: versions, counter, accept; the accepted terms are the draft', async () => {
  const m = await activeRoom('赔偿方案');
  let r = await med().post(`/api/v1/mediations/${m.id}/offers`, { terms: [{ what: '赔偿医疗费', amount: -5 }] });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.code, 'invalid_terms');
  r = await party(m.a.token).post('/offers', { terms: [{ what: '赔偿医疗费', amount: 12000, due: '2027-01-31', how: '银行转账' }] });
  assert.equal(r.status, 200, r.text);
  const o1 = r.json.offer_id;
  r = await party(m.a.token).post(`/offers/${o1}/answer`, { answer: 'accept' });
  assert.equal(r.status, 403, 'the other side answers');
  r = await med().post(`/api/v1/mediations/${m.id}/offers`, { terms: [{ what: OFFER_WORD, amount: 9000 }] });
  assert.equal(r.status, 200, r.text);
  r = await party(m.b.token).post(`/offers/${o1}/answer`, { answer: 'counter', terms: [{ what: '赔偿医疗费', amount: 9000, due: '2027-02-28', how: '现金' }] });
  assert.equal(r.status, 200, r.text);
  const offers = r.json.offers;
  assert.equal(offers.find((o) => o.id === o1).status, 'countered');
  const counter = offers.find((o) => o.parent_id === o1);
  assert.equal(counter.version, 3);
  assert.equal(counter.from_party, m.b.party_id);
  r = await party(m.b.token).post(`/offers/${o1}/answer`, { answer: 'accept' });
  assert.equal(r.status, 409, 'an answered offer is closed');
  r = await party(m.a.token).post(`/offers/${counter.id}/answer`, { answer: 'accept' });
  assert.equal(r.status, 200, r.text);
  const acc = r.json.offers.find((o) => o.id === counter.id);
  assert.equal(acc.status, 'accepted');
  assert.deepEqual(acc.terms, [{ what: '赔偿医疗费', amount: 9000, due: '2027-02-28', how: '现金' }]);
  // stored for the agreement: the accepted offer's terms as JSON
  const t = sql(`SELECT terms FROM mediation_offers WHERE mediation_id = ${m.id} AND status = 'accepted'`).trim();
  assert.deepEqual(JSON.parse(t), acc.terms);
});

test('sessions: consent first, in person with a place or online; reminders 24 h and 1 h', async () => {
  const m = await open(await mediatingCase('调解会议'));
  let r = await med().post(`/api/v1/mediations/${m.id}/sessions`, { mode: 'online', starts_at: new Date(Date.now() + 7200e3).toISOString() });
  assert.equal(r.status, 409, 'no session before the mediation is active with every consent');
  const a = await activeRoom('调解会议二');
  r = await med().post(`/api/v1/mediations/${a.id}/sessions`, { mode: 'in_person', starts_at: new Date(Date.now() + 7200e3).toISOString() });
  assert.equal(r.status, 400, 'a place for an in-person session');
  r = await med().post(`/api/v1/mediations/${a.id}/sessions`, { mode: 'in_person', place: '枫源村调解室', starts_at: new Date(Date.now() - 60e3).toISOString() });
  assert.equal(r.status, 400, 'not in the past');
  const before = got.length;
  r = await med().post(`/api/v1/mediations/${a.id}/sessions`, { mode: 'in_person', place: '枫源村调解室', starts_at: new Date(Date.now() + 1800e3).toISOString() });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.sessions.length, 1);
  // the jobs' scan texts both parties and tells the mediator in the app
  const msg = await waitFor(() => {
    const l = got.slice(before).filter((g) => g.body.event === 'mediation.session_reminder' && g.body.mediation === a.id);
    return l.length >= 2 && l;
  }, 90000, 'the session reminders');
  assert.deepEqual(msg.map((g) => g.body.notify[0].phone).sort(), ['13900001111', '13900002222']);
  assert.ok(msg.every((g) => g.body.hours === 1 && g.body.place === '枫源村调解室'));
  await waitFor(async () => {
    const n = await med().get('/api/notifications');
    return n.json.items.some((x) => x.kind === 'mediation_session');
  }, 30000, 'the in-app reminder');
  await waitFor(() => sql(`SELECT reminded_1h FROM mediation_sessions WHERE mediation_id = ${a.id}`).trim() === '1', 30000, 'the mark');
});

test('time limit: extended only with every party\'s consent; end reasons are a closed list', async () => {
  const m = await activeRoom('期限延长');
  let r = await med().get(`/api/v1/mediations/${m.id}`);
  const deadline = r.json.deadline;
  assert.ok(deadline > Date.now() / 1000 + 29 * 86400);
  r = await med().post(`/api/v1/mediations/${m.id}/actions/extend`, { days: 15 });
  assert.equal(r.status, 409);
  assert.equal(r.json.error.code, 'consent_missing');
  await party(m.a.token).post('/actions/extend', {});
  r = await med().post(`/api/v1/mediations/${m.id}/actions/extend`, { days: 15 });
  assert.equal(r.status, 409);
  await party(m.b.token).post('/actions/extend', {});
  r = await med().post(`/api/v1/mediations/${m.id}/actions/extend`, { days: 15 });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.deadline, deadline + 15 * 86400);
  r = await med().post(`/api/v1/mediations/${m.id}/actions/end`, { reason: 'bored' });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.code, 'unknown_end_reason');
  r = await party(m.a.token).post('/actions/end', { reason: 'no_agreement' });
  assert.equal(r.status, 403);
  r = await med().post(`/api/v1/mediations/${m.id}/actions/end`, { reason: 'no_agreement', note: '双方分歧过大' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, 'ended');
  assert.equal(r.json.end_reason, 'no_agreement');
});

test('risk of violence (art. 25): flag, police report, webhook without room content, the case shows it', async () => {
  const m = await activeRoom('风险纠纷');
  await party(m.a.token).post('/messages', { body: SECRET_WORDS });
  let r = await party(m.a.token).post('/actions/flag_risk', { note: 'x', police_report: 'y' });
  assert.equal(r.status, 403);
  r = await med().post(`/api/v1/mediations/${m.id}/actions/flag_risk`, { note: '一方扬言报复', police_report: '已报枫桥派出所，接警号 20261130-017' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.risk_flag, 1);
  assert.equal(r.json.risk_police_report, '已报枫桥派出所，接警号 20261130-017');
  const hook = await waitFor(() => got.find((g) => g.body.event === 'mediation.risk_flagged' && g.body.mediation === m.id), 15000, 'the risk webhook');
  assert.equal(hook.body.case.id, m.caseId);
  assert.ok(!hook.text.includes(SECRET_WORDS) && !hook.text.includes('扬言'), 'no room content in the webhook');
  r = await party(m.b.token).get();
  assert.ok(!('risk_police_report' in r.json) && !('risk_note' in r.json) && !('risk_flag' in r.json),
    'the flag and the report are the staff\'s');
  r = await party(m.b.token).get('/events?after=0');
  assert.ok(!r.json.items.some((e) => e.kind === 'risk_flagged'), 'nor its event');
  // the case shows the flag to everyone handling it
  r = await users['fengqiao.handler'].get(`/api/cases/${m.caseId}`);
  assert.equal(r.status, 200);
  assert.equal(r.json.mediation_risk, true);
});

test('what is said stays in the room: timeline, CSV, webhooks, Open311, search, another case', async () => {
  const m = await activeRoom('保密测试');
  await party(m.a.token).post('/actions/caucus', { open: true });
  await party(m.a.token).post('/messages', { thread: 'caucus', body: SECRET_WORDS });
  await party(m.b.token).post('/messages', { body: SECRET_WORDS + '共享' });
  await med().post(`/api/v1/mediations/${m.id}/offers`, { terms: [{ what: OFFER_WORD, amount: 5000 }] });
  await med().post(`/api/v1/mediations/${m.id}/sessions`, { mode: 'online', starts_at: new Date(Date.now() + 3 * 86400e3).toISOString() });
  await act('fengyuan.mediator', m.caseId, { action: 'note', text: '调解进行中' });
  const leaks = (text) => text.includes(SECRET_WORDS) || text.includes(OFFER_WORD);

  // the case and its timeline: that a mediation opened and its sessions, nothing said
  let r = await med().get(`/api/cases/${m.caseId}`);
  assert.equal(r.status, 200);
  assert.ok(!leaks(r.text));
  r = await med().get(`/api/cases/${m.caseId}/timeline`);
  assert.equal(r.status, 200, r.text);
  assert.ok(!leaks(r.text));
  const events = r.text.match(/"event":"(\w+)"/g) || [];
  assert.ok(events.includes('"event":"opened"') && events.includes('"event":"session"'),
    'the timeline says only that a mediation opened, its mediator and sessions: ' + events);
  // CSV export
  r = await users['fengqiao.handler'].get(`/api/cases.csv?region=${VILLAGE}`);
  assert.equal(r.status, 200, r.text.slice(0, 200));
  assert.ok(!leaks(r.text));
  // Open311, with and without a key
  r = await new Client(room.srv.base).get('/open311/v2/requests.json');
  assert.ok(!leaks(r.text));
  // search
  r = await med().get(`/api/cases?q=${encodeURIComponent(SECRET_WORDS.slice(0, 6))}`);
  assert.equal(r.status, 200);
  assert.equal(r.json.items.length, 0);
  r = await med().get(`/api/cases?q=${encodeURIComponent(OFFER_WORD)}`);
  assert.equal(r.json.items.length, 0);
  // another case's mediation and room
  const other = await activeRoom('另一个案件');
  r = await med().get(`/api/v1/mediations/${other.id}/events?after=0`);
  assert.ok(!leaks(r.text));
  r = await party(other.a.token).get('/events?after=0');
  assert.ok(!leaks(r.text));
  // every webhook the gateway received
  await sleep(1500);
  for (const g of got) assert.ok(!leaks(g.text), 'a webhook carried room content: ' + g.body.event);
});

// Reads a text/event-stream until pred(text) holds; returns the text.
async function streamUntil(url, headers, pred, ms = 10000) {
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), ms);
  let text = '';
  try {
    const res = await fetch(url, { headers, signal: ac.signal });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /text\/event-stream/);
    const reader = res.body.getReader();
    const dec = new TextDecoder();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += dec.decode(value, { stream: true });
      if (pred(text)) break;
    }
  } catch (e) {
    if (e.name !== 'AbortError') throw e;
  } finally {
    clearTimeout(timer);
    ac.abort();
  }
  return text;
}

test('live: the room streams its events to each as they may see them, resuming after Last-Event-ID', async () => {
  const m = await activeRoom('实时调解');
  await party(m.a.token).post('/actions/caucus', { open: true });
  let r = await med().get(`/api/v1/mediations/${m.id}/events?after=0`);
  const last = r.json.items[r.json.items.length - 1].seq;
  // b follows the room live from `last`; a's caucus message must not reach b
  const bLive = streamUntil(`${room.srv.base}/api/v1/room/${m.b.token}/stream`,
    { ...phoneAddr(m.b.token), 'last-event-id': String(last) }, (t) => t.includes('公开的话'));
  await sleep(500);
  await party(m.a.token).post('/messages', { thread: 'caucus', body: SECRET_WORDS });
  await party(m.a.token).post('/messages', { body: '公开的话' });
  const text = await bLive;
  assert.ok(text.includes('公开的话'), text);
  assert.ok(!text.includes(SECRET_WORDS), 'b\'s stream never carries a\'s caucus');
  assert.match(text, /event: message/);
  // staff resume after last: they get the caucus (replayed) too
  const sText = await streamUntil(`${room.srv.base}/api/v1/mediations/${m.id}/stream?after=${last}`,
    { cookie: med().cookie }, (t) => t.includes('公开的话'));
  assert.ok(sText.includes(SECRET_WORDS) && sText.includes('公开的话'));
  // outside scope: 404; a wrong link: 404
  r = await users['leshan.mediator'].get(`/api/v1/mediations/${m.id}/stream`);
  assert.equal(r.status, 404);
  r = await new Client(room.srv.base).get(`/api/v1/room/${'f'.repeat(64)}/stream`);
  assert.equal(r.status, 404);
});

test('time limit: 30 days by default, set per committee by its administrator', async () => {
  let r = await med().get(`/api/v1/mediation-limits/${VILLAGE}`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.time_limit_days, 30);
  assert.equal(r.json.default, true);
  r = await med().req('PUT', `/api/v1/mediation-limits/${VILLAGE}`, { time_limit_days: 45 });
  assert.equal(r.status, 403, 'a mediator is no administrator');
  r = await users.admin.req('PUT', `/api/v1/mediation-limits/${VILLAGE}`, { time_limit_days: 0 });
  assert.equal(r.status, 400);
  r = await users.admin.req('PUT', `/api/v1/mediation-limits/${VILLAGE}`, { time_limit_days: 45 });
  assert.equal(r.status, 200, r.text);
  try {
    const m = await activeRoom('调委会期限');
    r = await med().get(`/api/v1/mediations/${m.id}`);
    assert.equal(r.json.time_limit_days, 45);
    assert.ok(r.json.deadline > Date.now() / 1000 + 44 * 86400 && r.json.deadline < Date.now() / 1000 + 46 * 86400);
    // past the deadline the jobs end it: expired
    sql(`UPDATE mediations SET deadline = 1000 WHERE id = ${m.id}`);
    const ended = await waitFor(async () => {
      const x = await med().get(`/api/v1/mediations/${m.id}`);
      return x.json.status === 'ended' && x.json;
    }, 30000, 'the expiry');
    assert.equal(ended.end_reason, 'expired');
  } finally {
    r = await users.admin.req('PUT', `/api/v1/mediation-limits/${VILLAGE}`, { time_limit_days: 30 });
    assert.equal(r.status, 200);
  }
});

test('public or closed sessions are the parties\' choice; a new link voids the old one', async () => {
  const m = await activeRoom('公开调解');
  let r = await party(m.a.token).post('/actions/public', { public: true });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.session_public, 0, 'one party alone does not make it public');
  r = await med().post(`/api/v1/mediations/${m.id}/actions/public`, { party: m.b.party_id, public: true });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.session_public, 1);
  r = await party(m.b.token).post('/actions/public', { public: false });
  assert.equal(r.json.session_public, 0, 'either party keeps it closed');

  r = await party(m.a.token).post('/actions/link', { party: m.a.party_id });
  assert.equal(r.status, 403, 'a party cannot mint links');
  r = await med().post(`/api/v1/mediations/${m.id}/actions/link`, { party: m.a.party_id });
  assert.equal(r.status, 200, r.text);
  assert.match(r.json.token, /^[0-9a-f]{64}$/);
  assert.notEqual(r.json.token, m.a.token);
  const token = r.json.token;
  r = await party(m.a.token).get();
  assert.equal(r.status, 404, 'the old link stops working');
  r = await party(token).get();
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.me, m.a.party_id);
  assert.equal(r.json.parties.find((p) => p.id === m.a.party_id).verified_at, null, 'the new link confirms the phone again');
});

test('a room holds at most 20,000 events: then 409 room_full', async () => {
  const m = await activeRoom('消息上限');
  const have = Number(sql(`SELECT count(*) FROM mediation_events WHERE mediation_id = ${m.id}`).trim());
  const n = 20000 - have;
  sql(room.srv.db.startsWith('postgres')
    ? `INSERT INTO mediation_events (mediation_id, audience, kind, data, created_at) SELECT ${m.id}, 'staff', 'filler', '{}', 0 FROM generate_series(1, ${n})`
    : `WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ${n}) INSERT INTO mediation_events (mediation_id, audience, kind, data, created_at) SELECT ${m.id}, 'staff', 'filler', '{}', 0 FROM c`);
  let r = await party(m.a.token).post('/messages', { body: '还能说吗' });
  assert.equal(r.status, 409);
  assert.equal(r.json.error.code, 'room_full');
  // what is not said still happens: a party may still withdraw
  r = await party(m.a.token).post('/actions/consent', { consent: 'withdrawn' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, 'ended');
});

test('a mediator who lets 3 working days pass has not accepted: back to the committee, told in the app', async () => {
  const m = await open(await mediatingCase('逾期未接受'));
  await verify(m.a); await verify(m.b);
  await consent(m.a); await consent(m.b);
  await party(m.a.token).post('/actions/choose', { mediator: 'fengyuan.mediator' });
  let r = await party(m.b.token).post('/actions/choose', { mediator: 'fengyuan.mediator' });
  assert.equal(r.json.status, 'appointed', r.text);
  sql(`UPDATE mediations SET accept_due = 1000 WHERE id = ${m.id}`);
  const back = await waitFor(async () => {
    const x = await med().get(`/api/v1/mediations/${m.id}`);
    return x.json.status === 'choosing' && x.json;
  }, 30000, 'the lapse');
  assert.equal(back.proposed_mediator, null);
  r = await med().get(`/api/v1/mediations/${m.id}/events?after=0`);
  assert.ok(r.json.items.some((e) => e.kind === 'status' && e.data.lapsed === true && e.data.declined_by === 'fengyuan.mediator'));
  r = await users['fengqiao.handler'].post(`/api/v1/mediations/${m.id}/actions/appoint`, { mediator: 'fengyuan.mediator' });
  assert.equal(r.status, 409, 'not the one who let it lapse');
  const n = await med().get('/api/notifications');
  assert.ok(n.json.items.some((x) => x.kind === 'mediation_accept_lapsed' && x.case_id === m.caseId), n.text);
});
