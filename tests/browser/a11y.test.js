// a11y.test.js - every main page, signed out and signed in, at desktop and
// phone width, in zh-CN and English, has no axe-core violation of serious
// or critical impact (WCAG 2.1 A and AA rules), and no console errors.
'use strict';
const test = require('node:test');
const { setup, shot, login, axeCheck, PHONE, DESKTOP } = require('./helpers.js');

let env;
test.before(async () => { env = await setup(); });
test.after(async () => { if (env) await env.close(); });

const PUBLIC = [['home', '#/', 'h1'], ['file', '#/file', 'form'], ['track', '#/track', 'form'],
  ['guide', '#/guide', 'h1'], ['login', '#/login', 'form']];
const STAFF = [['inbox', '#/inbox', 'h1'], ['cases', '#/cases', 'table.case-table'], ['new', '#/new', 'form'],
  ['dashboard', '#/dashboard', '#chart-days canvas']];

for (const [locale, vp] of [['zh-CN', DESKTOP], ['zh-CN', PHONE], ['en', DESKTOP], ['en', PHONE]]) {
  test(`no serious accessibility violations: ${locale} at ${vp.width} px`, shot(() => env, async () => {
    const page = await env.newPage({ name: `a11y-${locale}-${vp.width}`, viewport: vp, locale });
    await page.goto(env.base + '/#/');
    await page.locator('h1').first().waitFor();
    if (locale === 'en' && !(await page.evaluate(() => document.documentElement.lang.startsWith('en')))) {
      await page.getByRole('button', { name: 'English' }).click();
      await page.waitForFunction(() => document.documentElement.lang.startsWith('en'));
    }
    for (const [name, hash, ready] of PUBLIC) {
      await page.goto(env.base + '/' + hash);
      await page.locator(ready).first().waitFor();
      await axeCheck(page, `on ${name}`);
    }
    await login(page, env.base, 'fengqiao.handler');
    for (const [name, hash, ready] of STAFF) {
      await page.goto(env.base + '/' + hash);
      await page.locator(ready).first().waitFor();
      await axeCheck(page, `on ${name}`);
    }
    // one case page
    await page.goto(env.base + '/#/cases');
    await page.locator('table.case-table a').first().click();
    await page.locator('.case-head h1').waitFor();
    await page.locator('ol.timeline, .timeline + p, #sec-timeline').first().waitFor();
    await axeCheck(page, 'on a case');
    env.check();
  }));
}

test('the accessibility check itself fails on a planted violation', shot(() => env, async () => {
  const assert = require('node:assert');
  const page = await env.newPage({ name: 'a11y-planted' });
  await page.goto(env.base + '/#/');
  await page.locator('h1').first().waitFor();
  await page.evaluate(() => { document.querySelector('main').appendChild(document.createElement('button')); });
  await assert.rejects(() => axeCheck(page, 'planted'), /button-name/);
}));
