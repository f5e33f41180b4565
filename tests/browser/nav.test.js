// nav.test.js - the staff menu's groups: the grid work's pages (issue 15:
// field work, grid events, patrols, grids, service teams) sit under one
// button that shows and hides them, at desktop width (a panel below the
// button) and on a 375 px phone (inside the opened menu); Escape and a
// click elsewhere close it, and the button is marked while one of its
// pages is shown.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { setup, shot, login, axeCheck, PHONE, DESKTOP } = require('./helpers.js');

let env;
test.before(async () => { env = await setup(); });
test.after(async () => { if (env) await env.close(); });

for (const [label, viewport, locale, names] of [
  ['desktop, zh-CN', DESKTOP, 'zh-CN', { group: '网格治理', events: '网格事件', field: '网格工作' }],
  ['phone, en', PHONE, 'en', { group: 'Grid work', events: 'Grid events', field: 'Field work' }],
]) {
  test(`the grid work's pages open from one menu button (${label})`, shot(() => env, async () => {
    const page = await env.newPage({ name: `nav-${locale}`, viewport, locale });
    await login(page, env.base, 'fengyuan.grid');
    if (locale === 'en' && !(await page.evaluate(() => document.documentElement.lang.startsWith('en')))) {
      await page.getByRole('button', { name: 'English' }).click();
      await page.waitForFunction(() => document.documentElement.lang.startsWith('en'));
    }
    const openMenu = async () => {
      const toggle = page.locator('.nav-toggle');
      if (await toggle.isVisible() && (await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
    };
    await openMenu();
    const group = page.getByRole('button', { name: names.group });
    await group.waitFor();
    const events = page.getByRole('link', { name: names.events });
    assert.strictEqual(await group.getAttribute('aria-expanded'), 'false');
    assert.ok(!(await events.isVisible()), 'closed: its links are hidden');
    await group.click();
    assert.strictEqual(await group.getAttribute('aria-expanded'), 'true');
    assert.ok(await events.isVisible(), 'open: its links show');
    assert.ok(await page.getByRole('link', { name: names.field }).isVisible(), 'a grid worker has the field app');
    await axeCheck(page);
    // Escape from a link closes the group and gives the focus back
    await events.focus();
    await page.keyboard.press('Escape');
    assert.strictEqual(await group.getAttribute('aria-expanded'), 'false');
    assert.ok(await group.evaluate((b) => b === document.activeElement), 'the focus is back on the button');
    // a click elsewhere closes it
    await group.click();
    await page.locator('main').click({ position: { x: 5, y: 5 } });
    assert.strictEqual(await group.getAttribute('aria-expanded'), 'false');
    // a link opens its page, and the group's button is marked there
    await openMenu();
    await group.click();
    await events.click();
    await page.waitForURL(/#\/events/);
    await openMenu();
    await page.waitForFunction(() => document.querySelector('.nav-group-toggle.current'));
    const box = await group.boundingBox();
    assert.ok(box.height < 50, `the button reads on one line (${box.height} px)`);
    env.check();
  }));
}
