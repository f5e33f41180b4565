// accounts.test.js - API tokens lapse and can be revoked, users can be
// disabled, a new password ends sessions and tokens, and common or trivial
// passwords are refused. Runs on SQLite and PostgreSQL.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { execFileSync } = require('node:child_process');
const { startServer, Client, DEMO_PASSWORD } = require('../lib/server');

const DAY = 86400;
const tokenId = (tok) => crypto.createHash('sha256').update(tok).digest('hex').slice(0, 12);

// Runs SQL on the test database behind the server's back (to age a token).
function sql(db, statement) {
  if (/^postgres(ql)?:\/\//.test(db)) execFileSync('psql', [db, '-qc', statement], { stdio: 'ignore' });
  else execFileSync('sqlite3', ['-cmd', '.timeout 5000', db, statement], { stdio: 'ignore' });
}

function newToken(srv, user, args = []) {
  const out = srv.cli(['user', 'token', user, ...args]).trim().split('\n');
  return out[out.length - 1];
}

const withToken = (srv, tok) => { const c = new Client(srv.base); c.token = tok; return c; };

test('a new API token lapses after 90 days by default, or --expires-days', async () => {
  const srv = await startServer({ cases: false });
  try {
    const tok = newToken(srv, 'fengyuan.mediator');
    const short = newToken(srv, 'fengyuan.mediator', ['--expires-days', '7']);
    const c = new Client(srv.base);
    await c.login('fengyuan.mediator');
    const list = await c.get('/api/me/tokens');
    assert.equal(list.status, 200);
    const byId = Object.fromEntries(list.json.items.map((t) => [t.id, t]));
    assert.equal(byId[tokenId(tok)].expires_at - byId[tokenId(tok)].created_at, 90 * DAY);
    assert.equal(byId[tokenId(short)].expires_at - byId[tokenId(short)].created_at, 7 * DAY);
    assert.equal(byId[tokenId(tok)].expired, false);
    assert.ok(!JSON.stringify(list.json).includes(tok), 'the token itself is never shown');
    assert.equal((await withToken(srv, tok).get('/api/me')).status, 200);
    // the token's time has come
    sql(srv.db, `UPDATE api_tokens SET expires_at = created_at - 1 WHERE substr(hash, 1, 12) = '${tokenId(tok)}'`);
    const r = await withToken(srv, tok).get('/api/me');
    assert.equal(r.status, 401);
    assert.equal(r.json.error.code, 'bad_token');
    assert.equal((await withToken(srv, short).get('/api/me')).status, 200, 'the other token still works');
    const o311 = await fetch(`${srv.base}/open311/v2/requests.json?api_key=${tok}`);
    assert.notEqual(o311.status, 200, 'an expired token is no Open311 api_key either');
    assert.equal((await c.get('/api/me/tokens')).json.items.find((t) => t.id === tokenId(tok)).expired, true);
  } finally { await srv.stop(); }
});

test('a user revokes their own token through the API, and only their own', async () => {
  const srv = await startServer({ cases: false });
  try {
    const mine = newToken(srv, 'fengyuan.mediator');
    const theirs = newToken(srv, 'leshan.mediator');
    const c = new Client(srv.base);
    await c.login('fengyuan.mediator');
    let r = await c.req('DELETE', `/api/me/tokens/${tokenId(theirs)}`);
    assert.equal(r.status, 404, 'another user\'s token is not found');
    assert.equal((await withToken(srv, theirs).get('/api/me')).status, 200);
    assert.equal((await c.req('DELETE', '/api/me/tokens/not-an-id')).status, 404);
    r = await c.req('DELETE', `/api/me/tokens/${tokenId(mine)}`);
    assert.equal(r.status, 204);
    assert.equal((await withToken(srv, mine).get('/api/me')).status, 401);
    assert.equal((await c.req('DELETE', `/api/me/tokens/${tokenId(mine)}`)).status, 404);
    assert.equal((await c.get('/api/me/tokens')).json.items.length, 0);
  } finally { await srv.stop(); }
});

test('a disabled user cannot sign in, and their sessions and tokens stop working', async () => {
  const srv = await startServer({ cases: false });
  try {
    const tok = newToken(srv, 'fengyuan.mediator');
    const c = new Client(srv.base);
    await c.login('fengyuan.mediator');
    assert.equal((await c.get('/api/me')).status, 200);
    srv.cli(['user', 'disable', 'fengyuan.mediator']);
    assert.equal((await c.get('/api/me')).status, 401, 'the session is over');
    assert.equal((await withToken(srv, tok).get('/api/me')).status, 401, 'the token is refused');
    const again = await new Client(srv.base).post('/api/session', { username: 'fengyuan.mediator', password: DEMO_PASSWORD });
    assert.equal(again.status, 401);
    srv.cli(['user', 'enable', 'fengyuan.mediator']);
    assert.equal((await withToken(srv, tok).get('/api/me')).status, 200, 'the token works again');
    await new Client(srv.base).login('fengyuan.mediator');
  } finally { await srv.stop(); }
});

test('a new password from the CLI ends the user\'s sessions and tokens', async () => {
  const srv = await startServer({ cases: false });
  try {
    const tok = newToken(srv, 'fengyuan.mediator');
    const c = new Client(srv.base);
    await c.login('fengyuan.mediator');
    const other = new Client(srv.base);
    await other.login('leshan.mediator');
    srv.cli(['user', 'passwd', 'fengyuan.mediator', '--password', 'a-new-password-2026']);
    assert.equal((await c.get('/api/me')).status, 401);
    assert.equal((await withToken(srv, tok).get('/api/me')).status, 401);
    assert.equal((await other.get('/api/me')).status, 200, 'other users keep their sessions');
    await new Client(srv.base).login('fengyuan.mediator', 'a-new-password-2026');
  } finally { await srv.stop(); }
});

test('changing one\'s password through the API: weak ones refused, then every session and token ends', async () => {
  const srv = await startServer({ cases: false });
  try {
    const tok = newToken(srv, 'fengyuan.mediator');
    const c = new Client(srv.base);
    await c.login('fengyuan.mediator');
    const second = new Client(srv.base);
    await second.login('fengyuan.mediator');
    const put = (body) => c.req('PUT', '/api/me/password', body);
    for (const weak of ['aaaaaaaaaaaa', 'password1234', 'PASSWORD1234', '123456789012', 'abcabcabcabc', 'qwertyuiop12']) {
      const r = await put({ current_password: DEMO_PASSWORD, password: weak });
      assert.equal(r.status, 400, weak);
      assert.equal(r.json.error.code, 'weak_password', weak);
      assert.equal(r.json.error.field, 'password');
    }
    let r = await put({ current_password: DEMO_PASSWORD, password: 'short' });
    assert.equal(r.status, 400);
    assert.equal(r.json.error.field, 'password');
    r = await put({ current_password: 'not-my-password', password: 'a-good-new-passphrase' });
    assert.equal(r.status, 403);
    assert.equal(r.json.error.field, 'current_password');
    assert.equal((await c.get('/api/me')).status, 200, 'nothing changed yet');
    r = await put({ current_password: DEMO_PASSWORD, password: 'a-good-new-passphrase' });
    assert.equal(r.status, 204, r.text);
    assert.equal((await c.get('/api/me')).status, 401, 'this session ended');
    assert.equal((await second.get('/api/me')).status, 401, 'the other session ended');
    assert.equal((await withToken(srv, tok).get('/api/me')).status, 401, 'the token ended');
    const old = await new Client(srv.base).post('/api/session', { username: 'fengyuan.mediator', password: DEMO_PASSWORD });
    assert.equal(old.status, 401);
    await new Client(srv.base).login('fengyuan.mediator', 'a-good-new-passphrase');
  } finally { await srv.stop(); }
});

test('sign out everywhere ends all of one\'s sessions and keeps the tokens', async () => {
  const srv = await startServer({ cases: false });
  try {
    const tok = newToken(srv, 'fengyuan.mediator');
    const a = new Client(srv.base);
    await a.login('fengyuan.mediator');
    const b = new Client(srv.base);
    await b.login('fengyuan.mediator');
    const r = await a.req('DELETE', '/api/me/sessions');
    assert.equal(r.status, 204);
    assert.equal((await a.get('/api/me')).status, 401);
    assert.equal((await b.get('/api/me')).status, 401);
    assert.equal((await withToken(srv, tok).get('/api/me')).status, 200);
  } finally { await srv.stop(); }
});
