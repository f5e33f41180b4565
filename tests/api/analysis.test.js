// analysis.test.js - issue 13 items 10 and 11: the dashboard's rates carry
// their numerator, denominator and base; 按期办结率 (on time) counts open
// overdue cases against itself; every count of the sub-region table is
// exactly what the case list answers for the same filters; the readable
// CSV export has Chinese headers and labels, Beijing time, display names
// and an RFC 5987 file name, while the machine form stays as it was.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer, Client } = require('../lib/server');

let srv;
const users = {};
test.before(async () => {
  srv = await startServer();
  for (const u of ['admin', 'zhuji.analyst', 'fengqiao.handler', 'fengyuan.mediator']) {
    users[u] = new Client(srv.base);
    await users[u].login(u);
  }
});
test.after(async () => { if (srv) await srv.stop(); });

const total = async (c, q) => {
  const r = await c.get('/api/cases' + q + '&page_size=1');
  assert.equal(r.status, 200, r.text);
  return r.json.total;
};

test('each rate has its numerator, denominator and one base; on time counts open overdue cases', async () => {
  for (const region of ['330681', '330681109', '330681109290']) {
    const r = await users.admin.get(`/api/stats/levels?region=${region}`);
    assert.equal(r.status, 200, r.text);
    const lv = r.json;
    const f = lv.fractions;
    assert.deepEqual(Object.keys(f).sort(), ['above_county', 'at_or_below_township', 'in_village', 'on_time', 'satisfaction']);
    assert.deepEqual(f.in_village, { num: lv.resolved_in_village, den: lv.resolved, base: 'resolved' });
    assert.deepEqual(f.above_county, { num: lv.escalated_above_county, den: lv.cases, base: 'registered' });
    assert.equal(f.on_time.base, 'resolved_or_open_overdue');
    assert.equal(f.on_time.num, lv.resolved_on_time);
    // the regression: the denominator used to be the resolved cases only,
    // so a case left open past its deadline never lowered the rate
    assert.equal(f.on_time.den, lv.resolved + lv.open_overdue);
    for (const [k, x] of Object.entries(f)) {
      assert.equal(lv.rates[k], x.den ? x.num / x.den : null, `${k} at ${region}`);
    }
    // open overdue: registered in the range, not imported, overdue now and never resolved
    const overdue = await total(users.admin, `?region=${region}&overdue=true&imported=false`);
    assert.ok(lv.open_overdue <= overdue, `${lv.open_overdue} <= ${overdue}`);
  }
  const town = (await users.admin.get('/api/stats/levels?region=330681109')).json;
  assert.ok(town.open_overdue > 0, 'the demo data has open overdue cases');
  assert.ok(town.rates.on_time < town.resolved_on_time / town.resolved, 'open overdue cases lower the rate');
});

test('every count of the sub-region table opens exactly those cases', async () => {
  const ranges = ['', '&from=2026-01-01&to=2026-12-31', '&from=2026-10-01&to=2026-11-30'];
  for (const [who, region] of [['zhuji.analyst', '330681'], ['fengqiao.handler', '330681109']]) {
    const c = users[who];
    for (const range of ranges) {
      const d = await c.get(`/api/stats/dashboard?region=${region}${range}`);
      assert.equal(d.status, 200, d.text);
      let seen = 0;
      for (const ch of d.json.children) {
        for (const k of ['resolved_in_village', 'resolved_at_or_below_township', 'escalated_above_county', 'resolved_on_time', 'open_overdue']) {
          assert.equal(typeof ch[k], 'number', `${k} of ${ch.code}`);
        }
        if (!ch.cases && !ch.overdue) continue;
        seen++;
        const q = `?region=${ch.code}${range}`;
        assert.equal(ch.overdue, await total(c, q + '&overdue=true'), `overdue ${q}`);
        assert.equal(ch.cases, await total(c, q + '&imported=false'), `cases ${q}`);
        assert.equal(ch.resolved, await total(c, q + '&imported=false&resolved=true'), `resolved ${q}`);
        assert.ok(ch.open_overdue <= ch.overdue);
      }
      if (!range) assert.ok(seen > 0, `some sub-region of ${region} has cases`);
    }
  }
  const town = (await users['fengqiao.handler'].get('/api/stats/dashboard?region=330681109')).json;
  assert.ok(town.children.some((ch) => ch.overdue > 0), 'a village has overdue cases');
});

test('the case list filters resolved=true and imported=false', async () => {
  const c = users.admin;
  const all = await total(c, '?region=330681109');
  const resolved = await total(c, '?region=330681109&resolved=true');
  assert.ok(resolved > 0 && resolved < all);
  const page = (await c.get('/api/cases?region=330681109&resolved=true&page_size=200')).json.items;
  assert.ok(page.every((x) => x.resolved_level !== null && x.resolved_level !== undefined));
  // a closed row is imported history
  const csv = 'title,description,category,region,created_at,status,resolved_level\r\n历史,x,neighbour,330681109290,2024-03-01T10:00:00+08:00,closed,5\r\n';
  assert.equal((await c.post('/api/import/cases', csv, { 'content-type': 'text/csv' })).status, 201);
  assert.equal(await total(c, '?region=330681109'), all + 1);
  assert.equal(await total(c, '?region=330681109&imported=false'), all);
  assert.equal(await total(c, '?region=330681109&imported=false&resolved=true'), resolved);
});

function parseCsv(text) {
  const rows = [];
  let row = []; let field = ''; let quoted = false;
  for (let i = text.startsWith('\ufeff') ? 1 : 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (ch === '"') quoted = false; else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(field); field = ''; } else if (ch === '\r' && text[i + 1] === '\n') { row.push(field); rows.push(row); row = []; field = ''; i++; } else field += ch;
  }
  return rows;
}

test('readable CSV: Chinese headers and labels, Beijing time, display names, a Chinese file name', async () => {
  const c = users['fengqiao.handler'];
  const machine = await c.get('/api/cases.csv?region=330681109');
  assert.equal(machine.status, 200);
  assert.equal(machine.headers.get('content-disposition'), 'attachment; filename="cases.csv"');
  const m = parseCsv(machine.text);
  assert.equal(m[0][0], 'id', 'the machine form is unchanged');

  for (const q of ['format=readable', 'lang=zh-CN']) {
    const r = await c.get(`/api/cases.csv?region=330681109&${q}`);
    assert.equal(r.status, 200, r.text);
    const cd = r.headers.get('content-disposition');
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
    assert.match(cd, new RegExp(`^attachment; filename="cases_330681109_${today}\\.csv"; filename\\*=UTF-8''`));
    const star = decodeURIComponent(cd.split("filename*=UTF-8''")[1]);
    assert.equal(star, `案件_枫桥镇_${today}.csv`);
    const rows = parseCsv(r.text);
    assert.deepEqual(rows[0], ['案件编号', '标题', '纠纷类别', '来源渠道', '类型', '所在村（社区）', '状态', '当前层级',
      '承办单位', '承办人', '登记时间（北京时间）', '办理期限（北京时间）', '是否超期']);
    assert.equal(rows.length, m.length, 'the same cases');
    const byCode = new Map(m.slice(1).map((x) => [x[1], x]));
    for (const row of rows.slice(1)) {
      const mm = byCode.get(row[0]);
      assert.ok(mm, row[0]);
      assert.ok(!/[a-z_]{4,}/.test(row.slice(2, 8).join(' ')), `no codes in ${row.slice(2, 8)}`);
      assert.match(row[6], /^(已登记|已受理|不予受理|已交办|调解中|已中止|已化解|已移交|已回访|已结案|重新办理|复查中)$/);
      assert.match(row[7], /^(省级|市级|县级|镇级|村级)$/);
      assert.match(row[8], /[镇村区市省]|委|街道/);
      assert.match(row[12], /^(是|否)$/);
      // Beijing time: 8 hours after the machine form's UTC instant
      const utc = new Date(mm[12]);
      const bj = new Date(utc.getTime() + 8 * 3600 * 1000).toISOString().slice(0, 16).replace('T', ' ');
      assert.equal(row[10], bj);
      if (mm[11]) assert.notEqual(row[9], mm[11], 'a display name, not the username');
    }
    assert.ok(rows.some((x) => x[9] === '王建国（枫桥镇矛调中心）' || x[9] === '李晓燕（枫桥镇矛调中心）' || x[9].includes('（')),
      'handlers are shown by their display names');
    assert.ok(rows.some((x) => x[2] === '邻里'), 'categories in Chinese');
  }
  // the machine form is what the import reads back: its header is unchanged
  assert.deepEqual(m[0].slice(0, 3), ['id', 'tracking_code', 'title']);
});
