// room.js - what the API tests of the mediation room share (issue 14): a
// server with a fake SMS gateway on 127.0.0.1 (every webhook delivery is
// kept in `got`), signed-in staff, and the steps that bring a room to life
// (a case in 调解中, the room opened, each party's phone code confirmed,
// consent, the mediator chosen and accepting). One call per test file:
//   const room = useRoom(); ... room.activeRoom('标题')
// registers test.before / test.after and returns the helpers; room.srv is
// the running server once the hooks have run.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const http = require('node:http');
const { execFileSync } = require('node:child_process');
const { startServer, Client } = require('./server');

const VILLAGE = '330681109290';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// opts.args: more serve arguments; opts.config: more members of the server's configuration (or an async
// function answering them, called before the server starts)
function useRoom(opts = {}) {
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
      await sleep(150);
    }
    assert.fail('timed out waiting for ' + what);
  }

  test.before(async () => {
    gateway = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d) => { body += d; });
      req.on('end', () => { got.push({ text: body, body: JSON.parse(body) }); res.writeHead(200); res.end('ok'); });
    });
    await new Promise((r) => gateway.listen(0, '127.0.0.1', r));
    const port = gateway.address().port;
    const cfg = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'fq-mediation-')), 'config.json');
    // each party's phone is its own client: X-Forwarded-For from the trusted
    // local proxy gives each its own address and so its own rate bucket
    const extra = typeof opts.config === 'function' ? await opts.config() : (opts.config || {});
    fs.writeFileSync(cfg, JSON.stringify({ webhook_allow: [`127.0.0.1:${port}`], trusted_proxies: ['127.0.0.1'], ...extra }));
    srv = await startServer({ args: ['--config', cfg, ...(opts.args || [])], env: { FENGQIAO_SCAN_INTERVAL: '1' } });
    for (const u of ['admin', 'fengyuan.mediator', 'fengyuan.grid', 'leshan.mediator', 'fengqiao.handler', 'zhuji.analyst']) {
      users[u] = new Client(srv.base);
      await users[u].login(u);
    }
    const r = await users.admin.post('/api/webhooks', {
      url: `http://127.0.0.1:${port}/sms`,
      events: ['case.created', 'case.assigned', 'case.closed', 'user.notified', 'mediation.code_requested',
        'mediation.invited', 'mediation.risk_flagged', 'mediation.session_reminder'],
    });
    assert.equal(r.status, 201, r.text);
  });

  test.after(async () => {
    if (srv) await srv.stop();
    if (gateway) { gateway.closeAllConnections(); gateway.close(); }
  });

  const med = () => users['fengyuan.mediator'];
  const phones = new Map();
  const phoneAddr = (token) => {
    if (!phones.has(token)) phones.set(token, `198.18.${phones.size >> 8}.${phones.size & 255}`);
    return { 'x-forwarded-for': phones.get(token) };
  };
  const party = (token) => ({
    get: (p = '') => new Client(srv.base).get(`/api/v1/room/${token}${p}`, phoneAddr(token)),
    post: (p, b) => new Client(srv.base).post(`/api/v1/room/${token}${p}`, b, phoneAddr(token)),
  });

  async function act(who, id, body) {
    const r = await users[who].post(`/api/cases/${id}/actions`, body);
    assert.equal(r.status, 200, r.text);
    return r.json;
  }

  // A case at the village, in 调解中 (mediating), with two parties.
  async function mediatingCase(title) {
    const r = await med().post('/api/cases', {
      title, description: title + '，请调解', category: 'neighbour', region: VILLAGE,
      parties: [{ role: 'applicant', name: '骆建华', phone: '13900001111' },
        { role: 'respondent', name: '楼小红', phone: '13900002222' }],
    });
    assert.equal(r.status, 201, r.text);
    await act('fengyuan.mediator', r.json.id, { action: 'accept' });
    await act('fengyuan.mediator', r.json.id, { action: 'assign', handler: 'fengyuan.mediator' });
    await act('fengyuan.mediator', r.json.id, { action: 'start' });
    return r.json.id;
  }

  async function open(caseId) {
    const r = await med().post(`/api/v1/cases/${caseId}/mediation`, {});
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.links.length, 2);
    return { id: r.json.id, caseId, a: r.json.links[0], b: r.json.links[1] };
  }

  // The identity code the room texts to a party, read from the fake gateway.
  async function identityCode(p) {
    const before = got.length;
    const r = await party(p.token).post('/code');
    assert.equal(r.status, 202, r.text);
    const msg = await waitFor(() => got.slice(before).find((g) => g.body.event === 'mediation.code_requested' &&
      g.body.party === p.party_id && g.body.purpose === 'identity'), 15000, 'the identity code');
    return String(msg.body.code);
  }

  async function verify(p) {
    const code = await identityCode(p);
    const r = await party(p.token).post('/verify', { code });
    assert.equal(r.status, 200, r.text);
    return r.json;
  }

  async function consent(p, online = true) {
    const r = await party(p.token).post('/actions/consent', { consent: 'given', online });
    assert.equal(r.status, 200, r.text);
    return r.json;
  }

  // Open, verify both, consent both, both choose fengyuan.mediator, who accepts.
  async function activeRoom(title) {
    const m = await open(await mediatingCase(title));
    await verify(m.a); await verify(m.b);
    await consent(m.a); const r = await consent(m.b);
    assert.equal(r.status, 'choosing');
    await party(m.a.token).post('/actions/choose', { mediator: 'fengyuan.mediator' });
    const c = await party(m.b.token).post('/actions/choose', { mediator: 'fengyuan.mediator' });
    assert.equal(c.json.status, 'appointed', c.text);
    const acc = await med().post(`/api/v1/mediations/${m.id}/actions/accept`, {});
    assert.equal(acc.status, 200, acc.text);
    assert.equal(acc.json.status, 'active');
    // the parties see their mediator by name, not by user name
    const seen = await party(m.a.token).get('');
    const list = await med().get(`/api/v1/mediators?region=${VILLAGE}`);
    const fy = list.json.items.find((x) => x.username === 'fengyuan.mediator');
    assert.equal(seen.json.mediator_name, fy.display_name, seen.text);
    return m;
  }

  return {
    get srv() { return srv; },
    got, users, sql, waitFor, med, phoneAddr, party, act, mediatingCase, open,
    identityCode, verify, consent, activeRoom,
  };
}

module.exports = { useRoom, VILLAGE, sleep };
