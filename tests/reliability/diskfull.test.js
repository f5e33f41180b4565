// diskfull.test.js - the disk fills up: writes answer 503 and the server
// stays up, every acknowledged case is kept, and writing resumes once space
// returns. The database lives on a small tmpfs (this needs root, as CI is).
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync, spawn } = require('node:child_process');
const { startServer, freePort, BIN, ROOT } = require('../lib/server');

test('disk full: 503, still serving, nothing acknowledged lost, recovers', { timeout: 120000 }, async () => {
  assert.equal(process.getuid(), 0, 'this test mounts a tmpfs and needs root');
  const src = await startServer({ cases: false, keep: true });
  await src.stop();
  const mnt = fs.mkdtempSync(path.join(os.tmpdir(), 'fq-full-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=24m', 'tmpfs', mnt]);
  let child;
  try {
    const db = path.join(mnt, 'fq.db');
    fs.copyFileSync(src.db, db);
    const token = execFileSync(BIN, ['user', 'token', 'fengyuan.mediator', '--db', db], { encoding: 'utf8' }).trim().split('\n').pop();
    const port = await freePort();
    child = spawn(BIN, ['serve', '--db', db, '--listen', `127.0.0.1:${port}`, '--web', path.join(ROOT, 'web'),
      '--calendar', path.join(ROOT, 'data', 'calendar')], { stdio: 'ignore' });
    const base = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 200; i++) {
      try { if ((await fetch(base + '/api/health')).ok) break; } catch (_) { /* starting */ }
      await new Promise((r) => setTimeout(r, 30));
    }
    // leave little room
    const free = () => Number(execFileSync('df', ['-B1', '--output=avail', mnt], { encoding: 'utf8' }).split('\n')[1]);
    const filler = path.join(mnt, 'filler');
    fs.writeFileSync(filler, Buffer.alloc(Math.max(0, free() - 600 * 1024)));
    const post = (i) => fetch(base + '/api/cases', {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ title: `磁盘测试 ${i} ` + '长'.repeat(150), description: '描述'.repeat(2000), category: 'neighbour', region: '330681109290' }),
    });
    const acked = [];
    let full = null;
    for (let i = 0; i < 2000 && !full; i++) {
      const r = await post(i);
      const j = await r.json();
      if (r.status === 201) acked.push(j.id);
      else if (r.status === 503) full = j;
      else assert.fail(`unexpected ${r.status} ${JSON.stringify(j)}`);
    }
    assert.ok(full, 'the disk filled');
    assert.ok(acked.length > 0);
    assert.equal(full.error.code, 'storage_unavailable');
    assert.equal((await fetch(base + '/api/health')).status, 200, 'still serving');
    for (const id of acked.slice(-5)) {
      const r = await fetch(`${base}/api/cases/${id}`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(r.status, 200);
    }
    fs.unlinkSync(filler);
    let ok = null;
    for (let i = 0; i < 20 && !ok; i++) {
      const r = await post(`after-${i}`);
      const j = await r.json();
      if (r.status === 201) { ok = j; acked.push(j.id); }
      else await new Promise((res) => setTimeout(res, 200));
    }
    assert.ok(ok, 'writes succeed again once space returns');
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    child = null;
    const ids = new Set(execFileSync('sqlite3', ['-cmd', '.timeout 5000', db, 'SELECT id FROM cases'], { encoding: 'utf8' }).trim().split('\n').map(Number));
    for (const id of acked) assert.ok(ids.has(id), `acknowledged case ${id} kept`);
    assert.match(execFileSync(BIN, ['audit', 'verify', '--db', db], { encoding: 'utf8' }), /intact/);
  } finally {
    if (child) { child.kill('SIGKILL'); await new Promise((r) => child.once('exit', r)); }
    execFileSync('umount', [mnt]);
    fs.rmSync(mnt, { recursive: true, force: true });
  }
});
