// history.test.js - imported history is shown apart from the headline rates
// on the dashboard and marked on its case page; a long timeline comes in
// pages with a button for more (issue 11, items 4 and 12).
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { setup, shot, login } = require('./helpers.js');
const { Client } = require('../lib/server.js');

let env;
test.before(async () => { env = await setup(); });
test.after(async () => { if (env) await env.close(); });

test('imported cases are counted apart and marked; the timeline pages', shot(() => env, async () => {
  const admin = new Client(env.base);
  await admin.login('admin');
  const head = 'title,description,category,region,created_at,status,resolved_level\r\n';
  const rows = [1, 2, 3].map((i) => `导入旧案${i},旧案,neighbour,330681109290,2025-03-0${i}T10:00:00+08:00,closed,5\r\n`).join('');
  const imp = await admin.post('/api/import/cases', head + rows, { 'content-type': 'text/csv' });
  assert.strictEqual(imp.status, 201, imp.text);
  // a live case with more timeline entries than one page holds
  const c = await admin.post('/api/cases', { title: '长时间线', description: '备注很多', category: 'neighbour', region: '330681109290' });
  for (let i = 0; i < 105; i++) {
    const r = await admin.post(`/api/cases/${c.json.id}/actions`, { action: 'note', text: `第${i}条备注` });
    assert.strictEqual(r.status, 200);
  }

  const page = await env.newPage({ name: 'history', viewport: { width: 375, height: 812 } });
  await login(page, env.base, 'admin');
  await page.goto(`${env.base}/#/dashboard?region=330681109290&from=2025-01-01&to=2025-12-31`);
  const note = page.locator('#dash-imported');
  await note.waitFor();
  assert.match(await note.innerText(), /导入的历史案件 3 件.*不计入上述比率/);

  await page.goto(`${env.base}/#/case/${imp.json.first_id}`);
  await page.locator('.badge.imported', { hasText: '导入的历史案件' }).waitFor();

  await page.goto(`${env.base}/#/case/${c.json.id}`);
  const more = page.getByRole('button', { name: '加载更多记录' });
  await more.waitFor();
  assert.strictEqual(await page.locator('ol.timeline > li').count(), 100);
  await more.click();
  await page.locator('ol.timeline > li').nth(105).waitFor();
  assert.strictEqual(await page.locator('ol.timeline > li').count(), 106);
  assert.strictEqual(await more.count(), 0);
  env.check();
}));
