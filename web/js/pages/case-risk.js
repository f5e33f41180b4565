// case-risk.js - the case page's 风险研判 card (risk grade, issue 16;
// docs/analysis.md "Risk grades"): the grade the signals suggest with each
// reason and its weight, the grade a person confirmed (who, when, why), the
// link to the mediation's police report when a risk was flagged there, and
// the form to confirm or change the grade with a reason. The grade is
// advice a person decides on (个人信息保护法 art. 24). case.js mounts it
// with one line; a caller who may not see grades (404) gets no card.
import { h, replace, field, select } from '../dom.js';
import { t, tc, fmtDateTime } from '../i18n.js';
import { get, post, clearErrors, showError, errorBox } from '../api.js';
import { CLOSED_STATUSES } from '../common.js';

const GRADES = ['red', 'orange', 'yellow', 'green'];

export function gradeBadge(grade) {
  if (!grade) return h('span', { class: 'badge risk-badge' }, t('risk.none'));
  return h('span', { class: `badge risk-badge risk-${grade}` }, tc('riskGrade', grade));
}

// The fact behind a reason, in words: the server sends it in no language
// (a count, yuan, the words found, a category code).
function detailText(r) {
  if (!r.detail) return '';
  if (r.signal === 'land') return tc('category', r.detail);
  if (r.signal === 'threat_words') return r.detail.split(',').join(t('common.sep'));
  return t(`risk.detail.${r.signal}`, { n: r.detail });
}

function reasonList(reasons) {
  if (!reasons || !reasons.length) return h('p', { class: 'muted' }, t('risk.noReasons'));
  return h('ul', { class: 'risk-reasons' }, reasons.map((r) =>
    h('li', { dataset: { signal: r.signal } },
      h('strong', null, tc('riskSignal', r.signal)), ' ',
      h('span', { class: 'muted' }, t('risk.weight', { n: r.weight })),
      detailText(r) ? h('span', { class: 'risk-detail' }, ' · ', detailText(r)) : null)));
}

function policeLink(m) {
  if (!m || !m.risk_flag) return null;
  return h('p', { class: 'risk-police' },
    t('risk.policeReport'), ' ', m.risk_police_report ? h('span', null, m.risk_police_report, ' · ') : null,
    h('a', { href: '#' + m.link }, t('risk.openMediation')));
}

function confirmForm(card, c, r, redraw) {
  const grade = select(GRADES.map((g) => ({ value: g, label: tc('riskGrade', g) })),
    { name: 'grade', value: r.confirmed || r.suggested || 'green' });
  const reason = h('textarea', { name: 'reason', rows: '2', maxlength: '500' });
  const gf = field(t('risk.confirmGrade'), grade, { name: 'grade', required: true });
  const rf = field(t('risk.reason'), reason, { name: 'reason', hint: t('risk.reasonHint'), hintId: `risk-hint-${c.id}` });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-small risk-confirm' }, t('risk.confirm'));
  const form = h('form', { class: 'form risk-form', novalidate: true }, gf.wrap, rf.wrap,
    h('div', { class: 'form-actions' }, submit));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    submit.disabled = true;
    try {
      const body = { grade: grade.value };
      if (reason.value.trim()) body.reason = reason.value.trim();
      const next = await post(`/api/v1/cases/${c.id}/risk/confirm`, body);
      redraw(next, t('risk.confirmed'));
    } catch (err) {
      showError(form, err);
      submit.disabled = false;
    }
  });
  return form;
}

function draw(card, c, r, flash) {
  const kids = [h('h2', { id: 'sec-risk' }, t('risk.title'))];
  if (flash) kids.push(h('p', { class: 'flash', role: 'status' }, flash));
  kids.push(h('p', { class: 'risk-suggested' }, t('risk.suggested'), ' ', gradeBadge(r.suggested),
    r.score !== null && r.score !== undefined ? h('span', { class: 'muted' }, ' ', t('risk.score', { n: r.score })) : null));
  kids.push(reasonList(r.reasons));
  if (r.confirmed) {
    kids.push(h('p', { class: 'risk-confirmed' }, t('risk.confirmedAs'), ' ', gradeBadge(r.confirmed), ' ',
      h('span', { class: 'muted' }, t('risk.by', { who: r.confirmed_by_name || r.confirmed_by, at: fmtDateTime(r.confirmed_at) })),
      r.confirm_reason ? h('span', { class: 'risk-why' }, ' · ', r.confirm_reason) : null));
  }
  kids.push(policeLink(r.mediation));
  kids.push(h('p', { class: 'hint' }, t('risk.advice')));
  if (r.can_confirm && !CLOSED_STATUSES.has(r.status)) {
    kids.push(confirmForm(card, c, r, (next, msg) => draw(card, c, next, msg)));
  }
  replace(card, ...kids);
}

/** Mounts the card at the top of side (the case page's side column). */
export async function mountRisk(side, c, isCurrent) {
  if (!side || !c || !c.id) return;
  const card = h('section', { class: 'card risk-card', 'aria-labelledby': 'sec-risk' });
  let r;
  try {
    r = await get(`/api/v1/cases/${c.id}/risk`);
  } catch (err) {
    if (err.status === 404 || (isCurrent && !isCurrent())) return;
    side.prepend(card);
    replace(card, h('h2', { id: 'sec-risk' }, t('risk.title')), errorBox(err));
    return;
  }
  if (isCurrent && !isCurrent()) return;
  side.prepend(card);
  draw(card, c, r);
}
