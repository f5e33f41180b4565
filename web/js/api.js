// api.js - JSON calls to the Fengqiao server, the session and its CSRF token,
// and showing API errors in the user's language next to the field they name.
import { t, has } from './i18n.js';
import { h } from './dom.js';

export const session = { user: null, csrf: null, loaded: false };

// Roles that read statistics but work no cases: their day starts at 研判.
const READ_ONLY_ROLES = new Set(['analyst']);

/** The page a signed-in user starts from: 研判 for analysts, else 待办. */
export function homeFor(user) {
  const roles = (user && user.roles) || [];
  return roles.length && roles.every((r) => READ_ONLY_ROLES.has(r.role)) ? '#/dashboard' : '#/inbox';
}

export class ApiError extends Error {
  constructor(status, code, message, field) {
    super(message || code || String(status));
    this.status = status;
    this.code = code || (status === 0 ? 'network' : 'http_' + status);
    this.field = field || null;
    this.serverMessage = message || '';
  }
}

const authListeners = new Set();
export function onAuthChange(fn) { authListeners.add(fn); }
function emitAuth() { for (const fn of authListeners) fn(session.user); }

/** api('POST', '/api/cases', body) -> parsed JSON (or null on 204). */
export async function api(method, path, body, opts = {}) {
  const headers = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD' && session.csrf) headers['x-csrf-token'] = session.csrf;
  Object.assign(headers, opts.headers);
  let r;
  try {
    r = await fetch(path, {
      method, headers, credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new ApiError(0, 'network', e.message);
  }
  if (r.status === 204) return null;
  const text = await r.text();
  let json = null;
  if (text) {
    try { json = JSON.parse(text); } catch (_) { json = null; }
  }
  if (!r.ok) {
    const e = (json && json.error) || {};
    const err = new ApiError(r.status, e.code, e.message, e.field);
    if (r.status === 401 && session.user && !opts.noAuthRedirect) {
      session.user = null;
      session.csrf = null;
      hint(false);
      emitAuth();
      const here = location.hash || '#/';
      if (!here.startsWith('#/login')) location.hash = '#/login?next=' + encodeURIComponent(here.slice(1));
    }
    throw err;
  }
  return json;
}

export const get = (p, o) => api('GET', p, undefined, o);
export const post = (p, b, o) => api('POST', p, b === undefined ? {} : b, o);

// A hint that this browser has signed in, so residents' pages do not ask the
// server for a session they cannot have (an avoidable 401 on every visit).
const HINT = 'fq.staff';
function hint(on) {
  try {
    if (on === undefined) return localStorage.getItem(HINT) === '1';
    if (on) localStorage.setItem(HINT, '1'); else localStorage.removeItem(HINT);
  } catch (_) { /* storage unavailable */ }
  return on;
}

function setSession(json) {
  hint(Boolean(json && json.user));
  session.user = json ? json.user : null;
  session.csrf = json ? (json.csrf_token || session.csrf) : null;
  session.loaded = true;
  emitAuth();
}

export async function loadMe(opts = {}) {
  if (!opts.force && !hint()) {
    setSession(null);
    return null;
  }
  try {
    const me = await get('/api/me', { noAuthRedirect: true });
    setSession(me);
  } catch (e) {
    if (e.status !== 401 && e.status !== 404) console.warn('me:', e.code);
    setSession(null);
  }
  return session.user;
}

export async function login(username, password) {
  const json = await post('/api/session', { username, password }, { noAuthRedirect: true });
  setSession(json);
  return json.user;
}

export async function logout() {
  try { await api('DELETE', '/api/session', undefined, { noAuthRedirect: true }); } catch (_) { /* already gone */ }
  setSession(null);
}

/** The message for an error, in the user's language. */
export function errorText(err) {
  if (!(err instanceof ApiError)) return t('error.unknown');
  const keys = [];
  if (err.field) keys.push(`error.${err.code}.${err.field}`);
  keys.push(`error.${err.code}`);
  for (const k of keys) if (has(k)) return t(k);
  if (err.serverMessage) return err.serverMessage;
  if (err.status >= 500) return t('error.server');
  return t('error.unknown');
}

/** Remove every error shown in a form. */
export function clearErrors(form) {
  for (const p of form.querySelectorAll('.field-error')) { p.hidden = true; p.textContent = ''; }
  for (const i of form.querySelectorAll('[aria-invalid]')) i.removeAttribute('aria-invalid');
  const top = form.querySelector('.form-error');
  if (top) { top.hidden = true; top.textContent = ''; }
}

/**
 * Show err in form: next to the field named by err.field (an element with
 * data-field="<name>" holding a .field-error), else in the form's .form-error.
 */
export function showError(form, err) {
  const msg = errorText(err);
  let target = null;
  if (err && err.field) {
    const name = String(err.field);
    const bracket = name.replace(/\.(\d+)(?=\.|$)/g, '[$1]');
    const candidates = [name, bracket, name.split(/[.[]/)[0]];
    for (const c of candidates) {
      target = form.querySelector(`[data-field="${CSS.escape(c)}"]`);
      if (target) break;
    }
  }
  if (target) {
    const p = target.querySelector(':scope > .field-error') || target.querySelector('.field-error');
    const input = target.querySelector('input, select, textarea');
    if (p) { p.textContent = msg; p.hidden = false; }
    if (input) { input.setAttribute('aria-invalid', 'true'); input.focus(); }
    if (p) return;
  }
  let top = form.querySelector('.form-error');
  if (!top) {
    top = h('p', { class: 'form-error', role: 'alert' });
    form.prepend(top);
  }
  top.textContent = msg;
  top.hidden = false;
}

/** A standalone alert box for page-level errors. */
export function errorBox(err) {
  return h('p', { class: 'alert alert-error', role: 'alert' }, errorText(err));
}
