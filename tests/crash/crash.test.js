// crash.test.js - no acknowledged case is lost. Concurrent clients register
// cases while the server is killed with SIGKILL at random moments, again and
// again (CRASH_ROUNDS, default 20). After each restart every case that got a
// 201 must be there, whole; no case may lack its timeline or audit entry;
// and `audit verify` must pass. The kill moments come from a seeded
// generator: the seed is printed, and CRASH_SEED=<seed> replays a run.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawn, execFileSync } = require('node:child_process');
const { startServer, freePort, ROOT, BIN } = require('../lib/server');
const path = require('node:path');

const ROUNDS = Number(process.env.CRASH_ROUNDS || 20);
const CLIENTS = 8;
const SEED = Number(process.env.CRASH_SEED || Math.floor(Math.random() * 2 ** 31));

// mulberry32: a small seeded generator, so a failing run can be replayed
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6D2B79F5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function serve(db, port) {
  const child = spawn(BIN, ['serve', '--db', db, '--listen', `127.0.0.1:${port}`, '--web', path.join(ROOT, 'web'),
    '--calendar', path.join(ROOT, 'data', 'calendar')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr.on('data', (d) => { log += d; });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    try { if ((await fetch(base + '/api/health')).ok) return { child, base, log: () => log }; } catch (_) { /* starting */ }
    await new Promise((r) => setTimeout(r, 30));
  }
  throw new Error('server did not start: ' + log);
}

test(`acknowledged cases survive ${ROUNDS} SIGKILLs during concurrent intake (CRASH_SEED=${SEED})`, { timeout: 600000 }, async () => {
  console.log(`crash test seed ${SEED}: replay with CRASH_SEED=${SEED}`);
  const random = rng(SEED);
  const srv = await startServer({ cases: false, keep: true });
  const db = srv.db;
  const out = srv.cli(['user', 'token', 'fengyuan.mediator']).trim().split('\n');
  const token = out[out.length - 1];
  await srv.stop();
  const acked = new Map(); // id -> {title, tracking_code}
  let seq = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const port = await freePort();
    const s = await serve(db, port);
    let alive = true;
    const clients = [];
    for (let c = 0; c < CLIENTS; c++) {
      clients.push((async () => {
        while (alive) {
          const title = `崩溃测试 r${round} c${c} n${seq++}`;
          try {
            const r = await fetch(s.base + '/api/cases', {
              method: 'POST',
              headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
              body: JSON.stringify({ title, description: '断电前登记的纠纷', category: 'neighbour', region: '330681109290',
                parties: [{ role: 'applicant', name: '测试人', phone: '13800138000' }] }),
            });
            if (r.status === 201) {
              const j = await r.json();
              acked.set(j.id, { title, tracking_code: j.tracking_code });
            } else {
              await r.arrayBuffer();
            }
          } catch (_) { return; } // the server died mid-request: not acknowledged
        }
      })());
    }
    await new Promise((r) => setTimeout(r, 150 + random() * 500));
    s.child.kill('SIGKILL');
    alive = false;
    await Promise.all(clients);
    await new Promise((r) => s.child.exitCode !== null || s.child.signalCode ? r() : s.child.once('exit', r));
  }
  assert.ok(acked.size > ROUNDS, `expected many acknowledged cases, got ${acked.size}`);
  // restart once more and check every acknowledged case, whole
  const port = await freePort();
  const s = await serve(db, port);
  try {
    for (const [id, want] of acked) {
      const r = await fetch(`${s.base}/api/cases/${id}`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(r.status, 200, `acknowledged case ${id} is missing (CRASH_SEED=${SEED})`);
      const j = await r.json();
      assert.equal(j.title, want.title);
      assert.equal(j.tracking_code, want.tracking_code);
      assert.equal(j.parties.length, 1);
      assert.equal(j.status, 'registered');
    }
  } finally {
    s.child.kill('SIGTERM');
    await new Promise((r) => s.child.once('exit', r));
  }
  const q = (sql) => execFileSync('sqlite3', ['-cmd', '.timeout 5000', db, sql], { encoding: 'utf8' }).trim();
  assert.equal(q('SELECT count(*) FROM cases c WHERE NOT EXISTS (SELECT 1 FROM timeline t WHERE t.case_id = c.id)'), '0');
  assert.equal(q('SELECT count(*) FROM cases c WHERE NOT EXISTS (SELECT 1 FROM parties p WHERE p.case_id = c.id)'), '0');
  assert.equal(q("SELECT count(*) FROM cases"), q("SELECT count(*) FROM audit_log WHERE action = 'case.create'"));
  assert.equal(q('PRAGMA integrity_check'), 'ok');
  const verify = execFileSync(BIN, ['audit', 'verify', '--db', db], { encoding: 'utf8' });
  assert.match(verify, /intact/);
});
