// report.test.js - the weekly 研判 report (issue 16, docs/analysis.md
// "Weekly report and board"): the JSON has every section, with counts the
// statistics and case APIs agree with; the PDF's text (pdftotext) names the
// region, the week and a count; an analyst's run sends report.weekly once
// to a subscription's listener (on 127.0.0.1, started here), never twice;
// a region outside the caller's scope is 404 and a bad week 400 naming the
// field. Runs on SQLite, and PostgreSQL when FQ_TEST_PG is set.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { startServer, Client, freePort } = require('../lib/server');

const TOWN = '330681109'; // 枫桥镇
const VILLAGE = '330681109290'; // 枫源村
const OTHER_COUNTY = '330604'; // 上虞区
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Runs sql on the server's database itself (either engine).
function sql(text) {
  return (srv.db.startsWith('postgres')
    ? execFileSync('psql', [srv.db, '-tAc', text], { encoding: 'utf8' })
    : execFileSync('sqlite3', ['-cmd', '.timeout 5000', srv.db, text], { encoding: 'utf8' })).trim();
}

let srv, hook;
const u = {};

// The Monday (Beijing time) of the week holding instant t, as YYYY-MM-DD.
function mondayOf(t) {
  const bj = new Date(t + 8 * 3600 * 1000);
  const dow = (bj.getUTCDay() + 6) % 7;
  return new Date(Date.UTC(bj.getUTCFullYear(), bj.getUTCMonth(), bj.getUTCDate() - dow))
    .toISOString().slice(0, 10);
}
const addDays = (day, n) => new Date(Date.parse(day + 'T00:00:00Z') + n * 86400000)
  .toISOString().slice(0, 10);

test.before(async () => {
  const port = await freePort();
  hook = { got: [] };
  hook.server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => { hook.got.push(JSON.parse(body)); res.writeHead(200); res.end('ok'); });
  });
  await new Promise((r) => hook.server.listen(port, '127.0.0.1', r));
  hook.url = `http://127.0.0.1:${port}/weekly`;
  const cfg = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'fq-report-')), 'config.json');
  fs.writeFileSync(cfg, JSON.stringify({ webhook_allow: [`127.0.0.1:${port}`] }));
  srv = await startServer({ args: ['--config', cfg], env: { FENGQIAO_WEBHOOK_RETRY_BASE: '1', FENGQIAO_SCAN_INTERVAL: '1' } });
  for (const name of ['admin', 'zhuji.analyst', 'fengqiao.handler', 'fengyuan.mediator']) {
    u[name] = new Client(srv.base);
    await u[name].login(name);
  }
});
test.after(async () => {
  await srv.stop();
  hook.server.closeAllConnections();
  hook.server.close();
});

test('the report has every section, with counts the statistics and case APIs agree with', async () => {
  const week = mondayOf(Date.now());
  const q = `region=${TOWN}&week=${week}`;
  const before = await u['fengqiao.handler'].get(`/api/v1/reports/weekly?${q}`);
  assert.equal(before.status, 200, before.text);
  const made = await u['fengyuan.mediator'].post('/api/cases', {
    title: '研判周报测试纠纷', description: '两户因宅基地边界争执，请村调委会处理。',
    category: 'neighbour', region: VILLAGE,
    parties: [{ role: 'applicant', name: '陈一', phone: '13900002222' }],
  });
  assert.equal(made.status, 201, made.text);
  const r = await u['fengqiao.handler'].get(`/api/v1/reports/weekly?${q}`);
  assert.equal(r.status, 200, r.text);
  const rep = r.json;
  assert.equal(rep.region.code, TOWN);
  assert.equal(rep.region.name, '枫桥镇');
  assert.equal(rep.week, week);
  assert.equal(rep.week_end, addDays(week, 6));
  assert.deepEqual(rep.periods.map((p) => p.key), ['week', 'last_week', 'last_year']);
  assert.equal(rep.periods[1].from, addDays(week, -7));
  assert.equal(rep.periods[2].from, addDays(week, -364));
  for (const p of rep.periods) {
    for (const k of ['at_or_below_township', 'on_time', 'satisfaction']) assert.ok(k in p.rates, k);
  }
  // the new case is counted in this week, and on the day it was filed
  assert.equal(rep.periods[0].cases, before.json.periods[0].cases + 1);
  assert.equal(rep.by_day.length, 7);
  assert.equal(rep.by_day.reduce((s, d) => s + d.count, 0), rep.periods[0].cases);
  // the same numbers as the dashboard's statistics over the same days
  for (const p of rep.periods) {
    const s = await u['fengqiao.handler'].get(`/api/stats/levels?region=${TOWN}&from=${p.from}&to=${p.to}`);
    assert.equal(s.status, 200, s.text);
    assert.equal(p.cases, s.json.cases, p.key);
    assert.equal(p.resolved, s.json.resolved, p.key);
    for (const k of ['at_or_below_township', 'on_time', 'satisfaction']) {
      assert.equal(p.rates[k], s.json.rates[k], `${p.key} ${k}`);
    }
  }
  // overdue: the case list's overdue=true, in the caller's scope
  const od = await u['fengqiao.handler'].get(`/api/cases?region=${TOWN}&overdue=true`);
  assert.equal(od.status, 200, od.text);
  assert.equal(rep.overdue.total, od.json.total);
  assert.ok(rep.overdue.total > 0, 'the demo data has overdue cases');
  assert.equal(rep.overdue.items.length, Math.min(50, od.json.total));
  for (const c of rep.overdue.items) {
    assert.ok(c.region.startsWith(TOWN));
    assert.ok(Date.parse(c.next_due) < Date.now());
  }
  const soon = Date.now() + rep.near_days * 86400000;
  for (const c of rep.near_due.items) {
    const due = Date.parse(c.next_due);
    assert.ok(due >= Date.parse(rep.generated_at) && due < soon, c.next_due);
  }
  assert.deepEqual(rep.alerts, []);
  // an alert of the week and a case a person confirmed red appear, in scope
  const now = Math.floor(Date.now() / 1000);
  sql(`INSERT INTO analysis_alerts(region, category, day, method, observed, expected, threshold, score, detail, status, note, created_at)
       VALUES ('${TOWN}', 'neighbour', '${addDays(week, 0)}', 'ears_c2', 9, 2.5, 6.1, 3.2, '{}', 'closed_real', '已上门化解', ${now})`);
  sql(`INSERT INTO case_risk(case_id, suggested, score, reasons, suggested_at, confirmed, confirmed_by, confirmed_at, confirm_reason)
       VALUES (${made.json.id}, 'orange', 40, '[]', ${now}, 'red', 'fengqiao.handler', ${now}, '持刀威胁')
       ON CONFLICT (case_id) DO UPDATE SET confirmed = 'red', confirmed_by = 'fengqiao.handler', confirmed_at = ${now}`);
  const withRisk = (await u['fengqiao.handler'].get(`/api/v1/reports/weekly?${q}`)).json;
  assert.equal(withRisk.alerts.length, 1);
  assert.equal(withRisk.alerts[0].status, 'closed_real');
  assert.equal(withRisk.alerts[0].observed, 9);
  const red = withRisk.risk.find((c) => c.id === made.json.id);
  assert.ok(red, 'the red case is listed');
  assert.equal(red.grade, 'red');
  assert.equal(red.confirmed, 1);
  const other = new Client(srv.base);
  await other.login('leshan.mediator');
  const ls = await other.get(`/api/v1/reports/weekly?region=330681109291&week=${week}`);
  assert.equal(ls.status, 200, ls.text);
  assert.ok(!ls.json.risk.some((c) => c.id === made.json.id), 'not outside the scope');
  assert.deepEqual(ls.json.alerts, [], 'the township alert is not a village\'s');
  assert.equal(rep.pdf, `/api/v1/reports/weekly.pdf?region=${TOWN}&week=${week}`);
  // a village mediator sees only the village's overdue cases
  const v = await u['fengyuan.mediator'].get(`/api/v1/reports/weekly?region=${VILLAGE}&week=${week}`);
  assert.equal(v.status, 200, v.text);
  const vod = await u['fengyuan.mediator'].get(`/api/cases?region=${VILLAGE}&overdue=true`);
  assert.equal(v.json.overdue.total, vod.json.total);
  for (const c of v.json.overdue.items) assert.ok(c.region.startsWith(VILLAGE));
});

test('the PDF names the region, the week and its count (pdftotext)', async () => {
  const week = mondayOf(Date.now());
  const r = await u['fengqiao.handler'].get(`/api/v1/reports/weekly?region=${TOWN}&week=${week}`);
  const res = await fetch(`${srv.base}/api/v1/reports/weekly.pdf?region=${TOWN}&week=${week}`,
    { headers: { cookie: u['fengqiao.handler'].cookie } });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/pdf');
  assert.match(res.headers.get('content-disposition'), /^attachment; filename="weekly-report-330681109-/);
  const bytes = Buffer.from(await res.arrayBuffer());
  assert.equal(bytes.subarray(0, 5).toString(), '%PDF-');
  const file = path.join(srv.dir, 'weekly.pdf');
  fs.writeFileSync(file, bytes);
  const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  assert.match(text, /枫桥镇矛盾纠纷研判周报/);
  assert.ok(text.includes(week) && text.includes(addDays(week, 6)), 'the week');
  const p = r.json.periods;
  assert.ok(text.includes(`${p[0].cases} / ${p[1].cases} / ${p[2].cases}`), 'the counts');
  assert.ok(text.includes(`超期案件（共 ${r.json.overdue.total} 件）`), 'the overdue count');
  assert.match(text, /三率对比/);
  assert.ok(text.includes('已结束（属实）'), 'the alert and how it ended');
  assert.match(text, /红色，已确认/);
});

test('a region outside the scope is 404; a bad week is 400 naming the field', async () => {
  const h = u['fengqiao.handler'];
  for (const p of [`/api/v1/reports/weekly?region=${OTHER_COUNTY}`,
    `/api/v1/reports/weekly.pdf?region=${OTHER_COUNTY}`,
    '/api/v1/reports/weekly?region=330681']) {
    const r = await h.get(p);
    assert.equal(r.status, 404, p);
    assert.equal(r.json.error.code, 'not_found');
  }
  for (const week of ['2026-11-24', '2026-13-02', 'monday', '20261123']) {
    const r = await h.get(`/api/v1/reports/weekly?region=${TOWN}&week=${week}`);
    assert.equal(r.status, 400, week);
    assert.equal(r.json.error.code, 'invalid_week');
    assert.equal(r.json.error.field, 'week');
  }
  const run = await u['zhuji.analyst'].post('/api/v1/reports/weekly/run', { region: OTHER_COUNTY, week: '2026-11-23' });
  assert.equal(run.status, 404);
  const bad = await u['zhuji.analyst'].post('/api/v1/reports/weekly/run', { region: TOWN, week: '2026-11-25' });
  assert.equal(bad.status, 400);
  assert.equal(bad.json.error.field, 'week');
});

test('the run sends report.weekly once to the subscription, never again', async () => {
  const sub = await u.admin.post('/api/webhooks', { url: hook.url, events: ['report.weekly'] });
  assert.equal(sub.status, 201, sub.text);
  const week = addDays(mondayOf(Date.now()), -14);
  // a township cadre may read the report but not send it
  const no = await u['fengqiao.handler'].post('/api/v1/reports/weekly/run', { region: TOWN, week });
  assert.equal(no.status, 403, no.text);
  const r1 = await u['zhuji.analyst'].post('/api/v1/reports/weekly/run', { region: TOWN, week });
  assert.equal(r1.status, 200, r1.text);
  assert.equal(r1.json.sent, true);
  const mine = () => hook.got.filter((b) => b.event === 'report.weekly' && b.week === week);
  const deadline = Date.now() + 10000;
  while (!mine().length && Date.now() < deadline) await sleep(100);
  assert.equal(mine().length, 1, 'delivered');
  const ev = mine()[0];
  assert.equal(ev.region.code, TOWN);
  assert.equal(ev.week_end, addDays(week, 6));
  assert.equal(ev.pdf, `/api/v1/reports/weekly.pdf?region=${TOWN}&week=${week}`);
  assert.equal(typeof ev.counts.cases, 'number');
  assert.ok(!JSON.stringify(ev).includes('1390'), 'no phone in the event');
  // a second run, and the page, say it was sent; nothing leaves again
  const r2 = await u['zhuji.analyst'].post('/api/v1/reports/weekly/run', { region: TOWN, week });
  assert.equal(r2.status, 200, r2.text);
  assert.equal(r2.json.sent, false);
  assert.equal(r2.json.sent_at, r1.json.sent_at);
  const page = await u['zhuji.analyst'].get(`/api/v1/reports/weekly?region=${TOWN}&week=${week}`);
  assert.equal(page.json.sent_at, r1.json.sent_at);
  await sleep(2500);
  assert.equal(mine().length, 1, 'not sent twice');
  // the link in the event downloads the PDF for a reader in scope
  const pdf = await u['zhuji.analyst'].get(ev.pdf);
  assert.equal(pdf.status, 200);
  assert.equal(pdf.headers.get('content-type'), 'application/pdf');

  // the schedule: from Monday 08:00 Beijing time (00:00 UTC) the last whole
  // week of every county and township the subscription covers, each once
  const bj = new Date(Date.now() + 8 * 3600 * 1000);
  if (bj.getUTCDay() === 1 && bj.getUTCHours() < 8) return; // not yet this week
  const last = addDays(mondayOf(Date.now()), -7);
  const sched = () => hook.got.filter((b) => b.event === 'report.weekly' && b.week === last);
  const town = () => sched().filter((b) => b.region.code === TOWN);
  const until = Date.now() + 20000;
  while (!town().length && Date.now() < until) await sleep(200);
  assert.equal(town().length, 1, 'the township\'s last week, sent by the schedule');
  assert.ok(sched().some((b) => b.region.code === '330681' && b.region.level === 3), 'and its county');
  assert.ok(sched().every((b) => [3, 4].includes(b.region.level)), 'counties and townships only');
  await sleep(3000);
  assert.equal(town().length, 1, 'once, however many ticks');
  const again = await u['zhuji.analyst'].post('/api/v1/reports/weekly/run', { region: TOWN, week: last });
  assert.equal(again.json.sent, false);
  assert.equal(sql(`SELECT count(*) FROM analysis_report_runs WHERE region = '${TOWN}' AND week_start = '${last}' AND sent_at IS NOT NULL`), '1');
});
