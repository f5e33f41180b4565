// keys.js - keyboard shortcuts for staff pages: j/k move through a list,
// a/e/n act on a case, ? shows the help sheet. A page binds its keys with
// bindKeys(isCurrent, map); keys are ignored while typing in a field, with
// a modifier, or once the page that bound them is gone.
import { h } from './dom.js';
import { t } from './i18n.js';

let current = null; // { isCurrent, map }
let installed = false;

const HELP = [['j', 'keys.j'], ['k', 'keys.k'], ['Enter', 'keys.enter'], ['a', 'keys.a'],
  ['e', 'keys.e'], ['n', 'keys.n'], ['?', 'keys.help'], ['Esc', 'keys.esc']];

function typing(el) {
  if (!el) return false;
  const tag = el.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || el.isContentEditable;
}

/** Opens the help sheet (a modal dialog listing the shortcuts). */
export function showHelp() {
  let dlg = document.getElementById('keys-help');
  if (!dlg) {
    const close = h('button', { type: 'button', class: 'btn' }, t('keys.close'));
    dlg = h('dialog', { id: 'keys-help', class: 'keys-help', 'aria-labelledby': 'keys-help-title' },
      h('h2', { id: 'keys-help-title' }, t('keys.title')),
      h('dl', { class: 'keys-list' }, HELP.map(([k, label]) => [h('dt', null, h('kbd', null, k)), h('dd', null, t(label))])),
      h('p', { class: 'form-actions' }, close));
    close.addEventListener('click', () => dlg.close());
    document.body.appendChild(dlg);
  }
  if (!dlg.open) dlg.showModal();
  dlg.querySelector('button').focus();
}

function onKey(ev) {
  if (ev.ctrlKey || ev.metaKey || ev.altKey || typing(ev.target)) return;
  if (document.querySelector('dialog[open]') && ev.key !== '?') return;
  if (ev.key === '?') { ev.preventDefault(); showHelp(); return; }
  if (!current || !current.isCurrent()) return;
  const fn = current.map[ev.key];
  if (fn) { ev.preventDefault(); fn(ev); }
}

/** Binds keys (e.g. { j, k, a, e, n }) for the page that is current while isCurrent() holds. */
export function bindKeys(isCurrent, map) {
  if (!installed) { document.addEventListener('keydown', onKey); installed = true; }
  current = { isCurrent, map };
}

/** j/k over the items matched by selector inside root: focus moves to the
 * item's link (or the item). Returns { next, prev }. */
export function listKeys(root, selector, linkSelector = 'a') {
  const move = (d) => {
    const items = [...root.querySelectorAll(selector)];
    if (!items.length) return;
    const at = items.findIndex((el) => el.contains(document.activeElement));
    const i = at < 0 ? (d > 0 ? 0 : items.length - 1) : Math.min(items.length - 1, Math.max(0, at + d));
    items.forEach((el, k) => el.classList.toggle('kb-current', k === i));
    const target = items[i].querySelector(linkSelector) || items[i];
    target.focus();
    target.scrollIntoView({ block: 'nearest' });
  };
  return { next: () => move(1), prev: () => move(-1) };
}
