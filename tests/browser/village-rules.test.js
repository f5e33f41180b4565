// village-rules.test.js - village rules (村规民约, issue 18) in the browser:
// the chair (枫源村's grid worker) records attendance and the count of a
// vote on a rule the adviser reviewed; with exactly half of the adults
// present "adopt" is refused with the reason on the page; with a quorum and
// a majority it is adopted, shows its filing deadline and appears among the
// rules in force. Desktop in Chinese and phone (375 px) in English, with
// axe and no console errors (but the refused request's own 409).
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { execFileSync } = require('node:child_process');
const { setup, shot, login, axeCheck, scrollWidth, DESKTOP, PHONE } = require('./helpers.js');
const { Client } = require('../lib/server.js');

const VILLAGE = '330681109290';
let env;
const api = {};
test.before(async () => {
  env = await setup({ server: { cases: false } });
  for (const name of ['fengyuan.grid', 'admin']) {
    api[name] = new Client(env.base);
    await api[name].login(name);
  }
});
test.after(async () => { if (env) await env.close(); });

function sql(q) {
  return (process.env.FQ_TEST_PG
    ? execFileSync('psql', [env.server.db, '-tAc', q], { encoding: 'utf8' })
    : execFileSync('sqlite3', ['-cmd', '.timeout 5000', env.server.db, q], { encoding: 'utf8' })).trim();
}

const today = () => new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);

async function reviewedRule(title) {
  const c = await api['fengyuan.grid'].post('/api/v1/village-rules', { region: VILLAGE, title, body: '第一条 邻里互助，遇事协商。' });
  assert.strictEqual(c.status, 201, c.text);
  await api['fengyuan.grid'].post(`/api/v1/village-rules/${c.json.id}/actions/comment`, { comment_until: today() });
  sql(`UPDATE village_rules SET comment_until = '2020-01-01' WHERE id = ${c.json.id}`);
  const r = await api.admin.post(`/api/v1/village-rules/${c.json.id}/actions/review`, { opinion: '无违法内容' });
  assert.strictEqual(r.status, 200, r.text);
  return c.json.id;
}

async function count(card, en, n) {
  const L = (zh, e) => (en ? e : zh);
  await card.getByLabel(L('十八周岁以上村民（组成人员）数', 'Adult villagers (members)')).fill(String(n.eligible));
  await card.getByLabel(L('总户数', 'Households'), { exact: true }).fill('30');
  await card.getByLabel(L('到会人数', 'People present')).fill(String(n.present));
  await card.getByLabel(L('到会户数', 'Households present')).fill('0');
  await card.getByLabel(L('赞成', 'Yes'), { exact: true }).fill(String(n.yes));
  await card.getByLabel(L('反对', 'No'), { exact: true }).fill(String(n.no));
  await card.getByLabel(L('弃权', 'Abstain'), { exact: true }).fill('0');
  await card.getByRole('button', { name: L('记录计票', 'Record the count') }).click();
}

for (const [label, viewport, en] of [['desktop', DESKTOP, false], ['phone', PHONE, true]]) {
  test(`the chair records attendance and counts a vote; adoption needs quorum and majority (${label})`, shot(() => env, async () => {
    const L = (zh, e) => (en ? e : zh);
    const bad = await reviewedRule(`半数到会规约${label}`);
    const good = await reviewedRule(`垃圾分类公约${label}`);
    const page = await env.newPage({ name: `vrule-${label}`, viewport, lang: en ? 'en' : undefined });
    await login(page, env.base, 'fengyuan.grid');
    await page.goto(`${env.base}/#/village-rules`);
    await page.getByRole('heading', { level: 1, name: L('村规民约与表决', 'Village rules and votes') }).waitFor();

    // exactly half of the adults present: refused, with the reason shown
    let card = page.locator(`li.vrule[data-id="${bad}"]`);
    await count(card, en, { eligible: 100, present: 50, yes: 40, no: 10 });
    card = page.locator(`li.vrule[data-id="${bad}"]`);
    await card.getByRole('button', { name: L('确认通过', 'Adopt') }).click();
    await card.getByText(en ? /did not pass/ : /表决未通过/).waitFor();

    // 51 of 100 present, 40 yes: adopted, with its filing deadline
    card = page.locator(`li.vrule[data-id="${good}"]`);
    await count(card, en, { eligible: 100, present: 51, yes: 40, no: 11 });
    card = page.locator(`li.vrule[data-id="${good}"]`);
    await card.getByRole('button', { name: L('确认通过', 'Adopt') }).click();
    card = page.locator(`li.vrule[data-id="${good}"]`);
    await card.getByText(L('已通过', 'Adopted'), { exact: true }).waitFor();
    await card.getByText(en ? /File by \d{4}-\d\d-\d\d/ : /备案期限：\d{4}-\d\d-\d\d/).waitFor();
    await page.locator('.vrule-public').getByText(`垃圾分类公约${label}`).waitFor();

    if (viewport === PHONE) assert.ok(await scrollWidth(page) <= PHONE.width, 'no sideways scrolling at 375 px');
    await axeCheck(page, `village rules (${label})`);
    // the village's public page shows the adopted rule, not the refused one
    await page.goto(`${env.base}/#/village?code=${VILLAGE}&public=1`);
    const inForce = page.locator('.village-rules-public');
    await inForce.getByText(`垃圾分类公约${label}`).waitFor();
    assert.strictEqual(await inForce.getByText(`半数到会规约${label}`).count(), 0);
    env.check([/status of 409/]);
  }));
}
