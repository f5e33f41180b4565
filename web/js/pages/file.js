// file.js - a resident files a case; gets a tracking code and a secret on a
// printable slip.
import { h, append, replace, field, select } from '../dom.js';
import { t, tc, fmtDateTime } from '../i18n.js';
import { post, clearErrors, showError, ApiError } from '../api.js';
import { CATEGORIES, codeOptions } from '../common.js';
import { GUIDES } from '../guides.js';
import { regionPicker } from '../regionPicker.js';
import { setTrackHandoff } from './track.js';

const PHONE_RE = /^(\+?86)?1\d{10}$|^0\d{2,3}-?\d{7,8}$/;

export function render({ container, query, navigate }) {
  const topic = query.get('topic');
  const g = topic && GUIDES[topic];

  const form = h('form', { class: 'card form', novalidate: true });
  const category = field(t('case.category'),
    select(codeOptions('category', CATEGORIES, t('common.choose')), { name: 'category', required: true, value: g ? g.category : '' }),
    { name: 'category', required: true });
  const title = field(t('file.titleLabel'),
    h('input', { type: 'text', name: 'title', maxlength: '100', required: true, value: g ? t(`guide.${topic}.fileTitle`) : '', autocomplete: 'off' }),
    { name: 'title', required: true, hint: t('file.titleHint'), hintId: 'file-title-hint' });
  const desc = field(t('file.descLabel'),
    h('textarea', { name: 'description', rows: '6', maxlength: '4000', required: true }),
    { name: 'description', required: true, hint: t('file.descHint'), hintId: 'file-desc-hint' });
  const picker = regionPicker({ root: '33', public: true, legend: t('file.regionLegend'), required: true, name: 'region' });
  const address = field(t('case.address'),
    h('input', { type: 'text', name: 'address', maxlength: '200', autocomplete: 'street-address' }),
    { name: 'location', hint: t('file.addressHint'), hintId: 'file-addr-hint' });
  const name = field(t('file.nameLabel'),
    h('input', { type: 'text', name: 'name', maxlength: '50', required: true, autocomplete: 'name' }),
    { name: 'name', required: true });
  const phone = field(t('file.phoneLabel'),
    h('input', { type: 'tel', name: 'phone', maxlength: '20', required: true, autocomplete: 'tel', inputmode: 'tel' }),
    { name: 'phone', required: true, hint: t('file.phoneHint'), hintId: 'file-phone-hint' });
  const consent = h('input', { type: 'checkbox', id: 'file-consent', name: 'consent', required: true });
  const consentWrap = h('div', { class: 'field checkbox', dataset: { field: 'consent' } },
    consent, h('label', { for: 'file-consent' }, t('file.consent')),
    h('p', { class: 'field-error', hidden: true, role: 'alert' }));
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, t('file.submit'));

  append(form,
    h('p', { class: 'form-error', hidden: true, role: 'alert' }),
    category.wrap, title.wrap, desc.wrap, picker.el, address.wrap,
    h('fieldset', { class: 'plain' }, h('legend', null, t('file.aboutYou')), name.wrap, phone.wrap),
    consentWrap,
    h('p', { class: 'form-actions' }, submit));

  const page = h('div', null,
    h('h1', null, t('file.title')),
    h('p', { class: 'lead' }, t('file.lead')),
    g ? h('p', { class: 'alert alert-info' }, t('file.fromGuide', { topic: t(`guide.${topic}.title`) })) : null,
    form);
  append(container, page);

  function req(f, msg) {
    const v = f.input.value.trim();
    if (!v) {
      const p = f.wrap.querySelector('.field-error');
      p.textContent = msg || t('form.required');
      p.hidden = false;
      f.input.setAttribute('aria-invalid', 'true');
      return false;
    }
    return true;
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    let ok = true;
    const checks = [req(category, t('form.chooseCategory')), req(title), req(desc)];
    const regionOk = picker.validate();
    checks.push(req(name), req(phone));
    ok = checks.every(Boolean) && regionOk;
    if (phone.input.value.trim() && !PHONE_RE.test(phone.input.value.trim().replace(/\s/g, ''))) {
      const p = phone.wrap.querySelector('.field-error');
      p.textContent = t('error.invalid.phone');
      p.hidden = false;
      phone.input.setAttribute('aria-invalid', 'true');
      ok = false;
    }
    if (!consent.checked) {
      const p = consentWrap.querySelector('.field-error');
      p.textContent = t('file.consentNeeded');
      p.hidden = false;
      ok = false;
    }
    if (!ok) {
      const bad = form.querySelector('[aria-invalid="true"]');
      if (bad) bad.focus();
      return;
    }
    const body = {
      title: title.input.value.trim(),
      description: desc.input.value.trim(),
      category: category.input.value,
      region: picker.value(),
      name: name.input.value.trim(),
      phone: phone.input.value.trim().replace(/\s/g, ''),
    };
    if (address.input.value.trim()) body.location = { address: address.input.value.trim() };
    submit.disabled = true;
    try {
      const res = await post('/api/public/cases', body);
      showSlip(res, body);
    } catch (err) {
      showError(form, err instanceof ApiError ? err : new ApiError(0, 'network'));
    } finally {
      submit.disabled = false;
    }
  });

  function showSlip(res, body) {
    const printBtn = h('button', { type: 'button', class: 'btn' }, t('file.print'));
    printBtn.addEventListener('click', () => window.print());
    const trackBtn = h('button', { type: 'button', class: 'btn btn-primary' }, t('file.trackNow'));
    trackBtn.addEventListener('click', () => {
      setTrackHandoff(res.tracking_code, res.secret);
      navigate(`#/track?code=${encodeURIComponent(res.tracking_code)}`);
    });
    replace(page,
      h('h1', { tabindex: '-1' }, t('file.doneTitle')),
      h('section', { class: 'slip card', 'aria-labelledby': 'slip-title' },
        h('h2', { id: 'slip-title' }, t('file.slipTitle')),
        h('dl', { class: 'kv slip-codes' },
          h('div', { class: 'kv-row' }, h('dt', null, t('track.code')), h('dd', { class: 'code tracking-code' }, res.tracking_code)),
          h('div', { class: 'kv-row' }, h('dt', null, t('track.secret')), h('dd', { class: 'code tracking-secret' }, res.secret)),
          h('div', { class: 'kv-row' }, h('dt', null, t('case.title')), h('dd', null, body.title)),
          h('div', { class: 'kv-row' }, h('dt', null, t('case.category')), h('dd', null, tc('category', body.category))),
          h('div', { class: 'kv-row' }, h('dt', null, t('file.filedAt')), h('dd', null, fmtDateTime(new Date())))),
        h('p', { class: 'slip-note' }, t('file.keepSafe')),
        h('p', { class: 'slip-note' }, t('file.trackWhere', { url: location.origin + '/#/track' }))),
      h('p', { class: 'form-actions no-print' }, printBtn, trackBtn, h('a', { href: '#/', class: 'btn' }, t('nav.home'))));
    page.querySelector('h1').focus();
  }
}
