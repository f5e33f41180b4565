// mediation-join.test.js - issue 14: a party joins the mediation room from
// the tracking page, without its link (the tracking code and secret plus the
// code texted to its phone). On a 375 px phone a resident opens #/track,
// types the code and secret, asks for the room's code, types it and lands in
// the room with the phone already confirmed. The text comes through the SMS
// gateway webhook to a fake gateway this file starts on 127.0.0.1. axe on
// the new section and on the room; no console errors.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const http = require('node:http');
const { setup, shot, axeCheck, scrollWidth, PHONE } = require('./helpers.js');
const { Client, freePort } = require('../lib/server.js');

const VILLAGE = '330681109290'; // 枫源村
const MEDIATOR = 'fengyuan.mediator';
const PHONE_NO = '13900007791';

let env;
const gateway = { got: [], server: null };
let filed;

async function waitFor(fn, ms, what) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) assert.fail('timed out waiting for ' + what);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test.before(async () => {
  const port = await freePort();
  gateway.server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      try { gateway.got.push(JSON.parse(body)); } catch (_) { gateway.got.push({ raw: body }); }
      res.writeHead(200);
      res.end('ok');
    });
  });
  await new Promise((r) => gateway.server.listen(port, '127.0.0.1', r));
  const cfg = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'fq-join-')), 'config.json');
  fs.writeFileSync(cfg, JSON.stringify({ webhook_allow: [`127.0.0.1:${port}`] }));
  env = await setup({ server: { args: ['--config', cfg], env: { FENGQIAO_WEBHOOK_RETRY_BASE: '1' } } });
  const admin = new Client(env.base);
  await admin.login('admin');
  const hook = await admin.post('/api/webhooks', { url: `http://127.0.0.1:${port}/sms`, events: ['mediation.code_requested'] });
  assert.equal(hook.status, 201, hook.text);

  // a resident's case (tracking code and secret) in 调解中 with its mediation open
  const f = await new Client(env.base).post('/api/public/cases', {
    title: '宅基地边界纠纷', description: '两家院墙位置有争议，请求调解。', category: 'neighbour', region: VILLAGE,
    name: '骆建华', phone: PHONE_NO, respondent: '楼小红',
  });
  assert.equal(f.status, 201, f.text);
  filed = f.json;
  const staff = new Client(env.base);
  await staff.login(MEDIATOR);
  const c = await staff.get(`/api/cases/by-code/${filed.tracking_code}`);
  assert.equal(c.status, 200, c.text);
  for (const body of [{ action: 'accept' }, { action: 'assign', handler: MEDIATOR }, { action: 'start' }]) {
    const a = await staff.post(`/api/cases/${c.json.id}/actions`, body);
    assert.equal(a.status, 200, `${body.action}: ${a.text}`);
  }
  const o = await staff.post(`/api/v1/cases/${c.json.id}/mediation`, {});
  assert.equal(o.status, 201, o.text);
});

test.after(async () => {
  if (env) await env.close();
  if (gateway.server) { gateway.server.closeAllConnections(); gateway.server.close(); }
});

test('on a phone: tracking code and secret, then the texted code, then the room', shot(() => env, async () => {
  const page = await env.newPage({ name: 'join', viewport: PHONE });
  await page.goto(`${env.base}/#/track?code=${filed.tracking_code}`);
  await page.locator('input[name="secret"]').fill(filed.secret);
  await page.getByRole('button', { name: '查询', exact: true }).click();
  const box = page.locator('section.join-room');
  await box.waitFor({ state: 'visible' });
  assert.equal(await box.locator('h3').textContent(), '进入调解室');
  await axeCheck(page, 'tracking page with the join section');
  assert.ok(await scrollWidth(page) <= PHONE.width, 'no sideways scrolling on a phone');

  const before = gateway.got.length;
  await box.getByLabel('您的手机号').fill(PHONE_NO);
  await box.getByRole('button', { name: '发送验证码' }).click();
  await box.locator('.sms-status').filter({ hasText: '验证码已发送' }).waitFor();
  const msg = await waitFor(() => gateway.got.slice(before).find((g) => g.event === 'mediation.code_requested' &&
    g.purpose === 'identity'), 15000, 'the identity code');
  await box.getByLabel('短信验证码').fill(String(msg.code));
  await box.getByRole('button', { name: '进入调解室' }).click();
  await page.waitForURL(/#\/room\/[\w-]+$/);
  // the phone is confirmed already: the room asks for consent, not a code
  await page.locator('.room-consent').waitFor();
  assert.equal(await page.locator('.room-identity').count(), 0);
  await axeCheck(page, 'the room after joining');
  env.check();
}));
