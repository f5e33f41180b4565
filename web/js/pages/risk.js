// risk.js - 风险研判 (risk grades, issue 16): the open red and orange cases
// the user may see, most severe first, with the grade in force (a person's
// confirmation, else the suggestion) and whether a person has confirmed
// it; a grade filter and a region code. Each row opens the case, where the
// grade is confirmed (case-risk.js).
import { h, replace, field, select, qs } from '../dom.js';
import { t, tc, fmtDateTime } from '../i18n.js';
import { get, errorBox } from '../api.js';
import { emptyState, loading, statusBadge } from '../common.js';
import { gradeBadge } from './case-risk.js';

const FILTERS = ['', 'red', 'orange', 'yellow', 'green'];

export async function render({ container, query, isCurrent }) {
  const grade = select(FILTERS.map((g) => ({ value: g, label: g ? tc('riskGrade', g) : t('risk.redOrange') })),
    { name: 'grade', value: (query && query.get('grade')) || '' });
  const region = h('input', { type: 'text', name: 'region', inputmode: 'numeric', maxlength: '12', value: (query && query.get('region')) || '' });
  const list = h('div', { class: 'risk-list' });
  const form = h('form', { class: 'form filters risk-filters' },
    field(t('risk.filterGrade'), grade).wrap, field(t('risk.filterRegion'), region).wrap,
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-small' }, t('risk.apply'))));
  replace(container, h('h1', null, t('risk.pageTitle')), h('p', { class: 'hint' }, t('risk.advice')), form, list);

  async function load() {
    replace(list, loading());
    let r;
    try {
      r = await get(`/api/v1/risk${qs({ grade: grade.value, region: region.value.trim() })}`);
    } catch (err) {
      if (isCurrent()) replace(list, errorBox(err));
      return;
    }
    if (!isCurrent()) return;
    if (!r.items.length) {
      replace(list, emptyState(t('risk.empty')));
      return;
    }
    const cols = ['risk.colGrade', 'risk.colCase', 'risk.colRegion', 'risk.colStatus', 'risk.colConfirmed'];
    const cell = (i, ...kids) => h('td', { 'data-label': t(cols[i]) }, ...kids);
    const rows = r.items.map((it) => h('tr', { dataset: { case: String(it.case_id) } },
      cell(0, gradeBadge(it.grade)),
      cell(1, h('span', null, h('a', { href: `#/case/${it.case_id}` }, it.title), ' ', h('span', { class: 'code small' }, it.code))),
      cell(2, it.region_name || it.region),
      cell(3, statusBadge(it.status)),
      cell(4, it.confirmed ? t('risk.byPerson', { at: fmtDateTime(it.confirmed_at) }) : t('risk.notConfirmed'))));
    replace(list, h('div', { class: 'table-wrap' }, h('table', { class: 'risk-table responsive' },
      h('caption', { class: 'visually-hidden' }, t('risk.pageTitle')),
      h('thead', null, h('tr', null, cols.map((k) => h('th', { scope: 'col' }, t(k))))),
      h('tbody', null, rows))));
  }
  form.addEventListener('submit', (e) => { e.preventDefault(); load(); });
  await load();
}
