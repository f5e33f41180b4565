// notifications.test.js - issue 13 item 12: in-app notifications for an
// assignment, an escalation and deadlines near or past, stored per user,
// made with the case change; a user sees only those about cases they can
// see (checked where read), marks them read, and the same events go to the
// SMS gateway's webhook (user.notified) for a user with a phone, audited.
// Every listener here is on 127.0.0.1 and started by this file.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const http = require('node:http');
const { execFileSync } = require('node:child_process');
const { startServer, Client } = require('../lib/server');

const VILLAGE = '330681109290';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let srv; let gateway; const got = [];
const users = {};

function sql(text) {
  return srv.db.startsWith('postgres')
    ? execFileSync('psql', [srv.db, '-AtF', '\t', '-c', text], { encoding: 'utf8' })
    : execFileSync('sqlite3', ['-cmd', '.timeout 5000', '-separator', '\t', srv.db, text], { encoding: 'utf8' });
}

async function waitFor(pred, ms, what) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const v = await pred();
    if (v) return v;
    await sleep(200);
  }
  assert.fail('timed out waiting for ' + what);
}

test.before(async () => {
  gateway = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => { got.push({ headers: req.headers, body: JSON.parse(body) }); res.writeHead(200); res.end('ok'); });
  });
  await new Promise((r) => gateway.listen(0, '127.0.0.1', r));
  const port = gateway.address().port;
  const cfg = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'fq-notify-')), 'config.json');
  fs.writeFileSync(cfg, JSON.stringify({ webhook_allow: [`127.0.0.1:${port}`] }));
  // the deadline scans every second instead of every 30 (FENGQIAO_SCAN_INTERVAL)
  srv = await startServer({ args: ['--config', cfg], env: { FENGQIAO_SCAN_INTERVAL: '1' } });
  srv.cli(['user', 'phone', 'fengqiao.handler', '13900005555']);
  for (const u of ['admin', 'fengqiao.handler', 'fengqiao.clerk', 'fengyuan.mediator', 'leshan.mediator']) {
    users[u] = new Client(srv.base);
    await users[u].login(u);
  }
  const r = await users.admin.post('/api/webhooks', { url: `http://127.0.0.1:${port}/sms`, events: ['user.notified'] });
  assert.equal(r.status, 201, r.text);
});

test.after(async () => {
  if (srv) await srv.stop();
  if (gateway) { gateway.closeAllConnections(); gateway.close(); }
});

async function newCase(title) {
  const r = await users['fengyuan.mediator'].post('/api/cases', {
    title, description: title + '，请处理', category: 'neighbour', region: VILLAGE,
    parties: [{ role: 'applicant', name: '张三', phone: '13900001111' }],
  });
  assert.equal(r.status, 201, r.text);
  return r.json;
}
async function act(who, id, body) {
  const r = await users[who].post(`/api/cases/${id}/actions`, body);
  assert.equal(r.status, 200, r.text);
  return r.json;
}
const mine = async (who, q = '') => {
  const r = await users[who].get('/api/notifications' + q);
  assert.equal(r.status, 200, r.text);
  return r.json;
};

test('an assignment tells the new handler, in the same change, by display name', async () => {
  const c = await newCase('通知测试：交办');
  await act('fengyuan.mediator', c.id, { action: 'accept' });
  const before = (await users['fengqiao.clerk'].get('/api/notifications/count')).json.unread;
  await act('fengyuan.mediator', c.id, { action: 'assign', handler: 'fengqiao.clerk' });
  const n = await mine('fengqiao.clerk');
  const it = n.items.find((x) => x.case_id === c.id);
  assert.ok(it, 'the clerk is told');
  assert.equal(it.kind, 'assigned');
  assert.equal(it.tracking_code, c.tracking_code);
  assert.equal(it.actor_name, '张美华（枫源村调委会）');
  assert.equal(it.read, false);
  assert.equal(n.unread, before + 1);
  assert.equal((await users['fengqiao.clerk'].get('/api/notifications/count')).json.unread, before + 1);
  // the one who acted is not told of her own step
  assert.ok(!(await mine('fengyuan.mediator')).items.some((x) => x.case_id === c.id && x.kind === 'assigned'));
});

test('an escalation tells the staff of the unit now holding it, with the reason, and texts those with a phone', async () => {
  const c = await newCase('通知测试：上报');
  await act('fengyuan.mediator', c.id, { action: 'accept' });
  await act('fengyuan.mediator', c.id, { action: 'escalate', reason: '涉及多村，需镇里协调' });
  for (const who of ['fengqiao.handler', 'fengqiao.clerk']) {
    const it = (await mine(who)).items.find((x) => x.case_id === c.id);
    assert.ok(it, `${who} is told`);
    assert.equal(it.kind, 'escalated');
    assert.equal(it.note, '涉及多村，需镇里协调');
  }
  // the village is not the holding unit any more: not told
  assert.ok(!(await mine('leshan.mediator')).items.some((x) => x.case_id === c.id));
  // the SMS gateway gets the event for the one user with a phone
  const sms = await waitFor(() => got.find((g) => g.body.case.id === c.id && g.body.kind === 'escalated'), 20000, 'user.notified');
  assert.equal(sms.headers['x-fengqiao-event'], 'user.notified');
  assert.equal(sms.body.event, 'user.notified');
  assert.deepEqual(sms.body.user, { username: 'fengqiao.handler', phone: '13900005555' });
  assert.equal(sms.body.note, '涉及多村，需镇里协调');
  assert.ok(!got.some((g) => g.body.case.id === c.id && g.body.user.username === 'fengqiao.clerk'), 'no phone, no text');
  // the phone that left is audited, as webhooks audit the parties' phones
  const rows = sql(`SELECT entity_id, detail FROM audit_log WHERE action = 'user.phone_sent' AND entity_id = '${c.id}'`)
    .split('\n').filter(Boolean);
  assert.equal(rows.length, 1);
  assert.equal(JSON.parse(rows[0].split('\t')[1]).user, 'fengqiao.handler');
});

test('mark one and all read; only one\'s own', async () => {
  const clerk = await mine('fengqiao.clerk', '?unread=true');
  assert.ok(clerk.items.length >= 2);
  const first = clerk.items[0];
  // someone else's notification is not found
  const other = await users['fengqiao.handler'].post(`/api/notifications/${first.id}/read`);
  assert.equal(other.status, 404);
  assert.equal(other.json.error.code, 'not_found');
  const r = await users['fengqiao.clerk'].post(`/api/notifications/${first.id}/read`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.changed, 1);
  assert.equal(r.json.unread, clerk.unread - 1);
  assert.ok(!(await mine('fengqiao.clerk', '?unread=true')).items.some((x) => x.id === first.id));
  assert.equal((await mine('fengqiao.clerk')).items.find((x) => x.id === first.id).read, true);
  const all = await users['fengqiao.clerk'].post('/api/notifications/read-all');
  assert.equal(all.status, 200, all.text);
  assert.equal(all.json.unread, 0);
  assert.equal((await users['fengqiao.clerk'].get('/api/notifications/count')).json.unread, 0);
  assert.equal((await users['fengqiao.clerk'].get('/api/notifications?limit=0')).status, 400);
  assert.equal((await users['fengqiao.clerk'].post('/api/notifications/abc/read')).status, 404);
});

test('a user sees only notifications about cases they can see now (checked where read)', async () => {
  const c = await newCase('通知测试：范围');
  await act('fengyuan.mediator', c.id, { action: 'accept' });
  await act('fengyuan.mediator', c.id, { action: 'assign', handler: 'fengqiao.clerk' });
  const it = (await mine('fengqiao.clerk')).items.find((x) => x.case_id === c.id);
  assert.ok(it);
  // the clerk moves to another village: the Fengyuan case is out of her sight
  srv.cli(['user', 'revoke', 'fengqiao.clerk', 'handler', '330681109']);
  srv.cli(['user', 'grant', 'fengqiao.clerk', 'handler', '330681109291']);
  const after = await mine('fengqiao.clerk');
  assert.ok(!after.items.some((x) => x.case_id === c.id), 'not listed');
  assert.equal(after.unread, 0, 'not counted');
  assert.equal((await users['fengqiao.clerk'].post(`/api/notifications/${it.id}/read`)).status, 404, 'not markable');
  srv.cli(['user', 'revoke', 'fengqiao.clerk', 'handler', '330681109291']);
  srv.cli(['user', 'grant', 'fengqiao.clerk', 'handler', '330681109']);
  assert.ok((await mine('fengqiao.clerk')).items.some((x) => x.case_id === c.id), 'back in sight');
});

test('deadlines: the overdue scan and the due-soon scan notify the handler or the unit once', async () => {
  // the seeded data has overdue cases; the scan at start-up announces them
  const overdue = await waitFor(async () => {
    for (const who of ['fengyuan.mediator', 'fengqiao.handler']) {
      const it = (await mine(who)).items.find((x) => x.kind === 'overdue');
      if (it) return it;
    }
    return null;
  }, 20000, 'an overdue notification');
  assert.ok(overdue.due, 'it names the deadline');
  assert.equal(overdue.actor_name, null);
  // a deadline within a day: the next scan announces it, and later scans
  // do not announce it again
  const c = await newCase('通知测试：临近期限');
  const soon = Math.floor(Date.now() / 1000) + 3600;
  sql(`UPDATE cases SET next_due = ${soon} WHERE id = ${c.id}`);
  const it = await waitFor(async () => (await mine('fengyuan.mediator')).items.find((x) => x.case_id === c.id && x.kind === 'due_soon'),
    45000, 'a due-soon notification');
  assert.equal(Date.parse(it.due) / 1000, soon);
  await sleep(3000); // three more scans
  const n = sql(`SELECT count(*) FROM notifications WHERE case_id = ${c.id} AND kind = 'due_soon'`).trim();
  assert.equal(n, '1');
});

test('user phone: a mainland mobile or --clear', async () => {
  assert.throws(() => srv.cli(['user', 'phone', 'fengqiao.clerk', '12345'], { stdio: 'pipe' }));
  srv.cli(['user', 'phone', 'fengqiao.clerk', '13700007777']);
  assert.equal(sql("SELECT phone FROM users WHERE username = 'fengqiao.clerk'").trim(), '13700007777');
  srv.cli(['user', 'phone', 'fengqiao.clerk', '--clear']);
  assert.equal(sql("SELECT coalesce(phone, '-') FROM users WHERE username = 'fengqiao.clerk'").trim(), '-');
  const a = sql("SELECT detail FROM audit_log WHERE action = 'user.phone' ORDER BY id").split('\n').filter(Boolean);
  assert.ok(a.some((d) => d.includes('137****7777')) && !a.some((d) => d.includes('13700007777')), 'audited masked');
});
