// resident-portal.test.js - the residents' portal of issue 13 (items 13-15),
// at desktop and phone width, in zh-CN and English: the complete filing form
// (other party, date, hotline, 110 note, the 3-working-day promise, fields
// re-checked as they are edited); the slip with an 8-digit PIN, a QR code
// of the tracking page (checked against a reference matrix made by Debian's
// python3-qrcode, and decoded with zbarimg where it is installed) and a copy
// button; typing the PIN from the slip on a phone, with a show/hide toggle;
// the five steps with the unit and its phone, plain entries ("已上报至枫桥镇"
// after an escalation), the outcome and a rating. axe on each new view.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { setup, shot, axeCheck, PHONE, DESKTOP } = require('./helpers.js');
const { Client } = require('../lib/server.js');

const REF = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'qr-reference.json'), 'utf8'));

let env;
test.before(async () => { env = await setup(); });
test.after(async () => { if (env) await env.close(); });

function sql(text) {
  const db = env.server.db;
  return db.startsWith('postgres')
    ? execFileSync('psql', [db, '-At', '-c', text], { encoding: 'utf8' })
    : execFileSync('sqlite3', [db, text], { encoding: 'utf8' });
}

async function staff(username) {
  const c = new Client(env.base);
  await c.login(username);
  return c;
}

async function act(client, code, body) {
  const id = Number(sql(`SELECT id FROM cases WHERE tracking_code = '${code}'`).trim());
  const r = await client.post(`/api/cases/${id}/actions`, body);
  assert.strictEqual(r.status, 200, `${body.action}: ${r.text}`);
}

async function selectWhenReady(select, value) {
  await select.locator(`option[value="${value}"]`).waitFor({ state: 'attached' });
  await select.selectOption(value);
}

function hasZbar() {
  try { execFileSync('zbarimg', ['--version'], { stdio: 'ignore' }); return true; } catch (_) { return false; }
}

test('the QR encoder matches a reference encoder, module for module (versions 4, 8, 10)', shot(() => env, async () => {
  const page = await env.newPage({ name: 'qr' });
  await page.goto(env.base + '/');
  const got = await page.evaluate(async (cases) => {
    const { qrMatrix } = await import('/js/qr.js');
    return cases.map((c) => qrMatrix(c.text, { mask: c.mask }).map((r) => r.map((d) => (d ? '1' : '0')).join('')));
  }, REF.cases);
  REF.cases.forEach((c, i) => {
    assert.strictEqual(got[i].length, 17 + 4 * c.version, `version ${c.version}`);
    assert.deepStrictEqual(got[i], c.rows, `matrix of case ${i} (version ${c.version})`);
  });
  // too long for version 10 at level M: a clear error, not a broken code
  const err = await page.evaluate(async () => {
    const { qrMatrix } = await import('/js/qr.js');
    try { qrMatrix('x'.repeat(214)); return ''; } catch (e) { return e.name; }
  });
  assert.strictEqual(err, 'RangeError');
}));

test('file on a desktop, then type the PIN from the slip on a phone; escalation, unit phone and rating', shot(() => env, async () => {
  const page = await env.newPage({ name: 'file-desktop', viewport: DESKTOP });
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: env.base });
  await page.goto(env.base + '/#/file');
  await page.getByRole('heading', { level: 1, name: '申请调解' }).waitFor();
  const intro = await page.locator('main, #main-content, body').first().innerText();
  assert.match(intro, /110/);
  assert.match(intro, /12345/);
  assert.match(intro, /3 个工作日内受理/);
  await axeCheck(page, 'filing form');

  // Fields are re-checked as they are edited: a wrong phone shows its error
  // when left, and the error goes as soon as it is mended, without sending.
  const phone = page.getByLabel('手机号码');
  await phone.fill('1370000');
  await phone.blur();
  const phoneErr = page.locator('[data-field="phone"] .field-error');
  await phoneErr.filter({ hasText: /手机号/ }).waitFor();
  await phone.fill('13700000077');
  await phoneErr.waitFor({ state: 'hidden' });
  assert.strictEqual(await phone.getAttribute('aria-invalid'), null);
  // a date after today is refused at once
  const date = page.getByLabel('纠纷发生日期');
  await date.fill('2099-01-01');
  await page.locator('[data-field="occurred_at"] .field-error').filter({ hasText: '不能晚于今天' }).waitFor();
  await date.fill('2026-11-01');
  await page.locator('[data-field="occurred_at"] .field-error').waitFor({ state: 'hidden' });

  await page.getByLabel('纠纷类别').selectOption('neighbour');
  await page.getByLabel('一句话说明纠纷').fill('邻居家的排水沟堵了');
  await page.getByLabel('纠纷情况').fill('邻居砌墙把排水沟堵住，下雨天我家院子进水。');
  await page.getByLabel('对方称呼或单位名称').fill('隔壁老李');
  const sel = (lv) => page.locator(`.region-picker select[data-level="${lv}"]`);
  await selectWhenReady(sel(2), '3306');
  await selectWhenReady(sel(3), '330681');
  await selectWhenReady(sel(4), '330681109');
  await selectWhenReady(sel(5), '330681109290');
  await page.getByLabel('姓名').fill('陈阿姨');
  await page.getByLabel(/我确认以上内容真实/).check();
  await page.getByRole('button', { name: '提交申请' }).click();

  const slip = page.locator('.slip');
  await slip.waitFor();
  const code = (await slip.locator('.tracking-code').innerText()).trim();
  const printedPin = (await slip.locator('.tracking-pin').innerText()).trim();
  assert.match(printedPin, /^\d{4} \d{4}$/);
  assert.match(await slip.innerText(), /3 个工作日内受理/);
  // the QR code holds the tracking page of this case (no secret in it)
  const trackUrl = `${env.base}/#/track?code=${code}`;
  const qr = slip.locator('svg.qr');
  assert.strictEqual(await qr.getAttribute('aria-label'), `查询办理进度的二维码：${trackUrl}`);
  if (hasZbar()) {
    const png = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'fq-qr-')), 'qr.png');
    await slip.locator('.slip-qr').screenshot({ path: png });
    const text = execFileSync('zbarimg', ['-q', '--raw', png], { encoding: 'utf8' }).trim();
    assert.strictEqual(text, trackUrl);
  }
  // the copy button puts the code, the PIN and the address on the clipboard
  await slip.getByRole('button', { name: '复制查询信息' }).click();
  await slip.locator('.copy-status').filter({ hasText: '已复制' }).waitFor();
  const clip = await page.evaluate(() => navigator.clipboard.readText());
  assert.ok(clip.includes(code) && clip.includes(printedPin) && clip.includes(trackUrl), clip);
  // printed: the QR code prints, the copy button does not
  await page.emulateMedia({ media: 'print' });
  assert.ok(await qr.isVisible());
  assert.ok(!(await slip.getByRole('button', { name: '复制查询信息' }).isVisible()));
  await page.emulateMedia({ media: 'screen' });
  await axeCheck(page, 'slip');

  // On a phone: open the scanned address, type the PIN as printed.
  const mobile = await env.newPage({ name: 'track-phone', viewport: PHONE });
  await mobile.goto(trackUrl);
  assert.strictEqual(await mobile.getByLabel('查询码').inputValue(), code);
  const secret = mobile.getByLabel('查询密码或数字码');
  await secret.fill(printedPin);
  assert.strictEqual(await secret.getAttribute('type'), 'password');
  await mobile.getByRole('button', { name: '显示' }).click();
  assert.strictEqual(await secret.getAttribute('type'), 'text');
  assert.strictEqual(await secret.inputValue(), printedPin);
  await mobile.getByRole('button', { name: '隐藏' }).click();
  assert.strictEqual(await secret.getAttribute('type'), 'password');
  await mobile.getByRole('button', { name: '查询', exact: true }).click();
  const res = mobile.locator('.track-result');
  await res.locator('.steps').waitFor();
  let text = await res.innerText();
  assert.match(text, /邻居家的排水沟堵了/);
  assert.match(text, /枫源村调委会/);
  assert.match(text, /0575-87000001/);
  assert.match(text, /已提交申请，等待枫源村调委会受理/);
  assert.strictEqual(await res.locator('.step[aria-current="step"] .step-label').innerText(), '提交');
  // privacy: neither party's name nor the phone is shown back
  assert.ok(!/陈阿姨|老李|13700000077/.test(text), text);
  assert.ok(await mobile.evaluate(() => document.documentElement.scrollWidth) <= PHONE.width, 'no sideways scroll at 375 px');
  await axeCheck(mobile, 'tracking on a phone');

  // The village escalates: the resident reads that it went up to the township.
  const village = await staff('fengyuan.mediator');
  await act(village, code, { action: 'accept' });
  await act(village, code, { action: 'assign', handler: 'fengyuan.mediator' });
  await act(village, code, { action: 'start' });
  await act(village, code, { action: 'escalate', reason: '村级调解未成，双方分歧大' });
  await mobile.getByRole('button', { name: '查询', exact: true }).click();
  await res.getByText(/已上报至枫桥镇/).waitFor();
  text = await res.innerText();
  assert.match(text, /当前办理单位：\s*枫桥镇矛调中心/);
  assert.match(text, /0575-87000000/);
  assert.ok(!text.includes('双方分歧大'), 'no reasons shown');
  assert.strictEqual(await res.locator('a.unit-phone').getAttribute('href'), 'tel:057587000000');

  // Resolved at the township: the outcome, then one rating.
  const town = await staff('fengqiao.handler');
  await act(town, code, { action: 'assign', handler: 'fengqiao.handler' });
  await act(town, code, { action: 'start' });
  await act(town, code, { action: 'resolve', outcome: 'mediated', summary: '老李拆除堵塞部分' });
  await mobile.getByRole('button', { name: '查询', exact: true }).click();
  await res.locator('.rating-form').waitFor();
  assert.match(await res.innerText(), /办理结果：\s*调解成功/);
  assert.strictEqual(await res.locator('.step[aria-current="step"] .step-label').innerText(), '办结');
  await axeCheck(mobile, 'rating form');
  await res.getByRole('button', { name: '提交评价' }).click();
  await res.getByText('请选择一项。').waitFor();
  await res.getByLabel('满意', { exact: true }).check();
  await res.getByRole('button', { name: '提交评价' }).click();
  await res.getByText('您的评价：满意。谢谢！').waitFor();
  await mobile.getByRole('button', { name: '查询', exact: true }).click();
  await res.locator('.rating-done').waitFor();
  assert.strictEqual(await res.locator('.rating-form').count(), 0, 'rated once only');
  env.check();
}));

test('in English at phone width: the form notes, the steps and the escalation entry', shot(() => env, async () => {
  const pub = new Client(env.base);
  const filed = await pub.post('/api/public/cases', {
    title: '噪音扰民', description: '楼下商铺深夜营业噪音很大。', category: 'neighbour',
    region: '330681109290', name: '周先生', phone: '13700000088',
  });
  assert.strictEqual(filed.status, 201, filed.text);
  const village = await staff('fengyuan.mediator');
  await act(village, filed.json.tracking_code, { action: 'accept' });
  await act(village, filed.json.tracking_code, { action: 'escalate', reason: '涉及多户' });

  const page = await env.newPage({ name: 'english', viewport: PHONE });
  await page.addInitScript(() => localStorage.setItem('fq.lang', 'en'));
  await page.goto(env.base + '/#/file');
  await page.getByText(/call 110 now/).waitFor();
  assert.match(await page.locator('body').innerText(), /within 3 working days/);
  await page.getByText('The other party', { exact: true }).waitFor();
  await axeCheck(page, 'filing form, English');

  await page.goto(`${env.base}/#/track?code=${filed.json.tracking_code}`);
  await page.getByLabel('Secret or PIN').fill(filed.json.pin);
  await page.getByRole('button', { name: 'Look up', exact: true }).click();
  const res = page.locator('.track-result');
  await res.locator('.steps').waitFor();
  const text = await res.innerText();
  assert.match(text, /Passed up to 枫桥镇 mediation centre/);
  assert.match(text, /Submitted/);
  assert.strictEqual(await res.locator('.step[aria-current="step"] .step-label').innerText(), 'Accepted');
  // a texted code can be asked for; the answer never shows the phone
  await page.getByText(/Get a code by SMS/).click();
  await page.getByLabel('Mobile number given when filing').fill('13700000088');
  await page.getByRole('button', { name: 'Send code' }).click();
  await page.locator('.sms-status').filter({ hasText: 'a code is on its way' }).waitFor();
  assert.ok(!(await page.locator('body').innerText()).includes('0088'));
  await axeCheck(page, 'tracking, English');
  env.check();
}));
