// inbox.js - 待办: the signed-in user's work queues as tabs with counts
// (待受理, 办理中, 新上报, 待回访, 待结案, 已中止, 督办), each told apart as
// mine or my unit's not yet taken, a page at a time (GET /api/queues).
// Open reminders (督办) are shown above the tabs.
import { h, append, replace, qs } from '../dom.js';
import { t, tc, fmtDateTime, fmtNumber } from '../i18n.js';
import { get, errorBox } from '../api.js';
import { statusBadge, trackBadge, nextDeadline, deadlineUrgency, deadlineChip, emptyState, loading } from '../common.js';
import { bindKeys, listKeys } from '../keys.js';

const QUEUES = ['to_accept', 'in_progress', 'escalated', 'follow_up', 'to_close', 'stopped', 'reminders'];
const WHO = ['all', 'mine', 'unit'];
const PAGE_SIZE = 20;

export async function render({ container, query, navigate, isCurrent }) {
  const refresh = h('button', { type: 'button', class: 'btn btn-small' }, t('common.refresh'));
  const alerts = h('div', { class: 'inbox-alerts' });
  const tabs = h('div', { class: 'queue-tabs', role: 'tablist', 'aria-label': t('queue.tabs') });
  const panel = h('div', { class: 'queue-panel', role: 'tabpanel', id: 'queue-panel', tabindex: '-1' }, loading());
  append(container,
    h('div', { class: 'page-head' },
      h('h1', null, t('inbox.title')),
      h('div', { class: 'page-actions' }, refresh, h('a', { href: '#/new', class: 'btn btn-primary btn-small' }, t('nav.new')))),
    h('p', { class: 'muted' }, t('queue.lead')),
    alerts, tabs, panel);
  refresh.addEventListener('click', () => load());

  const keys = listKeys(panel, '.case-card', 'a.case-title');
  bindKeys(isCurrent, { j: keys.next, k: keys.prev });

  let counts;
  try {
    counts = (await get('/api/queues')).counts || {};
  } catch (err) {
    if (isCurrent()) replace(panel, errorBox(err));
    return;
  }
  if (!isCurrent()) return;
  const asked = query.get('queue');
  const queue = QUEUES.includes(asked) ? asked
    : QUEUES.find((q) => q !== 'reminders' && counts[q] && counts[q].total > 0) || 'to_accept';
  const who = WHO.includes(query.get('who')) ? query.get('who') : 'all';
  const page = Math.max(1, parseInt(query.get('page') || '1', 10) || 1);
  const href = (p) => '#/inbox' + qs({ queue, who: who === 'all' ? '' : who, page: '', ...p });

  drawTabs();
  await load();

  function drawTabs() {
    replace(tabs, QUEUES.map((q) => {
      const n = counts[q] || { total: 0, mine: 0 };
      const selected = q === queue;
      return h('a', {
        href: '#/inbox' + qs({ queue: q }), role: 'tab', id: `tab-${q}`, class: ['queue-tab', selected ? 'active' : '', q === 'reminders' && n.total ? 'has-reminders' : ''],
        'aria-selected': selected ? 'true' : 'false', 'aria-controls': 'queue-panel', dataset: { queue: q },
      }, t(`queue.${q}`), ' ', h('span', { class: 'count' }, fmtNumber(n.total)),
      n.mine && n.mine !== n.total ? h('span', { class: 'visually-hidden' }, t('queue.mineOf', { n: n.mine })) : null);
    }));
  }

  async function load() {
    replace(panel, loading());
    let json;
    let rem = null;
    try {
      json = await get(`/api/queues/${queue}` + qs({ who: who === 'all' ? '' : who, page: page > 1 ? page : '', page_size: PAGE_SIZE }));
      if (queue !== 'reminders' && counts.reminders && counts.reminders.total) rem = await get('/api/queues/reminders?page_size=5');
    } catch (err) {
      if (isCurrent()) replace(panel, errorBox(err));
      return;
    }
    if (!isCurrent()) return;
    drawReminders(rem);
    const items = json.items || [];
    const n = counts[queue] || { total: 0, mine: 0 };
    const filter = h('div', { class: 'queue-who', role: 'group', 'aria-label': t('queue.whoLabel') },
      WHO.map((w) => h('a', { href: href({ who: w === 'all' ? '' : w }), class: ['btn', 'btn-small', w === who ? 'btn-primary' : ''], 'aria-current': w === who ? 'true' : null },
        t(`queue.who.${w}`), ' ', h('span', { class: 'count' }, fmtNumber(w === 'all' ? n.total : w === 'mine' ? n.mine : n.total - n.mine)))));
    if (!items.length) {
      replace(panel, filter, emptyState(t(`queue.empty.${queue}`), [
        h('a', { href: '#/new', class: 'btn btn-primary' }, t('nav.new')), ' ',
        h('a', { href: '#/cases', class: 'btn' }, t('inbox.allCases'))]));
      return;
    }
    const list = h('ul', { class: 'case-cards' }, items.map((c) => queueCard(c, queue)));
    const pages = Math.max(1, Math.ceil((json.total || 0) / PAGE_SIZE));
    const pager = pages > 1 ? h('nav', { class: 'pager', 'aria-label': t('cases.paging') },
      page > 1 ? h('a', { href: href({ page: page - 1 > 1 ? page - 1 : '' }), class: 'btn btn-small', rel: 'prev' }, t('cases.prev')) : null,
      h('span', { class: 'pager-info' }, t('cases.pageInfo', { page, pages, total: fmtNumber(json.total) })),
      page < pages ? h('a', { href: href({ page: page + 1 }), class: 'btn btn-small', rel: 'next' }, t('cases.next')) : null) : null;
    replace(panel, filter,
      h('p', { class: 'inbox-summary', role: 'status' }, t('inbox.summary', { n: fmtNumber(json.total || 0) }), ' ',
        h('span', { class: 'muted' }, t('queue.keysHint'))),
      list, pager);
  }

  function drawReminders(rem) {
    const items = rem ? rem.items || [] : [];
    if (!items.length) { replace(alerts); return; }
    replace(alerts, h('section', { class: 'reminder-box', 'aria-labelledby': 'rem-title' },
      h('h2', { id: 'rem-title' }, t('queue.remindersTitle', { n: fmtNumber(counts.reminders.total) })),
      h('ul', { class: 'reminder-list' }, items.map((c) => h('li', null,
        h('a', { href: `#/case/${c.id}` }, c.title || c.tracking_code), ' ',
        reminderLine(c.queue && c.queue.reminder)))),
      counts.reminders.total > items.length ? h('a', { href: '#/inbox?queue=reminders' }, t('queue.allReminders')) : null));
  }
  void navigate;
}

function reminderLine(r) {
  if (!r) return null;
  return h('span', { class: 'reminder-line' },
    t('queue.remindedBy', { who: r.actor_name || r.actor, at: fmtDateTime(r.at) }), t('common.colon'), r.reason || '');
}

function moveLine(m) {
  if (!m) return null;
  return h('div', { class: ['queue-move', `move-${m.kind}`] },
    t(m.kind === 'send_back' ? 'queue.sentBackBy' : 'queue.escalatedBy',
      { who: m.actor_name || m.actor, at: fmtDateTime(m.at), from: m.from_unit_name || '' }),
    m.reason ? [t('common.colon'), h('q', null, m.reason)] : null);
}

export function queueCard(c, queue) {
  const q = c.queue || {};
  const d = nextDeadline(c);
  const u = d ? deadlineUrgency(d) : 'none';
  const follow = queue === 'follow_up' && q.follow_up_due
    ? {
      kind: 'follow_up', due_at: q.follow_up_due, met_at: null, overdue: q.follow_up_overdue,
      remaining_seconds: Math.round((Date.parse(q.follow_up_due) - Date.now()) / 1000),
      days_kind: q.follow_up_days_kind, days_left: q.follow_up_days_left,
    }
    : null;
  const showMove = q.move && (queue === 'escalated' || q.move.kind === 'send_back');
  return caseCard(c, follow ? deadlineUrgency(follow) : u, follow || d, [
    h('span', { class: ['pill', q.mine ? 'pill-mine' : 'pill-unit'] }, t(q.mine ? 'queue.mine' : 'queue.unit')),
    q.reminders ? h('span', { class: 'pill pill-remind' }, t('queue.reminderCount', { n: q.reminders })) : null,
  ], [
    showMove ? moveLine(q.move) : null,
    queue === 'reminders' && q.reminder ? h('div', { class: 'queue-move' }, reminderLine(q.reminder)) : null,
  ]);
}

export function caseCard(c, u, d, pills = [], extra = []) {
  return h('li', { class: ['case-card', 'urgency-' + u], dataset: { id: String(c.id) } },
    h('div', { class: 'case-card-head' },
      h('a', { href: `#/case/${c.id}`, class: 'case-title' }, c.title || c.tracking_code),
      statusBadge(c.status), trackBadge(c.track), ...pills),
    h('div', { class: 'case-card-meta' },
      h('span', { class: 'code' }, c.tracking_code),
      h('span', null, tc('category', c.category)),
      h('span', null, c.region_name),
      h('span', null, t('case.createdShort', { at: fmtDateTime(c.created_at) }))),
    ...extra,
    d ? h('div', { class: 'case-card-deadline' }, deadlineChip(d)) : null);
}
