// events-one.js - one grid event: what was reported, where, its platform
// and deadline, its photos, its steps, and the actions the server says the
// reader may take now (dispatch with the platform; handle; return with what
// was done; check on the spot; close; send back with why).
import { h, append, replace, field, select } from '../dom.js';
import { t, tc, fmtDateTime, fmtDate } from '../i18n.js';
import { get, post, errorBox, showError, clearErrors, ApiError } from '../api.js';
import { loading, dl } from '../common.js';

export const PLATFORMS = ['governance', 'market', 'enforcement', 'service', 'department'];
const NEEDS_NOTE = new Set(['return', 'send_back']);

export function statusBadge(status) {
  return h('span', { class: `badge ev-status ev-status-${status}` }, tc('evst', status));
}

export function dueText(e) {
  if (!e.deadline) return '';
  const n = e.days_left;
  const left = n === null || n === undefined ? ''
    : n < 0 ? t('ev.late', { n: -n }) : t('ev.left', { n });
  return t('ev.due', { when: fmtDate(e.deadline), left });
}

function actionForm(e, suggested, onDone) {
  const acts = e.allowed_actions || [];
  if (!acts.length) return null;
  const platform = field(t('ev.platform'), select(PLATFORMS.map((p) => ({ value: p, label: tc('evplat', p) })),
    { value: suggested || PLATFORMS[0] }), { name: 'platform' });
  const dept = field(t('ev.department'), h('input', { type: 'text', maxlength: 100 }), { name: 'department' });
  const note = field(t('ev.note'), h('textarea', { rows: 3, maxlength: 1000 }), { name: 'note' });
  const showDept = () => { dept.wrap.hidden = platform.input.value !== 'department'; };
  platform.input.addEventListener('change', showDept);
  showDept();
  const form = h('form', { class: 'form card action-form', id: 'event-actions', novalidate: true },
    h('h2', null, t('ev.actions')),
    h('p', { class: 'form-error', role: 'alert', hidden: true }));
  if (acts.includes('dispatch')) append(form, platform.wrap, dept.wrap);
  append(form, note.wrap);
  const bar = h('div', { class: 'form-actions' });
  for (const a of acts) {
    const b = h('button', { type: 'button', class: ['btn', a === 'send_back' ? '' : 'btn-primary'], dataset: { action: a } },
      t('ev.act.' + a));
    b.addEventListener('click', async () => {
      clearErrors(form);
      const body = { action: a };
      if (a === 'dispatch') {
        body.platform = platform.input.value;
        if (body.platform === 'department') body.department = dept.input.value.trim();
      }
      if (note.input.value.trim()) body.note = note.input.value.trim();
      else if (NEEDS_NOTE.has(a)) {
        showError(form, new ApiError(400, 'required', '', 'note'));
        return;
      }
      for (const x of bar.querySelectorAll('button')) x.disabled = true;
      try {
        onDone(await post(`/api/v1/events/${e.id}/actions`, body), a);
      } catch (err) {
        showError(form, err);
        for (const x of bar.querySelectorAll('button')) x.disabled = false;
      }
    });
    bar.appendChild(b);
  }
  append(form, bar);
  return form;
}

function steps(e) {
  const ol = h('ol', { class: 'timeline', id: 'event-steps' });
  for (const s of e.steps || []) {
    ol.appendChild(h('li', { class: 'tl-item' },
      h('p', null, h('strong', null, t('ev.step.' + s.action)), ' · ', s.actor === 'system' ? t('ev.system') : (s.actor_name || s.actor),
        s.platform ? ` → ${tc('evplat', s.platform)}` : ''),
      s.note ? h('p', { class: 'tl-note' }, s.note) : null,
      h('p', { class: 'muted' }, fmtDateTime(s.at))));
  }
  return ol;
}

export async function renderOne({ container, params, isCurrent }) {
  const body = h('div', null, loading());
  append(container, h('p', { class: 'breadcrumb' }, h('a', { href: '#/events' }, t('ev.title'))), body);
  let suggested = null;
  const show = (e, flash) => {
    const where = [e.region_name || e.region, e.grid_name].filter(Boolean).join(' · ');
    const photos = (e.photos || []).length ? h('section', { class: 'ev-photos' }, h('h2', null, t('ev.photos')), h('ul', { class: 'att-list' }, e.photos.map((p) => h('li', { class: 'att-item' },
      h('a', { href: p.href, class: 'att-pic' }, p.thumbnail
        ? h('img', { class: 'att-thumb', src: p.href + '/thumbnail', alt: t('ev.photoAlt', { name: p.name }), width: '160', height: '120' })
        : p.name))))) : null;
    const form = actionForm(e, suggested, (next, a) => show(next, t('ev.done.' + a)));
    replace(body,
      h('div', { class: 'page-head' }, h('h1', null, e.title), statusBadge(e.status)),
      flash ? h('p', { class: 'alert alert-info flash', role: 'status' }, flash) : null,
      h('div', { class: 'card' },
        dl([
          [t('ev.category'), tc('evcat', e.category, e.category)],
          [t('ev.where'), where],
          [t('ev.reporter'), e.reporter_name || e.reporter],
          [t('ev.platform'), e.platform ? tc('evplat', e.platform) + (e.department ? ` · ${e.department}` : '') : ''],
          [t('ev.deadline'), e.deadline ? dueText(e) : ''],
          [t('ev.case'), e.case_id ? h('a', { href: `#/case/${e.case_id}` }, t('ev.openCase')) : ''],
          [t('ev.reportedAt'), fmtDateTime(e.created_at)],
        ]),
        h('p', { class: 'case-desc' }, e.description || '')),
      photos,
      form,
      h('h2', null, t('ev.steps')),
      steps(e));
    const h1 = body.querySelector('h1');
    if (flash && h1) { h1.setAttribute('tabindex', '-1'); h1.focus(); }
  };
  let e;
  try {
    e = await get(`/api/v1/events/${encodeURIComponent(params.id)}`);
  } catch (err) {
    if (isCurrent()) replace(body, h('h1', null, t('ev.title')), errorBox(err));
    return;
  }
  // the command room starts from the platform the category suggests
  if ((e.allowed_actions || []).includes('dispatch')) {
    const cats = await get('/api/v1/events/categories').then((r) => r.categories).catch(() => []);
    suggested = (cats.find((c) => c.code === e.category) || {}).platform || null;
  }
  if (isCurrent()) show(e);
}
