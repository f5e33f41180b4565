// agreement.test.js - issue 14, the headline figures of mediation on the
// dashboard, at desktop and phone width: success rate, agreements performed
// on time and the share judicially confirmed, each with its n/d, for the
// region shown; no overflow at 375 px, no serious axe violations, no
// console errors. (The agreement pages themselves are the UI helper's,
// tests/browser/mediation.test.js.)
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { setup, shot, login, axeCheck, scrollWidth, DESKTOP, PHONE } = require('./helpers.js');

let env;
test.before(async () => { env = await setup(); });
test.after(async () => { if (env) await env.close(); });

for (const [label, viewport] of [['desktop', DESKTOP], ['phone', PHONE]]) {
  test(`the dashboard shows the mediation figures (${label})`, shot(() => env, async () => {
    const page = await env.newPage({ name: `agreement-dashboard-${label}`, viewport });
    await login(page, env.base, 'fengqiao.handler');
    await page.goto(env.base + '/#/dashboard');
    const box = page.locator('#dash-mediation');
    await box.waitFor();
    const text = await box.innerText();
    for (const name of ['调解成功率', '协议按期履行率', '司法确认率']) assert.match(text, new RegExp(name));
    assert.equal((text.match(/\d+\/\d+/g) || []).length, 3, 'each figure shows n/d');
    assert.equal(await box.getAttribute('aria-label'), '调解协议');
    if (label === 'phone') assert.ok(await scrollWidth(page) <= 375 + 1, 'no horizontal overflow');
    if (label === 'desktop') await axeCheck(page, 'on the dashboard with the mediation figures');
    env.check();
  }));
}
