// i18n.js - message lookup, language switch and Beijing-time formatting.
import zh from './i18n/zh-CN.js';
import en from './i18n/en.js';

const catalogs = { 'zh-CN': zh, en };
const KEY = 'fq.lang';
const listeners = new Set();

function stored() {
  try { return localStorage.getItem(KEY); } catch (_) { return null; }
}

let locale = stored() === 'en' ? 'en' : 'zh-CN';

export function getLocale() { return locale; }

export function setLocale(l) {
  locale = l === 'en' ? 'en' : 'zh-CN';
  try { localStorage.setItem(KEY, locale); } catch (_) { /* private mode */ }
  document.documentElement.lang = locale;
  document.title = t('app.title');
  for (const fn of listeners) fn(locale);
}

export function onLocaleChange(fn) { listeners.add(fn); }

/** Whether a key exists in the current catalogue. */
export function has(key) {
  return Object.prototype.hasOwnProperty.call(catalogs[locale], key);
}

/** t('case.count', {n: 3}) -> message with {n} replaced. */
export function t(key, params) {
  let s = catalogs[locale][key];
  if (s === undefined) s = catalogs['zh-CN'][key];
  if (s === undefined) return key;
  if (params) s = s.replace(/\{(\w+)\}/g, (m, k) => (params[k] === undefined ? m : String(params[k])));
  return s;
}

/** Translate an enumerated code (status, category, ...) with a fallback. */
export function tc(group, code, fallback) {
  if (code === null || code === undefined || code === '') return '';
  const key = `${group}.${code}`;
  if (has(key) || Object.prototype.hasOwnProperty.call(catalogs['zh-CN'], key)) return t(key);
  return fallback || String(code);
}

const TZ = 'Asia/Shanghai';
const fmtCache = new Map();
function fmt(kind) {
  const k = locale + kind;
  if (!fmtCache.has(k)) {
    const opts = kind === 'date'
      ? { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit' }
      : { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false };
    fmtCache.set(k, new Intl.DateTimeFormat(locale, opts));
  }
  return fmtCache.get(k);
}

function toDate(v) {
  if (!v) return null;
  const d = v instanceof Date ? v : new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** Date and time in Beijing time. */
export function fmtDateTime(v) {
  const d = toDate(v);
  return d ? fmt('datetime').format(d) : '';
}

export function fmtDate(v) {
  const d = toDate(v);
  return d ? fmt('date').format(d) : '';
}

/** 'YYYY-MM-DD' of an instant in Beijing. */
export function bjDay(v) {
  const d = toDate(v) || new Date();
  const p = new Intl.DateTimeFormat('en-CA', { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(d);
  const get = (type) => p.find((x) => x.type === type).value;
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** Money in fen -> "¥1,234.50". */
export function fmtMoney(fen) {
  if (fen === null || fen === undefined || fen === '') return '';
  const n = Number(fen) / 100;
  return new Intl.NumberFormat(locale, { style: 'currency', currency: 'CNY' }).format(n);
}

export function fmtNumber(n) {
  if (n === null || n === undefined) return '';
  return new Intl.NumberFormat(locale).format(n);
}

export function fmtPercent(r) {
  if (r === null || r === undefined || Number.isNaN(Number(r))) return '—';
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(Number(r));
}

document.documentElement.lang = locale;
