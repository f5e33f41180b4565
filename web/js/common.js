// common.js - shared vocabulary and small widgets used by several pages.
import { h } from './dom.js';
import { t, tc, fmtDateTime, fmtDuration } from './i18n.js';

export const CATEGORIES = ['marriage_family', 'neighbour', 'housing_land', 'land_forest', 'contract',
  'damages', 'labour', 'land_acquisition', 'environment', 'medical', 'property_mgmt', 'consumer',
  'traffic', 'other'];
export const CHANNELS = ['walk_in', 'hotline', 'web', 'grid_patrol', 'open311', 'petition', 'referral'];
export const TRACKS = ['dispute', 'petition'];
export const PARTY_ROLES = ['applicant', 'respondent', 'third_party'];
export const STATUSES = ['registered', 'accepted', 'rejected', 'assigned', 'mediating', 'suspended',
  'resolved', 'referred', 'followed_up', 'closed', 'reopened', 'under_review'];
export const CLOSED_STATUSES = new Set(['rejected', 'closed']);

export const SOON_SECONDS = 2 * 86400; // "due within 2 working days", approximated

/** Options for a <select> of codes in a catalogue group, with an optional blank first. */
export function codeOptions(group, codes, blankLabel) {
  const opts = codes.map((c) => ({ value: c, label: tc(group, c) }));
  if (blankLabel !== undefined) opts.unshift({ value: '', label: blankLabel });
  return opts;
}

export function statusBadge(status) {
  return h('span', { class: `badge status status-${status}` }, tc('status', status));
}

export function trackBadge(track) {
  if (!track || track === 'dispute') return null;
  return h('span', { class: 'badge track' }, tc('track', track));
}

/** 'overdue' | 'soon' | 'ok' | 'met' for one deadline. */
export function deadlineUrgency(d) {
  if (d.met_at) return 'met';
  if (d.paused) return 'paused';
  if (d.overdue || (typeof d.remaining_seconds === 'number' && d.remaining_seconds < 0)) return 'overdue';
  if (typeof d.remaining_seconds === 'number' && d.remaining_seconds <= SOON_SECONDS) return 'soon';
  return 'ok';
}

/** The most pressing open deadline of a case, or null. List items may carry
 * only the case-level due_at/overdue instead of the deadlines array. */
export function nextDeadline(c) {
  if (!Array.isArray(c.deadlines)) {
    if (!c.due_at) return null;
    return {
      kind: 'next', due_at: c.due_at, met_at: null, overdue: Boolean(c.overdue),
      paused: c.status === 'suspended',
      remaining_seconds: Math.round((new Date(c.due_at).getTime() - Date.now()) / 1000),
    };
  }
  const open = c.deadlines.filter((d) => !d.met_at);
  if (open.length === 0) return null;
  open.sort((a, b) => remaining(a) - remaining(b));
  return open[0];
}

function remaining(d) {
  if (d.paused) return Number.MAX_SAFE_INTEGER;
  if (d.overdue && !(d.remaining_seconds < 0)) return -1;
  if (typeof d.remaining_seconds === 'number') return d.remaining_seconds;
  if (d.due_at) return (new Date(d.due_at).getTime() - Date.now()) / 1000;
  return Number.POSITIVE_INFINITY;
}

/** Sort key: most urgent first; cases with no open deadline last. */
export function urgencyKey(c) {
  const d = nextDeadline(c);
  return d ? remaining(d) : Number.POSITIVE_INFINITY;
}

/** "剩余 2 天 3 小时" / "已超期 1 天" / "已于 … 完成". */
export function deadlineText(d) {
  const u = deadlineUrgency(d);
  if (u === 'met') return t('deadline.metAt', { at: fmtDateTime(d.met_at) });
  const secs = typeof d.remaining_seconds === 'number' ? d.remaining_seconds
    : (new Date(d.due_at).getTime() - Date.now()) / 1000;
  if (u === 'overdue') return t('deadline.overdueBy', { d: fmtDuration(secs) });
  if (u === 'paused') return t('deadline.paused', { d: fmtDuration(secs) });
  return t('deadline.left', { d: fmtDuration(secs) });
}

/** A compact chip showing a deadline's kind and time left, coloured by urgency. */
export function deadlineChip(d) {
  const u = deadlineUrgency(d);
  // one text for assistive technology, the visible parts hidden from it so
  // nothing is read twice; the text already says overdue, paused or met,
  // so the urgency is added only for "due soon", which colour alone shows
  const prefix = u === 'soon' ? t('urgency.soon') + t('common.colon') : '';
  const spoken = `${prefix}${tc('deadline', d.kind)}${t('common.colon')}${deadlineText(d)}`;
  return h('span', { class: `deadline-chip urgency-${u}` },
    h('span', { class: 'visually-hidden' }, spoken),
    h('span', { 'aria-hidden': 'true' }, tc('deadline', d.kind), t('common.colon'), deadlineText(d)));
}

export function emptyState(message, actions) {
  return h('div', { class: 'empty' }, h('p', null, message),
    actions && actions.length ? h('p', { class: 'empty-actions' }, actions) : null);
}

export function loading() {
  return h('p', { class: 'loading', role: 'status' }, t('common.loading'));
}

/** Definition list from [[label, value]], skipping empty values. */
export function dl(rows, cls) {
  const el = h('dl', { class: ['kv', cls] });
  for (const [k, v] of rows) {
    if (v === null || v === undefined || v === '') continue;
    el.appendChild(h('div', { class: 'kv-row' }, h('dt', null, k), h('dd', null, v)));
  }
  return el;
}

/** Timeline list (staff or public entries). */
export function timelineList(items, opts = {}) {
  if (!items || items.length === 0) return h('p', { class: 'muted' }, t('timeline.empty'));
  const ol = h('ol', { class: 'timeline' });
  for (const e of items) {
    // Show the status change only when there is one (not for notes or the first entry).
    const change = e.from && e.to && e.from !== e.to
      ? h('span', { class: 'tl-change' }, tc('status', e.from), ' → ', tc('status', e.to))
      : null;
    ol.appendChild(h('li', { class: 'tl-item', dataset: { action: e.action || '' } },
      h('div', { class: 'tl-head' },
        h('time', { datetime: e.at || '' }, fmtDateTime(e.at)),
        h('strong', { class: 'tl-action' }, tc('action', e.action)),
        change),
      !opts.public && e.actor ? h('div', { class: 'tl-actor' }, t('timeline.by', { who: actorName(e.actor) })) : null,
      e.reason ? h('div', { class: 'tl-reason' }, t('timeline.reason'), t('common.colon'), e.reason) : null,
      detailText(e.detail) ? h('div', { class: 'tl-detail' }, detailText(e.detail)) : null));
  }
  return ol;
}

function actorName(a) {
  if (!a) return '';
  if (typeof a === 'string') return a;
  return a.display_name || a.username || a.name || '';
}

// Region codes and internal ids mean little to a reader; the region names
// already appear elsewhere on the page.
const HIDDEN_DETAIL = new Set(['unit_region', 'from_region', 'to_region', 'region', 'level']);

function detailText(d) {
  if (d === null || d === undefined || d === '') return '';
  if (typeof d === 'string') return d;
  if (typeof d !== 'object') return String(d);
  const parts = [];
  for (const [k, v] of Object.entries(d)) {
    if (v === null || v === undefined || v === '' || typeof v === 'object') continue;
    if (HIDDEN_DETAIL.has(k)) continue;
    let val = v;
    if (k === 'outcome') val = tc('outcome', v);
    else if (k === 'satisfaction') val = tc('satisfaction', v);
    else if (k === 'to' && typeof v === 'string') val = tc('referTo', v, v);
    else if (k === 'channel') val = tc('channel', v);
    else if (k === 'category') val = tc('category', v);
    else if (typeof v === 'boolean') val = v ? t('common.yes') : t('common.no');
    parts.push(`${tc('detail', k, k)}${t('common.colon')}${val}`);
  }
  return parts.join(t('common.sep'));
}

/** The broadest region among the user's roles (fewest levels). */
export function userRootRegion(user) {
  const roles = (user && user.roles) || [];
  let best = null;
  for (const r of roles) {
    if (!r.region) continue;
    if (!best || (r.level || 9) < (best.level || 9)) best = r;
  }
  return best ? { code: best.region, name: best.region_name, level: best.level } : { code: '33', name: '', level: 1 };
}

export function hasRole(user, ...names) {
  return Boolean(user && (user.roles || []).some((r) => names.includes(r.role)));
}
