// events-stats.js - the grid events' figures as a card for the dashboard
// (next to the dispute rates): reported, closed, closed on time and the
// events that became cases, over the reader's scope, the dashboard's region
// and period (GET /api/v1/events/stats). The four figures are drawn at once
// with a placeholder, so that the page below does not move when they
// arrive; the dashboard never waits for them. Styled as the mediation
// figures (kpis-mediation), so no stylesheet changes.
import { h, qs } from '../dom.js';
import { t, fmtNumber, fmtPercent } from '../i18n.js';
import { get } from '../api.js';

const KEYS = ['reported', 'closed', 'onTime', 'toCase'];

export function eventFiguresCard({ region, from, to }) {
  const value = {};
  const note = {};
  const box = h('section', { class: 'kpis-mediation kpis-events', id: 'dash-events', 'aria-label': t('ev.card.title') },
    KEYS.map((key) => {
      value[key] = h('p', { class: 'kpi-value' }, '—');
      note[key] = h('p', { class: 'kpi-note' }, '\u00a0');
      return h('div', { class: 'kpi', dataset: { ev: key } }, h('p', { class: 'kpi-label' }, t('ev.card.' + key)), value[key], note[key]);
    }));
  get('/api/v1/events/stats' + qs({ region, from, to })).then((s) => {
    value.reported.textContent = fmtNumber(s.reported);
    value.closed.textContent = fmtNumber(s.closed);
    value.onTime.textContent = fmtPercent(s.on_time_rate);
    note.onTime.textContent = `${fmtNumber(s.on_time)}/${fmtNumber(s.closed)}`;
    value.toCase.textContent = fmtNumber(s.to_case);
  }).catch(() => { box.hidden = true; });
  return box;
}
