// small-fixes.test.js - the "small fixes" of issue 13: the skip link's
// target exists, the phone dashboard's table caption reads on one line, the
// English menu does not wrap, the whole inbox card is a tap target, an
// analyst starts at 研判, a deadline chip is read once, and deadlines say
// "N 个工作日" or "N 天" (the kind of day their rule counts), never hours.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { execFileSync } = require('node:child_process');
const { setup, shot, login, axeCheck, RUNS, PHONE, DESKTOP } = require('./helpers.js');
const { Client } = require('../lib/server.js');

let env;
let mediator;
test.before(async () => {
  env = await setup();
  mediator = new Client(env.base);
  await mediator.login('fengyuan.mediator');
});
test.after(async () => { if (env) await env.close(); });

test('the skip link points at the main content, which takes focus', shot(() => env, async () => {
  const page = await env.newPage({ name: 'skip' });
  await page.goto(env.base + '/#/');
  await page.locator('h1').first().waitFor();
  const href = await page.locator('.skip-link').getAttribute('href');
  assert.ok(await page.evaluate((sel) => !!document.querySelector(sel), href), `${href} exists`);
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  assert.strictEqual(await page.evaluate(() => document.activeElement.tagName), 'H1');
  env.check();
}));

test('an analyst starts at 研判; the phone table caption reads across', shot(() => env, async () => {
  const page = await env.newPage({ name: 'analyst', viewport: PHONE });
  await login(page, env.base, 'zhuji.analyst');
  await page.waitForURL(/#\/dashboard/);
  const caption = page.locator('table.sub-regions caption');
  await caption.waitFor();
  const box = await caption.boundingBox();
  assert.ok(box.width > 200, `caption is ${box.width} px wide`);
  assert.ok(box.height < 80, `caption is ${box.height} px high`);
  env.check();
}));

test('the English menu keeps each item on one line', shot(() => env, async () => {
  const page = await env.newPage({ name: 'menu-en', viewport: DESKTOP, locale: 'en' });
  await login(page, env.base, 'fengqiao.handler');
  if (!(await page.evaluate(() => document.documentElement.lang.startsWith('en')))) {
    await page.getByRole('button', { name: 'English' }).click();
    await page.waitForFunction(() => document.documentElement.lang.startsWith('en'));
  }
  const heights = await page.locator('.nav-list a').evaluateAll((as) => as.map((a) => [a.textContent, a.getBoundingClientRect().height]));
  for (const [label, hgt] of heights) assert.ok(hgt < 50, `"${label}" is ${hgt} px high`);
  env.check();
}));

test('a tap anywhere on an inbox card opens the case; its deadline is read once', shot(() => env, async () => {
  const page = await env.newPage({ name: 'card', viewport: PHONE });
  await login(page, env.base, 'fengyuan.mediator');
  const card = page.locator('.case-card').first();
  await card.waitFor();
  const id = await card.getAttribute('data-id');
  const chip = card.locator('.deadline-chip');
  if (await chip.count()) {
    const spoken = await chip.evaluate((el) => [...el.childNodes].filter((n) => !(n.getAttribute && n.getAttribute('aria-hidden') === 'true')).map((n) => n.textContent).join(''));
    const visible = await chip.locator('[aria-hidden="true"]').innerText();
    assert.ok(spoken.includes(visible), `"${spoken}" says what is shown ("${visible}")`);
    for (const word of ['逾期', '剩', '今日到期', '已暂停']) assert.ok(spoken.split(word).length <= 2, `"${word}" once in "${spoken}"`);
  }
  const meta = card.locator('.case-card-meta');
  const b = await meta.boundingBox();
  await page.mouse.click(b.x + b.width - 5, b.y + b.height / 2);
  await page.waitForURL(new RegExp(`#/case/${id}$`));
  env.check();
}));

// Runs sql on the server's database itself (either engine).
function sql(text) {
  const db = env.server.db;
  return db.startsWith('postgres')
    ? execFileSync('psql', [db, '-Atc', text], { encoding: 'utf8' })
    : execFileSync('sqlite3', ['-cmd', '.timeout 5000', db, text], { encoding: 'utf8' });
}

let seq = 0;
async function newCase(over = {}) {
  seq += 1;
  const r = await mediator.post('/api/cases', {
    title: `宅基地界址纠纷${seq}`, description: '两户宅基地界址不清，砌墙引发争执。', category: 'neighbour',
    channel: 'walk_in', region: '330681109290',
    parties: [{ role: 'applicant', name: '陈国良', phone: `1393333${String(seq).padStart(4, '0')}` }],
    ...over,
  });
  assert.strictEqual(r.status, 201, r.text);
  return r.json;
}

// Any duration in hours or minutes, in either language.
const HOURS = /小时|分钟|\d\s*(h|min)\b|hour|minute/i;

for (const run of RUNS) {
  test(`deadline chips count working or calendar days, never hours (${run.label})`, shot(() => env, async () => {
    const { L } = run;
    const fresh = await newCase();
    const running = await newCase();
    assert.strictEqual((await mediator.post(`/api/cases/${running.id}/actions`, { action: 'accept' })).status, 200);
    const late = await newCase();
    // registered 40 days ago: acceptance is working days overdue
    sql(`UPDATE timeline SET at = at - ${40 * 86400} WHERE case_id = ${late.id}`);

    const page = await env.newPage({ name: `days-${run.label}`, viewport: run.viewport, lang: run.lang });
    await login(page, env.base, 'fengyuan.mediator');
    const chipTexts = async () => {
      await page.locator('.deadline-chip:visible').first().waitFor();
      return page.locator('.deadline-chip').evaluateAll((els) => els.map((e) => e.textContent));
    };
    const shown = [];
    for (const [c, want] of [[fresh, L(/剩 3 个工作日/, /3 working days left/)],
      [running, L(/办结期限：剩 \d+ 天/, /Resolve by: \d+ days left/)],
      [late, L(/逾期 \d+ 个工作日/, /\d+ working days overdue/)]]) {
      await page.goto(`${env.base}/#/case/${c.id}`);
      await page.locator('.deadline-list .deadline-chip').first().waitFor();
      const list = await page.locator('.deadline-list').innerText();
      assert.match(list, want);
      shown.push(...await chipTexts());
    }
    await axeCheck(page, `case page with deadlines (${run.label})`);
    for (const hash of ['#/inbox', '#/cases']) {
      await page.goto(env.base + '/' + hash);
      shown.push(...await chipTexts());
    }
    const days = L(/剩 \d+ (个工作日|天)|逾期 \d+ (个工作日|天)|今日到期|已暂停计时|已于/,
      /\d+ (working )?days? (left|overdue)|due today|clock paused|met on/);
    for (const text of shown) {
      assert.doesNotMatch(text, HOURS, `no hours in "${text}"`);
      assert.match(text, days, `"${text}" counts days`);
    }
    env.check();
  }));
}
