// report.test.js - the weekly 研判 report in the browser (issue 16): a
// township cadre (枫桥镇) opens the report of the township for the current
// week: the rates against last week and last year, the sections with their
// counts, and the PDF link downloads a PDF. Desktop in Chinese and phone
// (375 px) in English, with axe and no console errors.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const { setup, shot, login, axeCheck, scrollWidth, DESKTOP, PHONE } = require('./helpers.js');
const { Client } = require('../lib/server.js');

let env;
let api;
test.before(async () => {
  env = await setup();
  api = new Client(env.base);
  await api.login('fengqiao.handler');
});
test.after(async () => { if (env) await env.close(); });

function mondayOf(t) {
  const bj = new Date(t + 8 * 3600 * 1000);
  const dow = (bj.getUTCDay() + 6) % 7;
  return new Date(Date.UTC(bj.getUTCFullYear(), bj.getUTCMonth(), bj.getUTCDate() - dow))
    .toISOString().slice(0, 10);
}

for (const [label, viewport, en] of [['desktop', DESKTOP, false], ['phone', PHONE, true]]) {
  test(`a township cadre reads the weekly report and downloads its PDF (${label})`, shot(() => env, async () => {
    const week = mondayOf(Date.now());
    const r = await api.get(`/api/v1/reports/weekly?region=330681109&week=${week}`);
    assert.strictEqual(r.status, 200, r.text);
    const page = await env.newPage({ name: `report-${label}`, viewport, lang: en ? 'en' : undefined });
    await login(page, env.base, 'fengqiao.handler');
    await page.goto(`${env.base}/#/report?region=330681109&week=${week}`);
    await page.getByRole('heading', { level: 1, name: en ? 'Weekly analysis report (研判周报)' : '矛盾纠纷研判周报' }).waitFor();
    const counts = page.locator('table.report-counts');
    await counts.waitFor();
    await page.getByText(en ? 'Same week last year' : '去年同期').first().waitFor();
    const row = counts.locator('tbody tr').first();
    assert.match(await row.innerText(), new RegExp(String(r.json.periods[0].cases)));
    const overdue = en ? `Overdue cases (${r.json.overdue.total})` : `超期案件（${r.json.overdue.total}）`;
    await page.getByRole('heading', { level: 2, name: overdue }).waitFor();
    assert.strictEqual(await page.locator('.report-days li').count(), 7);
    if (label === 'phone') assert.ok(await scrollWidth(page) <= 375 + 1, 'no horizontal overflow');
    await axeCheck(page, `weekly report ${label}`);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: en ? 'Download PDF' : '下载 PDF' }).click(),
    ]);
    assert.match(download.suggestedFilename(), /^weekly-report-330681109-.*\.pdf$|研判周报/);
    const file = await download.path();
    assert.strictEqual(fs.readFileSync(file).subarray(0, 5).toString(), '%PDF-');
    env.check();
  }));
}
