// video.js - the video of an online mediation (视频调解, issue 21;
// docs/video.md), for the mediator (#/video/staff/{mediation id}) and for a
// party through its room link (#/video/room/{link token}). It lists the
// rooms of the online sessions and caucuses; the mediator makes them,
// mutes, removes and ends, and starts recording once every party
// consented here; a party gives that consent. Joining asks the browser for
// the camera and microphone and shows everyone present. Without Janus the
// page says so and the mediation goes on in text (the room page).
import { h, append, replace, clear } from '../dom.js';
import { t } from '../i18n.js';
import { api, get, post, errorBox, errorText } from '../api.js';
import { loading } from '../common.js';
import { VideoRoom } from './video-janus.js';

const PRESENT_POLL_MS = 3000;

function when(sec) {
  return new Date(sec * 1000).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export async function render({ container, params, isCurrent }) {
  const staff = params.kind === 'staff';
  const id = encodeURIComponent(params.id);
  const base = staff ? `/api/v1/mediations/${id}/video` : `/api/v1/room/${id}/video`;
  const backHref = staff ? null : `#/room/${id}`;
  append(container, loading());
  let st;
  let med = null;
  try {
    st = await get(base);
    if (staff) med = await get(`/api/v1/mediations/${id}`);
  } catch (err) {
    if (!isCurrent()) return null;
    replace(container, h('h1', null, t('video.title')), errorBox(err));
    return null;
  }
  if (!isCurrent()) return null;

  let live = null; // the VideoRoom joined
  let presentTimer = null;
  const flash = h('div', { role: 'status', class: 'video-flash' });
  const say = (text, bad) => replace(flash, h('p', { class: bad ? 'alert alert-error' : 'alert alert-info' }, text));
  const stage = h('section', { class: 'video-stage', hidden: true, 'aria-label': t('video.stage') });

  const stateBox = st.state === 'ready'
    ? h('p', { class: 'alert alert-info video-state', dataset: { state: st.state } }, t('video.ready'))
    : h('p', { class: 'alert video-warn video-state', dataset: { state: st.state } },
      t(st.state === 'unconfigured' ? 'video.unconfigured' : 'video.unreachable'));

  const partyName = (pid) => (st.parties.find((p) => p.id === pid) || {}).name || String(pid);
  function roomLabel(r) {
    if (r.caucus_party) return t('video.caucusWith', { name: partyName(r.caucus_party) });
    return t('video.sessionAt', { when: when(r.opens_at) });
  }

  async function reload() {
    try {
      st = await get(base);
      drawRooms();
      drawConsent();
    } catch (err) { say(errorText(err), true); }
  }

  const roomsBox = h('section', { class: 'video-rooms', 'aria-labelledby': 'video-rooms-h' });
  function drawRooms() {
    const rows = st.rooms.filter((r) => r.may_join || staff).map((r) => {
      const join = h('button', { type: 'button', class: 'btn btn-primary video-join', disabled: !r.open || st.state !== 'ready' },
        t('video.join'));
      join.addEventListener('click', () => enter(r));
      const acts = [join];
      if (staff && !r.ended_at) {
        const rec = h('button', { type: 'button', class: 'btn video-record', disabled: !!r.recording }, t(r.recording ? 'video.recording' : 'video.record'));
        rec.addEventListener('click', async () => {
          try { await post(`${base}/rooms/${r.id}/actions/record`, {}); say(t('video.recordingOn')); await reload(); } catch (err) { say(errorText(err), true); }
        });
        const end = h('button', { type: 'button', class: 'btn btn-danger video-end' }, t('video.end'));
        end.addEventListener('click', async () => {
          try { await post(`${base}/rooms/${r.id}/actions/end`, {}); say(t('video.ended')); leave(); await reload(); } catch (err) { say(errorText(err), true); }
        });
        acts.push(rec, end);
      }
      return h('li', { class: 'video-room', dataset: { room: String(r.id) } },
        h('span', { class: 'video-room-name' }, roomLabel(r)), ' ',
        h('span', { class: 'badge' }, t(r.ended_at ? 'video.stateEnded' : r.open ? 'video.stateOpen' : 'video.stateLater')),
        h('div', { class: 'actions' }, acts));
    });
    const make = [];
    if (staff && med && med.status === 'active') {
      const sessions = (med.sessions || []).filter((s) => s.mode === 'online' &&
        !st.rooms.some((r) => r.session_id === s.id && !r.ended_at));
      for (const s of sessions) {
        const b = h('button', { type: 'button', class: 'btn video-make-session' }, t('video.makeSession', { when: when(s.starts_at) }));
        b.addEventListener('click', () => makeRoom({ session_id: s.id }));
        make.push(b);
      }
      for (const p of st.parties) {
        if (st.rooms.some((r) => r.caucus_party === p.id && !r.ended_at)) continue;
        const b = h('button', { type: 'button', class: 'btn video-make-caucus' }, t('video.makeCaucus', { name: p.name }));
        b.addEventListener('click', () => makeRoom({ party_id: p.id }));
        make.push(b);
      }
    }
    replace(roomsBox, h('h2', { id: 'video-rooms-h' }, t('video.rooms')),
      rows.length ? h('ul', { class: 'video-room-list' }, rows) : h('p', { class: 'muted' }, t('video.noRooms')),
      make.length ? h('div', { class: 'actions video-make' }, make) : null);
  }

  async function makeRoom(body) {
    try { await post(`${base}/rooms`, body); await reload(); } catch (err) { say(errorText(err), true); }
  }

  // recording: each party's consent first (个人信息保护法 arts. 13-14)
  const consentBox = h('section', { class: 'video-consent', 'aria-labelledby': 'video-consent-h' });
  function drawConsent() {
    const items = st.parties.map((p) => h('li', { dataset: { party: String(p.id) } }, p.name, ': ',
      t(p.recording_consent ? 'video.consentGiven' : 'video.consentNone')));
    let mine = null;
    if (!staff) {
      const me = st.parties.find((p) => p.id === st.me);
      if (me && !me.recording_consent) {
        mine = h('button', { type: 'button', class: 'btn video-consent-give' }, t('video.consentGive'));
        mine.addEventListener('click', async () => {
          try { await post(`${base}/consent`, { consent: true }); await reload(); } catch (err) { say(errorText(err), true); }
        });
      }
    }
    const recs = (st.recordings || []).map((r) => h('li', null,
      h('a', { href: `${base}/recordings/${r.id}`, download: `recording-${r.id}.mjr` }, r.name),
      ' ', h('span', { class: 'muted small code' }, 'SHA-256 ', r.sha256)));
    replace(consentBox, h('h2', { id: 'video-consent-h' }, t('video.consentTitle')),
      h('p', { class: 'muted small' }, t('video.consentWhy')),
      h('ul', null, items), mine,
      recs.length ? h('h3', null, t('video.recordings')) : null, recs.length ? h('ul', { class: 'video-recordings' }, recs) : null);
  }

  // ---- in a room ----
  const localVideo = h('video', { class: 'video-local', autoplay: true, playsinline: true, muted: true, 'aria-label': t('video.me') });
  const remotes = h('div', { class: 'video-remotes' });
  const present = h('ul', { class: 'video-present', 'aria-live': 'polite' });
  const leaveBtn = h('button', { type: 'button', class: 'btn video-leave' }, t('video.leave'));
  leaveBtn.addEventListener('click', () => { leave(); say(t('video.left')); });
  append(stage, h('h2', null, t('video.inRoom')), h('div', { class: 'video-grid' }, localVideo, remotes),
    h('h3', null, t('video.present')), present, leaveBtn);

  async function drawPresent(room) {
    let r;
    try { r = await get(`${base}/rooms/${room.id}/participants`); } catch (_) { return; }
    if (!live) return;
    replace(present, r.items.map((p) => {
      const li = h('li', { class: 'video-person', dataset: { participant: String(p.participant) } }, p.display);
      if (staff && p.who && !p.who.startsWith('staff:')) {
        const mute = h('button', { type: 'button', class: 'btn btn-small video-mute' }, t('video.mute'));
        mute.addEventListener('click', async () => {
          try { await post(`${base}/rooms/${room.id}/actions/mute`, { participant: p.participant, mute: true }); say(t('video.muted', { name: p.display })); } catch (err) { say(errorText(err), true); }
        });
        const rm = h('button', { type: 'button', class: 'btn btn-small btn-danger video-remove' }, t('video.remove'));
        rm.addEventListener('click', async () => {
          try { await post(`${base}/rooms/${room.id}/actions/remove`, { participant: p.participant }); say(t('video.removed', { name: p.display })); drawPresent(room); } catch (err) { say(errorText(err), true); }
        });
        append(li, ' ', mute, ' ', rm);
      }
      return li;
    }));
  }

  async function enter(room) {
    leave();
    let j;
    try { j = await api('POST', `${base}/rooms/${room.id}/join`); } catch (err) { say(errorText(err), true); return; }
    stage.hidden = false;
    clear(remotes);
    const vr = new VideoRoom(j, {
      onLocal: (stream) => { localVideo.srcObject = stream; },
      onRemote: (feed, display, stream) => {
        let fig = remotes.querySelector(`[data-feed="${feed}"]`);
        if (!fig) {
          const v = h('video', { autoplay: true, playsinline: true, class: 'video-remote', 'aria-label': display });
          fig = h('figure', { dataset: { feed: String(feed) } }, v, h('figcaption', null, display));
          remotes.appendChild(fig);
        }
        fig.querySelector('video').srcObject = stream;
      },
      onGone: (feed) => {
        const fig = remotes.querySelector(`[data-feed="${feed}"]`);
        if (fig) fig.remove();
      },
      onClosed: (reason) => {
        say(t(reason === 'kicked' ? 'video.youWereRemoved' : reason === 'ended' ? 'video.ended' : 'video.failed'), reason !== 'ended');
        leave();
      },
    });
    live = vr;
    try {
      await vr.start();
    } catch (err) {
      say(t('video.failed') + ' ' + (err && err.message ? err.message : ''), true);
      leave();
      return;
    }
    drawPresent(room);
    presentTimer = setInterval(() => drawPresent(room), PRESENT_POLL_MS);
  }

  function leave() {
    if (presentTimer) clearInterval(presentTimer);
    presentTimer = null;
    if (live) { const l = live; live = null; l.close(null); }
    localVideo.srcObject = null;
    clear(remotes);
    clear(present);
    stage.hidden = true;
  }

  drawRooms();
  drawConsent();
  const back = backHref ? h('p', null, h('a', { href: backHref }, t('video.back'))) : null;
  replace(container, h('h1', null, t('video.title')), back, stateBox, flash, stage, roomsBox, consentBox);
  return () => leave();
}
