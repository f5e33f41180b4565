// regionPicker.js - cascading selects city -> county -> township -> village,
// fed by the regions API and starting from a root region (the user's own
// role region for staff, Zhejiang "33" for residents).
import { h, uid } from './dom.js';
import { t } from './i18n.js';
import { get } from './api.js';

const LEVELS = [2, 3, 4, 5];

/**
 * opts: {root: code, public: bool, legend, required, pickLevel: 5 | 'any', name, value}
 * Returns {el, value(), level(), ready, validate()}.
 */
export function regionPicker(opts) {
  const pub = Boolean(opts.public);
  const root = opts.root || '33';
  const pickLevel = opts.pickLevel || 5;
  const selects = new Map();
  const errorP = h('p', { class: 'field-error', id: uid('rp-err'), hidden: true, role: 'alert' });
  const fieldset = h('fieldset', { class: 'region-picker' },
    h('legend', null, opts.legend || t('region.legend'), opts.required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null));
  const grid = h('div', { class: 'region-grid' });
  fieldset.appendChild(grid);
  fieldset.appendChild(errorP);
  if (opts.name) fieldset.dataset.field = opts.name;

  let rootLevel = 1;

  for (const lv of LEVELS) {
    const sel = h('select', { id: uid('rp'), 'aria-describedby': errorP.id, dataset: { level: String(lv) } });
    sel.appendChild(h('option', { value: '' }, t('region.choose')));
    sel.disabled = true;
    selects.set(lv, sel);
    grid.appendChild(h('div', { class: 'field' }, h('label', { for: sel.id }, t(`region.level${lv}`)), sel));
    sel.addEventListener('change', () => onChange(lv));
  }

  function childrenUrl(code) {
    return pub ? `/api/public/regions/${encodeURIComponent(code)}/children`
      : `/api/regions/${encodeURIComponent(code)}/children`;
  }

  function resetBelow(lv) {
    for (const l of LEVELS) {
      if (l <= lv || l <= rootLevel) continue;
      const s = selects.get(l);
      while (s.options.length > 1) s.remove(1);
      s.value = '';
      s.disabled = true;
    }
  }

  async function loadChildren(code, lv) {
    const target = selects.get(lv);
    if (!target) return;
    target.disabled = true;
    target.setAttribute('aria-busy', 'true');
    try {
      const json = await get(childrenUrl(code));
      const items = (json && json.items) || [];
      while (target.options.length > 1) target.remove(1);
      for (const it of items) target.appendChild(h('option', { value: it.code }, it.name));
      target.disabled = items.length === 0;
    } catch (e) {
      showErr(t('region.loadFailed'));
    } finally {
      target.removeAttribute('aria-busy');
    }
  }

  async function onChange(lv) {
    hideErr();
    resetBelow(lv);
    const code = selects.get(lv).value;
    if (code && lv < 5) await loadChildren(code, lv + 1);
    if (opts.onChange) opts.onChange(value());
  }

  function fixed(lv, code, name) {
    const s = selects.get(lv);
    while (s.options.length) s.remove(0);
    s.appendChild(h('option', { value: code }, name));
    s.value = code;
    s.disabled = true;
    s.classList.add('fixed');
  }

  async function init() {
    let path = [];
    if (!pub && root !== '33') {
      try {
        const r = await get(`/api/regions/${encodeURIComponent(root)}`);
        path = (r.path && r.path.length) ? r.path : [{ code: r.code, name: r.name, level: r.level }];
        if (!path.some((p) => p.code === r.code)) path.push({ code: r.code, name: r.name, level: r.level });
        rootLevel = r.level || path[path.length - 1].level || 1;
      } catch (e) {
        showErr(t('region.loadFailed'));
        return;
      }
    }
    for (const p of path) if (p.level >= 2 && p.level <= 5) fixed(p.level, p.code, p.name);
    if (rootLevel < 5) await loadChildren(root, rootLevel + 1);
    if (opts.value && opts.value !== root) await setValue(opts.value);
  }

  async function setValue(code) {
    let r;
    try { r = await get(`/api/regions/${encodeURIComponent(code)}`); } catch (_) { return; }
    const path = (r.path || []).slice();
    if (!path.some((p) => p.code === r.code)) path.push({ code: r.code, name: r.name, level: r.level });
    for (const p of path) {
      if (p.level <= rootLevel || p.level > 5) continue;
      const s = selects.get(p.level);
      if (![...s.options].some((o) => o.value === p.code)) continue;
      s.value = p.code;
      if (p.level < 5) await loadChildren(p.code, p.level + 1);
    }
  }

  function value() {
    for (let i = LEVELS.length - 1; i >= 0; i -= 1) {
      const s = selects.get(LEVELS[i]);
      if (s.value) return s.value;
    }
    return rootLevel <= 1 ? (root === '33' ? '' : root) : root;
  }

  function level() {
    for (let i = LEVELS.length - 1; i >= 0; i -= 1) {
      if (selects.get(LEVELS[i]).value) return LEVELS[i];
    }
    return rootLevel;
  }

  function showErr(msg) {
    errorP.textContent = msg;
    errorP.hidden = false;
  }
  function hideErr() { errorP.hidden = true; errorP.textContent = ''; }

  function validate() {
    if (pickLevel === 5 && level() !== 5) {
      showErr(t('region.needVillage'));
      const first = LEVELS.map((l) => selects.get(l)).find((s) => !s.disabled && !s.value);
      if (first) first.focus();
      return false;
    }
    hideErr();
    return true;
  }

  const ready = init();
  return { el: fieldset, value, level, ready, validate, rootLevel: () => rootLevel };
}
