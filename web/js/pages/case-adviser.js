// case-adviser.js - the village legal adviser's card (一村一法律顾问, issue
// 18; docs/village.md "Legal adviser") on the case page and in its
// mediation: who the adviser of the case's village is and when they sit,
// the consultations logged with this case (topic and outcome, never the
// advice), and a form to ask the adviser about the case, which tells them
// in their notifications. case.js and mediation.js mount it with one line;
// a caller who may not see the case (404) gets no card.
import { h, replace, field } from '../dom.js';
import { t, fmtDateTime } from '../i18n.js';
import { get, post, clearErrors, showError, errorBox } from '../api.js';

const OUTCOMES = ['answered', 'mediation', 'litigation', 'referred', 'follow_up'];

function askForm(caseId, done) {
  const topic = field(t('adviserCard.topic'), h('textarea', { name: 'topic', rows: 2, maxlength: 200, required: true }),
    { name: 'topic', required: true, hint: t('village.noAdvice'), hintId: `adviser-topic-hint-${caseId}` });
  const form = h('form', { class: 'form adviser-ask', novalidate: true },
    h('p', { class: 'form-error', hidden: true, role: 'alert' }), topic.wrap,
    h('p', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-small' }, t('adviserCard.ask'))));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    try {
      await post('/api/v1/village/adviser/asks', { case_id: Number(caseId), topic: topic.input.value.trim() });
      form.reset();
      done();
    } catch (err) {
      showError(form, err);
    }
  });
  return form;
}

function draw(card, c, res, flash) {
  const a = res.adviser;
  replace(card,
    h('h2', { id: `sec-adviser-${c.id}` }, t('village.adviser')),
    a ? h('p', null, h('strong', null, a.name), a.office_hours ? [' · ', a.office_hours] : null)
      : h('p', { class: 'muted' }, t('adviserCard.none')),
    res.items.length
      ? h('ul', { class: 'adviser-consults' }, res.items.map((x) => h('li', null, x.topic, ' · ',
        OUTCOMES.includes(x.outcome) ? t(`village.outcome.${x.outcome}`) : x.outcome, ' · ', fmtDateTime(x.at))))
      : h('p', { class: 'muted' }, t('adviserCard.noConsults')),
    flash,
    a ? askForm(c.id, () => { flash.textContent = t('adviserCard.asked'); }) : null);
}

export async function mountAdviser(side, c, isCurrent) {
  if (!side || !c || !c.id) return;
  let res;
  try {
    res = await get(`/api/v1/village/consultations?case_id=${encodeURIComponent(c.id)}`);
  } catch (err) {
    if (err.status === 404 || err.status === 403 || (isCurrent && !isCurrent())) return;
    const card = h('section', { class: 'card adviser-card' }, errorBox(err));
    side.append(card);
    return;
  }
  if (isCurrent && !isCurrent()) return;
  const card = h('section', { class: 'card adviser-card', 'aria-labelledby': `sec-adviser-${c.id}` });
  const flash = h('p', { class: 'flash', role: 'status', 'aria-live': 'polite' });
  side.append(card);
  draw(card, c, res, flash);
}
