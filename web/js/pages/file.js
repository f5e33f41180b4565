// file.js - a resident files a case; gets a tracking code, a long secret and
// an 8-digit PIN on a printable slip with a QR code of the tracking page.
// Fields are checked again as they are edited, once touched.
import { h, append, replace, field, select } from '../dom.js';
import { t, tc, fmtDateTime } from '../i18n.js';
import { post, clearErrors, showError, ApiError } from '../api.js';
import { CATEGORIES, codeOptions } from '../common.js';
import { GUIDES } from '../guides.js';
import { regionPicker } from '../regionPicker.js';
import { setTrackHandoff } from './track.js';
import { qrSvg } from '../qr.js';
import { HOTLINES, EMERGENCY, formatPin, copyText, beijingToday } from '../resident.js';
import { photoPicker } from './attachments.js';

const PHONE_RE = /^(\+?86)?1\d{10}$|^0\d{2,3}-?\d{7,8}$/;

export function render({ container, query, navigate }) {
  const topic = query.get('topic');
  const g = topic && GUIDES[topic];
  const today = beijingToday();

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
  const occurred = field(t('resident.occurredLabel'),
    h('input', { type: 'date', name: 'occurred', max: today }),
    { name: 'occurred_at', hint: t('resident.occurredHint'), hintId: 'file-occurred-hint' });
  const respondent = field(t('resident.respondentLabel'),
    h('input', { type: 'text', name: 'respondent', maxlength: '50', autocomplete: 'off' }),
    { name: 'respondent', hint: t('resident.respondentHint'), hintId: 'file-resp-hint' });
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
  const photos = photoPicker();
  const consent = h('input', { type: 'checkbox', id: 'file-consent', name: 'consent', required: true });
  const consentWrap = h('div', { class: 'field checkbox', dataset: { field: 'consent' } },
    consent, h('label', { for: 'file-consent' }, t('file.consent')),
    h('p', { class: 'field-error', hidden: true, role: 'alert' }));
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, t('file.submit'));

  append(form,
    h('p', { class: 'form-error', hidden: true, role: 'alert' }),
    category.wrap, title.wrap, desc.wrap, occurred.wrap, picker.el, address.wrap, photos.el,
    h('fieldset', { class: 'plain' }, h('legend', null, t('resident.otherParty')), respondent.wrap),
    h('fieldset', { class: 'plain' }, h('legend', null, t('file.aboutYou')), name.wrap, phone.wrap),
    consentWrap,
    h('p', { class: 'promise' }, t('resident.promise')),
    h('p', { class: 'form-actions' }, submit));

  const page = h('div', null,
    h('h1', null, t('file.title')),
    h('p', { class: 'lead' }, t('file.lead')),
    h('div', { class: 'alert alert-warn emergency', role: 'note' },
      h('p', null, t('resident.emergency', { n: EMERGENCY })),
      h('p', null, t('resident.hotline', { a: HOTLINES[0], b: HOTLINES[1] }))),
    g ? h('p', { class: 'alert alert-info' }, t('file.fromGuide', { topic: t(`guide.${topic}.title`) })) : null,
    form);
  append(container, page);

  function setError(f, msg) {
    const p = f.wrap.querySelector('.field-error');
    p.textContent = msg || '';
    p.hidden = !msg;
    if (msg) f.input.setAttribute('aria-invalid', 'true');
    else f.input.removeAttribute('aria-invalid');
    return !msg;
  }

  const phoneText = () => phone.input.value.trim().replace(/\s/g, '');
  // Each field's check: the message to show, or ''.
  const rules = [
    [category, () => (category.input.value ? '' : t('form.chooseCategory'))],
    [title, () => (title.input.value.trim() ? '' : t('form.required'))],
    [desc, () => (desc.input.value.trim() ? '' : t('form.required'))],
    [occurred, () => (occurred.input.value && occurred.input.value > today ? t('resident.occurredFuture') : '')],
    [name, () => (name.input.value.trim() ? '' : t('form.required'))],
    [phone, () => {
      if (!phoneText()) return t('form.required');
      return PHONE_RE.test(phoneText()) ? '' : t('error.invalid.phone');
    }],
  ];
  // Re-check a field as it is edited once it has been left or shown wrong,
  // so an error goes away as soon as it is mended.
  for (const [f, rule] of rules) {
    let touched = false;
    const recheck = () => { if (touched || f.input.getAttribute('aria-invalid')) setError(f, rule()); };
    f.input.addEventListener('blur', () => { if (f.input.value.trim()) touched = true; recheck(); });
    f.input.addEventListener('input', recheck);
    // a change is a finished edit (a text field left, a date or option picked)
    f.input.addEventListener('change', () => { touched = true; recheck(); });
  }
  consent.addEventListener('change', () => {
    if (consent.checked) consentWrap.querySelector('.field-error').hidden = true;
  });

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const checks = rules.map(([f, rule]) => setError(f, rule()));
    const regionOk = picker.validate();
    let ok = checks.every(Boolean) && regionOk && photos.validate();
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
      phone: phoneText(),
    };
    if (address.input.value.trim()) body.location = { address: address.input.value.trim() };
    if (respondent.input.value.trim()) body.respondent = respondent.input.value.trim();
    // a date alone: the start of that day in Beijing
    if (occurred.input.value) body.occurred_at = `${occurred.input.value}T00:00:00+08:00`;
    submit.disabled = true;
    try {
      const res = await post('/api/public/cases', body);
      const sent = await photos.upload(res.tracking_code, res.secret);
      showSlip(res, body, sent);
    } catch (err) {
      showError(form, err instanceof ApiError ? err : new ApiError(0, 'network'));
    } finally {
      submit.disabled = false;
    }
  });

  function showSlip(res, body, sent) {
    const trackUrl = `${location.origin}/#/track?code=${encodeURIComponent(res.tracking_code)}`;
    const printBtn = h('button', { type: 'button', class: 'btn' }, t('file.print'));
    printBtn.addEventListener('click', () => window.print());
    const trackBtn = h('button', { type: 'button', class: 'btn btn-primary' }, t('file.trackNow'));
    trackBtn.addEventListener('click', () => {
      setTrackHandoff(res.tracking_code, res.secret);
      navigate(`#/track?code=${encodeURIComponent(res.tracking_code)}`);
    });
    const copied = h('p', { class: 'copy-status no-print', role: 'status' });
    const copyBtn = h('button', { type: 'button', class: 'btn no-print copy-btn' }, t('resident.copy'));
    copyBtn.addEventListener('click', async () => {
      const ok = await copyText(t('resident.copyText', { code: res.tracking_code, pin: formatPin(res.pin), url: trackUrl }));
      copied.textContent = ok ? t('resident.copied') : t('resident.copyFailed');
    });
    let qr = null;
    try { qr = qrSvg(trackUrl, t('resident.qrLabel', { url: trackUrl })); } catch (_) { qr = null; }
    replace(page,
      h('h1', { tabindex: '-1' }, t('file.doneTitle')),
      h('section', { class: 'slip card', 'aria-labelledby': 'slip-title' },
        h('h2', { id: 'slip-title' }, t('file.slipTitle')),
        h('div', { class: 'slip-body' },
          h('dl', { class: 'kv slip-codes' },
            h('div', { class: 'kv-row' }, h('dt', null, t('track.code')), h('dd', { class: 'code tracking-code' }, res.tracking_code)),
            h('div', { class: 'kv-row' }, h('dt', null, t('resident.pin')), h('dd', { class: 'code tracking-pin' }, formatPin(res.pin))),
            h('div', { class: 'kv-row' }, h('dt', null, t('track.secret')), h('dd', { class: 'code tracking-secret' }, res.secret)),
            h('div', { class: 'kv-row' }, h('dt', null, t('case.title')), h('dd', null, body.title)),
            h('div', { class: 'kv-row' }, h('dt', null, t('case.category')), h('dd', null, tc('category', body.category))),
            h('div', { class: 'kv-row' }, h('dt', null, t('file.filedAt')), h('dd', null, fmtDateTime(new Date())))),
          qr ? h('figure', { class: 'slip-qr' }, qr, h('figcaption', null, t('resident.qrCaption'))) : null),
        sent && sent.sent ? h('p', { class: 'slip-note slip-photos' }, t('att.photosSent', { n: sent.sent })) : null,
        sent && sent.error ? h('p', { class: 'alert alert-warn no-print', role: 'alert' }, t('att.photosFailed', { msg: sent.error })) : null,
        h('p', { class: 'slip-note' }, t('resident.pinHint')),
        h('p', { class: 'slip-note' }, t('resident.keepSafe')),
        h('p', { class: 'slip-note' }, t('resident.promise')),
        h('p', { class: 'slip-note' }, t('file.trackWhere', { url: location.origin + '/#/track' })),
        copyBtn, copied),
      h('p', { class: 'form-actions no-print' }, printBtn, trackBtn, h('a', { href: '#/', class: 'btn' }, t('nav.home'))));
    page.querySelector('h1').focus();
  }
}
