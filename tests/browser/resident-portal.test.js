// resident-portal.test.js - the residents' portal of issue 13 (items 13-15),
// at desktop and phone width, each in zh-CN and English (helpers.js RUNS):
// the complete filing form
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
const { setup, shot, axeCheck, RUNS } = require('./helpers.js');
const { Client } = require('../lib/server.js');

const REF = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'qr-reference.json'), 'utf8'));

let env;
test.before(async () => { env = await setup(); });
test.after(async () => { if (env) await env.close(); });

function sql(text) {
  const db = env.server.db;
  return db.startsWith('postgres')
    ? execFileSync('psql', [db, '-At', '-c', text], { encoding: 'utf8' })
    : execFileSync('sqlite3', ['-cmd', '.timeout 5000', db, text], { encoding: 'utf8' });
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

// Each run files, reads the slip, types the PIN and follows the case at its
// own width and in its own language (the phone runs type the PIN on a phone).
for (const [i, { label, viewport, lang, L }] of RUNS.entries()) {
  test(`file, then type the PIN from the slip; escalation, unit phone and rating (${label})`, shot(() => env, async () => {
    const filingPhone = `137000000${70 + i}`;
    const page = await env.newPage({ name: `file-${label}`, viewport, lang });
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: env.base });
    await page.goto(env.base + '/#/file');
    await page.getByRole('heading', { level: 1, name: L('申请调解', 'Ask for mediation') }).waitFor();
    const intro = await page.locator('main, #main-content, body').first().innerText();
    assert.match(intro, L(/情况紧急.*请立即拨打 110 报警/, /call 110 now/));
    assert.match(intro, /12345/);
    assert.match(intro, L(/3 个工作日内受理/, /within 3 working days/));
    await page.getByText(L('对方当事人', 'The other party'), { exact: true }).waitFor();
    await axeCheck(page, `filing form (${label})`);

    // Fields are re-checked as they are edited: a wrong phone shows its error
    // when left, and the error goes as soon as it is mended, without sending.
    const phone = page.getByLabel(L('手机号码', /^Mobile number/));
    await phone.fill('1370000');
    await phone.blur();
    const phoneErr = page.locator('[data-field="phone"] .field-error');
    await phoneErr.filter({ hasText: L(/手机号/, /mobile/) }).waitFor();
    await phone.fill(filingPhone);
    await phoneErr.waitFor({ state: 'hidden' });
    assert.strictEqual(await phone.getAttribute('aria-invalid'), null);
    // a date after today is refused at once
    const date = page.getByLabel(L('纠纷发生日期', 'Date it happened'));
    await date.fill('2099-01-01');
    await page.locator('[data-field="occurred_at"] .field-error').filter({ hasText: L('不能晚于今天', 'cannot be after today') }).waitFor();
    await date.fill('2026-11-01');
    await page.locator('[data-field="occurred_at"] .field-error').waitFor({ state: 'hidden' });

    await page.getByLabel(L('纠纷类别', /^Category/)).selectOption('neighbour');
    await page.getByLabel(L('一句话说明纠纷', 'The dispute in one sentence')).fill(`邻居家的排水沟堵了${i}`);
    await page.getByLabel(L('纠纷情况', 'What happened')).fill('邻居砌墙把排水沟堵住，下雨天我家院子进水。');
    await page.getByLabel(L('对方称呼或单位名称', 'Other party (person or organisation)')).fill('隔壁老李');
    const sel = (lv) => page.locator(`.region-picker select[data-level="${lv}"]`);
    await selectWhenReady(sel(2), '3306');
    await selectWhenReady(sel(3), '330681');
    await selectWhenReady(sel(4), '330681109');
    await selectWhenReady(sel(5), '330681109290');
    await page.getByLabel(L('姓名', /^Name/)).fill('陈阿姨');
    await page.getByLabel(L(/我确认以上内容真实/, /I confirm this is true/)).check();
    await page.getByRole('button', { name: L('提交申请', 'Send application') }).click();

    const slip = page.locator('.slip');
    await slip.waitFor();
    const code = (await slip.locator('.tracking-code').innerText()).trim();
    const printedPin = (await slip.locator('.tracking-pin').innerText()).trim();
    assert.match(printedPin, /^\d{4} \d{4}$/);
    assert.match(await slip.innerText(), L(/3 个工作日内受理/, /within 3 working days/));
    // the QR code holds the tracking page of this case (no secret in it)
    const trackUrl = `${env.base}/#/track?code=${code}`;
    const qr = slip.locator('svg.qr');
    assert.strictEqual(await qr.getAttribute('aria-label'), L(`查询办理进度的二维码：${trackUrl}`, `QR code of the tracking page: ${trackUrl}`));
    if (hasZbar()) {
      const png = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'fq-qr-')), 'qr.png');
      await slip.locator('.slip-qr').screenshot({ path: png });
      const text = execFileSync('zbarimg', ['-q', '--raw', png], { encoding: 'utf8' }).trim();
      assert.strictEqual(text, trackUrl);
    }
    // the copy button puts the code, the PIN and the address on the clipboard
    const copy = slip.getByRole('button', { name: L('复制查询信息', 'Copy tracking details') });
    await copy.click();
    await slip.locator('.copy-status').filter({ hasText: L('已复制', 'copied') }).waitFor();
    const clip = await page.evaluate(() => navigator.clipboard.readText());
    assert.ok(clip.includes(code) && clip.includes(printedPin) && clip.includes(trackUrl), clip);
    // printed: the QR code prints, the copy button does not
    await page.emulateMedia({ media: 'print' });
    assert.ok(await qr.isVisible());
    assert.ok(!(await copy.isVisible()));
    await page.emulateMedia({ media: 'screen' });
    await axeCheck(page, `slip (${label})`);

    // Open the scanned address, type the PIN as printed.
    const mobile = await env.newPage({ name: `track-${label}`, viewport, lang });
    await mobile.goto(trackUrl);
    assert.strictEqual(await mobile.getByLabel(L('查询码', 'Tracking code')).inputValue(), code);
    const secret = mobile.getByLabel(L('查询密码或数字码', 'Secret or PIN'));
    await secret.fill(printedPin);
    assert.strictEqual(await secret.getAttribute('type'), 'password');
    await mobile.getByRole('button', { name: L('显示', 'Show') }).click();
    assert.strictEqual(await secret.getAttribute('type'), 'text');
    assert.strictEqual(await secret.inputValue(), printedPin);
    await mobile.getByRole('button', { name: L('隐藏', 'Hide') }).click();
    assert.strictEqual(await secret.getAttribute('type'), 'password');
    const lookUp = mobile.getByRole('button', { name: L('查询', 'Look up'), exact: true });
    await lookUp.click();
    const res = mobile.locator('.track-result');
    await res.locator('.steps').waitFor();
    let text = await res.innerText();
    assert.match(text, new RegExp(`邻居家的排水沟堵了${i}`));
    assert.match(text, L(/已提交申请，等待枫源村调委会受理/, /Application submitted; waiting for 枫源村 mediation committee to accept it/));
    assert.match(text, /0575-87000001/);
    assert.strictEqual(await res.locator('.step[aria-current="step"] .step-label').innerText(), L('提交', 'Submitted'));
    // privacy: neither party's name nor the phone is shown back
    assert.ok(!new RegExp(`陈阿姨|老李|${filingPhone}`).test(text), text);
    assert.ok(await mobile.evaluate(() => document.documentElement.scrollWidth) <= viewport.width, 'no sideways scroll');
    await axeCheck(mobile, `tracking (${label})`);

    // The village escalates: the resident reads that it went up to the township.
    const village = await staff('fengyuan.mediator');
    await act(village, code, { action: 'accept' });
    await act(village, code, { action: 'assign', handler: 'fengyuan.mediator' });
    await act(village, code, { action: 'start' });
    await act(village, code, { action: 'escalate', reason: '村级调解未成，双方分歧大' });
    await lookUp.click();
    await res.getByText(L(/已上报至枫桥镇/, /Passed up to 枫桥镇 mediation centre/)).waitFor();
    text = await res.innerText();
    assert.match(text, L(/当前办理单位：\s*枫桥镇矛调中心/, /Now handled by:\s*枫桥镇 mediation centre/));
    assert.match(text, /0575-87000000/);
    assert.ok(!text.includes('双方分歧大'), 'no reasons shown');
    assert.strictEqual(await res.locator('a.unit-phone').getAttribute('href'), 'tel:057587000000');

    // Resolved at the township: the outcome, then one rating.
    const town = await staff('fengqiao.handler');
    await act(town, code, { action: 'assign', handler: 'fengqiao.handler' });
    await act(town, code, { action: 'start' });
    await act(town, code, { action: 'resolve', outcome: 'mediated', summary: '老李拆除堵塞部分' });
    await lookUp.click();
    await res.locator('.rating-form').waitFor();
    assert.match(await res.innerText(), L(/办理结果：\s*调解成功/, /Outcome:\s*Mediated/));
    assert.strictEqual(await res.locator('.step[aria-current="step"] .step-label').innerText(), L('办结', 'Resolved'));
    await axeCheck(mobile, `rating form (${label})`);
    const rate = res.getByRole('button', { name: L('提交评价', 'Send rating') });
    await rate.click();
    await res.getByText(L('请选择一项。', 'Please choose one.')).waitFor();
    await res.getByLabel(L('满意', 'Satisfied'), { exact: true }).check();
    await rate.click();
    await res.getByText(L('您的评价：满意。谢谢！', 'Your rating: Satisfied. Thank you!')).waitFor();
    await lookUp.click();
    await res.locator('.rating-done').waitFor();
    assert.strictEqual(await res.locator('.rating-form').count(), 0, 'rated once only');

    // a lost PIN: a texted code can be asked for; the answer never shows the phone
    await mobile.getByText(L(/获取短信验证码/, /Get a code by SMS/)).click();
    await mobile.getByLabel(L('申请时填写的手机号码', 'Mobile number given when filing')).fill(filingPhone);
    await mobile.getByRole('button', { name: L('发送验证码', 'Send code') }).click();
    await mobile.locator('.sms-status').filter({ hasText: L('验证码已经发出', 'a code is on its way') }).waitFor();
    assert.ok(!(await mobile.locator('body').innerText()).includes(filingPhone.slice(-4)));
    env.check();
  }));
}
