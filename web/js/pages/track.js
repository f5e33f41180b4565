// track.js - a resident looks up a case by tracking code and a secret: the
// 8-digit PIN from the slip, the long secret, or a code texted to the
// filing phone; reads its progress in plain words and rates it once done;
// a party of the case's open mediation joins its room with a phone code.
import { h, append, replace, field } from '../dom.js';
import { t, tc, fmtDateTime } from '../i18n.js';
import { api, get, post, clearErrors, showError, errorText, ApiError } from '../api.js';
import { statusBadge, dl } from '../common.js';
import { formatPin, unitName, stepsList, entriesList } from '../resident.js';
import { residentPhotos } from './attachments.js';

let handoff = null;
/** The filing page passes the fresh code and secret here (kept in memory only). */
export function setTrackHandoff(code, secret) { handoff = { code, secret }; }

const RATINGS = ['satisfied', 'basically_satisfied', 'unsatisfied'];

export function render({ container, query }) {
  const pre = handoff;
  handoff = null;
  const code = field(t('track.code'),
    h('input', { type: 'text', name: 'code', required: true, autocomplete: 'off', spellcheck: 'false', autocapitalize: 'characters', value: (pre && pre.code) || query.get('code') || '' }),
    { name: 'tracking_code', required: true });
  const secretInput = h('input', { type: 'password', name: 'secret', required: true, autocomplete: 'off', spellcheck: 'false', value: (pre && pre.secret) || '' });
  const secret = field(t('resident.secretLabel'), secretInput,
    { name: 'secret', required: true, hint: t('resident.secretHint'), hintId: 'track-secret-hint' });
  // show/hide what was typed: a PIN copied from paper is easy to mistype unseen
  const toggle = h('button', { type: 'button', class: 'btn btn-small reveal', 'aria-pressed': 'false', 'aria-controls': secretInput.id }, t('resident.show'));
  toggle.addEventListener('click', () => {
    const show = secretInput.type === 'password';
    secretInput.type = show ? 'text' : 'password';
    toggle.setAttribute('aria-pressed', String(show));
    toggle.textContent = show ? t('resident.hide') : t('resident.show');
  });
  secretInput.after(toggle);
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, t('track.submit'));
  const form = h('form', { class: 'card form', novalidate: true },
    h('p', { class: 'form-error', hidden: true, role: 'alert' }),
    h('div', { class: 'form-row' }, code.wrap, secret.wrap),
    h('p', { class: 'form-actions' }, submit));
  const result = h('section', { class: 'track-result', 'aria-live': 'polite' });

  append(container,
    h('h1', null, t('track.title')),
    h('p', { class: 'lead' }, t('resident.trackLead')),
    form, smsBox(), result);

  let lastSecret = '';

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const c = code.input.value.trim();
    const s = secretInput.value.trim();
    let ok = true;
    for (const [f, v] of [[code, c], [secret, s]]) {
      if (!v) {
        const p = f.wrap.querySelector('.field-error');
        p.textContent = t('form.required');
        p.hidden = false;
        f.input.setAttribute('aria-invalid', 'true');
        ok = false;
      }
    }
    if (!ok) { form.querySelector('[aria-invalid="true"]').focus(); return; }
    submit.disabled = true;
    replace(result);
    try {
      // the secret goes in a header: a URL is kept in proxy and browser logs
      const r = await get(`/api/public/cases/${encodeURIComponent(c)}`, { headers: { 'x-tracking-secret': s } });
      lastSecret = s;
      showCase(r);
    } catch (err) {
      if (err instanceof ApiError && (err.status === 404 || err.status === 401 || err.status === 403)) {
        showError(form, new ApiError(404, 'track_not_found'));
      } else showError(form, err);
    } finally {
      submit.disabled = false;
    }
  });

  // "forgot the secret": a code texted to the phone given when filing
  function smsBox() {
    const phone = field(t('resident.smsPhone'),
      h('input', { type: 'tel', name: 'sms-phone', maxlength: '20', autocomplete: 'tel', inputmode: 'tel' }),
      { name: 'phone' });
    const send = h('button', { type: 'submit', class: 'btn' }, t('resident.smsSend'));
    const status = h('p', { class: 'sms-status', role: 'status' });
    const f = h('form', { class: 'form sms-form', novalidate: true },
      h('p', { class: 'form-error', hidden: true, role: 'alert' }),
      h('p', { class: 'hint' }, t('resident.smsLead')), phone.wrap, h('p', { class: 'form-actions' }, send), status);
    f.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(f);
      status.textContent = '';
      const c = code.input.value.trim();
      if (!c) {
        showError(form, new ApiError(400, 'required', '', 'tracking_code'));
        code.wrap.querySelector('.field-error').textContent = t('resident.needCode');
        return;
      }
      if (!phone.input.value.trim()) {
        showError(f, new ApiError(400, 'required', '', 'phone'));
        return;
      }
      send.disabled = true;
      try {
        await post(`/api/public/cases/${encodeURIComponent(c)}/sms-code`, { phone: phone.input.value.trim().replace(/\s/g, '') });
        status.textContent = t('resident.smsSent');
      } catch (err) {
        showError(f, err);
      } finally {
        send.disabled = false;
      }
    });
    return h('details', { class: 'card sms-box' }, h('summary', null, t('resident.forgot')), f);
  }

  function showCase(r) {
    const unit = r.unit || {};
    const phone = unit.phone
      ? h('a', { href: `tel:${unit.phone.replace(/[^0-9]/g, '')}`, class: 'unit-phone' }, unit.phone)
      : h('span', { class: 'muted' }, t('resident.noPhone'));
    const help = t('track.statusHelp.' + r.status);
    replace(result,
      h('div', { class: 'card resident-case' },
        h('h2', { tabindex: '-1' }, r.title || r.tracking_code),
        h('p', null, statusBadge(r.status), ' ', h('span', { class: 'muted' }, help !== 'track.statusHelp.' + r.status ? help : '')),
        stepsList(r.progress, r.status),
        h('div', { class: 'unit-box' },
          h('p', null, h('strong', null, t('resident.unitNow'), t('common.colon')), h('span', { class: 'unit-name' }, unitName(unit) || r.unit_region_name || '')),
          h('p', null, t('resident.unitPhone'), t('common.colon'), phone)),
        r.outcome ? h('p', { class: 'outcome' }, h('strong', null, t('resident.outcome'), t('common.colon')), tc('outcome', r.outcome)) : null,
        dl([
          [t('track.code'), r.tracking_code],
          [t('case.category'), tc('category', r.category)],
          [t('case.region'), r.region_name],
          [t('case.createdAt'), fmtDateTime(r.created_at)],
        ]),
        h('h3', null, t('resident.entries')),
        entriesList(r.entries),
        residentPhotos(r.tracking_code, lastSecret),
        joinBox(r),
        ratingBox(r),
        newPinBox(r)));
    result.querySelector('h2').focus();
  }

  // A party of the case's open mediation joins its room with the code
  // texted to its phone (the page asks only while the case is in 调解中).
  function joinBox(r) {
    if (r.status !== 'mediating') return null;
    const secret = lastSecret;
    const base = `/api/v1/public/cases/${encodeURIComponent(r.tracking_code)}/mediation`;
    const opts = { headers: { 'x-tracking-secret': secret } };
    const box = h('section', { class: 'card join-room', 'aria-labelledby': 'join-room-title', hidden: true });
    get(base, opts).then((m) => { if (m.open) box.hidden = false; }, () => {});
    const phone = field(t('join.phone'),
      h('input', { type: 'tel', name: 'join-phone', maxlength: '20', autocomplete: 'tel', inputmode: 'tel' }),
      { name: 'phone', hint: t('join.phoneHint'), hintId: 'join-phone-hint' });
    const code = field(t('join.code'),
      h('input', { type: 'text', name: 'join-code', maxlength: '6', autocomplete: 'one-time-code', inputmode: 'numeric' }),
      { name: 'code' });
    const send = h('button', { type: 'button', class: 'btn' }, t('join.send'));
    const go = h('button', { type: 'submit', class: 'btn btn-primary' }, t('join.enter'));
    const status = h('p', { class: 'sms-status', role: 'status' });
    const f = h('form', { class: 'form join-form', novalidate: true },
      h('p', { class: 'form-error', hidden: true, role: 'alert' }),
      phone.wrap, h('p', { class: 'form-actions' }, send), status,
      code.wrap, h('p', { class: 'form-actions' }, go));
    const typed = () => phone.input.value.trim().replace(/\s/g, '');
    send.addEventListener('click', async () => {
      clearErrors(f);
      status.textContent = '';
      if (!typed()) { showError(f, new ApiError(400, 'required', '', 'phone')); return; }
      send.disabled = true;
      try {
        await post(`${base}/code`, { phone: typed() }, opts);
        status.textContent = t('join.sent');
        code.input.focus();
      } catch (err) {
        showError(f, err);
      } finally {
        send.disabled = false;
      }
    });
    f.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(f);
      if (!typed()) { showError(f, new ApiError(400, 'required', '', 'phone')); return; }
      if (!code.input.value.trim()) { showError(f, new ApiError(400, 'required', '', 'code')); return; }
      go.disabled = true;
      try {
        const res = await post(`${base}/join`, { phone: typed(), code: code.input.value.trim() }, opts);
        location.hash = `#/room/${res.token}`;
      } catch (err) {
        showError(f, err);
        go.disabled = false;
      }
    });
    append(box, h('h3', { id: 'join-room-title' }, t('join.title')), h('p', { class: 'hint' }, t('join.lead')), f);
    return box;
  }

  function ratingBox(r) {
    if (r.rating) return h('p', { class: 'rating-done' }, t('resident.rateDone', { rating: tc('satisfaction', r.rating) }));
    if (!r.can_rate) return null;
    const name = 'rating';
    const radios = RATINGS.map((v) => {
      const id = `rating-${v}`;
      return h('div', { class: 'radio' }, h('input', { type: 'radio', name, id, value: v }), h('label', { for: id }, tc('satisfaction', v)));
    });
    const comment = field(t('resident.rateComment'), h('textarea', { name: 'comment', rows: '2', maxlength: '200' }), { name: 'comment' });
    const send = h('button', { type: 'submit', class: 'btn btn-primary' }, t('resident.rateSubmit'));
    const f = h('form', { class: 'form rating-form', novalidate: true },
      h('p', { class: 'form-error', hidden: true, role: 'alert' }),
      h('fieldset', { class: 'plain', dataset: { field: 'rating' } }, h('legend', null, t('resident.rateLegend')), radios,
        h('p', { class: 'field-error', hidden: true, role: 'alert' })),
      comment.wrap, h('p', { class: 'form-actions' }, send));
    const box = h('section', { class: 'rating-box', 'aria-labelledby': 'rating-title' }, h('h3', { id: 'rating-title' }, t('resident.rateTitle')), f);
    f.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(f);
      const picked = f.querySelector('input[name="rating"]:checked');
      if (!picked) {
        const p = f.querySelector('[data-field="rating"] .field-error');
        p.textContent = t('resident.ratePick');
        p.hidden = false;
        f.querySelector('input[name="rating"]').focus();
        return;
      }
      send.disabled = true;
      try {
        const body = { rating: picked.value };
        if (comment.input.value.trim()) body.comment = comment.input.value.trim();
        await post(`/api/public/cases/${encodeURIComponent(r.tracking_code)}/rating`, body, { headers: { 'x-tracking-secret': lastSecret } });
        replace(box, h('p', { class: 'rating-done', role: 'status' }, t('resident.rateDone', { rating: tc('satisfaction', picked.value) })));
      } catch (err) {
        showError(f, err);
        send.disabled = false;
      }
    });
    return box;
  }

  // After a texted code: a new PIN to keep (the old one stops working).
  function newPinBox(r) {
    if (!/^\d{6}$/.test(lastSecret.replace(/[\s-]/g, ''))) return null;
    const out = h('p', { class: 'new-pin', role: 'status' });
    const btn = h('button', { type: 'button', class: 'btn' }, t('resident.newPin'));
    btn.addEventListener('click', async () => {
      btn.disabled = true;
      try {
        const res = await api('POST', `/api/public/cases/${encodeURIComponent(r.tracking_code)}/pin`, undefined, { headers: { 'x-tracking-secret': lastSecret } });
        replace(out, t('resident.newPinDone'), h('strong', { class: 'code' }, formatPin(res.pin)));
      } catch (err) {
        btn.disabled = false;
        out.textContent = errorText(err);
      }
    });
    return h('div', { class: 'pin-box' }, btn, out);
  }

  if (pre && pre.code && pre.secret) form.requestSubmit();
}
