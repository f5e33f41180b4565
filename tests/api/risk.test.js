// risk.test.js - risk grades of cases (风险研判, issue 16; docs/analysis.md
// "Risk grades"): a case with words of threat is suggested red with its
// reasons; a mediator confirms it with a reason, and changing the grade
// needs one; both grades, the reason and the history are kept and audited;
// the township's staff are told of a confirmed red case; the mediation's
// police report is linked; the other signals (repeat parties, land); the
// periodic scan grades cases nobody opened; scope (404 outside, 403 for
// who may see but not decide); bad input 4xx naming the field; the words
// and thresholds from the configuration. Runs on SQLite, and PostgreSQL
// when FQ_TEST_PG is set.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const http = require('node:http');
const { execFileSync } = require('node:child_process');
const { startServer, Client } = require('../lib/server');

const VILLAGE = '330681109290'; // 枫源村
const TOWN = '330681109'; // 枫桥镇
let srv;
const u = {};
test.before(async () => {
  // the scan of open cases runs every second instead of every 10
  srv = await startServer({ cases: false, env: { FENGQIAO_SCAN_INTERVAL: '1' } });
  for (const name of ['admin', 'fengqiao.handler', 'fengqiao.clerk', 'fengyuan.grid',
    'fengyuan.mediator', 'shangyu.mediator', 'zhuji.analyst']) {
    u[name] = new Client(srv.base);
    await u[name].login(name);
  }
});
test.after(async () => { await srv.stop(); });

function sql(q) {
  return (process.env.FQ_TEST_PG
    ? execFileSync('psql', [srv.db, '-tAc', q], { encoding: 'utf8' })
    : execFileSync('sqlite3', ['-cmd', '.timeout 5000', srv.db, q], { encoding: 'utf8' })).trim();
}

let seq = 0;
async function makeCase(fields = {}, client = u['fengyuan.mediator']) {
  seq++;
  const r = await client.post('/api/cases', {
    title: `邻里纠纷${seq}`, description: '两户因排水沟问题多次争吵。',
    category: 'neighbour', channel: 'walk_in', region: VILLAGE,
    parties: [{ role: 'applicant', name: '骆建华', phone: `1390004${String(seq).padStart(4, '0')}` }],
    ...fields,
  });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

const risk = (who, id) => u[who].get(`/api/v1/cases/${id}/risk`);
const confirm = (who, id, body) => u[who].post(`/api/v1/cases/${id}/risk/confirm`, body);

async function waitFor(fn, ms = 8000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) return v;
    await new Promise((res) => setTimeout(res, 200));
  }
}

test('a case with words of threat is suggested red with its reasons; a mediator confirms it', async () => {
  const c = await makeCase({ title: '宅基地边界纠纷', description: '对方扬言要持刀上门，说要同归于尽。',
    category: 'housing_land' });
  const r = await risk('fengyuan.mediator', c.id);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.suggested, 'red');
  assert.equal(r.json.grade, 'red');
  assert.equal(r.json.confirmed, null);
  assert.equal(r.json.can_confirm, true);
  assert.equal(r.json.code, c.tracking_code);
  const threat = r.json.reasons.find((x) => x.signal === 'threat_words');
  assert.ok(threat, JSON.stringify(r.json.reasons));
  assert.match(threat.detail, /持刀/);
  assert.match(threat.detail, /同归于尽/);
  assert.equal(threat.weight, 50);
  assert.ok(r.json.reasons.some((x) => x.signal === 'land'), 'housing_land is a land dispute');
  assert.equal(r.json.score, 60);
  assert.deepEqual(r.json.history.map((h) => [h.kind, h.grade, h.actor]), [['suggested', 'red', 'system']]);
  assert.equal(r.json.mediation, null);

  const clerkBefore = (await u['fengqiao.clerk'].get('/api/notifications')).json.items
    .filter((n) => n.kind === 'risk_red').length;
  const ok = await confirm('fengyuan.mediator', c.id, { grade: 'red', reason: '核实：对方确有持刀威胁' });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.confirmed, 'red');
  assert.equal(ok.json.suggested, 'red', 'both grades are kept');
  assert.equal(ok.json.confirmed_by, 'fengyuan.mediator');
  assert.equal(ok.json.confirmed_by_name, '张美华（枫源村调委会）');
  assert.equal(ok.json.confirm_reason, '核实：对方确有持刀威胁');
  assert.deepEqual(ok.json.history.map((h) => [h.kind, h.grade]), [['suggested', 'red'], ['confirmed', 'red']]);
  assert.equal(ok.json.history[1].reason, '核实：对方确有持刀威胁');
  const audit = sql(`SELECT detail FROM audit_log WHERE action = 'case.risk_confirm' AND entity_id = '${c.id}'`);
  assert.match(audit, /"confirmed":"red"/);
  assert.match(audit, /"suggested":"red"/);

  // the township's staff are told; the one who confirmed is not
  for (const who of ['fengqiao.handler', 'fengqiao.clerk']) {
    const n = await u[who].get('/api/notifications');
    assert.equal(n.status, 200);
    const mine = n.json.items.filter((x) => x.kind === 'risk_red' && x.case_id === c.id);
    assert.equal(mine.length, 1, who);
    assert.equal(mine[0].actor, 'fengyuan.mediator');
  }
  assert.equal((await u['fengqiao.clerk'].get('/api/notifications')).json.items
    .filter((n) => n.kind === 'risk_red').length, clerkBefore + 1);
  assert.equal(Number(sql(`SELECT count(*) FROM notifications n JOIN users s ON s.id = n.user_id
    WHERE n.kind = 'risk_red' AND n.case_id = ${c.id} AND s.username = 'fengyuan.mediator'`)), 0);

  // the township handler changes it, with a reason; no second red notice
  const ch = await confirm('fengqiao.handler', c.id, { grade: 'orange', reason: '已调解，双方情绪平稳' });
  assert.equal(ch.status, 200, ch.text);
  assert.equal(ch.json.confirmed, 'orange');
  assert.equal(ch.json.grade, 'orange');
  assert.equal(ch.json.suggested, 'red');
  assert.equal(ch.json.history.length, 3);
  assert.equal(Number(sql(`SELECT count(*) FROM audit_log WHERE action = 'case.risk_confirm' AND entity_id = '${c.id}'`)), 2);

  // the list of red and orange cases
  const l = await u['fengqiao.handler'].get('/api/v1/risk');
  assert.equal(l.status, 200, l.text);
  const it = l.json.items.find((x) => x.case_id === c.id);
  assert.ok(it);
  assert.equal(it.grade, 'orange');
  const red = await u['fengqiao.handler'].get(`/api/v1/risk?grade=orange&region=${TOWN}`);
  assert.ok(red.json.items.some((x) => x.case_id === c.id));
  assert.ok(!(await u['fengqiao.handler'].get('/api/v1/risk?grade=red')).json.items.some((x) => x.case_id === c.id));
});

test('changing the suggested grade needs a reason; bad input names its field', async () => {
  const c = await makeCase({ description: '对方说要打人。' });
  assert.equal((await risk('fengyuan.mediator', c.id)).json.suggested, 'red');
  const cases = [
    [{}, 400, 'required', 'grade'],
    [{ grade: 'purple' }, 400, 'unknown_value', 'grade'],
    [{ grade: 3 }, 400, 'unknown_value', 'grade'],
    [{ grade: 'green' }, 400, 'risk_reason_required', 'reason'],
    [{ grade: 'green', reason: '   ' }, 400, 'risk_reason_required', 'reason'],
    [{ grade: 'green', reason: 5 }, 400, 'invalid_type', 'reason'],
    [{ grade: 'green', reason: '长'.repeat(501) }, 400, 'too_long', 'reason'],
  ];
  for (const [body, status, code, field] of cases) {
    const r = await confirm('fengyuan.mediator', c.id, body);
    assert.equal(r.status, status, `${JSON.stringify(body).slice(0, 60)}: ${r.text}`);
    assert.equal(r.json.error.code, code);
    assert.equal(r.json.error.field, field);
  }
  const arr = await u['fengyuan.mediator'].req('POST', `/api/v1/cases/${c.id}/risk/confirm`, [1]);
  assert.equal(arr.status, 400);
  assert.equal((await u['fengyuan.mediator'].get('/api/v1/risk?grade=crimson')).json.error.field, 'grade');
  assert.equal((await u['fengyuan.mediator'].get('/api/v1/risk?region=abc')).json.error.field, 'region');
  assert.equal((await risk('fengyuan.mediator', 'x')).status, 404);
  assert.equal((await risk('fengyuan.mediator', 99999999)).status, 404);
  // nothing was kept by the refusals
  assert.equal(Number(sql(`SELECT count(*) FROM case_risk_history WHERE case_id = ${c.id} AND kind = 'confirmed'`)), 0);
  // the same grade needs no reason
  const same = await confirm('fengyuan.mediator', c.id, { grade: 'red' });
  assert.equal(same.status, 200, same.text);
  assert.equal(same.json.confirm_reason, null);
});

test('scope: 404 outside the case\'s region, 403 for who sees but does not decide', async () => {
  const c = await makeCase({ description: '扬言报复。' });
  const other = await risk('shangyu.mediator', c.id);
  assert.equal(other.status, 404, other.text);
  assert.equal((await confirm('shangyu.mediator', c.id, { grade: 'red', reason: 'x' })).status, 404);
  assert.ok(!(await u['shangyu.mediator'].get('/api/v1/risk?grade=red')).json.items.some((x) => x.case_id === c.id));
  const an = await risk('zhuji.analyst', c.id);
  assert.equal(an.status, 200, an.text);
  assert.equal(an.json.can_confirm, false);
  const f = await confirm('zhuji.analyst', c.id, { grade: 'red', reason: '研判' });
  assert.equal(f.status, 403, f.text);
  assert.equal(f.json.error.code, 'forbidden');
  const g = await confirm('fengyuan.grid', c.id, { grade: 'red' });
  assert.equal(g.status, 403, g.text);
  assert.ok((await u['zhuji.analyst'].get('/api/v1/risk?grade=red')).json.items.some((x) => x.case_id === c.id));
});

test('the other signals: the same party in an earlier case, a failed mediation and the police report linked', async () => {
  const phone = '13900049999';
  const first = await makeCase({ parties: [{ role: 'applicant', name: '陈阿大', phone }] });
  const second = await makeCase({ parties: [{ role: 'respondent', name: '陈阿大', phone }],
    people_involved: 6 });
  const r0 = await risk('fengyuan.mediator', first.id);
  assert.ok(!r0.json.reasons.some((x) => x.signal === 'repeat_parties'), 'the first case has no earlier one');
  assert.equal((await risk('fengyuan.mediator', second.id)).json.suggested, 'yellow'); // 15 + 10
  // a mediation of the second case ended without agreement, the mediator
  // having flagged a risk and reported it to the police
  const now = Math.floor(Date.now() / 1000);
  sql(`INSERT INTO mediations (case_id, unit_region, status, ended_at, end_reason, risk_flag, risk_note,
    risk_police_report, risk_at, created_at) VALUES (${second.id}, '${VILLAGE}', 'ended', ${now},
    'risk_of_crime', 1, '一方情绪激动', '枫桥派出所 接警 2026-118', ${now}, ${now})`);
  sql(`UPDATE cases SET updated_at = ${now + 1} WHERE id = ${second.id}`);
  const r = await waitFor(async () => {
    const x = await risk('fengyuan.mediator', second.id);
    return x.json.reasons.some((s) => s.signal === 'failed_mediation') ? x : null;
  });
  assert.ok(r, 'the scan regraded the changed case');
  const signals = r.json.reasons.map((x) => x.signal).sort();
  assert.deepEqual(signals, ['failed_mediation', 'people', 'repeat_parties']);
  assert.equal(r.json.suggested, 'orange'); // 15 + 20 + 10
  assert.equal(r.json.reasons.find((x) => x.signal === 'repeat_parties').detail, '1');
  assert.equal(r.json.mediation.risk_flag, true);
  assert.equal(r.json.mediation.risk_police_report, '枫桥派出所 接警 2026-118');
  assert.equal(r.json.mediation.link, `/case/${second.id}/mediation`);
  assert.deepEqual(r.json.history.map((h) => h.grade), ['yellow', 'orange'], 'a changed suggestion is kept');
});

test('the periodic scan grades open cases nobody opened; a quiet case is green', async () => {
  const c = await makeCase();
  const got = await waitFor(() => sql(`SELECT suggested FROM case_risk WHERE case_id = ${c.id}`));
  assert.equal(got, 'green');
  const r = await risk('fengyuan.mediator', c.id);
  assert.deepEqual(r.json.reasons, []);
  assert.equal(r.json.score, 0);
});

test('the sweep grades an old case nobody changed, and counts the working days it is open', async () => {
  const c = await makeCase();
  const old = Math.floor(Date.now() / 1000) - 40 * 86400;
  // as if registered 40 days ago, before grades existed
  sql(`UPDATE cases SET created_at = ${old}, updated_at = ${old} WHERE id = ${c.id}`);
  sql(`DELETE FROM case_risk_history WHERE case_id = ${c.id}`);
  sql(`DELETE FROM case_risk WHERE case_id = ${c.id}`);
  const reasons = await waitFor(() => sql(`SELECT reasons FROM case_risk WHERE case_id = ${c.id}`));
  assert.ok(reasons, 'the sweep graded it');
  const dur = JSON.parse(reasons).find((x) => x.signal === 'duration');
  assert.ok(dur, reasons);
  assert.match(dur.detail, /^\d+$/);
  assert.ok(Number(dur.detail) >= 25, dur.detail);
});

// The events ({event, data}) so far of a text/event-stream GET on p: the
// bell (/api/v1/notifications/stream) or the 研判 board (/api/v1/alerts/stream).
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
          const ev = { event: 'message', data: [] };
          for (const line of buf.slice(0, i).split('\n')) {
            if (line.startsWith('event: ')) ev.event = line.slice(7);
            else if (line.startsWith('data: ')) ev.data.push(line.slice(6));
          }
          buf = buf.slice(i + 2);
          if (ev.data.length) s.events.push({ event: ev.event, data: JSON.parse(ev.data.join('\n')) });
        }
      });
      res.on('error', () => {});
      resolve(s);
    });
    req.on('error', reject);
  });
}

test('a case confirmed red rings the township clerk\'s bell and reaches the 研判 boards of its region at once', async () => {
  const bell = await stream(u['fengqiao.clerk'], '/api/v1/notifications/stream');
  const county = await stream(u['zhuji.analyst'], '/api/v1/alerts/stream');
  const town = await stream(u['fengqiao.handler'], `/api/v1/alerts/stream?region=${TOWN}`);
  // the county's analyst watching another township of 诸暨
  const other = sql(`SELECT code FROM regions WHERE level = 4 AND code LIKE '330681%' AND code <> '${TOWN}' ORDER BY code LIMIT 1`);
  const elsewhere = await stream(u['zhuji.analyst'], `/api/v1/alerts/stream?region=${other}`);
  try {
    for (const s of [bell, county, town, elsewhere]) assert.equal(s.status, 200);
    const c = await makeCase({ description: '对方扬言要放火烧房子。' });
    assert.equal((await risk('fengyuan.mediator', c.id)).json.suggested, 'red');
    assert.equal((await confirm('fengyuan.mediator', c.id, { grade: 'red', reason: '已报告派出所' })).status, 200);
    const rang = await waitFor(() => bell.events.find((e) => e.data.kind === 'risk_red' && e.data.case_id === c.id), 5000);
    assert.ok(rang, JSON.stringify(bell.events));
    assert.equal(rang.data.note, '已报告派出所');
    assert.equal(rang.data.tracking_code, c.tracking_code);
    for (const s of [county, town]) {
      const ev = await waitFor(() => s.events.find((e) => e.event === 'risk' && e.data.case_id === c.id), 5000);
      assert.ok(ev, JSON.stringify(s.events));
      assert.deepEqual(ev.data, { case_id: c.id, code: c.tracking_code, title: c.title, grade: 'red', region: VILLAGE });
    }
    // confirming red again is no new event
    assert.equal((await confirm('fengqiao.handler', c.id, { grade: 'red', reason: '维持' })).status, 200);
    await new Promise((ok) => setTimeout(ok, 300));
    assert.equal(town.events.filter((e) => e.event === 'risk' && e.data.case_id === c.id).length, 1);
    assert.equal(elsewhere.events.filter((e) => e.event === 'risk').length, 0, 'another township\'s board gets nothing');
  } finally {
    for (const s of [bell, county, town, elsewhere]) s.close();
  }
});

test('the words, weights and thresholds come from the configuration', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fq-risk-'));
  const cfg = path.join(dir, 'config.json');
  fs.writeFileSync(cfg, JSON.stringify({ analysis: { risk: {
    words: ['推搡'], weights: { threat_words: 25 }, thresholds: { red: 20, orange: 10, yellow: 5 } } } }));
  const s2 = await startServer({ cases: false, args: ['--config', cfg] });
  try {
    const m = new Client(s2.base);
    await m.login('fengyuan.mediator');
    const mk = async (description, phone) => {
      const r = await m.post('/api/cases', { title: '纠纷', description, category: 'neighbour',
        channel: 'walk_in', region: VILLAGE, parties: [{ role: 'applicant', name: '甲', phone }] });
      assert.equal(r.status, 201, r.text);
      return (await m.get(`/api/v1/cases/${r.json.id}/risk`)).json;
    };
    const a = await mk('双方发生推搡', '13900041111');
    assert.equal(a.suggested, 'red');
    assert.equal(a.reasons[0].weight, 25);
    const b = await mk('对方持刀', '13900041112');
    assert.equal(b.suggested, 'green', 'the configured list replaces the defaults');
  } finally {
    await s2.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  // a bad value is refused at start, naming the key
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(cfg, JSON.stringify({ analysis: { risk: { weights: { nonsense: 1 } } } }));
  await assert.rejects(startServer({ cases: false, args: ['--config', cfg] }), /analysis\.risk\.weights/);
  fs.rmSync(dir, { recursive: true, force: true });
});
