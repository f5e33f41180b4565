// report.js - 研判周报 (the weekly report, issue 16; docs/analysis.md
// "Weekly report and board"): a region's week at a glance, as the server
// makes it (GET /api/v1/reports/weekly): the week's cases and the three
// rates against last week and the same week last year, cases per day, the
// alerts and how they ended, red and orange cases, and the cases past or
// near their deadline. The PDF link downloads the printed report (its
// charts drawn on the server); an analyst or administrator may send it to
// the webhooks now. Prints on its own (the print stylesheet).
import { h, replace, field, qs } from '../dom.js';
import { t, fmtNumber, fmtPercent, fmtDateTime } from '../i18n.js';
import { get, post, session, errorBox } from '../api.js';
import { emptyState, loading, statusBadge, hasRole } from '../common.js';
import { gradeBadge } from './case-risk.js';

const RATES = ['at_or_below_township', 'on_time', 'satisfaction'];
const PERIODS = ['week', 'last_week', 'last_year'];

// The Monday (Beijing time) of the last whole week, as YYYY-MM-DD.
function lastMonday() {
  const bj = new Date(Date.now() + 8 * 3600 * 1000);
  const dow = (bj.getUTCDay() + 6) % 7;
  return new Date(Date.UTC(bj.getUTCFullYear(), bj.getUTCMonth(), bj.getUTCDate() - dow - 7))
    .toISOString().slice(0, 10);
}

function table(caption, cols, rows, cls = '') {
  return h('div', { class: 'table-wrap' }, h('table', { class: `report-table responsive ${cls}` },
    h('caption', { class: 'visually-hidden' }, caption),
    h('thead', null, h('tr', null, cols.map((k) => h('th', { scope: 'col' }, t(k))))),
    h('tbody', null, rows.map((cells) => h('tr', null,
      cells.map((c, i) => h('td', { 'data-label': t(cols[i]) }, c)))))));
}

function section(titleKey, count, body) {
  const title = count === undefined ? t(titleKey) : t(titleKey, { n: fmtNumber(count) });
  return h('section', { class: 'card report-section', 'aria-label': title }, h('h2', null, title), body);
}

function caseLink(c) {
  return h('span', null, h('a', { href: `#/case/${c.id}` }, c.title), ' ',
    h('span', { class: 'code small' }, c.tracking_code));
}

function render_(rep) {
  const per = Object.fromEntries(rep.periods.map((p) => [p.key, p]));
  const counts = table(t('report.counts'), ['report.colMeasure', ...PERIODS.map((k) => `report.period.${k}`)], [
    [t('report.cases'), ...PERIODS.map((k) => fmtNumber(per[k].cases))],
    [t('report.resolved'), ...PERIODS.map((k) => fmtNumber(per[k].resolved))],
    ...RATES.map((r) => [t(`report.rate.${r}`), ...PERIODS.map((k) => fmtPercent(per[k].rates[r]))]),
  ], 'report-counts');
  const max = Math.max(1, ...rep.by_day.map((d) => d.count));
  const days = h('ul', { class: 'report-days' }, rep.by_day.map((d) => h('li', null,
    h('span', { class: 'report-day' }, d.day.slice(5)),
    h('progress', { max: String(max), value: String(d.count), 'aria-label': t('report.dayCases', { day: d.day, n: d.count }) }),
    h('span', { class: 'report-num' }, fmtNumber(d.count)))));
  const alerts = rep.alerts.length
    ? table(t('report.alerts'), ['report.colDay', 'report.colRegion', 'report.colObserved', 'report.colStatus'],
      rep.alerts.map((a) => [a.day, a.region_name || a.region,
        t('report.observed', { n: fmtNumber(a.observed), e: fmtNumber(Math.round(a.expected * 10) / 10) }),
        h('span', null, t(`alert.status.${a.status}`), a.note ? ` — ${a.note}` : '')]))
    : emptyState(t('report.noAlerts'));
  const risk = rep.risk.length
    ? table(t('report.risk'), ['report.colGrade', 'report.colCase', 'report.colRegion', 'report.colConfirmed'],
      rep.risk.map((c) => [gradeBadge(c.grade), caseLink(c),
        c.region_name || c.region, c.confirmed ? t('report.yes') : t('report.no')]))
    : emptyState(t('report.noRisk'));
  const dueTable = (s, key) => (s.items.length
    ? table(t(key), ['report.colCase', 'report.colRegion', 'report.colStatus', 'report.colDue'],
      s.items.map((c) => [caseLink(c), c.region_name || c.region, statusBadge(c.status), fmtDateTime(c.next_due)]))
    : emptyState(t('report.none')));
  return [
    section('report.counts', undefined, [counts, h('h3', null, t('report.byDay')), days]),
    section('report.alertsN', rep.alerts.length, alerts),
    section('report.riskN', rep.risk.length, risk),
    section('report.overdueN', rep.overdue.total, dueTable(rep.overdue, 'report.overdue')),
    section('report.nearN', rep.near_due.total, [h('p', { class: 'hint' }, t('report.nearHint', { n: rep.near_days })),
      dueTable(rep.near_due, 'report.near')]),
  ];
}

export async function render({ container, query, isCurrent }) {
  const region = h('input', { type: 'text', name: 'region', inputmode: 'numeric', maxlength: '12', value: (query && query.get('region')) || '' });
  const week = h('input', { type: 'date', name: 'week', value: (query && query.get('week')) || lastMonday() });
  const out = h('div', { class: 'report-body' });
  const form = h('form', { class: 'form filters report-filters no-print' },
    field(t('report.region'), region).wrap, field(t('report.week'), week, { hint: t('report.weekHint') }).wrap,
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-small' }, t('report.show'))));
  replace(container, h('h1', null, t('report.title')), form, out);

  async function load() {
    replace(out, loading());
    let rep;
    try {
      rep = await get(`/api/v1/reports/weekly${qs({ region: region.value.trim(), week: week.value })}`);
    } catch (err) {
      if (isCurrent()) replace(out, errorBox(err));
      return;
    }
    if (!isCurrent()) return;
    const status = h('p', { class: 'report-sent', role: 'status' },
      rep.sent_at ? t('report.sentAt', { at: fmtDateTime(rep.sent_at) }) : t('report.notSent'));
    const actions = h('div', { class: 'report-actions no-print' },
      h('a', { class: 'btn btn-small report-pdf', href: rep.pdf, download: '' }, t('report.pdf')),
      h('button', { type: 'button', class: 'btn btn-small btn-secondary', onclick: () => window.print() }, t('report.print')));
    if (session.user && hasRole(session.user, 'analyst', 'admin')) {
      actions.append(h('button', {
        type: 'button', class: 'btn btn-small btn-secondary report-run',
        onclick: async (e) => {
          e.target.disabled = true;
          try {
            const r = await post('/api/v1/reports/weekly/run', { region: rep.region.code, week: rep.week });
            replace(status, r.sent ? t('report.sentNow') : t('report.sentAt', { at: fmtDateTime(r.sent_at) }));
          } catch (err) {
            replace(status, errorBox(err));
          }
          e.target.disabled = false;
        },
      }, t('report.send')));
    }
    replace(out,
      h('p', { class: 'report-head' }, h('strong', null, rep.region.name), ' ',
        t('report.span', { from: rep.week, to: rep.week_end }), ' · ',
        t('report.generated', { at: fmtDateTime(rep.generated_at) })),
      h('p', { class: 'hint' }, t('report.advice')),
      actions, status, ...render_(rep));
  }
  form.addEventListener('submit', (e) => { e.preventDefault(); load(); });
  await load();
}
