// psych.test.js - 心防 (issue 19) in the browser: an anonymous person on a
// phone takes the PHQ-9 with item 9 above 0 and sees the crisis lines
// (12356 and the configured local line, with a call-back offer) BEFORE the
// screening result; keeps it under a code with consent; a counsellor on the
// rota opens the workbench from the menu's 心防 group and acknowledges the
// alert. zh-CN and English, desktop and 375 px, axe, no console errors.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const crypto = require('node:crypto');
const { setup, shot, login, axeCheck, scrollWidth, DESKTOP, PHONE } = require('./helpers.js');
const { Client } = require('../lib/server.js');

let env;
test.before(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fq-psych-b-'));
  const key = path.join(dir, 'psych.key');
  fs.writeFileSync(key, crypto.randomBytes(32));
  const cfg = path.join(dir, 'config.json');
  fs.writeFileSync(cfg, JSON.stringify({ psych: { key_file: key, crisis_line: '0575-96525', rota: ['fengqiao.counsellor', 'zhuji.counsellor'] } }));
  env = await setup({ server: { cases: false, args: ['--config', cfg] } });
  const c = new Client(env.base);
  await c.login('fengqiao.counsellor');
  const room = await c.post('/api/v1/psych/rooms', { region: '330681109290', name: '枫源村心理咨询室' });
  assert.strictEqual(room.status, 201, room.text);
});
test.after(async () => { if (env) await env.close(); });

async function answerPhq9(page, values, L) {
  const opts = [L('完全不会', 'Not at all'), L('好几天', 'Several days'), L('一半以上的天数', 'More than half the days'), L('几乎每天', 'Nearly every day')];
  for (let n = 1; n <= 9; n++) {
    await page.locator(`fieldset[data-field="item${n}"]`).getByLabel(opts[values[n - 1]], { exact: true }).check();
  }
}

for (const [label, viewport, en] of [['phone, zh-CN', PHONE, false], ['desktop, en', DESKTOP, true]]) {
  test(`an anonymous screening with item 9 above 0 shows the crisis lines before the score (${label})`, shot(() => env, async () => {
    const L = (zh, e) => (en ? e : zh);
    const page = await env.newPage({ name: `psych-${label}`, viewport, lang: en ? 'en' : undefined });
    await page.goto(`${env.base}/#/`);
    // the self-screening is in the public menu
    if (viewport === PHONE) await page.locator('.nav-toggle').click();
    await page.getByRole('link', { name: L('心理自测', 'Self-screening') }).first().click();
    await page.getByRole('heading', { level: 1, name: L('心理自测', 'Self-screening') }).waitFor();
    await answerPhq9(page, [1, 1, 0, 1, 0, 1, 0, 0, 1], L);
    await page.getByRole('button', { name: L('查看筛查结果', 'See the screening result') }).click();
    const crisis = page.locator('.psych-crisis');
    await crisis.waitFor();
    await crisis.getByText('12356').waitFor();
    await crisis.getByText('0575-96525').waitFor();
    await crisis.getByRole('button', { name: L('请给我回电', 'Call me back') }).waitFor();
    const score = page.locator('.psych-score');
    await score.getByRole('heading', { name: L('筛查结果', 'Screening result') }).waitFor();
    await score.getByText(L('得分：5（27 分制）', 'Score: 5 (out of 27)')).waitFor();
    // the crisis lines come first on the page
    const before = await page.evaluate(() => {
      const c = document.querySelector('.psych-crisis');
      const s = document.querySelector('.psych-score');
      return !!(c.compareDocumentPosition(s) & Node.DOCUMENT_POSITION_FOLLOWING);
    });
    assert.ok(before, 'the crisis lines precede the score');
    // never called a diagnosis: the heading is the screening result
    assert.strictEqual(await page.getByRole('heading', { name: /诊断结果|^Diagnosis/ }).count(), 0);
    if (viewport === PHONE) assert.ok(await scrollWidth(page) <= PHONE.width, 'no sideways scrolling at 375 px');
    await axeCheck(page, `psych screening (${label})`);

    // kept under a code with a separate consent
    const keep = page.locator('.psych-keep');
    await keep.getByLabel(L('我同意保存我的筛查结果。', 'I agree to keep my screening result.')).check();
    await keep.getByLabel(L('我已了解上述目的。', 'I have been told the purpose above.')).check();
    await keep.getByLabel(L('我已了解上述影响。', 'I have been told the effects above.')).check();
    await keep.getByRole('button', { name: L('保存并获取查询码', 'Keep it and get a code') }).click();
    const kept = await keep.getByText(en ? /Write down your code: ([A-Z0-9]{12})/ : /请记下您的查询码：([A-Z0-9]{12})/).textContent();
    const code = kept.match(/[A-Z0-9]{12}/)[0];
    await page.goto(`${env.base}/#/psych/me`);
    await page.getByLabel(L('查询码', 'Code')).fill(code);
    await page.getByRole('button', { name: L('查看', 'Open'), exact: true }).click();
    await page.locator('.psych-trend td.num', { hasText: /^5$/ }).waitFor();
    await axeCheck(page, `psych record (${label})`);
    env.check();
  }));
}

for (const [label, viewport, en] of [['desktop, zh-CN', DESKTOP, false], ['phone, en', PHONE, true]]) {
  test(`the counsellor on duty acknowledges the alert (${label})`, shot(() => env, async () => {
    const L = (zh, e) => (en ? e : zh);
    const phone = en ? '13905556601' : '13905556602';
    const c = new Client(env.base);
    const k = await c.post('/api/v1/psych/keep', {
      consent: { store: true, purpose_told: true, effects_told: true, contact: true }, contact: { phone },
      screening: { instrument: 'phq9', answers: [0, 0, 0, 0, 0, 0, 0, 0, 2] },
    });
    assert.strictEqual(k.status, 201, k.text);
    assert.strictEqual(k.json.alerted, true);
    const page = await env.newPage({ name: `psych-work-${label}`, viewport, lang: en ? 'en' : undefined });
    await login(page, env.base, 'fengqiao.counsellor');
    if (viewport === PHONE) await page.locator('.nav-toggle').click();
    await page.getByRole('button', { name: L('心防·心理服务', 'Wellbeing (心防)') }).click();
    await page.getByRole('link', { name: L('咨询师工作台', 'Counsellor workbench') }).click();
    await page.getByRole('heading', { level: 1, name: L('咨询师工作台', 'Counsellor workbench') }).waitFor();
    const alert = page.locator('.psych-alert', { hasText: phone });
    await alert.getByText(L('第 9 题提示：请立即联系', 'Item 9 trigger: call now')).waitFor();
    await alert.getByRole('button', { name: L('确认并联系', 'Acknowledge') }).click();
    await alert.getByText(L('已确认。您现在负责此人的服务。', 'Acknowledged. You are now in charge of this person.')).waitFor();
    await page.getByRole('button', { name: phone }).click();
    await page.getByRole('heading', { name: L('来访者记录', "Person's record") }).waitFor();
    // an appointment in the room, tomorrow at 10:00 Beijing; then recorded as a no-show
    const day = new Date(Date.now() + 8 * 3600e3 + 86400e3).toISOString().slice(0, 10);
    const book = page.locator('.psych-book');
    await book.getByLabel(L('心理咨询室', 'Consultation room')).selectOption({ label: '枫源村心理咨询室（枫源村）' });
    await book.getByLabel(L('开始时间（北京时间）', 'Starts at (Beijing time)')).fill(`${day}T${en ? '10' : '14'}:00`);
    await book.getByRole('button', { name: L('预约', 'Book'), exact: true }).click();
    const appt = page.locator('.psych-appt', { hasText: phone });
    await appt.waitFor();
    await appt.getByRole('button', { name: L('记为未到', 'Record no-show') }).click();
    await page.locator('.psych-appt', { hasText: phone }).getByText(L('未到', 'No-show'), { exact: true }).waitFor();
    if (viewport === PHONE) {
      const wide = await page.evaluate(() => [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > 376).slice(0, 5).map((e) => `${e.tagName}.${e.className}:${Math.round(e.getBoundingClientRect().right)}`));
      assert.ok(await scrollWidth(page) <= PHONE.width, `no sideways scrolling at 375 px: ${wide}`);
    }
    await axeCheck(page, `psych workbench (${label})`);
    await page.goto(`${env.base}/#/psych/stats`);
    await page.getByRole('heading', { level: 1, name: L('心理服务统计', 'Wellbeing statistics') }).waitFor();
    await page.locator('table tfoot').waitFor();
    if (viewport === PHONE) assert.ok(await scrollWidth(page) <= PHONE.width, 'no sideways scrolling at 375 px');
    await axeCheck(page, `psych statistics (${label})`);
    env.check();
  }));
}

test('a mediator refers a party from the menu; the counsellor on duty gets a referral with the category only (desktop, zh-CN)', shot(() => env, async () => {
  const page = await env.newPage({ name: 'psych-refer' });
  await login(page, env.base, 'fengyuan.mediator');
  await page.getByRole('button', { name: '心防·心理服务' }).click();
  await page.getByRole('link', { name: '心理服务转介' }).click();
  await page.getByRole('heading', { level: 1, name: '转介到心理服务' }).waitFor();
  await page.getByLabel('手机号码').fill('13905556603');
  await page.getByLabel('原因类别').selectOption({ label: '邻里纠纷' });
  await page.getByLabel('当事人已同意由心理咨询师通过此号码联系。').check();
  await page.getByRole('button', { name: '转介', exact: true }).click();
  await page.getByText('已转介。', { exact: true }).waitFor();
  await axeCheck(page, 'psych referral');
  const c = new Client(env.base);
  await c.login('fengqiao.counsellor');
  const r = await c.get('/api/v1/psych/alerts');
  const a = r.json.items.find((x) => x.contact && x.contact.phone === '13905556603');
  assert.ok(a, r.text);
  assert.strictEqual(a.kind, 'referral');
  assert.strictEqual(a.reason, 'neighbour_dispute');
  env.check();
}));
