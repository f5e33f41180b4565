// mediation-docs.js - documents and evidence in a mediation's room (issue
// 14; src/api/mediation_doc.c): for one thread (the shared one, a caucus or
// the round table) the list of its files and an upload control, on the
// staff page (mediation.js) and a party's own room (mediation-party.js).
// The file goes as the raw request body with its name in the query, as a
// case attachment does; the server judges its type by content and audits
// every read. A room file is never a case attachment.
import { h, replace, uid } from '../dom.js';
import { t, fmtDateTime } from '../i18n.js';
import { session, ApiError, errorText } from '../api.js';
import { fmtSize } from './attachments.js';

const MAX_BYTES = 10 * 1024 * 1024; // ATTACHMENT_BYTES_MAX
const TYPES = 'image/jpeg,image/png,image/webp,application/pdf';

function query(opts, extra) {
  const q = new URLSearchParams({ thread: opts.thread, ...extra });
  if (opts.party) q.set('party', String(opts.party));
  return q.toString();
}

async function send(opts, file) {
  if (file.size > MAX_BYTES) throw new ApiError(413, 'attachment_too_large');
  let r;
  try {
    r = await fetch(`${opts.url}?${query(opts, { name: file.name })}`, {
      method: 'POST', credentials: 'same-origin', body: file,
      headers: { accept: 'application/json', 'content-type': 'application/octet-stream', ...(session.csrf ? { 'x-csrf-token': session.csrf } : {}) },
    });
  } catch (e) {
    throw new ApiError(0, 'network', e.message);
  }
  let json = null;
  try { json = await r.json(); } catch (_) { json = null; }
  if (!r.ok) {
    const e = (json && json.error) || {};
    throw new ApiError(r.status, e.code, e.message, e.field);
  }
  return json;
}

function item(d) {
  return h('li', { class: 'mdoc-item', dataset: { document: String(d.id) } },
    h('a', { class: 'att-name', href: d.href, download: d.name }, d.name),
    h('span', { class: 'muted small' }, ' ', fmtSize(d.size), ' · ', fmtDateTime(d.created_at)),
    ' ', h('code', { class: 'att-sha small', title: t('mdoc.sha') }, d.sha256.slice(0, 12)));
}

/**
 * Draws into el the files of one thread: opts {url (the documents' URL),
 * thread (shared|caucus|roundtable), party (a caucus's party, staff only),
 * canUpload}. Called again when a "document" event arrives.
 */
export async function drawDocs(el, opts) {
  let items = [];
  try {
    const r = await fetch(`${opts.url}?${query(opts, {})}`, { credentials: 'same-origin', headers: { accept: 'application/json' } });
    if (!r.ok) { el.hidden = true; return; }
    items = (await r.json()).items || [];
  } catch (_) {
    el.hidden = true;
    return;
  }
  el.hidden = false;
  const headId = uid('mdoc');
  const status = h('p', { class: 'att-status small', role: 'status', 'aria-live': 'polite' });
  let upload = null;
  if (opts.canUpload) {
    const inputId = uid('mdoc-in');
    const input = h('input', { type: 'file', id: inputId, class: 'att-input', accept: TYPES, 'aria-describedby': `${inputId}-hint` });
    input.addEventListener('change', async () => {
      const f = input.files[0];
      if (!f) return;
      input.disabled = true;
      status.classList.remove('att-error');
      status.textContent = t('mdoc.uploading');
      try {
        const d = await send(opts, f);
        status.textContent = t('mdoc.uploaded', { name: d.name });
        const keep = status.textContent;
        await drawDocs(el, opts);
        const s = el.querySelector('.att-status');
        if (s) s.textContent = keep;
        return;
      } catch (err) {
        status.textContent = `${f.name}: ${errorText(err)}`;
        status.classList.add('att-error');
      }
      input.value = '';
      input.disabled = false;
    });
    upload = h('div', { class: 'att-upload' },
      h('label', { for: inputId, class: 'att-label' }, t('mdoc.upload')),
      input,
      h('p', { class: 'hint small', id: `${inputId}-hint` }, t('mdoc.uploadHint')));
  }
  replace(el,
    h('h3', { id: headId, class: 'mdoc-title' }, t('mdoc.title')),
    items.length ? h('ul', { class: 'mdoc-list', 'aria-labelledby': headId }, items.map(item))
      : h('p', { class: 'muted small' }, t('mdoc.none')),
    upload, status);
}

/** An empty box for drawDocs, hidden until drawn. */
export function docsBox() {
  return h('div', { class: 'med-docs', hidden: true });
}
