// emergency.test.js - emergencies (突发事件, issue 20; docs/emergency.md): a
// village information reporter's first report with the grade's deadline
// (configured) and where it goes (one level up; grade I/II also the county
// and above), follow-ups and the final report, overdue reports; the
// township's response (plan, tasks with psychological assistance, resources,
// counts, people) and its end, when the people's personal data is deleted
// unless a recorded assessment keeps it (arts. 84-85), logged; a group
// dispute or a red case opens an incident, within the caller's case scope;
// the scope of every read; reports and overdue alerts live to the staff
// above. Runs on SQLite, and PostgreSQL when FQ_TEST_PG.
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
const LESHAN = '330681109291'; // 乐山村
const TOWN = '330681109'; // 枫桥镇
let srv;
let cfgDir;
const u = {};
test.before(async () => {
  cfgDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fq-em-'));
  const cfg = path.join(cfgDir, 'config.json');
  // grade III: the initial report within 5 minutes (default 60)
  fs.writeFileSync(cfg, JSON.stringify({
    emergency: { report_deadlines: { III: { initial_minutes: 5, follow_up_minutes: 30 } } },
  }));
  srv = await startServer({ cases: false, args: ['--config', cfg], env: { FENGQIAO_SCAN_INTERVAL: '1' } });
  for (const name of ['admin', 'fengqiao.handler', 'fengqiao.clerk', 'fengyuan.grid',
    'fengyuan.mediator', 'leshan.mediator', 'zhuji.analyst']) {
    u[name] = new Client(srv.base);
    await u[name].login(name);
  }
});
test.after(async () => {
  await srv.stop();
  fs.rmSync(cfgDir, { recursive: true, force: true });
});

function sql(q) {
  return (process.env.FQ_TEST_PG
    ? execFileSync('psql', [srv.db, '-tAc', q], { encoding: 'utf8' })
    : execFileSync('sqlite3', ['-cmd', '.timeout 5000', srv.db, q], { encoding: 'utf8' })).trim();
}

const ago = (min) => new Date(Date.now() - min * 60000).toISOString().replace(/\.\d+Z$/, 'Z');

async function report(who, body, status = 201) {
  const r = await u[who].post('/api/v1/incidents', {
    kind: 'natural_disaster', grade: 4, region: VILLAGE, title: '山体滑坡', summary: '5组后山滑坡，一户房屋受损', ...body,
  });
  assert.equal(r.status, status, r.text);
  return r.json;
}

test('a grid worker files the first report: graded, sent one level up, on time', async () => {
  const i = await report('fengyuan.grid', {});
  assert.equal(i.status, 'reported');
  assert.equal(i.grade, 4);
  assert.equal(i.reports.length, 1);
  assert.equal(i.reports[0].stage, 'initial');
  assert.deepEqual(i.reports[0].sent_to, [TOWN]);
  assert.equal(i.reports[0].late, false);
  assert.equal(i.overdue, false);
  assert.ok(i.next_due, 'a follow-up is due');
  assert.equal(i.can_report, true);
  assert.equal(i.can_respond, false, 'a grid worker reports, the township responds');
  // art. 3: the first three kinds are graded; a social-security event may not be
  const e = await report('fengyuan.grid', { grade: undefined }, 400);
  assert.equal(e.error.field, 'grade');
  const s = await report('fengyuan.grid', { kind: 'social_security', grade: undefined, title: '聚集' });
  assert.equal(s.grade, null);
  assert.deepEqual(s.reports[0].sent_to, [TOWN]);
  const k = await report('fengyuan.grid', { kind: 'war' }, 400);
  assert.equal(k.error.code, 'unknown_value');
  // a mediator is no information reporter; an analyst neither; nor outside the region
  assert.equal((await report('fengyuan.mediator', {}, 403)).error.code, 'forbidden');
  assert.equal((await report('leshan.mediator', { region: LESHAN }, 403)).error.code, 'forbidden');
  await report('fengyuan.grid', { region: LESHAN }, 403);
});

test('a grade I or II report goes straight to the county and above as well as one level up', async () => {
  const i = await report('fengyuan.grid', { grade: 2, title: '化工厂泄漏', kind: 'accident' });
  assert.deepEqual(i.reports[0].sent_to, [TOWN, '330681', '3306', '33']);
  const one = await report('fengyuan.grid', { grade: 1, title: '地震' });
  assert.deepEqual(one.reports[0].sent_to, [TOWN, '330681', '3306', '33']);
  const three = await report('fengyuan.grid', { grade: 3, title: '内涝' });
  assert.deepEqual(three.reports[0].sent_to, [TOWN]);
});

test('the report chain: deadlines per grade (configured), overdue, follow-ups, final', async () => {
  // grade III's initial report is due within 5 minutes here: 10 minutes late
  const late = await report('fengyuan.grid', { grade: 3, occurred_at: ago(10), title: '暴雨内涝' });
  assert.equal(late.reports[0].late, true);
  // grade IV keeps the default (120 minutes): on time
  const ok = await report('fengyuan.grid', { grade: 4, occurred_at: ago(10), title: '树木倒伏' });
  assert.equal(ok.reports[0].late, false);

  // a follow-up is due 30 minutes after the last report: make it 2 hours ago
  sql(`UPDATE emergency_reports SET created_at = created_at - 7200 WHERE incident_id = ${late.id}`);
  const seen = await u['fengqiao.handler'].get(`/api/v1/incidents/${late.id}`);
  assert.equal(seen.json.overdue, true, 'the follow-up is overdue');
  const list = await u['fengqiao.handler'].get(`/api/v1/incidents?region=${VILLAGE}&open=1`);
  assert.equal(list.status, 200);
  assert.ok(list.json.overdue >= 1);
  assert.ok(list.json.items.find((x) => x.id === late.id).overdue);

  const bad = await u['fengyuan.grid'].post(`/api/v1/incidents/${late.id}/reports`, { stage: 'initial', body: 'x' });
  assert.equal(bad.status, 409, 'one initial report');
  const f = await u['fengyuan.grid'].post(`/api/v1/incidents/${late.id}/reports`,
    { stage: 'follow_up', body: '积水退去一半，转移群众12人', grade: 2 });
  assert.equal(f.status, 201, f.text);
  assert.equal(f.json.overdue, false);
  assert.equal(f.json.grade, 2, 'a follow-up may change the grade');
  assert.equal(f.json.reports[1].late, true);
  assert.deepEqual(f.json.reports[1].sent_to, [TOWN, '330681', '3306', '33']);
  const fin = await u['fengyuan.grid'].post(`/api/v1/incidents/${late.id}/reports`, { stage: 'final', body: '处置完毕' });
  assert.equal(fin.status, 201);
  assert.equal(fin.json.next_due, null);
  assert.equal(fin.json.overdue, false);
  const after = await u['fengyuan.grid'].post(`/api/v1/incidents/${late.id}/reports`, { stage: 'follow_up', body: 'x' });
  assert.equal(after.status, 409);
  assert.equal(after.json.error.code, 'invalid_transition');
  // outside the region: 404, and not listed
  const other = await u['leshan.mediator'].post(`/api/v1/incidents/${late.id}/reports`, { stage: 'follow_up', body: 'x' });
  assert.equal(other.status, 404);
});

test('scope: an incident is seen by its region\'s staff and above, not by another village', async () => {
  const i = await report('fengyuan.grid', { title: '火情' });
  assert.equal((await u['leshan.mediator'].get(`/api/v1/incidents/${i.id}`)).status, 404);
  const l = await u['leshan.mediator'].get('/api/v1/incidents');
  assert.equal(l.status, 200);
  assert.ok(!l.json.items.some((x) => x.id === i.id));
  assert.equal((await u['fengqiao.handler'].get(`/api/v1/incidents/${i.id}`)).status, 200);
  assert.equal((await u['admin'].get(`/api/v1/incidents/${i.id}`)).status, 200);
  assert.equal((await u['fengyuan.mediator'].get(`/api/v1/incidents/${i.id}`)).status, 200);
});

test('the township responds: plan, tasks with a status board, resources, counts', async () => {
  const i = await report('fengyuan.grid', { grade: 3, title: '洪水' });
  const h = u['fengqiao.handler'];
  const g = await u['fengyuan.grid'].post(`/api/v1/incidents/${i.id}/actions/activate`, { plan: '枫桥镇防汛应急预案' });
  assert.equal(g.status, 403, 'a grid worker does not activate a plan');
  const a = await h.post(`/api/v1/incidents/${i.id}/actions/activate`, { plan: '枫桥镇防汛应急预案' });
  assert.equal(a.status, 200, a.text);
  assert.equal(a.json.status, 'responding');
  assert.equal(a.json.plan, '枫桥镇防汛应急预案');
  assert.equal(a.json.plan_activated_by, 'fengqiao.handler');

  const teams = await h.get('/api/v1/teams');
  const team = teams.json.items[0];
  const t1 = await h.post(`/api/v1/incidents/${i.id}/tasks`, { kind: 'evacuation', title: '转移5组群众', team_id: team.id });
  assert.equal(t1.status, 201, t1.text);
  // psychological assistance is a task kind (精神卫生法 art. 14)
  const t2 = await h.post(`/api/v1/incidents/${i.id}/tasks`, { kind: 'psychological', title: '受灾户心理疏导', assignee: 'fengyuan.grid' });
  assert.equal(t2.status, 201, t2.text);
  assert.equal((await h.post(`/api/v1/incidents/${i.id}/tasks`, { kind: 'party', title: 'x', assignee: 'a' })).status, 400);
  assert.equal((await h.post(`/api/v1/incidents/${i.id}/tasks`, { kind: 'rescue', title: 'x' })).status, 400);
  const tasks = t2.json.tasks;
  assert.equal(tasks.length, 2);
  assert.equal(tasks[0].team_name, team.name);
  assert.ok(tasks.every((t) => t.status === 'assigned'));
  assert.equal(t2.json.open_tasks, 2);
  // the assignee moves her own task; another village's staff cannot
  const psy = tasks.find((t) => t.kind === 'psychological');
  const mv = await u['fengyuan.grid'].req('PATCH', `/api/v1/incidents/${i.id}/tasks/${psy.id}`, { status: 'in_progress', note: '已上门' });
  assert.equal(mv.status, 200, mv.text);
  assert.equal(mv.json.tasks.find((t) => t.id === psy.id).status, 'in_progress');
  const ev = tasks.find((t) => t.kind === 'evacuation');
  assert.equal((await u['fengyuan.grid'].req('PATCH', `/api/v1/incidents/${i.id}/tasks/${ev.id}`, { status: 'done' })).status, 403);
  assert.equal((await u['leshan.mediator'].req('PATCH', `/api/v1/incidents/${i.id}/tasks/${ev.id}`, { status: 'done' })).status, 404);
  assert.equal((await h.req('PATCH', `/api/v1/incidents/${i.id}/tasks/${ev.id}`, { status: 'flying' })).status, 400);
  const done = await h.req('PATCH', `/api/v1/incidents/${i.id}/tasks/${ev.id}`, { status: 'done' });
  assert.equal(done.json.open_tasks, 1);

  const r1 = await h.post(`/api/v1/incidents/${i.id}/resources`, { kind: 'shelter', name: '枫桥镇中心小学避灾点', quantity: 200, unit: '床位' });
  assert.equal(r1.status, 201, r1.text);
  const res = r1.json.resources[0];
  assert.equal(res.quantity, 200);
  const r2 = await h.req('PATCH', `/api/v1/incidents/${i.id}/resources/${res.id}`, { quantity: 150 });
  assert.equal(r2.json.resources[0].quantity, 150);
  assert.equal((await h.post(`/api/v1/incidents/${i.id}/resources`, { kind: 'shelter', name: 'x', quantity: -1 })).status, 400);

  const c = await h.post(`/api/v1/incidents/${i.id}/actions/counts`, { affected: 120, evacuated: 45, injured: 2 });
  assert.equal(c.status, 200, c.text);
  assert.equal(c.json.affected, 120);
  assert.equal(c.json.evacuated, 45);
  assert.equal(c.json.injured, 2);
  assert.equal(c.json.dead, 0);
  assert.equal((await h.post(`/api/v1/incidents/${i.id}/actions/counts`, { injured: -3 })).status, 400);
  assert.equal((await h.post(`/api/v1/incidents/${i.id}/actions/dance`, {})).status, 400);
});

test('personal data of a response is deleted when it ends unless an assessment keeps it; logged', async () => {
  const h = u['fengqiao.handler'];
  const i = await report('fengyuan.grid', { grade: 4, title: '房屋倒塌' });
  const p = await u['fengyuan.grid'].post(`/api/v1/incidents/${i.id}/people`, { name: '骆阿婆', phone: '13900001111', condition: 'evacuated' });
  assert.equal(p.status, 201, p.text);
  await h.post(`/api/v1/incidents/${i.id}/people`, { name: '骆阿公', condition: 'injured' });
  assert.equal((await h.post(`/api/v1/incidents/${i.id}/people`, { name: 'x', condition: 'happy' })).status, 400);
  assert.equal((await h.post(`/api/v1/incidents/${i.id}/people`, { name: 'x', phone: 'call me', condition: 'injured' })).status, 400);
  const seen = await h.get(`/api/v1/incidents/${i.id}`);
  assert.equal(seen.json.people.length, 2);
  assert.equal(seen.json.people[0].phone, '13900001111');
  assert.equal((await u['leshan.mediator'].get(`/api/v1/incidents/${i.id}`)).status, 404);
  // the audit names no one
  assert.ok(!sql(`SELECT detail FROM audit_log WHERE action = 'emergency.person_add'`).includes('骆'));

  const end = await h.post(`/api/v1/incidents/${i.id}/actions/close`, {});
  assert.equal(end.status, 200, end.text);
  assert.equal(end.json.status, 'closed');
  assert.deepEqual(end.json.people, []);
  assert.ok(end.json.personal_purged_at);
  assert.equal(sql(`SELECT count(*) FROM emergency_people WHERE incident_id = ${i.id}`), '0');
  const log = sql(`SELECT detail FROM audit_log WHERE action = 'emergency.personal_delete' AND entity_id = '${i.id}'`);
  assert.match(log, /"deleted":\s*2/);
  // closed: nothing more is recorded
  assert.equal((await u['fengyuan.grid'].post(`/api/v1/incidents/${i.id}/people`, { name: 'y', condition: 'injured' })).status, 409);
  assert.equal((await h.post(`/api/v1/incidents/${i.id}/actions/close`, {})).status, 409);

  // kept on a recorded assessment (art. 85: evidence, investigation)
  const k = await report('fengyuan.grid', { grade: 4, title: '交通事故' , kind: 'accident' });
  await u['fengyuan.grid'].post(`/api/v1/incidents/${k.id}/people`, { name: '张三', condition: 'injured' });
  const kept = await h.post(`/api/v1/incidents/${k.id}/actions/close`, { keep_assessment: '事故调查需作为证据留存，经合法性、必要性、安全性评估，留存90天' });
  assert.equal(kept.status, 200);
  assert.equal(kept.json.people.length, 1);
  assert.match(kept.json.keep_assessment, /评估/);
  assert.ok(sql(`SELECT count(*) FROM audit_log WHERE action = 'emergency.personal_keep' AND entity_id = '${k.id}'`) === '1');
});

test('a group dispute or a red case opens or links an incident, within the caller\'s case scope', async () => {
  const mk = async (who, region, people) => {
    const r = await u[who].post('/api/cases', {
      title: people > 9 ? '征地补偿群体纠纷' : '邻里排水纠纷',
      description: people > 9 ? '十余户村民对补偿标准不满，聚集到村委会。' : '一户填埋排水沟，雨天积水倒灌邻居家。', category: 'neighbour',
      channel: 'grid_patrol', region, people_involved: people, location: { address: '村委会' },
      parties: [{ role: 'applicant', name: '骆建华', phone: '13900002222' }],
    });
    assert.equal(r.status, 201, r.text);
    return r.json;
  };
  const group = await mk('fengyuan.mediator', VILLAGE, 12);
  assert.equal(group.group_dispute, true);
  const small = await mk('fengyuan.mediator', VILLAGE, 2);
  const far = await mk('leshan.mediator', LESHAN, 12);
  const i = await report('fengqiao.handler', { kind: 'social_security', grade: undefined, title: '群体聚集', case_id: group.id });
  assert.equal(i.case_id, group.id);
  const s = await report('fengqiao.handler', { kind: 'social_security', grade: undefined, title: 'x', case_id: small.id }, 409);
  assert.equal(s.error.field, 'case_id');
  // a case the caller cannot see is not found
  await report('fengyuan.grid', { kind: 'social_security', grade: undefined, title: 'x', case_id: far.id }, 404);
  // red: the grade a person confirms over the risk job's suggestion
  let sug = null;
  for (let n = 0; n < 200 && !(sug && sug.suggested); n++) {
    sug = (await u['fengyuan.mediator'].get(`/api/v1/cases/${small.id}/risk`)).json;
    if (!(sug && sug.suggested)) await new Promise((ok) => setTimeout(ok, 100));
  }
  assert.ok(sug && sug.suggested, 'the risk job suggested a grade');
  assert.notEqual(sug.suggested, 'red');
  const conf = await u['fengyuan.mediator'].post(`/api/v1/cases/${small.id}/risk/confirm`,
    { grade: 'red', reason: '双方扬言动手，可能引发群体事件' });
  assert.equal(conf.status, 200, conf.text);
  const other = await report('fengyuan.grid', { title: '山洪' });
  const link = await u['fengqiao.handler'].post(`/api/v1/incidents/${other.id}/actions/link_case`, { case_id: small.id });
  assert.equal(link.status, 200, link.text);
  assert.equal(link.json.case_id, small.id);
  const byCase = await u['fengqiao.handler'].get(`/api/v1/incidents?case_id=${small.id}`);
  assert.deepEqual(byCase.json.items.map((x) => x.id), [other.id]);
});

test('a wrong "emergency" configuration stops the server with the key named', async () => {
  for (const [emergency, re] of [
    [{ cap_sender: '3306810000 0000' }, /emergency\.cap_sender/],
    [{ report_deadlines: { II: { initial_minutes: 0 } } }, /emergency\.report_deadlines\.II\.initial_minutes/],
    [{ feed_url: 'ftp://127.0.0.1/feed' }, /emergency\.feed_url/],
    [{ colour: 'red' }, /emergency\.colour/],
  ]) {
    const cfg = path.join(cfgDir, 'bad.json');
    fs.writeFileSync(cfg, JSON.stringify({ emergency }));
    await assert.rejects(startServer({ cases: false, args: ['--config', cfg] }), re);
  }
});

// The live events of a GET on path so far ({event, data}).
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

async function until(s, pred, what) {
  for (let n = 0; n < 400 && !s.events.some(pred); n++) await new Promise((ok) => setTimeout(ok, 50));
  const ev = s.events.find(pred);
  assert.ok(ev, `${what} arrives live`);
  return ev;
}

test('reports and overdue reports reach the township live; each overdue deadline is alerted and logged once', async () => {
  const town = await stream(u['fengqiao.handler'], `/api/v1/incidents/stream?region=${TOWN}`);
  assert.equal(town.status, 200);
  const county = await u['fengqiao.handler'].get('/api/v1/incidents/stream?region=330681');
  assert.equal(county.status, 404, 'not a region the caller reaches');
  try {
    const i = await report('fengyuan.grid', { grade: 4, title: '路面塌陷' });
    const r = await until(town, (e) => e.event === 'report' && e.data.incident_id === i.id, 'the first report');
    assert.equal(r.data.stage, 'initial');
    assert.equal(r.data.region, VILLAGE);
    // grade IV: a follow-up within 8 hours; the first report 10 hours ago
    sql(`UPDATE emergency_reports SET created_at = created_at - 36000 WHERE incident_id = ${i.id}`);
    const o = await until(town, (e) => e.event === 'overdue' && e.data.incident_id === i.id, 'the overdue alert');
    assert.equal(o.data.title, '路面塌陷');
    assert.equal(sql(`SELECT count(*) FROM audit_log WHERE action = 'emergency.report_overdue' AND entity_id = '${i.id}'`), '1');
    assert.equal(sql(`SELECT overdue_alert_due FROM emergency_incidents WHERE id = ${i.id}`), String(o.data.due));
    const f = await u['fengyuan.grid'].post(`/api/v1/incidents/${i.id}/reports`, { stage: 'follow_up', body: '已设置警戒' });
    assert.equal(f.json.overdue, false);
    await until(town, (e) => e.event === 'report' && e.data.incident_id === i.id && e.data.stage === 'follow_up', 'the follow-up');
    assert.equal(sql(`SELECT count(*) FROM audit_log WHERE action = 'emergency.report_overdue' AND entity_id = '${i.id}'`), '1');
  } finally {
    town.close();
  }
});
