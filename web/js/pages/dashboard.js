// dashboard.js - 研判: cases over time, by category and channel, the headline
// rates (each with its numerator/denominator and the one base it is over,
// and a comparison with the previous period), quick date ranges, and a
// sub-region table that drills down one level: rates as sortable columns,
// every count a link to exactly those cases in the case list, empty rows
// hidden on request, and an export of the table as CSV.
import { h, append, replace, field, qs } from '../dom.js';
import { t, tc, fmtNumber, fmtPercent, getLocale } from '../i18n.js';
import { get, session, errorBox } from '../api.js';
import { eventFiguresCard } from './events-stats.js';
import { userRootRegion, emptyState, loading } from '../common.js';
import { coverageCard } from './patrols.js';

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

const PALETTE = ['#1f5fa8', '#c2410c', '#15803d', '#7e22ce', '#b45309', '#0f766e', '#be123c', '#4d7c0f', '#1d4ed8', '#a21caf', '#0369a1', '#92400e', '#374151', '#9f1239'];

export async function render({ container, query, navigate, isCurrent }) {
  const root = userRootRegion(session.user);
  const region = query.get('region') || root.code;
  const from = query.get('from') || '';
  const to = query.get('to') || '';
  const charts = [];
  const onResize = () => charts.forEach((c) => c.resize());
  window.addEventListener('resize', onResize);
  const cleanup = () => {
    window.removeEventListener('resize', onResize);
    charts.forEach((c) => c.dispose());
  };

  const fromF = field(t('cases.from'), h('input', { type: 'date', name: 'from', value: from }), { name: 'from' });
  const toF = field(t('cases.to'), h('input', { type: 'date', name: 'to', value: to }), { name: 'to' });
  const go = (f, tt) => navigate('#/dashboard' + qs({ region: region === root.code ? '' : region, from: f, to: tt, hide: hideEmpty ? '1' : '' }));
  let hideEmpty = query.get('hide') === '1';
  const quick = h('div', { class: 'quick-ranges', role: 'group', 'aria-label': t('an.quick') },
    ...QUICK.map((k) => {
      const [qf, qt] = quickRange(k, todayBJ());
      return h('button', { type: 'button', class: ['btn', 'btn-small', qf === from && qt === to ? 'active' : ''], 'aria-pressed': String(qf === from && qt === to), dataset: { range: k }, onclick: () => go(qf, qt) }, t('an.range.' + k));
    }));
  const form = h('form', { class: 'filters card dash-filters' },
    h('div', { class: 'form-row' }, fromF.wrap, toF.wrap,
      h('div', { class: 'field field-button' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('cases.apply')))),
    quick);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    go(fromF.input.value, toF.input.value);
  });

  const crumbs = h('nav', { class: 'breadcrumb region-crumbs', 'aria-label': t('dash.crumbs') });
  const body = h('div', { class: 'dash-body' }, loading());
  append(container,
    h('div', { class: 'page-head' }, h('h1', null, t('dash.title'))),
    crumbs, form, body);

  const rangeQs = (code) => qs({ region: code, from, to });
  const hrefFor = (code) => '#/dashboard' + qs({ region: code === root.code ? '' : code, from, to, hide: hideEmpty ? '1' : '' });
  const prev = from && to ? previousPeriod(from, to) : null;

  let levels; let dash; let info = null; let before = null;
  try {
    [levels, dash, info, before] = await Promise.all([
      get('/api/stats/levels' + rangeQs(region)),
      get('/api/stats/dashboard' + rangeQs(region)),
      get(`/api/regions/${encodeURIComponent(region)}`).catch(() => null),
      prev ? get('/api/stats/levels' + qs({ region, from: prev[0], to: prev[1] })).catch(() => null) : null,
    ]);
  } catch (err) {
    if (isCurrent()) replace(body, errorBox(err));
    return cleanup;
  }
  if (!isCurrent()) return cleanup;

  // Breadcrumb: from the user's own region down to this one.
  const path = info ? (info.path || []).slice() : [];
  if (info && !path.some((p) => p.code === info.code)) path.push({ code: info.code, name: info.name, level: info.level });
  const rootLevel = root.level || 1;
  const shown = path.filter((p) => (p.level || 0) >= rootLevel);
  const ol = h('ol');
  if (shown.length === 0) ol.appendChild(h('li', null, h('span', { 'aria-current': 'page' }, info ? info.name : region)));
  shown.forEach((p, i) => {
    const last = i === shown.length - 1;
    ol.appendChild(h('li', null, last ? h('span', { 'aria-current': 'page' }, p.name)
      : h('a', { href: hrefFor(p.code) }, p.name)));
  });
  replace(crumbs, ol);
  const regionName = info ? info.name : region;

  const rates = (levels && levels.rates) || {};
  const fr = (levels && levels.fractions) || {};
  const prevRates = (before && before.rates) || null;
  // One card per rate: the value, n/d, the one base it is over and, with a
  // date range, the change from the previous period of the same length.
  const rateCard = (key, label, note, cls) => {
    const f = fr[key] || {};
    let cmp = null;
    if (prevRates) {
      const was = prevRates[key];
      const diff = was === null || was === undefined || rates[key] === null || rates[key] === undefined ? null
        : Math.round((rates[key] - was) * 1000) / 10;
      cmp = h('p', { class: 'kpi-compare', dataset: { rate: key } }, t('an.compare', {
        was: fmtPercent(was), d: diff === null ? '—' : (diff > 0 ? '+' : '') + fmtNumber(diff) }));
    }
    return h('div', { class: ['kpi', cls], dataset: { rate: key } },
      h('p', { class: 'kpi-label' }, label),
      h('p', { class: 'kpi-value' }, fmtPercent(rates[key])),
      h('p', { class: 'kpi-frac' }, h('span', { class: 'frac', dataset: { rate: key } }, `${fmtNumber(f.num ?? 0)}/${fmtNumber(f.den ?? 0)}`),
        ' ', t('an.base.' + (f.base || 'resolved'))),
      note ? h('p', { class: 'kpi-note' }, note) : null,
      cmp);
  };
  const kpi = (key, value, note, cls) => h('div', { class: ['kpi', cls] },
    h('p', { class: 'kpi-label' }, t(key)),
    h('p', { class: 'kpi-value' }, value),
    note ? h('p', { class: 'kpi-note' }, note) : null);
  const headline = h('section', { class: 'kpis', 'aria-label': t('dash.rates') },
    rateCard('in_village', t('an.inVillage'), null, 'kpi-main'),
    rateCard('at_or_below_township', t('an.inTownship'), null, 'kpi-main'),
    rateCard('above_county', t('an.aboveCounty'), t('an.lowerBetter'), ['kpi-main', 'kpi-lower']),
    kpi('dash.cases', fmtNumber(levels.cases ?? 0), t('dash.resolvedNote', { n: fmtNumber(levels.resolved ?? 0) })),
    rateCard('on_time', t('dash.onTime'), t('an.onTimeNote', { n: fmtNumber(levels.open_overdue ?? 0) })),
    rateCard('satisfaction', t('dash.satisfaction'), null));
  const defs = h('details', { class: 'rate-defs card' },
    h('summary', null, t('an.defs')),
    h('ul', null, ['in_village', 'at_or_below_township', 'above_county', 'on_time', 'satisfaction', 'overdue', 'compare']
      .map((k) => h('li', { dataset: { def: k } }, t('an.def.' + k)))));

  const chartBox = (id, titleKey, summary) => h('figure', { class: 'chart card' },
    h('figcaption', null, t(titleKey)),
    h('div', { class: 'chart-canvas', id, role: 'img', 'aria-label': `${t(titleKey)}${t('common.colon')}${summary}` }));
  const byDay = fillDays(dash.by_day || []);
  const byCat = (dash.by_category || []).slice().sort((a, b) => (b.count || 0) - (a.count || 0));
  const byCh = dash.by_channel || [];
  const sumList = (arr, lab) => arr.slice(0, 8).map((x) => `${lab(x)} ${x.count ?? '—'}`).join(t('common.listSep')) || t('dash.noData');
  const chartsEl = h('div', { class: 'chart-grid' },
    chartBox('chart-days', 'dash.byDay', sumList(byDay.slice(-8), (x) => x.day)),
    chartBox('chart-category', 'dash.byCategory', sumList(byCat, (x) => tc('category', x.category))),
    chartBox('chart-channel', 'dash.byChannel', sumList(byCh, (x) => tc('channel', x.channel))));

  const children = (dash.children || []).map((ch) => ({
    ...ch,
    r_in_village: ratio(ch.resolved_in_village, ch.resolved),
    r_township: ratio(ch.resolved_at_or_below_township, ch.resolved),
    r_above_county: ratio(ch.escalated_above_county, ch.cases),
    r_on_time: ratio(ch.resolved_on_time, (ch.resolved || 0) + (ch.open_overdue || 0)),
  }));
  // the case list that a count of a row stands for (the same filters the
  // server counted with: docs/openapi.yaml, StatsDashboard)
  const listHref = (code, kind) => '#/cases' + qs({
    region: code, from, to,
    imported: kind === 'overdue' ? '' : 'false',
    resolved: kind === 'resolved' ? 'true' : '',
    overdue: kind === 'overdue' ? 'true' : '',
  });
  const COLS = [
    { key: 'cases', label: t('dash.cases'), link: 'cases' },
    { key: 'resolved', label: t('an.resolved'), link: 'resolved' },
    { key: 'r_in_village', label: t('an.col.inVillage'), rate: ['resolved_in_village', 'resolved'] },
    { key: 'r_township', label: t('an.col.inTownship'), rate: ['resolved_at_or_below_township', 'resolved'] },
    { key: 'r_above_county', label: t('an.col.aboveCounty'), rate: ['escalated_above_county', 'cases'] },
    { key: 'r_on_time', label: t('an.col.onTime'), rate: ['resolved_on_time', null] },
    { key: 'overdue', label: t('an.overdue'), link: 'overdue' },
  ];
  let sortKey = 'cases'; let sortDir = -1;
  let table;
  const tableBox = h('div', { class: 'sub-table' });
  const hideBox = h('input', { type: 'checkbox', id: 'dash-hide-empty', checked: hideEmpty });
  const visibleRows = () => children.filter((ch) => !hideEmpty || (ch.cases || 0) > 0 || (ch.overdue || 0) > 0);
  const sortedRows = () => visibleRows().sort((a, b) => {
    const x = a[sortKey]; const y = b[sortKey];
    if (x === y) return String(a.code).localeCompare(String(b.code));
    if (x === null || x === undefined) return 1;
    if (y === null || y === undefined) return -1;
    return (x < y ? -1 : 1) * sortDir;
  });
  const cell = (ch, c) => {
    const v = ch[c.key];
    if (c.rate) {
      const num = ch[c.rate[0]] ?? 0;
      const den = c.rate[1] ? (ch[c.rate[1]] ?? 0) : (ch.resolved || 0) + (ch.open_overdue || 0);
      return h('td', { 'data-label': c.label, class: 'num', dataset: { col: c.key } }, fmtPercent(v), ' ',
        h('span', { class: 'frac muted' }, `${fmtNumber(num)}/${fmtNumber(den)}`));
    }
    const n = v === null || v === undefined ? '—' : fmtNumber(v);
    const content = v ? h('a', { href: listHref(ch.code, c.link), class: 'count-link', dataset: { code: ch.code, kind: c.link },
      'aria-label': t('an.openList', { n, what: c.label, name: ch.name }) }, n) : n;
    return h('td', { 'data-label': c.label, class: ['num', c.key === 'overdue' && v ? 'overdue-num' : ''], dataset: { col: c.key } }, content);
  };
  const drawTable = () => {
    const rows = sortedRows();
    if (children.length === 0) { replace(tableBox, emptyState(t('dash.noChildren'))); return; }
    const tbody = h('tbody');
    for (const ch of rows) {
      const link = h('a', { href: hrefFor(ch.code), class: 'drill', dataset: { code: ch.code } }, ch.name);
      tbody.appendChild(h('tr', { dataset: { code: ch.code } },
        h('th', { scope: 'row', 'data-label': t('dash.subRegion') }, link),
        ...COLS.map((c) => cell(ch, c))));
    }
    const head = (c) => {
      const active = sortKey === c.key;
      return h('th', { scope: 'col', class: 'num', 'aria-sort': active ? (sortDir > 0 ? 'ascending' : 'descending') : 'none' },
        h('button', { type: 'button', class: 'sort-btn', dataset: { sort: c.key }, onclick: () => {
          if (sortKey === c.key) sortDir = -sortDir; else { sortKey = c.key; sortDir = -1; }
          drawTable();
          const b = tableBox.querySelector(`button[data-sort="${c.key}"]`);
          if (b) b.focus();
        } }, c.label, h('span', { class: 'sort-mark', 'aria-hidden': 'true' }, active ? (sortDir > 0 ? ' ▲' : ' ▼') : '')));
    };
    table = h('div', { class: 'table-wrap' }, h('table', { class: 'sub-regions responsive' },
      h('caption', null, t('dash.subRegionsOf', { name: regionName }), rows.length < children.length ? t('an.hiddenRows', { n: children.length - rows.length }) : ''),
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('dash.subRegion')), ...COLS.map(head))),
      tbody));
    replace(tableBox, table);
  };
  hideBox.addEventListener('change', () => {
    hideEmpty = hideBox.checked;
    history.replaceState(null, '', '#/dashboard' + qs({ region: region === root.code ? '' : region, from, to, hide: hideEmpty ? '1' : '' }));
    drawTable();
  });
  const exportBtn = h('button', { type: 'button', class: 'btn btn-small', id: 'dash-export' }, t('an.export'));
  exportBtn.addEventListener('click', () => {
    const head = [t('dash.subRegion'), t('an.code'), ...COLS.map((c) => c.label), ...COLS.filter((c) => c.rate).map((c) => c.label + t('an.fracSuffix'))];
    const lines = [head];
    for (const ch of sortedRows()) {
      lines.push([ch.name, ch.code, ...COLS.map((c) => (c.rate ? (ch[c.key] === null ? '' : (ch[c.key] * 100).toFixed(1) + '%') : String(ch[c.key] ?? ''))),
        ...COLS.filter((c) => c.rate).map((c) => `${ch[c.rate[0]] ?? 0}/${c.rate[1] ? (ch[c.rate[1]] ?? 0) : (ch.resolved || 0) + (ch.open_overdue || 0)}`)]);
    }
    const csv = '\ufeff' + lines.map((l) => l.map(csvField).join(',')).join('\r\n') + '\r\n';
    const a = h('a', { href: URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' })), download: `${t('an.fileStem')}_${regionName}_${todayBJ()}.csv`, hidden: true });
    document.body.appendChild(a);
    a.click();
    setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  });
  drawTable();
  const tableTools = h('div', { class: 'table-tools' },
    h('div', { class: 'checkbox' }, hideBox, h('label', { for: 'dash-hide-empty' }, t('an.hideEmpty'))),
    exportBtn);

  // imported history is kept out of the rates above and shown apart
  const imp = levels.imported || {};
  const importedNote = imp.cases > 0
    ? h('p', { class: 'muted small', id: 'dash-imported' }, t('dash.importedNote', {
      n: fmtNumber(imp.cases), v: fmtNumber(imp.resolved_in_village ?? 0),
      tw: fmtNumber(imp.resolved_at_or_below_township ?? 0) }))
    : null;
  // mediation agreements (issue 14): success, on-time performance, judicial confirmation
  const mf = dash.mediation || null;
  const mediationKpis = mf ? h('section', { class: 'kpis-mediation', id: 'dash-mediation', 'aria-label': t('agr.figures') },
    kpi('agr.successRate', fmtPercent(mf.success_rate), `${fmtNumber(mf.mediations_agreed ?? 0)}/${fmtNumber(mf.mediations_closed ?? 0)}`),
    kpi('agr.onTimeRate', fmtPercent(mf.on_time_rate), `${fmtNumber(mf.performed_on_time ?? 0)}/${fmtNumber(mf.performance_due ?? 0)}`),
    kpi('agr.confirmedRate', fmtPercent(mf.confirmed_rate), `${fmtNumber(mf.confirmed ?? 0)}/${fmtNumber(mf.agreements ?? 0)}`)) : null;
  replace(body,
    h('p', { class: 'muted' }, t('dash.scope', { name: regionName }),
      prev ? t('an.prevPeriod', { from: prev[0], to: prev[1] }) : ''),
    headline,
    eventFiguresCard({ region, from, to }),
    defs,
    importedNote,
    chartsEl,
    mediationKpis,
    coverageCard(),
    h('section', { class: 'card', 'aria-labelledby': 'dash-children' },
      h('h2', { id: 'dash-children' }, t('dash.subRegions')),
      h('p', { class: 'muted small' }, t('dash.drillHint'), t('an.countHint')),
      tableTools,
      tableBox));

  let echarts;
  try {
    echarts = await loadEcharts();
  } catch (_) {
    for (const el of chartsEl.querySelectorAll('.chart-canvas')) el.textContent = t('dash.chartsUnavailable');
    return cleanup;
  }
  if (!isCurrent()) return cleanup;

  const base = {
    color: PALETTE,
    animationDuration: 300,
    textStyle: { fontFamily: 'system-ui, "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif' },
    // Tooltips drawn on the canvas: HTML tooltips would need inline styles,
    // which the Content-Security-Policy forbids.
    tooltip: { renderMode: 'richText', confine: true },
    grid: { left: 40, right: 16, top: 24, bottom: 48, containLabel: true },
  };
  const make = (id, option) => {
    const el = chartsEl.querySelector('#' + id);
    const chart = echarts.init(el, null, { renderer: 'canvas', locale: getLocale() === 'en' ? 'EN' : 'ZH' });
    chart.setOption({ ...base, ...option });
    charts.push(chart);
  };
  make('chart-days', {
    tooltip: { ...base.tooltip, trigger: 'axis' },
    xAxis: { type: 'category', data: byDay.map((d) => String(d.day).slice(5)), boundaryGap: false },
    yAxis: { type: 'value', minInterval: 1 },
    series: [{ type: 'line', name: t('dash.cases'), data: byDay.map((d) => d.count), smooth: false, showSymbol: byDay.length <= 31, areaStyle: { opacity: 0.15 } }],
  });
  make('chart-category', {
    tooltip: { ...base.tooltip, trigger: 'axis' },
    grid: { ...base.grid, left: 8, top: 8, bottom: 8 },
    yAxis: { type: 'category', inverse: true, data: byCat.map((x) => tc('category', x.category)), axisTick: { show: false } },
    xAxis: { type: 'value', minInterval: 1 },
    series: [{ type: 'bar', name: t('dash.cases'), data: byCat.map((x) => x.count), barMaxWidth: 18, label: { show: true, position: 'right' } }],
  });
  const chTotal = new Map(byCh.map((x) => [tc('channel', x.channel), x.count]));
  make('chart-channel', {
    tooltip: { ...base.tooltip, trigger: 'item' },
    legend: { bottom: 0, type: 'scroll', formatter: (name) => `${name} ${chTotal.get(name) ?? ''}` },
    series: [{
      type: 'pie', name: t('dash.byChannel'), radius: ['35%', '68%'], center: ['50%', '44%'],
      data: byCh.map((x) => ({ name: tc('channel', x.channel), value: x.count })),
      label: { position: 'inside', formatter: '{c}', color: '#fff', fontWeight: 'bold' },
      labelLine: { show: false },
    }],
  });
  return cleanup;
}

/** by_day lists only days with cases; fill the gaps with zeros. */
function fillDays(list) {
  if (list.length < 2) return list;
  const sorted = list.slice().sort((a, b) => String(a.day).localeCompare(String(b.day)));
  const counts = new Map(sorted.map((d) => [String(d.day).slice(0, 10), d.count]));
  const out = [];
  const day = new Date(String(sorted[0].day).slice(0, 10) + 'T00:00:00Z');
  const end = new Date(String(sorted[sorted.length - 1].day).slice(0, 10) + 'T00:00:00Z');
  if (Number.isNaN(day.getTime()) || Number.isNaN(end.getTime())) return sorted;
  for (let i = 0; day <= end && i < 3700; i += 1) {
    const key = day.toISOString().slice(0, 10);
    out.push({ day: key, count: counts.get(key) ?? 0 });
    day.setUTCDate(day.getUTCDate() + 1);
  }
  return out;
}

function ratio(num, den) {
  return den ? (num || 0) / den : null;
}

/** One CSV field, quoted, with the formula guard the server's export uses. */
function csvField(v) {
  let s = String(v ?? '');
  if (/^[=+\-@\t\r]/.test(s)) s = "'" + s;
  return '"' + s.replace(/"/g, '""') + '"';
}

const QUICK = ['thisMonth', 'lastMonth', 'thisQuarter', 'thisYear'];

/** Today's date in Beijing, YYYY-MM-DD. */
function todayBJ() {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}

const iso = (d) => d.toISOString().slice(0, 10);
const utc = (y, m, d) => new Date(Date.UTC(y, m, d));

/** [from, to] (inclusive dates) of a quick range around today. */
export function quickRange(kind, today) {
  const [y, m] = today.split('-').map(Number);
  if (kind === 'thisMonth') return [iso(utc(y, m - 1, 1)), iso(utc(y, m, 0))];
  if (kind === 'lastMonth') return [iso(utc(y, m - 2, 1)), iso(utc(y, m - 1, 0))];
  if (kind === 'thisQuarter') {
    const q0 = Math.floor((m - 1) / 3) * 3;
    return [iso(utc(y, q0, 1)), iso(utc(y, q0 + 3, 0))];
  }
  return [iso(utc(y, 0, 1)), iso(utc(y, 11, 31))];
}

/** The period of the same length just before [from, to]: whole months
 * shift by their number of months (上月 before 本月, the previous quarter
 * or year), any other range by its number of days. */
export function previousPeriod(from, to) {
  const a = new Date(from + 'T00:00:00Z');
  const b = new Date(to + 'T00:00:00Z');
  if (Number.isNaN(a.getTime()) || Number.isNaN(b.getTime()) || b < a) return null;
  const lastOfMonth = utc(b.getUTCFullYear(), b.getUTCMonth() + 1, 0);
  if (a.getUTCDate() === 1 && b.getTime() === lastOfMonth.getTime()) {
    const months = (b.getUTCFullYear() - a.getUTCFullYear()) * 12 + b.getUTCMonth() - a.getUTCMonth() + 1;
    return [iso(utc(a.getUTCFullYear(), a.getUTCMonth() - months, 1)), iso(utc(a.getUTCFullYear(), a.getUTCMonth(), 0))];
  }
  const days = Math.round((b - a) / 86400000) + 1;
  return [iso(new Date(a.getTime() - days * 86400000)), iso(new Date(a.getTime() - 86400000))];
}
