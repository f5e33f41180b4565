// casepage.test.js - issue 13's case page in the browser, at desktop and
// phone width, each in zh-CN and English (helpers.js RUNS): no internal values in the case page, list and timeline
// (item 3), finding a case by a piece of its code and 欠薪 newest first,
// with the handler column (item 4), merge and link by code with a preview
// and "合并到此案" (item 5), and editing the facts with the old values on
// request (item 7). axe on each page, no console errors.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { setup, shot, login, axeCheck, RUNS } = require('./helpers.js');
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
async function newCase(over = {}) {
  seq++;
  const r = await api['fengyuan.mediator'].post('/api/cases', {
    title: '邻里排水纠纷', description: '两户之间排水沟被填，雨天积水倒灌。', category: 'neighbour',
    channel: 'walk_in', region: '330681109290', location: { address: '枫源村3组' },
    parties: [{ role: 'applicant', name: '骆建华', phone: `1390002${String(seq).padStart(4, '0')}` },
      { role: 'respondent', name: '陈国强', phone: `1580002${String(seq).padStart(4, '0')}` }],
    ...over,
  });
  assert.strictEqual(r.status, 201, r.text);
  return r.json;
}

async function act(who, id, body) {
  const r = await api[who].post(`/api/cases/${id}/actions`, body);
  assert.strictEqual(r.status, 200, r.text);
  return r.json;
}

/** Internal values in the page's main content, FQ codes left out: in
 * zh-CN any run of /[a-z_]{4,}/ (the check); in English, where
 * words are lower case, codes (snake_case), user names (a.b) and `public`. */
async function internalWords(page, lang) {
  const text = (await page.locator('#main-content').innerText()).replace(/FQ-[0-9A-Z]{5}-[0-9A-Z]{5}/g, '');
  const internal = lang === 'en' ? /\b[a-z]+_[a-z_]+\b|\b[a-z]{3,}\.[a-z]{3,}\b|\bpublic\b/g : /[a-z_]{4,}/g;
  return text.match(internal) || [];
}

/** Opens an action's form, from 更多 when the button is tucked away there. */
async function openAction(page, action) {
  const btn = page.locator(`.action-btn[data-action="${action}"]`);
  if (!(await btn.isVisible())) {
    const more = page.locator('.more-actions > summary');
    if (await more.count()) await more.first().click();
  }
  await btn.click();
  const form = page.locator(`#action-form[data-action="${action}"]`);
  await form.waitFor();
  return form;
}

for (const { label: width, viewport, lang, L } of RUNS) {
  // in titles: Latin letters there would read as internal values
  const tag = `${viewport.width > 500 ? '桌面' : '手机'}${lang === 'en' ? '英文' : '中文'}`;
  test(`no internal values on the case page, list and timeline (${width})`, shot(() => env, async () => {
    // a case with an escalation, an assignment, a note and a link, and one filed by a resident
    const c = await newCase({ title: `围墙滴水纠纷${tag}` });
    const other = await newCase({ title: `相关案件${tag}` });
    await act('fengyuan.mediator', c.id, { action: 'accept' });
    await act('fengyuan.mediator', c.id, { action: 'assign', handler: 'fengyuan.mediator' });
    await act('fengyuan.mediator', c.id, { action: 'link', other_id: other.id });
    await act('fengyuan.mediator', c.id, { action: 'note', text: '已电话联系双方。' });
    await act('fengyuan.mediator', c.id, { action: 'escalate', reason: '涉及多个村组。' });
    await act('fengqiao.handler', c.id, { action: 'assign', handler: 'fengqiao.handler' });
    const pub = await new Client(env.base).post('/api/public/cases', { title: '工资被拖欠', description: '袜厂三个月未发工资', category: 'labour', region: '330681109290', name: '楼小红', phone: '13755550019' });
    assert.strictEqual(pub.status, 201, pub.text);

    const page = await env.newPage({ viewport, lang, name: `names-${width}` });
    await login(page, env.base, 'fengqiao.handler');
    await page.goto(`${env.base}/#/case/${c.id}`);
    await page.locator('.timeline .tl-item[data-action="escalate"]').waitFor();
    assert.deepStrictEqual(await internalWords(page, lang), [], 'case page');
    const tl = await page.locator('.timeline').innerText();
    assert.match(tl, L(/由枫源村上报至枫桥镇/, /Escalated from 枫源村 to 枫桥镇/));
    assert.match(tl, /王建国（枫桥镇矛调中心）/);
    assert.doesNotMatch(tl, /（[^）]*）（|\([^)]*\)\(/, 'no doubled brackets');
    assert.doesNotMatch(tl, /[。；，]{2}|[.;,:]{2}/, 'no doubled punctuation');
    const facts = await page.locator('.case-facts').innerText();
    assert.match(facts, /张美华（枫源村调委会）/);
    await axeCheck(page, 'case page');

    const found = await api['fengqiao.handler'].get('/api/cases?q=' + encodeURIComponent(pub.json.tracking_code));
    await page.goto(`${env.base}/#/case/${found.json.items[0].id}`);
    await page.locator('.timeline .tl-item').first().waitFor();
    assert.match(await page.locator('.case-facts').innerText(), L(/群众/, /Resident/));
    assert.deepStrictEqual(await internalWords(page, lang), [], 'publicly filed case');

    await page.goto(`${env.base}/#/cases`);
    await page.locator('.case-table tbody tr').first().waitFor();
    assert.deepStrictEqual(await internalWords(page, lang), [], 'case list');
    env.check();
  }));

  test(`HJY7X-style code search and 欠薪 newest first, with the handler column (${width})`, shot(() => env, async () => {
    const c = await newCase({ title: `欠薪纠纷${tag}`, description: '袜厂拖欠工人工资两个月，工人要求结清欠薪。', category: 'labour' });
    const part = c.tracking_code.split('-')[1];
    const page = await env.newPage({ viewport, lang, name: `search-${width}` });
    await login(page, env.base, 'fengqiao.handler');
    await page.goto(`${env.base}/#/cases`);
    await page.locator('.case-table').waitFor();
    await page.getByRole('searchbox').fill(part);
    await page.getByRole('button', { name: L('查询', 'Apply'), exact: true }).click();
    await page.locator('.case-table tbody tr').first().waitFor();
    const rows = page.locator('.case-table tbody tr');
    assert.strictEqual(await rows.count(), 1);
    assert.match(await rows.first().innerText(), new RegExp(c.tracking_code));
    assert.strictEqual(await rows.first().locator('mark').first().innerText(), part);

    // 欠薪: newest first, with a snippet that marks the word
    await page.getByRole('searchbox').fill('欠薪');
    await page.getByRole('button', { name: L('查询', 'Apply'), exact: true }).click();
    await page.waitForURL(/q=%E6%AC%A0%E8%96%AA/);
    await page.locator('.case-table tbody tr .snippet mark').first().waitFor();
    const ids = await rows.evaluateAll((els) => els.map((e) => Number(e.dataset.id)));
    assert.ok(ids.length >= 2, 'several 欠薪 cases');
    const byApi = (await api['fengqiao.handler'].get('/api/cases?page_size=20&sort=-created_at&q=' + encodeURIComponent('欠薪'))).json.items;
    const times = byApi.map((x) => Date.parse(x.created_at));
    assert.deepStrictEqual(times, [...times].sort((a, b) => b - a));
    assert.deepStrictEqual(ids, byApi.map((x) => x.id), 'the page shows them newest first');
    // the chosen sort holds while searching
    await page.getByLabel(L('排序', 'Sort'), { exact: true }).selectOption('created_at');
    await page.getByRole('button', { name: L('查询', 'Apply'), exact: true }).click();
    await page.waitForURL(/sort=created_at/);
    await page.locator('.case-table tbody tr').first().waitFor();
    const asc = (await api['fengqiao.handler'].get('/api/cases?page_size=20&sort=created_at&q=' + encodeURIComponent('欠薪'))).json.items.map((x) => x.id);
    await page.waitForFunction((first) => document.querySelector('.case-table tbody tr').dataset.id === String(first), asc[0]);

    // the handler column and filter
    assert.ok(await page.locator('.case-table th', { hasText: L('承办人', 'Handler') }).count() === 1);
    await page.goto(`${env.base}/#/cases?handler=fengqiao.handler`);
    await page.locator('.case-table tbody tr, .empty').first().waitFor();
    // the filter's names come from a second request: wait for them
    const handlerFilter = page.getByLabel(L('承办人', 'Handler'), { exact: true });
    await handlerFilter.locator('option[value="fengqiao.handler"]').waitFor({ state: 'attached' });
    assert.strictEqual(await handlerFilter.inputValue(), 'fengqiao.handler');
    const cells = await page.locator(`.case-table tbody td[data-label="${L('承办人', 'Handler')}"]`).allInnerTexts();
    assert.ok(cells.length > 0 && cells.every((x) => x === '王建国（枫桥镇矛调中心）'), cells.join('|'));
    await axeCheck(page, 'case list');
    env.check();
  }));

  test(`merge and link by code show the other case; 合并到此案 says which survives (${width})`, shot(() => env, async () => {
    const a = await newCase({ title: `合并甲${tag}` });
    const b = await newCase({ title: `合并乙的标题${tag}` });
    const page = await env.newPage({ viewport, lang, name: `merge-${width}` });
    await login(page, env.base, 'fengyuan.mediator');
    await page.goto(`${env.base}/#/case/${a.id}`);
    await page.locator('.timeline .tl-item').first().waitFor();
    const form = await openAction(page, 'merge');
    await form.getByLabel(L('另一案件的编号', 'Code of the other case')).fill(b.tracking_code);
    await form.locator('.preview-title', { hasText: `合并乙的标题${tag}` }).waitFor();
    assert.match(await form.locator('.survivor').innerText(), new RegExp(L(`合并后保留 ${b.tracking_code}`, `${b.tracking_code} survives the merge`)));
    // a piece of the code finds it too
    await form.getByLabel(L('另一案件的编号', 'Code of the other case')).fill(b.tracking_code.split('-')[2]);
    await form.locator('.preview-title', { hasText: `合并乙的标题${tag}` }).waitFor();
    await axeCheck(page, 'merge form');
    await form.getByRole('button', { name: L('取消', 'Cancel') }).click();

    // the same parties make b a likely duplicate of a: merge it here
    const dup = page.locator(`.merge-here-btn[data-id="${b.id}"]`);
    await dup.waitFor();
    await dup.click();
    assert.match(await page.locator('.merge-statement').innerText(), new RegExp(L(`${b.tracking_code} 将并入本案 ${a.tracking_code}。本案保留`,
      `${b.tracking_code} will be merged into this case ${a.tracking_code}. This case survive`)));
    await page.getByRole('button', { name: L('确认合并', 'Confirm merge') }).click();
    await page.locator('.flash', { hasText: L(`${b.tracking_code} 已并入本案`, `${b.tracking_code} was merged into this case`) }).waitFor();
    const after = (await api['fengyuan.mediator'].get(`/api/cases/${b.id}`)).json;
    assert.strictEqual(after.merged_into, a.id);
    await page.locator('.timeline .tl-item[data-action="merge"]').waitFor();
    assert.match(await page.locator('.timeline').innerText(), new RegExp(L(`并入本案的案件：${b.tracking_code}`, `Case merged into this one: ${b.tracking_code}`)));
    env.check();
  }));

  test(`editing the facts keeps the old value, shown on request (${width})`, shot(() => env, async () => {
    const c = await newCase({ title: `原标题${tag}` });
    const page = await env.newPage({ viewport, lang, name: `edit-${width}` });
    await login(page, env.base, 'fengyuan.mediator');
    await page.goto(`${env.base}/#/case/${c.id}`);
    await page.locator('.timeline .tl-item').first().waitFor();
    await page.getByRole('button', { name: L('修改案情', 'Edit facts') }).click();
    const form = page.locator('#edit-form');
    await form.waitFor();
    await axeCheck(page, 'edit form');
    await form.getByLabel(L('标题', 'Title')).fill(`新标题${tag}`);
    await form.getByLabel(L('详细地址', 'Address')).fill('枫源村5组');
    await form.getByRole('button', { name: L('修改当事人', 'Edit parties') }).click();
    await form.getByLabel(L('当事人姓名 2', 'Party name 2')).fill('陈国华');
    await form.getByRole('button', { name: L('保存修改', 'Save changes') }).click();
    await page.locator('.case-head h1', { hasText: `新标题${tag}` }).waitFor();
    const item = page.locator('.timeline .tl-item[data-action="edit"]');
    await item.waitFor();
    assert.match(await item.innerText(), L(/修改了：标题，地点，当事人|修改了：标题，当事人，地点/, /Changed: Title, (Place, Parties|Parties, Place)/));
    const old = item.locator('.edit-values');
    assert.strictEqual(await old.isVisible(), false);
    await item.getByRole('button', { name: L('显示修改前的内容', 'Show previous values') }).click();
    assert.match(await old.innerText(), new RegExp(L(`原为：原标题${tag}`, `Was: 原标题${tag}`)));
    assert.match(await old.innerText(), L(/原为：枫源村3组/, /Was: 枫源村3组/));
    assert.doesNotMatch(await old.innerText(), /1[3-9]\d{9}/, 'phones stay masked');
    assert.deepStrictEqual(await internalWords(page, lang), []);
    await axeCheck(page, 'edited case');
    env.check();
  }));
}
