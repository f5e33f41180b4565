#!/usr/bin/env node
// sync_bench.js - the sync of 1,000 queued items (issue 15, "Done when"):
// a grid worker's phone comes back online with N items in its outbox and
// sends them as web/js/outbox.js does: one at a time, in order, each a
// grid event under its own Idempotency-Key. Then the same N again, as if
// every answer had been lost, which the server must answer from what it
// kept without making anything twice. Prints the time of each pass, the
// p50/p99 of one item, and the events made (must be N).
//
//   node bench/sync/sync_bench.js [N]          (FQ_BIN, and FQ_TEST_PG for PostgreSQL)
'use strict';
const crypto = require('node:crypto');
const { startServer, Client } = require('../../tests/lib/server');

const N = Number(process.argv[2] || 1000);

function pct(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

async function pass(c, items, label) {
  const ms = [];
  const t0 = process.hrtime.bigint();
  let replayed = 0;
  for (const it of items) {
    const a = process.hrtime.bigint();
    const r = await c.post('/api/v1/events', it.body, { 'idempotency-key': it.key, 'content-type': 'application/json' });
    ms.push(Number(process.hrtime.bigint() - a) / 1e6);
    if (r.status !== 201) throw new Error(`${label}: ${r.status} ${r.text}`);
    if (r.headers.get('idempotent-replayed') === 'true') replayed++;
  }
  const total = Number(process.hrtime.bigint() - t0) / 1e6;
  console.log(`${label}: ${items.length} items in ${(total / 1000).toFixed(2)} s ` +
    `(${(items.length / (total / 1000)).toFixed(0)}/s), one item p50 ${pct(ms, 50).toFixed(2)} ms, ` +
    `p99 ${pct(ms, 99).toFixed(2)} ms; replayed ${replayed}`);
  return replayed;
}

(async () => {
  const srv = await startServer({ cases: false });
  try {
    const c = new Client(srv.base);
    await c.login('fengyuan.grid');
    const grids = await c.get('/api/v1/grids');
    const gridId = grids.json.items[0].id;
    const items = Array.from({ length: N }, (_, i) => ({
      key: crypto.randomUUID(),
      body: JSON.stringify({ category: 'livelihood', title: `同步测试事件 ${i + 1}`,
        description: '离线时记录的网格事件，联网后按顺序发送。', grid_id: gridId }),
    }));
    const before = (await c.get('/api/v1/events/stats')).json;
    await pass(c, items, 'first send');
    // the answers are kept right after they are sent: let the writer catch up
    await new Promise((r) => setTimeout(r, 500));
    const replayed = await pass(c, items, 'sent again (answers lost)');
    const after = (await c.get('/api/v1/events/stats')).json;
    const made = (after.reported || 0) - (before.reported || 0);
    console.log(`engine ${process.env.FQ_TEST_PG ? 'postgresql' : 'sqlite'}: events made ${made} of ${N}; ` +
      `second pass replayed ${replayed} of ${N}`);
    if (made !== N || replayed !== N) process.exitCode = 1;
  } finally {
    await srv.stop();
  }
})();
