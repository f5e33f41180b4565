// field.js - #/field, the grid worker's app (枫桥网格, issue 15; docs/offline.md):
// today's tasks, a report of an event or a dispute with photos, a patrol
// with its route, and a follow-up (回访). Everything the worker does goes
// through the outbox (js/outbox.js), so the page works the same with no
// network: the work waits, counted, and is sent when the network returns.
import { h, replace, field, select, uid } from '../dom.js';
import { t, tc, fmtDateTime } from '../i18n.js';
import { get, session, errorText, ApiError } from '../api.js';
import { CATEGORIES, codeOptions, userRootRegion } from '../common.js';
import {
  enqueue, list, discard, retry, flush, startOutbox, onOutboxChange, compressPhoto,
  registerWorker, status, sent, PHOTOS_MAX,
} from '../outbox.js';

// What a report becomes on the server. A dispute is a case of the existing
// life cycle (POST /api/cases, photos as its attachments).
const REPORT_KINDS = {
  dispute: {
    route: '/api/cases',
    photoRoute: '/api/cases/{id}/attachments',
    body: (v, region) => ({
      title: v.title, description: v.description, category: v.category, channel: 'grid_patrol',
      region, location: location_(v),
      parties: [{ role: 'applicant', name: v.party, phone: v.phone }],
    }),
  },
};
const PATROL_ROUTE = '/api/v1/patrols';
const PATROL_POINTS_MAX = 2000; // points kept of one patrol's route
const WHO_KEY = 'fq.field.who'; // who last used the app here: name only, for the page with no network

function location_(v) {
  const loc = {};
  if (v.address) loc.address = v.address;
  if (v.pos) { loc.lat = v.pos.lat; loc.lon = v.pos.lon; }
  return loc;
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
    try { localStorage.setItem(WHO_KEY, JSON.stringify({ username: who.username, display_name: who.display_name })); } catch (_) { /* private mode */ }
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
      h('span', { class: 'outbox-what' }, tc('outbox.kind', it.kind), '：', it.label),
      h('span', { class: 'muted small' }, when + photos + ' · ' + t('outbox.state.' + it.state)));
    if (it.state === 'failed') {
      const err = new ApiError(it.error.status, it.error.code, it.error.message, it.error.field);
      const again = h('button', { type: 'button', class: 'btn btn-small' }, t('outbox.retry'));
      again.addEventListener('click', () => retry(it.seq));
      const drop = h('button', { type: 'button', class: 'btn btn-small btn-danger' }, t('outbox.discard'));
      drop.addEventListener('click', () => { if (window.confirm(t('outbox.discardConfirm'))) discard(it.seq); });
      li.append(h('p', { class: 'alert alert-error', role: 'alert' }, errorText(err)), h('div', { class: 'actions' }, again, drop));
    }
    return li;
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
  } catch (e) {
    body.push(h('p', { class: 'muted' }, e instanceof ApiError && e.code === 'network' ? t('field.tasksOffline') : errorText(e)));
  }
  replace(section, h('h2', { id: 'fd-tasks' }, t('field.tasks')), ...body);
}

// ---- report an event or a dispute ----

function reportForm(who) {
  const form = h('form', { class: 'card field-card form', novalidate: true, 'aria-labelledby': 'fd-report' });
  const msg = h('p', { class: 'form-msg', role: 'status' });
  const title = field(t('case.title'), h('input', { type: 'text', name: 'title', maxlength: '100', autocomplete: 'off' }), { name: 'title', required: true });
  const desc = field(t('field.whatFound'), h('textarea', { name: 'description', rows: '3', maxlength: '4000' }), { name: 'description', required: true });
  const category = field(t('case.category'), select(codeOptions('category', CATEGORIES, t('common.choose')), { name: 'category' }), { name: 'category', required: true });
  const party = field(t('field.partyName'), h('input', { type: 'text', name: 'party', maxlength: '50', autocomplete: 'off' }), { name: 'party', required: true });
  const phone = field(t('party.phone'), h('input', { type: 'tel', name: 'phone', maxlength: '20', inputmode: 'tel', autocomplete: 'off' }), { name: 'phone', required: true });
  const address = field(t('case.address'), h('input', { type: 'text', name: 'address', maxlength: '200' }), { name: 'address' });
  const photoHintId = uid('hint');
  const photos = field(t('field.photos'), h('input', { type: 'file', name: 'photos', accept: 'image/*', multiple: true, capture: 'environment' }),
    { name: 'photos', hint: t('field.photosHint', { n: PHOTOS_MAX }), hintId: photoHintId });
  const withPos = h('input', { type: 'checkbox', name: 'with_position', id: uid('cb'), checked: true });
  const posLabel = h('label', { for: withPos.id, class: 'check' }, withPos, ' ', t('field.attachPosition'));
  const save = h('button', { type: 'submit', class: 'btn btn-primary' }, t('field.saveReport'));
  form.append(h('h2', { id: 'fd-report' }, t('field.report')), title.wrap, desc.wrap, category.wrap,
    party.wrap, phone.wrap, address.wrap, photos.wrap, posLabel, msg, save);

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    msg.textContent = '';
    msg.className = 'form-msg';
    const v = {
      title: title.input.value.trim(), description: desc.input.value.trim(), category: category.input.value,
      party: party.input.value.trim(), phone: phone.input.value.trim(), address: address.input.value.trim(),
    };
    const missing = [[title, v.title], [desc, v.description], [category, v.category], [party, v.party], [phone, v.phone]]
      .find(([, x]) => !x);
    if (missing) {
      missing[0].error.textContent = t('error.required');
      missing[0].error.hidden = false;
      missing[0].input.setAttribute('aria-invalid', 'true');
      missing[0].input.focus();
      return;
    }
    for (const f of [title, desc, category, party, phone]) { f.error.hidden = true; f.input.removeAttribute('aria-invalid'); }
    const files = Array.from(photos.input.files || []).slice(0, PHOTOS_MAX);
    save.disabled = true;
    try {
      const shots = [];
      for (const f of files) shots.push(await compressPhoto(f));
      if (withPos.checked) v.pos = await here();
      const kind = REPORT_KINDS.dispute;
      const region = userRootRegion(session.user || who).code;
      await enqueue({
        kind: 'dispute', label: v.title, route: kind.route, photoRoute: kind.photoRoute,
        body: kind.body(v, region), photos: shots.map((s) => ({ blob: s.blob, name: s.name })),
      });
      form.reset();
      withPos.checked = true;
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
  return { el: form };
}

// ---- a patrol and its route ----

function patrolForm() {
  const form = h('form', { class: 'card field-card form', novalidate: true, 'aria-labelledby': 'fd-patrol' });
  const msg = h('p', { class: 'form-msg', role: 'status' });
  const state = h('p', { class: 'patrol-state', 'aria-live': 'polite' }, t('field.patrol.idle'));
  const grid = field(t('field.patrol.grid'), h('input', { type: 'number', name: 'grid_id', min: '1', step: '1', inputmode: 'numeric' }),
    { name: 'grid_id', required: true, hint: t('field.patrol.gridHint'), hintId: uid('hint') });
  const visits = field(t('field.patrol.visits'), h('textarea', { name: 'visits', rows: '3', maxlength: '2000' }),
    { name: 'visits', hint: t('field.patrol.visitsHint'), hintId: uid('hint') });
  const found = field(t('field.patrol.findings'), h('textarea', { name: 'findings', rows: '3', maxlength: '2000' }), { name: 'findings' });
  const start = h('button', { type: 'button', class: 'btn' }, t('field.patrol.start'));
  const end = h('button', { type: 'submit', class: 'btn btn-primary', disabled: true }, t('field.patrol.end'));
  form.append(h('h2', { id: 'fd-patrol' }, t('field.patrol.title')), state, grid.wrap, visits.wrap, found.wrap, msg,
    h('div', { class: 'actions' }, start, end));
  try { grid.input.value = localStorage.getItem('fq.field.grid') || ''; } catch (_) { /* none */ }

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
  return { el: form, stop: stopWatch };
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
