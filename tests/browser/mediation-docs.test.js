// mediation-docs.test.js - documents and evidence in a mediation's room
// (issue 14; src/api/mediation_doc.c, web/js/pages/mediation-docs.js): a
// party on a 375 px phone puts a photo in her caucus; the mediator's page
// shows it live (EventSource, no reload) and downloads it; the other party's
// page never shows it, while a file in the shared thread reaches both. The
// room is set up through the API (the texted codes through a fake SMS
// gateway this file starts on 127.0.0.1); axe on both pages, no console
// errors.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const http = require('node:http');
const { setup, shot, login, axeCheck, scrollWidth, PHONE, DESKTOP } = require('./helpers.js');
const { Client, freePort } = require('../lib/server.js');
const { makePng } = require('../lib/png.js');

const VILLAGE = '330681109290'; // 枫源村
const MEDIATOR = 'fengyuan.mediator';
const PHOTO = '借条照片.png';
let env;
let staff;
const got = [];
let gateway;
const room = {};

async function waitFor(fn, ms, what) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) assert.fail('timed out waiting for ' + what);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function partyPost(p, sub, body) {
  const r = await new Client(env.base).post(`/api/v1/room/${p.token}${sub}`, body);
  assert.ok(r.status < 300, `${sub}: ${r.status} ${r.text}`);
  return r.json;
}

test.before(async () => {
  const port = await freePort();
  gateway = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      try { got.push(JSON.parse(body)); } catch (_) { got.push({}); }
      res.writeHead(200);
      res.end('ok');
    });
  });
  await new Promise((r) => gateway.listen(port, '127.0.0.1', r));
  const cfg = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'fq-mdoc-')), 'config.json');
  fs.writeFileSync(cfg, JSON.stringify({ webhook_allow: [`127.0.0.1:${port}`] }));
  env = await setup({ server: { args: ['--config', cfg], env: { FENGQIAO_WEBHOOK_RETRY_BASE: '1' } } });
  const admin = new Client(env.base);
  await admin.login('admin');
  let r = await admin.post('/api/webhooks', { url: `http://127.0.0.1:${port}/sms`, events: ['mediation.code_requested'] });
  assert.equal(r.status, 201, r.text);
  staff = new Client(env.base);
  await staff.login(MEDIATOR);
  r = await staff.post('/api/cases', {
    title: '借款纠纷调解', description: '借款到期未还，双方同意调解。', category: 'neighbour',
    channel: 'walk_in', region: VILLAGE, people_involved: 2,
    parties: [{ role: 'applicant', name: '骆建华', phone: '13900007711' }, { role: 'respondent', name: '陈国强', phone: '15800007712' }],
  });
  assert.equal(r.status, 201, r.text);
  room.caseId = r.json.id;
  for (const body of [{ action: 'accept' }, { action: 'assign', handler: MEDIATOR }, { action: 'start' }]) {
    const a = await staff.post(`/api/cases/${room.caseId}/actions`, body);
    assert.equal(a.status, 200, a.text);
  }
  r = await staff.post(`/api/v1/cases/${room.caseId}/mediation`, {});
  assert.equal(r.status, 201, r.text);
  room.id = r.json.id;
  [room.a, room.b] = r.json.links;
  for (const p of [room.a, room.b]) {
    const before = got.length;
    await partyPost(p, '/code');
    const msg = await waitFor(() => got.slice(before).find((g) => g.event === 'mediation.code_requested' && g.party === p.party_id), 15000, 'a code');
    await partyPost(p, '/verify', { code: String(msg.code) });
    await partyPost(p, '/actions/consent', { consent: 'given', online: true });
  }
  for (const p of [room.a, room.b]) await partyPost(p, '/actions/choose', { mediator: MEDIATOR });
  r = await staff.post(`/api/v1/mediations/${room.id}/actions/accept`, {});
  assert.equal(r.status, 200, r.text);
  await partyPost(room.a, '/actions/caucus', { open: true });
});

test.after(async () => {
  if (env) await env.close();
  if (gateway) { gateway.closeAllConnections(); gateway.close(); }
});

test('a party puts a photo in her caucus on a phone; the mediator sees it live, the other party never', shot(() => env, async () => {
  const med = await env.newPage({ name: 'mediator', viewport: DESKTOP });
  await login(med, env.base, MEDIATOR);
  await med.goto(`${env.base}/#/case/${room.caseId}/mediation`);
  await med.locator('.med-live[data-state="live"]').waitFor();
  // the mediator looks at the applicant's caucus
  await med.locator('.med-tab[data-thread^="caucus:"]').first().click();
  await med.locator('.med-threads .med-docs .mdoc-title').waitFor();

  const b = await env.newPage({ name: 'respondent', viewport: DESKTOP });
  await b.goto(`${env.base}/#/room/${room.b.token}`);
  await b.locator('.room-shared .med-docs .mdoc-title').waitFor();
  await b.locator('.med-live[data-state="live"]').waitFor();

  const a = await env.newPage({ name: 'applicant', viewport: PHONE });
  await a.goto(`${env.base}/#/room/${room.a.token}`);
  await a.locator('.room-caucus .med-docs .mdoc-title').waitFor();
  await a.locator('.med-live[data-state="live"]').waitFor();
  assert.ok(await scrollWidth(a) <= PHONE.width, 'no sideways scrolling on a phone');
  await a.locator('.room-caucus .med-docs input[type=file]').setInputFiles({ name: PHOTO, mimeType: 'image/png', buffer: makePng(120, 90) });
  await a.locator('.room-caucus .mdoc-item', { hasText: PHOTO }).waitFor();
  assert.ok(await scrollWidth(a) <= PHONE.width, 'the list fits a phone');
  await axeCheck(a, 'party room with documents');

  // live on the mediator's page, with a download link
  const item = med.locator('.med-threads .mdoc-item', { hasText: PHOTO });
  await item.waitFor({ timeout: 10000 });
  const href = await item.locator('a').getAttribute('href');
  const dl = await med.evaluate(async (u) => (await fetch(u)).status, href);
  assert.equal(dl, 200);
  await axeCheck(med, 'staff room with documents');

  // the respondent: a file in the shared thread arrives; the caucus photo never
  const pdf = await staff.req('POST', `/api/v1/mediations/${room.id}/documents?thread=shared&name=record.pdf`,
    Buffer.from('%PDF-1.4\n% 调解笔录\n'), { 'content-type': 'application/octet-stream' });
  assert.equal(pdf.status, 201, pdf.text);
  await b.locator('.room-shared .mdoc-item', { hasText: 'record.pdf' }).waitFor({ timeout: 10000 });
  assert.equal(await b.locator('.mdoc-item', { hasText: PHOTO }).count(), 0, 'the other party never sees her caucus file');
  assert.ok(!(await b.content()).includes(PHOTO));
  await a.locator('.room-shared .mdoc-item', { hasText: 'record.pdf' }).waitFor({ timeout: 10000 });
  env.check();
}));
