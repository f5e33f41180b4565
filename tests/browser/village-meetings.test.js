// village-meetings.test.js - a village's meetings (issue 18, "Assemblies
// and councils") in the browser: the chair (枫源村's grid worker) sends the
// notice of a representatives' assembly with its agenda, opens it on the
// day, records who came from the roster, a decision whose result the
// server finds from the roster and the attendance (two of three present
// is a quorum: 村民委员会组织法 art. 26), and closes it with its minutes.
// Desktop in Chinese and phone (375 px) in English, with axe and no
// console errors.
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
  const names = [['张一', '1组1号'], ['李二', '1组2号'], ['王三', '2组7号']];
  for (const [name, household] of names) {
    const r = await grid.post('/api/v1/village/representatives',
      { region: VILLAGE, name, household, households: 10, elected_on: '2026-01-05' });
    assert.strictEqual(r.status, 201, r.text);
  }
});
test.after(async () => { if (env) await env.close(); });

for (const [label, viewport, en] of [['desktop', DESKTOP, false], ['phone', PHONE, true]]) {
  test(`the chair notices a representatives' assembly, records attendance and a decision, and closes it (${label})`, shot(() => env, async () => {
    const L = (zh, e) => (en ? e : zh);
    const page = await env.newPage({ name: `vmeet-${label}`, viewport, lang: en ? 'en' : undefined });
    await login(page, env.base, 'fengyuan.grid');
    await page.goto(`${env.base}/#/`);
    // the page is in the village self-governance (三治融合) menu group
    const menuButton = page.getByRole('button', { name: L('菜单', 'Menu') });
    if (await menuButton.isVisible()) await menuButton.click();
    await page.getByRole('button', { name: L('村民自治', 'Village self-governance') }).click();
    await page.getByRole('link', { name: L('会议与村民代表', 'Meetings and representatives') }).click();
    await page.getByRole('heading', { level: 1, name: L('村务会议与村民代表', 'Village meetings and representatives') }).waitFor();

    const title = `第四季度村民代表会议${label}`;
    const notice = page.locator('form.vmeet-notice-form');
    await notice.getByLabel(L('会议名称', 'Title')).fill(title);
    await notice.getByLabel(L('议程', 'Agenda')).fill('村道硬化\n垃圾分类');
    await notice.getByRole('button', { name: L('发出通知', 'Send the notice') }).click();
    const card = page.locator('li.vmeet', { hasText: title });
    await card.getByRole('button', { name: L('打开会议', 'Open the meeting') }).click();
    await card.locator('.vmeet-agenda').getByText('垃圾分类').waitFor();

    await card.getByLabel('张一 · 1组1号').check();
    await card.getByLabel('李二 · 1组2号').check();
    await card.getByLabel(L('王三 的缺席理由', 'Reason 王三 was absent')).fill('外出务工');
    await card.getByRole('button', { name: L('保存到会情况', 'Save the attendance') }).click();
    await card.getByText(L('到会 2 人', '2 present')).waitFor();

    const decision = card.locator('form.vmeet-decision');
    await decision.getByLabel(L('决定内容', 'Decision')).fill('同意硬化村道，费用由村集体承担');
    await decision.getByLabel(L('赞成', 'Yes'), { exact: true }).fill('2');
    await decision.getByLabel(L('反对', 'No'), { exact: true }).fill('0');
    await decision.getByLabel(L('弃权', 'Abstain'), { exact: true }).fill('0');
    await decision.getByRole('button', { name: L('记录决定', 'Record the decision') }).click();
    await card.locator('.vmeet-decisions').getByText(L('通过', 'Passed'), { exact: true }).waitFor();

    await card.getByLabel(L('会议记录', 'Minutes')).fill('会议由村委会召集，到会代表二人，通过村道硬化方案。');
    await card.getByRole('button', { name: L('会议结束，保存记录', 'Close the meeting with its minutes') }).click();
    await card.getByText(L('已召开', 'Held'), { exact: true }).waitFor();
    await page.getByText(en ? /representatives' assembly was held/ : /本季度已召开村民代表会议/).waitFor();

    // what the page showed is what the server holds
    const list = await grid.get(`/api/v1/village/meetings?region=${VILLAGE}`);
    const m = list.json.items.find((x) => x.title === title);
    const full = await grid.get(`/api/v1/village/meetings/${m.id}`);
    assert.strictEqual(full.json.status, 'held');
    assert.strictEqual(full.json.present, 2);
    assert.strictEqual(full.json.decisions[0].result, 'passed');
    assert.strictEqual(full.json.attendance.find((a) => a.name === '王三').reason, '外出务工');

    if (viewport === PHONE) assert.ok(await scrollWidth(page) <= PHONE.width, 'no sideways scrolling at 375 px');
    await axeCheck(page, `village meetings (${label})`);
    env.check();
  }));
}
