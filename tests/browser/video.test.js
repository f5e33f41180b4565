// video.test.js - issue 21: video mediation through Janus, end to end, in a
// network namespace of the test's own. Janus never gathers candidates on
// a loopback interface, and the machine's real interfaces must not be
// used, so this file (as root) makes a namespace with a veth pair whose
// both ends are inside it (10.77.0.1/24 and 10.77.0.2/24), runs itself
// again inside it (`ip netns exec`): Janus (ice_enforce_list = the veth
// end, interface = its address, no STUN), Fengqiao and Chromium (fake
// camera and microphone, host candidates as addresses, not mDNS names) all
// in there, the page served from 127.0.0.1 inside the namespace. It fails
// if Janus's answer offers any candidate outside the namespace's
// addresses. The mediator and a party each decode the other's video
// (getStats: inbound video framesDecoded > 0 within 10 s); a third
// context with no token, or with another room's token, is refused; with
// both parties' consent the mediator records; the mediator mutes the
// party, then removes it and its stream ends; the end attaches Janus's
// files with their SHA-256. The namespace is removed at the end.
// scripts/test runs this file in a step of its own (FQ_VIDEO_TEST=1),
// after the other browser tests. Not root, no `ip` or no janus: skipped,
// with the reason (tests/api/video.test.js still tests tokens, rooms and
// permissions through Janus's API).
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const fs = require('node:fs');
const crypto = require('node:crypto');
const { spawn, execFileSync } = require('node:child_process');

const NS_ENV = 'FQ_VIDEO_NETNS';
const NS_ADDRS = ['10.77.0.1', '10.77.0.2'];
const VETH = ['fqv0', 'fqv1'];

function ip(...args) {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

if (!process.env[NS_ENV]) {
  // ---- outside: make the namespace, run this file in it, remove it ----
  const { JANUS } = require('../lib/janus');
  let why = null;
  // scripts/test runs this file in a step of its own, after the browser run
  if (!process.env.FQ_VIDEO_TEST) why = 'run by its own step of scripts/test (FQ_VIDEO_TEST=1 to run it here)';
  else if (typeof process.getuid !== 'function' || process.getuid() !== 0) why = 'not root: network namespaces cannot be made';
  else if (!JANUS) why = 'janus is not installed (scripts/bootstrap installs it)';
  else {
    try { ip('-V'); } catch (_) { why = 'ip (iproute2) is not installed (scripts/bootstrap installs it)'; }
  }
  const ns = `fqv${process.pid}`;
  if (!why) {
    try { ip('netns', 'add', ns); } catch (e) { why = `ip netns add failed (${String(e.stderr || e.message).trim()})`; }
  }
  if (why) console.log(`# SKIPPED video in a network namespace: ${why}`);

  test('video in a network namespace: two parties see each other, others are refused, removal ends the stream',
    { skip: why || false, timeout: 180000 }, async () => {
      try {
        ip('-n', ns, 'link', 'set', 'lo', 'up');
        ip('-n', ns, 'link', 'add', VETH[0], 'type', 'veth', 'peer', 'name', VETH[1]);
        ip('-n', ns, 'addr', 'add', `${NS_ADDRS[0]}/24`, 'dev', VETH[0]);
        ip('-n', ns, 'addr', 'add', `${NS_ADDRS[1]}/24`, 'dev', VETH[1]);
        ip('-n', ns, 'link', 'set', VETH[0], 'up');
        ip('-n', ns, 'link', 'set', VETH[1], 'up');
        const env = { ...process.env, [NS_ENV]: ns };
        delete env.NODE_TEST_CONTEXT; // a run of its own, not a child of this one
        const child = spawn('ip', ['netns', 'exec', ns, process.execPath, '--test-reporter=tap', __filename],
          { env, stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        child.stdout.on('data', (d) => { out += d; });
        child.stderr.on('data', (d) => { out += d; });
        const code = await new Promise((r) => child.on('exit', (c) => r(c)));
        assert.equal(code, 0, `the run inside the namespace failed:\n${out.slice(-8000)}`);
        assert.match(out, /# pass [1-9]/, out.slice(-3000));
        assert.match(out, /# skipped 0/, out.slice(-3000));
      } finally {
        // whatever this run started in there goes with the namespace
        let pids = '';
        try { pids = ip('netns', 'pids', ns).trim(); } catch (_) { /* gone */ }
        for (const p of pids.split(/\s+/).filter(Boolean)) {
          try { process.kill(Number(p), 'SIGKILL'); } catch (_) { /* exited */ }
        }
        ip('netns', 'del', ns);
      }
    });
  withoutJanus();
} else {
  inside();
}

// Without Janus (no "video" in the configuration): the pages say that the
// mediation goes on in text, and nothing offers to join. Needs no root.
function withoutJanus() {
  const { launch, login, axeCheck, scrollWidth, PHONE } = require('./helpers');
  const { useRoom } = require('../lib/room');
  const room = useRoom({ args: ['--public-burst', '1000'] });
  let browser;
  test.after(async () => { if (browser) await browser.close(); });

  test('without Janus the video page says the mediation goes on in text', async () => {
    const m = await room.activeRoom('视频调解：无视频');
    const starts = new Date(Date.now() + 120000).toISOString().replace(/\.\d+Z$/, 'Z');
    const r = await room.med().post(`/api/v1/mediations/${m.id}/sessions`, { mode: 'online', starts_at: starts });
    assert.equal(r.status, 200, r.text);
    browser = await launch();
    const errors = [];
    const open = async (viewport) => {
      const ctx = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
      const page = await ctx.newPage();
      page.on('console', (msg) => { if (msg.type() === 'error') errors.push(msg.text()); });
      page.on('pageerror', (err) => errors.push(err.message));
      return page;
    };
    const M = await open({ width: 1280, height: 800 });
    await login(M, room.srv.base, 'fengyuan.mediator');
    await M.goto(`${room.srv.base}/#/case/${m.caseId}/mediation`);
    await M.locator('a.video-link').click();
    await M.locator('.video-state[data-state="unconfigured"]', { hasText: '文字' }).waitFor();
    await M.locator('.video-make-session').click();
    await M.locator('.video-room .video-join').waitFor();
    assert.equal(await M.locator('.video-room .video-join').isDisabled(), true, 'nothing to join');
    const P = await open(PHONE);
    await P.goto(`${room.srv.base}/#/room/${m.a.token}`);
    await P.locator('a.video-link').click();
    await P.locator('.video-state[data-state="unconfigured"]').waitFor();
    assert.equal(await P.locator('.video-room .video-join').isDisabled(), true);
    await axeCheck(P, 'video page without Janus (phone)');
    assert.ok(await scrollWidth(P) <= PHONE.width);
    await axeCheck(M, 'video page without Janus (mediator)');
    assert.deepEqual(errors, []);
  });
}

function inside() {
  const { launch, login, axeCheck, scrollWidth, PHONE } = require('./helpers');
  const { startJanus } = require('../lib/janus');
  const { useRoom } = require('../lib/room');

  let janus;
  const room = useRoom({
    args: ['--public-burst', '1000'],
    config: async () => {
      janus = await startJanus({ iface: NS_ADDRS[0], enforce: VETH[0] });
      return { video: janus.video };
    },
  });
  const { med, party, activeRoom } = room;
  let browser;
  const errors = [];
  const candidates = []; // every candidate Janus offered: [ip, where]

  test.before(async () => {
    // inside the namespace: its own addresses, and no way out
    const addrs = ip('-o', '-4', 'addr').trim();
    for (const a of NS_ADDRS) assert.ok(addrs.includes(a), addrs);
    browser = await launch(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
      '--disable-features=WebRtcHideLocalIpsWithMdns']);
  });
  test.after(async () => {
    if (browser) await browser.close();
    if (janus) await janus.stop();
  });

  // Janus's SDP and trickled candidates, read from its answers to the page
  function watchJanus(page, tag) {
    page.on('response', async (resp) => {
      if (!resp.url().startsWith(janus.video.janus_url)) return;
      let body;
      try { body = await resp.json(); } catch (_) { return; }
      for (const e of Array.isArray(body) ? body : [body]) {
        if (e.jsep && e.jsep.sdp) {
          for (const line of e.jsep.sdp.split(/\r?\n/)) {
            const m = line.match(/^a=candidate:\S+ \d+ \S+ \d+ (\S+) \d+ typ/);
            if (m) candidates.push([m[1], `${tag} sdp`]);
          }
        }
        if (e.janus === 'trickle' && e.candidate && e.candidate.candidate) {
          const m = e.candidate.candidate.match(/^candidate:\S+ \d+ \S+ \d+ (\S+) \d+ typ/);
          if (m) candidates.push([m[1], `${tag} trickle`]);
        }
      }
    });
  }

  function outside() {
    return candidates.filter(([addr]) => !NS_ADDRS.includes(addr));
  }

  async function context(tag, viewport) {
    const ctx = await browser.newContext({ viewport: viewport || { width: 1280, height: 800 }, locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai' });
    // keep the page's peer connections within reach of getStats
    await ctx.addInitScript(() => {
      const Native = window.RTCPeerConnection;
      window.__pcs = [];
      window.RTCPeerConnection = function (...a) { const pc = new Native(...a); window.__pcs.push(pc); return pc; };
      window.RTCPeerConnection.prototype = Native.prototype;
    });
    const page = await ctx.newPage();
    page.setDefaultTimeout(20000);
    page.on('console', (msg) => { if (msg.type() === 'error') errors.push(`[${tag}] ${msg.text()}`); });
    page.on('pageerror', (err) => errors.push(`[${tag}] pageerror: ${err.message}`));
    watchJanus(page, tag);
    open.push([tag, page]);
    return { ctx, page };
  }

  // inbound video frames decoded, summed over the page's connections that are open
  function framesDecoded(page) {
    return page.evaluate(async () => {
      let n = 0;
      for (const pc of window.__pcs || []) {
        if (pc.connectionState === 'closed') continue;
        const stats = await pc.getStats();
        stats.forEach((s) => { if (s.type === 'inbound-rtp' && s.kind === 'video') n += s.framesDecoded || 0; });
      }
      return n;
    });
  }

  async function decodes(page, what) {
    const deadline = Date.now() + 10000;
    let n = 0;
    while (Date.now() < deadline) {
      n = await framesDecoded(page);
      if (n > 0) return n;
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.fail(`${what}: no inbound video frame decoded within 10 s`);
  }

  // Joining a room straight through Janus's API from a page, as a client
  // with the given token would: the VideoRoom plugin's answer or Janus's error.
  function rawJoin(page, j) {
    return page.evaluate(async ({ url, token, room, pin }) => {
      const call = async (p, body) => (await fetch(url + p, {
        method: 'POST', body: JSON.stringify({ transaction: 'x' + Math.random(), ...(token ? { token } : {}), ...body }),
      })).json();
      const s = await call('', { janus: 'create' });
      if (s.janus !== 'success') return { refused: 'session', code: s.error && s.error.code };
      const hnd = await call(`/${s.data.id}`, { janus: 'attach', plugin: 'janus.plugin.videoroom' });
      if (hnd.janus !== 'success') return { refused: 'attach', code: hnd.error && hnd.error.code };
      const ack = await call(`/${s.data.id}/${hnd.data.id}`, { janus: 'message',
        body: { request: 'join', ptype: 'publisher', room, pin, token, display: 'intruder' } });
      for (let i = 0; i < 20; i++) {
        const q = token ? `&token=${encodeURIComponent(token)}` : '';
        const ev = await (await fetch(`${url}/${s.data.id}?maxev=1&rid=${Date.now()}${q}`)).json();
        if (ev.transaction === ack.transaction && ev.plugindata) return ev.plugindata.data;
      }
      return { refused: 'no answer' };
    }, j);
  }

  const open = [];
  // on failure: what each page said, and the console
  async function explain(e) {
    const said = [];
    for (const [tag, page] of open) {
      try { said.push(`[${tag}] ${await page.locator('main').innerText({ timeout: 1000 })}`); } catch (_) { /* closed */ }
    }
    e.message += `\n--- pages:\n${said.join('\n').slice(0, 4000)}\n--- console:\n${errors.join('\n').slice(0, 4000)}` +
      `\n--- janus:\n${janus ? janus.log().slice(-3000) : ''}`;
    throw e;
  }

  test('two parties see each other through Janus; no token or another room\'s token is refused; removal ends the stream', async () => {
    try { await scenario(); } catch (e) { await explain(e); }
  });

  async function scenario() {
    const m = await activeRoom('视频调解：浏览器');
    const starts = new Date(Date.now() + 120000).toISOString().replace(/\.\d+Z$/, 'Z');
    let r = await med().post(`/api/v1/mediations/${m.id}/sessions`, { mode: 'online', starts_at: starts });
    assert.equal(r.status, 200, r.text);

    // the mediator opens the session's room from the video page and joins
    const M = await context('mediator');
    await login(M.page, room.srv.base, 'fengyuan.mediator');
    await M.page.goto(`${room.srv.base}/#/video/staff/${m.id}`);
    await M.page.locator('.video-state[data-state="ready"]').waitFor();
    await M.page.locator('.video-make-session').click();
    await M.page.locator('.video-room .video-join').first().waitFor();
    await M.page.locator('.video-room .video-join').first().click();
    await M.page.locator('.video-stage:not([hidden]) .video-local').waitFor();
    // Janus answered the mediator's offer (it is listed as present): every
    // candidate it offered is the namespace's, or the test goes no further
    await M.page.locator('.video-present .video-person').first().waitFor();
    for (let i = 0; i < 50 && !candidates.length; i++) await new Promise((res) => setTimeout(res, 100));
    assert.ok(candidates.length > 0, 'Janus offered candidates');
    assert.deepEqual(outside(), [], 'a candidate outside the namespace: refusing to go on');

    // the party, on a phone, goes from its room link's page to the video
    // and joins the same room (the browser's camera prompt: the fake UI)
    const A = await context('party', PHONE);
    await A.page.goto(`${room.srv.base}/#/room/${m.a.token}`);
    await A.page.locator('a.video-link').click();
    await A.page.locator('.video-room .video-join').first().click();
    await A.page.locator('.video-stage:not([hidden]) .video-local').waitFor();

    // and in its answers to the party
    await M.page.locator('.video-remote').waitFor();
    assert.deepEqual(outside(), [], 'a candidate outside the namespace: refusing to go on');

    // each decodes the other's video within 10 s
    await decodes(M.page, 'the mediator');
    await decodes(A.page, 'the party');
    assert.deepEqual(outside(), []);

    // the parties see who is present
    await A.page.locator('.video-present .video-person').nth(1).waitFor();
    const names = await A.page.locator('.video-present .video-person').allTextContents();
    const medName = (await party(m.a.token).get('')).json.mediator_name;
    assert.ok(names.some((n) => n.includes('骆建华')) && names.some((n) => n.includes(medName)), names.join());

    // recording: both parties consent (A on its page, B through the API),
    // then the mediator records and Janus writes the room's media
    await A.page.locator('.video-consent-give').click();
    await A.page.locator('.video-consent li', { hasText: '已同意录像' }).first().waitFor();
    r = await party(m.b.token).post('/video/consent', { consent: true });
    assert.equal(r.status, 200, r.text);
    await M.page.locator('.video-record').first().click();
    await M.page.locator('.video-flash', { hasText: '已开始录像' }).waitFor();
    await new Promise((res) => setTimeout(res, 2000)); // some media to record

    // a third context: no token, then another room's token (B's caucus)
    const C = await context('intruder');
    await C.page.goto(`${room.srv.base}/#/login`);
    const state = await med().get(`/api/v1/mediations/${m.id}/video`);
    const main = state.json.rooms[0];
    const j = await party(m.b.token).post(`/video/rooms/${main.id}/join`);
    assert.equal(j.status, 200, j.text);
    let d = await rawJoin(C.page, { url: janus.video.janus_url, token: null, room: main.janus_room, pin: j.json.pin });
    assert.equal(d.refused, 'session', JSON.stringify(d));
    r = await med().post(`/api/v1/mediations/${m.id}/video/rooms`, { party_id: m.b.party_id });
    assert.equal(r.status, 201, r.text);
    const caucusB = await party(m.b.token).post(`/video/rooms/${r.json.id}/join`);
    assert.equal(caucusB.status, 200, caucusB.text);
    d = await rawJoin(C.page, { url: janus.video.janus_url, token: caucusB.json.token, room: main.janus_room, pin: j.json.pin });
    assert.equal(d.error_code, 433, 'another room\'s token: ' + JSON.stringify(d));

    // the mediator mutes the party (its microphone, mid "0"), then removes it
    const row = M.page.locator('.video-present .video-person', { hasText: '骆建华' });
    await row.locator('.video-mute').click();
    await M.page.locator('.video-flash', { hasText: '静音' }).waitFor();
    await row.locator('.video-remove').click();
    // the party is told and its stream ends: its connections closed, the
    // mediator's picture of it gone
    await A.page.locator('.video-flash', { hasText: '移出' }).waitFor();
    await A.page.waitForFunction(() => (window.__pcs || []).every((pc) => pc.connectionState === 'closed'));
    await M.page.locator('.video-remote').waitFor({ state: 'detached' });
    // (Janus tells the pages before the removal is committed: wait for the mediator's answer)
    await M.page.locator('.video-flash', { hasText: '移出' }).waitFor();
    r = await party(m.a.token).post(`/video/rooms/${main.id}/join`);
    assert.equal(r.status, 403, r.text + ' ' + room.sql('SELECT id, room_id, who, participant, revoked_at FROM video_tokens'));
    assert.equal(r.json.error.code, 'video_removed');

    // the party's page on a phone: no serious accessibility faults
    const P = await context('phone', PHONE);
    await P.page.goto(`${room.srv.base}/#/video/room/${m.b.token}`);
    await P.page.locator('.video-room').first().waitFor();
    await axeCheck(P.page, 'video page (phone)');
    assert.ok(await scrollWidth(P.page) <= PHONE.width, 'no sideways scrolling at 375 px');
    await axeCheck(M.page, 'video page (mediator)');

    // the mediator ends the session: Janus's files are attached with their SHA-256
    await M.page.locator('.video-room .video-end').first().click();
    // (the page hears of the end from Janus before the answer: wait for the room's badge)
    await M.page.locator('.video-room .badge', { hasText: '已结束' }).first().waitFor();
    const after = await med().get(`/api/v1/mediations/${m.id}/video`);
    const recs = after.json.recordings;
    assert.ok(recs.length >= 2, 'the mediator\'s and the party\'s media: ' + JSON.stringify(recs));
    for (const x of recs) {
      const file = path.join(janus.video.recordings_dir, String(main.janus_room), x.name);
      const sha = crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
      assert.equal(x.sha256, sha, x.name);
      assert.ok(x.size > 1024, `${x.name} holds media (${x.size} bytes)`);
    }

    assert.deepEqual(outside(), [], 'no candidate outside the namespace');
    assert.deepEqual(errors, [], 'console errors');
    for (const x of [M, A, C, P]) await x.ctx.close();
  }
}
