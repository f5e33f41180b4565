// verify.js - the public check of a mediation agreement (#/verify/{code}):
// whether a document with that verification code exists, its SHA-256 and
// who has signed it (names masked by the server). Nothing of its content.
import { h, append, replace, field } from '../dom.js';
import { t } from '../i18n.js';
import { get, errorBox, ApiError } from '../api.js';
import { API, fmtWhen } from './mediation-parts.js';
import { dl, loading } from '../common.js';

export async function render({ container, params, navigate }) {
  const code = h('input', { type: 'text', name: 'code', autocomplete: 'off', spellcheck: 'false', autocapitalize: 'characters', maxlength: '40', value: params.code || '' });
  const btn = h('button', { type: 'submit', class: 'btn btn-primary' }, t('verify.submit'));
  const form = h('form', { class: 'card form verify-form', novalidate: true },
    field(t('verify.code'), code, { name: 'code', required: true }).wrap, h('p', { class: 'form-actions' }, btn));
  const result = h('section', { class: 'verify-result', 'aria-live': 'polite' });
  append(container, h('h1', null, t('verify.title')), h('p', { class: 'lead' }, t('verify.lead')), form, result);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const v = code.value.trim();
    if (v) navigate(`#/verify/${encodeURIComponent(v)}`);
  });
  if (!params.code) return;

  replace(result, loading());
  let d;
  try {
    d = await get(`${API}/verify/${encodeURIComponent(params.code)}`);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) {
      replace(result, h('div', { class: 'card verify-none' }, h('h2', null, t('verify.noneTitle')), h('p', null, t('verify.none'))));
    } else replace(result, errorBox(err));
    return;
  }
  // agreement_verify: {code, exists, status, oral, hash, effective_at,
  // signatures [{kind, name (masked), at}]}; only signatures on the
  // current text are listed
  const signers = d.signatures || [];
  const effective = d.status === 'effective';
  replace(result, h('div', { class: 'card verify-found' },
    h('h2', null, effective ? t('verify.effectiveTitle') : t('verify.foundTitle')),
    dl([
      [t('verify.code'), h('span', { class: 'code' }, d.code || params.code)],
      [t('med.sha256'), h('span', { class: 'code' }, d.hash || '')],
      [t('med.effectiveAt'), effective ? fmtWhen(d.effective_at) : t('verify.notYet')],
    ]),
    h('h3', null, t('verify.signers')),
    signers.length
      ? h('ul', { class: 'med-signatures' }, signers.map((s) => h('li', null,
        h('span', { class: 'badge med-ok' }, s.kind === 'seal' ? t('med.sealed') : t('med.signed')), ' ',
        s.kind === 'mediator' ? t('med.mediatorNamed', { name: s.name }) : s.name, ' ',
        h('span', { class: 'muted small' }, fmtWhen(s.at)))))
      : h('p', { class: 'muted' }, t('verify.noSigners')),
    h('p', { class: 'muted small' }, t('verify.nothingElse'))));
}
