// attachments.test.js - attachments in the browser (issue 13, item 8): a
// mediator uploads a photo on the case page and sees its thumbnail and the
// timeline's "attachment added"; a resident files with a photo, the case
// has it and the tracking page shows it back to her. Desktop in Chinese and phone (375 px) in English, with axe and no
// console errors.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { setup, shot, login, axeCheck, scrollWidth, DESKTOP, PHONE } = require('./helpers.js');
const { Client } = require('../lib/server.js');
const { makePng } = require('../lib/png.js');

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
    title: `宅基地围墙纠纷${seq}`, description: '两户围墙位置发生争议。', category: 'housing_land',
    channel: 'walk_in', region: '330681109290',
    parties: [{ role: 'applicant', name: '骆建华', phone: `1390003${String(seq).padStart(4, '0')}` }],
  });
  assert.strictEqual(r.status, 201, r.text);
  return r.json;
}

// This test's own console errors (env.errors holds every page's, in order).
function checkSince(before, allowed = []) {
  const bad = env.errors.slice(before).filter((e) => !allowed.some((re) => re.test(e)));
  assert.deepStrictEqual(bad, [], 'console or page errors');
}

async function english(page) {
  await page.addInitScript(() => localStorage.setItem('fq.lang', 'en'));
}

const thumbShown = (page) => page.waitForFunction(() => {
  const i = document.querySelector('.attachments-card img.att-thumb');
  return i && i.complete && i.naturalWidth > 0;
});

for (const [label, viewport, en] of [['desktop', DESKTOP, false], ['phone', PHONE, true]]) {
  test(`a mediator uploads a photo on the case page and sees its thumbnail (${label})`, shot(() => env, async () => {
    const before = env.errors.length;
    const c = await newCase();
    const page = await env.newPage({ name: `attach-${label}`, viewport });
    if (en) await english(page);
    await login(page, env.base, 'fengyuan.mediator');
    await page.goto(`${env.base}/#/case/${c.id}`);
    const card = page.locator('.attachments-card');
    await card.getByRole('heading', { name: en ? 'Attachments' : '附件', exact: true }).waitFor();
    await card.getByText(en ? 'No attachments yet.' : '暂无附件。').waitFor();
    await page.getByLabel(en ? 'Upload a photo or document' : '上传照片或文件')
      .setInputFiles({ name: '围墙现场.jpg', mimeType: 'image/jpeg', buffer: makePng(900, 600, seq) });
    await card.getByRole('link', { name: '围墙现场.png', exact: true }).waitFor();
    await thumbShown(page);
    const alt = await card.locator('img.att-thumb').getAttribute('alt');
    assert.match(alt, /围墙现场\.png/);
    // the timeline names the file, never its bytes
    const entry = page.locator('.tl-item[data-action="attachment_added"]');
    await entry.waitFor();
    assert.match(await entry.innerText(), en ? /Attachment added[\s\S]*围墙现场\.png/ : /添加附件[\s\S]*围墙现场\.png/);
    // a file that is not what its name says is refused with a message
    await page.getByLabel(en ? 'Upload a photo or document' : '上传照片或文件')
      .setInputFiles({ name: 'photo.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('<html><script>1</script></html>') });
    await card.locator('.att-status.att-error').filter({ hasText: en ? /judged by the content/ : /按文件内容判断/ }).waitFor();
    if (viewport === PHONE) assert.ok(await scrollWidth(page) <= PHONE.width, 'no sideways scrolling at 375 px');
    await axeCheck(page, `case page with attachments (${label})`);
    // the refused upload's 415 is the one console error the browser logs
    checkSince(before, [/status of 415/]);
  }));

  test(`a resident files with a photo (${label})`, shot(() => env, async () => {
    const before = env.errors.length;
    const page = await env.newPage({ name: `file-photo-${label}`, viewport });
    if (en) await english(page);
    await page.goto(env.base + '/#/file');
    const form = page.locator('form.form');
    await form.locator('[name="category"]').selectOption('neighbour');
    await form.locator('[name="title"]').fill('邻居堆放杂物堵路');
    await form.locator('[name="description"]').fill('邻居在巷子里堆放杂物，电动车无法通过，多次协商无果。');
    const sel = (lv) => page.locator(`.region-picker select[data-level="${lv}"]`);
    for (const [lv, v] of [[2, '3306'], [3, '330681'], [4, '330681109'], [5, '330681109290']]) {
      await sel(lv).locator(`option[value="${v}"]`).waitFor({ state: 'attached' });
      await sel(lv).selectOption(v);
    }
    await form.locator('[name="name"]').fill('王小明');
    await form.locator('[name="phone"]').fill(`1370000${label === 'desktop' ? '1001' : '1002'}`);
    await page.getByLabel(en ? 'Photos (optional)' : '照片（可选）')
      .setInputFiles([{ name: '杂物.png', mimeType: 'image/png', buffer: makePng(640, 480, 40 + seq) }]);
    await form.locator('.att-chosen li').filter({ hasText: '杂物.png' }).waitFor();
    if (viewport === PHONE) assert.ok(await scrollWidth(page) <= PHONE.width, 'no sideways scrolling at 375 px');
    await axeCheck(page, `filing form with a photo (${label})`);
    await page.locator('#file-consent').check();
    await form.locator('button[type="submit"]').click();
    const slip = page.locator('.slip');
    await slip.waitFor();
    await slip.locator('.slip-photos').filter({ hasText: en ? '1 photo(s) attached.' : '已附上 1 张照片。' }).waitFor();
    const code = (await slip.locator('.tracking-code').innerText()).trim();
    // the tracking page shows the resident's own photo, read with the secret
    await page.getByRole('button', { name: en ? 'Track it now' : '查看办理进度' }).click();
    const photos = page.locator('.resident-photos');
    await photos.getByRole('heading', { name: en ? 'Your photos' : '您提交的照片' }).waitFor();
    await page.waitForFunction(() => {
      const i = document.querySelector('.resident-photos img.att-thumb');
      return i && i.complete && i.naturalWidth > 0;
    });
    if (viewport === PHONE) assert.ok(await scrollWidth(page) <= PHONE.width, 'no sideways scrolling at 375 px');
    await axeCheck(page, `tracking page with the resident's photo (${label})`);
    // the case has the resident's photo, as staff see it
    const found = await api.get(`/api/cases?q=${encodeURIComponent(code)}`);
    assert.strictEqual(found.status, 200, found.text);
    const id = found.json.items[0].id;
    const list = await api.get(`/api/cases/${id}/attachments`);
    assert.deepStrictEqual(list.json.items.map((a) => [a.name, a.by_resident, a.thumbnail]), [['杂物.png', true, true]]);
    checkSince(before);
  }));
}
