// patrol.test.js - patrols (巡查走访, issue 15) in the browser, at desktop
// and phone width, each in zh-CN and English (helpers.js RUNS): the grid
// head's own patrols, who is behind the grid's norm, the coverage table,
// and the coverage card on the dashboard; no horizontal scroll at 375 px,
// axe clean, no console errors.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { setup, shot, login, axeCheck, scrollWidth, RUNS } = require('./helpers.js');
const { Client } = require('../lib/server.js');
const { GA, seedGrids, now, patrol } = require('../lib/patrol.js');

let env;
test.before(async () => {
  env = await setup();
  seedGrids(env.server);
  const head = new Client(env.base);
  await head.login('fengyuan.mediator');
  // the head walks the grid too; the workers have not today
  const r = await head.post('/api/v1/patrols', patrol(now() - 1800, { findings: '村口桥栏松动，已上报。' }));
  assert.strictEqual(r.status, 201, r.text);
  const n = await head.req('PUT', `/api/v1/grids/${GA}/patrol-norm`, { visits_per_day: 2 });
  assert.strictEqual(n.status, 200, n.text);
});
test.after(async () => { if (env) await env.close(); });

for (const { label, viewport, lang, L } of RUNS) {
  test(`the patrol list, who is behind and coverage (${label})`, shot(() => env, async () => {
    const page = await env.newPage({ name: `patrol-${label}`, viewport, lang });
    await login(page, env.base, 'fengyuan.mediator');
    await page.goto(env.base + '/#/patrols');
    await page.getByRole('heading', { level: 1, name: L('巡查走访', 'Patrols (巡查走访)') }).waitFor();
    const mine = page.locator('.patrol-item').first();
    await mine.waitFor();
    const text = await mine.innerText();
    assert.match(text, L(/走访 3 户/, /3 households visited/));
    assert.match(text, /村口桥栏松动/);
    const late = page.locator('table.patrol-behind tr.patrol-late');
    await late.first().waitFor();
    const names = await late.locator('th').allInnerTexts();
    assert.deepStrictEqual(names.sort(), ['兼职网格员', '刘志强（枫源村网格员）'], 'both workers are behind today');
    assert.match(await late.first().innerText(), /0\/2/);
    const row = page.locator(`table.patrol-coverage tr[data-grid="${GA}"]`);
    await row.waitFor();
    assert.match(await row.innerText(), /300/);
    assert.match(await row.innerText(), /\b3\b/);
    assert.ok(await scrollWidth(page) <= viewport.width + 1, 'no horizontal scroll');
    await axeCheck(page, `on the patrols page (${label})`);

    await page.goto(env.base + '/#/dashboard');
    const card = page.locator('#dash-patrols');
    await card.waitFor();
    assert.match(await card.innerText(), L(/\d+ 个网格，近 30 天走访 3 户（共 [\d,]+ 户）/, /\d+ grids, 3 of [\d,]+ households visited/));
    assert.ok(await scrollWidth(page) <= viewport.width + 1, 'no horizontal scroll on the dashboard');
    await axeCheck(page, `on the dashboard's coverage card (${label})`);
    env.check();
  }));
}
