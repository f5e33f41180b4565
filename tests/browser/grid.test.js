// grid.test.js - grids (网格, issue 15) in the browser, at desktop and
// phone width, in zh-CN and English (helpers.js RUNS): the grid map draws
// (an ECharts canvas with something painted on it), the list shows the
// demo grids with the size warning, one grid shows its staff, and the
// township's cadre edits a grid; no horizontal scroll, axeCheck.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { setup, shot, login, axeCheck, scrollWidth, RUNS } = require('./helpers.js');

let env;
test.before(async () => { env = await setup(); });
test.after(async () => { if (env) await env.close(); });

// Pixels of the canvas that are not blank: the map has been drawn.
const painted = (page) => page.evaluate(() => {
  const c = document.querySelector('#grid-map canvas');
  if (!c || !c.width || !c.height) return 0;
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let i = 3; i < d.length; i += 16) if (d[i] > 0) n++;
  return n;
});

for (const { label, viewport, lang, L } of RUNS) {
  test(`the grid map draws, the list warns, a grid is edited (${label})`, shot(() => env, async () => {
    const page = await env.newPage({ name: `grids-${label}`, viewport, lang });
    await login(page, env.base, 'fengqiao.handler');
    await page.goto(env.base + '/#/grids');
    await page.getByRole('heading', { level: 1, name: L('网格', 'Grids') }).waitFor();
    await page.locator('#grid-map canvas').waitFor();
    await page.waitForFunction(() => {
      const c = document.querySelector('#grid-map canvas');
      return c && c.width > 0;
    });
    let px = 0;
    for (let i = 0; i < 40 && px < 200; i++) {
      px = await painted(page);
      if (px < 200) await page.waitForTimeout(100);
    }
    assert.ok(px >= 200, `the map canvas has content (${px} pixels)`);
    const row = page.locator('table.grid-table tr', { hasText: '枫源村第四网格' });
    await row.waitFor();
    assert.match(await row.innerText(), L(/超出常规/, /Outside the norm/));
    assert.ok(await scrollWidth(page) <= viewport.width + 1, 'no horizontal scroll on the list');
    await axeCheck(page, `grid list (${label})`);

    await row.getByRole('link', { name: '枫源村第四网格' }).click();
    await page.getByRole('heading', { level: 1, name: '枫源村第四网格' }).waitFor();
    assert.match(await page.locator('.grid-warnings').innerText(), L(/人口超过约 2500 人/, /about 2,500/));
    const staff = page.locator('section', { has: page.getByRole('heading', { name: L('网格人员', 'Grid staff') }) });
    assert.match(await staff.innerText(), L(/专职网格员/, /Full-time grid worker/));
    await page.locator('#grid-map canvas').waitFor();
    // the township's cadre edits: fewer households clears one warning
    await page.getByLabel(L('户数', 'Households')).fill('400');
    await page.getByRole('button', { name: L('保存', 'Save') }).click();
    await page.waitForFunction(() => !/多于|More households/.test(document.querySelector('.grid-warnings')?.textContent || ''));
    assert.strictEqual(await page.getByLabel(L('户数', 'Households')).inputValue(), '400');
    assert.ok(await scrollWidth(page) <= viewport.width + 1, 'no horizontal scroll on a grid');
    await axeCheck(page, `grid detail (${label})`);
    // put it back for the next run
    await page.getByLabel(L('户数', 'Households')).fill('520');
    await page.getByRole('button', { name: L('保存', 'Save') }).click();
    await page.waitForFunction(() => /多于|More households/.test(document.querySelector('.grid-warnings')?.textContent || ''));
    env.check();
  }));
}

for (const { label, viewport, lang, L } of RUNS.filter((r) => r.lang === 'zh-CN')) {
  test(`a GeoJSON upload with faults shows one line per feature and imports nothing (${label})`, shot(() => env, async () => {
    const page = await env.newPage({ name: `grids-import-${label}`, viewport, lang });
    await login(page, env.base, 'fengqiao.handler');
    await page.goto(env.base + '/#/grids');
    await page.getByRole('heading', { level: 1, name: L('网格', 'Grids') }).waitFor();
    const ring = [[120.6, 29.6], [120.61, 29.6], [120.61, 29.61], [120.6, 29.61], [120.6, 29.6]];
    const fc = { type: 'FeatureCollection', features: [
      { type: 'Feature', properties: { code: 'UP-OK', name: '上传好', region: '330681109291' }, geometry: { type: 'Polygon', coordinates: [ring] } },
      { type: 'Feature', properties: { code: 'UP-BAD', name: '上传坏', region: '330681109291' }, geometry: { type: 'Polygon', coordinates: [ring.slice(0, 4)] } },
    ] };
    await page.getByLabel(L('GeoJSON 文件（FeatureCollection）', 'GeoJSON file (FeatureCollection)'))
      .setInputFiles({ name: 'grids.geojson', mimeType: 'application/geo+json', buffer: Buffer.from(JSON.stringify(fc)) });
    await page.getByRole('button', { name: L('导入', 'Import'), exact: true }).click();
    const report = page.locator('.grid-report li');
    await report.first().waitFor();
    assert.strictEqual(await report.count(), 1);
    assert.match(await report.first().innerText(), /第 2 个要素（UP-BAD）geometry：.*first point/);
    assert.match(await page.locator('.grid-import-result .alert-error').innerText(), /未导入任何记录/);
    assert.ok(await scrollWidth(page) <= viewport.width + 1, 'no horizontal scroll');
    await axeCheck(page, `grid import report (${label})`);
    // the import's 400 is the answer this test asks for
    env.check([/status of 400 .*\/api\/v1\/grids\/import/]);
  }));
}
