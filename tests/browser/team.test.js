// team.test.js - service teams in the browser (issue 15): a grid worker
// opens a case, asks the township's legal service team for help from the
// case page; a member of the team (枫源村's mediator) finds it under "to my
// teams", accepts it and marks it done; the teams page lists the teams of
// the area with members and specialties, and no phone to the grid worker;
// a township cadre makes a team and adds a member, whose phone the cadre
// sees.
// Desktop in Chinese and phone (375 px) in English, with axe and no console
// errors.
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

// This test's own console errors (env.errors holds every page's, in order).
function checkSince(before, allowed = []) {
  const bad = env.errors.slice(before).filter((e) => !allowed.some((re) => re.test(e)));
  assert.deepStrictEqual(bad, [], 'console or page errors');
}

let seq = 0;
async function newCase() {
  seq += 1;
  const r = await api.post('/api/cases', {
    title: `宅基地界址纠纷${seq}`, description: '两户对宅基地界桩位置有争议，需要法律解答。', category: 'housing_land',
    channel: 'grid_patrol', region: '330681109290',
    parties: [{ role: 'applicant', name: '骆建华', phone: `1390004${String(seq).padStart(4, '0')}` }],
  });
  assert.strictEqual(r.status, 201, r.text);
  return r.json;
}

for (const [label, viewport, en] of [['desktop', DESKTOP, false], ['phone', PHONE, true]]) {
  test(`a grid worker asks a team for help on a case; a member accepts and marks it done (${label})`, shot(() => env, async () => {
    const before = env.errors.length;
    const c = await newCase();
    const page = await env.newPage({ name: `team-${label}`, viewport });
    if (en) await page.addInitScript(() => localStorage.setItem('fq.lang', 'en'));
    await login(page, env.base, 'fengyuan.grid');
    await page.goto(`${env.base}/#/case/${c.id}`);
    await page.getByRole('link', { name: en ? 'Ask a service team for help' : '请服务团队协助' }).click();
    await page.waitForURL(/#\/teams\?case=/);
    const form = page.locator('form.team-ask-form');
    await form.waitFor();
    await form.getByLabel(en ? 'Service team' : '服务团队').selectOption({ label: en ? '枫桥镇法律服务团（Legal advisers）' : '枫桥镇法律服务团（法律顾问团）' });
    // a request without a need is refused next to the field, before it is sent
    await form.getByRole('button', { name: en ? 'Send the request' : '发送求助' }).click();
    await form.locator('[data-field="need"] .field-error:not([hidden])').waitFor();
    await form.getByLabel(en ? 'What help is needed' : '需要什么帮助').fill('当事人对宅基地界址有法律疑问，请律师到场解答。');
    await form.getByLabel(en ? 'Deadline (working days)' : '期限（工作日）').fill('2');
    await form.getByRole('button', { name: en ? 'Send the request' : '发送求助' }).click();
    await page.locator('.flash').filter({ hasText: en ? /Request sent/ : /求助已发送/ }).waitFor();
    const item = page.locator('.team-request').filter({ hasText: '请律师到场解答' }).first();
    await item.waitFor();
    assert.match(await item.innerText(), en ? /Awaiting answer/ : /待答复/);
    // the asker answers nothing
    assert.strictEqual(await item.locator('button').count(), 0);
    // the teams of the area, with members and specialties; no phones for a village worker
    const legal = page.locator('.team-card').filter({ hasText: '枫桥镇法律服务团' });
    await legal.waitFor();
    assert.match(await legal.innerText(), en ? /Legal adviser/ : /法律顾问/);
    assert.doesNotMatch(await page.locator('.team-list').innerText(), /0575-87000010/);
    if (viewport === PHONE) assert.ok(await scrollWidth(page) <= PHONE.width, 'no sideways scrolling at 375 px');
    await axeCheck(page, `teams page asking for help (${label})`);
    await logout(page);

    // a member of the team answers
    await login(page, env.base, 'fengyuan.mediator');
    await page.goto(`${env.base}/#/teams`);
    await page.getByRole('heading', { level: 1, name: en ? 'Service teams' : '服务团队' }).waitFor();
    await page.getByRole('tab', { name: en ? 'To my teams' : '我所在团队的' }).click();
    await page.waitForURL(/tab=team/);
    const mine = page.locator('.team-request').filter({ hasText: c.tracking_code });
    await mine.waitFor();
    await mine.getByRole('button', { name: en ? 'Accept' : '接受' }).click();
    await page.locator('.flash').filter({ hasText: en ? /Accepted/ : /已接受/ }).waitFor();
    const accepted = page.locator(`.team-request[data-status="accepted"]`).filter({ hasText: c.tracking_code });
    await accepted.waitFor();
    await accepted.getByLabel(en ? 'Note' : '说明').fill('已到场解答，双方接受界址意见');
    await accepted.getByRole('button', { name: en ? 'Mark done' : '已办结' }).click();
    const done = page.locator(`.team-request[data-status="done"]`).filter({ hasText: c.tracking_code });
    await done.waitFor();
    assert.match(await done.innerText(), /已到场解答/);
    if (viewport === PHONE) assert.ok(await scrollWidth(page) <= PHONE.width, 'no sideways scrolling at 375 px');
    await axeCheck(page, `teams page answering (${label})`);
    checkSince(before);
  }));

  test(`a township cadre makes a team and adds a member (${label})`, shot(() => env, async () => {
    const before = env.errors.length;
    const page = await env.newPage({ name: `team-manage-${label}`, viewport });
    if (en) await page.addInitScript(() => localStorage.setItem('fq.lang', 'en'));
    await login(page, env.base, 'fengqiao.handler');
    await page.goto(`${env.base}/#/teams`);
    const name = `枫桥镇心理服务队${label}`;
    await page.locator('details.team-new > summary').click();
    const form = page.locator('details.team-new form');
    await form.getByLabel(en ? 'Team name' : '团队名称').fill(name);
    await form.getByLabel(en ? 'Kind' : '类别').selectOption('counselling');
    assert.strictEqual(await form.getByLabel(en ? /^Kept by county/ : /^所属县或乡镇/).inputValue(), '330681109');
    await form.getByRole('button', { name: en ? 'Create the team' : '建立团队' }).click();
    const card = page.locator('.team-card').filter({ hasText: name });
    await card.waitFor();
    assert.match(await card.innerText(), en ? /Counselling/ : /心理咨询/);
    await card.locator('details.team-add-member > summary').click();
    const add = card.locator('details.team-add-member form');
    // a phone that is no phone is refused next to the field
    await add.getByLabel(en ? 'Name' : '姓名', { exact: true }).fill('金燕');
    await add.getByLabel(en ? 'Specialty' : '专长').selectOption('counsellor');
    await add.getByLabel(en ? /^Phone/ : /^电话/).fill('call me');
    await add.getByRole('button', { name: en ? 'Add' : '添加', exact: true }).click();
    await add.locator('[data-field="phone"] .field-error:not([hidden])').waitFor();
    await add.getByLabel(en ? /^Phone/ : /^电话/).fill('0575-87000020');
    await add.getByRole('button', { name: en ? 'Add' : '添加', exact: true }).click();
    const member = page.locator('.team-card').filter({ hasText: name }).locator('.team-member').filter({ hasText: '金燕' });
    await member.waitFor();
    assert.match(await member.innerText(), /0575-87000020/);
    if (viewport === PHONE) assert.ok(await scrollWidth(page) <= PHONE.width, 'no sideways scrolling at 375 px');
    await axeCheck(page, `teams page managing (${label})`);
    // the refused phone's 400 is the one console error the browser logs
    checkSince(before, [/status of 400/]);
  }));
}
