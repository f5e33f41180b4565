// alert.test.js - early-warning alerts (预警, issue 16; docs/analysis.md
// "Alerts"): a spike injected in one township's counts (cases made through
// the API, then moved back in time with the rollups that count them)
// raises ONE alert, not one a day on the following runs (the quiet days)
// nor a second on a re-run of the same day (the UNIQUE key); the county
// and the all-categories series, which the township's one explains, raise
// none; a region gets at most its weekly budget, strongest first; an
// analyst acknowledges and closes it (a note required), each step kept
// and audited; out-of-scope users get 404; precision per method from the
// closings. Runs on SQLite, and PostgreSQL when FQ_TEST_PG is set.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const http = require('node:http');
const { execFileSync } = require('node:child_process');
const { startServer, Client } = require('../lib/server');

const VILLAGE = '330681109290'; // 枫源村, 枫桥镇
const TOWN = '330681109';
const DAY = 86400;
let srv;
let other; // a village of another township of 诸暨市
const u = {};

function sql(q) {
  return (process.env.FQ_TEST_PG
    ? execFileSync('psql', [srv.db, '-tAc', q], { encoding: 'utf8' })
    : execFileSync('sqlite3', ['-cmd', '.timeout 5000', srv.db, q], { encoding: 'utf8' })).trim();
}

test.before(async () => {
  const cfg = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'fq-alert-')), 'config.json');
  fs.writeFileSync(cfg, JSON.stringify({ analysis: { alerts: { budget_per_week: 1, quiet_days: 7, daily: false } } }));
  srv = await startServer({ cases: false, args: ['--config', cfg] });
  for (const name of ['admin', 'zhuji.analyst', 'fengqiao.handler', 'fengyuan.mediator', 'shangyu.mediator']) {
    u[name] = new Client(srv.base);
    await u[name].login(name);
  }
  other = sql(`SELECT code FROM regions WHERE level = 5 AND code LIKE '330681%' AND code NOT LIKE '330681109%' ORDER BY code LIMIT 1`);
  assert.match(other, /^\d{12}$/);
});
test.after(async () => { if (srv) await srv.stop(); });

const today = () => Math.floor((Date.now() / 1000 + 8 * 3600) / DAY); // Beijing day number
const iso = (t) => new Date(t * DAY * 1000).toISOString().slice(0, 10);

let seq = 0;
// n cases of category in village made now, then moved back `back` days with
// the rollups (rollup_day at levels 1-4, rollup_dim at 1-3) moved with them,
// as if they had been registered that day.
async function spike(village, category, n, back) {
  const ids = [];
  for (let i = 0; i < n; i++) {
    seq++;
    const r = await u.admin.post('/api/cases', {
      title: `排水纠纷${seq}`, description: `第${seq}起：填埋排水沟，雨天积水倒灌邻居家。`,
      category, channel: 'walk_in', region: village, location: { address: `${seq}组` },
      parties: [{ role: 'applicant', name: '骆建华', phone: `1390004${String(seq).padStart(4, '0')}` }],
    });
    assert.equal(r.status, 201, r.text);
    ids.push(r.json.id);
  }
  const from = today(); const to = from - back;
  sql(`UPDATE cases SET created_at = created_at - ${back * DAY} WHERE id IN (${ids.join(',')})`);
  for (const [lvl, len] of [[1, 2], [2, 4], [3, 6], [4, 9]]) {
    const reg = village.slice(0, len);
    sql(`UPDATE rollup_day SET cases = cases - ${n} WHERE lvl = ${lvl} AND region = '${reg}' AND g = 0 AND t = ${from}`);
    sql(`INSERT INTO rollup_day (lvl, region, g, t, cases) VALUES (${lvl}, '${reg}', 0, ${to}, ${n}) ` +
      `ON CONFLICT (lvl, region, g, t) DO UPDATE SET cases = rollup_day.cases + ${n}`);
    if (lvl > 3) continue;
    sql(`UPDATE rollup_dim SET n = n - ${n} WHERE lvl = ${lvl} AND region = '${reg}' AND dim = 'category' AND g = 0 AND t = ${from} AND key = '${category}'`);
    sql(`INSERT INTO rollup_dim (lvl, region, dim, g, t, key, n) VALUES (${lvl}, '${reg}', 'category', 0, ${to}, '${category}', ${n}) ` +
      `ON CONFLICT (lvl, region, dim, g, t, key) DO UPDATE SET n = rollup_dim.n + ${n}`);
  }
}

const run = async (who, day) => {
  const r = await u[who].post('/api/v1/alerts/run', { day: iso(day) });
  assert.equal(r.status, 200, r.text);
  return r.json;
};
const D0 = () => today() - 9;
let alert;

test('a spike raises one alert at the township, not one a day, and a re-run adds none', async () => {
  await spike(VILLAGE, 'neighbour', 6, 9);
  await spike(VILLAGE, 'neighbour', 6, 8);
  await spike(VILLAGE, 'neighbour', 6, 7);
  const first = await run('zhuji.analyst', D0());
  assert.equal(first.raised, 1, JSON.stringify(first));
  assert.ok(first.covered >= 2, 'the county and all-categories alarms are explained by the township\'s');
  alert = first.items[0];
  assert.equal(alert.region, TOWN);
  assert.equal(alert.category, 'neighbour');
  assert.equal(alert.observed, 6);
  assert.equal(alert.status, 'open');
  assert.ok(['ears_c2', 'negbin'].includes(alert.method));
  assert.ok(alert.threshold < 6 && alert.score > 0);
  // the same day again, and the next two days of the same spike: nothing new
  for (const d of [D0(), D0() + 1, D0() + 2]) {
    const again = await run('admin', d);
    assert.equal(again.raised, 0, `day ${iso(d)}: ${JSON.stringify(again)}`);
    assert.ok(again.quiet >= 1, 'held back by the quiet days');
  }
  const list = await u['zhuji.analyst'].get('/api/v1/alerts?region=330681');
  assert.equal(list.status, 200, list.text);
  assert.equal(list.json.items.length, 1);
  assert.equal(Number(sql('SELECT count(*) FROM analysis_alerts')), 1);
  // the UNIQUE key under the rules: the same region, category, day and
  // method cannot be stored twice, for all categories (NULL) either
  const ins = (cat) => `INSERT INTO analysis_alerts (region, category, day, method, observed, expected, threshold, score, detail, created_at) VALUES ('${TOWN}', ${cat}, '${iso(D0())}', '${alert.method}', 6, 0, 3, 5, '{}', 0)`;
  assert.throws(() => sql(ins("'neighbour'")), /UNIQUE|unique|duplicate/);
  sql(ins('NULL'));
  assert.throws(() => sql(ins('NULL')), /UNIQUE|unique|duplicate/);
  sql(`DELETE FROM analysis_alerts WHERE category IS NULL`);
  // the village behind it, for a caller who sees the village
  const one = await u['fengqiao.handler'].get(`/api/v1/alerts/${alert.id}`);
  assert.equal(one.status, 200, one.text);
  const v = one.json.detail.villages.find((x) => x.region === VILLAGE);
  assert.ok(v, JSON.stringify(one.json.detail));
  assert.equal(v.observed, 6);
  assert.equal(one.json.detail.series.at(-1), 6);
  assert.equal(one.json.can_act, true);
});

test('out of scope: 404 on read and act, an empty list; runs only by admins and analysts', async () => {
  for (const who of ['shangyu.mediator', 'fengyuan.mediator']) {
    const r = await u[who].get(`/api/v1/alerts/${alert.id}`);
    assert.equal(r.status, 404, `${who}: ${r.text}`);
    const a = await u[who].post(`/api/v1/alerts/${alert.id}/actions/acknowledge`, {});
    assert.equal(a.status, 404, `${who}: ${a.text}`);
    const l = await u[who].get('/api/v1/alerts');
    assert.equal(l.status, 200);
    assert.equal(l.json.items.length, 0);
  }
  const r = await u['fengqiao.handler'].post('/api/v1/alerts/run', {});
  assert.equal(r.status, 403, r.text);
  const bad = await u.admin.post('/api/v1/alerts/run', { day: '2026-13-40' });
  assert.equal(bad.status, 400);
  assert.equal(bad.json.error.field, 'day');
});

test('an analyst acknowledges and closes the alert with a note; each step kept and audited', async () => {
  const c = u['zhuji.analyst'];
  const ack = await c.post(`/api/v1/alerts/${alert.id}/actions/acknowledge`, {});
  assert.equal(ack.status, 200, ack.text);
  assert.equal(ack.json.status, 'acknowledged');
  const inv = await u['fengqiao.handler'].post(`/api/v1/alerts/${alert.id}/actions/investigate`, {});
  assert.equal(inv.status, 200, inv.text);
  const noNote = await c.post(`/api/v1/alerts/${alert.id}/actions/close_real`, { note: '  ' });
  assert.equal(noNote.status, 400);
  assert.equal(noNote.json.error.code, 'alert_note_required');
  const close = await c.post(`/api/v1/alerts/${alert.id}/actions/close_real`, { note: '枫源村排水沟填埋引发连片纠纷，已组织联合调解。' });
  assert.equal(close.status, 200, close.text);
  assert.equal(close.json.status, 'closed_real');
  assert.deepEqual(close.json.steps.map((s) => s.action), ['raise', 'acknowledge', 'investigate', 'close_real']);
  assert.equal(close.json.updated_by, 'zhuji.analyst');
  const again = await c.post(`/api/v1/alerts/${alert.id}/actions/acknowledge`, {});
  assert.equal(again.status, 409);
  assert.equal(again.json.error.code, 'invalid_transition');
  const unknown = await c.post(`/api/v1/alerts/${alert.id}/actions/explode`, {});
  assert.equal(unknown.status, 400);
  assert.equal(unknown.json.error.code, 'unknown_action');
  assert.equal(Number(sql(`SELECT count(*) FROM audit_log WHERE entity = 'alert' AND entity_id = '${alert.id}'`)), 4);
  const st = await c.get('/api/v1/alerts/stats');
  assert.equal(st.status, 200, st.text);
  const m = st.json.methods.find((x) => x.method === alert.method);
  assert.equal(m.closed_real, 1);
  assert.equal(m.precision, 1);
  assert.equal(st.json.rules.budget_per_week, 1);
  assert.equal(typeof st.json.params.nb_window, 'number');
  assert.equal(typeof st.json.params.c2_k, 'number');
  const out = await u['shangyu.mediator'].get('/api/v1/alerts/stats');
  assert.equal(out.json.methods.find((x) => x.method === alert.method).raised, 0, 'stats are scoped');
});

test('the weekly budget: two categories spike in one township, the stronger alone is raised', async () => {
  await spike(other, 'contract', 9, 9);
  await spike(other, 'labour', 5, 9);
  const r = await run('admin', D0());
  assert.equal(r.raised, 1, JSON.stringify(r));
  assert.ok(r.over_budget >= 1);
  assert.equal(r.items[0].region, other.slice(0, 9));
  assert.equal(r.items[0].category, 'contract', 'the strongest first');
});

// The board's stream: the events so far ({event, data}) of a GET on path.
function stream(client, p) {
  return new Promise((resolve, reject) => {
    const req = http.get(srv.base + p, { agent: false, headers: { cookie: client.cookie } }, (res) => {
      const s = { status: res.statusCode, events: [], close: () => req.destroy() };
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (d) => {
        buf += d;
        let i;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const ev = { event: 'message', data: [] };
          for (const line of block.split('\n')) {
            if (line.startsWith('event: ')) ev.event = line.slice(7);
            else if (line.startsWith('data: ')) ev.data.push(line.slice(6));
          }
          if (ev.data.length) s.events.push({ event: ev.event, data: JSON.parse(ev.data.join('\n')) });
        }
      });
      res.on('error', () => {});
      resolve(s);
    });
    req.on('error', reject);
  });
}

test('after the quiet days a new spike raises a new alert, live on the boards of its region only', async () => {
  const analyst = await stream(u['zhuji.analyst'], '/api/v1/alerts/stream');
  const town = await stream(u['fengqiao.handler'], `/api/v1/alerts/stream?region=${TOWN}`);
  // the county's analyst watching another township
  const elsewhere = await stream(u['zhuji.analyst'], `/api/v1/alerts/stream?region=${other.slice(0, 9)}`);
  for (const s of [analyst, town, elsewhere]) assert.equal(s.status, 200);
  const outside = await u['fengqiao.handler'].get('/api/v1/alerts/stream?region=330681');
  assert.equal(outside.status, 404, 'a board of a region the caller does not see');
  const mediator = await u['fengyuan.mediator'].get('/api/v1/alerts/stream');
  assert.equal(mediator.status, 403, 'the board is the 研判 room\'s');
  try {
    await spike(VILLAGE, 'neighbour', 20, 1);
    const r = await run('admin', today() - 1);
    assert.equal(r.raised, 1, JSON.stringify(r));
    assert.equal(r.items[0].region, TOWN);
    for (const s of [analyst, town]) {
      const deadline = Date.now() + 5000;
      while (!s.events.some((e) => e.event === 'alert') && Date.now() < deadline) await new Promise((ok) => setTimeout(ok, 50));
      const ev = s.events.find((e) => e.event === 'alert');
      assert.ok(ev, 'the alert arrives live');
      assert.equal(ev.data.id, r.items[0].id);
      assert.equal(ev.data.region, TOWN);
      assert.equal(ev.data.region_name, '枫桥镇');
    }
    await new Promise((ok) => setTimeout(ok, 300));
    assert.equal(elsewhere.events.length, 0, 'another township\'s board gets nothing');
  } finally {
    for (const s of [analyst, town, elsewhere]) s.close();
  }
});

test('a bad analysis.alerts configuration stops the server and names the key', async () => {
  for (const [cfg, key] of [
    [{ budget_per_week: 0 }, 'analysis.alerts.budget_per_week'],
    [{ quiet_days: 'seven' }, 'analysis.alerts.quiet_days'],
    [{ methods: ['c3'] }, 'analysis.alerts.methods'],
    [{ daily: 1 }, 'analysis.alerts.daily'],
    [{ budget: 3 }, 'analysis.alerts.budget'],
  ]) {
    const f = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'fq-alert-')), 'config.json');
    fs.writeFileSync(f, JSON.stringify({ analysis: { alerts: cfg } }));
    let err = null;
    try {
      const s = await startServer({ cases: false, args: ['--config', f] });
      await s.stop();
    } catch (e) { err = e; }
    assert.ok(err, `refused: ${JSON.stringify(cfg)}`);
    assert.match(String(err.message), new RegExp(key.replace(/\./g, '\\.')));
  }
});
