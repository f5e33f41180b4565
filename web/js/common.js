// common.js - shared vocabulary and small widgets used by several pages.
import { h } from './dom.js';
import { t, tc, has, fmtDateTime, bjDay } from './i18n.js';

export const CATEGORIES = ['marriage_family', 'neighbour', 'housing_land', 'land_forest', 'contract',
  'damages', 'labour', 'land_acquisition', 'environment', 'medical', 'property_mgmt', 'consumer',
  'traffic', 'other'];
export const CHANNELS = ['walk_in', 'hotline', 'web', 'grid_patrol', 'open311', 'petition', 'referral'];
export const TRACKS = ['dispute', 'petition'];
export const PARTY_ROLES = ['applicant', 'respondent', 'third_party'];
export const STATUSES = ['registered', 'accepted', 'rejected', 'assigned', 'mediating', 'suspended',
  'resolved', 'referred', 'followed_up', 'closed', 'reopened', 'under_review'];
export const CLOSED_STATUSES = new Set(['rejected', 'closed']);

export const SOON_DAYS = 2; // "due soon": within 2 days of the deadline's kind

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

/** 'overdue' | 'soon' | 'ok' | 'met' | 'paused' for one deadline. */
export function deadlineUrgency(d) {
  if (d.met_at) return 'met';
  if (d.paused) return 'paused';
  const left = daysLeft(d);
  if (d.overdue || left < 0) return 'overdue';
  if (left <= SOON_DAYS) return 'soon';
  return 'ok';
}

/** The most pressing open deadline of a case, or null. List items carry
 * only the case-level due_at/overdue and due_days_kind/due_days_left
 * instead of the deadlines array. */
export function nextDeadline(c) {
  if (!Array.isArray(c.deadlines)) {
    if (!c.due_at) return null;
    return {
      kind: 'next', due_at: c.due_at, met_at: null, overdue: Boolean(c.overdue),
      paused: c.status === 'suspended',
      remaining_seconds: Math.round((new Date(c.due_at).getTime() - Date.now()) / 1000),
      days_kind: c.due_days_kind, days_left: c.due_days_left,
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

/** Days left in the kind of day the deadline's rule counts, as the server
 * counted them on the working calendar (days_left: 0 due today, negative
 * overdue). Without it (an older answer), calendar days between the
 * Beijing days of now and of the due time. */
function daysLeft(d) {
  if (Number.isInteger(d.days_left)) return d.days_left;
  const day = (v) => Date.parse(`${bjDay(v)}T00:00:00Z`) / 86400000;
  return day(d.due_at) - day(new Date());
}

/** "剩 3 个工作日" / "逾期 2 天" / "今日到期" / "已于 … 完成": whole days of the
 * deadline's kind, never hours. */
export function deadlineText(d) {
  const u = deadlineUrgency(d);
  if (u === 'met') return t('deadline.metAt', { at: fmtDateTime(d.met_at) });
  const kind = d.days_kind === 'working' && Number.isInteger(d.days_left) ? 'working' : 'calendar';
  const n = daysLeft(d);
  const say = (what, count) => {
    const key = `days.${what}.${kind}`;
    return t(count === 1 && has(`${key}.one`) ? `${key}.one` : key, { n: count });
  };
  if (u === 'paused') return n > 0 ? say('paused', n) : t('days.pausedNone');
  if (n < 0 || u === 'overdue') return say('overdue', Math.max(1, -n));
  if (n === 0) return t('days.today');
  return say('left', n);
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

/** Timeline list (staff or public entries). Every value is shown in words:
 * people by their display names, units by name, codes through the
 * catalogues; ids and keys the reader cannot use are left out. */
export function timelineList(items, opts = {}) {
  if (!items || items.length === 0) return h('p', { class: 'muted' }, t('timeline.empty'));
  const ol = h('ol', { class: 'timeline' });
  for (const e of items) {
    // Show the status change only when there is one (not for notes or the first entry).
    const change = e.from && e.to && e.from !== e.to
      ? h('span', { class: 'tl-change' }, tc('status', e.from), ' → ', tc('status', e.to))
      : null;
    const parts = detailParts(e);
    ol.appendChild(h('li', { class: 'tl-item', dataset: { action: e.action || '' } },
      h('div', { class: 'tl-head' },
        h('time', { datetime: e.at || '' }, fmtDateTime(e.at)),
        h('strong', { class: 'tl-action' }, tc('action', e.action, t('timeline.otherAction'))),
        change),
      !opts.public && e.actor ? h('div', { class: 'tl-actor' }, t('timeline.by', { who: actorName(e) })) : null,
      e.reason ? h('div', { class: 'tl-reason' }, t('timeline.reason'), t('common.colon'), e.reason) : null,
      parts.length ? h('div', { class: 'tl-detail' }, parts.map((p) => h('div', { class: 'tl-detail-part' }, p))) : null,
      e.action === 'edit' && !opts.public ? editDetail(e.detail) : null));
  }
  return ol;
}

/** A person as the timeline names them: the display name, or the channel
 * in words (群众, 热线, 系统), never a user name. */
export function actorName(e) {
  if (!e) return '';
  if (e.actor_name) return e.actor_name;
  const a = typeof e === 'string' ? e : e.actor;
  if (typeof a === 'object' && a) return a.display_name || t('actor.staff');
  return tc('actor', a, t('actor.staff'));
}

// What an entry's detail says, one short text a part. Only keys with a
// meaning for the reader are shown; codes become words.
function detailParts(e) {
  const d = e.detail;
  if (d === null || d === undefined || d === '') return [];
  if (typeof d !== 'object') return [String(d)];
  const out = [];
  const kv = (k, v) => { if (v !== null && v !== undefined && v !== '') out.push(`${t('detail.' + k)}${t('common.colon')}${v}`); };
  if (d.from_unit_name && d.to_unit_name) out.push(t('timeline.escalated', { from: d.from_unit_name, to: d.to_unit_name }));
  else if (d.to_unit_name) kv('to_unit', d.to_unit_name);
  if (e.action === 'attachment_added') {
    kv('attachment_name', d.name);
    if (d.size) kv('attachment_size', `${Math.max(1, Math.round(d.size / 1024))} KB`);
    return out;
  }
  if (e.action === 'create' || e.action === 'import') {
    if (d.channel) kv('channel', tc('channel', d.channel));
    if (d.unit_region_name) kv('unit_region', d.unit_region_name);
  }
  if (d.handler || d.handler_name) kv('handler', d.handler_name || t('actor.staff'));
  if (d.outcome) kv('outcome', tc('outcome', d.outcome));
  if (d.summary) kv('summary', d.summary);
  if (d.to && typeof d.to === 'string' && e.action === 'refer') kv('to', tc('referTo', d.to, t('timeline.otherAction')));
  if (d.satisfaction) kv('satisfaction', tc('satisfaction', d.satisfaction));
  if (typeof d.confirmed_resolved === 'boolean') kv('confirmed_resolved', d.confirmed_resolved ? t('common.yes') : t('common.no'));
  if (d.note) kv('note', d.note);
  if (d.text) kv('text', d.text);
  if (d.other_id_code) kv(e.action === 'merge' ? 'merged_into' : 'other_id', d.other_id_code);
  if (d.absorbed_code) kv('absorbed', d.absorbed_code);
  if (d.new_id_code) kv('new_id', d.new_id_code);
  if (e.action === 'edit' && Array.isArray(d.fields)) {
    kv('fields', d.fields.map((f) => tc('editField', f, t('timeline.otherAction'))).join(t('common.listSep')));
  }
  return out;
}

/** The values an edit replaced, behind a button (shown on request). */
function editDetail(d) {
  if (!d || !d.old || !d.new) return null;
  const id = `tl-edit-${Math.random().toString(36).slice(2, 10)}`;
  const show = (f, v) => {
    if (v === null || v === undefined || v === '') return t('timeline.empty_value');
    if (f === 'category') return tc('category', v);
    if (f === 'parties' && Array.isArray(v)) {
      return v.map((p) => [tc('partyRole', p.role), p.name, p.org, p.phone].filter(Boolean).join(' ')).join(t('common.listSep'));
    }
    return String(v);
  };
  const rows = h('dl', { class: 'kv edit-values', id, hidden: true },
    (d.fields || Object.keys(d.new)).map((f) => h('div', { class: 'kv-row' },
      h('dt', null, tc('editField', f, t('timeline.otherAction'))),
      h('dd', null,
        h('div', { class: 'old-value' }, t('timeline.oldValue'), t('common.colon'), show(f, d.old[f])),
        h('div', { class: 'new-value' }, t('timeline.newValue'), t('common.colon'), show(f, d.new[f]))))));
  const btn = h('button', { type: 'button', class: 'btn btn-small btn-link tl-old', 'aria-expanded': 'false', 'aria-controls': id }, t('timeline.showOld'));
  btn.addEventListener('click', () => {
    const open = rows.hidden;
    rows.hidden = !open;
    btn.setAttribute('aria-expanded', open ? 'true' : 'false');
    btn.textContent = open ? t('timeline.hideOld') : t('timeline.showOld');
  });
  return h('div', { class: 'tl-edit' }, btn, rows);
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
