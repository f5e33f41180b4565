// events-stats.js - the grid events' figures as a card for the dashboard
// (next to the dispute rates): reported, closed, closed on time and the
// events that became cases, over the reader's scope and the dashboard's
// period (GET /api/v1/events/stats). The card fills itself when the
// figures arrive; the dashboard never waits for it.
import { h, replace, qs } from '../dom.js';
import { t, fmtNumber, fmtPercent } from '../i18n.js';
import { get } from '../api.js';

export function eventFiguresCard({ from, to }) {
  const box = h('section', { class: 'kpis', id: 'dash-events', 'aria-label': t('ev.card.title') });
  const kpi = (key, value, note) => h('div', { class: 'kpi', dataset: { ev: key } },
    h('p', { class: 'kpi-label' }, t('ev.card.' + key)),
    h('p', { class: 'kpi-value' }, value),
    note ? h('p', { class: 'kpi-note' }, note) : null);
  get('/api/v1/events/stats' + qs({ from, to })).then((s) => {
    replace(box,
      kpi('reported', fmtNumber(s.reported)),
      kpi('closed', fmtNumber(s.closed)),
      kpi('onTime', fmtPercent(s.on_time_rate), `${fmtNumber(s.on_time)}/${fmtNumber(s.closed)}`),
      kpi('toCase', fmtNumber(s.to_case)));
  }).catch(() => { box.hidden = true; });
  return box;
}
