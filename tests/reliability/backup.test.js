// backup.test.js - `fengqiao backup` under load and `fengqiao restore`: the
// restored copy opens, holds every case acknowledged before the backup
// began, and its audit chain verifies.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { startServer, Client } = require('../lib/server');

test('backup while cases are being registered, then restore and verify', { timeout: 120000 }, async () => {
  const srv = await startServer({ cases: false });
  try {
    const c = new Client(srv.base);
    await c.login('fengyuan.mediator');
    const before = [];
    for (let i = 0; i < 30; i++) {
      const r = await c.post('/api/cases', { title: `备份前 ${i}`, description: 'x', category: 'neighbour', region: '330681109290' });
      assert.equal(r.status, 201);
      before.push(r.json.id);
    }
    // keep writing while the backup runs
    let writing = true;
    const load = (async () => {
      let n = 0;
      while (writing) {
        const r = await c.post('/api/cases', { title: `备份中 ${n++}`, description: 'x', category: 'neighbour', region: '330681109290' });
        assert.equal(r.status, 201);
      }
    })();
    await new Promise((r) => setTimeout(r, 200));
    const file = path.join(srv.dir, 'backup.db');
    const out = srv.cli(['backup', '--to', file]);
    assert.match(out, /backup written/);
    writing = false;
    await load;
    assert.throws(() => srv.cli(['backup', '--to', file]), 'an existing file is not overwritten');
    const restored = path.join(srv.dir, 'restored.db');
    execFileSync(process.env.FQ_BIN || path.join(__dirname, '..', '..', 'build', 'fengqiao'),
      ['restore', '--from', file, '--db', restored], { encoding: 'utf8' });
    const verify = execFileSync(process.env.FQ_BIN || path.join(__dirname, '..', '..', 'build', 'fengqiao'),
      ['audit', 'verify', '--db', restored], { encoding: 'utf8' });
    assert.match(verify, /intact/);
    const ids = execFileSync('sqlite3', ['-cmd', '.timeout 5000', restored, 'SELECT id FROM cases'], { encoding: 'utf8' }).trim().split('\n').map(Number);
    for (const id of before) assert.ok(ids.includes(id), `case ${id} is in the backup`);
    assert.throws(() => execFileSync(process.env.FQ_BIN || path.join(__dirname, '..', '..', 'build', 'fengqiao'),
      ['restore', '--from', file, '--db', restored], { stdio: 'pipe' }), 'restore does not overwrite without --force');
  } finally {
    await srv.stop();
  }
});
