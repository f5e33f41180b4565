// village.test.js - the village page (issue 18; docs/village.md) in the
// browser: the grid worker of 枫源村 adds a monthly finances item to the
// publication schedule and publishes it; the public page shows the
// published item without names of people; on the points tab an entry
// proposed by the grid worker waits for a second person and the mediator
// approves it, and the household's balance shows it.
// Desktop in Chinese and phone (375 px) in English, with axe and no console
// errors.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { setup, shot, login, axeCheck, scrollWidth, DESKTOP, PHONE } = require('./helpers.js');
const { Client } = require('../lib/server.js');

const VILLAGE = '330681109290';
let env;
let grid;
test.before(async () => {
  env = await setup({ server: { cases: false } });
  grid = new Client(env.base);
  await grid.login('fengyuan.grid');
});
test.after(async () => { if (env) await env.close(); });

for (const [label, viewport, en] of [['desktop', DESKTOP, false], ['phone', PHONE, true]]) {
  const L = (zh, eng) => (en ? eng : zh);
  test(`open village affairs and good-deed points (${label})`, shot(() => env, async () => {
    const page = await env.newPage({ name: `village-${label}`, viewport });
    if (en) await page.addInitScript(() => localStorage.setItem('fq.lang', 'en'));
    await login(page, env.base, 'fengyuan.grid');
    await page.goto(`${env.base}/#/village`);
    await page.getByRole('heading', { name: L('村级自治', 'Village self-governance') }).waitFor();

    // the schedule: a monthly finances item
    await page.getByText(L('加入时间表', 'Add to the schedule')).first().click();
    const sf = page.locator('form.village-schedule-form');
    await sf.getByLabel(L('标题', 'Title')).fill(`财务收支${label}`);
    await sf.getByLabel(L('类别', 'What kind')).selectOption('finance');
    await sf.getByRole('button').click();
    const sched = page.locator('.village-schedules li', { hasText: `财务收支${label}` });
    await sched.waitFor();
    // just made: due a month on, not overdue
    assert.strictEqual(await sched.locator('.pill').getAttribute('data-state'), 'ok');

    // publish an item for it
    const pf = page.locator('form.village-publish-form');
    await pf.getByLabel(L('对应时间表事项', 'For the schedule item')).selectOption({ label: `财务收支${label}` });
    await pf.getByLabel(L('标题', 'Title')).fill(`11月财务公开${label}`);
    await pf.getByLabel(L('公布内容', 'Text to publish')).fill('收入 12.3 万元，支出 8.1 万元。');
    await pf.getByRole('button', { name: L('公布', 'Publish') }).click();
    await page.locator('.village-items li', { hasText: `11月财务公开${label}` }).waitFor();
    await axeCheck(page, `village affairs ${label}`);
    if (en) assert.ok(await scrollWidth(page) <= 375, 'no sideways scrolling');

    // the public page
    await page.getByRole('link', { name: L('本村公开页', 'The village’s public page') }).click();
    await page.getByRole('heading', { name: L('村务公开', 'Open village affairs'), level: 1 }).waitFor();
    await page.locator('.village-items li', { hasText: `11月财务公开${label}` }).waitFor();
    assert.ok(!(await page.locator('#main-content').innerText()).includes('fengyuan.'));
    await axeCheck(page, `village public ${label}`);

    // points: a rule and a household made through the API, the entry here
    const rule = await grid.post('/api/v1/village/points/rules', { region: VILLAGE, name: `志愿服务${label}`, points: 10 });
    assert.strictEqual(rule.status, 201, rule.text);
    const hh = await grid.post('/api/v1/village/points/households', { region: VILLAGE, label: `5组 骆家${label}` });
    assert.strictEqual(hh.status, 201, hh.text);
    await page.goto(`${env.base}/#/village?tab=points`);
    const ef = page.locator('form.village-entry-form');
    await ef.waitFor();
    await ef.getByLabel(L('农户', 'Household')).selectOption({ label: `5组 骆家${label}` });
    await ef.getByLabel(L('规则', 'Rule')).selectOption({ label: `志愿服务${label} (10)` });
    await ef.getByLabel(L('事由', 'Reason')).fill('清理河道');
    await ef.getByRole('button').click();
    const entry = page.locator('.village-entries li[data-status="proposed"]', { hasText: `5组 骆家${label}` });
    await entry.waitFor();
    // the proposer has no approve button: a second person decides
    assert.strictEqual(await entry.getByRole('button').count(), 0);
    await axeCheck(page, `village points ${label}`);
    if (en) assert.ok(await scrollWidth(page) <= 375, 'no sideways scrolling on points');

    const med = await env.newPage({ name: `village-med-${label}`, viewport });
    if (en) await med.addInitScript(() => localStorage.setItem('fq.lang', 'en'));
    await login(med, env.base, 'fengyuan.mediator');
    await med.goto(`${env.base}/#/village?tab=points`);
    const e2 = med.locator('.village-entries li[data-status="proposed"]', { hasText: `5组 骆家${label}` });
    await e2.getByRole('button', { name: L('通过', 'Approve') }).click();
    await med.locator('.village-entries li[data-status="approved"]', { hasText: `5组 骆家${label}` }).waitFor();
    await med.locator('.card', { has: med.getByRole('heading', { name: L('农户', 'Households') }) })
      .getByLabel(L('农户', 'Household'), { exact: true }).selectOption({ label: `5组 骆家${label}` });
    await med.locator('.village-ledger', { hasText: '10' }).waitFor();
    assert.match(await med.locator('.village-ledger').innerText(), /10/);
    env.check();
  }));
}
