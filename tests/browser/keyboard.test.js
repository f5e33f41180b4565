// keyboard.test.js - the main paths work from the keyboard alone.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { setup, shot, PHONE, DEMO_PASSWORD } = require('./helpers.js');

let env;
test.before(async () => { env = await setup(); });
test.after(async () => { if (env) await env.close(); });

const focused = (page) => page.evaluate(() => {
  const a = document.activeElement;
  return a ? `${a.tagName.toLowerCase()}${a.className ? '.' + String(a.className).split(' ').join('.') : ''}|${(a.textContent || '').trim().slice(0, 30)}` : '';
});

test('skip link, menu, guide, login and action forms by keyboard', shot(() => env, async () => {
  const page = await env.newPage({ name: 'keys', viewport: PHONE });
  await page.goto(env.base + '/');
  await page.locator('main h1').waitFor();

  // The first Tab reaches the skip link; Enter jumps to the page heading.
  await page.keyboard.press('Tab');
  assert.match(await focused(page), /^a\.skip-link/);
  await page.keyboard.press('Enter');
  assert.match(await focused(page), /^h1/);

  // The phone menu opens from the keyboard.
  await page.locator('.nav-toggle').focus();
  await page.keyboard.press('Enter');
  assert.strictEqual(await page.locator('.nav-toggle').getAttribute('aria-expanded'), 'true');
  await page.keyboard.press('Tab');
  assert.match(await focused(page), /^a\|首页/);
  await page.keyboard.press('Enter');

  // A guide's questions are radio groups: arrows choose, Enter submits.
  await page.goto(env.base + '/#/guide/support');
  await page.locator('input[name="who"]').first().focus();
  await page.keyboard.press('Space');
  await page.keyboard.press('ArrowDown');
  assert.strictEqual(await page.locator('input[name="who"]:checked').getAttribute('value'), 'child');
  await page.keyboard.press('Enter');
  await page.locator('.guide-result').getByText('《民法典》第一千零六十七条').waitFor();

  // Sign in: the user name has focus, Tab to the password, Enter to send.
  await page.goto(env.base + '/#/login');
  await page.locator('input[name="username"]').focus();
  await page.keyboard.type('fengqiao.handler');
  await page.keyboard.press('Tab');
  await page.keyboard.type(DEMO_PASSWORD);
  await page.keyboard.press('Enter');
  await page.waitForURL(/#\/inbox/);

  // An action form opens with focus in its first field; Escape closes it
  // and gives focus back to its button.
  await page.locator('.case-card a.case-title').first().waitFor();
  await page.locator('.case-card a.case-title').first().focus();
  await page.keyboard.press('Enter');
  await page.waitForURL(/#\/case\/\d+/);
  const btn = page.locator('.action-btn[data-action="note"]');
  await btn.waitFor();
  await btn.focus();
  await page.keyboard.press('Enter');
  await page.locator('#action-form').waitFor();
  assert.match(await focused(page), /^textarea/);
  await page.keyboard.press('Escape');
  await page.locator('#action-form').waitFor({ state: 'detached' });
  assert.match(await focused(page), /^button\.btn\.action-btn/);
  env.check();
}));
