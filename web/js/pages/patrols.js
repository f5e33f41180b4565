// patrols.js - 巡查走访 (patrols, issue 15): a grid worker's own patrols
// with the households visited and what was found, the grid head's "who is
// behind" list against the grid's norm, and the coverage of the grids the
// caller sees (households visited in 30 days, grids not walked for N
// days); coverageCard() is the same coverage on the dashboard. The route
// itself is the worker's work record: the page shows how many points it
// holds, never a map of it.
import { h, append, replace, field, qs } from '../dom.js';
import { t, fmtDateTime, fmtNumber, bjDay } from '../i18n.js';
import { get, errorBox } from '../api.js';
import { emptyState, loading } from '../common.js';

const DAYS = [3, 7, 14, 30];

function minutes(p) {
  return Math.max(0, Math.round((Date.parse(p.ended_at) - Date.parse(p.started_at)) / 60000));
}

function patrolItem(p) {
  const route = p.route_thinned ? t('patrol.routeThinned', { n: fmtNumber(p.route_points) })
    : t('patrol.routePoints', { n: fmtNumber(p.route_points) });
  return h('li', { class: 'patrol-item card', dataset: { id: p.id } },
    h('p', { class: 'patrol-when' }, h('strong', null, fmtDateTime(p.started_at)),
      ' · ', t('patrol.minutes', { n: fmtNumber(minutes(p)) })),
    h('p', { class: 'patrol-meta' }, `${p.grid_name} · ${p.display_name || p.username}`),
    h('p', { class: 'patrol-meta' }, t('patrol.households', { n: fmtNumber(p.visits) }), ' · ', route),
    p.findings ? h('p', { class: 'patrol-findings' }, t('patrol.findingsOf', { text: p.findings })) : null);
}

function coverageTable(res) {
  const cols = [
    ['households', t('patrol.col.households')],
    ['visited', t('patrol.col.visited')],
    ['last_patrol', t('patrol.col.last')],
  ];
  const rows = res.items.map((g) => h('tr', { class: g.not_walked ? 'patrol-stale' : '', dataset: { grid: g.id } },
    h('th', { scope: 'row', 'data-label': t('patrol.col.grid') }, g.name),
    h('td', { 'data-label': cols[0][1], class: 'num' }, g.households === null ? '—' : fmtNumber(g.households)),
    h('td', { 'data-label': cols[1][1], class: 'num' }, fmtNumber(g.visited)),
    h('td', { 'data-label': cols[2][1] }, h('span', null, g.last_patrol ? fmtDateTime(g.last_patrol) : t('patrol.never'),
      g.not_walked ? h('span', { class: 'badge patrol-stale-badge' }, t('patrol.notWalked', { n: res.days })) : null))));
  return h('div', { class: 'table-wrap' }, h('table', { class: 'responsive patrol-coverage' },
    h('caption', null, t('patrol.coverageCaption', { days: res.window_days })),
    h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('patrol.col.grid')),
      ...cols.map(([, label]) => h('th', { scope: 'col' }, label)))),
    h('tbody', null, ...rows)));
}

function coverageTotals(res) {
  return h('p', { class: 'patrol-totals' }, t('patrol.totals', {
    grids: fmtNumber(res.total.grids), visited: fmtNumber(res.total.visited),
    households: fmtNumber(res.total.households), stale: fmtNumber(res.total.not_walked), days: res.days,
  }));
}

/** The dashboard's coverage card: filled when the answer comes, and hidden
 * for a caller who sees no grid. */
export function coverageCard() {
  const box = h('section', { class: 'card patrol-card', id: 'dash-patrols', 'aria-labelledby': 'dash-patrols-h', hidden: true },
    h('h2', { id: 'dash-patrols-h' }, t('patrol.coverage')));
  get('/api/v1/patrols/coverage?days=7').then((res) => {
    if (!res.total.grids) return;
    append(box, coverageTotals(res), h('p', null, h('a', { href: '#/patrols' }, t('patrol.more'))));
    box.hidden = false;
  }).catch(() => {});
  return box;
}

export async function render({ container, query, isCurrent }) {
  const days = DAYS.includes(Number(query.get('days'))) ? Number(query.get('days')) : 7;
  const date = /^\d{4}-\d{2}-\d{2}$/.test(query.get('date') || '') ? query.get('date') : bjDay();
  const mineBox = h('div', null, loading());
  const behindBox = h('div', null, loading());
  const coverBox = h('div', null, loading());

  const dateIn = h('input', { type: 'date', name: 'date', value: date });
  const daysSel = h('select', { name: 'days' }, ...DAYS.map((d) => h('option', { value: d, selected: d === days }, t('patrol.daysOpt', { n: d }))));
  const form = h('form', { class: 'filters card patrol-filters' },
    h('div', { class: 'filter-grid' }, field(t('patrol.date'), dateIn).wrap, field(t('patrol.staleDays'), daysSel).wrap),
    h('button', { type: 'submit', class: 'btn' }, t('patrol.apply')));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    location.hash = '#/patrols' + qs({ date: dateIn.value, days: daysSel.value });
  });

  append(container,
    h('div', { class: 'page-head' }, h('h1', null, t('patrol.title'))),
    h('p', { class: 'muted' }, t('patrol.lead')),
    form,
    h('section', { 'aria-labelledby': 'patrol-mine' }, h('h2', { id: 'patrol-mine' }, t('patrol.mine')), mineBox),
    h('section', { 'aria-labelledby': 'patrol-behind' }, h('h2', { id: 'patrol-behind' }, t('patrol.behind')), behindBox),
    h('section', { 'aria-labelledby': 'patrol-cover' }, h('h2', { id: 'patrol-cover' }, t('patrol.coverage')), coverBox));

  let mine; let behind; let cover;
  try {
    [mine, behind, cover] = await Promise.all([
      get('/api/v1/patrols?mine=1&limit=20'),
      get('/api/v1/patrols/behind' + qs({ date })),
      get('/api/v1/patrols/coverage' + qs({ days })),
    ]);
  } catch (err) {
    if (isCurrent()) {
      replace(mineBox, errorBox(err));
      replace(behindBox);
      replace(coverBox);
    }
    return;
  }
  if (!isCurrent()) return;

  replace(mineBox, mine.items.length ? h('ul', { class: 'patrol-list' }, ...mine.items.map(patrolItem))
    : emptyState(t('patrol.noneMine')));

  if (!behind.items.length) {
    replace(behindBox, h('p', { class: 'muted' }, t('patrol.noneBehind')));
  } else {
    const rows = behind.items.map((x) => h('tr', { class: x.behind ? 'patrol-late' : '', dataset: { user: x.username } },
      h('th', { scope: 'row', 'data-label': t('patrol.col.worker') }, x.display_name || x.username),
      h('td', { 'data-label': t('patrol.col.grid') }, x.grid_name),
      h('td', { 'data-label': t('patrol.col.visits'), class: 'num' }, `${fmtNumber(x.visits)}/${fmtNumber(x.norm)}`),
      h('td', { 'data-label': t('patrol.col.state') }, h('span', { class: ['badge', x.behind ? 'patrol-late-badge' : 'patrol-ok-badge'] },
        x.behind ? t('patrol.isBehind') : t('patrol.onTrack')))));
    replace(behindBox,
      h('p', null, t('patrol.behindCount', { n: fmtNumber(behind.behind), date: behind.date })),
      h('div', { class: 'table-wrap' }, h('table', { class: 'responsive patrol-behind' },
        h('caption', { class: 'visually-hidden' }, t('patrol.behind')),
        h('thead', null, h('tr', null, ...['worker', 'grid', 'visits', 'state'].map((k) => h('th', { scope: 'col' }, t('patrol.col.' + k))))),
        h('tbody', null, ...rows))));
  }

  replace(coverBox, cover.items.length ? [coverageTotals(cover), coverageTable(cover)]
    : [h('p', { class: 'muted' }, t('patrol.noGrids'))]);
}
