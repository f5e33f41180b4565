// safety.test.js - production safety (安全生产, issue 20) in the browser: a
// grid worker opens the page from the menu's 应急与安全生产 group, inspects
// an enterprise of their grid against the checklist on a phone and
// records a major hazard with a partial stop; the township cadre sets the
// rectification deadline with the remediation plan; a re-inspection by the
// township closes it, and the board shows it no more among the open
// hazards. Desktop in Chinese and phone (375 px) in English, with axe on
// each page and no console errors. Then the county: an overdue major
// hazard, escalated on the clock tick, is on its board with its notice.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { setup, shot, login, logout, axeCheck, scrollWidth, DESKTOP, PHONE } = require('./helpers.js');
const { execFileSync } = require('node:child_process');
const { Client } = require('../lib/server.js');

let env;
const api = {};
test.before(async () => {
  env = await setup({ server: { cases: false, env: { FENGQIAO_SCAN_INTERVAL: '1' } } });
  env.server.cli(['user', 'add', 'zhuji.safety', '--name', '县应急局', '--password', 'county-safety-2026']);
  env.server.cli(['user', 'grant', 'zhuji.safety', 'handler', '330681']);
  api.grid = new Client(env.base);
  await api.grid.login('fengyuan.grid');
  api.town = new Client(env.base);
  await api.town.login('fengqiao.handler');
});
test.after(async () => { if (env) await env.close(); });

for (const [label, viewport, en] of [['desktop', DESKTOP, false], ['phone', PHONE, true]]) {
  test(`a grid worker records a major hazard, the township orders, a re-inspection closes it (${label})`, shot(() => env, async () => {
    const L = (zh, e) => (en ? e : zh);
    const name = `枫源袜业${label}`;
    const ent = await api.grid.post('/api/v1/safety/enterprises',
      { region: '330681109290', grid: '330681109290-01', name, industry: '袜业' });
    assert.strictEqual(ent.status, 201, ent.text);
    const page = await env.newPage({ name: `safety-${label}`, viewport, lang: en ? 'en' : undefined });
    await login(page, env.base, 'fengyuan.grid');

    // the menu: the group's button, then its link
    const toggle = page.locator('.nav-toggle');
    if (await toggle.isVisible() && (await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
    await page.getByRole('button', { name: L('应急与安全生产', 'Emergency') }).click();
    await page.getByRole('link', { name: L('安全生产', 'Production safety') }).click();
    await page.getByRole('heading', { level: 1, name: L('安全生产隐患排查', 'Production safety: hazards') }).waitFor();
    await axeCheck(page, `safety board (${label})`);

    await page.getByRole('link', { name: L('企业名录', 'Enterprises'), exact: true }).click();
    await page.getByRole('heading', { level: 1, name: L('企业名录', 'Enterprises') }).waitFor();
    await axeCheck(page, `safety enterprises (${label})`);
    await page.locator(`li.card[data-id="${ent.json.id}"]`).getByRole('link', { name: L('开始检查', 'Inspect') }).click();
    await page.getByRole('heading', { level: 1, name: L(`检查：${name}`, `Inspection: ${name}`) }).waitFor();

    // the checklist: two items fail, one does not apply
    const item = (zh, e) => page.getByRole('group', { name: L(zh, e) });
    await item('危险化学品储存使用规范', 'Hazardous chemicals stored and used properly').getByLabel(L('不合格', 'Fail')).check();
    await item('电气线路规范，无私拉乱接', 'Wiring safe, no improvised connections').getByLabel(L('不合格', 'Fail')).check();
    await item('特种设备定期检验', 'Special equipment inspected on schedule').getByLabel(L('不适用', 'N/A')).check();
    await page.getByRole('button', { name: L('＋ 添加隐患', '+ Add a hazard') }).click();
    const hz = page.locator('.safety-new-hazard').last();
    await hz.getByLabel(L('隐患描述（简要）', 'Hazard (short)')).fill('仓库稀释剂与成品混存');
    await hz.getByLabel(L('隐患等级', 'Grade')).selectOption('major');
    await hz.getByLabel(L('停产停业措施', 'Stop')).selectOption('partial');
    await hz.getByLabel(L('对应检查项', 'Checklist item')).selectOption('chemicals');
    if (viewport === PHONE) assert.ok(await scrollWidth(page) <= PHONE.width, 'no sideways scrolling at 375 px');
    await axeCheck(page, `safety inspection (${label})`);
    await page.getByRole('button', { name: L('保存检查记录', 'Save the inspection') }).click();

    // the hazard: major, reported, with its provisional deadline; the reporter may not re-inspect it
    await page.getByRole('heading', { level: 1, name: /仓库稀释剂与成品混存/ }).waitFor();
    await page.getByText(L('待整改', 'Reported'), { exact: true }).waitFor();
    const hazardUrl = page.url();
    assert.strictEqual(await page.getByRole('button', { name: L('提交复查', 'Record the re-inspection') }).count(), 0);
    await logout(page);

    // the township sets the deadline with the remediation plan
    await login(page, env.base, 'fengqiao.handler');
    await page.goto(hazardUrl);
    await page.getByRole('heading', { level: 2, name: L('责令限期整改', 'Order rectification') }).waitFor();
    await page.getByRole('button', { name: L('下达整改通知', 'Issue the order') }).click();
    await page.getByText(en ? /remediation plan/ : /治理方案/).first().waitFor(); // refused without a plan
    await page.getByLabel(L('治理方案', 'Remediation plan')).fill('三日内清出稀释剂，设独立危化品库房');
    await page.getByLabel(L('整改期限（工作日）', 'Deadline (working days)')).fill('10');
    await page.getByRole('button', { name: L('下达整改通知', 'Issue the order') }).click();
    await page.getByText(L('限期整改中', 'Ordered to rectify'), { exact: true }).waitFor();
    await page.getByText(en ? /\d+ days left/ : /剩 \d+ 天/).waitFor();
    if (viewport === PHONE) assert.ok(await scrollWidth(page) <= PHONE.width, 'no sideways scrolling at 375 px');
    await axeCheck(page, `safety hazard (${label})`);

    // the re-inspection closes it
    await page.getByLabel(L('整改到位，销号', 'Rectified: close')).check();
    await page.getByRole('button', { name: L('提交复查', 'Record the re-inspection') }).click();
    await page.locator('.safety-status').getByText(L('已销号', 'Closed'), { exact: true }).waitFor();
    await page.getByText(en ? /record kept until \d{4}-\d\d-\d\d/ : /记录保存至 \d{4}-\d\d-\d\d/).waitFor();
    await page.locator('.safety-steps').getByText(L('复查合格', 'Re-inspection passed')).waitFor();

    // the board lists it no more among the open hazards
    await page.getByRole('link', { name: L('← 隐患看板', '← Hazards board') }).click();
    await page.getByRole('heading', { level: 2, name: L('未销号隐患', 'Open hazards') }).waitFor();
    await page.locator('.safety-list').locator('.loading, .empty, ul').first().waitFor();
    assert.strictEqual(await page.locator('.safety-list').getByText('仓库稀释剂与成品混存').count(), 0);
    env.check([/status of 400/]);
  }));
}

function sql(q) {
  return (process.env.FQ_TEST_PG
    ? execFileSync('psql', [env.server.db, '-tAc', q], { encoding: 'utf8' })
    : execFileSync('sqlite3', ['-cmd', '.timeout 5000', env.server.db, q], { encoding: 'utf8' })).trim();
}

test('the county sees an overdue major hazard escalated to it, with its notice (desktop)', shot(() => env, async () => {
  const ent = await api.grid.post('/api/v1/safety/enterprises', { region: '330681109290', name: '枫源化工仓储' });
  assert.strictEqual(ent.status, 201, ent.text);
  const list = (await api.grid.get('/api/v1/safety/checklists')).json.items[0];
  const ins = await api.grid.post('/api/v1/safety/inspections', {
    enterprise_id: ent.json.id, results: list.items.map((i) => ({ key: i.key, result: 'pass' })),
    hazards: [{ title: '液氨储罐阀门泄漏', grade: 'major', stop: 'full' }],
  });
  assert.strictEqual(ins.status, 201, ins.text);
  const id = ins.json.hazards[0].id;
  const o = await api.town.post(`/api/v1/safety/hazards/${id}/order`, { deadline_days: 3, plan: '停用储罐，更换阀门' });
  assert.strictEqual(o.status, 200, o.text);
  sql(`UPDATE safety_hazards SET deadline = ${Math.floor(Date.now() / 1000) - 3600} WHERE id = ${id}`);
  for (let i = 0; i < 100 && !(await api.town.get(`/api/v1/safety/hazards/${id}`)).json.escalated_to; i++) {
    await new Promise((r) => setTimeout(r, 100));
  }
  const page = await env.newPage({ name: 'safety-county', viewport: DESKTOP });
  await login(page, env.base, 'zhuji.safety', 'county-safety-2026');
  await page.goto(`${env.base}/#/safety`);
  const notices = page.locator('.safety-notices');
  await notices.getByRole('link', { name: '液氨储罐阀门泄漏' }).waitFor();
  const card = page.locator(`li.safety-hazard[data-id="${id}"]`);
  await card.getByText('已逾期').waitFor();
  await card.getByText('已报县级督办').waitFor();
  await page.locator('.safety-overdue-count').waitFor();
  await axeCheck(page, 'safety board of the county');
  env.check([/status of 400/]); // the earlier tests' refused order without a plan
}));
