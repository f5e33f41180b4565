// video.test.js - issue 21, video in mediation through Janus (docs/video.md),
// against a real Janus of this file's own (tests/lib/janus.js: HTTP and
// admin API on 127.0.0.1, token authentication, no STUN): a room per online
// session and per caucus, a token per participant valid for one room only
// (a token of one room does not open another, no token opens nothing), who
// is present, the mediator's mute / remove / end, recording only after
// every party consented (the file attached with its SHA-256, readable only
// by the mediation's people, purged after its time), rooms closed by the
// job tick when their window ends, and a clear answer without Janus. Runs
// on SQLite and PostgreSQL. Without janus installed, the file is skipped
// (scripts/bootstrap installs it).
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');
const { startJanus, JanusClient, JANUS } = require('../lib/janus');
const { useRoom } = require('../lib/room');

const skip = JANUS ? false : 'janus is not installed (scripts/bootstrap installs it)';
let janus;
const room = useRoom({
  config: async () => {
    if (skip) return {};
    janus = await startJanus();
    return { video: janus.video };
  },
});
const { users, sql, waitFor, med, party, activeRoom } = room;
test.after(async () => { if (janus) await janus.stop(); });

const V = (m) => `/api/v1/mediations/${m.id}/video`;

async function onlineSession(m, inSeconds = 120) {
  const starts = new Date(Date.now() + inSeconds * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
  const r = await med().post(`/api/v1/mediations/${m.id}/sessions`, { mode: 'online', starts_at: starts });
  assert.equal(r.status, 200, r.text);
  return Math.max(...r.json.sessions.map((x) => x.id));
}

async function makeRoom(m, body) {
  const r = await med().post(`${V(m)}/rooms`, body);
  assert.equal(r.status, 201, r.text);
  return r.json;
}

async function tokens() {
  const a = await janus.adminPost({ janus: 'list_tokens' });
  return a.data.tokens;
}

test('rooms and tokens: one room per session and caucus, a token opens only its room', { skip }, async () => {
  const m = await activeRoom('视频调解：房间与令牌');
  const sid = await onlineSession(m);
  let r = await med().get(V(m));
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.state, 'ready');
  assert.deepEqual(r.json.rooms, []);

  // only the mediation's mediator makes rooms; outside the scope: 404
  r = await users['fengyuan.grid'].post(`${V(m)}/rooms`, { session_id: sid });
  assert.equal(r.status, 403, r.text);
  assert.equal(r.json.error.code, 'not_the_mediator');
  r = await users['leshan.mediator'].post(`${V(m)}/rooms`, { session_id: sid });
  assert.equal(r.status, 404);
  r = await med().post(`${V(m)}/rooms`, {});
  assert.equal(r.status, 400);
  r = await med().post(`${V(m)}/rooms`, { session_id: 999999 });
  assert.equal(r.status, 404);

  const main = await makeRoom(m, { session_id: sid });
  assert.equal(main.video, 'ready');
  assert.ok(!('secret' in main) && !('pin' in main), 'the room secret and pin stay on the server');
  r = await med().post(`${V(m)}/rooms`, { session_id: sid });
  assert.equal(r.status, 200, 'the open room again');
  assert.equal(r.json.id, main.id);
  const caucusA = await makeRoom(m, { party_id: m.a.party_id });
  const caucusB = await makeRoom(m, { party_id: m.b.party_id });

  // each participant's own token, room number and pin
  const join = async (who, rid) => (who === 'med'
    ? med().post(`${V(m)}/rooms/${rid}/join`)
    : party(who.token).post(`/video/rooms/${rid}/join`));
  const tm = await join('med', main.id);
  assert.equal(tm.status, 200, tm.text);
  const ta = await join(m.a, main.id);
  const tb = await join(m.b, main.id);
  const tca = await join(m.a, caucusA.id);
  assert.equal(ta.status, 200, ta.text);
  assert.equal(tca.status, 200, tca.text);
  assert.equal(ta.json.room, main.janus_room);
  assert.equal(tca.json.room, caucusA.janus_room);
  assert.notEqual(ta.json.token, tb.json.token);
  assert.notEqual(ta.json.token, tca.json.token);
  assert.equal(ta.json.janus_url, janus.video.janus_url);
  const again = await join(m.a, main.id);
  assert.equal(again.json.token, ta.json.token, 'the same token while it lives');
  // a party sees only its own caucus; another party's is not there
  r = await join(m.b, caucusA.id);
  assert.equal(r.status, 404);
  r = await party(m.b.token).get('/video');
  assert.deepEqual(r.json.rooms.map((x) => x.id).sort(), [main.id, caucusB.id].sort());
  // staff other than the mediator do not join
  r = await users['fengyuan.grid'].post(`${V(m)}/rooms/${main.id}/join`);
  assert.equal(r.status, 403);

  // Janus holds each token for the VideoRoom plugin only
  const held = await tokens();
  for (const t of [tm.json.token, ta.json.token, tb.json.token, tca.json.token]) {
    const x = held.find((h) => h.token === t);
    assert.ok(x, 'token added to Janus');
    assert.deepEqual(x.allowed_plugins, ['janus.plugin.videoroom']);
  }

  // no token: no Janus session at all
  const none = new JanusClient(janus.video.janus_url, null);
  r = await none.attach();
  assert.equal(r.janus, 'error');
  assert.equal(r.error.code, 403);
  // a made-up token: refused too
  r = await new JanusClient(janus.video.janus_url, 'not-a-token-' + Date.now()).attach();
  assert.equal(r.janus, 'error');

  // the caucus token (with its pin) does not open the main room, even with the main room's pin
  const wrong = new JanusClient(janus.video.janus_url, tca.json.token);
  assert.equal((await wrong.attach()).janus, 'success');
  let d = await wrong.request({ request: 'join', ptype: 'publisher', room: main.janus_room, pin: ta.json.pin,
    token: tca.json.token, id: tca.json.participant, display: 'x' });
  assert.equal(d.error_code, 433, JSON.stringify(d)); // not in the allowed list
  // party B's main-room token does not open A's caucus
  const pb = new JanusClient(janus.video.janus_url, tb.json.token);
  await pb.attach();
  d = await pb.request({ request: 'join', ptype: 'publisher', room: caucusA.janus_room, pin: tca.json.pin,
    token: tb.json.token, id: tb.json.participant, display: 'x' });
  assert.equal(d.error_code, 433, JSON.stringify(d));
  // the right token without the pin: refused
  const pa = new JanusClient(janus.video.janus_url, ta.json.token);
  await pa.attach();
  d = await pa.request({ request: 'join', ptype: 'publisher', room: main.janus_room, token: ta.json.token,
    id: ta.json.participant, display: ta.json.display });
  assert.ok(d.error_code, 'no pin, no entry: ' + JSON.stringify(d));
  // the right token and pin: in
  d = await pa.request({ request: 'join', ptype: 'publisher', room: main.janus_room, pin: ta.json.pin,
    token: ta.json.token, id: ta.json.participant, display: ta.json.display });
  assert.equal(d.videoroom, 'joined', JSON.stringify(d));
  // a participant's token makes no room and starts no recording (admin_key, the room's secret)
  d = await pa.request({ request: 'create', room: 1234567, is_private: true });
  assert.ok(d.error_code, 'no room made with a token: ' + JSON.stringify(d));
  d = await pa.request({ request: 'enable_recording', room: main.janus_room, record: true });
  assert.ok(d.error_code, 'no recording without the room\'s secret: ' + JSON.stringify(d));

  // who is present: the staff and the other party see party A by name
  r = await med().get(`${V(m)}/rooms/${main.id}/participants`);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.items.map((x) => x.participant), [ta.json.participant]);
  assert.equal(r.json.items[0].display, '骆建华');
  r = await party(m.b.token).get(`/video/rooms/${main.id}/participants`);
  assert.equal(r.json.items[0].display, '骆建华');
  assert.equal(r.json.items[0].who, null, 'a party sees names, not accounts');
  r = await party(m.b.token).get(`/video/rooms/${caucusA.id}/participants`);
  assert.equal(r.status, 404, "another party's caucus");

  // mute: the mediator only; an unknown participant is 404
  r = await party(m.b.token).post(`/video/rooms/${main.id}/actions/mute`, { participant: ta.json.participant });
  assert.equal(r.status, 404, 'no party route for acts');
  r = await med().post(`${V(m)}/rooms/${main.id}/actions/mute`, { participant: 1 });
  assert.equal(r.status, 404);
  r = await users['fengyuan.grid'].post(`${V(m)}/rooms/${main.id}/actions/mute`, { participant: ta.json.participant });
  assert.equal(r.status, 403);

  // remove: out of the room, the token gone from Janus, and no new one
  r = await med().post(`${V(m)}/rooms/${main.id}/actions/remove`, { participant: ta.json.participant });
  assert.equal(r.status, 200, r.text);
  assert.ok(!(await tokens()).some((h) => h.token === ta.json.token), 'token removed from Janus');
  r = await med().get(`${V(m)}/rooms/${main.id}/participants`);
  assert.deepEqual(r.json.items, []);
  r = await new JanusClient(janus.video.janus_url, ta.json.token).attach();
  assert.equal(r.janus, 'error', 'the removed token opens nothing');
  r = await join(m.a, main.id);
  assert.equal(r.status, 403);
  assert.equal(r.json.error.code, 'video_removed');
  await Promise.all([wrong.destroy(), pb.destroy(), pa.destroy()]);

  // end: the room destroyed in Janus, every token of it removed, no more joins
  r = await users['fengyuan.grid'].post(`${V(m)}/rooms/${main.id}/actions/end`, {});
  assert.equal(r.status, 403);
  r = await med().post(`${V(m)}/rooms/${main.id}/actions/end`, {});
  assert.equal(r.status, 200, r.text);
  assert.ok(r.json.ended_at);
  const held2 = await tokens();
  for (const t of [tm.json.token, tb.json.token]) assert.ok(!held2.some((h) => h.token === t), 'revoked at the end');
  assert.ok(held2.some((h) => h.token === tca.json.token), "the caucus room's token lives on");
  const gone = await janus.adminPost({ janus: 'message_plugin', plugin: 'janus.plugin.videoroom',
    request: { request: 'exists', room: main.janus_room } });
  assert.equal(gone.response.exists, false);
  r = await join(m.b, main.id);
  assert.equal(r.status, 409);
  assert.equal(r.json.error.code, 'video_closed');
  r = await med().post(`${V(m)}/rooms/${main.id}/actions/end`, {});
  assert.equal(r.status, 409, 'ended once');
  const audit = sql(`SELECT action FROM audit_log WHERE entity = 'video_room' AND entity_id = '${main.id}' ORDER BY id`);
  assert.match(audit, /video.room_create[\s\S]*video.join[\s\S]*video.remove[\s\S]*video.room_end/);
});

test('recording: only after every party consented; the file with its SHA-256, for the mediation\'s people; purged in time', { skip }, async () => {
  const m = await activeRoom('视频调解：录像');
  const sid = await onlineSession(m);
  const rm = await makeRoom(m, { session_id: sid });
  let r = await med().post(`${V(m)}/rooms/${rm.id}/actions/record`, {});
  assert.equal(r.status, 409, r.text);
  assert.equal(r.json.error.code, 'consent_missing');
  r = await party(m.a.token).post('/video/consent', { consent: false });
  assert.equal(r.status, 400);
  r = await party(m.a.token).post('/video/consent', { consent: true });
  assert.equal(r.status, 200, r.text);
  r = await med().post(`${V(m)}/rooms/${rm.id}/actions/record`, {});
  assert.equal(r.json.error.code, 'consent_missing', 'one party is not enough');
  r = await med().get(V(m));
  assert.deepEqual(r.json.parties.map((p) => p.recording_consent), [true, false]);
  await party(m.b.token).post('/video/consent', { consent: true });
  r = await users['fengyuan.grid'].post(`${V(m)}/rooms/${rm.id}/actions/record`, {});
  assert.equal(r.status, 403);
  r = await med().post(`${V(m)}/rooms/${rm.id}/actions/record`, {});
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.recording, 1);
  assert.ok(sql(`SELECT action FROM audit_log WHERE action = 'video.recording_consent'`).trim().split('\n').length >= 2);

  // what Janus writes for a publisher of the room (a .mjr file in the
  // room's folder), put there as Janus would, then the room ends
  const dir = path.join(janus.video.recordings_dir, String(rm.janus_room));
  fs.mkdirSync(dir, { recursive: true });
  const bytes = crypto.randomBytes(4096);
  fs.writeFileSync(path.join(dir, `videoroom-${rm.janus_room}-user-1-1700000000-video-1.mjr`), bytes);
  const sha = crypto.createHash('sha256').update(bytes).digest('hex');
  r = await med().post(`${V(m)}/rooms/${rm.id}/actions/end`, {});
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.recordings, 1);
  r = await med().get(V(m));
  assert.equal(r.json.recordings.length, 1);
  const rec = r.json.recordings[0];
  assert.equal(rec.sha256, sha);
  assert.equal(rec.size, 4096);
  assert.ok(!('path' in rec));

  // read by the mediator and by a party; not by other staff, nor outside
  const file = await fetch(room.srv.base + `${V(m)}/recordings/${rec.id}`, { headers: { cookie: med().cookie } });
  assert.equal(file.status, 200);
  assert.equal(file.headers.get('x-content-sha256'), sha);
  const got = Buffer.from(await file.arrayBuffer());
  assert.equal(crypto.createHash('sha256').update(got).digest('hex'), sha, 'the bytes Janus wrote');
  r = await party(m.b.token).get(`/video/recordings/${rec.id}`);
  assert.equal(r.status, 200);
  // every read is audited, with who read it
  const reads = sql(`SELECT actor FROM audit_log WHERE action = 'video.recording_read' AND entity_id = '${rec.id}' ORDER BY id`);
  assert.deepEqual(reads.trim().split('\n'), ['fengyuan.mediator', `party:${m.b.party_id}`]);
  r = await users['fengyuan.grid'].get(`${V(m)}/recordings/${rec.id}`);
  assert.equal(r.status, 403);
  r = await users['leshan.mediator'].get(`${V(m)}/recordings/${rec.id}`);
  assert.equal(r.status, 404);
  r = await users['fengyuan.grid'].get(V(m));
  assert.deepEqual(r.json.recordings, [], 'other staff do not see recordings listed');
  const other = await activeRoom('视频调解：另一调解');
  r = await party(other.a.token).get(`/video/recordings/${rec.id}`);
  assert.equal(r.status, 404, "another mediation's party");

  // kept for the configured time, then purged by the job tick
  sql(`UPDATE video_recordings SET purge_at = 1 WHERE id = ${rec.id}`);
  const p = path.join(dir, `videoroom-${rm.janus_room}-user-1-1700000000-video-1.mjr`);
  // the file goes first, then its row says so
  await waitFor(async () => !fs.existsSync(p) && (await med().get(V(m))).json.recordings.length === 0, 15000, 'the purge');
  assert.ok(sql(`SELECT purged_at FROM video_recordings WHERE id = ${rec.id}`).trim() !== '');
  r = await party(m.b.token).get(`/video/recordings/${rec.id}`);
  assert.equal(r.status, 404);
});

test('the window: a room opens shortly before its session and the tick closes it after', { skip }, async () => {
  const m = await activeRoom('视频调解：时间窗');
  const later = await onlineSession(m, 86400);
  const rm = await makeRoom(m, { session_id: later });
  assert.equal(rm.open, false);
  let r = await party(m.a.token).post(`/video/rooms/${rm.id}/join`);
  assert.equal(r.status, 409);
  assert.equal(r.json.error.code, 'video_closed');

  const soon = await onlineSession(m, 60);
  const now = await makeRoom(m, { session_id: soon });
  r = await party(m.a.token).post(`/video/rooms/${now.id}/join`);
  assert.equal(r.status, 200, r.text);
  const tok = r.json.token;
  // the window ends: the job tick destroys the room and removes its tokens
  sql(`UPDATE video_rooms SET closes_at = 2 WHERE id = ${now.id}`);
  await waitFor(async () => !(await tokens()).some((h) => h.token === tok), 15000, 'the tokens removed');
  r = await med().get(V(m));
  assert.ok(r.json.rooms.find((x) => x.id === now.id).ended_at);
});

test('without Janus: the room goes on and says so, no 500', { skip }, async () => {
  const m = await activeRoom('视频调解：无视频');
  const sid = await onlineSession(m);
  await janus.stop();
  janus = null;
  let r = await med().get(V(m));
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.state, 'unreachable');
  r = await med().post(`${V(m)}/rooms`, { session_id: sid });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.video, 'unreachable');
  r = await party(m.a.token).post(`/video/rooms/${r.json.id}/join`);
  assert.equal(r.status, 503);
  assert.equal(r.json.error.code, 'video_unavailable');
  // the rest of the room works
  r = await med().post(`/api/v1/mediations/${m.id}/messages`, { thread: 'shared', body: '视频不可用，文字继续' });
  assert.equal(r.status, 200, r.text);
});

test('video.admin_url must be a loopback URL: anything else stops the server at start-up (nothing is contacted)', async () => {
  const { BIN } = require('../lib/server');
  const os = require('node:os');
  const { spawnSync } = require('node:child_process');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fq-video-cfg-'));
  try {
    for (const admin of ['http://10.0.0.1:7088/admin', 'http://127.0.0.1.example.org:7088/admin',
      'https://127.0.0.1:7088/admin', 'http://127.0.0.1:7088', 'http://[::2]:7088/admin']) {
      const cfg = path.join(dir, 'c.json');
      fs.writeFileSync(cfg, JSON.stringify({ video: { janus_url: 'http://127.0.0.1:8088/janus', admin_url: admin,
        admin_secret: 'a-secret-of-enough-length' } }));
      const r = spawnSync(BIN, ['serve', '--db', path.join(dir, 'x.db'), '--listen', '127.0.0.1:0', '--config', cfg],
        { encoding: 'utf8', timeout: 20000 });
      assert.equal(r.status, 2, `${admin}: ${r.stderr}`);
      assert.match(r.stderr, /video\.admin_url/, admin);
    }
  } finally { fs.rmSync(dir, { recursive: true, force: true }); }
});
