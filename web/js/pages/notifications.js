// notifications.js - 通知 (in-app notifications): the bell with the unread
// count in the header, live over server-sent events (no polling), and the
// list page with mark-as-read. The server lists only the user's own
// notifications about cases they can see now.
import { h, append, replace } from '../dom.js';
import { t, fmtDateTime } from '../i18n.js';
import { api, get, errorBox, session, onAuthChange } from '../api.js';
import { emptyState, loading } from '../common.js';

const markRead = (id) => api('POST', id ? `/api/notifications/${id}/read` : '/api/notifications/read-all');

function countText(n) {
  return n > 99 ? '99+' : String(n);
}

/** The header's bell: a link to the list with the unread count, filled in
 * when the count arrives (the header never waits for it). */
export function bell() {
  const badge = h('span', { class: 'notif-count', hidden: true, 'aria-hidden': 'true' });
  const a = h('a', { href: '#/notifications', class: 'notif-bell btn-link', 'aria-label': t('notif.bellNone') },
    t('notif.title'), badge);
  get('/api/notifications/count', { noAuthRedirect: true }).then((r) => setBell(a, r.unread)).catch(() => {});
  live();
  return a;
}

// ---- live: one EventSource per page while someone is signed in ----
// The server sends each new notification once its write has committed;
// the browser reconnects by itself with Last-Event-ID and the server
// replays what was missed. A stream the server refused (too many open, or
// the session ended) is tried again after RETRY_MS, and only while signed in.
const STREAM = '/api/v1/notifications/stream';
const RETRY_MS = 30000;
let source = null;
let retry = null;

function recount() {
  get('/api/notifications/count', { noAuthRedirect: true })
    .then((r) => refreshBells(r.unread)).catch(() => {});
}

function live() {
  if (source || retry || !session.user || typeof EventSource === 'undefined') return;
  source = new EventSource(STREAM);
  source.addEventListener('notification', (e) => {
    recount();
    window.dispatchEvent(new CustomEvent('fq-notification', { detail: e.data }));
  });
  // "reset": more were missed than one replay holds; "open": after a
  // reconnect the count may have moved meanwhile
  source.addEventListener('reset', recount);
  source.addEventListener('open', recount);
  source.addEventListener('error', () => {
    if (!source || source.readyState !== EventSource.CLOSED) return; // it reconnects by itself
    source = null;
    retry = setTimeout(() => { retry = null; live(); }, RETRY_MS);
  });
}

function stopLive() {
  if (source) source.close();
  source = null;
  clearTimeout(retry);
  retry = null;
}

onAuthChange((user) => { if (!user) stopLive(); });

function setBell(a, n) {
  const badge = a.querySelector('.notif-count');
  if (!badge) return;
  badge.textContent = countText(n);
  badge.hidden = !n;
  a.setAttribute('aria-label', n ? t('notif.bell', { n: countText(n) }) : t('notif.bellNone'));
}

function refreshBells(n) {
  for (const a of document.querySelectorAll('.notif-bell')) setBell(a, n);
}

function itemText(n) {
  const what = t('notif.kind.' + n.kind);
  const who = n.actor_name ? t('notif.by', { name: n.actor_name }) : '';
  return `${what}${who}`;
}

export async function render({ container, query, navigate, isCurrent }) {
  const unreadOnly = query.get('unread') === '1';
  const body = h('div', { class: 'notif-body' }, loading());
  const allBtn = h('button', { type: 'button', class: 'btn btn-small', id: 'notif-read-all' }, t('notif.readAll'));
  const filter = h('a', { href: unreadOnly ? '#/notifications' : '#/notifications?unread=1', class: 'btn btn-small' },
    unreadOnly ? t('notif.showAll') : t('notif.showUnread'));
  append(container,
    h('div', { class: 'page-head' }, h('h1', null, t('notif.title')),
      h('div', { class: 'page-actions' }, filter, allBtn)),
    h('p', { class: 'muted' }, t('notif.lead')),
    body);

  const load = async () => {
    let res;
    try {
      res = await get('/api/notifications' + (unreadOnly ? '?unread=true' : ''));
    } catch (err) {
      if (isCurrent()) replace(body, errorBox(err));
      return;
    }
    if (!isCurrent()) return;
    refreshBells(res.unread);
    allBtn.disabled = !res.unread;
    if (!res.items.length) {
      replace(body, emptyState(unreadOnly ? t('notif.noneUnread') : t('notif.none')));
      return;
    }
    const list = h('ul', { class: 'notif-list card' });
    for (const n of res.items) {
      const open = h('a', { href: `#/case/${n.case_id}`, class: 'notif-case' }, `${n.tracking_code} ${n.title}`);
      open.addEventListener('click', (e) => {
        if (n.read) return;
        e.preventDefault();
        markRead(n.id).catch(() => null).then(() => navigate(`#/case/${n.case_id}`));
      });
      const btn = n.read ? null : h('button', { type: 'button', class: 'btn btn-small notif-mark', dataset: { id: n.id } }, t('notif.markRead'));
      if (btn) {
        btn.addEventListener('click', async () => {
          btn.disabled = true;
          try {
            await markRead(n.id);
          } catch (err) {
            btn.disabled = false;
            return;
          }
          await load();
          const next = body.querySelector('.notif-mark');
          (next || allBtn).focus();
        });
      }
      list.appendChild(h('li', { class: ['notif-item', n.read ? '' : 'unread'], dataset: { id: n.id, kind: n.kind } },
        h('div', { class: 'notif-main' },
          h('p', { class: 'notif-what' }, n.read ? null : h('span', { class: 'visually-hidden' }, t('notif.unread')), itemText(n)),
          h('p', null, open),
          n.note ? h('p', { class: 'notif-note' }, t('notif.note', { note: n.note })) : null,
          n.due ? h('p', { class: 'notif-due' }, t('notif.due', { when: fmtDateTime(n.due) })) : null,
          h('p', { class: 'notif-when' }, fmtDateTime(n.created_at))),
        btn));
    }
    replace(body, list);
  };
  // a notification that arrives while the list is open shows in it
  const onLive = () => {
    if (!isCurrent()) { window.removeEventListener('fq-notification', onLive); return; }
    load();
  };
  window.addEventListener('fq-notification', onLive);
  allBtn.addEventListener('click', async () => {
    allBtn.disabled = true;
    try { await markRead(0); } catch (_) { allBtn.disabled = false; return; }
    await load();
    allBtn.focus();
  });
  await load();
}
