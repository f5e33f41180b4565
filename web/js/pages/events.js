// events.js - 网格事件 (grid events) and the township's 四平台 (four
// platforms), issue 15: the queues (the command room's 待派遣, a
// platform's 待处理, the grid worker's 待核查, my reports, all), the report
// form, and one event with its steps and the actions the server allows the
// reader (events-one.js). The server decides who may do what; the page
// shows the allowed_actions it answers.
import { h, append, replace, field, select, qs } from '../dom.js';
import { t, tc, fmtDateTime } from '../i18n.js';
import { get, post, errorBox, showError, clearErrors, session, ApiError } from '../api.js';
import { emptyState, loading, hasRole, userRootRegion } from '../common.js';
import { renderOne, statusBadge, dueText, PLATFORMS } from './events-one.js';

const QUEUES = ['command', 'platform', 'check', 'mine', 'all'];

function defaultQueue(user) {
  if (hasRole(user, 'grid_worker')) return 'check';
  if (hasRole(user, 'handler', 'admin')) return 'command';
  return 'all';
}

function card(e) {
  return h('li', { class: ['case-card', e.overdue ? 'urgency-overdue' : ''], dataset: { id: String(e.id) } },
    h('div', { class: 'case-card-head' },
      h('a', { href: `#/events/${e.id}`, class: 'case-title' }, e.title),
      statusBadge(e.status)),
    h('div', { class: 'case-card-meta' },
      h('span', null, tc('evcat', e.category, e.category)),
      e.platform ? h('span', null, tc('evplat', e.platform)) : null,
      h('span', null, [e.region_name, e.grid_name].filter(Boolean).join(' · ')),
      h('span', null, fmtDateTime(e.created_at))),
    e.deadline && e.status !== 'closed' ? h('p', { class: ['due-at', e.overdue ? 'overdue-num' : ''] }, dueText(e)) : null);
}

const PHOTOS_MAX = 9;

// Sends one photo to event id (the raw bytes); throws an ApiError.
async function sendPhoto(id, file) {
  let r;
  try {
    r = await fetch(`/api/v1/events/${id}/photos?name=${encodeURIComponent(file.name)}`, {
      method: 'POST', credentials: 'same-origin', body: file,
      headers: { accept: 'application/json', 'content-type': 'application/octet-stream', 'x-csrf-token': session.csrf || '' },
    });
  } catch (e) {
    throw new ApiError(0, 'network', e.message);
  }
  if (r.ok) return;
  let e = {};
  try { e = (await r.json()).error || {}; } catch (_) { /* not JSON */ }
  throw new ApiError(r.status, e.code, e.message, 'photos');
}

async function reportForm(container, cats, grids, onDone) {
  const region = userRootRegion(session.user);
  const category = field(t('ev.category'), select(cats.map((c) => ({ value: c.code, label: tc('evcat', c.code, c.name_zh) }))),
    { name: 'category', required: true });
  const title = field(t('ev.titleField'), h('input', { type: 'text', maxlength: 200, required: true, autocomplete: 'off' }),
    { name: 'title', required: true });
  const desc = field(t('ev.description'), h('textarea', { rows: 4, maxlength: 2000, required: true }),
    { name: 'description', required: true, hint: t('ev.descriptionHint'), hintId: 'ev-desc-hint' });
  const regionIn = field(t('ev.region'), h('input', {
    type: 'text', inputmode: 'numeric', maxlength: 12, value: region.level === 5 ? region.code : '',
  }), { name: 'region', hint: t('ev.regionHint'), hintId: 'ev-region-hint' });
  const grid = field(t('ev.grid'), select([{ value: '', label: t('ev.noGrid') },
    ...grids.map((g) => ({ value: String(g.id), label: `${g.name}（${g.code}）` }))]),
  { name: 'grid_id', hint: t('ev.gridHint'), hintId: 'ev-grid-hint' });
  grid.wrap.hidden = !grids.length;
  const caseCat = field(t('ev.caseCategory'), select([
    'neighbour', 'marriage_family', 'housing_land', 'land_forest', 'contract', 'damages', 'labour', 'other',
  ].map((c) => ({ value: c, label: tc('category', c) }))), { name: 'case_category', hint: t('ev.caseCategoryHint'), hintId: 'ev-cc-hint' });
  const kindOf = () => (cats.find((c) => c.code === category.input.value) || {}).kind;
  const showCase = () => { caseCat.wrap.hidden = kindOf() !== 'dispute'; };
  category.input.addEventListener('change', showCase);
  showCase();
  const photos = field(t('ev.photos'), h('input', { type: 'file', accept: 'image/jpeg,image/png,image/webp', multiple: true }),
    { name: 'photos', hint: t('ev.photosHint'), hintId: 'ev-photos-hint' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, t('ev.submit'));
  const form = h('form', { class: 'form card', id: 'event-report', novalidate: true },
    h('h2', null, t('ev.report')),
    h('p', { class: 'form-error', role: 'alert', hidden: true }),
    category.wrap, title.wrap, desc.wrap, regionIn.wrap, grid.wrap, caseCat.wrap, photos.wrap,
    h('div', { class: 'form-actions' }, submit));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const body = {
      category: category.input.value, title: title.input.value.trim(), description: desc.input.value.trim(),
    };
    if (grid.input.value) body.grid_id = Number(grid.input.value);
    else if (regionIn.input.value.trim()) body.region = regionIn.input.value.trim();
    if (kindOf() === 'dispute') body.case_category = caseCat.input.value;
    const files = [...photos.input.files];
    if (files.length > PHOTOS_MAX) {
      showError(form, new ApiError(409, 'attachment_limit', '', 'photos'));
      return;
    }
    submit.disabled = true;
    let e = null;
    try {
      e = await post('/api/v1/events', body);
      for (const f of files) await sendPhoto(e.id, f);
      onDone(e);
    } catch (err) {
      // a photo refused after the report: the event stands, say so and link it
      showError(form, err);
      if (e) append(form, h('p', { class: 'alert alert-info' }, h('a', { href: `#/events/${e.id}` }, t('ev.reportedOpen'))));
    } finally {
      submit.disabled = false;
    }
  });
  append(container, form);
  category.input.focus();
}

async function renderList({ container, query, isCurrent }) {
  const queue = QUEUES.includes(query.get('queue')) ? query.get('queue') : defaultQueue(session.user);
  const platform = PLATFORMS.includes(query.get('platform')) ? query.get('platform') : '';
  const reportBtn = h('a', { href: '#/events?new=1', class: 'btn btn-primary', id: 'event-new' }, t('ev.report'));
  append(container,
    h('div', { class: 'page-head' }, h('h1', null, t('ev.title')), h('div', { class: 'page-actions' }, reportBtn)),
    h('p', { class: 'muted' }, t('ev.lead')));
  const formBox = h('div');
  append(container, formBox);
  if (query.get('new') === '1') {
    let cats; let grids;
    try {
      [cats, grids] = await Promise.all([
        get('/api/v1/events/categories').then((r) => r.categories),
        get('/api/v1/grids').then((r) => r.items || []).catch(() => []),
      ]);
    } catch (err) { append(formBox, errorBox(err)); return; }
    if (!isCurrent()) return;
    await reportForm(formBox, cats, grids, (e) => { location.hash = `#/events/${e.id}`; });
    return;
  }
  const tabs = h('nav', { class: 'queue-tabs', 'aria-label': t('ev.queues') },
    QUEUES.map((q) => h('a', {
      href: '#/events' + qs({ queue: q }), class: ['queue-tab', q === queue ? 'active' : ''],
      'aria-current': q === queue ? 'page' : null, id: `ev-tab-${q}`,
    }, t('ev.queue.' + q))));
  append(container, tabs);
  if (queue === 'platform') {
    const pick = select([{ value: '', label: t('ev.allPlatforms') }, ...PLATFORMS.map((p) => ({ value: p, label: tc('evplat', p) }))],
      { value: platform, id: 'ev-platform-filter' });
    pick.addEventListener('change', () => { location.hash = '#/events' + qs({ queue, platform: pick.value }); });
    append(container, h('div', { class: 'filters' }, field(t('ev.platform'), pick).wrap));
  }
  const body = h('div', { class: 'queue-panel' }, loading());
  append(container, body);
  let res;
  try {
    res = await get('/api/v1/events' + qs({ queue: queue === 'all' ? '' : queue, platform: queue === 'platform' ? platform : '' }));
  } catch (err) {
    if (isCurrent()) replace(body, errorBox(err));
    return;
  }
  if (!isCurrent()) return;
  if (!res.items.length) { replace(body, emptyState(t('ev.none'))); return; }
  replace(body, h('ul', { class: 'case-cards', id: 'event-list' }, res.items.map(card)));
}

export async function render(ctx) {
  if (/^\d+$/.test(ctx.params.id || '')) return renderOne(ctx);
  return renderList(ctx);
}
