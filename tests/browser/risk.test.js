// risk.test.js - risk grades in the browser (风险研判, issue 16): the
// mediator opens a case whose text threatens violence, sees the suggested
// red grade with its reasons on the case page, is asked for a reason when
// choosing another grade, and confirms red with a reason; the township
// handler finds the case on the list of red and orange cases (#/risk).
// Desktop in Chinese and phone (375 px) in English, with axe and no console
// errors but the refused change's 400.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { setup, shot, login, logout, axeCheck, scrollWidth, DESKTOP, PHONE } = require('./helpers.js');
const { Client } = require('../lib/server.js');

let env;
let api;
test.before(async () => {
  env = await setup({ server: { cases: false } });
  api = new Client(env.base);
  await api.login('fengyuan.mediator');
});
test.after(async () => { if (env) await env.close(); });

let seq = 0;
async function newCase() {
  seq += 1;
  const r = await api.post('/api/cases', {
    title: `宅基地边界纠纷${seq}`, description: '对方扬言要持刀上门，说要同归于尽。', category: 'housing_land',
    channel: 'walk_in', region: '330681109290',
    parties: [{ role: 'applicant', name: '骆建华', phone: `1390005${String(seq).padStart(4, '0')}` }],
  });
  assert.strictEqual(r.status, 201, r.text);
  return r.json;
}

for (const [label, viewport, en] of [['desktop', DESKTOP, false], ['phone', PHONE, true]]) {
  test(`the mediator sees the suggested grade and its reasons and confirms it (${label})`, shot(() => env, async () => {
    const c = await newCase();
    const page = await env.newPage({ name: `risk-${label}`, viewport });
    if (en) await page.addInitScript(() => localStorage.setItem('fq.lang', 'en'));
    await login(page, env.base, 'fengyuan.mediator');
    await page.goto(`${env.base}/#/case/${c.id}`);
    const card = page.locator('section.risk-card');
    await card.waitFor();
    await card.getByRole('heading', { name: en ? 'Risk grade (风险研判)' : '风险研判' }).waitFor();
    assert.match(await card.locator('.risk-suggested').innerText(), en ? /Red/ : /红色/);
    const threat = card.locator('.risk-reasons li[data-signal="threat_words"]');
    assert.match(await threat.innerText(), en ? /Words of violence or threat/ : /暴力或威胁字眼/);
    assert.match(await threat.innerText(), /持刀/);
    assert.match(await card.locator('.risk-reasons li[data-signal="land"]').innerText(), en ? /Land or homestead/ : /宅基地/);
    assert.match(await card.innerText(), en ? /art\. 24/ : /第二十四条/);

    // another grade without a reason is refused next to the reason
    const form = card.locator('form.risk-form');
    await form.getByLabel(en ? 'Confirmed grade' : '确认的等级').selectOption('green');
    await form.getByRole('button', { name: en ? 'Confirm the grade' : '确认等级' }).click();
    const err = form.locator('[data-field="reason"] .field-error:not([hidden])');
    await err.waitFor();
    assert.match(await err.innerText(), en ? /say why/ : /写明理由/);

    await form.getByLabel(en ? 'Confirmed grade' : '确认的等级').selectOption('red');
    await form.getByLabel(en ? /^Reason/ : /^理由/).fill('核实：对方确有持刀威胁');
    await form.getByRole('button', { name: en ? 'Confirm the grade' : '确认等级' }).click();
    await card.locator('.flash').filter({ hasText: en ? /Risk grade confirmed/ : /风险等级已确认/ }).waitFor();
    const confirmed = card.locator('.risk-confirmed');
    assert.match(await confirmed.innerText(), en ? /Red/ : /红色/);
    assert.match(await confirmed.innerText(), /核实：对方确有持刀威胁/);
    if (viewport === PHONE) assert.ok(await scrollWidth(page) <= PHONE.width, 'no sideways scrolling at 375 px');
    await axeCheck(page, `case page risk card (${label})`);
    await logout(page);

    // the township handler's list of red and orange cases
    await login(page, env.base, 'fengqiao.handler');
    await page.goto(`${env.base}/#/risk`);
    await page.getByRole('heading', { level: 1, name: en ? 'Risk grades: red and orange cases' : '风险研判：红色与橙色案件' }).waitFor();
    const row = page.locator(`tr[data-case="${c.id}"]`);
    await row.waitFor();
    assert.match(await row.innerText(), en ? /Red/ : /红色/);
    assert.match(await row.innerText(), en ? /Confirmed/ : /已确认/);
    // the menu has the page (folded behind the menu button at 375 px)
    assert.strictEqual(await page.locator('#site-nav a[href="#/risk"]').count(), 1);
    if (viewport === PHONE) assert.ok(await scrollWidth(page) <= PHONE.width, 'no sideways scrolling at 375 px');
    await axeCheck(page, `risk list (${label})`);
    // the refused change's 400 is the one console error the browser logs
    env.check([/status of 400/]);
  }));
}
