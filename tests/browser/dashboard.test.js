// dashboard.test.js - the analysis page draws its ECharts charts, shows the
// three headline rates, and its sub-region table drills down one level on a
// click, with a breadcrumb to go back up.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { setup, shot, login } = require('./helpers.js');

let env;
test.before(async () => { env = await setup(); });
test.after(async () => { if (env) await env.close(); });

test('charts, rates and drill-down', shot(() => env, async () => {
  const page = await env.newPage({ name: 'dash' });
  await login(page, env.base, 'zhuji.analyst');
  await page.getByRole('link', { name: '研判' }).click();
  await page.waitForURL(/#\/dashboard/);
  await page.getByRole('heading', { level: 1, name: '研判分析' }).waitFor();

  // Three charts, each drawn on a canvas by ECharts.
  for (const id of ['chart-days', 'chart-category', 'chart-channel']) {
    await page.locator(`#${id} canvas`).first().waitFor();
  }
  assert.ok(await page.locator('.chart-canvas canvas').count() >= 3);
  assert.ok(await page.evaluate(() => typeof window.echarts === 'object'));

  // Tooltips work (drawn on the canvas: no inline styles against the CSP):
  // ECharts announces each tooltip it shows with a showTip event.
  await page.evaluate(() => {
    window.__tips = [];
    const chart = window.echarts.getInstanceByDom(document.getElementById('chart-category'));
    chart.on('showTip', (e) => window.__tips.push(e));
  });
  await page.locator('#chart-category').scrollIntoViewIfNeeded();
  const box = await page.locator('#chart-category').boundingBox();
  for (let y = 20; y < box.height - 10; y += 15) {
    await page.mouse.move(box.x + box.width / 2, box.y + y);
    if (await page.evaluate(() => window.__tips.length > 0)) break;
  }
  await page.waitForFunction(() => window.__tips.length > 0);

  // The three headline rates.
  const kpis = await page.locator('.kpis').innerText();
  for (const label of ['小事不出村', '大事不出镇', '矛盾不上交']) assert.match(kpis, new RegExp(label));

  // The analyst's own region is 诸暨市: its townships are listed.
  const crumbs = page.locator('.region-crumbs');
  await crumbs.filter({ hasText: '诸暨市' }).waitFor();
  const town = page.locator('table.sub-regions a.drill[data-code="330681109"]');
  await town.waitFor();
  await town.click();
  await page.waitForURL(/region=330681109(&|$)/);
  await crumbs.locator('[aria-current="page"]', { hasText: '枫桥镇' }).waitFor();
  await page.locator('table.sub-regions a.drill[data-code="330681109290"]').waitFor();
  await page.locator('#chart-days canvas').first().waitFor();

  // One more level: a village has no sub-regions, and says how to go back.
  await page.locator('table.sub-regions a.drill[data-code="330681109290"]').click();
  await page.waitForURL(/region=330681109290/);
  await page.locator('.empty').filter({ hasText: '没有下级区域' }).waitFor();

  // Back up through the breadcrumb.
  await crumbs.getByRole('link', { name: '枫桥镇' }).click();
  await page.waitForURL(/region=330681109(&|$)/);
  await crumbs.getByRole('link', { name: '诸暨市' }).click();
  await page.waitForURL((u) => !/region=/.test(u.hash));
  await page.locator('table.sub-regions a.drill[data-code="330681109"]').waitFor();
  await page.locator('#chart-channel canvas').first().waitFor();
  env.check();
}));
