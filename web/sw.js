// sw.js - the service worker of the grid worker's app (枫桥网格, issue 15;
// docs/offline.md). It keeps the app shell (the page, its styles, its
// modules and the two message catalogues) in a versioned cache so that the
// app opens with no network, and it never touches the API: /api/,
// /open311/ and /metrics go to the network as if it were not there, so no
// answer with personal data is ever cached, and what is done offline goes
// through the outbox (js/outbox.js), never through here.
'use strict';

// Raise with every change of the shell's list or of this file: the old
// cache is deleted when the new worker takes over.
const VERSION = 'fq-shell-v1';
const SHELL = [
  '/', '/index.html', '/manifest.webmanifest',
  '/css/app.css', '/css/mediation.css', '/css/field.css',
  '/icons/icon.svg', '/icons/icon-192.png', '/icons/icon-512.png',
  '/js/app.js', '/js/api.js', '/js/common.js', '/js/dom.js', '/js/guides.js', '/js/i18n.js',
  '/js/keys.js', '/js/notices.js', '/js/qr.js', '/js/regionPicker.js', '/js/resident.js',
  '/js/outbox.js', '/js/i18n/zh-CN.js', '/js/i18n/en.js',
  '/js/pages/attachments.js', '/js/pages/case.js', '/js/pages/cases.js', '/js/pages/dashboard.js',
  '/js/pages/file.js', '/js/pages/guide.js', '/js/pages/home.js', '/js/pages/inbox.js',
  '/js/pages/intake.js', '/js/pages/login.js', '/js/pages/mediation-agreement.js',
  '/js/pages/mediation-docs.js', '/js/pages/mediation-parts.js', '/js/pages/mediation-party.js',
  '/js/pages/mediation.js', '/js/pages/notifications.js', '/js/pages/track.js',
  '/js/pages/verify.js', '/js/pages/field.js', '/js/pages/patrols.js', '/js/pages/events.js',
  '/js/pages/events-one.js', '/js/pages/events-stats.js',
];
// The network gets this long to answer a shell file before the cached copy
// is used (a village's weak signal can hang a request for a minute).
const NETWORK_WAIT_MS = 4000;

function isApi(url) {
  return url.pathname.startsWith('/api/') || url.pathname === '/api' ||
    url.pathname.startsWith('/open311/') || url.pathname === '/metrics';
}

self.addEventListener('install', (event) => {
  // each file on its own: one missing file (a page another build lacks)
  // must not stop the others from being kept
  event.waitUntil(caches.open(VERSION).then((c) =>
    Promise.all(SHELL.map((p) => c.add(new Request(p, { cache: 'no-cache' })).catch(() => null))))
    .then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k.startsWith('fq-shell-') && k !== VERSION)
      .map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

// Network first for the shell, so a new version is seen at once when
// online; the cached copy when the network fails or is too slow. Only
// same-origin GETs of files are cached, and only whole (200) answers.
async function shell(request) {
  const cache = await caches.open(VERSION);
  const key = request.mode === 'navigate' ? '/index.html' : request;
  const network = fetch(request).then((r) => {
    if (r.ok && r.status === 200 && r.type === 'basic') cache.put(key, r.clone());
    return r;
  });
  network.catch(() => null); // its failure is answered below, from the cache
  const late = new Promise((resolve) => setTimeout(resolve, NETWORK_WAIT_MS, null));
  try {
    const first = await Promise.race([network, late]);
    if (first) return first;
  } catch (_) { /* offline: the cache answers */ }
  const kept = await cache.match(key, { ignoreSearch: request.mode === 'navigate' });
  if (kept) return kept;
  return network; // nothing kept: the network's own answer or failure
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || isApi(url)) return;
  event.respondWith(shell(request));
});
