// dashboard.js - 研判: cases over time, by category and channel, the three
// headline rates and a sub-region table that drills down one level.
import { h, append, replace, field, qs } from '../dom.js';
import { t, tc, fmtNumber, fmtPercent, getLocale } from '../i18n.js';
import { get, session, errorBox } from '../api.js';
import { userRootRegion, emptyState, loading } from '../common.js';

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
  const form = h('form', { class: 'filters card dash-filters' },
    h('div', { class: 'form-row' }, fromF.wrap, toF.wrap,
      h('div', { class: 'field field-button' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('cases.apply')))));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    navigate('#/dashboard' + qs({ region: region === root.code ? '' : region, from: fromF.input.value, to: toF.input.value }));
  });

  const crumbs = h('nav', { class: 'breadcrumb region-crumbs', 'aria-label': t('dash.crumbs') });
  const body = h('div', { class: 'dash-body' }, loading());
  append(container,
    h('div', { class: 'page-head' }, h('h1', null, t('dash.title'))),
    crumbs, form, body);

  const rangeQs = (code) => qs({ region: code, from, to });
  const hrefFor = (code) => '#/dashboard' + qs({ region: code === root.code ? '' : code, from, to });

  let levels; let dash; let info = null;
  try {
    [levels, dash, info] = await Promise.all([
      get('/api/stats/levels' + rangeQs(region)),
      get('/api/stats/dashboard' + rangeQs(region)),
      get(`/api/regions/${encodeURIComponent(region)}`).catch(() => null),
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
  const kpi = (key, value, note, cls) => h('div', { class: ['kpi', cls] },
    h('p', { class: 'kpi-label' }, t(key)),
    h('p', { class: 'kpi-value' }, value),
    note ? h('p', { class: 'kpi-note' }, note) : null);
  const headline = h('section', { class: 'kpis', 'aria-label': t('dash.rates') },
    kpi('dash.inVillage', fmtPercent(rates.in_village), t('dash.inVillageNote', { n: fmtNumber(levels.resolved_in_village ?? 0) }), 'kpi-main'),
    kpi('dash.inTownship', fmtPercent(rates.at_or_below_township), t('dash.inTownshipNote', { n: fmtNumber(levels.resolved_at_or_below_township ?? 0) }), 'kpi-main'),
    kpi('dash.notUp', fmtPercent(rates.above_county), t('dash.notUpNote', { n: fmtNumber(levels.escalated_above_county ?? 0) }), 'kpi-main'),
    kpi('dash.cases', fmtNumber(levels.cases ?? 0), t('dash.resolvedNote', { n: fmtNumber(levels.resolved ?? 0) })),
    kpi('dash.onTime', fmtPercent(rates.on_time), null),
    kpi('dash.satisfaction', fmtPercent(rates.satisfaction), null));

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

  const children = dash.children || [];
  let table;
  if (children.length === 0) {
    table = emptyState(t('dash.noChildren'));
  } else {
    const tbody = h('tbody');
    for (const ch of children) {
      const link = h('a', { href: hrefFor(ch.code), class: 'drill', dataset: { code: ch.code } }, ch.name);
      tbody.appendChild(h('tr', null,
        h('th', { scope: 'row', 'data-label': t('dash.subRegion') }, link),
        h('td', { 'data-label': t('dash.cases'), class: 'num' }, ch.cases === null || ch.cases === undefined ? '—' : fmtNumber(ch.cases)),
        h('td', { 'data-label': t('dash.resolved'), class: 'num' }, ch.resolved === null || ch.resolved === undefined ? '—' : fmtNumber(ch.resolved)),
        h('td', { 'data-label': t('dash.overdue'), class: ['num', ch.overdue ? 'overdue-num' : ''] }, ch.overdue === null || ch.overdue === undefined ? '—' : fmtNumber(ch.overdue))));
    }
    table = h('div', { class: 'table-wrap' }, h('table', { class: 'sub-regions responsive' },
      h('caption', null, t('dash.subRegionsOf', { name: regionName })),
      h('thead', null, h('tr', null,
        h('th', { scope: 'col' }, t('dash.subRegion')),
        h('th', { scope: 'col', class: 'num' }, t('dash.cases')),
        h('th', { scope: 'col', class: 'num' }, t('dash.resolved')),
        h('th', { scope: 'col', class: 'num' }, t('dash.overdue')))),
      tbody));
  }

  // imported history is kept out of the rates above and shown apart
  const imp = levels.imported || {};
  const importedNote = imp.cases > 0
    ? h('p', { class: 'muted small', id: 'dash-imported' }, t('dash.importedNote', {
      n: fmtNumber(imp.cases), v: fmtNumber(imp.resolved_in_village ?? 0),
      tw: fmtNumber(imp.resolved_at_or_below_township ?? 0) }))
    : null;
  replace(body,
    h('p', { class: 'muted' }, t('dash.scope', { name: regionName })),
    headline,
    importedNote,
    chartsEl,
    h('section', { class: 'card', 'aria-labelledby': 'dash-children' },
      h('h2', { id: 'dash-children' }, t('dash.subRegions')),
      h('p', { class: 'muted small' }, t('dash.drillHint')),
      table));

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
