// cases.js - the case list: filters (the handler too), search by words or
// by a piece of the case code with a snippet of the match, paging, CSV
// export, saved filters (kept per user in this browser's localStorage) and
// bulk assignment (each case through the same server checks as one by one).
import { h, append, replace, field, select, qs, uid } from '../dom.js';
import { t, tc, fmtDateTime, fmtNumber } from '../i18n.js';
import { get, post, session, errorBox, errorText } from '../api.js';
import { bindKeys, listKeys } from '../keys.js';
import { CATEGORIES, CHANNELS, TRACKS, STATUSES, codeOptions, statusBadge, trackBadge, nextDeadline, deadlineChip, deadlineUrgency, emptyState, loading, userRootRegion } from '../common.js';
import { regionPicker } from '../regionPicker.js';

const FILTERS = ['q', 'region', 'status', 'category', 'channel', 'track', 'handler', 'overdue', 'resolved', 'imported', 'from', 'to', 'sort', 'mine', 'page', 'page_size'];
const SORTS = ['-created_at', 'created_at', 'due'];
const PAGE_SIZE = 20;

export async function render({ container, query, navigate, isCurrent }) {
  const f = {};
  for (const k of FILTERS) if (query.get(k)) f[k] = query.get(k);
  const page = Math.max(1, parseInt(f.page || '1', 10) || 1);

  const root = userRootRegion(session.user);
  const q = field(t('cases.search'), h('input', { type: 'search', name: 'q', value: f.q || '', placeholder: t('cases.searchPlaceholder') }), { name: 'q', hint: t('cases.searchHint'), hintId: 'q-hint' });
  const handler = field(t('case.handler'), select([{ value: '', label: t('common.all') }], { name: 'handler' }), { name: 'handler' });
  fillHandlers(handler.input, f.handler, root.code);
  const status = field(t('case.status'), select(codeOptions('status', STATUSES, t('common.all')), { name: 'status', value: f.status || '' }), { name: 'status' });
  const category = field(t('case.category'), select(codeOptions('category', CATEGORIES, t('common.all')), { name: 'category', value: f.category || '' }), { name: 'category' });
  const channel = field(t('case.channel'), select(codeOptions('channel', CHANNELS, t('common.all')), { name: 'channel', value: f.channel || '' }), { name: 'channel' });
  const track = field(t('case.track'), select(codeOptions('track', TRACKS, t('common.all')), { name: 'track', value: f.track || '' }), { name: 'track' });
  const from = field(t('cases.from'), h('input', { type: 'date', name: 'from', value: f.from || '' }), { name: 'from' });
  const to = field(t('cases.to'), h('input', { type: 'date', name: 'to', value: f.to || '' }), { name: 'to' });
  const sort = field(t('cases.sort'), select(SORTS.map((s) => ({ value: s, label: t('sort.' + s) })), { name: 'sort', value: f.sort || '-created_at' }), { name: 'sort' });
  const overdue = h('input', { type: 'checkbox', id: 'f-overdue', name: 'overdue', checked: f.overdue === 'true' });
  const mine = h('input', { type: 'checkbox', id: 'f-mine', name: 'mine', checked: f.mine === 'true' });
  const picker = regionPicker({ root: root.code, pickLevel: 'any', legend: t('cases.region'), value: f.region });

  const more = h('details', { class: 'more-filters', open: Boolean(f.region || f.channel || f.track || f.from || f.to) },
    h('summary', null, t('cases.moreFilters')),
    h('div', { class: 'filter-grid' }, channel.wrap, track.wrap, from.wrap, to.wrap),
    picker.el);
  const form = h('form', { class: 'filters card', role: 'search', 'aria-label': t('cases.filters') },
    h('div', { class: 'filter-grid' }, q.wrap, status.wrap, category.wrap, handler.wrap, sort.wrap),
    h('div', { class: 'checks' },
      h('div', { class: 'checkbox' }, overdue, h('label', { for: 'f-overdue' }, t('cases.overdueOnly'))),
      h('div', { class: 'checkbox' }, mine, h('label', { for: 'f-mine' }, t('cases.mineOnly')))),
    more,
    h('p', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'btn btn-primary' }, t('cases.apply')),
      h('a', { href: '#/cases', class: 'btn' }, t('cases.reset'))));

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const nf = {
      q: q.input.value.trim(), status: status.input.value, category: category.input.value,
      channel: channel.input.value, track: track.input.value, from: from.input.value, to: to.input.value,
      handler: handler.input.value,
      sort: sort.input.value === '-created_at' ? '' : sort.input.value,
      overdue: overdue.checked ? 'true' : '', mine: mine.checked ? 'true' : '',
    };
    const rv = picker.value();
    if (rv && rv !== root.code) nf.region = rv;
    navigate('#/cases' + qs(nf));
  });

  const apiFilters = { ...f, page, page_size: PAGE_SIZE };
  const csvFilters = { ...f };
  delete csvFilters.page; delete csvFilters.page_size;
  const csv = h('a', { href: '/api/cases.csv' + qs(csvFilters), class: 'btn btn-small', download: 'cases.csv' }, t('cases.csv'));
  const csvReadable = h('a', { href: '/api/cases.csv' + qs({ ...csvFilters, format: 'readable' }), class: 'btn btn-small', download: '', id: 'csv-readable' }, t('an.csvReadable'));
  const results = h('div', { class: 'results', 'aria-live': 'polite' }, loading());

  append(container,
    h('div', { class: 'page-head' },
      h('h1', null, t('cases.title')),
      h('div', { class: 'page-actions' }, csvReadable, csv, h('a', { href: '#/new', class: 'btn btn-primary btn-small' }, t('nav.new')))),
    form, savedFilters(f), results);
  const keys = listKeys(results, 'tbody tr', 'a');
  bindKeys(isCurrent, { j: keys.next, k: keys.prev });

  let json;
  try {
    json = await get('/api/cases' + qs(apiFilters));
  } catch (err) {
    if (isCurrent()) replace(results, errorBox(err));
    return;
  }
  if (!isCurrent()) return;
  const items = json.items || [];
  const total = json.total || 0;
  const size = json.page_size || PAGE_SIZE;
  const pages = Math.max(1, Math.ceil(total / size));
  if (items.length === 0) {
    const filtered = Object.keys(f).some((k) => k !== 'page' && k !== 'sort');
    replace(results, emptyState(filtered ? t('cases.emptyFiltered') : t('cases.empty'), [
      filtered ? h('a', { href: '#/cases', class: 'btn' }, t('cases.reset')) : null, ' ',
      h('a', { href: '#/new', class: 'btn btn-primary' }, t('nav.new'))]));
    return;
  }
  const picked = new Set();
  const bulk = bulkBar(picked);
  const table = h('table', { class: 'case-table responsive' },
    h('caption', { class: 'visually-hidden' }, t('cases.title')),
    h('thead', null, h('tr', null,
      h('th', { scope: 'col', class: 'col-pick' }, h('span', { class: 'visually-hidden' }, t('bulk.select'))),
      ...['case.trackingCode', 'case.title', 'case.status', 'case.category', 'case.region', 'case.unit', 'case.handler', 'case.deadline', 'case.createdAt']
        .map((k) => h('th', { scope: 'col' }, t(k))))));
  const tbody = h('tbody');
  for (const c of items) {
    const d = nextDeadline(c);
    const u = d ? deadlineUrgency(d) : 'none';
    const pick = h('input', { type: 'checkbox', class: 'bulk-pick', 'aria-label': t('bulk.selectCase', { code: c.tracking_code }), dataset: { id: String(c.id), code: c.tracking_code } });
    pick.addEventListener('change', () => {
      if (pick.checked) picked.add(c.id); else picked.delete(c.id);
      bulk.update();
    });
    tbody.appendChild(h('tr', { class: 'urgency-row-' + u, dataset: { id: String(c.id) } },
      h('td', { class: 'col-pick', 'data-label': t('bulk.select') }, pick),
      h('td', { 'data-label': t('case.trackingCode') }, h('span', { class: 'code' }, marked(c.tracking_code, f.q))),
      h('td', { 'data-label': t('case.title') }, h('a', { href: `#/case/${c.id}` }, marked(c.title || c.tracking_code, f.q)), ' ', trackBadge(c.track),
        c.snippet ? h('div', { class: 'snippet muted small' }, marked(c.snippet, f.q)) : null),
      h('td', { 'data-label': t('case.status') }, statusBadge(c.status)),
      h('td', { 'data-label': t('case.category') }, tc('category', c.category)),
      h('td', { 'data-label': t('case.region') }, c.region_name || c.region),
      h('td', { 'data-label': t('case.unit') }, c.unit_region_name || ''),
      h('td', { 'data-label': t('case.handler') }, c.handler ? (c.handler_name || t('actor.staff')) : h('span', { class: 'muted' }, t('cases.unassigned'))),
      h('td', { 'data-label': t('case.deadline') }, d ? deadlineChip(d) : '—'),
      h('td', { 'data-label': t('case.createdAt') }, fmtDateTime(c.created_at))));
  }
  table.appendChild(tbody);

  const pager = h('nav', { class: 'pager', 'aria-label': t('cases.paging') });
  const link = (p, label, rel) => h('a', { href: '#/cases' + qs({ ...f, page: p > 1 ? p : '' }), class: 'btn btn-small', rel }, label);
  if (page > 1) pager.appendChild(link(page - 1, t('cases.prev'), 'prev'));
  pager.appendChild(h('span', { class: 'pager-info' }, t('cases.pageInfo', { page, pages, total: fmtNumber(total) + (json.total_exact === false ? '+' : '') })));
  if (page < pages) pager.appendChild(link(page + 1, t('cases.next'), 'next'));

  replace(results, bulk.el, h('div', { class: 'table-wrap' }, table), pager);

  // Bulk assignment: one POST per case, so each passes the same checks
  // (state, role, scope, the assignee) as when assigned one by one.
  function bulkBar(ids) {
    const count = h('span', { class: 'bulk-count', role: 'status' }, t('bulk.selected', { n: 0 }));
    const who = select([{ value: '', label: t('common.choose') }], { name: 'bulk_handler', id: uid('bulk') });
    const note = h('input', { type: 'text', name: 'bulk_note', id: uid('bulk'), maxlength: '1000' });
    const go = h('button', { type: 'submit', class: 'btn btn-primary btn-small' }, t('bulk.assign'));
    const out = h('div', { class: 'bulk-result', 'aria-live': 'polite' });
    const el = h('form', { class: 'bulk-bar card', 'aria-label': t('bulk.assign'), hidden: true },
      count,
      h('label', { for: who.id }, t('bulk.assignTo')), who,
      h('label', { for: note.id }, t('bulk.note')), note, go, out);
    let loadedFor = null;
    async function fillWho(first) {
      if (loadedFor === first) return;
      loadedFor = first;
      try {
        const r = await get(`/api/cases/${first}/candidates`);
        replace(who, h('option', { value: '' }, t('common.choose')),
          (r.items || []).map((u) => h('option', { value: u.username },
            `${u.display_name || u.username} · ${t('team.openLoad', { n: fmtNumber(u.open || 0) })}`)));
      } catch (_) { loadedFor = null; }
    }
    el.addEventListener('submit', async (e) => {
      e.preventDefault();
      if (!ids.size) { out.textContent = t('bulk.none'); return; }
      if (!who.value) { who.focus(); return; }
      go.disabled = true;
      let ok = 0;
      const fails = [];
      for (const id of ids) {
        const code = (tbody.querySelector(`input[data-id="${id}"]`) || {}).dataset?.code || String(id);
        try {
          await post(`/api/cases/${id}/actions`, { action: 'assign', handler: who.value, ...(note.value.trim() ? { note: note.value.trim() } : {}) });
          ok += 1;
        } catch (err) {
          fails.push(t('bulk.failed', { code, why: errorText(err) }));
        }
      }
      go.disabled = false;
      replace(out, h('p', { role: 'status' }, t('bulk.done', { ok, fail: fails.length })),
        fails.length ? h('ul', null, fails.map((x) => h('li', null, x))) : null);
    });
    return {
      el,
      update() {
        el.hidden = ids.size === 0 && !out.textContent;
        count.textContent = t('bulk.selected', { n: ids.size });
        if (ids.size) fillWho([...ids][0]);
      },
    };
  }
}

// Saved filters: per user, in this browser's localStorage (no server state).
function savedKey() {
  return `fq.savedFilters.${(session.user && session.user.username) || ''}`;
}

function loadSaved() {
  try {
    const v = JSON.parse(localStorage.getItem(savedKey()) || '[]');
    return Array.isArray(v) ? v.filter((x) => x && typeof x.name === 'string' && typeof x.query === 'string') : [];
  } catch (_) { return []; }
}

function savedFilters(f) {
  const box = h('details', { class: 'saved-filters card' });
  const draw = () => {
    const list = loadSaved();
    const name = h('input', { type: 'text', id: uid('sf'), maxlength: '40', name: 'saved_name' });
    const save = h('form', { class: 'saved-save' },
      h('label', { for: name.id }, t('saved.name')), name,
      h('button', { type: 'submit', class: 'btn btn-small' }, t('saved.save')));
    save.addEventListener('submit', (e) => {
      e.preventDefault();
      const n = name.value.trim();
      if (!n) { name.focus(); return; }
      const query = qs({ ...f, page: '' });
      const next = loadSaved().filter((x) => x.name !== n).concat([{ name: n, query }]).slice(-20);
      localStorage.setItem(savedKey(), JSON.stringify(next));
      draw();
    });
    replace(box, h('summary', null, t('saved.title'), list.length ? ` (${list.length})` : ''),
      list.length ? h('ul', { class: 'saved-list' }, list.map((x) => {
        const rm = h('button', { type: 'button', class: 'btn btn-small', 'aria-label': t('saved.remove', { name: x.name }) }, '×');
        rm.addEventListener('click', () => {
          localStorage.setItem(savedKey(), JSON.stringify(loadSaved().filter((y) => y.name !== x.name)));
          draw();
        });
        return h('li', null, h('a', { href: '#/cases' + x.query }, x.name), ' ', rm);
      })) : null,
      save, h('p', { class: 'muted small' }, t('saved.where')));
  };
  draw();
  return box;
}

// The user's search words marked in a text (<mark>), as nodes: the pieces
// of text that match any word of q, ASCII letters in any case.
function marked(text, q) {
  const s = String(text || '');
  const words = String(q || '').trim().split(/\s+/).filter((w) => w.length > 0)
    .map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  if (!words.length || !s) return s;
  const re = new RegExp(`(${words.join('|')})`, 'ig');
  const out = [];
  let last = 0;
  for (const m of s.matchAll(re)) {
    if (m.index > last) out.push(s.slice(last, m.index));
    out.push(h('mark', null, m[0]));
    last = m.index + m[0].length;
  }
  if (last < s.length) out.push(s.slice(last));
  return out;
}

// The people cases are handled by, for the handler filter: those holding a
// working role within the user's reach (the server filters to the scope).
async function fillHandlers(sel, chosen, region) {
  const seen = new Map();
  for (const role of ['mediator', 'handler']) {
    try {
      const r = await get(`/api/users?region=${encodeURIComponent(region)}&role=${role}`);
      for (const u of r.items || []) if (!seen.has(u.username)) seen.set(u.username, u);
    } catch (_) { /* the filter then offers only "all" */ }
  }
  if (chosen && !seen.has(chosen)) seen.set(chosen, { username: chosen, display_name: t('actor.staff') });
  for (const u of seen.values()) {
    const me = session.user && u.username === session.user.username;
    sel.appendChild(h('option', { value: u.username }, (u.display_name || t('actor.staff')) + (me ? ` — ${t('case.me')}` : '')));
  }
  sel.value = chosen || '';
}
