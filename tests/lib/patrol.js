// patrol.js - fixtures of the patrol tests (tests/api/patrol.test.js,
// tests/browser/patrol.test.js): two grids with their staff written
// straight into the grid module's tables (grids, grid_staff), and a
// patrol's body as the grid worker's phone sends it.
'use strict';
const { execFileSync } = require('node:child_process');
const { DEMO_PASSWORD } = require('./server');

const FY = '330681109290'; // 枫源村
const LS = '330681109291'; // 乐山村
const GA = 9101; // a grid of 枫源村
const GB = 9102; // a grid of 乐山村

function sql(srv, q) {
  return (process.env.FQ_TEST_PG
    ? execFileSync('psql', [srv.db, '-v', 'ON_ERROR_STOP=1', '-tAc', q], { encoding: 'utf8' })
    : execFileSync('sqlite3', ['-cmd', '.timeout 5000', srv.db, q], { encoding: 'utf8' })).trim();
}

// In A fengyuan.grid works full time, fengyuan.grid2 (made here) part time
// and fengyuan.mediator is the head; in B leshan.mediator works.
function seedGrids(srv) {
  srv.cli(['user', 'add', 'fengyuan.grid2', '--name', '兼职网格员', '--password', DEMO_PASSWORD,
    '--role', 'grid_worker', '--region', FY]);
  sql(srv, `INSERT INTO grids(id, region, code, name, households, population) VALUES
    (${GA}, '${FY}', 'T-FY-01', '枫源村巡查测试网格', 300, 900),
    (${GB}, '${LS}', 'T-LS-01', '乐山村巡查测试网格', 250, 700)`);
  const staff = [[GA, 'fengyuan.grid', 'full_time'], [GA, 'fengyuan.grid2', 'part_time'],
    [GA, 'fengyuan.mediator', 'head'], [GB, 'leshan.mediator', 'full_time']];
  for (const [g, u, d] of staff) {
    sql(srv, `INSERT INTO grid_staff(grid_id, user_id, duty) SELECT ${g}, id, '${d}' FROM users WHERE username = '${u}'`);
  }
}

const iso = (t) => new Date(t * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
const now = () => Math.floor(Date.now() / 1000);

// A patrol of 20 minutes around t0 with a route of five points and three
// households, two of them visited at route points.
function patrol(t0, extra = {}) {
  return {
    grid_id: GA, started_at: iso(t0 - 600), ended_at: iso(t0 + 600),
    route: [[120.2451, 29.6012, t0 - 600], [120.2455, 29.6015, t0], [120.24601234567, 29.6019, t0 + 300],
      [120.2466, 29.6023, t0 + 450], [120.2470, 29.6030, t0 + 600]],
    visits: [{ household: '5组12号', visited_at: iso(t0), note: '独居老人，身体尚好' },
      { household: '5组13号', visited_at: iso(t0 + 300) },
      { household: '5组14号', visited_at: iso(t0 + 301) }],
    findings: '5组路灯损坏一处，已记录。',
    ...extra,
  };
}

module.exports = { FY, LS, GA, GB, sql, seedGrids, iso, now, patrol };
