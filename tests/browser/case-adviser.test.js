// case-adviser.test.js - the village legal adviser asked from a case (一村
// 一法律顾问, issue 18) in the browser: the mediator's case page shows the
// adviser of the case's village and their office hours; the mediator asks
// a question; the adviser finds it in their notifications. The same card
// sits in the case's mediation. Phone (375 px) in English, desktop in
// Chinese, with axe and no console errors.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { setup, shot, login, axeCheck, scrollWidth, DESKTOP, PHONE } = require('./helpers.js');
const { Client } = require('../lib/server.js');

const VILLAGE = '330681109290';
const PW = 'adviser-password-2026';
let env;
let mediator;
test.before(async () => {
  env = await setup({ server: { cases: false } });
  env.server.cli(['user', 'add', 'fengyuan.lawyer', '--password', PW, '--role', 'legal_adviser', '--region', VILLAGE]);
  const h = new Client(env.base);
  await h.login('fengqiao.handler');
  const set = await h.req('PUT', '/api/v1/village/adviser', { region: VILLAGE, username: 'fengyuan.lawyer', office_hours: '每周三 14:00–17:00 村委会二楼' });
  assert.strictEqual(set.status, 204, set.text);
  mediator = new Client(env.base);
  await mediator.login('fengyuan.mediator');
});
test.after(async () => { if (env) await env.close(); });

for (const [label, viewport, en] of [['phone', PHONE, true], ['desktop', DESKTOP, false]]) {
  test(`a mediator asks the village's legal adviser from a case; the adviser is told (${label})`, shot(() => env, async () => {
    const L = (zh, e) => (en ? e : zh);
    const c = await mediator.post('/api/cases', {
      title: `宅基地界址纠纷${label}`, description: '两户对宅基地界桩位置有争议。', category: 'housing_land',
      channel: 'walk_in', region: VILLAGE,
    });
    assert.strictEqual(c.status, 201, c.text);
    const page = await env.newPage({ name: `adviser-${label}`, viewport, lang: en ? 'en' : undefined });
    await login(page, env.base, 'fengyuan.mediator');
    await page.goto(`${env.base}/#/case/${c.json.id}`);
    const card = page.locator('section.adviser-card');
    await card.getByText('每周三 14:00–17:00 村委会二楼', { exact: false }).waitFor();
    await card.getByLabel(L('想咨询的问题', 'What to ask')).fill(`界桩以哪份文件为准${label}`);
    await card.getByRole('button', { name: L('请法律顾问解答', 'Ask the legal adviser') }).click();
    await card.getByText(L('已告知法律顾问', 'The adviser has been told'), { exact: false }).waitFor();
    if (viewport === PHONE) assert.ok(await scrollWidth(page) <= PHONE.width, 'no sideways scrolling at 375 px');
    await axeCheck(page, `case adviser card (${label})`);

    const lawyer = await env.newPage({ name: `adviser-bell-${label}`, viewport, lang: en ? 'en' : undefined });
    await login(lawyer, env.base, 'fengyuan.lawyer', PW);
    await lawyer.goto(`${env.base}/#/notifications`);
    const item = lawyer.locator('.notif-item', { hasText: `界桩以哪份文件为准${label}` });
    await item.getByText(L('有人就案件向您咨询', 'You are asked about a case'), { exact: false }).waitFor();
    env.check();
  }));
}
