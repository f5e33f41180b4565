// offline.test.js - the grid worker's app, offline first (issue 15): a grid
// worker goes offline (the browser context's offline switch), reports an
// event with a photo, logs a patrol with its route (geolocation granted
// and set by the test) and records a follow-up (回访); the outbox shows the
// count; back online, each item arrives exactly once (counted through the
// API), and a forced second send of the same items (their answers lost: the
// items put back in the outbox and the page reloaded) is deduplicated by the
// server's Idempotency-Key. Then the app opens with no network from the
// service worker's cache, and the page passes axe at 375 px in both languages.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { setup, shot, login, axeCheck, scrollWidth, PHONE, DESKTOP } = require('./helpers.js');
const { Client } = require('../lib/server.js');
const { makePng } = require('../lib/png.js');

let env;
let api;
test.before(async () => {
  env = await setup();
  api = new Client(env.base);
  await api.login('fengyuan.grid');
});
test.after(async () => { if (env) await env.close(); });

const FENGYUAN = { latitude: 29.6795, longitude: 120.2231 }; // 枫源村

async function eventsTitled(title) {
  const r = await api.get('/api/v1/events?limit=200');
  assert.equal(r.status, 200, r.text);
  return r.json.items.filter((e) => e.title === title);
}

// A case in the worker's follow-up queue that she may follow up.
async function followable() {
  const q = await api.get('/api/queues/follow_up?who=all&page_size=50');
  for (const c of q.json.items) {
    const one = await api.get('/api/cases/' + c.id);
    if ((one.json.allowed_actions || []).includes('follow_up')) return one.json;
  }
  throw new Error('no case the grid worker may follow up in the demo');
}


async function outboxItems(page) {
  return page.evaluate(() => new Promise((resolve, reject) => {
    const rq = indexedDB.open('fq-outbox');
    rq.onsuccess = () => {
      const all = rq.result.transaction('items').objectStore('items').getAll();
      all.onsuccess = () => resolve(all.result.map((x) => ({ ...x, photos: x.photos.map((p) => ({ type: p.blob.type, size: p.blob.size, name: p.name })) })));
      all.onerror = () => reject(all.error);
    };
    rq.onerror = () => reject(rq.error);
  }));
}

test('offline: a report with a photo, a patrol and a follow-up wait in the outbox and arrive once each, a lost answer included', shot(() => env, async () => {
  const page = await env.newPage({ name: 'field', viewport: PHONE });
  const { context } = env.pages[env.pages.length - 1];
  await context.grantPermissions(['geolocation'], { origin: env.base });
  await context.setGeolocation(FENGYUAN);
  const follow = await followable();

  await login(page, env.base, 'fengyuan.grid');
  assert.equal(await page.locator('#site-nav a[href="#/field"]').textContent(), '网格工作');
  await page.goto(env.base + '/#/field');
  await page.getByRole('heading', { level: 1, name: '网格员工作台' }).waitFor();
  await page.locator('.task-list li').first().waitFor();
  await page.evaluate(() => navigator.serviceWorker.ready);

  // ---- no network ----
  await context.setOffline(true);
  await page.locator('.field-status', { hasText: '离线' }).waitFor();

  const title = '网格员离线上报：5组路灯不亮';
  const report = page.locator('form', { has: page.getByRole('heading', { name: '上报纠纷或事件' }) });
  await report.getByLabel('事件类别').selectOption('livelihood');
  await report.getByLabel('网格').selectOption({ index: 1 });
  await report.getByLabel('标题').fill(title);
  await report.getByLabel('发现的情况').fill('5组村道两盏路灯不亮，老人夜里出行不便。');
  await report.getByLabel('现场照片').setInputFiles({ name: 'site.png', mimeType: 'image/png', buffer: makePng(2400, 1800) });
  await report.getByRole('button', { name: '保存上报' }).click();
  await report.getByText('已保存在手机上，联网后自动发送。').waitFor();

  const patrol = page.locator('form', { has: page.getByRole('heading', { name: '巡查走访' }) });
  await patrol.getByRole('button', { name: '开始巡查' }).click();
  await patrol.getByText(/巡查中，已记录 [1-9]\d* 个位置点/).waitFor();
  await context.setGeolocation({ latitude: FENGYUAN.latitude + 0.001, longitude: FENGYUAN.longitude + 0.001 });
  await patrol.getByLabel('网格').selectOption({ index: 1 });
  await patrol.getByLabel('走访的住户').fill('5组12号\n5组14号');
  await patrol.getByLabel('发现的问题').fill('5组路灯不亮两盏。');
  await patrol.getByRole('button', { name: '结束并保存' }).click();
  await patrol.getByText('已保存在手机上，联网后自动发送。').waitFor();
  const expected = 3;

  const fu = page.locator('form', { has: page.getByRole('heading', { name: '回访记录' }) });
  await fu.getByLabel('回访的案件').selectOption(String(follow.id));
  await fu.getByLabel('回访情况').fill('上门回访，双方对调解结果满意，协议已履行。');
  await fu.getByRole('button', { name: '保存回访' }).click();

  // the count, in the page and in the header
  await page.locator('.field-status', { hasText: `待发送 ${expected} 条` }).waitFor();
  await page.locator('.outbox-badge .outbox-n', { hasText: String(expected) }).waitFor();
  const queued = await outboxItems(page);
  assert.equal(queued.length, expected);
  assert.ok(queued.every((x) => /^[0-9a-f-]{36}$/.test(x.key)), 'each item has its own UUID key');
  assert.equal(new Set(queued.map((x) => x.key)).size, expected);
  const event = queued.find((x) => x.kind === 'event');
  assert.equal(event.photos.length, 1);
  assert.equal(event.photos[0].type, 'image/jpeg', 'the photo is made a JPEG on the phone');
  assert.ok(JSON.parse(event.body).lat, 'the report carries the position');
  assert.ok(JSON.parse(queued.find((x) => x.kind === 'patrol').body).route.length >= 2, 'the patrol carries its route');
  assert.deepEqual(queued.map((x) => x.kind), ['event', 'patrol', 'follow_up'], 'kept in the order made');
  assert.equal((await eventsTitled(title)).length, 0, 'nothing reached the server while offline');
  await axeCheck(page, 'field page, offline, with queued items');

  // ---- the network returns ----
  await context.setOffline(false);
  await page.locator('.field-status', { hasText: '待发送 0 条' }).waitFor({ timeout: 30000 });
  assert.ok(await page.locator('.outbox-badge').isHidden());

  const made = await eventsTitled(title);
  assert.equal(made.length, 1, 'the report arrived once');
  const one = await api.get(`/api/v1/events/${made[0].id}`);
  assert.equal(one.json.photos.length, 1, 'its photo arrived once');
  const photo = one.json.photos[0];
  assert.equal(photo.mime, 'image/jpeg');
  assert.ok(Math.max(photo.width, photo.height) <= 1600, `compressed to at most 1600 px (${photo.width}x${photo.height})`);
  const timeline = async () => (await api.get(`/api/cases/${follow.id}/timeline?page_size=200`)).json.items
    .filter((e) => e.action === 'follow_up' || (e.action === 'note' && /回访/.test(JSON.stringify(e))));
  assert.equal((await timeline()).length, 1, 'the follow-up arrived once');
  const patrols = async () => (await api.get('/api/v1/patrols?mine=1')).json.items.length;
  const patrolCount = await patrols();
  assert.equal(patrolCount, 1, 'the patrol arrived once');

  // ---- the answers were lost: the same items go again ----
  await page.evaluate((items) => new Promise((resolve, reject) => {
    const rq = indexedDB.open('fq-outbox');
    rq.onsuccess = () => {
      const tx = rq.result.transaction('items', 'readwrite');
      for (const it of items) tx.objectStore('items').put({ ...it, photos: [], photos_sent: 0, result_id: null, state: 'queued' });
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    };
  }), queued);
  await page.reload();
  await page.getByRole('heading', { level: 1, name: '网格员工作台' }).waitFor();
  await page.locator('.field-status', { hasText: '待发送 0 条' }).waitFor({ timeout: 30000 });
  assert.equal((await eventsTitled(title)).length, 1, 'the resent report was deduplicated');
  assert.equal((await timeline()).length, 1, 'the resent follow-up was deduplicated');
  assert.equal(await patrols(), patrolCount, 'the resent patrol was deduplicated');
  // and straight from the page, one item with its key: the server's first answer
  const replay = await page.evaluate(async (it) => {
    const me = await (await fetch('/api/me')).json();
    const r = await fetch(it.route, { method: 'POST', body: it.body,
      headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrf_token, 'idempotency-key': it.key } });
    return { status: r.status, replayed: r.headers.get('idempotent-replayed'), body: await r.json() };
  }, event);
  assert.equal(replay.status, 201);
  assert.equal(replay.replayed, 'true');
  assert.equal(replay.body.id, made[0].id);
  assert.equal((await eventsTitled(title)).length, 1);

  // ---- the app opens with no network, from the service worker's cache ----
  await context.setOffline(true);
  await page.reload();
  await page.getByRole('heading', { level: 1, name: '网格员工作台' }).waitFor();
  await page.locator('.field-status', { hasText: '离线' }).waitFor();
  // what the worker keeps: the shell, never an answer of the API
  const cached = await page.evaluate(async () => {
    const out = [];
    for (const n of await caches.keys()) {
      for (const r of await (await caches.open(n)).keys()) out.push(new URL(r.url).pathname);
    }
    return out;
  });
  assert.ok(cached.includes('/js/pages/field.js') && cached.includes('/index.html'), cached.join());
  assert.deepEqual(cached.filter((p) => p.startsWith('/api') || p.startsWith('/open311')), []);
  await context.setOffline(false);
  // with no network the browser logs each refused request: those alone are allowed
  env.check([/Failed to load resource: net::ERR_INTERNET_DISCONNECTED/]);
  env.errors.splice(0);
}));


test('the server changed the case meanwhile: its status wins, the follow-up\'s note is added, never lost', shot(() => env, async () => {
  const clerk = new Client(env.base);
  await clerk.login('fengqiao.clerk');
  // a case both the grid worker and the township's clerk may follow up
  const q = await api.get('/api/queues/follow_up?who=all&page_size=50');
  let target = null;
  for (const c of q.json.items) {
    const mine = await api.get('/api/cases/' + c.id);
    const theirs = await clerk.get('/api/cases/' + c.id);
    if ((mine.json.allowed_actions || []).includes('follow_up') && (theirs.json.allowed_actions || []).includes('follow_up')) { target = mine.json; break; }
  }
  assert.ok(target, 'a case both may follow up');
  const page = await env.newPage({ name: 'conflict', viewport: PHONE });
  const { context } = env.pages[env.pages.length - 1];
  await login(page, env.base, 'fengyuan.grid');
  await page.goto(env.base + '/#/field');
  await page.locator('.task-list li').first().waitFor();
  await context.setOffline(true);
  await page.locator('.field-status', { hasText: '离线' }).waitFor();
  const fu = page.locator('form', { has: page.getByRole('heading', { name: '回访记录' }) });
  await fu.getByLabel('回访的案件').selectOption(String(target.id));
  const text = '离线回访：当事人说围墙已经按约定拆除。';
  await fu.getByLabel('回访情况').fill(text);
  await fu.getByRole('button', { name: '保存回访' }).click();
  await page.locator('.field-status', { hasText: '待发送 1 条' }).waitFor();
  // meanwhile the clerk follows the case up from the office
  const other = await clerk.post(`/api/cases/${target.id}/actions`, { action: 'follow_up', satisfaction: 'satisfied', confirmed_resolved: true });
  assert.equal(other.status, 200, other.text);
  await context.setOffline(false);
  await page.locator('.field-status', { hasText: '待发送 0 条' }).waitFor({ timeout: 30000 });
  await page.getByText(/案件状态已被他人更新：以服务器状态为准/).waitFor();
  const after = await api.get(`/api/cases/${target.id}`);
  assert.equal(after.json.status, 'followed_up', 'the server\'s status stands');
  const tl = (await api.get(`/api/cases/${target.id}/timeline?page_size=200`)).json.items;
  assert.equal(tl.filter((e) => e.action === 'follow_up').length, 1, 'one follow-up: the clerk\'s');
  const notes = tl.filter((e) => e.action === 'note' && JSON.stringify(e).includes(text));
  assert.equal(notes.length, 1, 'the worker\'s note was added once');
  env.check([/Failed to load resource: net::ERR_INTERNET_DISCONNECTED/, /status of 409/]);
  env.errors.splice(0);
}));

test('an item the server refuses (4xx) is kept with its error, fixed by the worker and sent once under a new key', shot(() => env, async () => {
  const page = await env.newPage({ name: 'refused', viewport: PHONE });
  await login(page, env.base, 'fengyuan.grid');
  await page.goto(env.base + '/#/field');
  await page.locator('.field-status', { hasText: '在线' }).waitFor();
  const report = page.locator('form', { has: page.getByRole('heading', { name: '上报纠纷或事件' }) });
  await report.getByLabel('事件类别').selectOption('public_order');
  await report.getByLabel('标题').fill('乱'); // one character: the server wants 2 to 200
  await report.getByLabel('发现的情况').fill('村口夜里有人聚集喧哗。');
  await report.getByLabel('附上当前位置').uncheck();
  await report.getByRole('button', { name: '保存上报' }).click();
  const item = page.locator('.outbox-item.is-failed');
  await item.waitFor();
  await item.getByRole('alert').waitFor();
  await page.locator('.field-status', { hasText: '1 条发送失败' }).waitFor();
  const before = await outboxItems(page);
  assert.equal(before.length, 1);
  assert.equal(before[0].state, 'failed');
  assert.equal(before[0].error.field, 'title');
  await item.getByLabel(/修改后重发/).fill('村口夜间聚集喧哗');
  await item.getByRole('button', { name: '修改并重新发送' }).click();
  await page.locator('.field-status', { hasText: '待发送 0 条' }).waitFor({ timeout: 30000 });
  assert.equal((await eventsTitled('村口夜间聚集喧哗')).length, 1, 'the fixed item arrived once');
  assert.equal((await eventsTitled('乱')).length, 0);
  env.check([/status of 400/]);
  env.errors.splice(0);
}));

for (const [label, viewport, lang] of [['phone, English', PHONE, 'en'], ['desktop, zh-CN', DESKTOP, 'zh-CN']]) {
  test(`the field page at ${label}: readable, no overflow, axe`, shot(() => env, async () => {
    const page = await env.newPage({ name: 'field-' + lang, viewport, lang });
    await login(page, env.base, 'fengyuan.grid');
    await page.goto(env.base + '/#/field');
    await page.getByRole('heading', { level: 1, name: lang === 'en' ? 'Grid worker\'s desk' : '网格员工作台' }).waitFor();
    await page.getByRole('heading', { name: lang === 'en' ? 'Follow-up (回访)' : '回访记录' }).waitFor();
    await page.locator('.field-status', { hasText: lang === 'en' ? 'Online' : '在线' }).waitFor();
    assert.ok(await scrollWidth(page) <= viewport.width, 'no horizontal scroll');
    await axeCheck(page, 'field page ' + label);
    env.check();
  }));
}

test('installable: the manifest (枫桥网格, standalone, start at #/field) and the worker are served with their types', async () => {
  const m = await fetch(env.base + '/manifest.webmanifest');
  assert.equal(m.status, 200);
  assert.match(m.headers.get('content-type'), /^application\/manifest\+json/);
  const man = await m.json();
  assert.equal(man.name, '枫桥网格');
  assert.equal(man.display, 'standalone');
  assert.equal(man.start_url, '/#/field');
  for (const icon of man.icons) {
    const r = await fetch(env.base + icon.src);
    assert.equal(r.status, 200, icon.src);
    assert.equal(r.headers.get('content-type').split(';')[0], icon.type);
  }
  const sw = await fetch(env.base + '/sw.js');
  assert.equal(sw.status, 200);
  assert.match(sw.headers.get('content-type'), /^text\/javascript/);
});
