// village-ballot.js - a villager's secret ballot (无记名投票, issue 18;
// docs/village.md "Secret ballot"): the one-time token from the slip the
// village handed out, a choice, and the receipt that comes back; then anyone
// can find a receipt among the published ballots and recount them all. No
// account: the token is the right to vote once, and nothing here names the
// voter.
import { h, append, replace, field, qs } from '../dom.js';
import { t } from '../i18n.js';
import { get, post, clearErrors, showError, errorBox } from '../api.js';
import { loading } from '../common.js';

const CHOICES = ['yes', 'no', 'abstain'];

function castForm(onReceipt) {
  const token = field(t('vballot.token'), h('input', { type: 'text', name: 'token', autocomplete: 'off', spellcheck: 'false', maxlength: 64, required: true }),
    { name: 'token', hint: t('vballot.tokenHint'), hintId: 'vballot-token-hint', required: true });
  const radios = CHOICES.map((c) => {
    const id = `vballot-${c}`;
    return h('div', { class: 'radio' }, h('input', { type: 'radio', name: 'choice', id, value: c }), h('label', { for: id }, t(`vballot.choice.${c}`)));
  });
  const form = h('form', { class: 'form vballot-form', novalidate: true },
    h('p', { class: 'form-error', hidden: true, role: 'alert' }),
    token.wrap,
    h('fieldset', { class: 'plain', dataset: { field: 'choice' } }, h('legend', null, t('vballot.choiceLegend')), radios,
      h('p', { class: 'field-error', hidden: true, role: 'alert' })),
    h('p', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('vballot.cast'))));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const picked = form.querySelector('input[name="choice"]:checked');
    try {
      const r = await post('/api/v1/public/village-ballots', { token: token.input.value.trim(), choice: picked ? picked.value : '' });
      form.reset();
      onReceipt(r);
    } catch (err) {
      showError(form, err);
    }
  });
  return form;
}

/** Finds receipt among rule's published ballots and recounts them. */
async function verify(box, rule, receipt) {
  replace(box, loading());
  let res;
  try {
    res = await get(`/api/v1/public/village-rules/${encodeURIComponent(rule)}/ballots`);
  } catch (err) {
    replace(box, errorBox(err));
    return;
  }
  const mine = receipt ? res.items.find((b) => b.receipt === receipt) : null;
  const count = Object.fromEntries(CHOICES.map((c) => [c, res.items.filter((b) => b.choice === c).length]));
  const agrees = CHOICES.every((c) => count[c] === res.totals[c]);
  replace(box,
    receipt ? h('p', { class: mine ? 'vballot-found' : 'vballot-missing', role: 'status' },
      mine ? t('vballot.found', { choice: t(`vballot.choice.${mine.choice}`) }) : t('vballot.missing')) : null,
    h('p', { class: 'vballot-recount' }, t('vballot.recount', { yes: count.yes, no: count.no, abstain: count.abstain, total: res.items.length }),
      ' ', h('span', { class: agrees ? 'pill' : 'pill urgency-overdue' }, t(agrees ? 'vballot.agrees' : 'vballot.differs'))));
}

function verifyForm(box, rule0, receipt0) {
  const rule = field(t('vballot.rule'), h('input', { type: 'text', name: 'rule', inputmode: 'numeric', value: rule0 || '', required: true }), { name: 'rule', required: true });
  const receipt = field(t('vballot.receipt'), h('input', { type: 'text', name: 'receipt', autocomplete: 'off', value: receipt0 || '' }), { name: 'receipt' });
  const form = h('form', { class: 'form vballot-verify', novalidate: true }, rule.wrap, receipt.wrap,
    h('p', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn' }, t('vballot.check'))));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (rule.input.value.trim()) verify(box, rule.input.value.trim(), receipt.input.value.trim());
  });
  return form;
}

export async function render({ container, query }) {
  const result = h('div', { class: 'vballot-result' });
  const checked = h('div', { class: 'vballot-checked', 'aria-live': 'polite' });
  const verifier = h('div');
  const showVerify = (rule, receipt) => replace(verifier, verifyForm(checked, rule, receipt));
  append(container,
    h('div', { class: 'page-head' }, h('h1', null, t('vballot.title'))),
    h('p', { class: 'muted' }, t('vballot.lead')),
    h('section', { class: 'card', 'aria-labelledby': 'vballot-cast' }, h('h2', { id: 'vballot-cast' }, t('vballot.castTitle')),
      castForm((r) => {
        replace(result, h('div', { class: 'vballot-receipt', role: 'status' },
          h('p', null, t('vballot.thanks')),
          h('p', null, t('vballot.yourReceipt'), ' ', h('code', { class: 'vballot-code' }, r.receipt)),
          h('p', { class: 'hint' }, t('vballot.keep')),
          h('a', { href: '#/ballot' + qs({ rule: r.rule_id, receipt: r.receipt }) }, t('vballot.checkLink'))));
        showVerify(String(r.rule_id), r.receipt);
      }), result),
    h('section', { class: 'card', 'aria-labelledby': 'vballot-verify' }, h('h2', { id: 'vballot-verify' }, t('vballot.verifyTitle')), verifier, checked));
  showVerify(query.get('rule'), query.get('receipt'));
  if (query.get('rule')) await verify(checked, query.get('rule'), query.get('receipt'));
}
