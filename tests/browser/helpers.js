// helpers.js - shared set-up for the browser tests: a fresh seeded server,
// Debian's Chromium through playwright-core, console/page error capture and
// a screenshot in test-results/ when a test fails.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const assert = require('node:assert');
const { chromium } = require('playwright-core');
const { startServer, DEMO_PASSWORD, ROOT } = require('../lib/server.js');

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const RESULTS = path.join(ROOT, 'test-results');
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 375, height: 812 };

function launch(extraArgs = []) {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync', ...extraArgs],
  });
}

/**
 * Starts a server and a browser for one test file. Returns an env with
 * newPage(opts), check(), and close(). Every page's console errors and
 * uncaught exceptions are collected; check() fails the test on any.
 */
async function setup(options = {}) {
  // Every page of a file comes from 127.0.0.1, as if a whole village filed
  // from one address: the public budget (2 a second, bursts of 30) would
  // answer 429 to the test's residents as a file grows. The API tests keep
  // the default and test it (tests/api/throttle.test.js).
  const so = options.server || {};
  const server = await startServer({ ...so, args: ['--public-burst', '1000', ...(so.args || [])] });
  let browser;
  try {
    browser = await launch();
  } catch (e) {
    await server.stop();
    throw e;
  }
  const errors = [];
  const pages = [];
  const env = {
    server, browser, base: server.base, errors, pages,
    async newPage(opts = {}) {
      const context = await browser.newContext({
        viewport: opts.viewport || DESKTOP,
        locale: opts.locale || 'zh-CN',
        timezoneId: opts.timezoneId || 'Asia/Shanghai',
        deviceScaleFactor: 1,
        acceptDownloads: true,
      });
      // opts.lang 'en': the UI in English from the first paint, as the
      // header's language switch leaves it (language.test.js tests the switch)
      if (opts.lang === 'en') await context.addInitScript(() => localStorage.setItem('fq.lang', 'en'));
      const page = await context.newPage();
      page.setDefaultTimeout(opts.timeout || 15000);
      const tag = opts.name || `page${pages.length + 1}`;
      page.on('console', (msg) => {
        if (msg.type() === 'error') errors.push(`[${tag}] console: ${msg.text()} @ ${JSON.stringify(msg.location())}`);
      });
      page.on('pageerror', (err) => errors.push(`[${tag}] pageerror: ${err.message}`));
      pages.push({ page, context, tag });
      return page;
    },
    /** Fails when any page logged an error (allowed: array of RegExp to ignore). */
    check(allowed = []) {
      const bad = errors.filter((e) => !allowed.some((re) => re.test(e)));
      assert.deepStrictEqual(bad, [], 'console or page errors');
    },
    /** Screenshot every open page into test-results/<name>-<tag>.png. */
    async screenshot(name) {
      fs.mkdirSync(RESULTS, { recursive: true });
      for (const { page, tag } of pages) {
        if (page.isClosed()) continue;
        const file = path.join(RESULTS, `${safe(name)}-${tag}.png`);
        try { await page.screenshot({ path: file, fullPage: true }); } catch (_) { /* page gone */ }
      }
    },
    async close() {
      try { if (browser) await browser.close(); } finally { await server.stop(); }
    },
  };
  return env;
}

function safe(s) { return String(s).replace(/[^\w.-]+/g, '_').slice(0, 80); }

/**
 * Wraps a node:test test body: on failure, screenshots every page of env
 * into test-results/ and rethrows. The body gets (t).
 */
function shot(getEnv, fn) {
  return async (t) => {
    try {
      await fn(t);
    } catch (e) {
      const env = getEnv();
      if (env) await env.screenshot(t.name);
      throw e;
    }
  };
}

/** Signs in through the login page. */
async function login(page, base, username, password = DEMO_PASSWORD) {
  await page.goto(base + '/#/login');
  await page.getByLabel(/用户名|User name/).fill(username);
  await page.getByLabel(/^密码|^Password/).fill(password);
  await page.getByRole('button', { name: /^(登录|Sign in)$/ }).click();
  await page.waitForURL(/#\/(inbox|dashboard)/);
  await page.locator('.user-name').waitFor();
}

async function logout(page) {
  await page.getByRole('button', { name: /退出登录|Sign out/ }).click();
  await page.waitForURL(/#\/login/);
}

const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Runs axe-core (WCAG 2 A and AA rules) on the page as it is and fails on
 * any violation of serious or critical impact, naming the rule and the
 * first elements. The script is evaluated through the debugging protocol,
 * so the page's Content-Security-Policy stays as it is.
 */
async function axeCheck(page, what = '') {
  await page.evaluate(AXE_SOURCE + ';0');
  const found = await page.evaluate(async () => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('; ')}`);
  });
  assert.deepStrictEqual(found, [], `axe violations ${what}`);
}

/** Horizontal overflow check: returns scrollWidth of the document. */
function scrollWidth(page) {
  return page.evaluate(() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth));
}

/**
 * The runs of each issue-13 check: desktop and phone width, each in zh-CN
 * and in English. `L(zh, en)` picks the run's wording (a string or a RegExp).
 */
const RUNS = [['desktop', DESKTOP], ['phone', PHONE]].flatMap(([width, viewport]) =>
  ['zh-CN', 'en'].map((lang) => ({
    label: `${width}, ${lang}`, width, viewport, lang,
    L: (zh, en) => (lang === 'en' ? en : zh),
  })));

module.exports = { RUNS, setup, shot, login, logout, scrollWidth, axeCheck, launch, DESKTOP, PHONE, DEMO_PASSWORD, RESULTS };
