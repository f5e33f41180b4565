// mediation-parts.js - what the staff room (mediation.js) and the party's
// room (mediation-party.js) share: the live stream, the threads, the offers
// and their terms, clocks and the words for statuses and end reasons. The
// routes and the events are those of docs/mediation.md (§4, §5).
import { h, field } from '../dom.js';
import { t, tc, fmtDateTime, fmtMoney } from '../i18n.js';
import { get, clearErrors, showError, ApiError } from '../api.js';

export const API = '/api/v1';

/** A time from the server: UTC seconds or an ISO string. */
export function when(v) {
  if (v === null || v === undefined || v === '' || v === 0) return null;
  return typeof v === 'number' ? new Date(v * 1000) : new Date(v);
}
export const fmtWhen = (v) => fmtDateTime(when(v));

/** Money as typed ("1200" or "1,200.50" yuan) -> a number of yuan; '' when blank or bad. */
export function parseYuan(s) {
  const v = String(s || '').replace(/[,，\s¥]/g, '');
  if (!/^\d+(\.\d{1,2})?$/.test(v)) return '';
  return Number(v);
}

/**
 * A term's amount as money. An offer's terms hold yuan (the room's
 * check_terms), an agreement's hold fen (the agreement's document).
 */
export function amountText(a, unit = 'yuan') {
  if (a === null || a === undefined || a === '' || a < 0) return '';
  return typeof a === 'number' ? fmtMoney(unit === 'fen' ? a : Math.round(a * 100)) : String(a);
}

/**
 * Opens the room's event stream. EventSource reconnects by itself after a
 * dropped connection and sends Last-Event-ID, so the server replays what was
 * missed; `after` is the last event this page already holds. onEvent gets
 * {seq, kind, data}; onState 'live' or 'reconnecting'. Returns a closer.
 */
export function openStream(url, after, onEvent, onState) {
  const sep = url.includes('?') ? '&' : '?';
  const es = new EventSource(after ? `${url}${sep}after=${encodeURIComponent(after)}` : url);
  const seen = new Set();
  const handle = (ev) => {
    const seq = Number(ev.lastEventId) || 0;
    if (seq && seen.has(seq)) return;
    if (seq) seen.add(seq);
    let data = null;
    try { data = ev.data ? JSON.parse(ev.data) : null; } catch (_) { data = ev.data; }
    onEvent({ seq, kind: ev.type === 'message' && data && data.kind ? data.kind : ev.type, data });
  };
  es.onmessage = handle;
  for (const k of EVENT_KINDS) es.addEventListener(k, handle);
  es.onopen = () => onState('live');
  es.onerror = () => onState(es.readyState === EventSource.CLOSED ? 'closed' : 'reconnecting');
  return () => es.close();
}

// The named events of the room (service/mediation.c event(), and the
// agreement's: service/agreement.c agr_room_event); an event without a
// name arrives as a plain message.
export const EVENT_KINDS = ['opened', 'consent', 'verified', 'status', 'choice', 'extend_agreed', 'extended',
  'ended', 'risk_flagged', 'caucus', 'roundtable_agree', 'roundtable', 'public', 'message', 'offer',
  'offer_answer', 'session', 'reminder', 'agreement', 'agreement.reminder', 'document'];

/**
 * Reads the room's events after `after` a page at a time (GET .../events:
 * {items: [{seq, kind, data}], more}) and hands each to onEvent; returns
 * the last seq seen.
 */
export async function replay(base, after, onEvent) {
  let last = after;
  for (;;) {
    const r = await get(`${base}/events?after=${encodeURIComponent(last)}`);
    for (const e of r.items || []) {
      const seq = Number(e.seq);
      if (seq > last) last = seq;
      onEvent({ seq, kind: e.kind, data: typeof e.data === 'string' ? JSON.parse(e.data) : e.data });
    }
    if (!r.more || !(r.items || []).length) return last;
  }
}

/** Live indicator: says whether the page follows the room as it happens. */
export function liveBadge() {
  const el = h('p', { class: 'med-live', role: 'status', dataset: { state: 'connecting' } }, t('med.liveConnecting'));
  el.set = (state) => {
    el.dataset.state = state;
    el.textContent = t(state === 'live' ? 'med.live' : 'med.liveConnecting');
  };
  return el;
}

// A message's data (service/mediation.c): {thread, body, party (of a
// caucus), at, by (a staff user name) | by_party (a party's id)}.
const fromParty = (m) => m.by_party !== undefined && m.by_party !== null;

/** Whether the viewer wrote message m. */
function mine(m, viewer) {
  if (viewer.partyId !== undefined) return fromParty(m) && Number(m.by_party) === Number(viewer.partyId);
  return !fromParty(m) && m.by === viewer.username;
}

/** A message's author in words, from the viewer's side. */
function authorText(m, viewer) {
  if (mine(m, viewer)) return t('med.you');
  if (fromParty(m)) return viewer.partyName(m.by_party);
  return t('med.mediator');
}

/** The messages of one thread, oldest first. */
export function messageList(msgs, viewer, label) {
  // a list that scrolls takes focus, so a keyboard can scroll it too
  const ol = h('ol', { class: 'med-messages', 'aria-label': label, tabindex: '0' });
  if (!msgs.length) ol.appendChild(h('li', { class: 'muted med-empty' }, t('med.noMessages')));
  for (const m of msgs) {
    ol.appendChild(h('li', { class: ['med-msg', mine(m, viewer) && 'med-msg-mine'], dataset: { seq: String(m.seq || '') } },
      h('p', { class: 'med-msg-head' }, h('strong', null, authorText(m, viewer)), ' ',
        h('time', { class: 'muted small' }, fmtWhen(m.at))),
      h('p', { class: 'med-msg-body' }, m.body || '')));
  }
  return ol;
}

/** A message box for one thread; send(body) posts it. */
export function composer(label, send) {
  const input = h('textarea', { name: 'body', rows: '2', maxlength: '4000' });
  const f = field(label, input, { name: 'body' });
  const btn = h('button', { type: 'submit', class: 'btn btn-primary med-send' }, t('med.send'));
  const form = h('form', { class: 'form med-composer', novalidate: true },
    h('p', { class: 'form-error', hidden: true, role: 'alert' }), f.wrap, h('p', { class: 'form-actions' }, btn));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const body = input.value.trim();
    if (!body) { showError(form, new ApiError(400, 'required', '', 'body')); return; }
    btn.disabled = true;
    try {
      await send(body);
      input.value = '';
      input.focus();
    } catch (err) {
      showError(form, err);
    } finally {
      btn.disabled = false;
    }
  });
  return form;
}

/** The terms of an offer as a table (what, how much, by when, how). */
export function termsTable(terms, caption, unit = 'yuan') {
  const rows = (terms || []).map((x, i) => h('tr', null,
    h('th', { scope: 'row' }, String(i + 1)),
    h('td', { dataset: { label: t('med.term.what') } }, x.what || ''),
    h('td', { dataset: { label: t('med.term.amount') } }, amountText(x.amount, unit)),
    h('td', { dataset: { label: t('med.term.due') } }, x.due ? String(x.due).slice(0, 10) : ''),
    h('td', { dataset: { label: t('med.term.how') } }, x.how || '')));
  return h('div', { class: 'table-wrap' }, h('table', { class: 'responsive med-terms' },
    h('caption', { class: 'visually-hidden' }, caption),
    h('thead', null, h('tr', null, h('th', { scope: 'col' }, '#'), h('th', { scope: 'col' }, t('med.term.what')),
      h('th', { scope: 'col' }, t('med.term.amount')), h('th', { scope: 'col' }, t('med.term.due')),
      h('th', { scope: 'col' }, t('med.term.how')))),
    h('tbody', null, rows)));
}

/**
 * A form for the terms of an offer, one fieldset per term (a phone shows
 * them one under another). submit(terms) posts it; prefill gives the rows
 * of the offer being countered.
 */
export function offerForm(title, submit, prefill, onCancel) {
  const list = h('div', { class: 'med-term-rows' });
  const rows = [];
  function addRow(x = {}) {
    const n = rows.length + 1;
    const what = h('input', { type: 'text', name: 'what', maxlength: '200', value: x.what || '' });
    const amount = h('input', { type: 'text', name: 'amount', inputmode: 'decimal', maxlength: '16', value: typeof x.amount === 'number' ? String(x.amount) : '' });
    const due = h('input', { type: 'date', name: 'due', value: x.due ? String(x.due).slice(0, 10) : '' });
    const how = h('input', { type: 'text', name: 'how', maxlength: '200', value: x.how || '' });
    const fs = h('fieldset', { class: 'med-term-row', dataset: { field: `terms.${n - 1}` } },
      h('legend', null, t('med.termN', { n })),
      field(t('med.term.what'), what, { name: `terms.${n - 1}.what`, required: true }).wrap,
      field(t('med.term.amountYuan'), amount, { name: `terms.${n - 1}.amount` }).wrap,
      field(t('med.term.due'), due, { name: `terms.${n - 1}.due` }).wrap,
      field(t('med.term.how'), how, { name: `terms.${n - 1}.how` }).wrap);
    rows.push({ what, amount, due, how });
    list.appendChild(fs);
  }
  for (const x of (prefill && prefill.length ? prefill : [{}])) addRow(x);
  const more = h('button', { type: 'button', class: 'btn btn-small' }, t('med.addTerm'));
  more.addEventListener('click', () => { addRow(); rows[rows.length - 1].what.focus(); });
  const send = h('button', { type: 'submit', class: 'btn btn-primary' }, t('med.offerSend'));
  const cancel = onCancel ? h('button', { type: 'button', class: 'btn', onclick: onCancel }, t('common.cancel')) : null;
  const form = h('form', { class: 'form med-offer-form', novalidate: true },
    h('h3', null, title), h('p', { class: 'form-error', hidden: true, role: 'alert' }), list,
    h('p', { class: 'form-actions' }, more, send, cancel));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const terms = [];
    for (const [i, r] of rows.entries()) {
      const what = r.what.value.trim();
      if (!what) {
        if (i > 0 && !r.amount.value.trim() && !r.how.value.trim()) continue;
        showError(form, new ApiError(400, 'required', '', `terms.${i}.what`));
        return;
      }
      const term = { what };
      if (r.amount.value.trim()) {
        const yuan = parseYuan(r.amount.value);
        if (yuan === '') { showError(form, new ApiError(400, 'invalid_terms', '', `terms.${i}.amount`)); return; }
        term.amount = yuan;
      }
      if (r.due.value) term.due = r.due.value;
      if (r.how.value.trim()) term.how = r.how.value.trim();
      terms.push(term);
    }
    send.disabled = true;
    try {
      await submit(terms);
    } catch (err) {
      showError(form, err);
      send.disabled = false;
    }
  });
  return form;
}

/** Who made an offer, from the viewer's side. */
export function offerFrom(o, viewer) {
  if (o.from_party === null || o.from_party === undefined) return t('med.mediatorProposal');
  if (viewer.partyId !== undefined && Number(o.from_party) === Number(viewer.partyId)) return t('med.you');
  return viewer.partyName(o.from_party);
}

/**
 * One offer: its version, who made it, status and terms; answer(o, answer)
 * is called with 'accept' | 'reject' | 'counter' when the viewer may answer.
 */
export function offerCard(o, viewer, answer) {
  const head = h('p', { class: 'med-offer-head' },
    h('strong', null, t('med.offerVersion', { v: o.version || o.id })), ' ',
    h('span', { class: 'muted' }, offerFrom(o, viewer)), ' ',
    h('span', { class: `badge med-offer-status med-offer-${o.status}` }, tc('medOfferStatus', o.status)), ' ',
    h('time', { class: 'muted small' }, fmtWhen(o.created_at)));
  const buttons = answer && o.status === 'open'
    ? h('p', { class: 'form-actions med-answer' },
      h('button', { type: 'button', class: 'btn btn-primary', dataset: { answer: 'accept' }, onclick: () => answer(o, 'accept') }, t('med.accept')),
      h('button', { type: 'button', class: 'btn', dataset: { answer: 'counter' }, onclick: () => answer(o, 'counter') }, t('med.counter')),
      h('button', { type: 'button', class: 'btn btn-danger', dataset: { answer: 'reject' }, onclick: () => answer(o, 'reject') }, t('med.reject')))
    : null;
  return h('li', { class: 'med-offer', dataset: { id: String(o.id), status: o.status || '' } },
    head, termsTable(o.terms, t('med.offerVersion', { v: o.version || o.id })), buttons);
}

/** The room's clocks: the deadline, the choice and acceptance deadlines. */
export function clocks(m) {
  const rows = [];
  if (m.choice_due && !m.mediator) rows.push([t('med.choiceDue'), fmtWhen(m.choice_due)]);
  if (m.accept_due && !m.mediator) rows.push([t('med.acceptDue'), fmtWhen(m.accept_due)]);
  if (m.deadline) rows.push([t('med.deadline'), fmtWhen(m.deadline) + (m.extended ? ' ' + t('med.extendedMark') : '')]);
  if (m.ended_at) rows.push([t('med.endedAt'), fmtWhen(m.ended_at)]);
  return rows;
}

// A published mediator's specialties (case categories) and languages in
// words, never their codes.
export function mediatorSpecialties(u) {
  return String(u.specialties || '').split(',').filter(Boolean).map((c) => tc('category', c)).join('、');
}
export function mediatorLanguages(u) {
  return String(u.languages || '').split(',').filter(Boolean).map((c) => tc('medLang', c)).join('、');
}

export function statusBadgeMed(status) {
  return h('span', { class: `badge med-status med-status-${status}` }, tc('medStatus', status));
}
