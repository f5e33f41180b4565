// elder.test.js - 长辈版: large type and strong contrast for older residents,
// switched on from the menu, remembered after a reload, still fitting the
// screen (a 375 px phone too) and free of serious accessibility violations;
// at desktop and phone width, each in zh-CN and English (helpers.js RUNS).
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { setup, shot, scrollWidth, axeCheck, RUNS } = require('./helpers.js');

let env;
test.before(async () => { env = await setup(); });
test.after(async () => { if (env) await env.close(); });

// The menu button is there on a phone; on a desktop the menu is open.
async function openMenu(page, L) {
  const menu = page.getByRole('button', { name: L('菜单', 'Menu'), exact: true });
  if (await menu.isVisible()) await menu.click();
}

for (const { label, viewport, lang, L } of RUNS) {
  test(`长辈版 is large, remembered, fits the screen and passes axe (${label})`, shot(() => env, async () => {
    const page = await env.newPage({ name: `elder-${label}`, viewport, lang });
    await page.goto(env.base + '/#/');
    await page.locator('h1').first().waitFor();
    const before = await page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize));
    await openMenu(page, L);
    const sw = page.getByRole('button', { name: L('长辈版（大字）', 'Large text') });
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
      assert.ok(await scrollWidth(page) <= viewport.width, `${hash} fits ${viewport.width} px in 长辈版`);
      await axeCheck(page, `on ${hash} in 长辈版 (${label})`);
    }
    // and off again
    await openMenu(page, L);
    await page.getByRole('button', { name: L('长辈版（大字）', 'Large text') }).click();
    assert.ok(!(await page.evaluate(() => document.documentElement.classList.contains('elder'))));
    env.check();
  }));
}
