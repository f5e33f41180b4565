// attachments.js - photos and documents on a case (issue 13, item 8): the
// case page's 附件 card (a list with thumbnails, an upload control) and the
// resident filing form's photo picker, which sends up to 3 photos right
// after the case is filed. The file goes as the raw request body with its
// name in the query; the server judges its type by content, makes the
// thumbnail and audits every read. Kept out of case.js and file.js, which
// only place these.
import { h, replace, uid } from '../dom.js';
import { t, fmtDateTime } from '../i18n.js';
import { session, ApiError, errorText } from '../api.js';

const MAX_BYTES = 10 * 1024 * 1024; // ATTACHMENT_BYTES_MAX
const RESIDENT_MAX = 3; // ATTACHMENT_RESIDENT_MAX
const PHOTO_TYPES = 'image/jpeg,image/png,image/webp';

/** "850 KB" / "3.2 MB" */
export function fmtSize(n) {
  if (n >= 1024 * 1024) return t('att.sizeMB', { n: (n / (1024 * 1024)).toFixed(1) });
  return t('att.size', { n: Math.max(1, Math.round(n / 1024)) });
}

// Sends one file; resolves to the stored attachment, or throws an ApiError.
async function send(url, file, headers) {
  if (file.size > MAX_BYTES) throw new ApiError(413, 'attachment_too_large');
  let r;
  try {
    r = await fetch(`${url}?name=${encodeURIComponent(file.name)}`, {
      method: 'POST', credentials: 'same-origin', body: file,
      headers: { accept: 'application/json', 'content-type': 'application/octet-stream', ...headers },
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

function item(a) {
  const pic = a.thumbnail_href
    ? h('img', { class: 'att-thumb', src: a.thumbnail_href, alt: t('att.thumbAlt', { name: a.name }), loading: 'lazy', width: '160', height: '120' })
    : h('span', { class: 'att-icon', 'aria-hidden': 'true' }, (a.mime || '').split('/')[1] === 'pdf' ? 'PDF' : 'IMG');
  return h('li', { class: 'att-item', dataset: { attachment: String(a.id) } },
    h('a', { class: 'att-pic', href: a.href, download: a.name, title: a.name }, pic),
    h('div', { class: 'att-meta' },
      h('a', { class: 'att-name', href: a.href, download: a.name }, a.name),
      h('span', { class: 'muted small' }, fmtSize(a.size), ' · ', fmtDateTime(a.created_at)),
      h('span', { class: 'muted small' }, a.by_resident ? t('att.byResident') : t('att.by', { who: a.added_by })),
      h('code', { class: 'att-sha small', title: t('att.sha') }, a.sha256.slice(0, 12))));
}

/** The case page's 附件 card, hidden until drawAttachments fills it. */
export function attachmentsCard() {
  return h('section', { class: 'card attachments-card', 'aria-labelledby': 'sec-attachments', hidden: true });
}

/** Lists case c's attachments with an upload control; the card stays
 * hidden for a caller who may not see them (403). onAdded runs after each
 * upload (the page redraws its timeline). */
export async function drawAttachments(card, c, onAdded) {
  const base = `/api/cases/${encodeURIComponent(c.id)}/attachments`;
  let items;
  try {
    const r = await fetch(base, { credentials: 'same-origin', headers: { accept: 'application/json' } });
    if (!r.ok) { card.hidden = true; return; }
    items = (await r.json()).items || [];
  } catch (_) {
    card.hidden = true;
    return;
  }
  const status = h('p', { class: 'att-status small', role: 'status', 'aria-live': 'polite' });
  const inputId = uid('att');
  const input = h('input', { type: 'file', id: inputId, class: 'att-input', accept: `${PHOTO_TYPES},application/pdf`, multiple: true, 'aria-describedby': `${inputId}-hint` });
  input.addEventListener('change', async () => {
    const files = [...input.files];
    input.disabled = true;
    let added = 0;
    for (const f of files) {
      status.textContent = t('att.uploading');
      status.classList.remove('att-error');
      try {
        const a = await send(base, f, session.csrf ? { 'x-csrf-token': session.csrf } : {});
        added++;
        status.textContent = t('att.uploaded', { name: a.name });
      } catch (err) {
        status.textContent = `${f.name}: ${errorText(err)}`;
        status.classList.add('att-error');
        break;
      }
    }
    input.value = '';
    input.disabled = false;
    if (added) {
      const keep = status.textContent;
      await drawAttachments(card, c, onAdded);
      const s = card.querySelector('.att-status');
      if (s) s.textContent = keep;
      if (onAdded) onAdded();
    }
  });
  card.hidden = false;
  replace(card,
    h('h2', { id: 'sec-attachments' }, t('att.title')),
    items.length ? h('ul', { class: 'att-list' }, items.map(item)) : h('p', { class: 'muted' }, t('att.none')),
    h('div', { class: 'att-upload' },
      h('label', { for: inputId, class: 'att-label' }, t('att.upload')),
      input,
      h('p', { class: 'hint small', id: `${inputId}-hint` }, t('att.uploadHint'))),
    status);
}

/** The filing form's photo picker: {el, validate(), upload(code, secret)}.
 * upload resolves to {sent, error} once the case is filed. */
export function photoPicker() {
  const id = uid('photos');
  const input = h('input', { type: 'file', id, name: 'photos', accept: PHOTO_TYPES, multiple: true, 'aria-describedby': `${id}-hint ${id}-err` });
  const chosen = h('ul', { class: 'att-chosen small' });
  const error = h('p', { class: 'field-error', id: `${id}-err`, hidden: true, role: 'alert' });
  const el = h('div', { class: 'field', dataset: { field: 'photos' } },
    h('label', { for: id }, t('att.photos')),
    h('p', { class: 'hint', id: `${id}-hint` }, t('att.photosHint')),
    input, chosen, error);
  function check() {
    const files = [...input.files];
    let msg = '';
    if (files.length > RESIDENT_MAX) msg = t('att.photosTooMany');
    else if (files.some((f) => f.size > MAX_BYTES)) msg = t('error.attachment_too_large');
    error.textContent = msg;
    error.hidden = !msg;
    if (msg) input.setAttribute('aria-invalid', 'true'); else input.removeAttribute('aria-invalid');
    replace(chosen, files.map((f) => h('li', null, f.name, ' (', fmtSize(f.size), ')')));
    return !msg;
  }
  input.addEventListener('change', check);
  return {
    el,
    input,
    validate: check,
    async upload(code, secret) {
      const url = `/api/public/cases/${encodeURIComponent(code)}/attachments`;
      let sent = 0;
      for (const f of [...input.files].slice(0, RESIDENT_MAX)) {
        try {
          await send(url, f, { 'x-tracking-secret': secret });
          sent++;
        } catch (err) {
          return { sent, error: `${f.name}: ${errorText(err)}` };
        }
      }
      return { sent, error: null };
    },
  };
}

// A picture fetched with the resident's secret (a header, so no <img src>),
// as a data: URL (the CSP allows data: images, not blob:).
async function dataUrl(url, secret) {
  const r = await fetch(url, { headers: { 'x-tracking-secret': secret } });
  if (!r.ok) throw new ApiError(r.status);
  const blob = await r.blob();
  return new Promise((resolve, reject) => {
    const fr = new FileReader();
    fr.onload = () => resolve(fr.result);
    fr.onerror = () => reject(fr.error);
    fr.readAsDataURL(blob);
  });
}

/** The tracking page's "your photos": the resident's own photos of case
 * `code`, read with the secret; an empty element when there are none. */
export function residentPhotos(code, secret) {
  const box = h('section', { class: 'resident-photos', 'aria-labelledby': 'resident-photos-title', hidden: true });
  (async () => {
    try {
      const base = `/api/public/cases/${encodeURIComponent(code)}/attachments`;
      const r = await fetch(base, { headers: { accept: 'application/json', 'x-tracking-secret': secret } });
      if (!r.ok) return;
      const items = (await r.json()).items || [];
      if (!items.length) return;
      const list = h('ul', { class: 'att-list' });
      for (const a of items) {
        const img = h('img', { class: 'att-thumb', alt: t('att.thumbAlt', { name: a.name }), width: '160', height: '120' });
        list.appendChild(h('li', { class: 'att-item' }, h('span', { class: 'att-pic' }, img),
          h('span', { class: 'att-name small' }, a.name, ' (', fmtSize(a.size), ')')));
        if (a.thumbnail_href) img.src = await dataUrl(a.thumbnail_href, secret);
      }
      replace(box, h('h3', { id: 'resident-photos-title' }, t('att.yourPhotos')), list);
      box.hidden = false;
    } catch (_) { /* the photos are extra: the case shows without them */ }
  })();
  return box;
}
