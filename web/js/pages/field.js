// field.js - #/field, the grid worker's app (枫桥网格, issue 15; docs/offline.md):
// today's tasks, a report of an event or a dispute with photos, a patrol
// with its route, and a follow-up (回访). Everything the worker does goes
// through the outbox (js/outbox.js), so the page works the same with no
// network: the work waits, counted, and is sent when the network returns.
import { h, replace, field, select, uid } from '../dom.js';
import { t, fmtDateTime, getLocale } from '../i18n.js';
import { get, session, errorText, ApiError } from '../api.js';
import { CATEGORIES, codeOptions, userRootRegion } from '../common.js';
import {
  enqueue, list, discard, retry, flush, startOutbox, onOutboxChange, compressPhoto,
  registerWorker, status, sent, PHOTOS_MAX,
} from '../outbox.js';

// A report is a grid event (网格事件, POST /api/v1/events; docs/events.md):
// a dispute becomes a case of the existing life cycle there, a hazard a
// safety item, the rest goes to the township's four platforms. Its photos
// follow to the event's photo route.
const EVENT_ROUTE = '/api/v1/events';
const EVENT_PHOTO_ROUTE = '/api/v1/events/{id}/photos';
// The categories when the server's list was never fetched on this phone
// (docs/events.md, the default list).
const EVENT_CATEGORIES = [
  { code: 'livelihood', kind: 'matter', name_zh: '民生诉求', name_en: 'Livelihood requests' },
  { code: 'public_order', kind: 'matter', name_zh: '社会治安', name_en: 'Public order' },
  { code: 'market', kind: 'matter', name_zh: '市场监管', name_en: 'Market supervision' },
  { code: 'enforcement', kind: 'matter', name_zh: '综合执法', name_en: 'Enforcement' },
  { code: 'safety_hazard', kind: 'hazard', name_zh: '安全隐患', name_en: 'Safety hazard' },
  { code: 'dispute', kind: 'dispute', name_zh: '矛盾纠纷', name_en: 'Dispute' },
  { code: 'other', kind: 'matter', name_zh: '其他', name_en: 'Other' },
];
// Lists of the place, not of people, kept on the phone for use offline:
// the event categories and the grids the worker may patrol.
const CATS_KEY = 'fq.field.eventCategories';
const GRIDS_KEY = 'fq.field.grids';
const PATROL_ROUTE = '/api/v1/patrols';
// the text a worker may fix on a failed item, by kind
const FIX_FIELDS = { event: 'description', dispute: 'description', patrol: 'findings', follow_up: 'note' };
const PATROL_POINTS_MAX = 2000; // points kept of one patrol's route
const WHO_KEY = 'fq.field.who'; // who last used the app here (name, roles' regions), for the page with no network

function kept(key, fallback) {
  try { return JSON.parse(localStorage.getItem(key) || 'null') || fallback; } catch (_) { return fallback; }
}
function keep(key, v) {
  try { localStorage.setItem(key, JSON.stringify(v)); } catch (_) { /* private mode */ }
}

/** The event categories and the grids: fresh when online, else as kept. */
async function lists() {
  try {
    const c = await get('/api/v1/events/categories');
    keep(CATS_KEY, (c.categories || []).map((x) => ({ code: x.code, kind: x.kind, name_zh: x.name_zh, name_en: x.name_en })));
  } catch (_) { /* offline: as kept */ }
  try {
    const g = await get('/api/v1/grids');
    keep(GRIDS_KEY, (g.items || []).map((x) => ({ id: x.id, code: x.code, name: x.name, region: x.region })));
  } catch (_) { /* offline: as kept */ }
  return { cats: kept(CATS_KEY, EVENT_CATEGORIES), grids: kept(GRIDS_KEY, []) };
}

function fillSelect(sel, options, blank) {
  const keepValue = sel.value;
  replace(sel, h('option', { value: '' }, blank), ...options.map((o) => h('option', { value: o.value }, o.label)));
  if (options.some((o) => o.value === keepValue)) sel.value = keepValue;
}

function geo() {
  return 'geolocation' in navigator ? navigator.geolocation : null;
}

/** The current position, or null (refused, unavailable, too slow). */
function here() {
  const g = geo();
  if (!g) return Promise.resolve(null);
  return new Promise((resolve) => {
    g.getCurrentPosition(
      (p) => resolve({ lat: p.coords.latitude, lon: p.coords.longitude, t: Math.floor(p.timestamp / 1000) }),
      () => resolve(null), { enableHighAccuracy: true, timeout: 8000, maximumAge: 30000 });
  });
}

function remembered() {
  try { return JSON.parse(localStorage.getItem(WHO_KEY) || 'null'); } catch (_) { return null; }
}

export async function render({ container, navigate, isCurrent }) {
  let who = session.user;
  if (who) {
    keep(WHO_KEY, { username: who.username, display_name: who.display_name,
      roles: (who.roles || []).map((r) => ({ role: r.role, region: r.region, level: r.level })) });
  } else {
    // no session: with no network the worker's queued work still shows, and
    // new work is kept for when she is back and signed in
    const last = remembered();
    if (navigator.onLine || !last) {
      navigate('#/login?next=' + encodeURIComponent('/field'));
      return undefined;
    }
    who = last;
  }
  registerWorker(true);
  startOutbox();
  flush(); // at each visit: after a new sign-in the waiting work goes at once

  const live = h('p', { class: 'field-status', role: 'status', 'aria-live': 'polite' });
  const sendNow = h('button', { type: 'button', class: 'btn btn-small' }, t('field.sendNow'));
  sendNow.addEventListener('click', () => flush());
  const head = h('div', { class: 'field-head' },
    h('h1', null, t('field.title')),
    h('p', { class: 'muted' }, t('field.intro', { name: who.display_name || who.username })),
    h('div', { class: 'field-bar' }, live, sendNow));

  const tasks = h('section', { class: 'card field-card', 'aria-labelledby': 'fd-tasks' },
    h('h2', { id: 'fd-tasks' }, t('field.tasks')), h('p', { class: 'muted' }, t('common.loading')));
  const followCases = [];
  const report = reportForm(who);
  const patrol = patrolForm();
  const follow = followForm(followCases);
  const box = h('section', { class: 'card field-card', 'aria-labelledby': 'fd-outbox' },
    h('h2', { id: 'fd-outbox' }, t('outbox.title')));
  const boxList = h('ul', { class: 'outbox-list' });
  const sentNote = h('p', { class: 'muted small' });
  box.append(boxList, sentNote);

  replace(container, head, tasks, report.el, patrol.el, follow.el, box);
  const shown = { cats: kept(CATS_KEY, EVENT_CATEGORIES), grids: kept(GRIDS_KEY, []) };
  report.refresh(shown);
  patrol.refresh(shown);
  lists().then((l) => { if (isCurrent()) { report.refresh(l); patrol.refresh(l); } });

  async function showOutbox(items) {
    if (!isCurrent()) return;
    const waiting = items.length;
    const failed = items.filter((x) => x.state === 'failed').length;
    live.textContent = [
      navigator.onLine ? t('field.online') : t('field.offline'),
      t('outbox.count', { n: waiting }),
      failed ? t('outbox.failedCount', { n: failed }) : '',
      status.signin ? t('outbox.signin') : '',
    ].filter(Boolean).join(t('common.sep'));
    live.classList.toggle('is-offline', !navigator.onLine);
    sendNow.disabled = waiting === 0;
    replace(boxList, ...items.map(itemRow));
    if (!items.length) boxList.append(h('li', { class: 'muted' }, t('outbox.empty')));
    const conflicts = sent.filter((s) => s.conflict).length;
    sentNote.textContent = sent.length
      ? t('outbox.sent', { n: sent.length }) + (conflicts ? ' ' + t('outbox.conflicts', { n: conflicts }) : '')
      : '';
  }

  function itemRow(it) {
    const when = fmtDateTime(it.created_at);
    const photos = it.photos.length ? ' · ' + t('outbox.photos', { n: it.photos.length }) : '';
    const li = h('li', { class: ['outbox-item', 'is-' + it.state] },
      h('span', { class: 'outbox-what' }, t(`outbox.kind.${it.kind}`), getLocale() === 'en' ? ': ' : '：', it.label),
      h('span', { class: 'muted small' }, when + photos + ' · ' + t('outbox.state.' + it.state)));
    if (it.state === 'failed') {
      const err = new ApiError(it.error.status, it.error.code, it.error.message, it.error.field);
      const again = h('button', { type: 'button', class: 'btn btn-small' }, t('outbox.retry'));
      again.addEventListener('click', () => retry(it.seq));
      const drop = h('button', { type: 'button', class: 'btn btn-small btn-danger' }, t('outbox.discard'));
      drop.addEventListener('click', () => { if (window.confirm(t('outbox.discardConfirm'))) discard(it.seq); });
      li.append(h('p', { class: 'alert alert-error', role: 'alert' }, errorText(err)), fixer(it), h('div', { class: 'actions' }, again, drop));
    }
    return li;
  }

  // A failed item's text to fix: the field the server named, else the
  // item's main text; sent again under a new key (the old key's body is the
  // server's to keep).
  function fixer(it) {
    let body;
    try { body = JSON.parse(it.body); } catch (_) { return null; }
    const named = it.error && it.error.field;
    const name = named && typeof body[named] === 'string' ? named : FIX_FIELDS[it.kind];
    if (!name || typeof body[name] !== 'string') return null;
    const box = h('textarea', { rows: '2', maxlength: '2000' });
    box.value = body[name];
    const label = { description: t('field.whatFound'), findings: t('field.patrol.findings'), note: t('field.follow.note'), title: t('case.title') }[name] || name;
    const f = field(t('outbox.fixField', { field: label }), box, { name });
    const send = h('button', { type: 'button', class: 'btn btn-small btn-primary' }, t('outbox.fixSend'));
    send.addEventListener('click', () => retry(it.seq, { ...body, [name]: box.value.trim() }));
    return h('div', { class: 'outbox-fix' }, f.wrap, send);
  }

  const stop = onOutboxChange(showOutbox);
  const onNet = () => list().then(showOutbox);
  window.addEventListener('online', onNet);
  window.addEventListener('offline', onNet);
  await onNet();
  loadTasks(tasks, followCases, follow).catch(() => null);
  return () => {
    stop();
    window.removeEventListener('online', onNet);
    window.removeEventListener('offline', onNet);
    patrol.stop();
  };
}

// ---- today's tasks ----

// The worker's 待办: cases due a follow-up (回访) and events returned by a
// platform for her check on the spot (核查). Read when online, never kept.
async function loadTasks(section, followCases, follow) {
  const body = [];
  try {
    const q = await get('/api/queues/follow_up?who=all&page_size=20');
    followCases.splice(0, followCases.length, ...(q.items || []));
    follow.refresh();
    body.push(h('h3', null, t('field.followUps', { n: followCases.length })));
    body.push(followCases.length
      ? h('ul', { class: 'task-list' }, ...followCases.map((c) => h('li', null,
        h('a', { href: '#/case/' + c.id }, c.title), ' ',
        h('span', { class: 'muted small' }, c.code || ''))))
      : h('p', { class: 'muted' }, t('field.noFollowUps')));
    const ev = await get('/api/v1/events?queue=check&limit=20');
    const checks = ev.items || [];
    body.push(h('h3', null, t('field.checks', { n: checks.length })));
    body.push(checks.length
      ? h('ul', { class: 'task-list' }, ...checks.map(checkRow))
      : h('p', { class: 'muted' }, t('field.noChecks')));
  } catch (e) {
    body.push(h('p', { class: 'muted' }, e instanceof ApiError && e.code === 'network' ? t('field.tasksOffline') : errorText(e)));
  }
  replace(section, h('h2', { id: 'fd-tasks' }, t('field.tasks')), ...body);
}

// An event awaiting the check: its check goes through the outbox too.
function checkRow(e) {
  const btn = h('button', { type: 'button', class: 'btn btn-small' }, t('field.checkDone'));
  btn.addEventListener('click', async () => {
    btn.disabled = true;
    await enqueue({ kind: 'check', label: e.title, route: `/api/v1/events/${encodeURIComponent(e.id)}/actions`, body: { action: 'check' } });
    btn.textContent = t('field.checkQueued');
  });
  return h('li', null, h('a', { href: '#/events/' + e.id }, e.title), ' ', btn);
}

// ---- report an event or a dispute ----

function reportForm(who) {
  const form = h('form', { class: 'card field-card form', novalidate: true, 'aria-labelledby': 'fd-report' });
  const msg = h('p', { class: 'form-msg', role: 'status' });
  const category = field(t('field.eventCategory'), select([{ value: '', label: t('common.choose') }], { name: 'category' }), { name: 'category', required: true });
  const grid = field(t('field.grid'), select([{ value: '', label: t('common.choose') }], { name: 'grid_id' }), { name: 'grid_id' });
  const title = field(t('case.title'), h('input', { type: 'text', name: 'title', maxlength: '200', autocomplete: 'off' }), { name: 'title', required: true });
  const desc = field(t('field.whatFound'), h('textarea', { name: 'description', rows: '3', maxlength: '2000' }), { name: 'description', required: true });
  // a dispute becomes a case: its category and a party
  const caseCat = field(t('case.category'), select(codeOptions('category', CATEGORIES, t('common.choose')), { name: 'case_category' }), { name: 'case_category', required: true });
  const party = field(t('field.partyName'), h('input', { type: 'text', name: 'party', maxlength: '50', autocomplete: 'off' }), { name: 'parties', required: true });
  const phone = field(t('party.phone'), h('input', { type: 'tel', name: 'phone', maxlength: '20', inputmode: 'tel', autocomplete: 'off' }), { name: 'phone', required: true });
  const disputeBox = h('div', { class: 'dispute-fields', hidden: true }, caseCat.wrap, party.wrap, phone.wrap);
  const photoHintId = uid('hint');
  const photos = field(t('field.photos'), h('input', { type: 'file', name: 'photos', accept: 'image/*', multiple: true, capture: 'environment' }),
    { name: 'photos', hint: t('field.photosHint', { n: PHOTOS_MAX }), hintId: photoHintId });
  const withPos = h('input', { type: 'checkbox', name: 'with_position', id: uid('cb'), checked: true });
  const posLabel = h('label', { for: withPos.id, class: 'check' }, withPos, ' ', t('field.attachPosition'));
  const save = h('button', { type: 'submit', class: 'btn btn-primary' }, t('field.saveReport'));
  form.append(h('h2', { id: 'fd-report' }, t('field.report')), category.wrap, grid.wrap, title.wrap, desc.wrap,
    disputeBox, photos.wrap, posLabel, msg, save);

  let cats = EVENT_CATEGORIES;
  const kindOf = () => (cats.find((c) => c.code === category.input.value) || {}).kind;
  category.input.addEventListener('change', () => { disputeBox.hidden = kindOf() !== 'dispute'; });
  function refresh(l) {
    cats = l.cats;
    fillSelect(category.input, cats.map((c) => ({ value: c.code, label: getLocale() === 'en' ? c.name_en : c.name_zh })), t('common.choose'));
    fillSelect(grid.input, l.grids.map((g) => ({ value: String(g.id), label: g.name })), t('field.gridUnknown'));
    disputeBox.hidden = kindOf() !== 'dispute';
  }

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    msg.textContent = '';
    msg.className = 'form-msg';
    const dispute = kindOf() === 'dispute';
    const need = [[category, category.input.value], [title, title.input.value.trim()], [desc, desc.input.value.trim()]];
    if (dispute) need.push([caseCat, caseCat.input.value], [party, party.input.value.trim()], [phone, phone.input.value.trim()]);
    for (const [f] of need) { f.error.hidden = true; f.input.removeAttribute('aria-invalid'); }
    const missing = need.find(([, x]) => !x);
    if (missing) {
      missing[0].error.textContent = t('error.required');
      missing[0].error.hidden = false;
      missing[0].input.setAttribute('aria-invalid', 'true');
      missing[0].input.focus();
      return;
    }
    const files = Array.from(photos.input.files || []).slice(0, PHOTOS_MAX);
    save.disabled = true;
    try {
      const shots = [];
      for (const f of files) shots.push(await compressPhoto(f));
      const body = { category: category.input.value, title: title.input.value.trim(), description: desc.input.value.trim() };
      if (grid.input.value) body.grid_id = Number(grid.input.value);
      else body.region = userRootRegion(session.user || who).code;
      const pos = withPos.checked ? await here() : null;
      if (pos) { body.lat = pos.lat; body.lon = pos.lon; }
      if (dispute) {
        body.case_category = caseCat.input.value;
        body.parties = [{ role: 'applicant', name: party.input.value.trim(), phone: phone.input.value.trim() }];
      }
      await enqueue({
        kind: dispute ? 'dispute' : 'event', label: body.title, route: EVENT_ROUTE, photoRoute: EVENT_PHOTO_ROUTE,
        body, photos: shots.map((x) => ({ blob: x.blob, name: x.name })),
      });
      const keepGrid = grid.input.value;
      form.reset();
      grid.input.value = keepGrid;
      withPos.checked = true;
      disputeBox.hidden = true;
      msg.textContent = navigator.onLine ? t('field.savedOnline') : t('field.savedOffline');
      msg.classList.add('is-ok');
    } catch (e) {
      console.warn('report', e);
      msg.textContent = t('field.saveFailed');
      msg.classList.add('is-error');
    } finally {
      save.disabled = false;
    }
  });
  return { el: form, refresh };
}

// ---- a patrol and its route ----

function patrolForm() {
  const form = h('form', { class: 'card field-card form', novalidate: true, 'aria-labelledby': 'fd-patrol' });
  const msg = h('p', { class: 'form-msg', role: 'status' });
  const state = h('p', { class: 'patrol-state', 'aria-live': 'polite' }, t('field.patrol.idle'));
  const grid = field(t('field.grid'), select([{ value: '', label: t('common.choose') }], { name: 'grid_id' }),
    { name: 'grid_id', required: true, hint: t('field.patrol.gridHint'), hintId: uid('hint') });
  const visits = field(t('field.patrol.visits'), h('textarea', { name: 'visits', rows: '3', maxlength: '2000' }),
    { name: 'visits', hint: t('field.patrol.visitsHint'), hintId: uid('hint') });
  const found = field(t('field.patrol.findings'), h('textarea', { name: 'findings', rows: '3', maxlength: '2000' }), { name: 'findings' });
  const start = h('button', { type: 'button', class: 'btn' }, t('field.patrol.start'));
  const end = h('button', { type: 'submit', class: 'btn btn-primary', disabled: true }, t('field.patrol.end'));
  form.append(h('h2', { id: 'fd-patrol' }, t('field.patrol.title')), state, grid.wrap, visits.wrap, found.wrap, msg,
    h('div', { class: 'actions' }, start, end));
  function refresh(l) {
    fillSelect(grid.input, l.grids.map((g) => ({ value: String(g.id), label: g.name })), t('common.choose'));
    try { if (!grid.input.value) grid.input.value = localStorage.getItem('fq.field.grid') || ''; } catch (_) { /* none */ }
  }

  let startedAt = null;
  let watch = null;
  let points = [];
  const add = (p) => {
    if (!p || points.length >= PATROL_POINTS_MAX) return;
    points.push([Math.round(p.lon * 1e6) / 1e6, Math.round(p.lat * 1e6) / 1e6, p.t]);
    state.textContent = t('field.patrol.walking', { n: points.length });
  };
  const stopWatch = () => { if (watch !== null && geo()) geo().clearWatch(watch); watch = null; };

  start.addEventListener('click', async () => {
    startedAt = Math.floor(Date.now() / 1000);
    points = [];
    start.disabled = true;
    end.disabled = false;
    state.textContent = t('field.patrol.walking', { n: 0 });
    add(await here());
    const g = geo();
    if (g) {
      watch = g.watchPosition((p) => add({ lat: p.coords.latitude, lon: p.coords.longitude, t: Math.floor(p.timestamp / 1000) }),
        () => null, { enableHighAccuracy: true, maximumAge: 10000 });
    }
  });

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (startedAt === null) return;
    const gid = Number(grid.input.value);
    if (!Number.isInteger(gid) || gid <= 0) {
      grid.error.textContent = t('error.required');
      grid.error.hidden = false;
      grid.input.setAttribute('aria-invalid', 'true');
      grid.input.focus();
      return;
    }
    grid.error.hidden = true;
    grid.input.removeAttribute('aria-invalid');
    end.disabled = true;
    stopWatch();
    add(await here());
    const endedAt = Math.max(Math.floor(Date.now() / 1000), startedAt);
    const iso = (s) => new Date(s * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const households = visits.input.value.split('\n').map((s) => s.trim()).filter(Boolean);
    const body = {
      grid_id: gid, started_at: iso(startedAt), ended_at: iso(endedAt),
      findings: found.input.value.trim(),
      route: points.filter((p) => p[2] >= startedAt - 60 && p[2] <= endedAt + 60),
      visits: households.map((x) => ({ household: x, visited_at: iso(endedAt) })),
    };
    try { localStorage.setItem('fq.field.grid', String(gid)); } catch (_) { /* none */ }
    await enqueue({ kind: 'patrol', label: t('field.patrol.label', { n: households.length, p: body.route.length }), route: PATROL_ROUTE, body });
    startedAt = null;
    start.disabled = false;
    visits.input.value = '';
    found.input.value = '';
    state.textContent = t('field.patrol.idle');
    msg.textContent = navigator.onLine ? t('field.savedOnline') : t('field.savedOffline');
  });
  return { el: form, stop: stopWatch, refresh };
}

// ---- a follow-up (回访) ----

function followForm(cases) {
  const form = h('form', { class: 'card field-card form', novalidate: true, 'aria-labelledby': 'fd-follow' });
  const msg = h('p', { class: 'form-msg', role: 'status' });
  const which = field(t('field.follow.case'), select([{ value: '', label: t('common.choose') }], { name: 'case' }), { name: 'case', required: true });
  const sat = field(t('field.follow.satisfaction'), select(codeOptions('satisfaction', ['satisfied', 'basically_satisfied', 'unsatisfied'])), { name: 'satisfaction' });
  const ok = h('input', { type: 'checkbox', name: 'confirmed_resolved', id: uid('cb'), checked: true });
  const okLabel = h('label', { for: ok.id, class: 'check' }, ok, ' ', t('field.follow.resolved'));
  const note = field(t('field.follow.note'), h('textarea', { name: 'note', rows: '3', maxlength: '1000' }), { name: 'note', required: true });
  const save = h('button', { type: 'submit', class: 'btn btn-primary' }, t('field.follow.save'));
  form.append(h('h2', { id: 'fd-follow' }, t('field.follow.title')), which.wrap, sat.wrap, okLabel, note.wrap, msg, save);

  function refresh() {
    const keep = which.input.value;
    replace(which.input, h('option', { value: '' }, t('common.choose')),
      ...cases.map((c) => h('option', { value: String(c.id) }, `${c.title}（${c.code || c.id}）`)));
    which.input.value = keep;
  }

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const id = which.input.value;
    const text = note.input.value.trim();
    const bad = !id ? which : !text ? note : null;
    if (bad) {
      bad.error.textContent = t('error.required');
      bad.error.hidden = false;
      bad.input.setAttribute('aria-invalid', 'true');
      bad.input.focus();
      return;
    }
    for (const f of [which, note]) { f.error.hidden = true; f.input.removeAttribute('aria-invalid'); }
    const c = cases.find((x) => String(x.id) === id);
    // the server's status wins: when the case moved on meanwhile (409), the
    // note alone is added to it (outbox.js), never lost
    await enqueue({
      kind: 'follow_up', label: c ? c.title : '#' + id, route: `/api/cases/${encodeURIComponent(id)}/actions`,
      body: { action: 'follow_up', satisfaction: sat.input.value, confirmed_resolved: ok.checked, note: text },
      fallback: { action: 'note', text: t('field.follow.notePrefix') + text },
    });
    note.input.value = '';
    msg.textContent = navigator.onLine ? t('field.savedOnline') : t('field.savedOffline');
  });
  return { el: form, refresh };
}
