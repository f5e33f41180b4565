// mobile.test.js - at 375 px wide every main page fits without horizontal
// scrolling, and the navigation collapses into a menu button; in zh-CN and
// in English (longer words).
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { setup, shot, login, scrollWidth, RUNS, PHONE } = require('./helpers.js');
const { Client } = require('../lib/server.js');

let env;
test.before(async () => { env = await setup(); });
test.after(async () => { if (env) await env.close(); });

const PUBLIC = ['#/', '#/guide/wages', '#/guide/deposit', '#/guide/neighbours', '#/guide/support', '#/file', '#/track', '#/login'];
const STAFF = ['#/inbox', '#/cases', '#/new', '#/dashboard'];

async function fits(page, hash, ready) {
  await page.goto(env.base + '/' + hash);
  await page.locator('main h1').first().waitFor();
  if (ready) await ready();
  await page.waitForLoadState('networkidle');
  const w = await scrollWidth(page);
  assert.ok(w <= 375, `${hash} is ${w}px wide at 375px`);
  // Every form control has a label.
  const unlabelled = await page.evaluate(() => [...document.querySelectorAll('input, select, textarea')]
    .filter((el) => el.type !== 'hidden' && !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
    .map((el) => el.outerHTML.slice(0, 120)));
  assert.deepStrictEqual(unlabelled, [], `${hash} has controls without a label`);
}

for (const { lang, L } of RUNS.filter((r) => r.viewport === PHONE)) test(`every main page fits 375 px (${lang})`, shot(() => env, async () => {
  // A case with long text to show on the case page.
  const api = new Client(env.base);
  await api.login('fengqiao.handler');
  const created = await api.post('/api/cases', {
    title: '村民反映邻居在自家承包地边上挖排水沟导致农田积水、秧苗受淹并要求赔偿损失的纠纷',
    description: '很长的描述'.repeat(40),
    category: 'land_forest', channel: 'hotline', region: '330681109290',
    parties: [{ role: 'applicant', name: '张三', phone: '13800000011' },
      { role: 'respondent', name: '某某农业开发有限公司', phone: '13900000012', org: '某某农业开发有限公司枫桥分公司' }],
    location: { address: '枫源村 5 组机耕路东侧 200 米' }, people_involved: 6, amount_in_dispute: 1234500,
  });
  assert.strictEqual(created.status, 201, created.text);

  const page = await env.newPage({ name: `phone-${lang}`, viewport: PHONE, lang });
  for (const h of PUBLIC) await fits(page, h);
  // The filing slip with its long secret.
  await page.goto(env.base + '/#/guide/wages');
  await page.getByRole('button', { name: L('查看建议', 'Show advice') }).click();
  assert.ok(await scrollWidth(page) <= 375, 'guide advice fits');

  // The nav is behind a menu button and opens on demand.
  const toggle = page.getByRole('button', { name: L('菜单', 'Menu'), exact: true });
  await toggle.waitFor();
  assert.ok(!(await page.locator('#site-nav').isVisible()));
  await toggle.click();
  assert.strictEqual(await toggle.getAttribute('aria-expanded'), 'true');
  await page.locator('#site-nav').getByRole('link', { name: L('查询办理进度', 'Track my case') }).click();
  await page.waitForURL(/#\/track$/);

  await login(page, env.base, 'fengqiao.handler');
  for (const h of STAFF) {
    await fits(page, h, h === '#/dashboard' ? () => page.locator('#chart-days canvas').first().waitFor() : null);
  }
  await fits(page, `#/case/${created.json.id}`, () => page.locator('.timeline').waitFor());
  // With an action form open, too (the note form: 受理 now runs in one click).
  await page.locator('.action-btn[data-action="note"]').click();
  await page.locator('#action-form').waitFor();
  assert.ok(await scrollWidth(page) <= 375, 'case page with form fits');
  await fits(page, '#/cases?overdue=true');
  env.check();
}));
