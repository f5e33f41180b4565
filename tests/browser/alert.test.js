// alert.test.js - alerts and the 研判 board in the browser (issue 16): an
// analyst has the board open when a run raises an alert for a spike in one
// township, and it appears without reload; on the alerts tab the analyst
// finds it with why it was raised and the village behind it, acknowledges
// it, is stopped from closing it without a note, and closes it as real.
// Desktop in Chinese and phone (375 px) in English, with axe and no console
// errors.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { setup, shot, login, axeCheck, scrollWidth, DESKTOP, PHONE } = require('./helpers.js');
const { Client } = require('../lib/server.js');

const DAY = 86400;
let env;
let admin;
test.before(async () => {
  const cfg = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'fq-alert-')), 'config.json');
  fs.writeFileSync(cfg, JSON.stringify({ analysis: { alerts: { daily: false } } }));
  env = await setup({ server: { cases: false, args: ['--config', cfg] } });
  admin = new Client(env.base);
  await admin.login('admin');
});
test.after(async () => { if (env) await env.close(); });

function sql(q) {
  return (process.env.FQ_TEST_PG
    ? execFileSync('psql', [env.server.db, '-tAc', q], { encoding: 'utf8' })
    : execFileSync('sqlite3', ['-cmd', '.timeout 5000', env.server.db, q], { encoding: 'utf8' })).trim();
}
const today = () => Math.floor((Date.now() / 1000 + 8 * 3600) / DAY);
const iso = (t) => new Date(t * DAY * 1000).toISOString().slice(0, 10);

let seq = 0;
// n cases made now in village, moved back `back` days with their rollups
// (as tests/api/alert.test.js does).
async function spike(village, category, n, back) {
  const ids = [];
  for (let i = 0; i < n; i++) {
    seq++;
    const r = await admin.post('/api/cases', {
      title: `排水纠纷${seq}`, description: `第${seq}起：填埋排水沟，雨天积水倒灌邻居家。`,
      category, channel: 'walk_in', region: village, location: { address: `${seq}组` },
      parties: [{ role: 'applicant', name: '骆建华', phone: `1390005${String(seq).padStart(4, '0')}` }],
    });
    assert.strictEqual(r.status, 201, r.text);
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

for (const [label, viewport, en] of [['desktop', DESKTOP, false], ['phone', PHONE, true]]) {
  test(`the board receives an alert live; the analyst acknowledges and closes it (${label})`, shot(() => env, async () => {
    const L = (zh, e) => (en ? e : zh);
    // a township of 诸暨市 for each run: 枫桥镇 first, then another
    const village = en
      ? sql(`SELECT code FROM regions WHERE level = 5 AND code LIKE '330681%' AND code NOT LIKE '330681109%' ORDER BY code LIMIT 1`)
      : '330681109290';
    const town = village.slice(0, 9);
    const page = await env.newPage({ name: `alert-${label}`, viewport, lang: en ? 'en' : undefined });
    await login(page, env.base, 'zhuji.analyst');
    if (en) {
      await page.goto(`${env.base}/#/alerts`);
    } else {
      await page.getByRole('button', { name: '研判', exact: true }).click(); // the menu's 研判 group
      await page.getByRole('link', { name: '预警', exact: true }).first().click();
    }
    await page.getByRole('tab', { name: L('研判大屏', 'Live board') }).click();
    await page.getByText(L('实时：新预警会自动出现在这里', 'Live: new alerts appear here')).waitFor();
    await page.locator('#board-map canvas').first().waitFor();

    // a run while the board is open
    await spike(village, 'neighbour', 7, 3);
    const run = await admin.post('/api/v1/alerts/run', { day: iso(today() - 3) });
    assert.strictEqual(run.status, 200, run.text);
    assert.strictEqual(run.json.raised, 1, run.text);
    const a = run.json.items[0];
    assert.strictEqual(a.region, town);
    const live = page.locator(`.board-alerts [data-alert="${a.id}"]`);
    await live.waitFor();
    assert.match(await live.innerText(), new RegExp(a.region_name));
    await axeCheck(page, `board ${label}`);
    if (en) assert.ok(await scrollWidth(page) <= 375, 'no sideways scrolling on the board');

    // the alerts tab: why, the village behind it, and its life
    await live.getByRole('link').click();
    const box = page.locator(`.alert-detail[data-alert="${a.id}"]`);
    await box.waitFor();
    assert.match(await box.locator('.alert-why').innerText(), /7/);
    await box.locator(`.alert-villages [data-region="${village}"]`).waitFor();
    await box.getByRole('button', { name: L('确认收到', 'Acknowledge') }).click();
    await page.locator('.alert-detail .alert-status[data-status="acknowledged"]').waitFor();
    await page.locator('.alert-detail').getByRole('button', { name: L('关闭：属实', 'Close as real') }).click();
    await page.locator('.alert-detail [data-field="note"] .field-error:not([hidden])').waitFor();
    await page.locator('.alert-detail').getByLabel(L('说明', 'Note')).fill('排水沟填埋引发连片纠纷，已联合调解。');
    await page.locator('.alert-detail').getByRole('button', { name: L('关闭：属实', 'Close as real') }).click();
    await page.locator('.alert-detail .alert-status[data-status="closed_real"]').waitFor();
    await axeCheck(page, `alert ${label}`);
    if (en) assert.ok(await scrollWidth(page) <= 375, 'no sideways scrolling on an alert');

    // the list, with the precision of the closings
    await page.getByRole('link', { name: L('← 全部预警', '← All alerts') }).click();
    await page.locator(`.alert-items [data-alert="${a.id}"] .alert-status[data-status="closed_real"]`).waitFor();
    assert.notStrictEqual(await page.locator(`.alert-stats [data-method="${a.method}"] .alert-precision`).innerText(), '—');
    await axeCheck(page, `alerts ${label}`);
    env.check();
  }));
}
