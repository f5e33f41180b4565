// bench/failover.js - intake through a PostgreSQL failover (issue 17): run
// by `bench/run --failover` under `scripts/with-pg --ha env node ...` (not
// `... --ha node`: with-pg-ha.sh has a shell function named node) (a pg_auto_failover
// monitor, a primary and a synchronous secondary on loopback). One Fengqiao
// server is given the multi-host URL; BENCH_FAILOVER_CLIENTS clients (default
// 8) register cases as fast as they are answered, each with an
// Idempotency-Key, retrying the same request on 503. After BENCH_SECONDS
// (default 10) the primary's whole node is killed with SIGKILL; the clients
// go on until BENCH_SECONDS after the first write that succeeded again.
// Prints one line of JSON: the intake rate before the kill and after the
// gap, the time without a primary (first failed write to first successful
// write), the answers seen, and how many acknowledged cases the new primary
// holds. The correctness of all this is tests/pg/failover.test.js; this
// only measures.
'use strict';
const { spawn, execFileSync } = require('node:child_process');
const path = require('node:path');
const { startServer, freePort, ROOT, BIN } = require('../tests/lib/server');

const CLIENTS = Number(process.env.BENCH_FAILOVER_CLIENTS || 8);
const SECS = Number(process.env.BENCH_SECONDS || 10);
const KILL = process.env.FQ_PG_HA_KILL;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const load = () => require('node:fs').readFileSync('/proc/loadavg', 'utf8').split(' ')[0];

async function serve(db, port) {
  const child = spawn(BIN, ['serve', '--db', db, '--listen', `127.0.0.1:${port}`, '--log-level', 'warn',
    '--calendar', path.join(ROOT, 'data', 'calendar')], { stdio: ['ignore', 'ignore', 'ignore'] });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 500; i++) {
    try { if ((await fetch(base + '/api/health')).ok) return { child, base }; } catch (_) { /* starting */ }
    await sleep(30);
  }
  child.kill('SIGKILL');
  throw new Error('server did not start');
}

async function main() {
  if (!KILL) throw new Error('run under scripts/with-pg --ha (FQ_PG_HA_KILL is not set)');
  const seeded = await startServer({ cases: false, keep: true });
  const db = seeded.db;
  const out = seeded.cli(['user', 'token', 'fengyuan.mediator']).trim().split('\n');
  const token = out[out.length - 1];
  await seeded.stop();
  const s = await serve(db, await freePort());

  const acked = [];
  const n = { 201: 0, 503: 0, failed_fetch: 0, other: {} };
  let killedAt = 0;
  let firstFail = 0;
  let firstOkAfter = 0;
  let stop = false;
  let seq = 0;
  const okTimes = [];
  async function client(c) {
    while (!stop) {
      const k = seq++;
      const body = JSON.stringify({ title: `故障切换压测 c${c} n${k}`, description: '主库宕机前后的登记',
        category: 'neighbour', region: '330681109290',
        parties: [{ role: 'applicant', name: '测试人', phone: '13800138000' }] });
      for (;;) {
        let r;
        try {
          r = await fetch(s.base + '/api/cases', { method: 'POST', body, signal: AbortSignal.timeout(20000),
            headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'idempotency-key': `failover-bench-c${c}-n${k}` } });
        } catch (e) { n.failed_fetch++; await sleep(100); continue; }
        const text = await r.text();
        if (r.status === 201) {
          n[201]++;
          acked.push(JSON.parse(text).id);
          const now = Date.now();
          okTimes.push(now);
          if (firstFail && !firstOkAfter) firstOkAfter = now;
          break;
        }
        if (r.status === 503) {
          n[503]++;
          if (killedAt && !firstFail) firstFail = Date.now();
          await sleep(100);
          continue;
        }
        const code = `${r.status} ${(text.match(/"code":"([a-z_]+)"/) || [])[1] || ''}`.trim();
        n.other[code] = (n.other[code] || 0) + 1; // 409 idempotency_in_progress: a cut-off commit
        break;
      }
    }
  }
  const clients = [];
  for (let c = 0; c < CLIENTS; c++) clients.push(client(c));
  await sleep(2000); // warm up
  const beforeFrom = Date.now();
  await sleep(SECS * 1000);
  const loadBefore = load();
  const killed = execFileSync(KILL, { encoding: 'utf8' }).trim();
  killedAt = Date.now();
  const end = Date.now() + 180000;
  while ((!firstOkAfter || Date.now() < firstOkAfter + SECS * 1000) && Date.now() < end) await sleep(100);
  const loadAfter = load();
  stop = true;
  await Promise.all(clients);
  const rate = (from, to) => okTimes.filter((t) => t >= from && t < to).length / ((to - from) / 1000);
  const before = rate(beforeFrom, killedAt);
  const after = firstOkAfter ? rate(firstOkAfter, firstOkAfter + SECS * 1000) : 0;
  s.child.kill('SIGTERM');
  await new Promise((res) => (s.child.exitCode !== null ? res() : s.child.once('exit', res)));
  const found = acked.length ? Number(execFileSync('psql', [db, '-XAtqc',
    `SELECT count(*) FROM cases WHERE id IN (${acked.join(',')})`], { encoding: 'utf8' }).trim()) : 0;
  console.log(JSON.stringify({
    clients: CLIENTS, seconds: SECS, killed, before_per_s: Number(before.toFixed(1)),
    gap_ms: firstOkAfter && firstFail ? firstOkAfter - firstFail : null,
    after_per_s: Number(after.toFixed(1)), acked: acked.length, found_on_new_primary: found,
    answers: n, load_before: loadBefore, load_after: loadAfter,
  }));
}

main().catch((e) => { console.error(e); process.exit(1); });
