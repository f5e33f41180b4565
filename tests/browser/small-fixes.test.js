// small-fixes.test.js - the "small fixes" of issue 13: the skip link's
// target exists, the phone dashboard's table caption reads on one line, the
// English menu does not wrap, the whole inbox card is a tap target, an
// analyst starts at 研判, and a deadline chip is read once.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { setup, shot, login, PHONE, DESKTOP } = require('./helpers.js');

let env;
test.before(async () => { env = await setup(); });
test.after(async () => { if (env) await env.close(); });

test('the skip link points at the main content, which takes focus', shot(() => env, async () => {
  const page = await env.newPage({ name: 'skip' });
  await page.goto(env.base + '/#/');
  await page.locator('h1').first().waitFor();
  const href = await page.locator('.skip-link').getAttribute('href');
  assert.ok(await page.evaluate((sel) => !!document.querySelector(sel), href), `${href} exists`);
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  assert.strictEqual(await page.evaluate(() => document.activeElement.tagName), 'H1');
  env.check();
}));

test('an analyst starts at 研判; the phone table caption reads across', shot(() => env, async () => {
  const page = await env.newPage({ name: 'analyst', viewport: PHONE });
  await login(page, env.base, 'zhuji.analyst');
  await page.waitForURL(/#\/dashboard/);
  const caption = page.locator('table.sub-regions caption');
  await caption.waitFor();
  const box = await caption.boundingBox();
  assert.ok(box.width > 200, `caption is ${box.width} px wide`);
  assert.ok(box.height < 80, `caption is ${box.height} px high`);
  env.check();
}));

test('the English menu keeps each item on one line', shot(() => env, async () => {
  const page = await env.newPage({ name: 'menu-en', viewport: DESKTOP, locale: 'en' });
  await login(page, env.base, 'fengqiao.handler');
  if (!(await page.evaluate(() => document.documentElement.lang.startsWith('en')))) {
    await page.getByRole('button', { name: 'English' }).click();
    await page.waitForFunction(() => document.documentElement.lang.startsWith('en'));
  }
  const heights = await page.locator('.nav-list a').evaluateAll((as) => as.map((a) => [a.textContent, a.getBoundingClientRect().height]));
  for (const [label, hgt] of heights) assert.ok(hgt < 50, `"${label}" is ${hgt} px high`);
  env.check();
}));

test('a tap anywhere on an inbox card opens the case; its deadline is read once', shot(() => env, async () => {
  const page = await env.newPage({ name: 'card', viewport: PHONE });
  await login(page, env.base, 'fengyuan.mediator');
  const card = page.locator('.case-card').first();
  await card.waitFor();
  const id = await card.getAttribute('data-id');
  const chip = card.locator('.deadline-chip');
  if (await chip.count()) {
    const spoken = await chip.evaluate((el) => [...el.childNodes].filter((n) => !(n.getAttribute && n.getAttribute('aria-hidden') === 'true')).map((n) => n.textContent).join(''));
    const visible = await chip.locator('[aria-hidden="true"]').innerText();
    assert.ok(spoken.includes(visible), `"${spoken}" says what is shown ("${visible}")`);
    for (const word of ['已超期', '剩余', '已暂停']) assert.ok(spoken.split(word).length <= 2, `"${word}" once in "${spoken}"`);
  }
  const meta = card.locator('.case-card-meta');
  const b = await meta.boundingBox();
  await page.mouse.click(b.x + b.width - 5, b.y + b.height / 2);
  await page.waitForURL(new RegExp(`#/case/${id}$`));
  env.check();
}));
