// queues.test.js - 待办's queues, the case page's one next step and the
// team tools in the browser (issue 13, items 1, 2 and 6), at desktop and
// phone width, each in zh-CN and English (helpers.js RUNS), with axe and no
// console errors:
// - after a resolve the case is under fengyuan.grid's 待回访; at the
//   township an escalated case tops 新上报 with its reason;
// - a village mediator starts mediation from 已登记 in one click; at 375 px
//   the deadline shows without scrolling; the escalation banner;
// - the township handler reminds a village case (督办) and the village
//   mediator sees it in 待办; bulk assignment and saved filters on the list.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { setup, shot, login, axeCheck, RUNS, PHONE } = require('./helpers.js');
const { Client } = require('../lib/server.js');

let env;
const api = {};
test.before(async () => {
  env = await setup();
  for (const u of ['fengyuan.mediator', 'fengqiao.handler']) {
    api[u] = new Client(env.base);
    await api[u].login(u);
  }
});
test.after(async () => { if (env) await env.close(); });

let seq = 0;
async function newCase(title) {
  seq += 1;
  const r = await api['fengyuan.mediator'].post('/api/cases', {
    title, description: '两户之间排水沟被填，雨天积水倒灌。', category: 'neighbour', channel: 'walk_in',
    region: '330681109290', parties: [{ role: 'applicant', name: '骆建华', phone: `1397777${String(seq).padStart(4, '0')}` }],
  });
  assert.strictEqual(r.status, 201, r.text);
  return r.json;
}

async function act(who, id, body) {
  const r = await api[who].post(`/api/cases/${id}/actions`, body);
  assert.strictEqual(r.status, 200, `${body.action}: ${r.text}`);
  return r.json;
}

for (const { label, viewport, lang, L } of RUNS) {
  test(`queues: 待回访 for the grid worker, 新上报 at the township (${label})`, shot(() => env, async () => {
    const resolved = await newCase(`回访测试${label}`);
    await act('fengyuan.mediator', resolved.id, { action: 'take' });
    await act('fengyuan.mediator', resolved.id, { action: 'resolve', outcome: 'mediated', summary: '双方和解' });
    const up = await newCase(`上报测试${label}`);
    await act('fengyuan.mediator', up.id, { action: 'accept' });
    await act('fengyuan.mediator', up.id, { action: 'escalate', reason: `跨村纠纷需镇里协调${label}` });

    const page = await env.newPage({ name: `grid-${label}`, viewport, lang });
    await login(page, env.base, 'fengyuan.grid');
    await page.goto(env.base + '/#/inbox');
    const tab = page.locator('.queue-tab[data-queue="follow_up"]');
    await tab.waitFor();
    assert.match(await tab.innerText(), L(/待回访\s*[1-9]/, /Follow-up\s*[1-9]/));
    await tab.click();
    await page.waitForURL(/queue=follow_up/);
    const card = page.locator('.case-card', { hasText: `回访测试${label}` });
    await card.waitFor();
    assert.match(await card.innerText(), L(/我的/, /Mine/));
    assert.match(await card.locator('.deadline-chip').innerText(), L(/回访期限/, /Follow-up due/));
    await axeCheck(page, `grid inbox ${label}`);

    const town = await env.newPage({ name: `town-${label}`, viewport, lang });
    await login(town, env.base, 'fengqiao.handler');
    await town.goto(env.base + '/#/inbox?queue=escalated');
    await town.locator('.queue-tab[data-queue="escalated"]', { hasText: L('新上报', 'Escalated to us') }).waitFor();
    const first = town.locator('.case-cards .case-card').first();
    await first.waitFor();
    const text = await first.innerText();
    assert.match(text, new RegExp(`上报测试${label}`), 'the newest escalation tops 新上报');
    assert.match(text, new RegExp(`跨村纠纷需镇里协调${label}`), 'with its reason');
    assert.match(text, L(/张美华\S* 于 .* 从.*上报/, /张美华\S* escalated from .* on /), 'and who escalated');
    assert.match(text, L(/本单位待认领/, /Unit, not taken/));
    await axeCheck(town, `township inbox ${label}`);

    // the case page opens with the escalation banner at the top
    await first.locator('a.case-title').click();
    // the banner comes from a second request after the page is drawn: wait for it
    await town.locator('.case-banner .banner-escalated').waitFor();
    const banner = await town.locator('.case-banner').innerText();
    assert.match(banner, new RegExp(`跨村纠纷需镇里协调${label}`));
    assert.match(banner, L(/上报/, /Escalated/));
    assert.strictEqual(await town.locator('.action-primary').getAttribute('data-action'), 'take');
    assert.strictEqual(await town.locator('.action-primary').innerText(), L('受理并承办', 'Accept and take on'));
    await axeCheck(town, `case page ${label}`);
    env.check();
  }));

  test(`one click from 已登记 to 调解中; the deadline under the title (${label})`, shot(() => env, async () => {
    const c = await newCase(`一键承办${label}`);
    const page = await env.newPage({ name: `take-${label}`, viewport, lang });
    await login(page, env.base, 'fengyuan.mediator');
    await page.goto(env.base + `/#/case/${c.id}`);
    const primary = page.locator('.action-primary');
    await primary.waitFor();
    assert.strictEqual(await primary.innerText(), L('受理并承办', 'Accept and take on'));
    // destructive steps stand apart, the rest under 更多
    assert.strictEqual(await page.locator('.action-danger [data-action="reject"]').count(), 1);
    assert.strictEqual(await page.locator('.more-actions [data-action="accept"]').count(), 1);
    if (viewport === PHONE) {
      const box = await page.locator('.head-deadline').boundingBox();
      assert.ok(box && box.y + box.height <= PHONE.height, `deadline in the first screen (${JSON.stringify(box)})`);
      assert.match(await page.locator('.head-deadline').innerText(), L(/受理期限/, /Accept by/));
    } else {
      assert.strictEqual(await page.locator('.head-deadline').isVisible(), false, 'the side column shows it');
    }
    await primary.click();
    await page.locator('.case-badges .status', { hasText: L('调解中', 'Mediating') }).waitFor();
    // the timeline is fetched again after the step: wait for its last entry
    await page.locator('.timeline .tl-item[data-action="start"]').waitFor();
    const steps = await page.locator('.timeline .tl-item').evaluateAll((els) => els.map((e) => e.dataset.action));
    assert.deepStrictEqual(steps.slice(-3), ['accept', 'assign', 'start']);
    assert.strictEqual(await page.locator('.action-primary').getAttribute('data-action'), 'resolve');
    await axeCheck(page, `case page after take ${label}`);
    env.check();
  }));

  test(`督办: the township reminds a village case and the village mediator sees it in 待办 (${label})`, shot(() => env, async () => {
    const c = await newCase(`督办测试${label}`);
    await act('fengyuan.mediator', c.id, { action: 'take' });
    const town = await env.newPage({ name: `remind-town-${label}`, viewport, lang });
    await login(town, env.base, 'fengqiao.handler');
    await town.goto(env.base + `/#/case/${c.id}`);
    await town.locator('.more-actions > summary').click();
    await town.locator('.action-btn[data-action="remind"]').click();
    const form = town.locator('#action-form[data-action="remind"]');
    await form.locator('textarea[name="reason"]').fill(`请三日内反馈调解进展${label}`);
    await form.locator('button[type="submit"]').click();
    await town.locator('.case-banner .banner-remind').waitFor();
    assert.match(await town.locator('.timeline').innerText(), L(/督办/, /Remind/));

    const page = await env.newPage({ name: `remind-village-${label}`, viewport, lang });
    await login(page, env.base, 'fengyuan.mediator');
    await page.goto(env.base + '/#/inbox');
    const box = page.locator('.reminder-box');
    await box.waitFor();
    assert.match(await box.innerText(), new RegExp(`请三日内反馈调解进展${label}`));
    assert.match(await box.innerText(), /王建国/);
    assert.match(await page.locator('.queue-tab[data-queue="reminders"]').innerText(), L(/督办\s*[1-9]/, /Reminders\s*[1-9]/));
    await axeCheck(page, `reminders ${label}`);
    env.check();
  }));
}

test('bulk assign from the list, each through the server\'s checks; saved filters', shot(() => env, async () => {
  const a = await newCase('批量交办甲');
  const b = await newCase('批量交办乙');
  await act('fengyuan.mediator', a.id, { action: 'accept' });
  const page = await env.newPage({ name: 'bulk' });
  await login(page, env.base, 'fengyuan.mediator');
  await page.goto(env.base + '/#/cases?q=' + encodeURIComponent('批量交办'));
  await page.locator('.case-table tbody tr').first().waitFor();
  await page.locator(`.bulk-pick[data-id="${a.id}"]`).check();
  await page.locator(`.bulk-pick[data-id="${b.id}"]`).check();
  const who = page.locator('select[name="bulk_handler"]');
  await page.waitForFunction(() => document.querySelectorAll('select[name="bulk_handler"] option').length > 1);
  assert.match(await who.innerText(), /张美华.*在办 \d+ 件/);
  await who.selectOption('fengyuan.mediator');
  await page.locator('input[name="bulk_note"]').fill('本周处理');
  await page.getByRole('button', { name: '批量交办' }).click();
  const out = page.locator('.bulk-result');
  await out.getByText('已交办 1 件，未成功 1 件').waitFor();
  assert.match(await out.innerText(), /不允许|not allowed|已登记|registered/i, 'the registered one is refused by the server');
  const r = await api['fengyuan.mediator'].get(`/api/cases/${a.id}`);
  assert.strictEqual(r.json.status, 'assigned');

  // saved filters: kept for this user in this browser
  await page.locator('.saved-filters > summary').click();
  await page.locator('input[name="saved_name"]').fill('批量');
  await page.getByRole('button', { name: '保存当前筛选' }).click();
  await page.locator('.saved-list a', { hasText: '批量' }).waitFor();
  const stored = await page.evaluate(() => localStorage.getItem('fq.savedFilters.fengyuan.mediator'));
  assert.match(decodeURIComponent(stored), /批量交办/);
  await axeCheck(page, 'case list with bulk bar');
  // the refused case's 409 is the one expected resource error
  env.check([/status of 409 \(Conflict\).*\/api\/cases\/\d+\/actions/]);
}));
