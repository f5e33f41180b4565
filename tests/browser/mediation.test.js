// mediation.test.js - online mediation (issue 14) in three browsers at once:
// the mediator at a desk and two parties, one on a 375 px phone, in the same
// room. The parties join by the links texted to them and confirm with a
// code; the texts come through the SMS gateway webhook to a fake gateway
// this file starts on 127.0.0.1. Messages appear live in the others' pages
// (EventSource, no reload), an offer is made and accepted, the agreement is
// drafted from it and signed by all (each party with a one-time code), the
// PDF is downloaded and read with pdftotext (Debian's poppler-utils), and
// #/verify/{code} confirms it. axe on every page, no console errors, the
// party's room in zh-CN and in English.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const http = require('node:http');
const { execFileSync } = require('node:child_process');
const { setup, shot, login, axeCheck, scrollWidth, PHONE, DESKTOP } = require('./helpers.js');
const { Client, freePort } = require('../lib/server.js');
const { shootRoom } = require('./screenshots.js');

const VILLAGE = '330681109290'; // 枫源村
const MEDIATOR = 'fengyuan.mediator';
const APPLICANT = { role: 'applicant', name: '骆建华', phone: '13900007701' };
const RESPONDENT = { role: 'respondent', name: '陈国强', phone: '15800007702' };
// the room's texts through the SMS gateway webhook (service/mediation.h):
// the link ({link: token}) and the one-time codes ({purpose, code})
const SMS_EVENTS = ['mediation.invited', 'mediation.code_requested'];

let env;
let staffApi;
let caseRow;
const gateway = { got: [], server: null, url: '' };
const pages = {};
const state = {};

function texts(phone, pred = () => true) {
  return gateway.got.filter((e) => JSON.stringify(e).includes(phone) && pred(e));
}

async function waitFor(fn, ms, what) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) assert.fail('timed out waiting for ' + what);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// The newest text to a phone whose JSON matches re: returns the match.
async function textTo(phone, re, since, what) {
  return waitFor(() => {
    const list = texts(phone).slice(since);
    for (let i = list.length - 1; i >= 0; i--) {
      const m = JSON.stringify(list[i]).match(re);
      if (m) return m;
    }
    return null;
  }, 15000, what);
}

test.before(async () => {
  const port = await freePort();
  gateway.server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      try { gateway.got.push(JSON.parse(body)); } catch (_) { gateway.got.push({ raw: body }); }
      res.writeHead(200);
      res.end('ok');
    });
  });
  await new Promise((r) => gateway.server.listen(port, '127.0.0.1', r));
  gateway.url = `http://127.0.0.1:${port}/sms`;
  const cfg = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'fq-mediation-')), 'config.json');
  fs.writeFileSync(cfg, JSON.stringify({ webhook_allow: [`127.0.0.1:${port}`] }));
  env = await setup({ server: { args: ['--config', cfg], env: { FENGQIAO_WEBHOOK_RETRY_BASE: '1' } } });
  const admin = new Client(env.base);
  await admin.login('admin');
  const hook = await admin.post('/api/webhooks', { url: gateway.url, events: SMS_EVENTS });
  assert.equal(hook.status, 201, hook.text);

  // a case in 调解中 with two parties who have phones
  staffApi = new Client(env.base);
  await staffApi.login(MEDIATOR);
  const r = await staffApi.post('/api/cases', {
    title: '排水沟被填邻里纠纷', description: '两户之间排水沟被填，雨天积水倒灌。', category: 'neighbour',
    channel: 'walk_in', region: VILLAGE, parties: [APPLICANT, RESPONDENT], people_involved: 2,
  });
  assert.equal(r.status, 201, r.text);
  caseRow = r.json;
  for (const body of [{ action: 'accept' }, { action: 'assign', handler: MEDIATOR }, { action: 'start' }]) {
    const a = await staffApi.post(`/api/cases/${caseRow.id}/actions`, body);
    assert.equal(a.status, 200, `${body.action}: ${a.text}`);
  }
});

test.after(async () => {
  if (env) await env.close();
  if (gateway.server) { gateway.server.closeAllConnections(); gateway.server.close(); }
});

test('the mediator opens the room from the case page of a case in 调解中', shot(() => env, async () => {
  const page = await env.newPage({ name: 'mediator', viewport: DESKTOP });
  pages.mediator = page;
  await login(page, env.base, MEDIATOR);
  await page.goto(`${env.base}/#/case/${caseRow.id}`);
  await page.locator('a.med-enter').click();
  await page.waitForURL(/\/mediation$/);
  await page.getByRole('button', { name: '开启在线调解' }).click();
  await page.locator('.med-parties .med-party').nth(1).waitFor();
  await page.locator('.med-live[data-state="live"]').waitFor();
  const names = await page.locator('.med-party-name strong').allTextContents();
  assert.deepEqual(names, [APPLICANT.name, RESPONDENT.name]);
  // the links, shown this once, for a party the mediator meets in person
  assert.equal(await page.locator('.med-links li').count(), 2);
  await axeCheck(page, 'staff room');
  env.check();
}));

test('each party joins by the texted link: the identity code first, then consent (one on a phone)', shot(() => env, async () => {
  for (const [key, party, viewport] of [['applicant', APPLICANT, PHONE], ['respondent', RESPONDENT, DESKTOP]]) {
    const link = await textTo(party.phone, /"link":"([0-9a-f]{64})"/, 0, `the link to ${party.name}`);
    state[`${key}Token`] = link[1];
    const page = await env.newPage({ name: key, viewport });
    pages[key] = page;
    await page.goto(`${env.base}/#/room/${link[1]}`);
    await page.locator('.room-identity').waitFor();
    if (key === 'applicant') {
      await axeCheck(page, 'identity step');
      assert.ok(await scrollWidth(page) <= PHONE.width, 'no sideways scrolling on a phone');
    }
    const before = texts(party.phone).length;
    await page.getByRole('button', { name: '发送验证码到我的手机' }).click();
    await page.locator('.room-identity .sms-status').filter({ hasText: '验证码已发送' }).waitFor();
    const code = await textTo(party.phone, /"code":"(\d{6})"/, before, `the identity code of ${party.name}`);
    await page.getByLabel('验证码').fill(code[1]);
    await page.getByRole('button', { name: '确认', exact: true }).click();
    await page.locator('.room-consent').waitFor();
    if (key === 'applicant') await axeCheck(page, 'consent step');
    await page.getByRole('button', { name: '我同意调解' }).click();
    await page.locator('.room-shared').waitFor();
    await page.locator('.med-live[data-state="live"]').waitFor();
  }
  // the mediator sees both consents and identities without reloading
  const m = pages.mediator;
  await m.locator('.med-party .badge', { hasText: '已同意' }).nth(1).waitFor();
  await m.locator('.med-party .badge', { hasText: '身份已核验' }).nth(1).waitFor();
  await axeCheck(pages.applicant, 'party room');
  env.check();
}));

test('the parties\' choice of mediator, who accepts; messages appear live in the others\' pages', shot(() => env, async () => {
  const m = pages.mediator;
  // each party's choice (人民调解法 art. 19): the applicant picks from the
  // committee's published mediators in her own room, in words (no codes)
  const a = pages.applicant;
  const pick = a.locator('.room-mediators li', { hasText: '张美华' });
  await pick.waitFor();
  assert.match(await pick.innerText(), /邻里纠纷/);
  assert.doesNotMatch(await pick.innerText(), /neighbour|wuu/);
  await pick.getByRole('button', { name: /^选择/ }).click();
  await pick.getByRole('button', { name: '已选择' }).waitFor();
  // the respondent's choice, told by phone, recorded by the mediator
  const form = m.locator('.med-choose');
  await form.locator(`select[name="mediator"] option[value="${MEDIATOR}"]`).waitFor({ state: 'attached' });
  await form.locator('select[name="mediator"]').selectOption(MEDIATOR);
  await form.locator('select[name="how"]').selectOption({ index: 1 });
  await form.getByRole('button', { name: '确定调解员' }).click();
  await m.getByRole('button', { name: '接受指派' }).click();
  await m.locator('.med-overview .med-status-active').waitFor();
  // the parties' rooms open for writing without a reload
  for (const p of [pages.applicant, pages.respondent]) await p.locator('.room-shared textarea').waitFor();

  await m.getByLabel(/^发送到：共同沟通/).fill('各位好，今天我们一起商量排水沟的事。');
  await m.locator('.med-threads').getByRole('button', { name: '发送', exact: true }).click();
  for (const p of [pages.applicant, pages.respondent]) {
    await p.locator('.med-msg-body', { hasText: '今天我们一起商量排水沟的事' }).waitFor();
  }
  await pages.applicant.getByLabel(/^写给：共同沟通/).fill('我同意协商，希望尽快恢复排水。');
  await pages.applicant.locator('.room-shared').getByRole('button', { name: '发送', exact: true }).click();
  await m.locator('.med-msg-body', { hasText: '希望尽快恢复排水' }).waitFor();
  await pages.respondent.locator('.med-msg-body', { hasText: '希望尽快恢复排水' }).waitFor();
  // each page kept what it had: nothing was reloaded
  assert.equal(await m.locator('.med-msg-body', { hasText: '今天我们一起商量排水沟的事' }).count(), 1);
  assert.equal(await pages.applicant.locator('.med-msg-mine').count(), 1);
  env.check();
}));

test('an offer is made and accepted', shot(() => env, async () => {
  const m = pages.mediator;
  await m.getByRole('button', { name: '提出调解方案' }).click();
  await m.getByLabel('事项').fill('陈国强清理排水沟并恢复原状');
  await m.getByLabel('金额（元）').fill('800');
  await m.getByLabel('履行期限').fill(state.due = dayFromNow(14));
  await m.getByLabel('履行方式').fill('当面交付并由村调委会见证');
  await m.getByRole('button', { name: '提交方案' }).click();
  await m.locator('.med-offer').first().waitFor();
  const offer = pages.applicant.locator('.med-offer').first();
  await offer.locator('td', { hasText: '陈国强清理排水沟' }).waitFor();
  await offer.locator('td', { hasText: '800.00' }).waitFor();
  await axeCheck(pages.applicant, 'offers');
  await offer.locator('[data-answer="accept"]').click();
  await m.locator('.med-offer[data-status="accepted"]').waitFor();
  await pages.respondent.locator('.med-offer[data-status="accepted"]').waitFor();
  env.check();
}));

test('what a party types reaches the others as text, never as markup', shot(() => env, async () => {
  // what a party types is text in every other page, never markup
  const markup = '<img src=x onerror="window.__fq_xss=1"><b>粗体</b>';
  await pages.respondent.getByLabel(/^写给：共同沟通/).fill(markup);
  await pages.respondent.locator('.room-shared').getByRole('button', { name: '发送', exact: true }).click();
  const shown = pages.mediator.locator('.med-msg-body', { hasText: 'onerror' });
  await shown.waitFor();
  assert.equal(await shown.textContent(), markup);
  assert.equal(await pages.mediator.locator('.med-messages img, .med-messages b').count(), 0);
  assert.equal(await pages.mediator.evaluate(() => window.__fq_xss), undefined);
  // and in the other party's room, on the phone
  await pages.applicant.locator('.med-msg-body', { hasText: 'onerror' }).waitFor();
  assert.equal(await pages.applicant.locator('.med-messages img, .med-messages b').count(), 0);
  assert.equal(await pages.applicant.evaluate(() => window.__fq_xss), undefined);
  env.check();
}));

test('a risk of violence (人民调解法 art. 25) flagged in the room stands on the case page for everyone handling it', shot(() => env, async () => {
  const m = pages.mediator;
  const form = m.locator('.med-risk-form');
  await m.locator('.med-end summary', { hasText: '标记风险' }).click();
  await form.getByLabel('风险情况').fill('被申请人扬言要动手');
  await form.getByLabel('报警记录').fill('2026-12-01 枫桥派出所 回执 0425');
  await form.getByRole('button', { name: '标记风险' }).click();
  await m.locator('.med-risk-slot .med-risk', { hasText: '被申请人扬言要动手' }).waitFor();
  // another person handling the case: the township's handler, on a phone
  const other = await env.newPage({ name: 'handler', viewport: PHONE });
  await login(other, env.base, 'fengqiao.handler');
  await other.goto(`${env.base}/#/case/${caseRow.id}`);
  await other.locator('.case-mediation .med-risk').waitFor();
  await axeCheck(other, 'case page with the risk flag');
  // the party's room never shows the staff's note or the police report
  await pages.applicant.reload();
  await pages.applicant.locator('.room-shared').waitFor();
  const party = await pages.applicant.locator('main').textContent();
  assert.ok(!party.includes('扬言') && !party.includes('回执'), 'the note stays with the staff');
  env.check();
}));

test('the agreement is drafted, signed by all with texted codes, sealed; the PDF reads right; #/verify confirms it', shot(() => env, async () => {
  const m = pages.mediator;
  const draft = m.locator('.med-draft');
  await draft.locator('select[name="kind"]').selectOption('neighbours');
  await draft.getByLabel('纠纷事实').fill('两户之间排水沟被填，雨天积水倒灌，双方多次争执。');
  await draft.getByLabel('各方责任').fill('陈国强填沟负主要责任。');
  for (const [i, who] of [[0, ['male', '52', '枫源村3组12号']], [1, ['male', '47', '枫源村3组14号']]]) {
    const fs = draft.locator('.med-draft-party').nth(i);
    await fs.locator('select[name="sex"]').selectOption(who[0]);
    await fs.locator('input[name="age"]').fill(who[1]);
    await fs.locator('input[name="address"]').fill(who[2]);
  }
  await draft.getByRole('button', { name: '起草协议书' }).click();
  await m.locator('.med-signatures').waitFor();
  await axeCheck(m, 'agreement draft');

  for (const [key, party] of [['applicant', APPLICANT], ['respondent', RESPONDENT]]) {
    const p = pages[key];
    // the draft arrives in the party's open room by itself
    await p.locator('.med-sign').waitFor();
    const before = texts(party.phone).length;
    await p.getByRole('button', { name: '发送签名验证码' }).click();
    await p.locator('.med-sign .sms-status').filter({ hasText: '验证码已发送' }).waitFor();
    const code = await textTo(party.phone, /"code":"(\d{6})"/, before, `the signing code of ${party.name}`);
    await p.getByLabel('签名验证码').fill(code[1]);
    await p.getByRole('button', { name: '确认签名' }).click();
    await p.locator('.med-sign').waitFor({ state: 'detached' });
    await p.locator(`.med-signatures li[data-party] .med-ok`).first().waitFor();
  }
  // both parties' signatures reach the mediator's page live
  await m.locator('.med-signatures li[data-party] .med-ok').nth(1).waitFor();
  await m.getByRole('button', { name: '调解员签名' }).click();
  await m.getByRole('button', { name: '加盖调委会印章' }).click();
  await m.locator('.med-agreement-effective').waitFor();
  assert.equal(await m.locator('.med-signatures .med-ok').count(), 4, 'both parties, the mediator and the seal');
  await axeCheck(m, 'agreement in effect');

  // the PDF, as a party downloads it
  const [download] = await Promise.all([
    pages.applicant.waitForEvent('download'),
    pages.applicant.locator('a.med-pdf').click(),
  ]);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'fq-agreement-')), 'agreement.pdf');
  await download.saveAs(file);
  const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
  const code = (await m.locator('.med-agreement .med-code').textContent()).trim();
  const sha = (await m.locator('.med-agreement .med-hash').textContent()).trim();
  for (const want of ['调解协议书', APPLICANT.name, RESPONDENT.name, '陈国强清理排水沟并恢复原状', code]) {
    assert.ok(text.includes(want), `the PDF says ${want}`);
  }
  assert.ok(text.replace(/\s/g, '').includes(sha), 'the PDF carries the SHA-256');

  // the public check: exists, who signed (masked), nothing of the content
  const v = await env.newPage({ name: 'verify', viewport: PHONE });
  await v.goto(`${env.base}/#/verify/${code}`);
  await v.locator('.verify-found').waitFor();
  const main = await v.locator('main').textContent();
  assert.match(main, /已生效/);
  assert.ok(main.includes(sha), 'the hash');
  // what is left once the hash and the code are taken out (either may hold
  // any digits, "800" among them) names nothing of the content
  const shown = main.split(sha).join('').split(code).join('');
  for (const secret of ['排水沟', '800', APPLICANT.name, RESPONDENT.name]) {
    assert.ok(!shown.includes(secret), `nothing of the content: ${secret}`);
  }
  assert.ok(shown.includes(APPLICANT.name[0]) && shown.includes(RESPONDENT.name[0]), 'the signers, masked');
  await axeCheck(v, 'verify');
  // a code that names no document says so, and nothing more
  await v.goto(`${env.base}/#/verify/ZZZZ-ZZZZ-ZZZZ`);
  await v.locator('.verify-none').waitFor();
  assert.equal(await v.locator('.verify-found').count(), 0);

  // 司法确认 (judicial confirmation) and 履行 (performance), on the staff page
  await m.getByRole('button', { name: '记录已提交申请' }).click();
  await m.locator('.med-confirm', { hasText: '已提交申请' }).waitFor();
  await m.getByRole('button', { name: '记录已履行' }).click();
  await m.locator('.med-perf .med-ok', { hasText: '已履行' }).waitFor();
  await axeCheck(m, 'confirmation and performance');
  env.check();
}));

test('the party room in English, on a phone, and in 长辈版 (elder mode)', shot(() => env, async () => {
  const page = await env.newPage({ name: 'english', viewport: PHONE, locale: 'en' });
  await page.goto(env.base + '/');
  await page.evaluate(() => { localStorage.setItem('fq.lang', 'en'); localStorage.setItem('fq.elder', '1'); });
  await page.goto(`${env.base}/#/room/${state.applicantToken}`);
  await page.reload(); // the language and 长辈版 are read when the page loads
  // the identity is confirmed on the server, so the room opens
  await page.locator('.room-shared').waitFor();
  await page.getByRole('heading', { name: 'My mediation room' }).waitFor();
  await page.locator('.med-msg-body', { hasText: '希望尽快恢复排水' }).waitFor();
  await page.getByRole('heading', { name: 'Shared thread' }).waitFor();
  await page.locator('.med-agreement-effective').waitFor();
  await page.getByText('In effect', { exact: true }).waitFor();
  assert.ok(await page.evaluate(() => document.documentElement.classList.contains('elder')));
  assert.ok(await scrollWidth(page) <= PHONE.width, 'no sideways scrolling');
  const small = await page.locator('main button:visible, main a.btn:visible').evaluateAll((bs) => bs
    .filter((b) => b.getBoundingClientRect().height < 48).map((b) => b.textContent));
  assert.deepEqual(small, [], 'every button is a large tap target');
  await axeCheck(page, 'party room, English, elder');
  env.check();
  // FQ_SCREENSHOTS=1 refreshes docs/screenshots/room-phone.png (the README's)
  if (process.env.FQ_SCREENSHOTS === '1') {
    await shootRoom(env.browser, env.base, state.applicantToken, path.join(__dirname, '..', '..', 'docs', 'screenshots'));
  }
}));

function dayFromNow(n) {
  const d = new Date(Date.now() + n * 86400000);
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
}
