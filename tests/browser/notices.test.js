// notices.test.js - the case page's 打印 (print) card (issue 13, item 9):
// an accepted case offers 打印受理通知书 and the download is a PDF; a case
// not yet accepted has no card until it is accepted on the page. Desktop and
// phone, each in zh-CN and English (helpers.js RUNS), with axe and no console
// errors.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const { setup, shot, login, axeCheck, scrollWidth, RUNS, PHONE } = require('./helpers.js');
const { Client } = require('../lib/server.js');

let env;
let api;
test.before(async () => {
  env = await setup({ server: { cases: false } });
  api = new Client(env.base);
  await api.login('fengyuan.mediator');
});
test.after(async () => { if (env) await env.close(); });

let seq = 0;
async function newCase(accept) {
  seq += 1;
  const r = await api.post('/api/cases', {
    title: `宅基地围墙纠纷${seq}`, description: '两户围墙位置发生争议。', category: 'housing_land',
    channel: 'walk_in', region: '330681109290',
    parties: [{ role: 'applicant', name: '骆建华', phone: `1390002${String(seq).padStart(4, '0')}` }],
  });
  assert.strictEqual(r.status, 201, r.text);
  if (accept) {
    const a = await api.post(`/api/cases/${r.json.id}/actions`, { action: 'accept' });
    assert.strictEqual(a.status, 200, a.text);
  }
  return r.json;
}

// Clicks the link and returns the downloaded file's bytes and name.
async function download(page, link) {
  const [dl] = await Promise.all([page.waitForEvent('download'), link.click()]);
  const file = await dl.path();
  return { name: dl.suggestedFilename(), bytes: fs.readFileSync(file) };
}

for (const { label, viewport, lang, L } of RUNS) {
  test(`an accepted case prints its 受理通知书 as a PDF (${label})`, shot(() => env, async () => {
    const accepted = await newCase(true);
    const page = await env.newPage({ name: `notices-${label}`, viewport, lang });
    await login(page, env.base, 'fengyuan.mediator');
    await page.goto(`${env.base}/#/case/${accepted.id}`);
    const link = page.getByRole('link', { name: L('打印受理通知书', 'Print notice of acceptance'), exact: true });
    await link.waitFor();
    assert.strictEqual(await page.getByRole('heading', { name: L('打印', 'Print'), exact: true }).count(), 1);
    // only what the state allows: no non-acceptance notice for an accepted case
    assert.strictEqual(await page.locator('[data-notice="reject"]').count(), 0);
    const got = await download(page, link);
    assert.match(got.name, /\.pdf$/);
    assert.match(got.name, new RegExp(accepted.tracking_code));
    assert.strictEqual(got.bytes.subarray(0, 5).toString('latin1'), '%PDF-');
    assert.ok(got.bytes.length > 5000, `a real document (${got.bytes.length} bytes)`);
    if (viewport === PHONE) assert.ok(await scrollWidth(page) <= PHONE.width, 'no sideways scrolling at 375 px');
    await axeCheck(page, `case page with the print card (${label})`);
    env.check();
  }));
}

test('the print card appears once the case is accepted on the page', shot(() => env, async () => {
  const fresh = await newCase(false);
  const page = await env.newPage({ name: 'notices-accept' });
  await login(page, env.base, 'fengyuan.mediator');
  await page.goto(`${env.base}/#/case/${fresh.id}`);
  await page.locator('.action-bar').waitFor();
  assert.strictEqual(await page.locator('.notices-card').isVisible(), false, 'nothing to print yet');
  // accept sits under 更多 beside 受理并承办, and runs on one click
  const accept = page.locator('[data-action="accept"]');
  if (!(await accept.isVisible())) await page.locator('.more-actions > summary').click();
  await accept.click();
  const link = page.getByRole('link', { name: '打印受理通知书', exact: true });
  await link.waitFor();
  const got = await download(page, link);
  assert.strictEqual(got.bytes.subarray(0, 5).toString('latin1'), '%PDF-');
  env.check();
}));
