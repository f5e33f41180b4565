// cases.js - the case list: filters, full-text search, paging, CSV export.
import { h, append, replace, field, select, qs } from '../dom.js';
import { t, tc, fmtDateTime, fmtNumber } from '../i18n.js';
import { get, session, errorBox } from '../api.js';
import { CATEGORIES, CHANNELS, TRACKS, STATUSES, codeOptions, statusBadge, trackBadge, nextDeadline, deadlineChip, deadlineUrgency, emptyState, loading, userRootRegion } from '../common.js';
import { regionPicker } from '../regionPicker.js';

const FILTERS = ['q', 'region', 'status', 'category', 'channel', 'track', 'overdue', 'resolved', 'imported', 'from', 'to', 'sort', 'mine', 'page', 'page_size'];
const SORTS = ['-created_at', 'created_at', 'due'];
const PAGE_SIZE = 20;

export async function render({ container, query, navigate, isCurrent }) {
  const f = {};
  for (const k of FILTERS) if (query.get(k)) f[k] = query.get(k);
  const page = Math.max(1, parseInt(f.page || '1', 10) || 1);

  const root = userRootRegion(session.user);
  const q = field(t('cases.search'), h('input', { type: 'search', name: 'q', value: f.q || '', placeholder: t('cases.searchPlaceholder') }), { name: 'q' });
  const status = field(t('case.status'), select(codeOptions('status', STATUSES, t('common.all')), { name: 'status', value: f.status || '' }), { name: 'status' });
  const category = field(t('case.category'), select(codeOptions('category', CATEGORIES, t('common.all')), { name: 'category', value: f.category || '' }), { name: 'category' });
  const channel = field(t('case.channel'), select(codeOptions('channel', CHANNELS, t('common.all')), { name: 'channel', value: f.channel || '' }), { name: 'channel' });
  const track = field(t('case.track'), select(codeOptions('track', TRACKS, t('common.all')), { name: 'track', value: f.track || '' }), { name: 'track' });
  const from = field(t('cases.from'), h('input', { type: 'date', name: 'from', value: f.from || '' }), { name: 'from' });
  const to = field(t('cases.to'), h('input', { type: 'date', name: 'to', value: f.to || '' }), { name: 'to' });
  const sort = field(t('cases.sort'), select(SORTS.map((s) => ({ value: s, label: t('sort.' + s) })), { name: 'sort', value: f.sort || '-created_at' }), { name: 'sort' });
  const overdue = h('input', { type: 'checkbox', id: 'f-overdue', name: 'overdue', checked: f.overdue === 'true' });
  const mine = h('input', { type: 'checkbox', id: 'f-mine', name: 'mine', checked: f.mine === 'true' });
  const picker = regionPicker({ root: root.code, pickLevel: 'any', legend: t('cases.region'), value: f.region });

  const more = h('details', { class: 'more-filters', open: Boolean(f.region || f.channel || f.track || f.from || f.to) },
    h('summary', null, t('cases.moreFilters')),
    h('div', { class: 'filter-grid' }, channel.wrap, track.wrap, from.wrap, to.wrap),
    picker.el);
  const form = h('form', { class: 'filters card', role: 'search', 'aria-label': t('cases.filters') },
    h('div', { class: 'filter-grid' }, q.wrap, status.wrap, category.wrap, sort.wrap),
    h('div', { class: 'checks' },
      h('div', { class: 'checkbox' }, overdue, h('label', { for: 'f-overdue' }, t('cases.overdueOnly'))),
      h('div', { class: 'checkbox' }, mine, h('label', { for: 'f-mine' }, t('cases.mineOnly')))),
    more,
    h('p', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'btn btn-primary' }, t('cases.apply')),
      h('a', { href: '#/cases', class: 'btn' }, t('cases.reset'))));

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const nf = {
      q: q.input.value.trim(), status: status.input.value, category: category.input.value,
      channel: channel.input.value, track: track.input.value, from: from.input.value, to: to.input.value,
      sort: sort.input.value === '-created_at' ? '' : sort.input.value,
      overdue: overdue.checked ? 'true' : '', mine: mine.checked ? 'true' : '',
    };
    const rv = picker.value();
    if (rv && rv !== root.code) nf.region = rv;
    navigate('#/cases' + qs(nf));
  });

  const apiFilters = { ...f, page, page_size: PAGE_SIZE };
  const csvFilters = { ...f };
  delete csvFilters.page; delete csvFilters.page_size;
  const csv = h('a', { href: '/api/cases.csv' + qs(csvFilters), class: 'btn btn-small', download: 'cases.csv' }, t('cases.csv'));
  const csvReadable = h('a', { href: '/api/cases.csv' + qs({ ...csvFilters, format: 'readable' }), class: 'btn btn-small', download: '', id: 'csv-readable' }, t('an.csvReadable'));
  const results = h('div', { class: 'results', 'aria-live': 'polite' }, loading());

  append(container,
    h('div', { class: 'page-head' },
      h('h1', null, t('cases.title')),
      h('div', { class: 'page-actions' }, csvReadable, csv, h('a', { href: '#/new', class: 'btn btn-primary btn-small' }, t('nav.new')))),
    form, results);

  let json;
  try {
    json = await get('/api/cases' + qs(apiFilters));
  } catch (err) {
    if (isCurrent()) replace(results, errorBox(err));
    return;
  }
  if (!isCurrent()) return;
  const items = json.items || [];
  const total = json.total || 0;
  const size = json.page_size || PAGE_SIZE;
  const pages = Math.max(1, Math.ceil(total / size));
  if (items.length === 0) {
    const filtered = Object.keys(f).some((k) => k !== 'page' && k !== 'sort');
    replace(results, emptyState(filtered ? t('cases.emptyFiltered') : t('cases.empty'), [
      filtered ? h('a', { href: '#/cases', class: 'btn' }, t('cases.reset')) : null, ' ',
      h('a', { href: '#/new', class: 'btn btn-primary' }, t('nav.new'))]));
    return;
  }
  const table = h('table', { class: 'case-table responsive' },
    h('caption', { class: 'visually-hidden' }, t('cases.title')),
    h('thead', null, h('tr', null,
      ...['case.trackingCode', 'case.title', 'case.status', 'case.category', 'case.region', 'case.unit', 'case.deadline', 'case.createdAt']
        .map((k) => h('th', { scope: 'col' }, t(k))))));
  const tbody = h('tbody');
  for (const c of items) {
    const d = nextDeadline(c);
    const u = d ? deadlineUrgency(d) : 'none';
    tbody.appendChild(h('tr', { class: 'urgency-row-' + u, dataset: { id: String(c.id) } },
      h('td', { 'data-label': t('case.trackingCode') }, h('span', { class: 'code' }, c.tracking_code)),
      h('td', { 'data-label': t('case.title') }, h('a', { href: `#/case/${c.id}` }, c.title || c.tracking_code), ' ', trackBadge(c.track)),
      h('td', { 'data-label': t('case.status') }, statusBadge(c.status)),
      h('td', { 'data-label': t('case.category') }, tc('category', c.category)),
      h('td', { 'data-label': t('case.region') }, c.region_name || c.region),
      h('td', { 'data-label': t('case.unit') }, c.unit_region_name || ''),
      h('td', { 'data-label': t('case.deadline') }, d ? deadlineChip(d) : '—'),
      h('td', { 'data-label': t('case.createdAt') }, fmtDateTime(c.created_at))));
  }
  table.appendChild(tbody);

  const pager = h('nav', { class: 'pager', 'aria-label': t('cases.paging') });
  const link = (p, label, rel) => h('a', { href: '#/cases' + qs({ ...f, page: p > 1 ? p : '' }), class: 'btn btn-small', rel }, label);
  if (page > 1) pager.appendChild(link(page - 1, t('cases.prev'), 'prev'));
  pager.appendChild(h('span', { class: 'pager-info' }, t('cases.pageInfo', { page, pages, total: fmtNumber(total) + (json.total_exact === false ? '+' : '') })));
  if (page < pages) pager.appendChild(link(page + 1, t('cases.next'), 'next'));

  replace(results, h('div', { class: 'table-wrap' }, table), pager);
}
