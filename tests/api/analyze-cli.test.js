// analyze-cli.test.js - `fengqiao analyze backtest` (issue 16, "Measured
// before trusted"): prints the detection table with its columns, catches an
// injected outbreak of 12 cases, raises far fewer alarms with no outbreaks,
// and refuses bad options. No database: the province is generated in memory.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const { BIN, ROOT } = require('../lib/server');

const run = (args) => spawnSync(BIN, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 24 });

// Markdown table rows -> arrays of cells
const rows = (text) => text.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| method'))
  .map((l) => l.slice(2, -2).split(' | '));
const pct = (s) => Number(s.replace('%', ''));

test('analyze backtest prints the table and catches an outbreak of 12 cases', () => {
  // a smaller province (15 counties) keeps the test quick under the sanitizers
  const r = run(['analyze', 'backtest', '--cases', '20000', '--seed', '7', '--counties', '15', '--outbreaks', '120']);
  assert.equal(r.status, 0, r.stderr);
  const out = r.stdout;
  assert.match(out, /20000 cases over 365 days/);
  assert.match(out, /\| method \| level \| extra cases \| outbreaks \| caught within 2 days \| caught within 7 days \| delay median \(days\) \| delay p90 \(days\) \|/);
  assert.match(out, /\| method \| level \| alarm days \| false alarm days \| false alarms \/ county \/ month \| after the 7-day rule \| outbreaks >= 5 caught within 2 days \|/);
  const all = rows(out);
  const bySize = all.filter((c) => c.length === 8);
  const summary = all.filter((c) => c.length === 7);
  for (const m of ['ears_c2', 'negbin'])
    for (const size of ['3', '5', '8', '12'])
      assert.ok(bySize.some((c) => c[0] === m && c[1] === 'township' && c[2] === size), `${m} township ${size}`);
  // an outbreak of 12 extra cases in a township of a 20,000-case province
  // stands far out of its baseline: the default method catches every one,
  // within 2 days
  const twelve = bySize.find((c) => c[0] === 'negbin' && c[1] === 'all four' && c[2] === '12');
  assert.equal(Number(twelve[3]), 30, 'outbreaks of 12');
  assert.ok(pct(twelve[4]) >= 95, `negbin catches outbreaks of 12: ${twelve[4]}`);
  assert.ok(Number(twelve[6]) <= 1, 'median delay at most a day');
  const nb = summary.find((c) => c[0] === 'negbin' && c[1] === 'all four');
  assert.ok(Number(nb[4]) <= 1, `at most one false alarm per county per month: ${nb[4]}`);
});

test('with no outbreaks every alarm is false, and there are few', () => {
  const r = run(['analyze', 'backtest', '--cases', '20000', '--seed', '7', '--counties', '15', '--outbreaks', '0']);
  assert.equal(r.status, 0, r.stderr);
  const nb = rows(r.stdout).find((c) => c.length === 7 && c[0] === 'negbin' && c[1] === 'all four');
  assert.equal(nb[2], nb[3], 'alarm days = false alarm days');
  assert.ok(Number(nb[4]) < 0.5, nb[4]);
});

test('analyze refuses bad options and answers --help', () => {
  assert.equal(run(['analyze']).status, 2);
  assert.equal(run(['analyze', 'nothing']).status, 2);
  assert.equal(run(['analyze', 'backtest', '--nb-alpha', '0.7']).status, 2);
  assert.equal(run(['analyze', 'backtest', '--cases', 'many']).status, 2);
  assert.equal(run(['analyze', 'backtest', '--nb-window', '9']).status, 2);
  assert.equal(run(['analyze', 'backtest', '--counties', '0']).status, 2);
  const h = run(['analyze', 'backtest', '--help']);
  assert.equal(h.status, 0);
  assert.match(h.stdout, /usage: fengqiao analyze backtest/);
});
