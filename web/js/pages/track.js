// track.js - a resident looks up a case by tracking code and secret.
import { h, append, replace, field } from '../dom.js';
import { t, tc, fmtDateTime } from '../i18n.js';
import { get, clearErrors, showError, ApiError } from '../api.js';
import { statusBadge, dl, timelineList } from '../common.js';

let handoff = null;
/** The filing page passes the fresh code and secret here (kept in memory only). */
export function setTrackHandoff(code, secret) { handoff = { code, secret }; }

export function render({ container, query }) {
  const pre = handoff;
  handoff = null;
  const code = field(t('track.code'),
    h('input', { type: 'text', name: 'code', required: true, autocomplete: 'off', spellcheck: 'false', value: (pre && pre.code) || query.get('code') || '' }),
    { name: 'tracking_code', required: true });
  const secret = field(t('track.secret'),
    h('input', { type: 'password', name: 'secret', required: true, autocomplete: 'off', spellcheck: 'false', value: (pre && pre.secret) || '' }),
    { name: 'secret', required: true });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, t('track.submit'));
  const form = h('form', { class: 'card form', novalidate: true },
    h('p', { class: 'form-error', hidden: true, role: 'alert' }),
    h('div', { class: 'form-row' }, code.wrap, secret.wrap),
    h('p', { class: 'form-actions' }, submit));
  const result = h('section', { class: 'track-result', 'aria-live': 'polite' });

  append(container,
    h('h1', null, t('track.title')),
    h('p', { class: 'lead' }, t('track.lead')),
    form, result);

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const c = code.input.value.trim();
    const s = secret.input.value.trim();
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
      showCase(r);
    } catch (err) {
      if (err instanceof ApiError && (err.status === 404 || err.status === 401 || err.status === 403)) {
        showError(form, new ApiError(404, 'track_not_found'));
      } else showError(form, err);
    } finally {
      submit.disabled = false;
    }
  });

  function showCase(r) {
    replace(result,
      h('div', { class: 'card' },
        h('h2', { tabindex: '-1' }, r.title || r.tracking_code),
        h('p', null, statusBadge(r.status), ' ', h('span', { class: 'muted' }, t('track.statusHelp.' + r.status) !== 'track.statusHelp.' + r.status ? t('track.statusHelp.' + r.status) : '')),
        dl([
          [t('track.code'), r.tracking_code],
          [t('case.category'), tc('category', r.category)],
          [t('case.region'), r.region_name],
          [t('track.unit'), r.unit_region_name],
          [t('case.createdAt'), fmtDateTime(r.created_at)],
        ]),
        h('h3', null, t('case.timeline')),
        timelineList(r.timeline, { public: true })));
    result.querySelector('h2').focus();
  }

  if (pre && pre.code && pre.secret) form.requestSubmit();
}
