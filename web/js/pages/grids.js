// grids.js - 网格 (grids, issue 15): the list and map of the grids the
// user sees, one grid with its staff and size warnings, and for the
// township's cadres and admins (art. 9: the township divides and staffs the
// grids) the edit form, the staff and a GeoJSON import with its report per
// feature. The map is ECharts over the grids' own GeoJSON: no tile server.
import { h, replace, append } from '../dom.js';
import { t, getLocale } from '../i18n.js';
import { api, get, errorBox, errorText, showError, clearErrors, session, ApiError } from '../api.js';
import { emptyState, loading, dl, hasRole } from '../common.js';

const KINDS = ['comprehensive', 'school', 'hospital', 'market', 'enterprise'];
const DUTIES = ['head', 'full_time', 'part_time', 'instructor'];

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

/** The township's cadres and admins may edit (the server decides per grid). */
function mayEditSome() {
  const u = session.user;
  return hasRole(u, 'admin') || Boolean(u && (u.roles || []).some((r) =>
    (r.role === 'handler' || r.role === 'petition_officer') && String(r.region || '').length <= 9));
}

function warningList(g) {
  if (!g.warnings || !g.warnings.length) return null;
  return h('div', { class: 'grid-warnings alert alert-warn', role: 'note' }, h('ul', null,
    g.warnings.map((w) => h('li', null, t('grid.warn.' + w, { setting: t('grid.setting.' + g.setting) })))));
}

// ---- the map ----

/** Draws the FeatureCollection fc (and points [{lon, lat, name}]) into el;
 * returns the chart's dispose function. */
async function drawMap(el, fc, points, isCurrent) {
  let echarts;
  try {
    echarts = await loadEcharts();
  } catch (_) {
    el.textContent = t('grid.mapUnavailable');
    return () => {};
  }
  if (isCurrent && !isCurrent()) return () => {};
  const named = {
    type: 'FeatureCollection',
    features: fc.features.filter((f) => f.geometry).map((f) => ({ ...f, properties: { name: f.properties.code, label: f.properties.name } })),
  };
  const key = 'fq-grids-' + Math.random().toString(36).slice(2);
  echarts.registerMap(key, named);
  const chart = echarts.init(el, null, { renderer: 'canvas', locale: getLocale() === 'en' ? 'EN' : 'ZH' });
  const labels = new Map(named.features.map((f) => [f.properties.name, f.properties.label]));
  chart.setOption({
    animation: false,
    tooltip: { renderMode: 'richText', confine: true, formatter: (p) => (p.seriesType === 'scatter' ? p.name : `${labels.get(p.name) || p.name}\n${p.name}`) },
    geo: {
      map: key, roam: true, aspectScale: 0.86,
      label: { show: true, formatter: (p) => labels.get(p.name) || p.name, fontSize: 11 },
      itemStyle: { areaColor: '#e8f0fa', borderColor: '#1f5fa8', borderWidth: 1.2 },
      emphasis: { itemStyle: { areaColor: '#cfe0f5' }, label: { show: true } },
    },
    series: [{
      type: 'scatter', coordinateSystem: 'geo', name: t('grid.cases'), symbolSize: 7,
      itemStyle: { color: '#c2410c' },
      data: points.map((p) => ({ name: p.name, value: [p.lon, p.lat] })),
    }],
  });
  const onResize = () => chart.resize();
  window.addEventListener('resize', onResize);
  return () => { window.removeEventListener('resize', onResize); chart.dispose(); };
}

/** Case points of region (those with coordinates, at most 200). */
async function casePoints(region) {
  try {
    const r = await get(`/api/cases?page_size=200${region ? '&region=' + encodeURIComponent(region) : ''}`);
    return (r.items || []).filter((c) => c.location && c.location.lat != null && c.location.lon != null)
      .map((c) => ({ lon: c.location.lon, lat: c.location.lat, name: c.title }));
  } catch (_) {
    return [];
  }
}

function mapBox(label) {
  return h('div', { class: 'chart-canvas grid-map', id: 'grid-map', role: 'img', 'aria-label': label });
}

// ---- the form ----

function field(id, label, input, hint) {
  const hintId = hint ? id + '-hint' : null;
  if (hintId) input.setAttribute('aria-describedby', hintId);
  return h('div', { class: 'field', 'data-field': input.name || id }, h('label', { for: id }, label), input,
    hint ? h('p', { class: 'hint muted small', id: hintId }, hint) : null,
    h('p', { class: 'field-error', hidden: true }));
}

function gridForm(g, onSaved) {
  const isNew = !g;
  const v = g || {};
  const kind = h('select', { id: 'gf-kind', name: 'kind' },
    KINDS.map((k) => h('option', { value: k, selected: (v.kind || 'comprehensive') === k }, t('grid.kind.' + k))));
  const form = h('form', { class: 'grid-form stack', novalidate: true },
    isNew ? field('gf-region', t('grid.region'), h('input', { id: 'gf-region', name: 'region', type: 'text', inputmode: 'numeric', required: true, maxlength: 12 }), t('grid.regionHint')) : null,
    isNew ? field('gf-code', t('grid.code'), h('input', { id: 'gf-code', name: 'code', type: 'text', required: true, maxlength: 39 })) : null,
    field('gf-name', t('grid.name'), h('input', { id: 'gf-name', name: 'name', type: 'text', required: true, maxlength: 200, value: v.name || '' })),
    field('gf-kind', t('grid.kindLabel'), kind),
    field('gf-households', t('grid.households'), h('input', { id: 'gf-households', name: 'households', type: 'number', min: 0, inputmode: 'numeric', value: v.households ?? '' })),
    field('gf-population', t('grid.population'), h('input', { id: 'gf-population', name: 'population', type: 'number', min: 0, inputmode: 'numeric', value: v.population ?? '' }), t('grid.normHint')),
    field('gf-geometry', t('grid.geometry'), h('textarea', { id: 'gf-geometry', name: 'geometry', rows: 4, spellcheck: 'false', value: v.geometry ? JSON.stringify(v.geometry) : '' }), t('grid.geometryHint')),
    h('p', null, h('button', { type: 'submit', class: 'btn btn-primary' }, isNew ? t('grid.create') : t('grid.save'))),
    h('p', { class: 'form-ok', role: 'status', hidden: true }));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const fd = new FormData(form);
    const body = { name: fd.get('name'), kind: fd.get('kind') };
    for (const k of ['households', 'population']) {
      const s = String(fd.get(k) || '').trim();
      body[k] = s === '' ? null : Number(s);
    }
    const geo = String(fd.get('geometry') || '').trim();
    if (geo) {
      try { body.geometry = JSON.parse(geo); } catch (_) {
        showError(form, new ApiError(400, 'invalid_geometry', '', 'geometry'));
        return;
      }
    } else if (!isNew) body.geometry = null;
    if (isNew) { body.region = String(fd.get('region') || '').trim(); body.code = String(fd.get('code') || '').trim(); }
    try {
      const saved = isNew ? await api('POST', '/api/v1/grids', body) : await api('PATCH', `/api/v1/grids/${g.id}`, body);
      onSaved(saved);
    } catch (e) {
      showError(form, e);
    }
  });
  return form;
}

// ---- import ----

function importForm(onDone) {
  const file = h('input', { id: 'gi-file', type: 'file', accept: '.geojson,.json,application/geo+json,application/json', required: true });
  const out = h('div', { class: 'grid-import-result', 'aria-live': 'polite' });
  const form = h('form', { class: 'stack' },
    field('gi-file', t('grid.importFile'), file, t('grid.importHint')),
    h('p', null, h('button', { type: 'submit', class: 'btn' }, t('grid.importGo'))), out);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    replace(out);
    const f = file.files && file.files[0];
    if (!f) { append(out, h('p', { class: 'alert alert-error', role: 'alert' }, t('grid.importNoFile'))); return; }
    let fc;
    try { fc = JSON.parse(await f.text()); } catch (_) {
      append(out, h('p', { class: 'alert alert-error', role: 'alert' }, t('grid.importNotJson')));
      return;
    }
    const r = await fetch('/api/v1/grids/import', {
      method: 'POST', credentials: 'same-origin',
      headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': session.csrf || '' },
      body: JSON.stringify(fc),
    });
    const j = await r.json().catch(() => null);
    if (r.ok && j) {
      append(out, h('p', { class: 'alert alert-info', role: 'status' }, t('grid.imported', { created: j.created, updated: j.updated })));
      onDone();
      return;
    }
    const report = (j && j.report) || [];
    append(out, h('p', { class: 'alert alert-error', role: 'alert' },
      errorText(new ApiError(r.status, j && j.error && j.error.code, j && j.error && j.error.message))));
    if (report.length) {
      append(out, h('ul', { class: 'grid-report' }, report.map((p) =>
        h('li', null, t('grid.reportLine', { n: p.feature + 1, code: p.code || '—', field: p.field || '—' }), ' ', p.message))));
    }
  });
  return form;
}

// ---- pages ----

async function listPage({ container, query, navigate, isCurrent }) {
  const region = query.get('region') || '';
  replace(container, h('h1', null, t('grid.title')), loading());
  let list, fc;
  try {
    const q = region ? '?region=' + encodeURIComponent(region) : '';
    [list, fc] = await Promise.all([get('/api/v1/grids' + q), get('/api/v1/grids.geojson' + q)]);
  } catch (e) {
    replace(container, h('h1', null, t('grid.title')), errorBox(e));
    return null;
  }
  if (!isCurrent()) return null;
  const items = list.items || [];
  const map = mapBox(t('grid.mapLabel', { n: items.length }));
  const rows = items.map((g) => h('tr', null,
    h('td', { 'data-label': t('grid.name') }, h('span', null, h('a', { href: `#/grids/${g.id}` }, g.name), h('span', { class: 'muted small' }, ' ', g.code))),
    h('td', { 'data-label': t('grid.kindLabel') }, t('grid.kind.' + g.kind)),
    h('td', { class: 'num', 'data-label': t('grid.households') }, g.households ?? '—'),
    h('td', { class: 'num', 'data-label': t('grid.population') }, g.population ?? '—'),
    h('td', { class: 'num', 'data-label': t('grid.staff') }, g.staff_count),
    h('td', { 'data-label': t('grid.norm') }, g.warnings.length ? h('span', { class: 'badge grid-warn' }, t('grid.outsideNorm')) : '')));
  const table = items.length
    ? h('div', { class: 'table-wrap' }, h('table', { class: 'responsive grid-table' },
      h('caption', { class: 'visually-hidden' }, t('grid.title')),
      h('thead', null, h('tr', null, ['grid.name', 'grid.kindLabel', 'grid.households', 'grid.population', 'grid.staff', 'grid.norm']
        .map((k) => h('th', { scope: 'col' }, t(k))))),
      h('tbody', null, rows)))
    : emptyState(t('grid.none'));
  replace(container,
    h('h1', null, t('grid.title')),
    h('p', { class: 'muted' }, t('grid.intro')),
    h('section', { class: 'card', 'aria-labelledby': 'grid-map-h' }, h('h2', { id: 'grid-map-h' }, t('grid.map')), map,
      h('p', { class: 'muted small' }, t('grid.mapHint'))),
    h('section', { class: 'card', 'aria-labelledby': 'grid-list-h' }, h('h2', { id: 'grid-list-h' }, t('grid.list')), table),
    mayEditSome() ? h('section', { class: 'card', 'aria-labelledby': 'grid-new-h' }, h('h2', { id: 'grid-new-h' }, t('grid.new')),
      gridForm(null, (g) => navigate(`#/grids/${g.id}`))) : null,
    mayEditSome() ? h('section', { class: 'card', 'aria-labelledby': 'grid-import-h' }, h('h2', { id: 'grid-import-h' }, t('grid.import')),
      importForm(() => {})) : null);
  const points = await casePoints(region);
  if (!isCurrent()) return null;
  return drawMap(map, fc, points, isCurrent);
}

async function detailPage({ container, params, navigate, isCurrent }) {
  replace(container, h('h1', null, t('grid.title')), loading());
  let g;
  try {
    g = await get(`/api/v1/grids/${encodeURIComponent(params.id)}`);
  } catch (e) {
    replace(container, h('h1', null, t('grid.title')), errorBox(e));
    return null;
  }
  if (!isCurrent()) return null;
  const reload = () => navigate(`#/grids/${g.id}`);
  const map = mapBox(t('grid.mapOne', { name: g.name }));
  const staffRows = (g.staff || []).map((s) => h('tr', null,
    h('td', { 'data-label': t('grid.person') }, h('span', null, s.display_name, h('span', { class: 'muted small' }, ' ', s.username))),
    h('td', { 'data-label': t('grid.dutyLabel') }, t('grid.duty.' + s.duty)),
    g.may_edit ? h('td', { 'data-label': '' }, h('button', {
      type: 'button', class: 'btn btn-small',
      'aria-label': t('grid.removeStaffOf', { name: s.display_name, duty: t('grid.duty.' + s.duty) }),
      onclick: async (ev) => {
        try { await api('DELETE', `/api/v1/grids/${g.id}/staff/${s.user_id}/${s.duty}`); reload(); } catch (e) { ev.target.after(errorBox(e)); }
      },
    }, t('grid.removeStaff'))) : null));
  const staffTable = staffRows.length
    ? h('div', { class: 'table-wrap' }, h('table', { class: 'responsive' },
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('grid.person')), h('th', { scope: 'col' }, t('grid.dutyLabel')),
        g.may_edit ? h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, t('grid.removeStaff'))) : null)),
      h('tbody', null, staffRows)))
    : h('p', { class: 'muted' }, t('grid.noStaff'));
  let staffForm = null;
  if (g.may_edit) {
    const who = h('select', { id: 'gs-user', name: 'user', required: true }, h('option', { value: '' }, t('grid.pickPerson')));
    get(`/api/users?region=${encodeURIComponent(g.region)}`).then((r) => {
      for (const u of r.items || []) who.appendChild(h('option', { value: u.username }, `${u.display_name} (${u.username})`));
    }).catch(() => {});
    const duty = h('select', { id: 'gs-duty', name: 'duty' }, DUTIES.map((d) => h('option', { value: d }, t('grid.duty.' + d))));
    staffForm = h('form', { class: 'stack grid-staff-form' },
      field('gs-user', t('grid.person'), who), field('gs-duty', t('grid.dutyLabel'), duty),
      h('p', null, h('button', { type: 'submit', class: 'btn' }, t('grid.addStaff'))));
    staffForm.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearErrors(staffForm);
      if (!who.value) { showError(staffForm, new ApiError(400, 'required', '', 'user')); return; }
      try { await api('PUT', `/api/v1/grids/${g.id}/staff/${encodeURIComponent(who.value)}/${duty.value}`); reload(); } catch (e) { showError(staffForm, e); }
    });
  }
  replace(container,
    h('p', { class: 'breadcrumb' }, h('a', { href: '#/grids' }, t('grid.title'))),
    h('h1', null, g.name),
    warningList(g),
    dl([[t('grid.code'), g.code], [t('grid.region'), g.region], [t('grid.kindLabel'), t('grid.kind.' + g.kind)],
      [t('grid.setting'), t('grid.setting.' + g.setting)],
      [t('grid.households'), g.households ?? '—'], [t('grid.population'), g.population ?? '—']]),
    h('section', { class: 'card', 'aria-labelledby': 'grid-staff-h' }, h('h2', { id: 'grid-staff-h' }, t('grid.staff')), staffTable, staffForm),
    g.geometry ? h('section', { class: 'card', 'aria-labelledby': 'grid-map-h' }, h('h2', { id: 'grid-map-h' }, t('grid.map')), map) : null,
    g.may_edit ? h('section', { class: 'card', 'aria-labelledby': 'grid-edit-h' }, h('h2', { id: 'grid-edit-h' }, t('grid.edit')),
      gridForm(g, () => reload())) : null);
  if (!g.geometry) return null;
  const fc = { type: 'FeatureCollection', features: [{ type: 'Feature', geometry: g.geometry, properties: { code: g.code, name: g.name } }] };
  return drawMap(map, fc, [], isCurrent);
}

export async function render(ctx) {
  return /^\d+$/.test(ctx.params.id || '') ? detailPage(ctx) : listPage(ctx);
}

