// emergency_cap.test.js - warnings in CAP 1.2 (issue 20; docs/emergency.md):
// level 1-4 with what art. 64 asks; drafted, reviewed, approved and
// published by four different people (the same person twice is refused);
// each published warning, its update and its cancellation is a CAP 1.2
// alert that validates against the OASIS schema with xmllint, with a GB/T
// 35965.1 identifier, +08:00 times and well-formed references; the public
// Atom feed of current alerts; the committed sample validates; CAP alerts
// are imported from an upstream feed served by a listener this test starts
// on 127.0.0.1, validated (broken ones refused), shown and linked to an
// incident. Runs on SQLite, and PostgreSQL when FQ_TEST_PG is set.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const http = require('node:http');
const { execFileSync } = require('node:child_process');
const { startServer, Client, ROOT, DEMO_PASSWORD } = require('../lib/server');

const XSD = path.join(ROOT, 'data', 'cap', 'CAP-v1.2.xsd');
const VILLAGE = '330681109290';
const TOWN = '330681109';
let srv;
let feed;
let tmp;
const u = {};

// An upstream alert as a meteorological office might send it.
function upstreamAlert({ id = '33000041600000_20261201083000_0', sent = '2026-12-01T08:30:00+08:00', polygon } = {}) {
  return `<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>${id}</identifier>
  <sender>33000041600000</sender>
  <sent>${sent}</sent>
  <status>Actual</status>
  <msgType>Alert</msgType>
  <scope>Public</scope>
  <info>
    <language>zh-CN</language>
    <category>Met</category>
    <event>暴雨</event>
    <urgency>Expected</urgency>
    <severity>Severe</severity>
    <certainty>Likely</certainty>
    <senderName>浙江省气象台</senderName>
    <headline>浙江省气象台发布暴雨橙色预警</headline>
    <description>预计未来6小时诸暨市降雨量将达50毫米以上。</description>
    <area>
      <areaDesc>诸暨市</areaDesc>
      ${polygon ? `<polygon>${polygon}</polygon>` : ''}
    </area>
  </info>
</alert>
`;
}

function xmllint(file) {
  return execFileSync('xmllint', ['--noout', '--schema', XSD, file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function validates(xml, name) {
  const f = path.join(tmp, `${name}.xml`);
  fs.writeFileSync(f, xml);
  xmllint(f); // throws when the schema refuses it
}

test.before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fq-cap-'));
  // the upstream feed: an Atom feed linking a valid alert and a broken one
  // (a time in Z), served here on 127.0.0.1
  feed = http.createServer((req, res) => {
    if (req.url === '/feed.atom') {
      res.writeHead(200, { 'content-type': 'application/atom+xml' });
      res.end(`<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><id>urn:test</id><title>t</title><updated>2026-12-01T08:30:00+08:00</updated>
<entry><id>a</id><title>a</title><updated>2026-12-01T08:30:00+08:00</updated><link href="/alerts/good.xml"/></entry>
<entry><id>b</id><title>b</title><updated>2026-12-01T08:30:00+08:00</updated><link href="/alerts/zulu.xml"/></entry>
</feed>`);
    } else if (req.url === '/alerts/good.xml') {
      res.writeHead(200, { 'content-type': 'application/cap+xml' });
      res.end(upstreamAlert({ polygon: '29.6,120.1 29.8,120.1 29.8,120.4 29.6,120.1' }));
    } else if (req.url === '/alerts/zulu.xml') {
      res.writeHead(200, { 'content-type': 'application/cap+xml' });
      res.end(upstreamAlert({ id: '33000041600000_20261201090000_0', sent: '2026-12-01T01:00:00Z' }));
    } else {
      res.writeHead(404); res.end();
    }
  });
  await new Promise((r) => feed.listen(0, '127.0.0.1', r));
  const cfg = path.join(tmp, 'config.json');
  fs.writeFileSync(cfg, JSON.stringify({
    emergency: {
      cap_sender: '33068100000000', cap_sender_name: '诸暨市突发事件预警信息发布中心',
      feed_url: `http://127.0.0.1:${feed.address().port}/feed.atom`, feed_minutes: 1,
    },
  }));
  srv = await startServer({ cases: false, args: ['--config', cfg], env: { FENGQIAO_SCAN_INTERVAL: '1' } });
  // a fourth cadre for the four eyes: the county's emergency duty officer
  srv.cli(['user', 'add', 'zhuji.duty', '--name', '周海涛（诸暨市应急管理局）', '--password', DEMO_PASSWORD,
    '--role', 'handler', '--region', '330681']);
  srv.cli(['user', 'add', 'fengqiao.duty', '--name', '枫桥镇应急办', '--password', DEMO_PASSWORD,
    '--role', 'handler', '--region', TOWN]);
  for (const name of ['fengqiao.duty', 'admin', 'fengqiao.handler', 'fengqiao.clerk', 'zhuji.duty', 'fengyuan.grid', 'leshan.mediator', 'shangyu.mediator']) {
    u[name] = new Client(srv.base);
    await u[name].login(name);
  }
});
test.after(async () => {
  await srv.stop();
  await new Promise((r) => feed.close(r));
  fs.rmSync(tmp, { recursive: true, force: true });
});

const WARNING = {
  region: TOWN, kind: 'natural_disaster', event: '暴雨', level: 2,
  watch: '未来6小时降雨量将达50毫米以上，山区可能发生山洪、地质灾害。',
  instruction: '停止户外作业，危险地带人员撤离到避灾安置点。',
  area_desc: '枫桥镇', polygon: '29.70,120.20 29.80,120.20 29.80,120.30 29.70,120.20',
  onset: '2026-12-01T10:00:00Z', expires: '2099-12-02T10:00:00Z',
};

// draft by fengqiao.handler, then review, approve, publish by three others
async function publish(body = WARNING, drafted) {
  let w = drafted;
  if (!w) {
    const d = await u['fengqiao.handler'].post('/api/v1/warnings', body);
    assert.equal(d.status, 201, d.text);
    w = d.json;
  }
  for (const [who, action] of [['fengqiao.clerk', 'review'], ['admin', 'approve'], ['zhuji.duty', 'publish']]) {
    const r = await u[who].post(`/api/v1/warnings/${w.id}/actions/${action}`, {});
    assert.equal(r.status, 200, `${action}: ${r.text}`);
    w = r.json;
  }
  assert.equal(w.status, 'published');
  return w;
}

async function capOf(w) {
  const r = await fetch(`${srv.base}/api/v1/warnings/${w.id}.cap`);
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type').split(';')[0], 'application/cap+xml');
  return r.text();
}

test('art. 64 contents, levels and kinds are checked; the polygon is closed', async () => {
  const h = u['fengqiao.handler'];
  const bad = async (patch, field, code) => {
    const r = await h.post('/api/v1/warnings', { ...WARNING, ...patch });
    assert.equal(r.status, 400, JSON.stringify(patch));
    assert.equal(r.json.error.field, field);
    if (code) assert.equal(r.json.error.code, code);
  };
  await bad({ level: 5 }, 'level', 'out_of_range');
  await bad({ watch: undefined }, 'watch', 'required');
  await bad({ instruction: '' }, 'instruction', 'required');
  await bad({ kind: 'social_security' }, 'kind');
  await bad({ polygon: '29.7,120.2 29.8,120.2 29.8,120.3 29.7,120.3' }, 'polygon', 'invalid_geometry');
  await bad({ polygon: '29.7,120.2 29.8,120.2 29.7,120.2' }, 'polygon', 'invalid_geometry');
  await bad({ expires: '2026-12-01T09:00:00Z' }, 'expires');
  const g = await u['fengyuan.grid'].post('/api/v1/warnings', WARNING);
  assert.equal(g.status, 403, 'a grid worker does not draft warnings');
  const d = await h.post('/api/v1/warnings', WARNING);
  assert.equal(d.status, 201, d.text);
  assert.equal(d.json.colour, 'orange');
  assert.equal(d.json.headline, '暴雨橙色预警');
  assert.equal(d.json.issuer, '诸暨市突发事件预警信息发布中心');
  assert.equal(d.json.cap_url, null, 'a draft has no CAP file');
  assert.equal((await fetch(`${srv.base}/api/v1/warnings/${d.json.id}.cap`)).status, 404);
});

test('four eyes: drafted, reviewed, approved and published by different people', async () => {
  const d = await u['fengqiao.handler'].post('/api/v1/warnings', WARNING);
  const id = d.json.id;
  assert.equal(d.json.next_action, 'review');
  assert.equal(d.json.can_act, false, 'the drafter may not review');
  const act = (who, a) => u[who].post(`/api/v1/warnings/${id}/actions/${a}`, {});
  let r = await act('fengqiao.handler', 'review');
  assert.equal(r.status, 403);
  assert.equal(r.json.error.code, 'same_person');
  r = await act('fengqiao.clerk', 'publish');
  assert.equal(r.status, 409, 'no publishing before approval');
  assert.equal((await act('fengyuan.grid', 'review')).status, 403);
  assert.equal((await act('leshan.mediator', 'review')).status, 403, 'a village sees its township\'s warnings');
  assert.equal((await act('shangyu.mediator', 'review')).status, 404, 'a draft is not seen outside its region');
  r = await act('fengqiao.clerk', 'review');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.reviewed_by, 'fengqiao.clerk');
  r = await act('fengqiao.clerk', 'approve');
  assert.equal(r.json.error.code, 'same_person');
  r = await act('fengqiao.handler', 'approve');
  assert.equal(r.json.error.code, 'same_person');
  r = await act('admin', 'approve');
  assert.equal(r.status, 200);
  // art. 64: the county and above publish; a township cadre who did no step may not
  r = await act('fengqiao.duty', 'publish');
  assert.equal(r.status, 403);
  assert.equal(r.json.error.code, 'forbidden');
  assert.match(r.json.error.message, /county/);
  for (const who of ['fengqiao.handler', 'fengqiao.clerk', 'admin']) {
    r = await act(who, 'publish');
    assert.equal(r.status, 403, who);
    assert.equal(r.json.error.code, 'same_person');
  }
  r = await act('zhuji.duty', 'publish');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, 'published');
  // GB/T 35965.1 Annex A: ZZZZZZDDDUUUXX_YYYYMMDDhhmmss_N, 31 characters
  assert.match(r.json.identifier, /^33068100000000_\d{14}_\d$/);
  assert.equal(r.json.identifier.length, 31);
  assert.equal((await act('admin', 'publish')).status, 409);
});

test('every alert the platform writes validates against the CAP 1.2 schema: alert, update, cancel', async () => {
  const w = await publish();
  const xml = await capOf(w);
  assert.match(xml, /<identifier>33068100000000_\d{14}_\d<\/identifier>/);
  assert.match(xml, /<sent>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00<\/sent>/);
  assert.match(xml, /<onset>2026-12-01T18:00:00\+08:00<\/onset>/);
  assert.ok(!/<(sent|onset|expires)>[^<]*Z</.test(xml), 'never Z');
  assert.match(xml, /<severity>Severe<\/severity>/);
  assert.match(xml, /<polygon>29.70,120.20 29.80,120.20 29.80,120.30 29.70,120.20<\/polygon>/);
  validates(xml, 'alert');

  // an update refers to the alert and supersedes it
  const up = await u['fengqiao.handler'].post(`/api/v1/warnings/${w.id}/actions/update`, { level: 1, watch: '雨势加强 <50mm> & 山洪' });
  assert.equal(up.status, 201, up.text);
  assert.equal(up.json.msg_type, 'Update');
  assert.equal(up.json.refs, w.id);
  assert.equal(up.json.event, '暴雨', 'taken from the original');
  const upw = await publish(undefined, up.json);
  const upx = await capOf(upw);
  assert.match(upx, /<msgType>Update<\/msgType>/);
  assert.ok(upx.includes(`<references>33068100000000,${w.identifier},`), upx);
  assert.match(upx, /雨势加强 &lt;50mm&gt; &amp; 山洪/);
  validates(upx, 'update');
  const old = await u['fengqiao.handler'].get(`/api/v1/warnings/${w.id}`);
  assert.equal(old.json.status, 'superseded');
  assert.equal(old.json.replaced_by, upw.id);
  // only a published warning is changed
  assert.equal((await u['fengqiao.handler'].post(`/api/v1/warnings/${w.id}/actions/update`, {})).status, 409);

  // a cancellation refers to the update and cancels it
  const c = await u['fengqiao.handler'].post(`/api/v1/warnings/${upw.id}/actions/cancel`, { watch: '预警解除', instruction: '恢复正常生产生活' });
  const cw = await publish(undefined, c.json);
  const cx = await capOf(cw);
  assert.match(cx, /<msgType>Cancel<\/msgType>/);
  assert.ok(cx.includes(`,${upw.identifier},`));
  validates(cx, 'cancel');
  assert.equal((await u['admin'].get(`/api/v1/warnings/${upw.id}`)).json.status, 'cancelled');

  // a level-4 alert without polygon or expiry, a public-health one, an accident
  for (const [i, patch] of [{ level: 4, polygon: null, expires: null }, { kind: 'public_health', event: '传染病', level: 3 },
    { kind: 'accident', event: '危化品泄漏', level: 1 }].entries()) {
    const p = await publish({ ...WARNING, ...patch });
    validates(await capOf(p), `kind${i}`);
  }

  // the public feed of current alerts: the alerts in force, not the superseded
  const f = await fetch(`${srv.base}/api/v1/public/warnings/feed`);
  assert.equal(f.status, 200);
  assert.equal(f.headers.get('content-type').split(';')[0], 'application/atom+xml');
  const atom = await f.text();
  assert.ok(!atom.includes(w.identifier), 'superseded');
  assert.ok(!atom.includes(upw.identifier), 'cancelled');
  assert.ok(atom.includes(cw.identifier));
  execFileSync('xmllint', ['--noout', '-'], { input: atom }); // well-formed
});

test('the sample alert committed under docs/samples/ validates', () => {
  const dir = path.join(ROOT, 'docs', 'samples');
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.cap.xml'));
  assert.ok(files.length >= 1);
  for (const f of files) xmllint(path.join(dir, f));
});

test('import: a CAP alert from the upstream feed is read, validated, shown and linked to an incident', async () => {
  const h = u['fengqiao.handler'];
  let items = [];
  for (let n = 0; n < 200; n++) {
    const r = await h.get('/api/v1/cap-imports');
    assert.equal(r.status, 200);
    items = r.json.items;
    if (items.length) break;
    await new Promise((res) => setTimeout(res, 100));
  }
  assert.equal(items.length, 1, 'the broken alert (a time in Z) was refused');
  const a = items[0];
  assert.equal(a.identifier, '33000041600000_20261201083000_0');
  assert.equal(a.sender, '33000041600000');
  assert.equal(a.event, '暴雨');
  assert.equal(a.headline, '浙江省气象台发布暴雨橙色预警');
  assert.match(a.source, /good\.xml$/);
  assert.ok(srv.log().includes('zulu.xml'), 'the refusal is logged');

  const inc = await u['fengyuan.grid'].post('/api/v1/incidents', {
    kind: 'natural_disaster', grade: 3, region: VILLAGE, title: '暴雨山洪',
  });
  assert.equal(inc.status, 201, inc.text);
  assert.equal((await u['fengyuan.grid'].post(`/api/v1/cap-imports/${a.id}/actions/link`, { incident_id: inc.json.id })).status, 403);
  const l = await h.post(`/api/v1/cap-imports/${a.id}/actions/link`, { incident_id: inc.json.id });
  assert.equal(l.status, 200, l.text);
  assert.equal(l.json.incident_id, inc.json.id);
  const i = await h.get(`/api/v1/incidents/${inc.json.id}`);
  assert.equal(i.json.imports[0].identifier, a.identifier);
  const one = await h.get(`/api/v1/cap-imports/${a.id}`);
  assert.match(one.json.xml, /<alert/);
});

test('import refuses what the schema or the code checks refuse', async () => {
  const h = u['fengqiao.handler'];
  const post = (xml) => h.req('POST', '/api/v1/cap-imports', xml, { 'content-type': 'application/cap+xml' });
  const cases = [
    ['not XML', '<alert'],
    ['a time in Z (schema)', upstreamAlert({ id: 'x1', sent: '2026-12-01T00:30:00Z' })],
    ['an open polygon', upstreamAlert({ id: 'x2', polygon: '29.6,120.1 29.8,120.1 29.8,120.4 29.7,120.2' })],
    ['a three-point polygon', upstreamAlert({ id: 'x3', polygon: '29.6,120.1 29.8,120.1 29.6,120.1' })],
    ['an identifier with a comma', upstreamAlert({ id: 'x,4' })],
    ['an identifier with a space', upstreamAlert({ id: 'x 5' })],
    ['-00:00', upstreamAlert({ id: 'x6', sent: '2026-12-01T00:30:00-00:00' })],
    ['a broken reference', upstreamAlert({ id: 'x7' }).replace('<scope>Public</scope>', '<scope>Public</scope><references>a,b</references>')],
    ['an update without references', upstreamAlert({ id: 'x8' }).replace('<msgType>Alert', '<msgType>Update')],
  ];
  for (const [name, xml] of cases) {
    const r = await post(xml);
    assert.equal(r.status, 400, `${name}: ${r.text}`);
    assert.equal(r.json.error.code, 'import_invalid', name);
  }
  const ok = await post(upstreamAlert({ id: 'ok9', polygon: '29.6,120.1 29.8,120.1 29.8,120.4 29.6,120.1' }));
  assert.equal(ok.status, 201, ok.text);
  const again = await post(upstreamAlert({ id: 'ok9', polygon: '29.6,120.1 29.8,120.1 29.8,120.4 29.6,120.1' }));
  assert.equal(again.json.id, ok.json.id, 'stored once');
  // a GB2312 alert (as some upstream feeds are) is stored as UTF-8
  const gb = execFileSync('iconv', ['-f', 'UTF-8', '-t', 'GB2312'],
    { input: upstreamAlert({ id: 'gb10' }).replace('encoding="UTF-8"', 'encoding="GB2312"') });
  const gr = await h.req('POST', '/api/v1/cap-imports', gb, { 'content-type': 'application/cap+xml' });
  assert.equal(gr.status, 201, gr.text);
  assert.equal(gr.json.headline, '浙江省气象台发布暴雨橙色预警');
  assert.match(gr.json.xml, /encoding="UTF-8"/);
  assert.match(gr.json.xml, /<event>暴雨<\/event>/);
  const g = await u['fengyuan.grid'].req('POST', '/api/v1/cap-imports', upstreamAlert({ id: 'g1' }), { 'content-type': 'application/cap+xml' });
  assert.equal(g.status, 403);
});
