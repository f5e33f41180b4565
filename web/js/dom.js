// dom.js - a tiny element builder. No innerHTML with data, no inline styles
// (the Content-Security-Policy forbids them): everything is built with
// createElement and textContent.

let idSeq = 0;

/** A fresh id for label/for pairs. */
export function uid(prefix = 'f') {
  idSeq += 1;
  return `${prefix}-${idSeq}`;
}

/**
 * h('div', {class: 'x', onclick: fn, dataset: {a: 1}}, child, 'text', [more])
 * Attribute values of null/undefined/false are skipped; true sets "".
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'class') el.className = Array.isArray(v) ? v.filter(Boolean).join(' ') : v;
      else if (k === 'text') el.textContent = v;
      else if (k === 'dataset') Object.assign(el.dataset, v);
      else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
      else if (k === 'value' && (tag === 'input' || tag === 'textarea' || tag === 'select')) el.value = v;
      else if (k === 'checked' || k === 'selected' || k === 'disabled' || k === 'required' || k === 'hidden') {
        el[k] = Boolean(v);
      } else el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  append(el, children);
  return el;
}

export function append(el, ...children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, ...c);
    else if (c instanceof Node) el.appendChild(c);
    else el.appendChild(document.createTextNode(String(c)));
  }
  return el;
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

/** Replace the children of el. */
export function replace(el, ...children) {
  clear(el);
  return append(el, children);
}

/** A labelled form field: returns {wrap, input, error}. */
export function field(label, input, opts = {}) {
  if (!input.id) input.id = uid('in');
  const error = h('p', { class: 'field-error', id: input.id + '-err', hidden: true, role: 'alert' });
  input.setAttribute('aria-describedby', [opts.hintId, error.id].filter(Boolean).join(' '));
  const lab = h('label', { for: input.id }, label, opts.required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null);
  const wrap = h('div', { class: ['field', opts.class] }, lab, opts.hint ? h('p', { class: 'hint', id: opts.hintId }, opts.hint) : null, input, error);
  if (opts.name) wrap.dataset.field = opts.name;
  return { wrap, input, error, label: lab };
}

/** Select with options [{value, label}]. */
export function select(options, attrs = {}) {
  const s = h('select', attrs);
  for (const o of options) {
    s.appendChild(h('option', { value: o.value, selected: o.selected, disabled: o.disabled }, o.label));
  }
  if (attrs.value !== undefined) s.value = attrs.value;
  return s;
}

export function qs(params) {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '' || v === false) continue;
    u.set(k, String(v));
  }
  const s = u.toString();
  return s ? '?' + s : '';
}
