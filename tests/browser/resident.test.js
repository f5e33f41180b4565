// resident.test.js - a resident reads a self-help guide, files a case from
// it, gets a tracking code and secret on a printable slip, and tracks it.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { setup, shot } = require('./helpers.js');

let env;
test.before(async () => { env = await setup(); });
test.after(async () => { if (env) await env.close(); });

test('guide, file, slip and tracking', shot(() => env, async () => {
  const page = await env.newPage({ name: 'resident' });
  await page.goto(env.base + '/');
  await page.getByRole('heading', { level: 1 }).waitFor();
  assert.strictEqual(await page.evaluate(() => document.documentElement.lang), 'zh-CN');
  // The staff login link is there, but a resident does not need it.
  await page.getByRole('link', { name: '工作人员登录' }).first().waitFor();

  // Read the unpaid-wages guide: answer its questions, see the law.
  await page.getByRole('link', { name: /被拖欠工资/ }).click();
  await page.waitForURL(/#\/guide\/wages$/);
  await page.getByText('是，在工地上', { exact: true }).click();
  await page.locator('label', { hasText: /^没签$/ }).click();
  await page.getByText('已经离职', { exact: true }).click();
  await page.getByRole('button', { name: '查看建议' }).click();
  const result = page.locator('.guide-result');
  await result.getByRole('heading', { name: '法律怎么说' }).waitFor();
  const text = await result.innerText();
  assert.match(text, /《劳动合同法》第三十条/);
  assert.match(text, /《保障农民工工资支付条例》第三十条/);
  assert.match(text, /《劳动合同法》第八十二条/);
  assert.match(text, /一年内/);

  // The neighbours guide cites the Civil Code's articles on adjoining land.
  await page.goto(env.base + '/#/guide/neighbours');
  await page.getByText('屋檐滴水', { exact: true }).click();
  await page.getByRole('button', { name: '查看建议' }).click();
  const nb = await page.locator('.guide-result').innerText();
  assert.match(nb, /第二百八十八条/);
  assert.match(nb, /第二百九十条/);
  await page.goto(env.base + '/#/guide/wages');
  await page.getByRole('button', { name: '查看建议' }).click();

  // File from the guide: category and title come prefilled.
  await page.getByRole('link', { name: '我要申请调解' }).last().click();
  await page.waitForURL(/#\/file\?topic=wages$/);
  assert.strictEqual(await page.getByLabel('纠纷类别').inputValue(), 'labour');
  assert.strictEqual(await page.getByLabel('一句话说明纠纷').inputValue(), '被拖欠工资');
  // Sending an empty form shows errors next to the fields.
  await page.getByRole('button', { name: '提交申请' }).click();
  await page.locator('[data-field="description"] .field-error').filter({ hasText: '此项必填' }).waitFor();
  await page.locator('.region-picker .field-error').filter({ hasText: '村（社区）' }).waitFor();

  await page.getByLabel('纠纷情况').fill('在枫桥镇某工地干了三个月泥水工，包工头拖欠工资一万二千元。');
  const sel = (lv) => page.locator(`.region-picker select[data-level="${lv}"]`);
  await selectWhenReady(sel(2), '3306');
  await selectWhenReady(sel(3), '330681');
  await selectWhenReady(sel(4), '330681109');
  await selectWhenReady(sel(5), '330681109290');
  await page.getByLabel('姓名').fill('王小明');
  await page.getByLabel('手机号码').fill('13700000003');
  await page.getByLabel(/我确认以上内容真实/).check();
  await page.getByRole('button', { name: '提交申请' }).click();

  const slip = page.locator('.slip');
  await slip.waitFor();
  const code = (await slip.locator('.tracking-code').innerText()).trim();
  const secret = (await slip.locator('.tracking-secret').innerText()).trim();
  assert.ok(code.length >= 4, 'tracking code shown');
  assert.ok(secret.length >= 8, 'secret shown');
  await page.getByRole('button', { name: '打印回执' }).waitFor();
  // Print CSS: the slip prints, the header and buttons do not.
  await page.emulateMedia({ media: 'print' });
  assert.ok(await slip.isVisible());
  assert.ok(!(await page.locator('.site-header').isVisible()));
  assert.ok(!(await page.getByRole('button', { name: '打印回执' }).isVisible()));
  await page.emulateMedia({ media: 'screen' });

  // Track it later, in a fresh browser, with code and secret.
  const other = await env.newPage({ name: 'tracker' });
  await other.goto(env.base + '/#/track');
  await other.getByLabel('查询码').fill(code);
  await other.getByLabel('查询密码').fill(secret);
  // The secret travels in a header, never in a URL (which proxies log).
  const lookup = other.waitForRequest((r) => r.url().includes('/api/public/cases/'));
  await other.getByRole('button', { name: '查询', exact: true }).click();
  const sent = await lookup;
  assert.ok(!sent.url().includes(secret) && !sent.url().includes('secret='), sent.url());
  assert.strictEqual(await sent.headerValue('x-tracking-secret'), secret);
  const res = other.locator('.track-result');
  await res.locator('.status').waitFor();
  const rt = await res.innerText();
  assert.match(rt, /已登记/);
  assert.match(rt, /被拖欠工资/);
  assert.ok(await res.locator('.timeline .tl-item').count() >= 1, 'public timeline shown');
  // Staff-only details (actors) are not shown to the public.
  assert.strictEqual(await res.locator('.tl-actor').count(), 0);

  env.check();

  // A wrong secret is refused with a message in the user's language.
  const before = env.errors.length;
  await other.getByLabel('查询密码').fill('not-the-secret');
  await other.getByRole('button', { name: '查询', exact: true }).click();
  await other.locator('.form-error').filter({ hasText: '没有找到该申请' }).waitFor();
  // The browser logs the 404 of that wrong lookup; nothing else may appear.
  const after = env.errors.slice(before).filter((e) => !/status of 404/.test(e));
  assert.deepStrictEqual(after, [], 'console or page errors');
}));

async function selectWhenReady(select, value) {
  await select.locator(`option[value="${value}"]`).waitFor({ state: 'attached' });
  await select.selectOption(value);
}
