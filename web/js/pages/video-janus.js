// video-janus.js - a small client of Janus's HTTP API and its VideoRoom
// plugin for the mediation room's video (issue 21; docs/video.md): one
// session with the participant's token, a publisher handle (microphone
// first, so its stream is mid "0", the one the mediator mutes), and one
// subscriber handle for each other participant's feed. SDP is sent once ICE
// gathering is complete (no trickle from the browser). Events come from
// Janus's long poll. Nothing here talks to Fengqiao.

const GATHER_MS = 3000; // longest wait for the browser's own candidates

let txSeq = 0;
const tx = () => `fq${Date.now().toString(36)}${(txSeq++).toString(36)}`;

function gathered(pc) {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => { clearTimeout(timer); pc.removeEventListener('icegatheringstatechange', check); resolve(); };
    const check = () => { if (pc.iceGatheringState === 'complete') done(); };
    const timer = setTimeout(done, GATHER_MS);
    pc.addEventListener('icegatheringstatechange', check);
  });
}

// A participant in one VideoRoom room. join: {janus_url, token, room, pin,
// participant, display, ice_servers} as Fengqiao answers it. Callbacks:
// onLocal(stream), onRemote(feedId, display, stream), onGone(feedId),
// onClosed(reason: 'kicked' | 'ended' | 'error').
export class VideoRoom {
  constructor(join, callbacks) {
    this.j = join;
    this.cb = callbacks;
    this.waiting = new Map(); // transaction -> resolve
    this.handles = new Map(); // handle id -> {kind, feed, pc}
    this.feeds = new Map();   // feed id -> handle id
    this.stopped = false;
    this.pcs = [];
  }

  async call(path, body) {
    const r = await fetch(this.j.janus_url + path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ ...body, token: this.j.token }),
    });
    const a = await r.json();
    if (a.janus === 'error') throw new Error(`janus ${a.error && a.error.code}: ${a.error && a.error.reason}`);
    return a;
  }

  // A plugin request on handle; resolves with the event that answers it.
  async request(handle, body, jsep) {
    const transaction = tx();
    const answer = new Promise((resolve) => this.waiting.set(transaction, resolve));
    const a = await this.call(`/${this.session}/${handle}`, { janus: 'message', transaction, body, ...(jsep ? { jsep } : {}) });
    if (a.janus === 'success') { this.waiting.delete(transaction); return { data: a.plugindata && a.plugindata.data }; }
    return answer;
  }

  async attach() {
    const a = await this.call(`/${this.session}`, { janus: 'attach', transaction: tx(), plugin: 'janus.plugin.videoroom' });
    return a.data.id;
  }

  async start() {
    const s = await this.call('', { janus: 'create', transaction: tx() });
    this.session = s.data.id;
    this.poll();
    this.pub = await this.attach();
    this.handles.set(this.pub, { kind: 'publisher' });
    const joined = await this.request(this.pub, {
      request: 'join', ptype: 'publisher', room: this.j.room, pin: this.j.pin, id: this.j.participant,
      display: this.j.display, token: this.j.token,
    });
    if (!joined.data || joined.data.videoroom !== 'joined') {
      throw new Error((joined.data && joined.data.error) || 'not joined');
    }
    this.privateId = joined.data.private_id;
    const media = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
    this.media = media;
    this.cb.onLocal(media);
    const pc = this.peer();
    // the microphone first: mid "0" (what the mediator's mute names)
    for (const track of [...media.getAudioTracks(), ...media.getVideoTracks()]) pc.addTrack(track, media);
    this.handles.get(this.pub).pc = pc;
    await pc.setLocalDescription(await pc.createOffer());
    await gathered(pc);
    const ans = await this.request(this.pub, { request: 'configure', audio: true, video: true },
      { type: 'offer', sdp: pc.localDescription.sdp });
    if (ans.jsep) await pc.setRemoteDescription(ans.jsep);
    for (const p of joined.data.publishers || []) this.subscribe(p.id, p.display);
  }

  peer() {
    const pc = new RTCPeerConnection({ iceServers: this.j.ice_servers || [] });
    this.pcs.push(pc);
    return pc;
  }

  async subscribe(feed, display) {
    if (this.feeds.has(feed) || this.stopped) return;
    const handle = await this.attach();
    const entry = { kind: 'subscriber', feed, display };
    this.handles.set(handle, entry);
    this.feeds.set(feed, handle);
    const ev = await this.request(handle, {
      request: 'join', ptype: 'subscriber', room: this.j.room, pin: this.j.pin, token: this.j.token,
      private_id: this.privateId, streams: [{ feed }],
    });
    if (!ev.jsep) return;
    const pc = this.peer();
    entry.pc = pc;
    const stream = new MediaStream();
    pc.addEventListener('track', (e) => {
      stream.addTrack(e.track);
      this.cb.onRemote(feed, display, stream, pc);
    });
    await pc.setRemoteDescription(ev.jsep);
    await pc.setLocalDescription(await pc.createAnswer());
    await gathered(pc);
    await this.request(handle, { request: 'start' }, { type: 'answer', sdp: pc.localDescription.sdp });
  }

  gone(feed) {
    const handle = this.feeds.get(feed);
    if (handle === undefined) return;
    const entry = this.handles.get(handle);
    if (entry && entry.pc) entry.pc.close();
    this.feeds.delete(feed);
    this.handles.delete(handle);
    this.call(`/${this.session}/${handle}`, { janus: 'detach', transaction: tx() }).catch(() => {});
    this.cb.onGone(feed);
  }

  onEvent(e) {
    const data = e.plugindata && e.plugindata.data;
    if (e.transaction && this.waiting.has(e.transaction) && (data || e.jsep)) {
      const resolve = this.waiting.get(e.transaction);
      this.waiting.delete(e.transaction);
      resolve({ data, jsep: e.jsep });
      return;
    }
    const mine = e.sender === this.pub;
    if (e.janus === 'hangup' && mine) { this.close('kicked'); return; }
    if (!data) return;
    if (mine && (data.videoroom === 'destroyed')) { this.close('ended'); return; }
    if (mine && data.leaving === 'ok' && data.reason === 'kicked') { this.close('kicked'); return; }
    for (const p of data.publishers || []) this.subscribe(p.id, p.display);
    const left = data.unpublished !== undefined ? data.unpublished : data.leaving;
    if (left === 'ok' && mine) { this.close('kicked'); return; }
    if (left !== undefined && left !== 'ok') this.gone(left);
    if (data.kicked !== undefined) this.gone(data.kicked);
  }

  async poll() {
    while (!this.stopped) {
      try {
        const r = await fetch(`${this.j.janus_url}/${this.session}?maxev=10&rid=${Date.now()}&token=${encodeURIComponent(this.j.token)}`);
        const body = await r.json();
        const list = Array.isArray(body) ? body : [body];
        for (const e of list) {
          if (e.janus === 'error' && e.error && e.error.code === 458) { this.close('ended'); return; } // no session
          this.onEvent(e);
        }
      } catch (_) {
        if (!this.stopped) await new Promise((res) => setTimeout(res, 1000));
      }
    }
  }

  close(reason) {
    if (this.stopped) return;
    this.stopped = true;
    for (const pc of this.pcs) { try { pc.close(); } catch (_) { /* closed */ } }
    if (this.media) for (const tr of this.media.getTracks()) tr.stop();
    if (this.session) this.call(`/${this.session}`, { janus: 'destroy', transaction: tx() }).catch(() => {});
    if (reason) this.cb.onClosed(reason);
  }
}
