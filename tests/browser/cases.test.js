// cases.test.js - the case list's filters, full-text search, paging and CSV
// link, and the inbox's most-urgent-first order with its colours.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { setup, shot, login } = require('./helpers.js');
const { Client } = require('../lib/server.js');

let env;
test.before(async () => { env = await setup(); });
test.after(async () => { if (env) await env.close(); });

test('list filters, search, paging, CSV; inbox order', shot(() => env, async () => {
  const api = new Client(env.base);
  await api.login('fengqiao.clerk');
  const made = await api.post('/api/cases', {
    title: '枫叶湾鱼塘承包费纠纷', description: '鱼塘承包费多年未结清。', category: 'contract',
    channel: 'hotline', region: '330681109290',
    parties: [{ role: 'applicant', name: '钱大叔', phone: '13800000055' }],
  });
  assert.strictEqual(made.status, 201, made.text);

  const page = await env.newPage({ name: 'cases' });
  await login(page, env.base, 'fengqiao.handler');

  // Inbox: most urgent first; overdue cards are marked red, due-soon amber.
  await page.locator('.case-cards, .empty').first().waitFor();
  const cards = page.locator('.case-cards .case-card');
  if (await cards.count()) {
    const urg = await cards.evaluateAll((els) => els.map((e) => (e.className.match(/urgency-(\w+)/) || [])[1]));
    const rank = { overdue: 0, soon: 1, ok: 2, paused: 3, met: 3, none: 4 };
    for (let i = 1; i < urg.length; i += 1) assert.ok(rank[urg[i - 1]] <= rank[urg[i]], `inbox order ${urg.join(',')}`);
    if (urg.includes('overdue')) {
      const color = await page.locator('.case-card.urgency-overdue .deadline-chip').first()
        .evaluate((el) => getComputedStyle(el).color);
      assert.strictEqual(color, 'rgb(166, 27, 27)');
    }
  } else {
    await page.locator('.empty').waitFor();
  }

  // Full-text search.
  await page.getByRole('link', { name: '案件', exact: true }).click();
  await page.waitForURL(/#\/cases$/);
  await page.getByRole('searchbox', { name: '搜索' }).fill('鱼塘承包费');
  await page.getByRole('button', { name: '查询', exact: true }).click();
  await page.waitForURL(/q=/);
  const rows = page.locator('table.case-table tbody tr');
  await rows.first().waitFor();
  assert.match(await rows.first().innerText(), /枫叶湾鱼塘承包费纠纷/);
  const csv = await page.getByRole('link', { name: '导出 CSV' }).getAttribute('href');
  assert.match(csv, /^\/api\/cases\.csv\?/);
  assert.match(decodeURIComponent(csv), /q=鱼塘承包费/);
  const res = await page.evaluate(async (u) => { const r = await fetch(u); return { status: r.status, type: r.headers.get('content-type') }; }, csv);
  assert.strictEqual(res.status, 200);
  assert.match(res.type, /csv/);

  // A status filter shows only that status; clearing brings all back.
  await page.getByRole('link', { name: '清除筛选' }).click();
  await page.waitForURL(/#\/cases$/);
  await page.getByLabel('状态', { exact: true }).selectOption('registered');
  await page.getByRole('button', { name: '查询', exact: true }).click();
  await page.waitForURL(/status=registered/);
  // the new table replaces the old one: wait until it has drawn
  let statuses = [];
  for (let i = 0; i < 50; i++) {
    statuses = await page.locator('table.case-table tbody .status').allInnerTexts();
    if (statuses.length > 0 && statuses.every((s) => s === '已登记')) break;
    await page.waitForTimeout(100);
  }
  assert.ok(statuses.length > 0 && statuses.every((s) => s === '已登记'), statuses.join(','));

  // Area filter (cascade rooted at the user's township) and paging.
  await page.getByRole('link', { name: '清除筛选' }).click();
  await page.waitForURL(/#\/cases$/);
  await page.locator('details.more-filters summary').click();
  const village = page.locator('.region-picker select[data-level="5"]');
  await village.locator('option[value="330681109290"]').waitFor({ state: 'attached' });
  await village.selectOption('330681109290');
  await page.getByRole('button', { name: '查询', exact: true }).click();
  await page.waitForURL(/region=330681109290/);
  await rows.first().waitFor();
  const info = await page.locator('.pager-info').innerText();
  const total = Number((info.match(/共 (\d[\d,]*) 件/) || [])[1].replace(/,/g, ''));
  assert.ok(total >= 1);
  if (total > 20) {
    await page.getByRole('link', { name: '下一页' }).click();
    await page.waitForURL(/page=2/);
    await page.locator('.pager-info', { hasText: '第 2 /' }).waitFor();
    await page.getByRole('link', { name: '上一页' }).waitFor();
  }

  // A search with no hits says what to do next.
  await page.goto(env.base + '/#/cases?q=' + encodeURIComponent('不存在的关键词zzz'));
  await page.locator('.empty').filter({ hasText: '没有符合条件的案件' }).waitFor();
  await page.locator('.empty').getByRole('link', { name: '清除筛选' }).waitFor();
  env.check();
}));
