// village-ballot.test.js - a secret ballot (无记名投票, issue 18) in the
// browser: the chair issues one-time ballot codes for a reviewed rule on
// the rules page; a villager on a phone, with no account, casts a ballot
// with one code, gets a receipt, finds it among the published ballots and
// sees the recount agree; the same code again is refused with the reason.
// Phone (375 px) in English and desktop in Chinese, with axe and no console
// errors but the refused request's 409.
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
  const c = await api['fengyuan.grid'].post('/api/v1/village-rules', { region: VILLAGE, title, body: '第一条 邻里互助。' });
  assert.strictEqual(c.status, 201, c.text);
  await api['fengyuan.grid'].post(`/api/v1/village-rules/${c.json.id}/actions/comment`, { comment_until: today() });
  sql(`UPDATE village_rules SET comment_until = '2020-01-01' WHERE id = ${c.json.id}`);
  const r = await api.admin.post(`/api/v1/village-rules/${c.json.id}/actions/review`, { opinion: '无违法内容' });
  assert.strictEqual(r.status, 200, r.text);
  return c.json.id;
}

for (const [label, viewport, en] of [['phone', PHONE, true], ['desktop', DESKTOP, false]]) {
  test(`the chair issues ballot codes; a villager votes with one, checks the receipt and recounts (${label})`, shot(() => env, async () => {
    const L = (zh, e) => (en ? e : zh);
    const id = await reviewedRule(`无记名表决${label}`);
    const staff = await env.newPage({ name: `vballot-staff-${label}`, viewport: DESKTOP });
    await login(staff, env.base, 'fengyuan.grid');
    await staff.goto(`${env.base}/#/village-rules`);
    const card = staff.locator(`li.vrule[data-id="${id}"]`);
    await card.getByLabel('投票码数量').fill('3');
    await card.getByRole('button', { name: '发放投票码' }).click();
    const codes = await card.locator('.vrule-token-list code').allTextContents();
    assert.strictEqual(codes.length, 3);
    await card.getByRole('link', { name: new RegExp(`#/ballot\\?rule=${id}`) }).waitFor();

    const page = await env.newPage({ name: `vballot-${label}`, viewport, lang: en ? 'en' : undefined });
    await page.goto(`${env.base}/#/ballot?rule=${id}`);
    await page.getByRole('heading', { level: 1, name: L('无记名投票', 'Secret ballot') }).waitFor();
    await page.getByLabel(L('投票码', 'Ballot code')).fill(codes[1]);
    await page.getByLabel(L('赞成', 'Yes'), { exact: true }).check();
    await page.getByRole('button', { name: L('投出选票', 'Cast the ballot') }).click();
    const receipt = (await page.locator('.vballot-receipt code').textContent()).trim();
    assert.ok(receipt.length > 8, receipt);
    await page.getByRole('button', { name: L('核对', 'Check') }).click();
    await page.locator('.vballot-found').getByText(L('赞成', 'Yes'), { exact: false }).waitFor();
    await page.getByText(L('与公布的合计一致', 'Agrees with the published totals')).waitFor();
    // the receipt is among the published ballots, and nothing there names a voter
    const pub = await (await fetch(`${env.base}/api/v1/public/village-rules/${id}/ballots`)).json();
    assert.deepStrictEqual(pub.items.map((b) => [b.receipt, b.choice]), [[receipt, 'yes']]);

    // the same code again: refused with the reason on the page
    await page.getByLabel(L('投票码', 'Ballot code')).fill(codes[1]);
    await page.getByLabel(L('反对', 'No'), { exact: true }).check();
    await page.getByRole('button', { name: L('投出选票', 'Cast the ballot') }).click();
    await page.locator('form.vballot-form [role="alert"]').filter({ hasText: en ? /already been used/ : /已/ }).first().waitFor();
    assert.strictEqual((await (await fetch(`${env.base}/api/v1/public/village-rules/${id}/ballots`)).json()).items.length, 1);

    if (viewport === PHONE) assert.ok(await scrollWidth(page) <= PHONE.width, 'no sideways scrolling at 375 px');
    await axeCheck(page, `secret ballot (${label})`);
    await axeCheck(staff, `ballot codes (${label})`);
    env.check([/status of 409/]);
  }));
}
