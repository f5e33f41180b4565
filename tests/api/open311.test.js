// open311.test.js - Open311 GeoReport v2 as real clients read it: the public
// view without api_key, the full record within the key's scope, list filters
// (comma lists, closed includes rejected, jurisdiction_id, the default
// window and size), POST answers and errors, extensions only on request, and
// XML that a strict parser accepts whatever a filing contains. Every JSON
// answer is checked against the official schemas (tests/open311/georeport-v2).
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const Ajv = require('ajv');
const addFormats = require('ajv-formats');
const { startServer, Client, ROOT } = require('../lib/server');

const SCHEMAS = path.join(ROOT, 'tests', 'open311', 'georeport-v2');
const FENGYUAN = '330681109290';   // 枫源村, inside fengqiao.handler's town
const LESHAN = '330681109291';     // 乐山村, the same town
const LONGSHAN = '330604001001';   // 龙山社区, Shangyu: outside the handler's scope
let srv, token, staff, validate;

function schemaValidator() {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  for (const f of ['request.json', 'requests.json']) {
    const s = JSON.parse(fs.readFileSync(path.join(SCHEMAS, f), 'utf8'));
    delete s.$schema;
    ajv.addSchema(s, f);
  }
  return (name, data) => {
    const v = ajv.getSchema(name);
    assert.ok(v(data), `${name}: ${JSON.stringify(v.errors)}\n${JSON.stringify(data).slice(0, 500)}`);
  };
}

// A strict XML 1.0 parser (libxml2's xmllint, else Python's expat): throws on
// a document that is not well-formed.
function parseXmlStrictly(text) {
  try {
    execFileSync('xmllint', ['--noout', '-'], { input: text, stdio: ['pipe', 'ignore', 'pipe'] });
  } catch (e) {
    if (e.code !== 'ENOENT') throw new Error(`xmllint: ${e.stderr}`);
    execFileSync('python3', ['-c', 'import sys, xml.dom.minidom as m; m.parseString(sys.stdin.buffer.read())'],
      { input: text, stdio: ['pipe', 'ignore', 'pipe'] });
  }
}

test.before(async () => {
  srv = await startServer();
  token = srv.cli(['user', 'token', 'fengqiao.handler']).trim().split('\n').pop();
  staff = new Client(srv.base);
  await staff.login('fengqiao.handler');
  validate = schemaValidator();
});
test.after(async () => { await srv.stop(); });

const form = (o) => new URLSearchParams(o).toString();
async function o311(method, p, body) {
  const r = await fetch(srv.base + '/open311/v2/' + p, {
    method, body, headers: body ? { 'content-type': 'application/x-www-form-urlencoded' } : {},
  });
  const text = await r.text();
  let json = null;
  try { json = JSON.parse(text); } catch (_) { /* xml */ }
  return { status: r.status, text, json, type: r.headers.get('content-type') };
}

async function file(fields) {
  const r = await o311('POST', 'requests.json', form({ api_key: token, ...fields }));
  assert.equal(r.status, 200, r.text);
  return r.json[0].service_request_id;
}

const PRIVATE = {
  description: '邻居在公共楼道堆放杂物私密描述',
  name: '欧阳秘密',
  phone: '13866669999',
  address: '枫源村七组门牌88号',
};

test('without api_key: a public view of one request, a list and a token, with nothing personal', async () => {
  const id = await file({
    service_code: 'neighbour', jurisdiction_id: FENGYUAN, description: PRIVATE.description,
    'attribute[applicant_name]': PRIVATE.name, 'attribute[applicant_phone]': PRIVATE.phone,
    'attribute[respondent_name]': '司马某某', lat: '29.6411', long: '120.3932',
    address_string: PRIVATE.address,
  });
  const checkPublic = (req, text) => {
    assert.equal(req.service_request_id, id);
    assert.equal(req.status, 'open');
    assert.equal(req.service_code, 'neighbour');
    assert.equal(req.service_name, '邻里');
    assert.match(req.requested_datetime, /Z$/);
    assert.match(req.updated_datetime, /Z$/);
    assert.equal(req.agency_responsible, '枫源村');
    assert.equal(req.status_notes, 'Fengqiao status: registered');
    assert.equal(req.address_id, FENGYUAN, 'the village code');
    assert.equal(req.address, '枫源村', 'the village name and nothing finer');
    for (const k of ['description', 'lat', 'long', 'extended_attributes']) assert.ok(!(k in req), `no ${k}`);
    for (const s of [...Object.values(PRIVATE), '司马某某', '29.64', '120.39', 'FQ-']) {
      assert.ok(!text.includes(s), `the public view leaks ${s}`);
    }
  };
  const one = await o311('GET', `requests/${id}.json`);
  assert.equal(one.status, 200, one.text);
  validate('requests.json', one.json);
  assert.equal(one.json.length, 1);
  checkPublic(one.json[0], one.text);
  // the old alias answers the same
  assert.deepEqual((await o311('GET', `request/${id}.json`)).json, one.json);

  const list = await o311('GET', 'requests.json');
  assert.equal(list.status, 200);
  validate('requests.json', list.json);
  const mine = list.json.find((x) => x.service_request_id === id);
  checkPublic(mine, JSON.stringify(mine));
  assert.ok(list.json.every((x) => !('description' in x) && !('lat' in x)), 'no record in the list is full');
  assert.ok(new Set(list.json.map((x) => x.address_id.slice(0, 6))).size > 1, 'the public view spans every county');

  const ids = await o311('GET', `requests.json?service_request_id=${id}`);
  assert.equal(ids.json.length, 1);
  checkPublic(ids.json[0], ids.text);

  const xml = await o311('GET', `requests/${id}.xml`);
  assert.equal(xml.status, 200);
  parseXmlStrictly(xml.text);
  assert.match(xml.text, new RegExp(`<request><service_request_id>${id}</service_request_id><status>open</status>`));
  for (const s of Object.values(PRIVATE)) assert.ok(!xml.text.includes(s), `the XML view leaks ${s}`);

  // a token (the tracking code) finds the id without a key
  const full = await o311('GET', `requests/${id}.json?api_key=${token}&extensions=true`);
  const code = full.json[0].extended_attributes.tracking_code;
  const tok = await o311('GET', `tokens/${code}.json`);
  assert.equal(tok.status, 200);
  assert.deepEqual(tok.json, [{ service_request_id: id, token: code }]);
  assert.equal((await o311('GET', 'tokens/FQ-NOPE-NOPE.json')).status, 404);

  // a key that is given but wrong is refused, not read as no key
  for (const p of [`requests/${id}.json`, 'requests.json', `tokens/${code}.json`]) {
    const bad = await o311('GET', `${p}?api_key=not-a-key`);
    assert.equal(bad.status, 403, p);
    assert.equal(bad.json[0].code, 403);
  }
  assert.equal((await o311('GET', 'requests/99999999.json')).status, 404);
});

test('with api_key: the full record within the key\'s scope; extended_attributes only with extensions=true', async () => {
  const id = await file({
    service_code: 'contract', jurisdiction_id: FENGYUAN, description: '装修尾款纠纷', lat: '29.64', long: '120.39',
    'attribute[applicant_name]': '何丽萍', 'attribute[applicant_phone]': '13866660001',
  });
  const full = await o311('GET', `requests/${id}.json?api_key=${token}`);
  assert.equal(full.status, 200);
  validate('requests.json', full.json);
  const req = full.json[0];
  assert.equal(req.description, '装修尾款纠纷');
  assert.equal(typeof req.lat, 'number');
  assert.equal(typeof req.long, 'number');
  assert.ok(!('extended_attributes' in req), 'no foreign elements unless asked for');
  const ext = await o311('GET', `requests/${id}.json?api_key=${token}&extensions=true`);
  validate('requests.json', ext.json);
  assert.equal(ext.json[0].extended_attributes.fengqiao_status, 'registered');
  assert.match(ext.json[0].extended_attributes.tracking_code, /^FQ-/);
  const list = await o311('GET', `requests.json?api_key=${token}`);
  validate('requests.json', list.json);
  assert.ok(list.json.some((x) => x.service_request_id === id && x.description === '装修尾款纠纷'));
  assert.ok(list.json.every((x) => !('extended_attributes' in x)));
  assert.ok(list.json.every((x) => x.address_id.startsWith('330681109')), 'only the key\'s town');
  const listExt = await o311('GET', `requests.json?api_key=${token}&extensions=true`);
  assert.ok(listExt.json.every((x) => x.extended_attributes && x.extended_attributes.tracking_code));
  const xml = await o311('GET', `requests/${id}.xml?api_key=${token}`);
  assert.doesNotMatch(xml.text, /extended_attributes/);
  const xmlExt = await o311('GET', `requests/${id}.xml?api_key=${token}&extensions=true`);
  assert.match(xmlExt.text, /<extended_attributes><fengqiao_status>registered<\/fengqiao_status>/);

  // outside the key's scope: not found with the key, the public view without
  const admin = new Client(srv.base);
  await admin.login('admin');
  const far = await admin.post('/api/cases', { title: '上虞的纠纷', description: '上虞私密', category: 'contract', region: LONGSHAN });
  assert.equal(far.status, 201, far.text);
  assert.equal((await o311('GET', `requests/${far.json.id}.json?api_key=${token}`)).status, 404);
  const pub = await o311('GET', `requests/${far.json.id}.json`);
  assert.equal(pub.status, 200);
  assert.equal(pub.json[0].address_id, LONGSHAN);
  assert.ok(!pub.text.includes('上虞私密'));
});

test('status=closed includes rejected cases; status and service_code take comma-separated lists', async () => {
  const rejected = await file({ service_code: 'labour', jurisdiction_id: FENGYUAN, description: '拖欠工资被驳回' });
  const closed = await file({ service_code: 'consumer', jurisdiction_id: FENGYUAN, description: '消费纠纷结案' });
  const open = await file({ service_code: 'labour', jurisdiction_id: FENGYUAN, description: '拖欠工资仍在办' });
  assert.equal((await staff.post(`/api/cases/${rejected}/actions`, { action: 'reject', reason: '不属于受理范围' })).status, 200);
  for (const body of [{ action: 'reject', reason: '重复' }, { action: 'close' }]) {
    const a = await staff.post(`/api/cases/${closed}/actions`, body);
    assert.equal(a.status, 200, a.text);
  }
  const has = (r, id) => r.json.some((x) => x.service_request_id === id);
  for (const key of ['', `&api_key=${token}`]) {
    const c = await o311('GET', `requests.json?status=closed${key}`);
    validate('requests.json', c.json);
    assert.ok(has(c, rejected), 'a rejected case is closed');
    assert.ok(has(c, closed));
    assert.ok(!has(c, open));
    assert.ok(c.json.every((x) => x.status === 'closed'));
    const o = await o311('GET', `requests.json?status=open${key}`);
    assert.ok(!has(o, rejected) && !has(o, closed) && has(o, open));
    assert.ok(o.json.every((x) => x.status === 'open'));
    const both = await o311('GET', `requests.json?status=open,closed${key}`);
    assert.ok(has(both, rejected) && has(both, closed) && has(both, open));
    const codes = await o311('GET', `requests.json?service_code=labour,consumer${key}`);
    validate('requests.json', codes.json);
    assert.ok(has(codes, rejected) && has(codes, closed) && has(codes, open));
    assert.ok(codes.json.every((x) => ['labour', 'consumer'].includes(x.service_code)));
    const mixed = await o311('GET', `requests.json?service_code=consumer,labour&status=closed${key}`);
    assert.ok(has(mixed, rejected) && has(mixed, closed) && !has(mixed, open));
  }
  assert.equal((await o311('GET', `requests/${rejected}.json`)).json[0].status, 'closed');
  for (const q of ['status=maybe', 'status=open,', 'service_code=labour,weather', 'service_code=labour,,consumer']) {
    const bad = await o311('GET', `requests.json?${q}`);
    assert.equal(bad.status, 400, q);
    assert.equal(bad.json[0].code, 400);
  }
});

test('jurisdiction_id filters GETs; an unknown one is 404', async () => {
  const here = await file({ service_code: 'property_mgmt', jurisdiction_id: LESHAN, description: '物业费纠纷' });
  const town = await o311('GET', 'requests.json?jurisdiction_id=330681109');
  validate('requests.json', town.json);
  assert.ok(town.json.length > 0);
  assert.ok(town.json.every((x) => x.address_id.startsWith('330681109')));
  const village = await o311('GET', `requests.json?jurisdiction_id=${LESHAN}`);
  assert.ok(village.json.some((x) => x.service_request_id === here));
  assert.ok(village.json.every((x) => x.address_id === LESHAN));
  const other = await o311('GET', 'requests.json?jurisdiction_id=330604');
  assert.ok(other.json.length > 0 && other.json.every((x) => x.address_id.startsWith('330604')));
  assert.ok(!other.json.some((x) => x.service_request_id === here));
  const keyed = await o311('GET', `requests.json?jurisdiction_id=330604&api_key=${token}`);
  assert.deepEqual(keyed.json, [], 'a jurisdiction outside the key\'s scope shows nothing');
  assert.equal((await o311('GET', `requests/${here}.json?jurisdiction_id=${LESHAN}`)).status, 200);
  assert.equal((await o311('GET', `requests/${here}.json?jurisdiction_id=${FENGYUAN}`)).status, 404);
  assert.deepEqual((await o311('GET', `requests.json?service_request_id=${here}&jurisdiction_id=330604`)).json, []);
  for (const j of ['339999999999', '99', 'zhuji']) {
    const r = await o311('GET', `requests.json?jurisdiction_id=${j}`);
    assert.equal(r.status, 404, j);
    assert.equal(r.json[0].code, 404);
    assert.equal((await o311('GET', `requests/${here}.json?jurisdiction_id=${j}`)).status, 404);
  }
});

test('POST: unknown service_code or jurisdiction_id is 404; address_id alone locates; an id and no token', async () => {
  const base = { api_key: token, description: '宅基地边界纠纷' };
  const unknownCode = await o311('POST', 'requests.json', form({ ...base, service_code: 'weather', jurisdiction_id: FENGYUAN }));
  assert.equal(unknownCode.status, 404, unknownCode.text);
  assert.equal(unknownCode.json[0].code, 404);
  const unknownCodeX = await o311('POST', 'requests.xml', form({ ...base, service_code: 'weather', jurisdiction_id: FENGYUAN }));
  assert.equal(unknownCodeX.status, 404);
  parseXmlStrictly(unknownCodeX.text);
  for (const j of ['339999999999', '3399', 'nowhere']) {
    const r = await o311('POST', 'requests.json', form({ ...base, service_code: 'housing_land', jurisdiction_id: j, address_id: FENGYUAN }));
    assert.equal(r.status, 404, `${j}: ${r.text}`);
  }
  const missing = await o311('POST', 'requests.json', form({ ...base, jurisdiction_id: FENGYUAN }));
  assert.equal(missing.status, 400, 'a missing service_code is a bad request');

  const byAddressId = await o311('POST', 'requests.json', form({ ...base, service_code: 'housing_land', address_id: LESHAN }));
  assert.equal(byAddressId.status, 200, byAddressId.text);
  assert.equal(byAddressId.json.length, 1);
  const created = byAddressId.json[0];
  assert.match(created.service_request_id, /^\d+$/);
  assert.ok(!('token' in created), 'service_request_id or token, not both');
  assert.equal((await staff.get(`/api/cases/${created.service_request_id}`)).json.region, LESHAN);
  const xml = await o311('POST', 'requests.xml', form({ ...base, service_code: 'housing_land', address_id: LESHAN }));
  assert.equal(xml.status, 200);
  parseXmlStrictly(xml.text);
  assert.doesNotMatch(xml.text, /<token>/);
  // a larger jurisdiction with address_id inside it, and one the place is outside of
  const inTown = await o311('POST', 'requests.json', form({ ...base, service_code: 'housing_land', jurisdiction_id: '330681109', address_id: LESHAN }));
  assert.equal(inTown.status, 200, inTown.text);
  const outside = await o311('POST', 'requests.json', form({ ...base, service_code: 'housing_land', jurisdiction_id: '330604', address_id: LESHAN }));
  assert.equal(outside.status, 400);
  const notVillage = await o311('POST', 'requests.json', form({ ...base, service_code: 'housing_land', address_id: '330681109' }));
  assert.equal(notVillage.status, 400);
});

test('XML stays well-formed whatever a filing holds (U+FFFF, U+FFFE, controls, lone surrogates)', async () => {
  // a resident's filing through the public portal, read back as XML with a key
  const pub = await fetch(srv.base + '/api/public/cases', {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      title: '坏字符\uFFFF测试', description: 'A\uFFFFB\uFFFEC 末尾', category: 'neighbour', region: FENGYUAN,
      name: '测试人', phone: '13866660003', location: { address: '组\uFFFF号' },
    }),
  });
  assert.equal(pub.status, 201, await pub.text());
  // a form body can carry what JSON cannot: C0 controls and bytes that are no UTF-8
  const raw = 'api_key=' + token + '&service_code=neighbour&jurisdiction_id=' + FENGYUAN +
    '&description=' + encodeURIComponent('控制\u0001\u0008\u000B\u001F字符') + '%ED%A0%80%EF%BF%BF&address_string=x%FF%FEy';
  const formed = await o311('POST', 'requests.json', raw);
  const formedId = formed.status === 200 ? formed.json[0].service_request_id : null;
  for (const p of [`requests.xml?api_key=${token}`, `requests.xml?api_key=${token}&extensions=true`, 'requests.xml']) {
    const r = await o311('GET', p);
    assert.equal(r.status, 200);
    parseXmlStrictly(r.text);
    assert.doesNotMatch(r.text, /\uFFFF|\uFFFE|[\u0000-\u0008\u000B\u000C\u000E-\u001F]/);
  }
  const full = await o311('GET', `requests.xml?api_key=${token}`);
  assert.match(full.text, /A\uFFFDB\uFFFDC 末尾/, 'replaced by U+FFFD, the rest kept');
  if (formedId) {
    const one = await o311('GET', `requests/${formedId}.xml?api_key=${token}`);
    parseXmlStrictly(one.text);
  }
});

test('the default list: the last 90 days, at most 1,000 requests', { timeout: 180000 }, async () => {
  const now = Date.now();
  const all = await o311('GET', 'requests.json');
  validate('requests.json', all.json);
  assert.ok(all.json.length > 0);
  const day = 86400000;
  assert.ok(all.json.every((x) => now - Date.parse(x.requested_datetime) <= 90 * day + 60000), 'nothing older than 90 days');
  const older = await o311('GET', `requests.json?start_date=${new Date(now - 400 * day).toISOString()}`);
  assert.ok(older.json.some((x) => now - Date.parse(x.requested_datetime) > 90 * day), 'the demo has older cases');
  assert.ok(older.json.length > all.json.length);

  // more than 1,000 recent requests: the default answer stops at 1,000, newest first
  const before = all.json.length;
  const need = 1001 - before;
  const c = new Client(srv.base);
  await c.login('admin');
  for (let i = 0; i < need; i += 25) {
    const batch = [];
    for (let k = i; k < Math.min(need, i + 25); k++) {
      batch.push(c.post('/api/cases', { title: `批量${k}`, description: `批量案件${k}`, category: 'other', region: LESHAN }));
    }
    for (const r of await Promise.all(batch)) assert.equal(r.status, 201, r.text);
  }
  const capped = await o311('GET', 'requests.json');
  assert.equal(capped.status, 200);
  assert.equal(capped.json.length, 1000);
  validate('requests.json', capped.json);
  const times = capped.json.map((x) => Date.parse(x.requested_datetime));
  assert.deepEqual(times, [...times].sort((a, b) => b - a), 'newest first');
  const paged = await o311('GET', 'requests.json?page=6&page_size=200');
  assert.equal(paged.json.length, 1001 - 1000, 'paging reaches past the default answer');
});
