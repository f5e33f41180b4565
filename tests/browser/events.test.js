// events.test.js - issue 15's check in the browser, at desktop and phone
// width, in zh-CN and English (helpers.js RUNS): a grid worker reports an
// event; the township command room (综合指挥室) dispatches it to a
// department; the department handles it and returns the result; the
// worker checks it on the spot and it closes. The report carries a photo
// and a grid. Each page passes axe, has no
// horizontal scroll at 375 px, and logs no console error. The dashboard
// shows the events' card next to the dispute rates.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { setup, shot, login, axeCheck, scrollWidth, RUNS } = require('./helpers.js');
const { makePng } = require('../lib/png');

let env;
test.before(async () => { env = await setup({ server: { cases: false } }); });
test.after(async () => { if (env) await env.close(); });

async function as(username, name, viewport, lang) {
  const page = await env.newPage({ name, viewport, lang });
  await login(page, env.base, username);
  return page;
}

async function openFromQueue(page, queue, title) {
  await page.goto(`${env.base}/#/events?queue=${queue}`);
  const link = page.locator('#event-list a.case-title', { hasText: title });
  await link.waitFor();
  await link.click();
  await page.getByRole('heading', { level: 1, name: title }).waitFor();
}

async function take(page, L, button, done, note) {
  if (note) await page.locator('#event-actions textarea').fill(note);
  await page.locator('#event-actions').getByRole('button', { name: button, exact: true }).click();
  await page.locator('.flash', { hasText: done }).waitFor();
}

for (const { label, viewport, lang, L, width } of RUNS) {
  test(`the township dispatches, a department handles, the worker checks and it closes (${label})`, shot(() => env, async () => {
    const title = `路灯损坏 ${label}`;
    const worker = await as('fengyuan.grid', `ev-worker-${label}`, viewport, lang);
    if (width === 'desktop') {
      await worker.getByRole('button', { name: L('网格治理', 'Grid work'), exact: true }).click(); // the menu's grid group
      await worker.locator('.site-nav a', { hasText: L('网格事件', 'Grid events') }).click();
      await worker.waitForURL(/#\/events/);
    }
    await worker.goto(`${env.base}/#/events?new=1`);
    const form = worker.locator('#event-report');
    await form.waitFor();
    await form.getByLabel(L('事件类别', 'Category')).selectOption('livelihood');
    await form.getByLabel(L('标题', 'Title')).fill(title);
    await form.getByLabel(L('情况描述', 'What was found')).fill('村口三盏路灯不亮，老人夜间出行不便。');
    assert.strictEqual(await form.getByLabel(L('村（社区）代码', 'Village (community) code')).inputValue(), '330681109290');
    await form.getByLabel(L('网格', 'Grid'), { exact: true }).selectOption({ label: '枫源村第一网格（330681109290-01）' });
    await form.getByLabel(L('现场照片', 'Photos of the scene')).setInputFiles({ name: '路灯.png', mimeType: 'image/png', buffer: makePng(800, 600) });
    await axeCheck(worker, `on the report form (${label})`);
    assert.ok(await scrollWidth(worker) <= viewport.width + 1, 'no horizontal scroll on the form');
    await form.getByRole('button', { name: L('上报', 'Report'), exact: true }).click();
    await worker.getByRole('heading', { level: 1, name: title }).waitFor();
    await worker.locator('.ev-status', { hasText: L('待派遣', 'To dispatch') }).waitFor();
    assert.match(await worker.locator('.kv').innerText(), /枫源村第一网格/);
    await worker.locator('.ev-photos img.att-thumb').waitFor();
    const id = (worker.url().match(/#\/events\/(\d+)/) || [])[1];
    assert.ok(id, worker.url());

    // the command room dispatches to a department
    const town = await as('fengqiao.handler', `ev-town-${label}`, viewport, lang);
    await openFromQueue(town, 'command', title);
    await axeCheck(town, `on the event, to dispatch (${label})`);
    await town.locator('#event-actions').getByLabel(L('平台', 'Platform')).selectOption('department');
    await town.locator('#event-actions').getByLabel(L('部门名称', 'Department')).fill('镇城建办');
    await take(town, L, L('派遣', 'Dispatch'), L('已派遣', 'Dispatched'), '请城建办三日内修复');
    await town.locator('.ev-status', { hasText: L('已派遣', 'Dispatched') }).waitFor();
    assert.match(await town.locator('.kv').innerText(), /镇城建办/);

    // the department handles it and returns the result
    const dept = await as('fengqiao.clerk', `ev-dept-${label}`, viewport, lang);
    await openFromQueue(dept, 'platform', title);
    await take(dept, L, L('受理处置', 'Take on'), L('已受理', 'Taken on'));
    // returning needs a note: refused in the form without one
    await dept.locator('#event-actions').getByRole('button', { name: L('反馈结果', 'Return the result'), exact: true }).click();
    await dept.locator('#event-actions .field-error:not([hidden])').waitFor();
    await take(dept, L, L('反馈结果', 'Return the result'), L('已反馈', 'Returned'), '三盏路灯已更换');
    assert.ok(await scrollWidth(dept) <= viewport.width + 1, 'no horizontal scroll on the event');
    await axeCheck(dept, `on the event, returned (${label})`);

    // the worker checks it on the spot and closes it
    await openFromQueue(worker, 'check', title);
    await take(worker, L, L('现场核查通过', 'Checked on the spot'), L('已核查', 'Checked'), '现场查看，路灯已亮');
    await take(worker, L, L('办结', 'Close'), L('事件已办结', 'The event is closed'));
    await worker.locator('.ev-status', { hasText: L('已办结', 'Closed') }).waitFor();
    const steps = await worker.locator('#event-steps li').count();
    assert.strictEqual(steps, 6);
    assert.match(await worker.locator('#event-steps').innerText(), /三盏路灯已更换/);
    assert.strictEqual(await worker.locator('#event-actions').count(), 0, 'nothing more to do');
    await axeCheck(worker, `on the closed event (${label})`);
    assert.ok(await scrollWidth(worker) <= viewport.width + 1, 'no horizontal scroll');

    // the figures on the dashboard, next to the dispute rates
    await town.goto(`${env.base}/#/dashboard`);
    const card = town.locator('#dash-events');
    await town.waitForFunction(() => {
      const v = document.querySelector('#dash-events [data-ev="closed"] .kpi-value');
      return v && /\d/.test(v.textContent);
    });
    assert.ok(Number(await card.locator('[data-ev="closed"] .kpi-value').innerText()) >= 1);
    await axeCheck(town, `on the dashboard (${label})`);
    env.check();
  }));
}
