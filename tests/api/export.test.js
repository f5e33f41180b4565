// export.test.js - the CSV export of cases streams: chunked transfer
// encoding, every row in keyset order, a visible marker row when the byte
// cap cuts it, the formula guard on every risky first character (a leading
// tab included), and the worker answers other requests during an export.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const { startServer, Client } = require('../lib/server');

const COLS = ['id', 'tracking_code', 'title', 'category', 'channel', 'track', 'region', 'region_name',
  'status', 'level', 'unit_region', 'handler', 'created_at', 'due_at', 'overdue'];

// RFC 4180: quoted fields, doubled quotes, CRLF rows.
function parseCsv(text) {
  const rows = [];
  let row = [], field = '', i = 0, quoted = false;
  if (text.startsWith('\ufeff')) i = 1;
  for (; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(field); field = ''; } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field); rows.push(row); row = []; field = ''; i++;
    } else field += ch;
  }
  assert.equal(field + row.join(''), '', 'the export ends with a whole row');
  return rows;
}

// GET with node:http, to see the framing and the body as it arrives.
function get(base, p, cookie, onResponse) {
  return new Promise((resolve, reject) => {
    const req = http.get(base + p, { headers: { cookie } }, (res) => {
      const parts = [];
      res.on('data', (d) => parts.push(d));
      res.on('end', () => resolve({ res, body: Buffer.concat(parts).toString('utf8'), parts: parts.length }));
      res.on('error', reject);
      if (onResponse) onResponse(res);
    });
    req.on('error', reject);
  });
}

async function addCases(admin, n, make) {
  for (let i = 0; i < n; i += 25) {
    const batch = [];
    for (let k = i; k < Math.min(n, i + 25); k++) batch.push(admin.post('/api/cases', make(k)));
    for (const r of await Promise.all(batch)) assert.equal(r.status, 201, r.text);
  }
}

// a title is one line, so a leading CR is left to the unit test (tests/unit/test_csv.c)
const RISKY = ['=1+1', '+8613800001111', '-5', '@SUM(A1)', '\t=cmd|calc'];

test('a large export streams in chunks, complete, in id order, with formulas guarded', { timeout: 180000 }, async () => {
  const srv = await startServer({ args: ['--workers', '1'] });
  try {
    const admin = new Client(srv.base);
    await admin.login('admin');
    const made = [];
    for (const title of RISKY) {
      const r = await admin.post('/api/cases', { title, description: '公式测试', category: 'other', region: '330681109290' });
      assert.equal(r.status, 201, r.text);
      made.push([r.json.id, r.json.title]);
    }
    await addCases(admin, 1800, (k) => ({ title: `导出测试${k}`, description: '导出', category: 'contract', region: '330681109291' }));
    const total = (await admin.get('/api/cases?page_size=1')).json;
    assert.ok(total.total_exact && total.total > 1900, JSON.stringify(total));

    // health is answered on the same (only) worker while the export is open
    let health = null;
    const done = get(srv.base, '/api/cases.csv', admin.cookie, (res) => {
      res.pause();
      health = fetch(srv.base + '/api/health').then(async (h) => {
        assert.equal(h.status, 200);
        assert.equal(res.complete, false, 'the export is still open');
        res.resume();
      });
    });
    const { res, body, parts } = await done;
    await health;
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['transfer-encoding'], 'chunked');
    assert.equal(res.headers['content-length'], undefined);
    assert.match(res.headers['content-type'], /^text\/csv/);
    assert.ok(parts > 1, 'arrived in more than one piece');
    const rows = parseCsv(body);
    assert.deepEqual(rows[0], COLS);
    const data = rows.slice(1);
    assert.equal(data.length, total.total, 'every case, once');
    assert.ok(data.every((r) => r.length === COLS.length));
    const ids = data.map((r) => Number(r[0]));
    assert.ok(ids.every((id, i) => i === 0 || id > ids[i - 1]), 'id order, no repeats');
    assert.ok(!data.some((r) => r[0].startsWith('#')), 'no truncation marker');
    assert.deepEqual(made.map(([, t]) => t), RISKY, 'the titles were stored as given');
    for (const [id, title] of made) {
      const row = data.find((r) => Number(r[0]) === id);
      assert.equal(row[2], "'" + title, `guarded: ${JSON.stringify(title)}`);
    }

    // a client that goes away mid-export ends it; the server carries on (and
    // its clean exit under the sanitizers shows nothing leaked)
    await new Promise((resolve) => {
      const req = http.get(srv.base + '/api/cases.csv', { headers: { cookie: admin.cookie } }, (r) => {
        r.once('data', () => { req.destroy(); resolve(); });
      });
      req.on('error', () => resolve());
    });
    assert.equal((await fetch(srv.base + '/api/health')).status, 200);
    const again = await get(srv.base, '/api/cases.csv', admin.cookie);
    assert.equal(parseCsv(again.body).length, data.length + 1);
  } finally { await srv.stop(); }
});

test('past the byte cap the export ends with a marker row the client can see', { timeout: 60000 }, async () => {
  const cap = 20000;
  const srv = await startServer({ env: { FENGQIAO_EXPORT_MAX_BYTES: String(cap) } });
  try {
    const admin = new Client(srv.base);
    await admin.login('admin');
    const { res, body } = await get(srv.base, '/api/cases.csv', admin.cookie);
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['transfer-encoding'], 'chunked');
    const rows = parseCsv(body);
    const last = rows[rows.length - 1];
    assert.equal(last[0], '# TRUNCATED');
    assert.match(last[1], /limit of 20000 bytes/);
    const data = rows.slice(1, -1);
    assert.ok(data.length > 10);
    assert.ok(data.every((r) => r.length === COLS.length && /^\d+$/.test(r[0])), 'whole rows before the marker');
    const markerBytes = Buffer.byteLength(body.slice(body.lastIndexOf('\r\n"# TRUNCATED"') + 2));
    assert.ok(Buffer.byteLength(body) - markerBytes <= cap, 'the rows stay within the cap');
    // HEAD answers the headers without reading the rows
    const head = await fetch(srv.base + '/api/cases.csv', { method: 'HEAD', headers: { cookie: admin.cookie } });
    assert.equal(head.status, 200);
    assert.match(head.headers.get('content-type'), /^text\/csv/);
    assert.equal((await fetch(srv.base + '/api/health')).status, 200);
    // the filter still applies, and a small export is whole
    const small = await get(srv.base, '/api/cases.csv?region=330681109290&status=registered', admin.cookie);
    const srows = parseCsv(small.body);
    assert.ok(!srows.some((r) => r[0] === '# TRUNCATED'));
    assert.ok(srows.slice(1).every((r) => r[6] === '330681109290' && r[8] === 'registered'));
  } finally { await srv.stop(); }
});
