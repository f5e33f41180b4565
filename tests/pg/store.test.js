// store.test.js - PostgreSQL-only promises of store/pg.c and schema/pg:
// migrations that several processes may run at once, an audit chain that a
// CLI and the server append to at the same time without forking, partitions
// made on demand when ids cross a range boundary, and an audit log that
// refuses edits even with its triggers disabled. Needs FQ_TEST_PG.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { execFile, execFileSync } = require('node:child_process');
const { promisify } = require('node:util');
const { startServer, Client, BIN, ROOT } = require('../lib/server');

const PG = process.env.FQ_TEST_PG;
const opts = { skip: PG ? false : 'FQ_TEST_PG is not set (run under scripts/with-pg)', timeout: 120000 };
const run = promisify(execFile);

let n = 0;
function freshDb() {
  const name = `fq_store_${process.pid}_${n++}`;
  execFileSync('psql', [PG, '-qc', `CREATE DATABASE ${name}`]);
  const u = new URL(PG);
  u.pathname = '/' + name;
  return u.toString();
}
function psql(db, sql) {
  return execFileSync('psql', [db, '-XAtqc', sql], { encoding: 'utf8' }).trim();
}

test('migrate is safe when several processes start at once, and again', opts, async () => {
  const db = freshDb();
  const runs = await Promise.all([1, 2, 3, 4, 5].map(() =>
    run(BIN, ['migrate', '--db', db], { cwd: ROOT })));
  assert.equal(runs.length, 5);
  const versions = psql(db, 'SELECT string_agg(version, \',\' ORDER BY version) FROM schema_migrations');
  assert.match(versions, /^001_init\.sql,002_rollups\.sql,003_webhooks\.sql/);
  const before = psql(db, 'SELECT count(*) FROM schema_migrations');
  execFileSync(BIN, ['migrate', '--db', db], { cwd: ROOT });
  assert.equal(psql(db, 'SELECT count(*) FROM schema_migrations'), before);
  assert.equal(psql(db, "SELECT count(*) FROM pg_extension WHERE extname = 'pg_trgm'"), '1');
});

test('the server and CLI commands append to the audit chain at once without forking it', opts, async () => {
  const srv = await startServer({ cases: false });
  try {
    const c = new Client(srv.base);
    await c.login('fengyuan.mediator');
    const before = Number(psql(srv.db, 'SELECT count(*) FROM audit_log'));
    const api = Array.from({ length: 30 }, (_, i) => c.post('/api/cases', {
      title: `并发审计${i}`, description: '同时写入', category: 'neighbour', region: '330681109290',
    }));
    const cli = Array.from({ length: 8 }, () =>
      run(BIN, ['user', 'token', 'fengqiao.handler', '--db', srv.db], { cwd: ROOT }));
    const answers = await Promise.all(api);
    await Promise.all(cli);
    assert.ok(answers.every((r) => r.status === 201));
    assert.equal(Number(psql(srv.db, 'SELECT count(*) FROM audit_log')), before + 30 + 8);
    assert.match(srv.cli(['audit', 'verify']), new RegExp(`intact: ${before + 38} entries`));
  } finally {
    await srv.stop();
  }
});

test('cases crossing a partition boundary get their partition on demand', opts, async () => {
  const srv = await startServer({ cases: false });
  try {
    const chunk = Number(psql(srv.db, "SELECT chunk FROM partition_plan WHERE tbl = 'cases'"));
    const top = Number(psql(srv.db, "SELECT max(hi) FROM partitions WHERE tbl = 'cases'"));
    // the next ids end just below the last partition's upper bound
    psql(srv.db, `SELECT setval('cases_id_seq', ${top - 3})`);
    const c = new Client(srv.base);
    await c.login('fengyuan.mediator');
    const ids = [];
    for (let i = 0; i < 6; i++) {
      const r = await c.post('/api/cases', { title: `分区边界${i}号滴水`, description: '跨越分区', category: 'neighbour', region: '330681109290' });
      assert.equal(r.status, 201, r.text);
      ids.push(r.json.id);
    }
    assert.deepEqual(ids, [top - 2, top - 1, top, top + 1, top + 2, top + 3]);
    for (const t of ['cases', 'timeline', 'case_search']) {
      assert.ok(Number(psql(srv.db, `SELECT max(hi) FROM partitions WHERE tbl = '${t}'`)) >= top + chunk,
        `${t} has a partition beyond ${top}`);
    }
    assert.equal(psql(srv.db, `SELECT tableoid::regclass FROM cases WHERE id = ${top + 1}`), `cases_p${top}`);
    // every API path still finds them: one case, its timeline, the list and search
    for (const id of ids) {
      assert.equal((await c.get(`/api/cases/${id}`)).status, 200);
      assert.equal((await c.get(`/api/cases/${id}/timeline`)).json.items.length, 1);
    }
    const found = await c.get('/api/cases?page_size=50&q=' + encodeURIComponent('分区边界'));
    assert.deepEqual(found.json.items.map((x) => x.id).sort((a, b) => a - b), ids);
    const code = (await c.get(`/api/cases/${top + 2}`)).json.tracking_code;
    assert.ok(code);
  } finally {
    await srv.stop();
  }
});

test('the audit log refuses UPDATE, DELETE and TRUNCATE, and a row that does not match its hash', opts, async () => {
  const db = freshDb();
  execFileSync(BIN, ['migrate', '--db', db], { cwd: ROOT });
  execFileSync(BIN, ['import-regions', '--province', '33', '--db', db], { cwd: ROOT });
  execFileSync(BIN, ['seed-demo', '--no-cases', '--password', 'demo-password-2026', '--db', db], { cwd: ROOT });
  const sql = (q) => execFileSync('psql', [db, '-v', 'ON_ERROR_STOP=1', '-XAtqc', q], { stdio: 'pipe' });
  assert.throws(() => sql("UPDATE audit_log SET actor = 'x' WHERE id = 1"), /append-only/);
  assert.throws(() => sql('DELETE FROM audit_log WHERE id = 1'), /append-only/);
  assert.throws(() => sql('TRUNCATE audit_log'), /append-only/);
  // with every trigger off the row's own hash still has to match
  assert.throws(() => sql("ALTER TABLE audit_log DISABLE TRIGGER USER; UPDATE audit_log SET actor = 'x' WHERE id = 1"),
    /audit_log_sealed/);
  // an appended forgery must carry a correct hash too
  assert.throws(() => sql("INSERT INTO audit_log SELECT id + 1000, at, actor, action, entity, entity_id, detail, prev_hash, hash FROM audit_log WHERE id = 1"),
    /audit_log_sealed/);
});
