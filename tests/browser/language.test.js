// language.test.js - the header switch goes to English and back, is
// remembered across reloads, and sets <html lang>.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { setup, shot, login } = require('./helpers.js');

let env;
test.before(async () => { env = await setup(); });
test.after(async () => { if (env) await env.close(); });

const lang = (page) => page.evaluate(() => document.documentElement.lang);

test('switch to English and back', shot(() => env, async () => {
  const page = await env.newPage({ name: 'lang' });
  await page.goto(env.base + '/');
  await page.getByRole('heading', { level: 1, name: '有矛盾纠纷，就近找调解' }).waitFor();
  assert.strictEqual(await lang(page), 'zh-CN');

  await page.getByRole('button', { name: 'English', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'Have a dispute? Get mediation close to home' }).waitFor();
  assert.strictEqual(await lang(page), 'en');
  await page.getByRole('button', { name: '中文', exact: true }).waitFor();
  assert.strictEqual(await page.getByRole('button', { name: 'English', exact: true }).count(), 0);
  await page.getByRole('link', { name: 'Staff login' }).first().waitFor();

  // Remembered after a reload, and on other pages too.
  await page.reload();
  await page.getByRole('heading', { level: 1, name: 'Have a dispute? Get mediation close to home' }).waitFor();
  assert.strictEqual(await lang(page), 'en');
  await page.goto(env.base + '/#/guide/deposit');
  await page.getByRole('heading', { level: 1, name: 'Rental deposit not returned' }).waitFor();
  await page.getByRole('button', { name: 'Show advice' }).click();
  assert.match(await page.locator('.guide-result').innerText(), /Civil Code, Article 733/);

  // Signed-in pages follow the language; the wrong password is explained in English.
  await page.goto(env.base + '/#/login');
  await page.getByLabel('User name').fill('fengqiao.handler');
  await page.getByLabel('Password').fill('wrong-password');
  const before = env.errors.length;
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('.form-error').filter({ hasText: 'Wrong user name or password.' }).waitFor();
  const noise = env.errors.splice(before).filter((e) => !/status of 401/.test(e));
  assert.deepStrictEqual(noise, []);
  await login(page, env.base, 'fengqiao.handler');
  await page.getByRole('heading', { level: 1, name: 'To do' }).waitFor();
  assert.match(await page.locator('.user-role').innerText(), /Handler/);
  await page.goto(env.base + '/#/cases');
  await page.getByRole('heading', { level: 1, name: 'Cases' }).waitFor();
  await page.getByRole('link', { name: 'Export CSV' }).waitFor();

  // And back to Chinese, in place, without losing the page.
  await page.getByRole('button', { name: '中文', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: '案件列表' }).waitFor();
  assert.strictEqual(await lang(page), 'zh-CN');
  await page.getByRole('button', { name: 'English', exact: true }).waitFor();
  await page.getByRole('link', { name: '导出 CSV' }).waitFor();
  await page.reload();
  await page.getByRole('heading', { level: 1, name: '案件列表' }).waitFor();
  assert.strictEqual(await page.evaluate(() => localStorage.getItem('fq.lang')), 'zh-CN');
  env.check();
}));
