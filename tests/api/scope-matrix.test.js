// scope-matrix.test.js - every route that takes a case id, for every role
// held at 枫源村, against a case in: the same village; a sibling village;
// the same village but held by the parent township; another county; another
// city. Expected answers come from the rules of DESIGN.md §5, written here
// independently of the server. The resulting table is kept in
// docs/security.md (FQ_WRITE_DOCS=1 rewrites it there).
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { startServer, Client, ROOT } = require('../lib/server');

const ROLES = ['resident', 'grid_worker', 'mediator', 'handler', 'petition_officer', 'counsellor',
  'legal_adviser', 'analyst', 'admin'];
const VIEWERS = new Set(['grid_worker', 'mediator', 'handler', 'petition_officer', 'legal_adviser', 'analyst', 'admin']);
const CONTACTS = new Set(['grid_worker', 'mediator', 'handler', 'petition_officer', 'admin']);
const NOTE = new Set(['grid_worker', 'mediator', 'handler', 'petition_officer', 'admin']);
const PASSWORD = 'matrix-password-2026';

// target -> [visible to a role held at the village, unit covered by it]
const TARGETS = {
  same_village: [true, true],
  sibling_village: [false, false],
  parent_township: [true, false],
  other_county: [false, false],
  other_city: [false, false],
};

const ROUTES = [
  ['GET', '/api/cases/{id}', (role, [vis]) => (vis && VIEWERS.has(role) ? 200 : 404)],
  ['GET', '/api/cases/{id}/timeline', (role, [vis]) => (vis && VIEWERS.has(role) ? 200 : 404)],
  ['GET', '/api/cases/{id}/contacts', (role, [vis]) => (!vis || !VIEWERS.has(role) ? 404 : CONTACTS.has(role) ? 200 : 403)],
  ['POST', '/api/cases/{id}/actions', (role, [vis, unit]) => (!vis || !VIEWERS.has(role) ? 404 : NOTE.has(role) && unit ? 200 : 403)],
  ['GET', '/open311/v2/requests/{id}.json', (role, [vis]) => (vis && VIEWERS.has(role) ? 200 : 404)],
  ['GET', '/api/cases/{id}/notices', (role, [vis]) => (vis && VIEWERS.has(role) ? 200 : 404)],
  // no target is resolved: 409 notice_unavailable once scope and role pass
  ['GET', '/api/cases/{id}/notices/follow_up.pdf', (role, [vis]) => (!vis || !VIEWERS.has(role) ? 404 : CONTACTS.has(role) ? 409 : 403)],
  // attachments (issue 13, item 8): the case-work roles, as for contacts
  ['GET', '/api/cases/{id}/attachments', (role, [vis]) => (!vis || !VIEWERS.has(role) ? 404 : CONTACTS.has(role) ? 200 : 403)],
];

test('scope matrix: every role, every id route, five places', { timeout: 120000 }, async () => {
  const srv = await startServer({ cases: false });
  try {
    // one user per role, all at 枫源村
    const clients = {};
    const tokens = {};
    for (const role of ROLES) {
      const name = `m.${role.replace(/_/g, '-')}`;
      srv.cli(['user', 'add', name, '--password', PASSWORD, '--role', role, '--region', '330681109290']);
      const c = new Client(srv.base);
      const r = await c.post('/api/session', { username: name, password: PASSWORD });
      assert.equal(r.status, 200);
      c.csrf = r.json.csrf_token;
      clients[role] = c;
      tokens[role] = srv.cli(['user', 'token', name]).trim().split('\n').pop();
    }
    const admin = new Client(srv.base);
    await admin.login('admin');
    const hz = (await admin.get('/api/regions/3301/children')).json.items[0].code;
    const hzTown = (await admin.get(`/api/regions/${hz}/children`)).json.items[0].code;
    const hzVillage = (await admin.get(`/api/regions/${hzTown}/children`)).json.items[0].code;
    const syTown = (await admin.get('/api/regions/330604/children')).json.items[0].code;
    const syVillage = (await admin.get(`/api/regions/${syTown}/children`)).json.items[0].code;
    const place = { same_village: '330681109290', sibling_village: '330681109291', parent_township: '330681109290',
      other_county: syVillage, other_city: hzVillage };
    const ids = {};
    for (const [t, region] of Object.entries(place)) {
      const r = await admin.post('/api/cases', { title: `范围测试 ${t}`, description: 'x', category: 'neighbour', region,
        parties: [{ role: 'applicant', name: '测试', phone: '13800000009' }] });
      assert.equal(r.status, 201, r.text);
      ids[t] = r.json.id;
    }
    let s = await admin.post(`/api/cases/${ids.parent_township}/actions`, { action: 'accept' });
    s = await admin.post(`/api/cases/${ids.parent_township}/actions`, { action: 'escalate', reason: '上报镇' });
    assert.equal(s.json.unit_region, '330681109');

    const rows = [];
    const failures = [];
    for (const [method, route, expect] of ROUTES) {
      for (const role of ROLES) {
        const cells = [];
        for (const [t, facts] of Object.entries(TARGETS)) {
          const p = route.replace('{id}', ids[t]);
          let r;
          if (route.startsWith('/open311')) {
            r = await fetch(`${srv.base}${p}?api_key=${tokens[role]}`);
            r = { status: r.status };
          } else if (method === 'GET') {
            r = await clients[role].get(p);
          } else {
            r = await clients[role].post(p, { action: 'note', text: '范围测试备注' });
          }
          const want = expect(role, facts);
          if (r.status !== want) failures.push(`${method} ${route} as ${role} on ${t}: ${r.status}, expected ${want}`);
          cells.push(r.status);
        }
        rows.push(`| ${method} ${route} | ${role} | ${cells.join(' | ')} |`);
      }
    }
    assert.deepEqual(failures, []);
    const table = ['| route | role (held at 枫源村) | same village | sibling village | parent township holds it | other county | other city |',
      '|---|---|---|---|---|---|---|', ...rows].join('\n');
    const doc = path.join(ROOT, 'docs', 'security.md');
    const begin = '<!-- scope-matrix:begin -->';
    const end = '<!-- scope-matrix:end -->';
    const text = fs.existsSync(doc) ? fs.readFileSync(doc, 'utf8') : '';
    if (process.env.FQ_WRITE_DOCS) {
      const a = text.indexOf(begin);
      const b = text.indexOf(end);
      assert.ok(a >= 0 && b > a, 'docs/security.md needs the scope-matrix markers');
      fs.writeFileSync(doc, text.slice(0, a + begin.length) + '\n' + table + '\n' + text.slice(b));
    } else {
      assert.ok(text.includes(table), 'docs/security.md shows the current matrix (run with FQ_WRITE_DOCS=1 to refresh)');
    }
  } finally {
    await srv.stop();
  }
});
