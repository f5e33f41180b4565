// village.test.js - the village page (issue 18; docs/village.md) in the
// browser: the grid worker of 枫源村 adds a monthly finances item to the
// publication schedule and publishes it; the public page shows the
// published item without names of people; on the points tab an entry
// proposed by the grid worker waits for a second person and the mediator
// approves it, and the household's balance shows it. A resident verifies a
// phone (the code reaches an SMS gateway this test starts on 127.0.0.1),
// files a proposal and a second resident supports it, which puts it on the
// agenda (threshold 2); the grid worker records the decision on the
// proposals tab; the adviser tab logs a consultation.
// Desktop in Chinese and phone (375 px) in English, with axe and no console
// errors.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { setup, shot, login, axeCheck, scrollWidth, DESKTOP, PHONE } = require('./helpers.js');
const { Client, freePort } = require('../lib/server.js');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const gateway = { got: [] };

const VILLAGE = '330681109290';
let env;
let grid;
test.before(async () => {
  const port = await freePort();
  gateway.server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => { gateway.got.push(JSON.parse(body)); res.writeHead(200); res.end('ok'); });
  });
  await new Promise((r) => gateway.server.listen(port, '127.0.0.1', r));
  const cfg = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'fq-village-')), 'config.json');
  fs.writeFileSync(cfg, JSON.stringify({ webhook_allow: [`127.0.0.1:${port}`] }));
  env = await setup({ server: { cases: false, args: ['--config', cfg], env: { FENGQIAO_WEBHOOK_RETRY_BASE: '1' } } });
  grid = new Client(env.base);
  await grid.login('fengyuan.grid');
  const admin = new Client(env.base);
  await admin.login('admin');
  const hook = await admin.post('/api/webhooks', { url: `http://127.0.0.1:${port}/sms`, events: ['village.code_requested'] });
  assert.strictEqual(hook.status, 201, hook.text);
  const set = await grid.req('PUT', '/api/v1/village/settings', { region: VILLAGE, households: 20, threshold: 2 });
  assert.strictEqual(set.status, 204, set.text);
});
test.after(async () => {
  if (env) await env.close();
  gateway.server.closeAllConnections();
  gateway.server.close();
});

async function codeFor(phone, since) {
  for (let i = 0; i < 150; i++) {
    const g = gateway.got.slice(since).find((x) => x.notify[0].phone === phone);
    if (g) return g.code;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('no text for ' + phone);
}

// A resident page verifies phone on the public page of the village.
async function verify(page, phone, en) {
  const L = (zh, eng) => (en ? eng : zh);
  const since = gateway.got.length;
  const form = page.locator('form.village-verify-form');
  await form.getByLabel(L('手机号', 'Mobile number')).fill(phone);
  await form.getByRole('button', { name: L('发送验证码', 'Send me a code') }).click();
  await form.getByLabel(L('短信验证码', 'Code from the text message')).fill(await codeFor(phone, since));
  await form.getByRole('button', { name: L('验证手机', 'Verify my phone') }).click();
  await page.locator('.village-resident', { hasText: L('已验证', 'verified') }).waitFor();
}

for (const [label, viewport, en] of [['desktop', DESKTOP, false], ['phone', PHONE, true]]) {
  const L = (zh, eng) => (en ? eng : zh);
  test(`open village affairs and good-deed points (${label})`, shot(() => env, async () => {
    const page = await env.newPage({ name: `village-${label}`, viewport });
    if (en) await page.addInitScript(() => localStorage.setItem('fq.lang', 'en'));
    await login(page, env.base, 'fengyuan.grid');
    await page.goto(`${env.base}/#/village`);
    await page.getByRole('heading', { name: L('村级自治', 'Village self-governance') }).waitFor();

    // the schedule: a monthly finances item
    await page.getByText(L('加入时间表', 'Add to the schedule')).first().click();
    const sf = page.locator('form.village-schedule-form');
    await sf.getByLabel(L('标题', 'Title')).fill(`财务收支${label}`);
    await sf.getByLabel(L('类别', 'What kind')).selectOption('finance');
    await sf.getByRole('button').click();
    const sched = page.locator('.village-schedules li', { hasText: `财务收支${label}` });
    await sched.waitFor();
    // just made: due a month on, not overdue
    assert.strictEqual(await sched.locator('.pill').getAttribute('data-state'), 'ok');

    // publish an item for it
    const pf = page.locator('form.village-publish-form');
    await pf.getByLabel(L('对应时间表事项', 'For the schedule item')).selectOption({ label: `财务收支${label}` });
    await pf.getByLabel(L('标题', 'Title')).fill(`11月财务公开${label}`);
    await pf.getByLabel(L('公布内容', 'Text to publish')).fill('收入 12.3 万元，支出 8.1 万元。');
    await pf.getByRole('button', { name: L('公布', 'Publish') }).click();
    await page.locator('.village-items li', { hasText: `11月财务公开${label}` }).waitFor();
    await axeCheck(page, `village affairs ${label}`);
    if (en) assert.ok(await scrollWidth(page) <= 375, 'no sideways scrolling');

    // the public page
    await page.getByRole('link', { name: L('本村公开页', 'The village’s public page') }).click();
    await page.getByRole('heading', { name: L('村务公开', 'Open village affairs'), level: 1 }).waitFor();
    await page.locator('.village-items li', { hasText: `11月财务公开${label}` }).waitFor();
    assert.ok(!(await page.locator('#main-content').innerText()).includes('fengyuan.'));
    await axeCheck(page, `village public ${label}`);

    // points: a rule and a household made through the API, the entry here
    const rule = await grid.post('/api/v1/village/points/rules', { region: VILLAGE, name: `志愿服务${label}`, points: 10 });
    assert.strictEqual(rule.status, 201, rule.text);
    const hh = await grid.post('/api/v1/village/points/households', { region: VILLAGE, label: `5组 骆家${label}` });
    assert.strictEqual(hh.status, 201, hh.text);
    await page.goto(`${env.base}/#/village?tab=points`);
    const ef = page.locator('form.village-entry-form');
    await ef.waitFor();
    await ef.getByLabel(L('农户', 'Household')).selectOption({ label: `5组 骆家${label}` });
    await ef.getByLabel(L('规则', 'Rule')).selectOption({ label: `志愿服务${label} (10)` });
    await ef.getByLabel(L('事由', 'Reason')).fill('清理河道');
    await ef.getByRole('button').click();
    const entry = page.locator('.village-entries li[data-status="proposed"]', { hasText: `5组 骆家${label}` });
    await entry.waitFor();
    // the proposer has no approve button: a second person decides
    assert.strictEqual(await entry.getByRole('button').count(), 0);
    await axeCheck(page, `village points ${label}`);
    if (en) assert.ok(await scrollWidth(page) <= 375, 'no sideways scrolling on points');

    const med = await env.newPage({ name: `village-med-${label}`, viewport });
    if (en) await med.addInitScript(() => localStorage.setItem('fq.lang', 'en'));
    await login(med, env.base, 'fengyuan.mediator');
    await med.goto(`${env.base}/#/village?tab=points`);
    const e2 = med.locator('.village-entries li[data-status="proposed"]', { hasText: `5组 骆家${label}` });
    await e2.getByRole('button', { name: L('通过', 'Approve') }).click();
    await med.locator('.village-entries li[data-status="approved"]', { hasText: `5组 骆家${label}` }).waitFor();
    await med.locator('.card', { has: med.getByRole('heading', { name: L('农户', 'Households') }) })
      .getByLabel(L('农户', 'Household'), { exact: true }).selectOption({ label: `5组 骆家${label}` });
    await med.locator('.village-ledger', { hasText: '10' }).waitFor();
    assert.match(await med.locator('.village-ledger').innerText(), /10/);
    env.check();
  }));
}

for (const [label, viewport, en] of [['desktop', DESKTOP, false], ['phone', PHONE, true]]) {
  const L = (zh, eng) => (en ? eng : zh);
  test(`a resident files and supports a proposal; the village decides it (${label})`, shot(() => env, async () => {
    const url = `${env.base}/#/village?code=${VILLAGE}&public=1`;
    const a = await env.newPage({ name: `village-res-a-${label}`, viewport });
    if (en) await a.addInitScript(() => localStorage.setItem('fq.lang', 'en'));
    await a.goto(url);
    await verify(a, label === 'phone' ? '13700000201' : '13700000202', en);
    const pf = a.locator('form.village-proposal-form');
    await pf.getByLabel(L('标题', 'Title')).fill(`村口路灯维修${label}`);
    await pf.getByLabel(L('提议内容', 'Your proposal')).fill('村口至5组的路灯坏了半年，建议尽快维修。');
    await pf.getByRole('button', { name: L('提交提议', 'File the proposal') }).click();
    const mine = a.locator('.village-proposals li[data-status="open"]', { hasText: `村口路灯维修${label}` });
    await mine.waitFor();
    await axeCheck(a, `village proposals ${label}`);
    if (en) assert.ok(await scrollWidth(a) <= 375, 'no sideways scrolling for a resident');

    // a second resident supports it: on the agenda
    const b = await env.newPage({ name: `village-res-b-${label}`, viewport });
    if (en) await b.addInitScript(() => localStorage.setItem('fq.lang', 'en'));
    await b.goto(url);
    await verify(b, label === 'phone' ? '13700000203' : '13700000204', en);
    await b.locator('.village-proposals li', { hasText: `村口路灯维修${label}` }).getByRole('button', { name: L('附议', 'Support') }).click();
    await b.locator('.village-proposals li[data-status="agenda"]', { hasText: `村口路灯维修${label}` }).waitFor();

    // the grid worker answers on the proposals tab
    const g = await env.newPage({ name: `village-staff-${label}`, viewport });
    if (en) await g.addInitScript(() => localStorage.setItem('fq.lang', 'en'));
    await login(g, env.base, 'fengyuan.grid');
    await g.goto(`${env.base}/#/village?tab=proposals`);
    const item = g.locator('.village-proposals li[data-status="agenda"]', { hasText: `村口路灯维修${label}` });
    await item.getByLabel(L('决定内容', 'Decision')).fill('同意维修，列入本季度支出。');
    await item.getByRole('button', { name: L('记录决定', 'Record the decision') }).click();
    await g.locator('.village-proposals li[data-status="decided"]', { hasText: `村口路灯维修${label}` }).waitFor();
    await axeCheck(g, `village staff proposals ${label}`);
    await g.goto(`${env.base}/#/village?tab=adviser`);
    await g.getByRole('heading', { name: L('咨询记录', 'Consultation log') }).waitFor();
    await axeCheck(g, `village adviser ${label}`);
    if (en) assert.ok(await scrollWidth(g) <= 375, 'no sideways scrolling for staff');
    env.check();
  }));
}
