// errors.test.js - API errors appear in the user's language next to the
// field they name; the intake form warns about likely duplicates and lets
// the user save anyway.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { setup, shot, login } = require('./helpers.js');
const { Client } = require('../lib/server.js');

let env;
test.before(async () => { env = await setup(); });
test.after(async () => { if (env) await env.close(); });

async function fillIntake(page, { title, phone, occurred }) {
  // Via another page, so that the form starts empty.
  await page.goto(env.base + '/#/inbox');
  await page.getByRole('heading', { level: 1, name: '待办' }).waitFor();
  await page.goto(env.base + '/#/new');
  await page.getByRole('heading', { level: 1, name: '登记案件' }).waitFor();
  await page.getByLabel('纠纷类别').selectOption('neighbour');
  await page.getByLabel('标题').fill(title);
  await page.getByLabel('纠纷情况').fill('两户因排水沟走向发生争执，一方堵塞了排水沟。');
  const village = page.locator('.region-picker select[data-level="5"]');
  await village.locator('option[value="330681109290"]').waitFor({ state: 'attached' });
  await village.selectOption('330681109290');
  if (occurred) await page.getByLabel('发生时间').fill(occurred);
  const parties = page.locator('.party-form');
  await parties.nth(0).getByLabel('姓名或名称').fill('周大伯');
  await parties.nth(0).getByLabel('联系电话').fill(phone);
  await parties.nth(1).getByLabel('姓名或名称').fill('吴大妈');
  await parties.nth(1).getByLabel('联系电话').fill('13900000099');
}

test('field errors and the duplicate warning', shot(() => env, async () => {
  const page = await env.newPage({ name: 'errors' });
  await login(page, env.base, 'fengqiao.handler');

  // Client-side: required fields are marked before anything is sent.
  await page.goto(env.base + '/#/new');
  await page.getByRole('button', { name: '保存', exact: true }).click();
  await page.locator('[data-field="title"] .field-error').filter({ hasText: '此项必填' }).waitFor();
  await page.locator('.region-picker .field-error').filter({ hasText: '村（社区）' }).waitFor();
  env.check();

  // Server-side: a time in the future is refused, and said next to its field.
  const before = env.errors.length;
  await fillIntake(page, { title: '排水沟堵塞纠纷（时间有误）', phone: '13800000098', occurred: '2099-01-01T10:00' });
  await page.getByRole('button', { name: '保存', exact: true }).click();
  await page.locator('[data-field="occurred_at"] .field-error').filter({ hasText: '时间不能晚于现在' }).waitFor();
  assert.strictEqual(await page.getByLabel('发生时间').getAttribute('aria-invalid'), 'true');
  const noise = env.errors.splice(before).filter((e) => !/status of 400/.test(e));
  assert.deepStrictEqual(noise, []);

  // Duplicates: a case with the same party phone already exists.
  const api = new Client(env.base);
  await api.login('fengqiao.clerk');
  const first = await api.post('/api/cases', {
    title: '排水沟堵塞纠纷', description: '一方堵塞了排水沟，雨天院子积水。', category: 'neighbour',
    channel: 'hotline', region: '330681109290',
    parties: [{ role: 'applicant', name: '周大伯', phone: '13800000097' }],
  });
  assert.strictEqual(first.status, 201, first.text);
  await fillIntake(page, { title: '排水沟堵塞纠纷（再次来访）', phone: '13800000097' });
  await page.getByRole('button', { name: '保存', exact: true }).click();
  const warn = page.locator('.dup-warning');
  await warn.waitFor();
  assert.match(await warn.innerText(), new RegExp(first.json.tracking_code));
  // Back to the form keeps what was typed; then save anyway.
  await warn.getByRole('button', { name: '返回修改' }).click();
  await warn.waitFor({ state: 'detached' });
  assert.strictEqual(await page.getByLabel('标题').inputValue(), '排水沟堵塞纠纷（再次来访）');
  await page.getByRole('button', { name: '保存', exact: true }).click();
  await page.locator('.dup-warning .save-anyway').click();
  await page.waitForURL(/#\/case\/\d+$/);
  await page.getByRole('heading', { level: 1, name: '排水沟堵塞纠纷（再次来访）' }).waitFor();
  await page.locator('.dup-list a', { hasText: '排水沟堵塞纠纷' }).first().waitFor();

  // An action refused by the server is explained in the form.
  await page.locator('.action-btn[data-action="reject"]').click();
  await page.locator('#action-form button[type="submit"]').click();
  await page.locator('#action-form [data-field="reason"] .field-error').filter({ hasText: '此项必填' }).waitFor();
  env.check();
}));
