// notices.test.js - printed notices (issue 13, item 9): 受理通知书,
// 不予受理通知书 and 回访记录表 as PDF. Each is a real PDF whose text
// (pdftotext, poppler-utils) carries the title, the unit's name, the case's
// code and, for a non-acceptance, the reason and the cited remedy; outside
// the caller's scope it is 404, in the wrong state 409, and every download
// is in the audit log. Runs on SQLite, and PostgreSQL when FQ_TEST_PG is set.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const { startServer, Client } = require('../lib/server');

let srv;
const users = {};
test.before(async () => {
  srv = await startServer({ cases: false });
  for (const u of ['fengyuan.mediator', 'fengyuan.grid', 'fengqiao.handler', 'zhuji.analyst',
    'shangyu.mediator', 'admin']) {
    users[u] = new Client(srv.base);
    await users[u].login(u);
  }
});
test.after(async () => { await srv.stop(); });

let seq = 0;
async function create(who, over = {}) {
  seq++;
  const r = await users[who].post('/api/cases', {
    title: `宅基地边界纠纷${seq}`, description: '两户宅基地边界不清，围墙位置发生争议，双方多次争吵。',
    category: 'housing_land', channel: 'walk_in', region: '330681109290',
    location: { address: '枫源村5组' },
    parties: [
      { role: 'applicant', name: '骆建华', phone: `1390001${String(seq).padStart(4, '0')}` },
      { role: 'respondent', name: '陈国强', phone: `1580001${String(seq).padStart(4, '0')}` },
    ],
    ...over,
  });
  assert.equal(r.status, 201, r.text);
  return r.json;
}
async function act(who, id, body) {
  const r = await users[who].post(`/api/cases/${id}/actions`, body);
  assert.equal(r.status, 200, `${body.action} by ${who}: ${r.text}`);
  return r.json;
}

// The PDF's bytes as a Buffer (fetch, not the JSON client).
async function pdf(who, id, kind) {
  const c = users[who];
  const r = await fetch(`${srv.base}/api/cases/${id}/notices/${kind}.pdf`, { headers: { cookie: c.cookie } });
  const body = Buffer.from(await r.arrayBuffer());
  return { status: r.status, headers: r.headers, body, json: () => JSON.parse(body.toString('utf8')) };
}
function text(buf) {
  // pdftotext from stdin to stdout; spaces and line ends dropped so that a
  // phrase broken over two lines still matches
  return execFileSync('pdftotext', ['-enc', 'UTF-8', '-', '-'], { input: buf, encoding: 'utf8' })
    .replace(/\s+/g, '');
}
function auditCount(action) {
  const sql = `SELECT count(*) FROM audit_log WHERE action = '${action}'`;
  const out = process.env.FQ_TEST_PG
    ? execFileSync('psql', [srv.db, '-tAc', sql], { encoding: 'utf8' })
    : execFileSync('sqlite3', ['-cmd', '.timeout 5000', srv.db, sql], { encoding: 'utf8' });
  return Number(out.trim());
}
function assertPdf(r) {
  assert.equal(r.status, 200, r.body.toString('utf8').slice(0, 300));
  assert.equal(r.headers.get('content-type'), 'application/pdf');
  assert.match(r.headers.get('content-disposition'), /^attachment; filename="FQ-[A-Z0-9-]+-\w+\.pdf"; filename\*=UTF-8''/);
  assert.equal(r.body.subarray(0, 5).toString('latin1'), '%PDF-');
  // a page or two of text with the font subset embedded, not megabytes
  assert.ok(r.body.length > 5000 && r.body.length < 600 * 1024, `size ${r.body.length}`);
}

test('受理通知书: a PDF with the title, the village committee, the code and the facts; audited', async () => {
  const c = await create('fengyuan.mediator');
  await act('fengyuan.mediator', c.id, { action: 'accept' });
  const before = auditCount('case.notice_printed');
  const r = await pdf('fengyuan.mediator', c.id, 'accept');
  assertPdf(r);
  const t = text(r.body);
  assert.ok(t.includes('受理通知书'), t);
  assert.ok(t.includes('枫源村人民调解委员会'), 'the unit by its level');
  assert.ok(t.includes(c.tracking_code));
  assert.ok(t.includes(c.title) && t.includes('骆建华') && t.includes('枫源村5组'), 'the case facts');
  assert.ok(t.includes('人民调解法》第二十三条'), 'the parties\' rights cited');
  assert.ok(!/1[3-9]\d{9}/.test(t), 'no phone numbers');
  assert.equal(auditCount('case.notice_printed'), before + 1, 'the download is audited');
  // the list says what may be printed
  const l = await users['fengyuan.mediator'].get(`/api/cases/${c.id}/notices`);
  assert.equal(l.status, 200);
  assert.deepEqual(l.json.items.map((x) => [x.kind, x.available]),
    [['accept', true], ['reject', false], ['follow_up', false]]);
  assert.equal(l.json.items[0].href, `/api/cases/${c.id}/notices/accept.pdf`);
});

test('outside scope 404, wrong state 409, unknown kind 404, analysts 403; none audited', async () => {
  const c = await create('fengyuan.mediator');
  const before = auditCount('case.notice_printed');
  // registered: nothing to print yet
  for (const kind of ['accept', 'reject', 'follow_up']) {
    const r = await pdf('fengyuan.mediator', c.id, kind);
    assert.equal(r.status, 409, kind);
    assert.equal(r.json().error.code, 'notice_unavailable');
  }
  await act('fengyuan.mediator', c.id, { action: 'accept' });
  assert.equal((await pdf('fengyuan.mediator', c.id, 'reject')).status, 409, 'no reject notice for an accepted case');
  assert.equal((await pdf('fengyuan.mediator', c.id, 'follow_up')).status, 409, 'no follow-up before resolve');
  // another county's mediator does not learn the case exists
  const out = await pdf('shangyu.mediator', c.id, 'accept');
  assert.equal(out.status, 404);
  assert.equal(out.json().error.code, 'not_found');
  assert.equal((await users['shangyu.mediator'].get(`/api/cases/${c.id}/notices`)).status, 404);
  assert.equal((await pdf('fengyuan.mediator', 99999999, 'accept')).status, 404);
  assert.equal((await pdf('fengyuan.mediator', c.id, 'agreement')).status, 404);
  // an analyst sees the case but prints no notices
  assert.equal((await pdf('zhuji.analyst', c.id, 'accept')).status, 403);
  const al = await users['zhuji.analyst'].get(`/api/cases/${c.id}/notices`);
  assert.ok(al.json.items.every((x) => !x.available));
  assert.equal(auditCount('case.notice_printed'), before, 'refusals are not downloads');
});

test('不予受理通知书 (dispute): the reason and the remedy under 人民调解法', async () => {
  const c = await create('fengyuan.mediator');
  const reason = '该纠纷已由人民法院立案受理，不属于人民调解受理范围';
  await act('fengyuan.mediator', c.id, { action: 'reject', reason });
  assert.equal((await pdf('fengyuan.mediator', c.id, 'accept')).status, 409, 'never accepted');
  const r = await pdf('fengyuan.mediator', c.id, 'reject');
  assertPdf(r);
  const t = text(r.body);
  assert.ok(t.includes('不予受理通知书'));
  assert.ok(t.includes('枫源村人民调解委员会'));
  assert.ok(t.includes(c.tracking_code));
  assert.ok(t.includes(reason), 'the reason');
  assert.ok(t.includes('第二十六条') && t.includes('仲裁、行政、司法等途径') && t.includes('提起诉讼'), 'the remedy, cited');
  // still printable once the rejected case is closed
  await act('fengyuan.mediator', c.id, { action: 'close' });
  assertPdf(await pdf('fengyuan.mediator', c.id, 'reject'));
});

test('不予受理通知书 (petition): the township centre and 浙江省信访条例 art. 19 and 20', async () => {
  const c = await create('fengqiao.handler', { track: 'petition', channel: 'petition' });
  const reason = '属于劳动争议，应当通过劳动仲裁解决';
  await act('fengqiao.handler', c.id, { action: 'reject', reason });
  const r = await pdf('fengqiao.handler', c.id, 'reject');
  assertPdf(r);
  const t = text(r.body);
  assert.ok(t.includes('枫桥镇矛盾纠纷调解中心'), 'a township unit is its centre');
  assert.ok(t.includes(reason));
  assert.ok(t.includes('《浙江省信访条例》第十九条、第二十条第一款第一项'), 'the article cited');
  assert.ok(t.includes('信访事项'));
});

test('回访记录表: after resolve, blank to fill in; after the visit, filled in', async () => {
  const c = await create('fengyuan.mediator');
  await act('fengyuan.mediator', c.id, { action: 'accept' });
  await act('fengyuan.mediator', c.id, { action: 'assign', handler: 'fengyuan.mediator' });
  await act('fengyuan.mediator', c.id, { action: 'start' });
  assert.equal((await pdf('fengyuan.mediator', c.id, 'follow_up')).status, 409, 'not before resolve');
  await act('fengyuan.mediator', c.id, { action: 'resolve', outcome: 'agreement', summary: '双方同意按原界址重砌围墙' });
  let r = await pdf('fengyuan.grid', c.id, 'follow_up');
  assertPdf(r);
  let t = text(r.body);
  assert.ok(t.includes('回访记录表') && t.includes(c.tracking_code) && t.includes('枫源村人民调解委员会'));
  assert.ok(t.includes('双方同意按原界址重砌围墙') && t.includes('达成协议'));
  assert.ok(t.includes('□满意'), 'boxes to tick before the visit');
  await act('fengyuan.grid', c.id, { action: 'follow_up', satisfaction: 'basically_satisfied', confirmed_resolved: true, note: '围墙已重砌' });
  r = await pdf('fengyuan.grid', c.id, 'follow_up');
  t = text(r.body);
  assert.ok(t.includes('基本满意') && t.includes('围墙已重砌') && t.includes('刘志强'), 'the visit as recorded');
  assert.ok(!t.includes('□满意'));
  // the accept notice stays available through the whole life of the case
  assertPdf(await pdf('fengyuan.mediator', c.id, 'accept'));
});

test('an escalated case\'s acceptance notice names the unit that accepted it', async () => {
  const c = await create('fengyuan.mediator');
  await act('fengyuan.mediator', c.id, { action: 'accept' });
  await act('fengyuan.mediator', c.id, { action: 'escalate', reason: '涉及多户' });
  const t = text((await pdf('fengqiao.handler', c.id, 'accept')).body);
  assert.ok(t.includes('枫源村人民调解委员会'), t.slice(0, 200));
});
