// notifications.test.js - issue 13 item 12 in the browser, at desktop and
// phone width, each in zh-CN and English (helpers.js RUNS): after a case is assigned to her, the clerk's header bell
// shows the unread count; the list names the case and who assigned it;
// marking it read lowers the count; 全部标为已读 clears it.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { setup, shot, login, axeCheck, scrollWidth, RUNS, DESKTOP, PHONE } = require('./helpers.js');
const { Client } = require('../lib/server.js');

let env; let mediator;
test.before(async () => {
  env = await setup();
  mediator = new Client(env.base);
  await mediator.login('fengyuan.mediator');
});
test.after(async () => { if (env) await env.close(); });

async function assignedCase(title, handler) {
  const r = await mediator.post('/api/cases', {
    title, description: title + '，请处理', category: 'neighbour', region: '330681109290',
    parties: [{ role: 'applicant', name: '张三', phone: '13900001111' }],
  });
  assert.strictEqual(r.status, 201, r.text);
  for (const body of [{ action: 'accept' }, { action: 'assign', handler }]) {
    const a = await mediator.post(`/api/cases/${r.json.id}/actions`, body);
    assert.strictEqual(a.status, 200, a.text);
  }
  return r.json;
}

const bellCount = async (page) => {
  const b = page.locator('.notif-bell .notif-count');
  return (await b.isHidden()) ? 0 : Number(await b.innerText());
};

for (const { label, viewport, lang, L } of RUNS) {
  test(`the bell counts, the list names the case, mark-as-read (${label})`, shot(() => env, async () => {
    const c = await assignedCase(`通知浏览器测试 ${label}`, 'fengqiao.clerk');
    await assignedCase(`通知浏览器测试 ${label} 二`, 'fengqiao.clerk');
    const page = await env.newPage({ name: `notif-${label}`, viewport, lang });
    await login(page, env.base, 'fengqiao.clerk');
    const bell = page.locator('.notif-bell');
    await bell.waitFor();
    await page.waitForFunction(() => !document.querySelector('.notif-bell .notif-count').hidden);
    const before = await bellCount(page);
    assert.ok(before >= 2);
    assert.match(await bell.getAttribute('aria-label'), new RegExp(L(`通知，${before} 条未读`, `Notifications, ${before} unread`)));
    await bell.click();
    await page.waitForURL(/#\/notifications/);
    await page.getByRole('heading', { level: 1, name: L('通知', 'Notifications') }).waitFor();
    const item = page.locator('.notif-item.unread', { hasText: c.tracking_code });
    await item.waitFor();
    assert.match(await item.innerText(), L(/案件交办给您（张美华（枫源村调委会））/, /A case was assigned to you \(by 张美华（枫源村调委会）\)/));
    assert.ok(await scrollWidth(page) <= viewport.width + 1, 'no horizontal scroll');
    await axeCheck(page, `on the notifications page (${label})`);
    await item.getByRole('button', { name: L('标为已读', 'Mark read') }).click();
    await page.locator('.notif-item:not(.unread)', { hasText: c.tracking_code }).waitFor();
    await page.waitForFunction((n) => {
      const b = document.querySelector('.notif-bell .notif-count');
      return (b.hidden ? 0 : Number(b.textContent)) === n;
    }, before - 1);
    await page.getByRole('button', { name: L('全部标为已读', 'Mark all read') }).click();
    await page.waitForFunction(() => document.querySelector('.notif-bell .notif-count').hidden);
    assert.strictEqual(await page.locator('.notif-item.unread').count(), 0);
    // opening a case from the list goes to the case page
    await page.locator('.notif-case', { hasText: c.tracking_code }).click();
    await page.waitForURL(new RegExp(`#/case/${c.id}$`));
    env.check();
  }));
}

// issue 14, live: the bell counts a new notification without a reload,
// through the page's EventSource (no polling: the count is asked for only
// when an event arrives).
for (const [label, viewport] of [['desktop', DESKTOP], ['phone', PHONE]]) {
  test(`the bell updates live, without reload or polling (${label})`, shot(() => env, async () => {
    const page = await env.newPage({ name: `notif-live-${label}`, viewport });
    // the page holds one open event stream
    const streams = [];
    page.on('response', (r) => {
      if (r.url().includes('/api/v1/notifications/stream')) streams.push(r.headers()['content-type']);
    });
    await login(page, env.base, 'fengqiao.clerk');
    await page.locator('.notif-bell').waitFor();
    for (let i = 0; i < 100 && !streams.length; i++) await page.waitForTimeout(100);
    assert.match(String(streams[0]), /^text\/event-stream/);
    await page.waitForTimeout(500);
    const before = await bellCount(page);
    const asked = [];
    page.on('request', (r) => { if (r.url().includes('/api/notifications/count')) asked.push(r.url()); });
    await page.waitForTimeout(2000);
    assert.strictEqual(asked.length, 0, 'nothing is polled while nothing happens');
    const url = page.url();
    await assignedCase(`实时铃铛 ${label}`, 'fengqiao.clerk');
    await page.waitForFunction((n) => {
      const b = document.querySelector('.notif-bell .notif-count');
      return !b.hidden && Number(b.textContent) === n;
    }, before + 1, { timeout: 10000 });
    assert.strictEqual(page.url(), url, 'no navigation');
    assert.strictEqual(asked.length, 1, 'one count, asked because of the event');
    assert.strictEqual(streams.length, 1, 'one stream, still open');
    assert.match(await page.locator('.notif-bell').getAttribute('aria-label'), new RegExp(`${before + 1} 条未读`));
    await axeCheck(page, `with the live bell (${label})`);
    env.check();
  }));
}
