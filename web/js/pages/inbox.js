// inbox.js - 待办: the signed-in user's cases, most urgent first.
import { h, append, replace } from '../dom.js';
import { t, tc, fmtDateTime } from '../i18n.js';
import { get, errorBox } from '../api.js';
import { statusBadge, trackBadge, nextDeadline, deadlineUrgency, deadlineChip, urgencyKey, emptyState, loading } from '../common.js';

export async function render({ container, isCurrent }) {
  const body = h('div', null, loading());
  const refresh = h('button', { type: 'button', class: 'btn btn-small' }, t('common.refresh'));
  append(container,
    h('div', { class: 'page-head' },
      h('h1', null, t('inbox.title')),
      h('div', { class: 'page-actions' }, refresh, h('a', { href: '#/new', class: 'btn btn-primary btn-small' }, t('nav.new')))),
    h('p', { class: 'muted' }, t('inbox.lead')),
    body);
  refresh.addEventListener('click', load);

  async function load() {
    replace(body, loading());
    let json;
    try {
      json = await get('/api/cases?mine=true&sort=due&page_size=100');
    } catch (err) {
      if (isCurrent()) replace(body, errorBox(err));
      return;
    }
    if (!isCurrent()) return;
    const items = (json.items || []).slice();
    // Keep the server's order among equals, but make sure the most urgent come first.
    items.forEach((c, i) => { c._i = i; });
    items.sort((a, b) => (urgencyKey(a) - urgencyKey(b)) || (a._i - b._i));
    if (items.length === 0) {
      replace(body, emptyState(t('inbox.empty'), [
        h('a', { href: '#/new', class: 'btn btn-primary' }, t('nav.new')), ' ',
        h('a', { href: '#/cases', class: 'btn' }, t('inbox.allCases'))]));
      return;
    }
    let overdue = 0; let soon = 0;
    const list = h('ul', { class: 'case-cards' });
    for (const c of items) {
      const d = nextDeadline(c);
      const u = d ? deadlineUrgency(d) : 'none';
      if (u === 'overdue') overdue += 1;
      if (u === 'soon') soon += 1;
      list.appendChild(caseCard(c, u, d));
    }
    replace(body,
      h('p', { class: 'inbox-summary', role: 'status' },
        t('inbox.summary', { n: json.total !== undefined ? json.total : items.length }), ' ',
        overdue ? h('span', { class: 'pill urgency-overdue' }, t('inbox.overdueCount', { n: overdue })) : null, ' ',
        soon ? h('span', { class: 'pill urgency-soon' }, t('inbox.soonCount', { n: soon })) : null),
      list);
  }
  await load();
}

export function caseCard(c, u, d) {
  return h('li', { class: ['case-card', 'urgency-' + u], dataset: { id: String(c.id) } },
    h('div', { class: 'case-card-head' },
      h('a', { href: `#/case/${c.id}`, class: 'case-title' }, c.title || c.tracking_code),
      statusBadge(c.status), trackBadge(c.track)),
    h('div', { class: 'case-card-meta' },
      h('span', { class: 'code' }, c.tracking_code),
      h('span', null, tc('category', c.category)),
      h('span', null, c.region_name),
      h('span', null, t('case.createdShort', { at: fmtDateTime(c.created_at) }))),
    d ? h('div', { class: 'case-card-deadline' }, deadlineChip(d)) : null);
}
