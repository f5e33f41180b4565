// analysis.test.js - issue 13 items 10 and 11 in the browser, at desktop
// and phone width, each in zh-CN and English (helpers.js RUNS): each rate shows n/d and its base, the third rate reads
// 上交率（县级以上）and "lower is better"; quick ranges compare with the
// previous period; the sub-region table sorts, hides empty rows and exports
// as CSV; clicking an overdue count opens exactly those cases; the case
// list offers the readable export named 案件_<region>_<date>.csv.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const { setup, shot, login, axeCheck, scrollWidth, RUNS, DESKTOP } = require('./helpers.js');

let env;
test.before(async () => { env = await setup(); });
test.after(async () => { if (env) await env.close(); });

const today = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());

for (const { label, viewport, lang, L } of RUNS) {
  test(`dashboard definitions and an overdue count that opens exactly those cases (${label})`, shot(() => env, async () => {
    const page = await env.newPage({ name: `analysis-${label}`, viewport, lang });
    await login(page, env.base, 'fengqiao.handler');
    await page.goto(env.base + '/#/dashboard');
    await page.getByRole('heading', { level: 1, name: L('研判分析', 'Analysis') }).waitFor();
    const kpis = page.locator('.kpis');
    await kpis.locator('.kpi[data-rate="above_county"]').waitFor();
    const third = await kpis.locator('.kpi[data-rate="above_county"]').innerText();
    assert.match(third, L(/上交率（县级以上）/, /Escalated above the county/));
    assert.match(third, L(/越低越好/, /Lower is better/));
    for (const rate of ['in_village', 'at_or_below_township', 'above_county', 'on_time', 'satisfaction']) {
      const text = await kpis.locator(`.kpi[data-rate="${rate}"]`).innerText();
      assert.match(text, /\d+\/\d+/, `${rate} shows n/d`);
      assert.match(text, L(/基数：/, /\d+\/\d+ of [a-z]/), `${rate} names its base`);
    }
    // 按期办结率 counts the open overdue cases, and the page says how
    const onTime = await kpis.locator('.kpi[data-rate="on_time"]').innerText();
    assert.match(onTime, L(/含逾期未化解 \d+ 件/, /including \d+ open overdue/));
    await page.locator('.rate-defs summary').click();
    assert.match(await page.locator('.rate-defs li[data-def="on_time"]').innerText(), L(/逾期未化解/, /Open overdue/));
    await axeCheck(page, `on the dashboard (${label})`);

    // sort by the overdue column: largest first
    const table = page.locator('table.sub-regions');
    await table.waitFor();
    if (viewport === DESKTOP) {
      await table.locator('button[data-sort="overdue"]').click();
      assert.strictEqual(await table.locator('th[aria-sort="descending"] button[data-sort="overdue"]').count(), 1);
      const vals = await table.locator('tbody td[data-col="overdue"]').allInnerTexts();
      const nums = vals.map((v) => Number(v.replace(/\D/g, '')) || 0);
      assert.deepStrictEqual(nums, nums.slice().sort((a, b) => b - a));
    }
    // hide the empty rows
    const rowsBefore = await table.locator('tbody tr').count();
    await page.getByLabel(L('隐藏没有案件的行', 'Hide rows without cases')).check();
    await page.waitForURL(/hide=1/);
    const rowsAfter = await table.locator('tbody tr').count();
    assert.ok(rowsAfter <= rowsBefore && rowsAfter > 0);
    for (const t of await table.locator('tbody td[data-col="cases"]').allInnerTexts()) assert.notStrictEqual(t.trim(), '0');

    // export the table
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#dash-export').click()]);
    assert.strictEqual(download.suggestedFilename(), `${L('研判', 'analysis')}_枫桥镇_${today()}.csv`);
    const csv = fs.readFileSync(await download.path(), 'utf8');
    assert.match(csv, L(/^\ufeff"区域","区划代码","案件数"/, /^\ufeff"Area","Region code","/));
    assert.strictEqual(csv.trim().split('\r\n').length, rowsAfter + 1);

    // the check: clicking an overdue count opens exactly those cases
    const link = table.locator('a.count-link[data-kind="overdue"]').first();
    await link.waitFor();
    const n = Number((await link.innerText()).replace(/\D/g, ''));
    const code = await link.getAttribute('data-code');
    assert.ok(n > 0);
    await link.click();
    await page.waitForURL(new RegExp(`#/cases\\?.*region=${code}.*overdue=true`));
    await page.locator('.case-table tbody tr').first().waitFor();
    const expected = await page.evaluate(async (q) => {
      const r = await fetch('/api/cases?' + q + '&page_size=200', { headers: { accept: 'application/json' } });
      return (await r.json()).items.map((c) => c.tracking_code);
    }, `region=${code}&overdue=true`);
    assert.strictEqual(expected.length, n, 'the count is the list\'s');
    // the first page, in the list's order (newest first), then the count
    const shown = await page.locator('.case-table tbody tr .code').allInnerTexts();
    assert.deepStrictEqual(shown, expected.slice(0, 20));
    assert.match(await page.locator('.pager-info').innerText(), new RegExp(`${n}`));
    assert.ok(await scrollWidth(page) <= viewport.width + 1, 'no horizontal scroll');
    env.check();
  }));
}

for (const { label, viewport, lang, L } of RUNS) {
  test(`quick ranges and the previous period (${label})`, shot(() => env, async () => {
    const page = await env.newPage({ name: `analysis-ranges-${label}`, viewport, lang });
    await login(page, env.base, 'zhuji.analyst');
    await page.getByRole('heading', { level: 1, name: L('研判分析', 'Analysis') }).waitFor();
    await page.locator('.quick-ranges button[data-range="thisMonth"]').click();
    const d = today();
    await page.waitForURL(new RegExp(`from=${d.slice(0, 7)}-01`));
    await page.locator('.kpi-compare[data-rate="in_village"]').waitFor();
    assert.match(await page.locator('.kpi[data-rate="above_county"]').innerText(),
      L(/上交率（县级以上）[\s\S]*越低越好/, /Escalated above the county[\s\S]*Lower is better/));
    assert.match(await page.locator('.dash-body > p.muted').first().innerText(),
      L(/对比上期 \d{4}-\d{2}-01 至 \d{4}-\d{2}-\d{2}/, /compared with \d{4}-\d{2}-01 to \d{4}-\d{2}-\d{2}/));
    assert.strictEqual(await page.locator('.quick-ranges button[aria-pressed="true"]').count(), 1);
    await page.locator('.quick-ranges button[data-range="thisYear"]').click();
    await page.waitForURL(new RegExp(`from=${d.slice(0, 4)}-01-01&to=${d.slice(0, 4)}-12-31`));
    await page.locator('.kpi-compare').first().waitFor();
    await axeCheck(page, `quick ranges (${label})`);
    env.check();
  }));
}

// the readable export is Chinese whatever the UI's language: it is for
// people who read the case files in Chinese (item 11)
for (const { label, viewport, lang, L } of RUNS) {
  test(`the case list offers the readable export named 案件_<region>_<date>.csv (${label})`, shot(() => env, async () => {
    const page = await env.newPage({ name: `analysis-export-${label}`, viewport, lang });
    await login(page, env.base, 'fengqiao.handler');
    await page.goto(env.base + '/#/cases?region=330681109');
    await page.locator('.case-table').waitFor();
    const link = page.locator('#csv-readable');
    assert.strictEqual(await link.innerText(), L('导出表格（中文）', 'Export (readable)'));
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    assert.strictEqual(download.suggestedFilename(), `案件_枫桥镇_${today()}.csv`);
    const csv = fs.readFileSync(await download.path(), 'utf8');
    assert.match(csv, /^\ufeff"案件编号","标题","纠纷类别"/);
    await axeCheck(page, `case list with the exports (${label})`);
    env.check();
  }));
}
