// keyboard.test.js - the main paths work from the keyboard alone.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { setup, shot, login, axeCheck, RUNS, PHONE, DEMO_PASSWORD } = require('./helpers.js');
const { Client } = require('../lib/server.js');

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

// issue 13 item 2's shortcuts, at desktop and phone width (a phone may have
// a keyboard too), each in zh-CN and English (helpers.js RUNS)
for (const { label, viewport, lang, L } of RUNS) test(`shortcuts: j/k in the inbox, ? for the help sheet, n and a on a case (${label})`, shot(() => env, async () => {
  // two cases waiting to be accepted: each run's 'a' takes one
  const api = new Client(env.base);
  await api.login('fengyuan.mediator');
  for (const n of [1, 2]) {
    const r = await api.post('/api/cases', {
      title: `快捷键测试${n}`, description: '两户之间排水沟被填，雨天积水倒灌。', category: 'neighbour',
      channel: 'walk_in', region: '330681109290',
    });
    assert.strictEqual(r.status, 201, r.text);
  }
  const page = await env.newPage({ name: `shortcuts-${label}`, viewport, lang });
  await login(page, env.base, 'fengyuan.mediator');
  await page.goto(env.base + '/#/inbox?queue=to_accept');
  await page.locator('.case-cards .case-card').nth(1).waitFor();
  // j moves to the first card's link, j again to the second, k back
  await page.locator('main h1').click();
  await page.keyboard.press('j');
  const first = await page.locator('.case-card').nth(0).getAttribute('data-id');
  assert.strictEqual(await page.evaluate(() => document.activeElement.closest('.case-card').dataset.id), first);
  await page.keyboard.press('j');
  const second = await page.locator('.case-card').nth(1).getAttribute('data-id');
  assert.strictEqual(await page.evaluate(() => document.activeElement.closest('.case-card').dataset.id), second);
  await page.keyboard.press('k');
  assert.strictEqual(await page.evaluate(() => document.activeElement.closest('.case-card').dataset.id), first);
  // ? opens the help sheet; Escape closes it
  await page.keyboard.press('?');
  const help = page.locator('dialog#keys-help');
  await help.waitFor();
  assert.match(await help.innerText(), L(/键盘快捷键[\s\S]*j[\s\S]*列表中下一件/, /Keyboard shortcuts[\s\S]*j[\s\S]*Next case in a list/));
  await axeCheck(page, `help sheet (${label})`);
  await page.keyboard.press('Escape');
  await help.waitFor({ state: 'hidden' });
  // Enter opens the focused case; n opens the note form; a runs the usual next step
  await page.keyboard.press('Enter');
  await page.waitForURL(/#\/case\/\d+/);
  await page.locator('.action-primary').waitFor();
  await page.keyboard.press('n');
  await page.locator('#action-form[data-action="note"]').waitFor();
  assert.match(await focused(page), /^textarea/);
  // typing in the note does not trigger shortcuts
  await page.keyboard.type('an');
  assert.strictEqual(await page.locator('#action-form[data-action="note"] textarea').inputValue(), 'an');
  await page.keyboard.press('Escape');
  await page.locator('#action-form').waitFor({ state: 'detached' });
  await page.locator('main h1').click();
  await page.keyboard.press('a');
  await page.locator('.case-badges .status', { hasText: L('调解中', 'Mediating') }).waitFor();
  env.check();
}));
