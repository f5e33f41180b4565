// elder.test.js - 长辈版: large type and strong contrast for older residents,
// switched on from the menu, remembered after a reload, still fitting a
// 375 px phone and free of serious accessibility violations.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { setup, shot, scrollWidth, axeCheck, PHONE } = require('./helpers.js');

let env;
test.before(async () => { env = await setup(); });
test.after(async () => { if (env) await env.close(); });

test('长辈版 is large, remembered, fits a phone and passes axe', shot(() => env, async () => {
  const page = await env.newPage({ name: 'elder', viewport: PHONE });
  await page.goto(env.base + '/#/');
  await page.locator('h1').first().waitFor();
  const before = await page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize));
  await page.getByRole('button', { name: '菜单' }).click();
  const sw = page.getByRole('button', { name: '长辈版（大字）' });
  assert.strictEqual(await sw.getAttribute('aria-pressed'), 'false');
  await sw.click();
  assert.strictEqual(await sw.getAttribute('aria-pressed'), 'true');
  const after = await page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize));
  assert.ok(after >= before * 1.2, `text grows from ${before} to ${after} px`);
  await page.reload();
  await page.locator('h1').first().waitFor();
  assert.ok(await page.evaluate(() => document.documentElement.classList.contains('elder')), 'remembered');
  for (const hash of ['#/', '#/file', '#/track']) {
    await page.goto(env.base + '/' + hash);
    await page.locator('h1').first().waitFor();
    assert.ok(await scrollWidth(page) <= 375, `${hash} fits 375 px in 长辈版`);
    await axeCheck(page, `on ${hash} in 长辈版`);
  }
  // and off again
  await page.getByRole('button', { name: '菜单' }).click();
  await page.getByRole('button', { name: '长辈版（大字）' }).click();
  assert.ok(!(await page.evaluate(() => document.documentElement.classList.contains('elder'))));
  env.check();
}));
