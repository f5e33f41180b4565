#!/usr/bin/env node
// screenshots.js - captures each main page of a running Fengqiao server at
// desktop (1280x800) and phone (375x812) width into
// docs/screenshots/<page>-<desktop|phone>.png.
//
//   node tests/browser/screenshots.js [base-url] [--user NAME] [--password PW] [--out DIR] [--room TOKEN]
//
// --room TOKEN also takes a party's mediation room (#/room/TOKEN, a link
// whose identity code was confirmed) on a phone, as room-phone.png; the
// mediation browser test writes that one itself when FQ_SCREENSHOTS=1.
//
// base-url defaults to $FQ_BASE or http://127.0.0.1:8080. Staff pages are
// taken signed in as --user (default fengqiao.handler, password
// demo-password-2026, the seeded demo). Nothing is written to the server
// except the sign-in itself.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { launch, DESKTOP, PHONE } = require('./helpers.js');

function parseArgs(argv) {
  const o = { base: process.env.FQ_BASE || 'http://127.0.0.1:8080', user: 'fengqiao.handler', password: 'demo-password-2026',
    out: path.resolve(__dirname, '..', '..', 'docs', 'screenshots') };
  for (let i = 0; i < argv.length; i += 1) {
    const a = argv[i];
    if (a === '--user') o.user = argv[++i];
    else if (a === '--password') o.password = argv[++i];
    else if (a === '--out') o.out = path.resolve(argv[++i]);
    else if (a === '--room') o.room = argv[++i];
    else if (a === '-h' || a === '--help') { o.help = true; } else o.base = a.replace(/\/$/, '');
  }
  return o;
}

// name, hash, and what to wait for / do before the shot.
const PUBLIC_PAGES = [
  ['home', '#/', null],
  ['guide', '#/guide/neighbours', async (p) => {
    await p.getByText('屋檐滴水', { exact: true }).click();
    await p.locator('.guide-form button[type="submit"]').click();
    await p.locator('.guide-result .law-item').first().waitFor();
    await p.evaluate(() => window.scrollTo(0, 0));
  }],
  ['file', '#/file', async (p) => { await p.locator('.region-picker select[data-level="2"] option:nth-child(2)').waitFor({ state: 'attached' }); }],
  ['track', '#/track', null],
  ['login', '#/login', null],
];
const STAFF_PAGES = [
  ['inbox', '#/inbox', async (p) => { await p.locator('.case-cards, .empty, .alert').first().waitFor(); }],
  ['cases', '#/cases', async (p) => { await p.locator('.case-table, .empty, .alert').first().waitFor(); }],
  ['case', null, async (p) => { await p.locator('.timeline, .alert').first().waitFor(); }],
  ['new', '#/new', async (p) => { await p.locator('.region-picker select[data-level="5"]').waitFor(); await p.waitForTimeout(300); }],
  ['dashboard', '#/dashboard', async (p) => { await p.locator('#chart-days canvas').first().waitFor(); await p.waitForTimeout(600); }],
  ['notifications', '#/notifications', async (p) => { await p.locator('h1').first().waitFor(); }],
];

async function shoot(browser, o, viewport, kind) {
  const context = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', deviceScaleFactor: 1 });
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  page.on('pageerror', (e) => console.error(`[${kind}] page error: ${e.message}`));
  const take = async (name) => {
    await page.waitForLoadState('networkidle');
    const file = path.join(o.out, `${name}-${kind}.png`);
    await page.screenshot({ path: file, fullPage: false });
    console.log('wrote', path.relative(process.cwd(), file));
  };
  await page.goto(o.base + '/');
  await page.evaluate(() => { localStorage.setItem('fq.lang', 'zh-CN'); });
  for (const [name, hash, ready] of PUBLIC_PAGES) {
    await page.goto(o.base + '/' + hash);
    await page.locator('main h1').first().waitFor();
    if (ready) await ready(page);
    await take(name);
  }
  // Sign in through the page, as a person would.
  await page.goto(o.base + '/#/login');
  await page.locator('input[name="username"]').fill(o.user);
  await page.locator('input[name="password"]').fill(o.password);
  await page.locator('form button[type="submit"]').click();
  await page.waitForURL(/#\/inbox/);
  const firstCase = await page.evaluate(async () => {
    const r = await fetch('/api/cases?sort=due&page_size=1&mine=true');
    const j = r.ok ? await r.json() : { items: [] };
    if (j.items && j.items.length) return j.items[0].id;
    const r2 = await fetch('/api/cases?page_size=1');
    const j2 = r2.ok ? await r2.json() : { items: [] };
    return j2.items && j2.items.length ? j2.items[0].id : null;
  });
  for (const [name, hash, ready] of STAFF_PAGES) {
    const h = hash || (firstCase ? `#/case/${firstCase}` : null);
    if (!h) { console.warn(`skipped ${name}: no case to show`); continue; }
    await page.goto(o.base + '/' + h);
    await page.locator('main h1').first().waitFor();
    if (ready) await ready(page);
    await take(name);
  }
  await context.close();
}

/** The party's mediation room on a phone: docs/screenshots/room-phone.png. */
async function shootRoom(browser, base, token, out) {
  const context = await browser.newContext({ viewport: PHONE, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', deviceScaleFactor: 1 });
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  await page.goto(base + '/');
  await page.evaluate(() => { localStorage.setItem('fq.lang', 'zh-CN'); });
  await page.goto(`${base}/#/room/${token}`);
  await page.locator('.room-thread .med-msg, .room-identity, .alert').first().waitFor();
  await page.locator('.med-live[data-state="live"], .room-identity').first().waitFor();
  const file = path.join(out, 'room-phone.png');
  await page.screenshot({ path: file, fullPage: false });
  console.log('wrote', path.relative(process.cwd(), file));
  await context.close();
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  if (o.help) {
    console.log('usage: node tests/browser/screenshots.js [base-url] [--user NAME] [--password PW] [--out DIR] [--room TOKEN]');
    return;
  }
  fs.mkdirSync(o.out, { recursive: true });
  const browser = await launch();
  try {
    await shoot(browser, o, DESKTOP, 'desktop');
    await shoot(browser, o, PHONE, 'phone');
    if (o.room) await shootRoom(browser, o.base, o.room, o.out);
  } finally {
    await browser.close();
  }
}

if (require.main === module) main().catch((e) => { console.error(e); process.exit(1); });

module.exports = { shootRoom };
