// outbox.js - the grid worker's outbox (issue 15; docs/offline.md): work
// done on the phone waits here, in IndexedDB, until the server has it. Each
// item carries its own Idempotency-Key (crypto.randomUUID), the route and
// the body as sent (the same bytes on every try), and its photos as Blobs,
// already made small on the phone. Items go in the order they were made,
// when the network returns (the online event, and retries with backoff),
// each once: a repeat of a key whose answer was lost is answered by the
// server from what it kept, never done again.
//   2xx   done: photos next, then the item leaves the outbox
//   409   the same key still in flight (or the server changed the thing
//         meanwhile): wait and try again
//   401   signed out: wait for the worker to sign in again, keep everything
//   other 4xx  failed: kept with the server's error, to fix or discard
//   5xx, no network  try again later (1 s, 2 s, 4 s ... at most 60 s)
import { h } from './dom.js';
import { t } from './i18n.js';
import { session, loadMe } from './api.js';

const DB_NAME = 'fq-outbox';
const STORE = 'items';
const DB_VERSION = 1;
const BACKOFF_MIN_MS = 1000;
const BACKOFF_MAX_MS = 60000;
// photos are made at most this wide or high, as JPEG of this quality
export const PHOTO_MAX_PX = 1600;
export const PHOTO_QUALITY = 0.8;
export const PHOTOS_MAX = 3;

let dbPromise = null;
function db() {
  if (!dbPromise) {
    dbPromise = new Promise((resolve, reject) => {
      const rq = indexedDB.open(DB_NAME, DB_VERSION);
      rq.onupgradeneeded = () => {
        rq.result.createObjectStore(STORE, { keyPath: 'seq', autoIncrement: true });
      };
      rq.onsuccess = () => resolve(rq.result);
      rq.onerror = () => reject(rq.error);
    });
  }
  return dbPromise;
}

async function tx(mode, fn) {
  const d = await db();
  return new Promise((resolve, reject) => {
    const x = d.transaction(STORE, mode);
    const st = x.objectStore(STORE);
    let out;
    Promise.resolve(fn(st)).then((v) => { out = v; });
    x.oncomplete = () => resolve(out);
    x.onerror = () => reject(x.error);
    x.onabort = () => reject(x.error);
  });
}

function request(rq) {
  return new Promise((resolve, reject) => {
    rq.onsuccess = () => resolve(rq.result);
    rq.onerror = () => reject(rq.error);
  });
}

const listeners = new Set();
/** fn(items) after every change of the outbox. Returns a function that stops it. */
export function onOutboxChange(fn) { listeners.add(fn); return () => listeners.delete(fn); }
async function changed() {
  const items = await list();
  for (const fn of listeners) { try { fn(items); } catch (e) { console.warn('outbox listener', e); } }
}

/** Every item, oldest first. */
export async function list() {
  let out = [];
  await tx('readonly', (st) => request(st.getAll()).then((v) => { out = v; }));
  return out;
}

async function put(item) {
  await tx('readwrite', (st) => request(st.put(item)));
}

/** A new key: what the server dedups on. */
export function newKey() {
  return crypto.randomUUID();
}

/**
 * Queues one piece of work. item: {kind, label, route, body, photos?,
 * photoRoute?} - route the POST path, body an object (sent as its JSON),
 * photos Blobs uploaded after it to photoRoute (its {id} replaced by the
 * answer's id), fallback the body sent instead when the server answers 409
 * because it changed the same thing meanwhile (a follow-up's note alone). Returns the stored item. Sending starts at once when online.
 */
export async function enqueue(item) {
  const stored = {
    key: newKey(),
    created_at: new Date().toISOString(),
    kind: item.kind,
    label: item.label || '',
    route: item.route,
    body: JSON.stringify(item.body),
    photos: item.photos || [],
    photo_route: item.photoRoute || null,
    photos_sent: 0,
    result_id: null,
    // sent instead when the server answers 409 (it changed the same thing
    // meanwhile): the note of a follow-up, without its change of status
    fallback: item.fallback ? JSON.stringify(item.fallback) : null,
    conflict: null,
    state: 'queued',
    error: null,
    user: session.user ? session.user.username : null,
  };
  stored.seq = await tx('readwrite', (st) => request(st.add(stored)));
  await changed();
  flushSoon(0);
  return stored;
}

/** Drops an item (a failed one the worker gives up). */
export async function discard(seq) {
  await tx('readwrite', (st) => request(st.delete(seq)));
  await changed();
}

/**
 * Sends a failed item again. With a changed body (the worker fixed it) it
 * gets a new key: the old key's body is the server's, and reusing it for
 * another is refused (422 idempotency_key_reused).
 */
export async function retry(seq, body) {
  const items = await list();
  const it = items.find((x) => x.seq === seq);
  if (!it) return;
  if (body !== undefined && JSON.stringify(body) !== it.body) {
    it.body = JSON.stringify(body);
    it.key = newKey();
  }
  it.state = 'queued';
  it.error = null;
  await put(it);
  await changed();
  flushSoon(0);
}

// ---- sending ----

let flushing = null;
let timer = null;
let backoff = BACKOFF_MIN_MS;
export const status = { online: navigator.onLine, signin: false, sending: false };

function flushSoon(ms) {
  if (timer) clearTimeout(timer);
  timer = setTimeout(() => { timer = null; flush(); }, ms);
}

class Wait extends Error {}

async function send(method, path, body, key, type) {
  const headers = { accept: 'application/json', 'idempotency-key': key };
  if (type) headers['content-type'] = type;
  if (session.csrf) headers['x-csrf-token'] = session.csrf;
  let r;
  try {
    r = await fetch(path, { method, headers, body, credentials: 'same-origin' });
  } catch (_) {
    throw new Wait('network');
  }
  let json = null;
  try { json = await r.json(); } catch (_) { json = null; }
  return { status: r.status, json };
}

/** One answer's fate: true when done; throws Wait to stop and retry later. */
function judge(it, a) {
  if (a.status >= 200 && a.status < 300) return true;
  if (a.status === 401) { status.signin = true; throw new Wait('signin'); }
  const code = a.json && a.json.error ? a.json.error.code : '';
  if ((a.status === 409 && code === 'idempotency_in_progress') || a.status === 429 || a.status >= 500) {
    throw new Wait('busy');
  }
  // the server changed the same thing meanwhile (409: another state): its
  // status wins, and the item's note is sent on its own, never lost
  if (a.status === 409 && it.fallback && !it.conflict) {
    it.conflict = { code, message: (a.json.error && a.json.error.message) || '' };
    it.body = it.fallback;
    it.key = it.key + '-note';
    return null;
  }
  const e = (a.json && a.json.error) || {};
  it.state = 'failed';
  it.error = { status: a.status, code: e.code || 'http_' + a.status, message: e.message || '', field: e.field || null };
  return false;
}

async function sendItem(it) {
  if (it.result_id === null) {
    let a = await send('POST', it.route, it.body, it.key, 'application/json');
    let fate = judge(it, a);
    if (fate === null) { // the note alone, under its own key
      await put(it);
      a = await send('POST', it.route, it.body, it.key, 'application/json');
      fate = judge(it, a);
    }
    if (!fate) { await put(it); return; }
    // the answer's id, where photos go; an answer lost in a crash ("kept":
    // false) has none, and its photos cannot follow
    it.result_id = a.json && a.json.id !== undefined ? a.json.id : 0;
    await put(it);
  }
  for (; it.photos_sent < it.photos.length; it.photos_sent++) {
    if (!it.photo_route || !it.result_id) break;
    const p = it.photos[it.photos_sent];
    const path = it.photo_route.replace('{id}', encodeURIComponent(it.result_id)) +
      '?name=' + encodeURIComponent(p.name || 'photo.jpg');
    const a = await send('POST', path, p.blob, `${it.key}-p${it.photos_sent}`, p.blob.type || 'image/jpeg');
    if (!judge(it, a)) { await put(it); return; }
    await put({ ...it, photos_sent: it.photos_sent + 1 });
  }
  await tx('readwrite', (st) => request(st.delete(it.seq)));
  sent.push({ kind: it.kind, label: it.label, at: new Date().toISOString(), conflict: it.conflict });
  if (sent.length > 20) sent.shift();
}

/** What left the outbox in this visit, newest last. */
export const sent = [];

/**
 * Sends what waits, oldest first, one at a time; returns when done or
 * stopped (offline, signed out, the server busy). Safe to call at any time:
 * only one run goes at once.
 */
export function flush() {
  // reset in .finally, which always runs later: a run that returns at once
  // (offline) must not leave its promise behind as the one in flight
  if (!flushing) flushing = flushRun().finally(() => { flushing = null; });
  return flushing;
}

async function flushRun() {
  status.sending = true;
  try {
    if (!navigator.onLine) return;
    if (!session.csrf) await loadMe({ force: true });
    if (!session.user) { status.signin = true; return; }
    status.signin = false;
    for (const it of await list()) {
      if (it.state !== 'queued') continue;
      if (it.user && it.user !== session.user.username) continue; // another worker's, on a shared phone
      await sendItem(it);
      await changed();
    }
    backoff = BACKOFF_MIN_MS;
  } catch (e) {
    if (!(e instanceof Wait)) console.warn('outbox', e);
    if (!(e instanceof Wait) || e.message !== 'signin') {
      flushSoon(backoff);
      backoff = Math.min(backoff * 2, BACKOFF_MAX_MS);
    }
  } finally {
    status.sending = false;
    await changed();
  }
}

let started = false;
/** Starts sending (once per page): now, and whenever the network returns. */
export function startOutbox() {
  if (started || !('indexedDB' in window)) return;
  started = true;
  window.addEventListener('online', () => { status.online = true; backoff = BACKOFF_MIN_MS; flushSoon(0); });
  window.addEventListener('offline', () => { status.online = false; changed(); });
  flushSoon(0);
}

// ---- photos ----

/**
 * A photo made small on the phone: at most PHOTO_MAX_PX on its longer side,
 * JPEG at PHOTO_QUALITY. A file the browser cannot draw is kept as it is
 * (the server judges it by its content).
 */
export async function compressPhoto(file) {
  try {
    const bmp = await createImageBitmap(file);
    const scale = Math.min(1, PHOTO_MAX_PX / Math.max(bmp.width, bmp.height));
    const w = Math.max(1, Math.round(bmp.width * scale));
    const hgt = Math.max(1, Math.round(bmp.height * scale));
    const canvas = document.createElement('canvas');
    canvas.width = w;
    canvas.height = hgt;
    canvas.getContext('2d').drawImage(bmp, 0, 0, w, hgt);
    if (bmp.close) bmp.close();
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', PHOTO_QUALITY));
    if (blob) return { blob, name: (file.name || 'photo').replace(/\.[^.]*$/, '') + '.jpg', width: w, height: hgt };
  } catch (_) { /* not drawable here */ }
  return { blob: file, name: file.name || 'photo', width: 0, height: 0 };
}

// ---- the header's count ----

/** A link to the field page with the number of items waiting; hidden at 0. */
export function outboxBadge() {
  const n = h('span', { class: 'outbox-n' }, '0');
  const a = h('a', { href: '#/field', class: 'outbox-badge', hidden: true }, t('outbox.badge'), ' ', n);
  const show = (items) => {
    const waiting = items.length;
    n.textContent = String(waiting);
    a.hidden = waiting === 0;
    a.setAttribute('aria-label', t('outbox.badgeLabel', { n: waiting }));
  };
  const stop = onOutboxChange((items) => { if (!a.isConnected) stop(); else show(items); });
  // the database is opened only where the field app was used
  if (fieldUsed() && 'indexedDB' in window) list().then(show).catch(() => null);
  return a;
}

// The service worker keeps the app shell for use with no network
// (web/sw.js). Registered once the field app has been opened on this
// device, so pages of other users never install it.
const FIELD_USED = 'fq.field';
function fieldUsed() {
  try { return localStorage.getItem(FIELD_USED) === '1'; } catch (_) { return false; }
}
export function registerWorker(force) {
  try {
    if (force) localStorage.setItem(FIELD_USED, '1');
    if (localStorage.getItem(FIELD_USED) !== '1') return;
  } catch (_) { return; }
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch((e) => console.warn('sw', e && e.message));
  }
}
