// emergency.test.js - emergencies and warnings in the browser (issue 20):
// a village information reporter (grid worker) files the first report on
// a phone (375 px, English); the township responds (plan, a psychological
// assistance task) on a desktop in Chinese; a warning is drafted, reviewed,
// approved and published by four different people, the drafter being
// refused the next step, and its CAP file downloads and validates against
// the CAP 1.2 schema. axe on every page, no console errors.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { setup, shot, login, logout, axeCheck, scrollWidth, DESKTOP, PHONE, DEMO_PASSWORD } = require('./helpers.js');
const { ROOT, Client } = require('../lib/server.js');

let env;
test.before(async () => {
  env = await setup({ server: { cases: false } });
  env.server.cli(['user', 'add', 'zhuji.duty', '--name', '周海涛（诸暨市应急管理局）', '--password', DEMO_PASSWORD,
    '--role', 'handler', '--region', '330681']);
});
test.after(async () => { if (env) await env.close(); });

async function openGroupLink(page, group, link) {
  const toggle = page.locator('.nav-toggle');
  if (await toggle.isVisible() && (await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
  await page.getByRole('button', { name: group }).click();
  await page.getByRole('link', { name: link, exact: true }).click();
}

let incidentUrl;
test('a reporter files a first report on a phone; the township responds', shot(() => env, async () => {
  const page = await env.newPage({ name: 'em-phone', viewport: PHONE, lang: 'en' });
  await login(page, env.base, 'fengyuan.grid');
  await openGroupLink(page, 'Emergency', 'Incidents');
  await page.getByRole('heading', { level: 1, name: 'Incidents' }).waitFor();
  const form = page.locator('form.em-form').first();
  await form.getByLabel('Kind').selectOption('natural_disaster');
  await form.getByLabel('Grade').selectOption('3');
  await form.getByLabel('Grid (optional)').selectOption({ label: '枫源村第一网格' });
  await form.getByLabel('Title').fill('5组后山滑坡');
  await form.getByLabel('Summary').fill('后山滑坡堵塞村道，两户房屋受损，暂无人员伤亡。');
  await form.getByRole('button', { name: 'Send the first report' }).click();
  await page.waitForURL(/#\/emergency\/incident\/\d+/);
  incidentUrl = page.url();
  await page.getByRole('heading', { level: 1, name: '5组后山滑坡' }).waitFor();
  const reports = page.locator('.em-reports');
  assert.match(await reports.innerText(), /Initial report/);
  assert.match(await reports.innerText(), /sent to 330681109/);
  assert.strictEqual(await page.getByRole('heading', { name: 'Response' }).count(), 0, 'a reporter does not respond');
  const person = page.locator('form').filter({ hasText: 'Record a person' });
  await person.getByLabel('Name').fill('骆阿婆');
  await person.getByLabel('Condition').selectOption('evacuated');
  await person.getByRole('button', { name: 'Record' }).click();
  await page.locator('.em-people').filter({ hasText: '骆阿婆' }).waitFor();
  assert.ok(await scrollWidth(page) <= PHONE.width, 'no sideways scrolling at 375 px');
  await axeCheck(page, 'incident page (phone)');
  await logout(page);

  const desk = await env.newPage({ name: 'em-desk', viewport: DESKTOP });
  await login(desk, env.base, 'fengqiao.handler');
  await desk.goto(incidentUrl);
  await desk.getByRole('heading', { level: 1, name: '5组后山滑坡' }).waitFor();
  const activate = desk.locator('form').filter({ hasText: '启动应急预案' });
  await activate.getByLabel('应急预案').fill('枫桥镇地质灾害应急预案');
  await activate.getByRole('button', { name: '启动' }).click();
  await desk.locator('.kv').filter({ hasText: '应急响应中' }).waitFor();
  const task = desk.locator('form').filter({ hasText: '派发任务' });
  await task.getByLabel('任务类型').selectOption('psychological');
  await task.getByLabel('标题').fill('受损户心理疏导');
  await task.getByLabel('责任人（账号或姓名）').fill('fengyuan.grid');
  await task.getByRole('button', { name: '派发' }).click();
  const board = desk.locator('.em-tasks');
  await board.waitFor();
  assert.match(await board.innerText(), /受损户心理疏导/);
  assert.match(await board.innerText(), /心理援助/);
  await axeCheck(desk, 'incident page responding (desktop)');
  // the situation map: the grids with the open incident on its grid
  await desk.goto(`${env.base}/#/emergency`);
  const map = desk.locator('.em-map');
  await map.locator('canvas').waitFor();
  assert.match(await map.getAttribute('aria-label'), /1 起进行中的事件/);
  await axeCheck(desk, 'incidents page with the map (desktop)');
  // a new first report appears on the township's page live
  const grid = new Client(env.base);
  await grid.login('fengyuan.grid');
  const second = await grid.post('/api/v1/incidents', { kind: 'accident', grade: 4, region: '330681109290', title: '村道落石' });
  assert.strictEqual(second.status, 201, second.text);
  await desk.locator('.em-incidents').getByRole('link', { name: '村道落石' }).waitFor();
  // the response ends: the people's personal data is deleted (art. 85)
  await desk.goto(incidentUrl);
  const close = desk.locator('form').filter({ hasText: '结束应急响应' });
  await close.getByRole('button', { name: '结束响应' }).click();
  await desk.locator('.kv').filter({ hasText: '响应结束' }).waitFor();
  assert.match(await desk.locator('main').innerText(), /本次处置收集的个人信息已于 .* 删除/);
  assert.doesNotMatch(await desk.locator('main').innerText(), /骆阿婆/);
  await logout(desk);
  env.check();
}));

test('a warning is drafted, reviewed, approved and published by different people; its CAP file downloads', shot(() => env, async () => {
  const page = await env.newPage({ name: 'em-warn', viewport: DESKTOP });
  await login(page, env.base, 'fengqiao.handler');
  await openGroupLink(page, '应急与安全生产', '预警发布');
  await page.getByRole('heading', { level: 1, name: '预警发布' }).waitFor();
  const form = page.locator('form.em-form');
  await form.getByLabel('事件名称（如暴雨）').fill('暴雨');
  await form.getByLabel('预警级别').selectOption('2');
  await form.getByLabel('警示事项').fill('预计未来6小时降雨量将达50毫米以上。');
  await form.getByLabel('应当采取的措施').fill('危险区人员转移到避灾安置点。');
  await form.getByLabel('影响范围').fill('枫桥镇');
  await form.getByRole('button', { name: '起草' }).click();
  const item = page.locator('[data-warning]').filter({ hasText: '暴雨橙色预警' }).first();
  await item.waitFor();
  assert.match(await item.innerText(), /草稿/);
  assert.strictEqual(await item.getByRole('button', { name: '审核' }).count(), 0, 'the drafter may not review');
  assert.match(await item.innerText(), /待另一人审核/);
  await axeCheck(page, 'warnings page (desktop)');
  await logout(page);

  for (const [who, action, after] of [['fengqiao.clerk', '审核', '已审核'], ['admin', '批准', '已批准'], ['zhuji.duty', '发布', '已发布']]) {
    await login(page, env.base, who);
    await page.goto(`${env.base}/#/emergency/warnings`);
    const w = page.locator('[data-warning]').filter({ hasText: '暴雨橙色预警' }).first();
    await w.getByRole('button', { name: action }).click();
    await page.locator('[data-warning]').filter({ hasText: after }).first().waitFor();
    if (who !== 'zhuji.duty') await logout(page);
  }
  const published = page.locator('[data-warning]').filter({ hasText: '已发布' }).first();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    published.getByRole('link', { name: '下载 CAP 文件' }).click(),
  ]);
  const file = path.join(env.server.dir, 'warning.cap.xml');
  await download.saveAs(file);
  const xml = fs.readFileSync(file, 'utf8');
  assert.match(xml, /<headline>暴雨橙色预警<\/headline>/);
  assert.match(xml, /<identifier>33068100000000_\d{14}_\d<\/identifier>/);
  execFileSync('xmllint', ['--noout', '--schema', path.join(ROOT, 'data', 'cap', 'CAP-v1.2.xsd'), file], { stdio: 'pipe' });
  await axeCheck(page, 'warnings page published (desktop)');
  env.check();
}));
