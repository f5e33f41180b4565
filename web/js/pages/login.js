// login.js - staff sign-in.
import { h, append, field } from '../dom.js';
import { t } from '../i18n.js';
import { session, login, clearErrors, showError, homeFor } from '../api.js';

export function render({ container, query, navigate }) {
  const next = query.get('next');
  const asked = next && next.startsWith('/') && !next.startsWith('/login') ? '#' + next : null;
  if (session.user) {
    append(container,
      h('h1', null, t('login.title')),
      h('p', null, t('login.already', { name: session.user.display_name || session.user.username })),
      h('p', null, h('a', { href: homeFor(session.user), class: 'btn btn-primary' }, t('home.toInbox'))));
    return;
  }
  const user = field(t('login.username'),
    h('input', { type: 'text', name: 'username', required: true, autocomplete: 'username', autocapitalize: 'none', spellcheck: 'false' }),
    { name: 'username', required: true });
  const pass = field(t('login.password'),
    h('input', { type: 'password', name: 'password', required: true, autocomplete: 'current-password' }),
    { name: 'password', required: true });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, t('login.submit'));
  const form = h('form', { class: 'card form narrow', novalidate: true },
    h('p', { class: 'form-error', hidden: true, role: 'alert' }),
    user.wrap, pass.wrap, h('p', { class: 'form-actions' }, submit));

  append(container,
    h('h1', null, t('login.title')),
    h('p', { class: 'lead' }, t('login.lead')),
    form,
    h('p', { class: 'muted' }, t('login.residentHint'), ' ', h('a', { href: '#/' }, t('nav.home'))));

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    let ok = true;
    for (const f of [user, pass]) {
      if (!f.input.value) {
        const p = f.wrap.querySelector('.field-error');
        p.textContent = t('form.required');
        p.hidden = false;
        f.input.setAttribute('aria-invalid', 'true');
        ok = false;
      }
    }
    if (!ok) { form.querySelector('[aria-invalid="true"]').focus(); return; }
    submit.disabled = true;
    try {
      await login(user.input.value.trim(), pass.input.value);
      navigate(asked || homeFor(session.user));
    } catch (err) {
      showError(form, err);
      pass.input.value = '';
    } finally {
      submit.disabled = false;
    }
  });
  if (!('ontouchstart' in window)) user.input.focus();
}
