// alerts.js - 预警 (early-warning alerts, issue 16; docs/analysis.md
// "Alerts") and the 研判 room's live board. The list tab shows the alerts
// the user sees, each saying why (observed against expected and the
// threshold, the method, the villages behind it) and its life (acknowledge,
// look into, close as real or as a false alarm with a note), with each
// method's precision from the closings next to its parameters. The board
// tab receives new alerts and newly red cases without reload (server-sent
// events, /api/v1/alerts/stream) and colours the sub-regions by the rate
// the user picks (the dashboard's rates, /api/stats/dashboard), one tile a
// sub-region with a table of the same numbers.
import { h, append, replace, field, select, qs } from '../dom.js';
import { t, tc, fmtNumber, fmtPercent, fmtDateTime, getLocale } from '../i18n.js';
import { get, post, session, clearErrors, showError, errorBox, ApiError } from '../api.js';
import { emptyState, loading, userRootRegion } from '../common.js';

const STATUSES = ['open', 'acknowledged', 'investigating', 'closed_real', 'closed_false'];
// the actions each status allows (service/alert.c's table)
const NEXT = {
  open: ['acknowledge', 'investigate', 'close_real', 'close_false'],
  acknowledged: ['investigate', 'close_real', 'close_false'],
  investigating: ['close_real', 'close_false'],
};
const BADGE = { open: 'registered', acknowledged: 'accepted', investigating: 'mediating', closed_real: 'resolved', closed_false: 'rejected' };
// the dashboard's rates of a sub-region row (dashboard.js): [numerator, denominator]
const RATES = {
  in_village: (c) => [c.resolved_in_village, c.resolved],
  at_or_below_township: (c) => [c.resolved_at_or_below_township, c.resolved],
  above_county: (c) => [c.escalated_above_county, c.cases],
  on_time: (c) => [c.resolved_on_time, (c.resolved || 0) + (c.open_overdue || 0)],
};

let echartsPromise = null;
function loadEcharts() {
  if (window.echarts) return Promise.resolve(window.echarts);
  if (!echartsPromise) {
    echartsPromise = new Promise((resolve, reject) => {
      const s = document.createElement('script');
      s.src = '/vendor/echarts.min.js';
      s.async = true;
      s.onload = () => resolve(window.echarts);
      s.onerror = () => { echartsPromise = null; reject(new Error('echarts')); };
      document.head.appendChild(s);
    });
  }
  return echartsPromise;
}

const num = (x) => fmtNumber(Math.round((x || 0) * 10) / 10);
const statusBadge = (s) => h('span', { class: `badge alert-status status-${BADGE[s] || 'registered'}`, dataset: { status: s } }, t('alert.status.' + s));
const what = (a) => [a.region_name || a.region, ' · ', a.category ? tc('category', a.category) : t('alert.allCategories')];

/** One line of the list: where, what, when, how strong, and its status. */
function alertItem(a) {
  return h('li', { class: 'alert-item card', dataset: { alert: a.id } },
    h('p', { class: 'alert-head' },
      h('a', { href: '#/alerts' + qs({ id: a.id }), class: 'alert-link' }, ...what(a)), ' ', statusBadge(a.status)),
    h('p', { class: 'muted small' }, t('alert.why', {
      day: a.day, observed: fmtNumber(a.observed), expected: num(a.expected), threshold: num(a.threshold),
      method: t('alert.method.' + a.method),
    })));
}

/** The closings' precision per method, next to the methods' parameters. */
function statsCard(st) {
  const rows = (st.methods || []).map((m) => h('tr', { dataset: { method: m.method } },
    h('th', { scope: 'row' }, t('alert.method.' + m.method)),
    h('td', { class: 'num', 'data-label': t('alert.raised') }, fmtNumber(m.raised)),
    h('td', { class: 'num', 'data-label': t('alert.status.closed_real') }, fmtNumber(m.closed_real)),
    h('td', { class: 'num', 'data-label': t('alert.status.closed_false') }, fmtNumber(m.closed_false)),
    h('td', { class: 'num alert-precision', 'data-label': t('alert.precisionCol') }, m.precision === null ? '—' : fmtPercent(m.precision))));
  const p = st.params || {};
  return h('section', { class: 'card alert-stats', 'aria-labelledby': 'alert-stats-h' },
    h('h2', { id: 'alert-stats-h' }, t('alert.precision')),
    h('div', { class: 'table-wrap' }, h('table', { class: 'responsive' },
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('alert.method')),
        ...['alert.raised', 'alert.status.closed_real', 'alert.status.closed_false', 'alert.precisionCol']
          .map((k) => h('th', { scope: 'col', class: 'num' }, t(k))))),
      h('tbody', null, rows))),
    h('p', { class: 'muted small' }, t('alert.params', {
      c2: p.c2_baseline, gap: p.c2_gap, k: p.c2_k, nb: p.nb_baseline, alpha: p.nb_alpha, min: p.min_count,
      budget: st.rules ? st.rules.budget_per_week : '', quiet: st.rules ? st.rules.quiet_days : '',
    })),
    h('p', { class: 'muted small' }, t('alert.backtestNote')));
}

/** One alert: why, the villages behind it, its steps and what may be done. */
async function detail(box, id, reload) {
  let a;
  try {
    a = await get(`/api/v1/alerts/${encodeURIComponent(id)}`);
  } catch (err) {
    replace(box, errorBox(err));
    return;
  }
  const d = a.detail || {};
  const villages = (d.villages || []).slice().sort((x, y) => (y.observed || 0) - (x.observed || 0));
  const series = d.series || [];
  const note = h('textarea', { name: 'note', rows: 3, maxlength: 2000 });
  const noteF = field(t('alert.note'), note, { name: 'note', hint: t('alert.noteHint'), hintId: 'alert-note-hint' });
  const form = h('form', { class: 'form alert-act', novalidate: true });
  const flash = h('p', { class: 'flash', role: 'status', 'aria-live': 'polite' });
  const actions = a.can_act ? (NEXT[a.status] || []) : [];
  for (const act of actions) {
    const b = h('button', { type: 'button', class: ['btn', 'btn-small', act === 'close_real' ? 'btn-primary' : ''], dataset: { action: act } }, t('alert.act.' + act));
    b.addEventListener('click', async () => {
      clearErrors(form);
      // the server's rule, checked before sending: a note to close
      if (act.startsWith('close_') && !note.value.trim()) {
        showError(form, new ApiError(400, 'alert_note_required', '', 'note'));
        return;
      }
      b.disabled = true;
      try {
        await post(`/api/v1/alerts/${a.id}/actions/${act}`, note.value.trim() ? { note: note.value.trim() } : {});
        await reload(t('alert.done.' + act));
      } catch (err) {
        showError(form, err);
        b.disabled = false;
      }
    });
    form.appendChild(b);
  }
  if (actions.length) form.prepend(noteF.wrap);
  replace(box, h('section', { class: 'card alert-detail', 'aria-labelledby': 'alert-detail-h', dataset: { alert: a.id } },
    h('h2', { id: 'alert-detail-h' }, ...what(a), ' ', statusBadge(a.status)),
    flash,
    h('p', { class: 'alert-why' }, t('alert.why', {
      day: a.day, observed: fmtNumber(a.observed), expected: num(a.expected), threshold: num(a.threshold),
      method: t('alert.method.' + a.method),
    })),
    h('p', { class: 'muted small' }, t('alert.series', { from: d.series_from || '', list: series.join(t('common.listSep')) })),
    h('h3', null, t('alert.villages')),
    villages.length ? h('ul', { class: 'alert-villages' }, villages.map((v) => h('li', { dataset: { region: v.region } },
      t('alert.village', { name: v.name || v.region, observed: fmtNumber(v.observed), expected: num(v.expected) }))))
      : h('p', { class: 'muted' }, t('alert.noVillages')),
    a.note ? h('p', { class: 'alert-note' }, t('alert.note'), t('common.colon'), a.note) : null,
    h('h3', null, t('alert.steps')),
    h('ol', { class: 'alert-steps' }, (a.steps || []).map((s) => h('li', null,
      fmtDateTime(s.at), ' · ', t('alert.step.' + s.action), ' · ', s.actor, s.note ? [' · ', s.note] : null))),
    actions.length ? form : null));
}

async function listTab(body, query) {
  const status = STATUSES.includes(query.get('status')) ? query.get('status') : '';
  const sel = select([{ value: '', label: t('alert.anyStatus') }, ...STATUSES.map((s) => ({ value: s, label: t('alert.status.' + s) }))],
    { name: 'status', value: status, id: 'alert-status-filter' });
  sel.addEventListener('change', () => { location.hash = '#/alerts' + qs({ status: sel.value }); });
  const listBox = h('div', { class: 'alert-list' }, loading());
  const statsBox = h('div');
  append(body, h('div', { class: 'filters card' }, field(t('alert.statusFilter'), sel).wrap), listBox, statsBox);
  try {
    const [list, st] = await Promise.all([get('/api/v1/alerts' + qs({ status })), get('/api/v1/alerts/stats')]);
    replace(listBox, list.items.length ? h('ul', { class: 'plain-list alert-items' }, list.items.map(alertItem))
      : emptyState(t('alert.none')));
    replace(statsBox, statsCard(st));
  } catch (err) {
    replace(listBox, errorBox(err));
  }
}

// ---- the board ----

// the colour of a rate (0..1; null: no base), lowest to highest
const SCALE = ['#b91c1c', '#f59e0b', '#84cc16', '#15803d'];
const NO_BASE = '#cbd5e1';
// escalation above the county is better low: its scale runs the other way
const LOWER_BETTER = new Set(['above_county']);
const colourOf = (v, rate) => {
  if (v === null) return NO_BASE;
  const good = LOWER_BETTER.has(rate) ? 1 - v : v;
  return SCALE[Math.min(SCALE.length - 1, Math.floor(good * SCALE.length))];
};

/** Draws the sub-regions coloured by one rate, one equal tile each:
 * Fengqiao keeps no boundaries of regions (only of grids), and the board
 * draws no map tiles from elsewhere. */
async function drawBoardMap(el, rows, rate, charts) {
  let echarts;
  try {
    echarts = await loadEcharts();
  } catch (_) {
    el.textContent = t('dash.chartsUnavailable');
    return;
  }
  const data = rows.map((c) => {
    const [n, d] = RATES[rate](c);
    const v = d ? (n || 0) / d : null;
    const shown = v === null ? '—' : fmtPercent(v);
    return { name: `${c.name}\n${shown}`, value: 1, itemStyle: { color: colourOf(v, rate) } };
  });
  const chart = echarts.init(el, null, { renderer: 'canvas', locale: getLocale() === 'en' ? 'EN' : 'ZH' });
  chart.setOption({
    animation: false,
    tooltip: { renderMode: 'richText', confine: true, formatter: (p) => p.name },
    series: [{
      type: 'treemap', roam: false, nodeClick: false, breadcrumb: { show: false },
      top: 4, bottom: 4, left: 4, right: 4, squareRatio: 1,
      label: { show: true, color: '#111827', fontWeight: 'bold', textBorderColor: '#fff', textBorderWidth: 2 },
      itemStyle: { borderColor: '#fff', borderWidth: 2, gapWidth: 2 },
      data,
    }],
  });
  charts.push(chart);
}

function liveItem(kind, d) {
  if (kind === 'risk') {
    return h('li', { class: 'board-risk', dataset: { case: d.case_id } },
      h('span', { class: 'badge status-rejected' }, t('alert.grade.' + d.grade)), ' ',
      h('a', { href: `#/case/${encodeURIComponent(d.case_id)}` }, d.code || '', ' ', d.title || ''));
  }
  return h('li', { class: 'board-alert', dataset: { alert: d.id } },
    statusBadge(d.status || 'open'), ' ',
    h('a', { href: '#/alerts' + qs({ id: d.id }) }, ...what(d)), ' · ',
    t('alert.whyShort', { observed: fmtNumber(d.observed), threshold: num(d.threshold), day: d.day }));
}

async function boardTab(body, query, cleanups) {
  const root = userRootRegion(session.user);
  const region = query.get('region') || root.code;
  const rate = RATES[query.get('rate')] ? query.get('rate') : 'in_village';
  const rateSel = select(Object.keys(RATES).map((k) => ({ value: k, label: t('alert.rate.' + k) })), { name: 'rate', value: rate, id: 'board-rate' });
  rateSel.addEventListener('change', () => { location.hash = '#/alerts' + qs({ tab: 'board', region: query.get('region'), rate: rateSel.value }); });
  const state = h('p', { class: 'muted small board-state', role: 'status' }, t('alert.connecting'));
  const alerts = h('ul', { class: 'plain-list board-alerts', 'aria-live': 'polite', 'aria-relevant': 'additions' });
  const risks = h('ul', { class: 'plain-list board-risks', 'aria-live': 'polite', 'aria-relevant': 'additions' });
  const noRisk = h('p', { class: 'muted board-no-risk' }, t('alert.noRisk'));
  const mapEl = h('div', { class: 'chart-canvas board-map', id: 'board-map', role: 'img', 'aria-label': t('alert.mapLabel', { rate: t('alert.rate.' + rate) }) });
  const table = h('div', { class: 'table-wrap' });
  append(body,
    h('div', { class: 'board-grid' },
      h('section', { class: 'card', 'aria-labelledby': 'board-live-h' },
        h('h2', { id: 'board-live-h' }, t('alert.liveAlerts')), state, alerts),
      h('section', { class: 'card', 'aria-labelledby': 'board-risk-h' },
        h('h2', { id: 'board-risk-h' }, t('alert.liveRisks')), noRisk, risks)),
    h('section', { class: 'card', 'aria-labelledby': 'board-map-h' },
      h('h2', { id: 'board-map-h' }, t('alert.map')),
      field(t('alert.rate'), rateSel).wrap, mapEl, table));

  // the open alerts first, then what comes live
  try {
    const open = await get('/api/v1/alerts' + qs({ region: region.length <= 9 ? region : '', status: 'open' }));
    for (const a of open.items.slice(0, 20)) alerts.appendChild(liveItem('alert', a));
  } catch (_) { /* the live part still works */ }
  if (typeof EventSource !== 'undefined') {
    const es = new EventSource('/api/v1/alerts/stream' + qs({ region }));
    es.addEventListener('open', () => { state.textContent = t('alert.connected'); });
    es.addEventListener('error', () => { state.textContent = t('alert.reconnecting'); });
    es.addEventListener('alert', (e) => {
      const d = JSON.parse(e.data);
      alerts.prepend(liveItem('alert', d));
    });
    es.addEventListener('alert_status', (e) => {
      const d = JSON.parse(e.data);
      const badge = alerts.querySelector(`[data-alert="${d.id}"] .alert-status`);
      if (badge) badge.replaceWith(statusBadge(d.status));
    });
    es.addEventListener('risk', (e) => {
      const d = JSON.parse(e.data);
      noRisk.hidden = true;
      risks.prepend(liveItem('risk', d));
    });
    cleanups.push(() => es.close());
  }

  let dash;
  try {
    dash = await get('/api/stats/dashboard' + qs({ region }));
  } catch (err) {
    replace(mapEl, errorBox(err));
    return;
  }
  const rows = dash.children || [];
  if (!rows.length) {
    replace(mapEl, emptyState(t('dash.noChildren')));
    return;
  }
  // the table: the sub-areas with a base for the rate, worst first
  const based = rows.map((c) => ({ c, nd: RATES[rate](c) })).filter((x) => x.nd[1])
    .sort((x, y) => (x.nd[0] / x.nd[1] - y.nd[0] / y.nd[1]) * (LOWER_BETTER.has(rate) ? -1 : 1));
  replace(table, h('p', { class: 'muted small board-legend' }, t(LOWER_BETTER.has(rate) ? 'alert.legendLower' : 'alert.legend')),
    h('table', { class: 'board-rates' },
    h('caption', null, t('alert.rate.' + rate), rows.length > based.length ? t('alert.noBase', { n: rows.length - based.length }) : ''),
    h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('dash.subRegion')), h('th', { scope: 'col', class: 'num' }, t('alert.rate.' + rate)))),
    h('tbody', null, based.map(({ c, nd: [n, d] }) => {
      return h('tr', { dataset: { code: c.code } }, h('th', { scope: 'row' }, c.name),
        h('td', { class: 'num', 'data-label': t('alert.rate.' + rate) }, d ? fmtPercent((n || 0) / d) : '—', ' ',
          h('span', { class: 'frac muted' }, `${fmtNumber(n || 0)}/${fmtNumber(d || 0)}`)));
    }))));
  await drawBoardMap(mapEl, rows, rate, cleanups.charts);
}

export async function render({ container, query, isCurrent }) {
  const tab = query.get('tab') === 'board' ? 'board' : 'list';
  const id = query.get('id');
  const cleanups = [];
  cleanups.charts = [];
  const onResize = () => cleanups.charts.forEach((c) => c.resize());
  window.addEventListener('resize', onResize);
  const cleanup = () => {
    window.removeEventListener('resize', onResize);
    cleanups.forEach((f) => f());
    cleanups.charts.forEach((c) => c.dispose());
  };
  const tabs = h('div', { class: 'queue-tabs', role: 'tablist', 'aria-label': t('alert.title') },
    ['list', 'board'].map((k) => h('a', {
      href: '#/alerts' + qs({ tab: k === 'list' ? '' : k }), role: 'tab', class: ['queue-tab', k === tab && !id ? 'active' : ''],
      'aria-selected': k === tab && !id ? 'true' : 'false', 'aria-controls': 'alert-panel', dataset: { tab: k },
    }, t('alert.tab.' + k))));
  const body = h('div', { id: 'alert-panel', role: 'tabpanel' });
  const flash = h('p', { class: 'flash', role: 'status', 'aria-live': 'polite' });
  append(container, h('div', { class: 'page-head' }, h('h1', null, t('alert.title'))), tabs, flash, body);
  if (id) {
    const box = h('div', null, loading());
    append(body, h('p', null, h('a', { href: '#/alerts' }, t('alert.back'))), box);
    const reload = async (msg) => {
      await detail(box, id, reload);
      if (msg && isCurrent()) flash.textContent = msg;
    };
    await detail(box, id, reload);
  } else if (tab === 'board') {
    await boardTab(body, query, cleanups);
  } else {
    await listTab(body, query);
  }
  return cleanup;
}
