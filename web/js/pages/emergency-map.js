// emergency-map.js - the situation map (态势图, issue 20) of the incidents
// page: the grid shapes the user sees (GET /api/v1/grids.geojson) with the
// open incidents on them, each at its reported position or else at the
// middle of its grid, coloured by grade (I red, II orange, III yellow, IV
// blue). ECharts from web/vendor, loaded on demand; the incidents table
// above is the map's text equivalent.
import { h } from '../dom.js';
import { t, getLocale } from '../i18n.js';
import { get } from '../api.js';

const COLOURS = { 1: '#b91c1c', 2: '#c2410c', 3: '#a16207', 4: '#1d4ed8', 0: '#4b5563' };

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

/* The middle of a feature's bounding box, [lon, lat]. */
function middle(geometry) {
  let x0 = Infinity; let y0 = Infinity; let x1 = -Infinity; let y1 = -Infinity;
  const walk = (c) => {
    if (typeof c[0] === 'number') {
      x0 = Math.min(x0, c[0]); x1 = Math.max(x1, c[0]); y0 = Math.min(y0, c[1]); y1 = Math.max(y1, c[1]);
    } else c.forEach(walk);
  };
  walk(geometry.coordinates);
  return [(x0 + x1) / 2, (y0 + y1) / 2];
}

/** A section with the map of incidents (open ones), or null when there is
 * nothing to draw; returns {el, dispose}. */
export async function situationMap(incidents, isCurrent) {
  let fc;
  try {
    fc = await get('/api/v1/grids.geojson');
  } catch (_) {
    return null;
  }
  const features = (fc.features || []).filter((f) => f.geometry);
  if (!features.length || (isCurrent && !isCurrent())) return null;
  const byGrid = new Map(features.map((f) => [f.properties.id, middle(f.geometry)]));
  const points = incidents.filter((i) => i.status !== 'closed').map((i) => {
    const at = i.lon != null && i.lat != null ? [i.lon, i.lat] : byGrid.get(i.grid_id);
    return at ? { name: i.title, value: at, itemStyle: { color: COLOURS[i.grade || 0] } } : null;
  }).filter(Boolean);
  const box = h('div', { class: 'chart-canvas em-map', role: 'img', 'aria-label': t('em.mapLabel', { n: points.length }) });
  const el = h('section', { class: 'em-section', 'aria-labelledby': 'em-map-h' }, h('h2', { id: 'em-map-h' }, t('em.map')), box);
  let dispose = () => {};
  el.draw = async () => {
    let echarts;
    try {
      echarts = await loadEcharts();
    } catch (_) {
      box.textContent = t('em.mapUnavailable');
      return;
    }
    const key = 'fq-em-' + Math.random().toString(36).slice(2);
    echarts.registerMap(key, {
      type: 'FeatureCollection',
      features: features.map((f) => ({ ...f, properties: { name: f.properties.code, label: f.properties.name } })),
    });
    const labels = new Map(features.map((f) => [f.properties.code, f.properties.name]));
    const chart = echarts.init(box, null, { renderer: 'canvas', locale: getLocale() === 'en' ? 'EN' : 'ZH' });
    chart.setOption({
      animation: false,
      tooltip: { renderMode: 'richText', confine: true, formatter: (p) => (p.seriesType === 'scatter' ? p.name : labels.get(p.name) || p.name) },
      geo: {
        map: key, roam: true, aspectScale: 0.86,
        label: { show: true, formatter: (p) => labels.get(p.name) || p.name, fontSize: 11 },
        itemStyle: { areaColor: '#eef2f7', borderColor: '#1f5fa8', borderWidth: 1 },
        emphasis: { itemStyle: { areaColor: '#cfe0f5' } },
      },
      series: [{ type: 'scatter', coordinateSystem: 'geo', name: t('em.pageTitle'), symbolSize: 12, data: points }],
    });
    const onResize = () => chart.resize();
    window.addEventListener('resize', onResize);
    dispose = () => { window.removeEventListener('resize', onResize); chart.dispose(); };
  };
  el.dispose = () => dispose();
  return el;
}
