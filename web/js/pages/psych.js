// psych.js - 心防, the psychological service (issue 19; docs/psych.md).
// #/psych: the anonymous self-screening (PHQ-9, GAD-7), no account, nothing
// stored unless the person keeps it under a code with a separate consent;
// when PHQ-9 item 9 is above 0 the crisis lines (12356, the local line)
// and a call-back offer come BEFORE the score. #/psych/me: the person's own
// trend by their code, a counsellor on request, withdrawal. #/psych/work:
// the counsellor's alerts (acknowledge), people in their care, sessions and
// referrals. #/psych/stats: suppressed counts by township. The page says
// "screening result" (筛查结果), never "diagnosis" (精神卫生法 art. 23).
import { h, append, replace, field, select } from '../dom.js';
import { t, fmtDateTime } from '../i18n.js';
import { api, get, post, clearErrors, showError, errorBox, session, ApiError } from '../api.js';

const ITEMS = { phq9: 9, gad7: 7 };
const MAX = { phq9: 27, gad7: 21 };

export function render(ctx) {
  const view = ctx.params.view || '';
  if (view === 'me') return renderMe(ctx);
  if (view === 'work') return renderWork(ctx);
  if (view === 'stats') return renderStats(ctx);
  if (view === 'refer') return renderRefer(ctx);
  return renderScreen(ctx);
}

function checkbox(name, label) {
  const box = h('input', { type: 'checkbox', name, id: `psych-${name}` });
  return { box, wrap: h('div', { class: 'checkbox', dataset: { field: name } }, box, h('label', { for: box.id }, label)) };
}

function radios(name, legend, labels) {
  const inputs = labels.map((label, v) => {
    const id = `${name}-${v}`;
    return h('div', { class: 'radio' }, h('input', { type: 'radio', name, id, value: String(v) }), h('label', { for: id }, label));
  });
  return h('fieldset', { class: 'plain psych-item', dataset: { field: name } }, h('legend', null, legend), ...inputs);
}

function checked(form, name) {
  const el = form.querySelector(`input[name="${name}"]:checked`);
  return el ? Number(el.value) : null;
}

// ---- the self-screening ----

function renderScreen({ container }) {
  const result = h('section', { class: 'psych-result', 'aria-live': 'polite' });
  const which = radios('instrument', t('psych.instrument'), [t('psych.phq9'), t('psych.gad7')]);
  which.querySelector('input').checked = true;
  const itemsBox = h('div', { class: 'psych-items' });
  const form = h('form', { class: 'card form', novalidate: true },
    h('p', { class: 'form-error', hidden: true, role: 'alert' }),
    which, h('p', { class: 'lead' }, t('psych.stem')), itemsBox,
    h('p', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('psych.submit'))));
  const instrument = () => (checked(form, 'instrument') === 1 ? 'gad7' : 'phq9');
  const opts = [0, 1, 2, 3].map((v) => t(`psych.opt.${v}`));
  const drawItems = () => {
    const inst = instrument();
    const list = [];
    for (let n = 1; n <= ITEMS[inst]; n++) list.push(radios(`item${n}`, `${n}. ${t(`psych.${inst}.${n}`)}`, opts));
    if (inst === 'phq9') {
      list.push(radios('item10', `10. ${t('psych.item10')} ${t('psych.item10Note')}`, [0, 1, 2, 3].map((v) => t(`psych.item10.${v}`))));
    }
    replace(itemsBox, ...list);
    replace(result);
  };
  which.addEventListener('change', drawItems);
  drawItems();

  append(container,
    h('h1', null, t('psych.title')),
    h('p', { class: 'lead' }, t('psych.lead')),
    h('p', { class: 'alert alert-warn' }, t('psych.notDiagnosis')),
    h('p', null, t('psych.helpNow')),
    form, result,
    h('p', { class: 'muted small' }, t('psych.attribution')),
    h('p', null, h('a', { href: '#/psych/me' }, t('nav.psychMe'))));

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const inst = instrument();
    const answers = [];
    for (let n = 1; n <= ITEMS[inst]; n++) answers.push(checked(form, `item${n}`));
    const missing = answers.indexOf(null);
    if (missing >= 0) {
      showError(form, new ApiError(400, 'required', t('psych.answerAll')));
      form.querySelector(`input[name="item${missing + 1}"]`).focus();
      return;
    }
    const body = { instrument: inst, answers };
    const i10 = checked(form, 'item10');
    if (inst === 'phq9' && i10 !== null) body.item10 = i10;
    try {
      const r = await post('/api/v1/psych/screen', body);
      showResult(result, r, body);
    } catch (err) {
      showError(form, err);
    }
  });
}

// the crisis lines and the call-back offer, shown before any score
function crisisBlock(lines) {
  const phone = field(t('psych.callBackPhone'), h('input', { type: 'tel', name: 'phone', autocomplete: 'tel', inputmode: 'tel' }), { name: 'phone' });
  const agree = checkbox('consent', t('psych.callBackConsent'));
  const done = h('p', { role: 'status' });
  const form = h('form', { class: 'form', novalidate: true },
    h('p', { class: 'form-error', hidden: true, role: 'alert' }),
    h('h3', null, t('psych.callBack')), phone.wrap, agree.wrap,
    h('p', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn' }, t('psych.callBackSend'))), done);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    try {
      const r = await post('/api/v1/psych/callback', { phone: phone.input.value.trim(), consent: agree.box.checked });
      done.textContent = t('psych.callBackDone', { code: r.code });
    } catch (err) {
      showError(form, err);
    }
  });
  return h('section', { class: 'card alert alert-error psych-crisis', role: 'alert' },
    h('h2', null, t('psych.crisisTitle')),
    h('p', null, t('psych.crisisBody')),
    h('ul', null,
      h('li', null, `${t('psych.national')}: `, h('a', { href: `tel:${lines.national}` }, h('strong', null, lines.national))),
      lines.local ? h('li', null, `${t('psych.local')}: `, h('a', { href: `tel:${lines.local}` }, h('strong', null, lines.local))) : null),
    form);
}

function showResult(box, r, body) {
  const parts = [];
  if (r.crisis) parts.push(crisisBlock(r.crisis_lines)); // before the score
  parts.push(h('section', { class: 'card psych-score' },
    h('h2', null, t('psych.resultTitle')),
    h('p', null, t('psych.score', { score: r.score, max: MAX[r.instrument] })),
    h('p', null, t('psych.band', { band: t(`psych.band.${r.band}`) })),
    r.positive ? h('p', null, t('psych.positive')) : null,
    h('p', { class: 'muted small' }, t('psych.notDiagnosis'))));
  parts.push(keepForm(body));
  replace(box, ...parts);
}

function keepForm(screening) {
  const store = checkbox('store', t('psych.consentStore'));
  const purpose = checkbox('purpose_told', t('psych.consentPurpose'));
  const effects = checkbox('effects_told', t('psych.consentEffects'));
  const u14 = checkbox('under_14', t('psych.under14'));
  const gName = field(t('psych.guardianName'), h('input', { type: 'text', name: 'guardian', autocomplete: 'off' }), { name: 'consent.guardian' });
  const gOk = checkbox('guardian_consent', t('psych.guardianConsent'));
  const guardian = h('div', { hidden: true }, gName.wrap, gOk.wrap);
  u14.box.addEventListener('change', () => { guardian.hidden = !u14.box.checked; });
  const phone = field(t('psych.contactPhone'), h('input', { type: 'tel', name: 'contact', autocomplete: 'tel', inputmode: 'tel' }), { name: 'contact' });
  const contact = checkbox('contact_ok', t('psych.consentContact'));
  const done = h('div', { role: 'status' });
  const form = h('form', { class: 'card form psych-keep', novalidate: true },
    h('h2', null, t('psych.keepTitle')),
    h('p', null, t('psych.keepLead')),
    h('p', null, t('psych.purpose')), h('p', null, t('psych.effects')),
    h('p', { class: 'form-error', hidden: true, role: 'alert' }),
    store.wrap, purpose.wrap, effects.wrap, u14.wrap, guardian, phone.wrap, contact.wrap,
    h('p', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('psych.keep'))), done);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const consent = { store: store.box.checked, purpose_told: purpose.box.checked, effects_told: effects.box.checked,
      under_14: u14.box.checked, contact: contact.box.checked };
    if (u14.box.checked) consent.guardian = { name: gName.input.value.trim(), consent: gOk.box.checked };
    const body = { consent, screening };
    const ph = phone.input.value.trim();
    if (ph) body.contact = { phone: ph };
    try {
      const r = await post('/api/v1/psych/keep', body);
      replace(done, h('p', { class: 'flash' }, t('psych.kept', { code: r.code })),
        r.alerted ? h('p', null, t('psych.alerted')) : null,
        h('p', null, h('a', { href: '#/psych/me' }, t('nav.psychMe'))));
      for (const el of form.querySelectorAll('input, button')) el.disabled = true;
    } catch (err) {
      showError(form, err);
    }
  });
  return form;
}

// ---- appointments ----

async function roomOptions() {
  const r = await get('/api/v1/psych/rooms');
  return r.items.map((x) => ({ value: String(x.id), label: `${x.name}（${x.region_name || x.region}）` }));
}

// a booking form: room, local date and time, minutes; book(body) posts it
async function bookForm(book, after) {
  const rooms = await roomOptions();
  if (!rooms.length) return h('p', { class: 'muted' }, t('psych.noRooms'));
  const room = field(t('psych.room'), select(rooms, { name: 'room_id' }), { name: 'room_id' });
  const when = field(t('psych.startsAt'), h('input', { type: 'datetime-local', name: 'starts_at' }), { name: 'starts_at' });
  const mins = field(t('psych.minutes'), h('input', { type: 'number', name: 'minutes', min: '15', max: '180', value: '50' }), { name: 'minutes' });
  const form = h('form', { class: 'form psych-book', novalidate: true },
    h('h3', null, t('psych.bookTitle')),
    h('p', { class: 'form-error', hidden: true, role: 'alert' }), room.wrap, when.wrap, mins.wrap,
    h('p', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('psych.book'))));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const v = when.input.value;
    const at = v ? new Date(v) : null;
    if (!at || Number.isNaN(at.getTime())) {
      showError(form, new ApiError(400, 'invalid_time', null, 'starts_at'));
      return;
    }
    try {
      await book({ room_id: Number(room.input.value), starts_at: at.toISOString(), minutes: Number(mins.input.value) || 50 });
      after();
    } catch (err) {
      showError(form, err);
    }
  });
  return form;
}

// appointments as a list; actions(a) gives the buttons of one
function apptList(items, actions, withContact) {
  if (!items.length) return h('p', { class: 'muted' }, t('psych.noAppts'));
  return h('ul', { class: 'plain psych-appts' }, ...items.map((a) => h('li', { class: 'card psych-appt', dataset: { id: a.id } },
    h('p', null, h('strong', null, fmtDateTime(a.starts_at)), ` · ${a.room_name}`),
    withContact && a.contact ? h('p', null, `${t('psych.contact')}: ${[a.contact.name, a.contact.phone].filter(Boolean).join(' ')}`) : null,
    h('p', null, t(`psych.appt.${a.status}`)),
    a.status === 'booked' ? h('p', { class: 'form-actions' }, ...actions(a)) : null)));
}

// ---- the person's own record ----

function trendTable(trend) {
  if (!trend.length) return h('p', { class: 'muted' }, t('psych.noTrend'));
  const cols = ['when', 'instrumentCol', 'scoreCol', 'bandCol'].map((k) => t(`psych.${k}`));
  const td = (i, v, cls) => h('td', { 'data-label': cols[i], class: cls }, v);
  return h('div', { class: 'table-wrap' },
    h('table', { class: 'responsive psych-trend' },
      h('caption', { class: 'visually-hidden' }, t('psych.trend')),
      h('thead', null, h('tr', null, ...cols.map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', null, ...trend.map((s) => h('tr', null,
        td(0, fmtDateTime(s.at)),
        td(1, s.instrument === 'gad7' ? 'GAD-7' : 'PHQ-9'),
        td(2, String(s.score), 'num'),
        td(3, t(`psych.band.${s.band}`)))))));
}

function renderMe({ container }) {
  const code = field(t('psych.code'), h('input', { type: 'text', name: 'code', autocomplete: 'off', spellcheck: 'false', autocapitalize: 'characters' }), { name: 'code' });
  const form = h('form', { class: 'card form', novalidate: true },
    h('p', { class: 'form-error', hidden: true, role: 'alert' }), code.wrap,
    h('p', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('psych.open'))));
  const out = h('section', { 'aria-live': 'polite' });
  append(container, h('h1', null, t('psych.meTitle')), h('p', { class: 'lead' }, t('psych.meLead')), form, out);
  const headers = () => ({ headers: { 'x-psych-code': code.input.value.trim() } });
  const load = async () => {
    clearErrors(form);
    try {
      const me = await get('/api/v1/psych/me', headers());
      const parts = [h('h2', null, t('psych.trend')), trendTable(me.trend)];
      if (me.state === 'locked') parts.push(h('p', { class: 'alert alert-warn' }, t('psych.locked')));
      else if (me.has_counsellor) parts.push(h('p', null, t('psych.hasCounsellor')));
      else if (me.offer_counsellor) {
        const ask = h('button', { type: 'button', class: 'btn' }, t('psych.request'));
        const msg = h('p', { role: 'status' });
        ask.addEventListener('click', async () => {
          try { await api('POST', '/api/v1/psych/me/request', undefined, headers()); msg.textContent = t('psych.requested'); } catch (err) { replace(msg, errorBox(err)); }
        });
        parts.push(h('div', { class: 'card' }, h('p', null, t('psych.offer')), ask, msg));
      }
      if (me.has_counsellor && me.state !== 'locked') {
        const box = h('section', { class: 'card', 'aria-labelledby': 'psych-my-appts' });
        const drawAppts = async () => {
          const list = await get('/api/v1/psych/me/appointments', headers());
          replace(box, h('h2', { id: 'psych-my-appts' }, t('psych.apptsTitle')),
            apptList(list.items, (a) => {
              const b = h('button', { type: 'button', class: 'btn btn-small' }, t('psych.cancel'));
              b.addEventListener('click', async () => { await api('POST', `/api/v1/psych/me/appointments/${encodeURIComponent(a.id)}/cancel`, undefined, headers()); drawAppts(); });
              return [b];
            }, false),
            await bookForm((body) => post('/api/v1/psych/me/appointments', body, headers()), drawAppts));
        };
        await drawAppts();
        parts.push(box);
      }
      const wmsg = h('p', { role: 'status' });
      const wbtn = (mode) => {
        const b = h('button', { type: 'button', class: 'btn btn-small' }, t(mode === 'delete' ? 'psych.withdrawDelete' : 'psych.withdrawLock'));
        b.addEventListener('click', async () => {
          try {
            await post('/api/v1/psych/me/withdraw', { mode }, headers());
            wmsg.textContent = t(`psych.withdrawn.${mode}`);
          } catch (err) { replace(wmsg, errorBox(err)); }
        });
        return b;
      };
      parts.push(h('section', { class: 'card' }, h('h2', null, t('psych.withdrawTitle')), h('p', null, t('psych.withdrawLead')),
        h('p', { class: 'form-actions' }, wbtn('delete'), ' ', wbtn('lock')), wmsg));
      replace(out, ...parts);
    } catch (err) {
      replace(out);
      showError(form, err instanceof ApiError && err.status === 404 ? new ApiError(404, 'psych_not_found', t('psych.notFound')) : err);
    }
  };
  form.addEventListener('submit', (e) => { e.preventDefault(); load(); });
}

// ---- the counsellor's workbench ----

function needCounsellor(container) {
  if (!session.user) {
    location.replace('#/login?next=' + encodeURIComponent(location.hash.slice(1)));
    return false;
  }
  const ok = session.user && (session.user.roles || []).some((r) => r.role === 'counsellor');
  if (!ok) append(container, h('h1', null, t('notfound.title')), h('p', null, t('notfound.body')));
  return ok;
}

async function renderWork({ container }) {
  if (!needCounsellor(container)) return;
  const alertsBox = h('section', { class: 'section', 'aria-labelledby': 'psych-alerts-h' });
  const clientsBox = h('section', { class: 'section', 'aria-labelledby': 'psych-clients-h' });
  const detail = h('section', { class: 'section', 'aria-live': 'polite' });
  const calBox = h('section', { class: 'section', 'aria-labelledby': 'psych-cal-h' });
  const roomBox = h('section', { class: 'section' });
  append(container, h('h1', null, t('psych.workTitle')), h('p', { class: 'muted small' }, t('psych.notDiagnosis')), alertsBox, clientsBox, detail, calBox, roomBox);

  const loadCalendar = async () => {
    const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
    const r = await get(`/api/v1/psych/appointments?from=${today}`);
    replace(calBox, h('h2', { id: 'psych-cal-h' }, t('psych.calendarTitle')),
      apptList(r.items, (a) => ['done', 'no_show', 'cancelled'].map((st) => {
        const b = h('button', { type: 'button', class: 'btn btn-small' }, t(`psych.mark.${st}`));
        b.addEventListener('click', async () => { await post(`/api/v1/psych/appointments/${encodeURIComponent(a.id)}/status`, { status: st }); loadCalendar(); });
        return b;
      }), true));
  };
  const roomRegion = field(t('psych.roomRegion'), h('input', { type: 'text', name: 'region', inputmode: 'numeric' }), { name: 'region' });
  const roomName = field(t('psych.roomName'), h('input', { type: 'text', name: 'name' }), { name: 'name' });
  const roomMsg = h('p', { role: 'status' });
  const roomForm = h('form', { class: 'card form', novalidate: true }, h('h2', null, t('psych.roomTitle')),
    h('p', { class: 'form-error', hidden: true, role: 'alert' }), roomRegion.wrap, roomName.wrap,
    h('p', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn' }, t('psych.roomAdd'))), roomMsg);
  roomForm.addEventListener('submit', async (e) => {
    e.preventDefault(); clearErrors(roomForm);
    try { await post('/api/v1/psych/rooms', { region: roomRegion.input.value.trim(), name: roomName.input.value.trim() }); roomMsg.textContent = t('psych.saved'); } catch (err) { showError(roomForm, err); }
  });
  append(roomBox, roomForm);

  const loadClients = async () => {
    const r = await get('/api/v1/psych/clients');
    replace(clientsBox, h('h2', { id: 'psych-clients-h' }, t('psych.clientsTitle')),
      r.items.length ? h('ul', { class: 'plain' }, ...r.items.map((p) => {
        const b = h('button', { type: 'button', class: 'btn btn-small' }, (p.contact && (p.contact.name || p.contact.phone)) || p.id.slice(0, 8));
        b.addEventListener('click', () => openClient(p.id));
        return h('li', null, b, ' ', h('span', { class: 'muted small' }, fmtDateTime(p.last_at)));
      })) : h('p', { class: 'muted' }, t('psych.noClients')));
  };

  const openClient = async (id) => {
    const c = await get(`/api/v1/psych/clients/${encodeURIComponent(id)}`);
    const note = field(t('psych.note'), h('textarea', { name: 'note', rows: 4 }), { name: 'note' });
    const noteForm = h('form', { class: 'form', novalidate: true }, h('p', { class: 'form-error', hidden: true, role: 'alert' }), note.wrap,
      h('p', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('psych.addNote'))));
    noteForm.addEventListener('submit', async (e) => {
      e.preventDefault(); clearErrors(noteForm);
      try { await post(`/api/v1/psych/clients/${encodeURIComponent(id)}/sessions`, { note: note.input.value }); openClient(id); } catch (err) { showError(noteForm, err); }
    });
    const clinic = field(t('psych.clinic'), h('input', { type: 'text', name: 'clinic' }), { name: 'clinic' });
    const why = field(t('psych.referReason'), h('input', { type: 'text', name: 'reason' }), { name: 'reason' });
    const refForm = h('form', { class: 'form', novalidate: true }, h('p', { class: 'form-error', hidden: true, role: 'alert' }), clinic.wrap, why.wrap,
      h('p', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn' }, t('psych.addReferral'))));
    refForm.addEventListener('submit', async (e) => {
      e.preventDefault(); clearErrors(refForm);
      try { await post(`/api/v1/psych/clients/${encodeURIComponent(id)}/referrals`, { clinic: clinic.input.value.trim(), reason: why.input.value.trim() || undefined }); openClient(id); } catch (err) { showError(refForm, err); }
    });
    replace(detail, h('h2', null, t('psych.clientTitle')),
      c.contact ? h('p', null, `${t('psych.contact')}: ${[c.contact.name, c.contact.phone].filter(Boolean).join(' ')}`) : null,
      h('h3', null, t('psych.trend')), trendTable(c.trend),
      h('h3', null, t('psych.notes')),
      h('ul', null, ...c.notes.map((n) => h('li', null, h('span', { class: 'muted small' }, fmtDateTime(n.at)), ' ',
        n.kind === 'referral' ? t('psych.referredTo', { clinic: n.clinic }) + (n.reason ? `: ${n.reason}` : '') : n.note))),
      noteForm, refForm,
      await bookForm((body) => post(`/api/v1/psych/clients/${encodeURIComponent(id)}/appointments`, body), () => { loadCalendar(); openClient(id); }));
  };

  const loadAlerts = async () => {
    const r = await get('/api/v1/psych/alerts');
    const items = r.items.map((a) => {
      const ack = h('button', { type: 'button', class: 'btn btn-primary btn-small' }, t('psych.ack'));
      const msg = h('span', { role: 'status' });
      ack.addEventListener('click', async () => {
        try {
          await api('POST', `/api/v1/psych/alerts/${encodeURIComponent(a.id)}/ack`); // no body
          msg.textContent = t('psych.acked');
          ack.disabled = true;
          loadClients();
        } catch (err) { replace(msg, errorBox(err)); }
      });
      return h('li', { class: 'card psych-alert' },
        h('p', null, h('strong', null, t(`psych.kind.${a.kind}`))),
        a.contact ? h('p', null, `${t('psych.contact')}: `, h('a', { href: `tel:${a.contact.phone}` }, a.contact.phone), a.contact.name ? ` ${a.contact.name}` : '') : null,
        h('p', { class: 'muted small' }, t('psych.received', { at: fmtDateTime(a.created_at) })),
        h('p', null, ack, ' ', msg));
    });
    replace(alertsBox, h('h2', { id: 'psych-alerts-h' }, t('psych.alertsTitle')),
      items.length ? h('ul', { class: 'plain' }, ...items) : h('p', { class: 'muted' }, t('psych.noAlerts')));
  };

  try {
    await Promise.all([loadAlerts(), loadClients(), loadCalendar()]);
  } catch (err) {
    append(container, errorBox(err));
  }
  // a new alert must be seen at once: look again every 20 seconds
  const timer = setInterval(() => { loadAlerts().catch(() => {}); }, 20000);
  return () => clearInterval(timer);
}

// ---- statistics ----

function renderStats({ container, query }) {
  if (!needCounsellor(container)) return;
  const region = field(t('psych.region'), h('input', { type: 'text', name: 'region', inputmode: 'numeric', value: query.get('region') || '330681' }), { name: 'region' });
  const form = h('form', { class: 'card form', novalidate: true }, h('p', { class: 'form-error', hidden: true, role: 'alert' }), region.wrap,
    h('p', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('psych.show'))));
  const out = h('section', { 'aria-live': 'polite' });
  append(container, h('h1', null, t('psych.statsTitle')), h('p', { class: 'lead' }, t('psych.statsLead')), form, out);
  const cell = (n, hidden) => (hidden ? t('psych.hidden') : String(n));
  const load = async () => {
    clearErrors(form);
    try {
      const r = await get(`/api/v1/psych/stats?region=${encodeURIComponent(region.input.value.trim())}`);
      replace(out, h('div', { class: 'table-wrap' },
        h('table', { class: 'responsive' },
          h('caption', { class: 'visually-hidden' }, t('psych.statsTitle')),
          h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('psych.township')), h('th', { scope: 'col' }, t('psych.count')))),
          h('tbody', null, ...r.items.map((i) => h('tr', null, h('td', { 'data-label': t('psych.township') }, i.township), h('td', { class: 'num', 'data-label': t('psych.count') }, cell(i.n, i.hidden))))),
          h('tfoot', null, h('tr', null, h('th', { scope: 'row' }, t('psych.total')), h('td', { class: 'num', 'data-label': t('psych.count') }, cell(r.total, r.total_hidden)))))));
    } catch (err) {
      showError(form, err);
    }
  };
  form.addEventListener('submit', (e) => { e.preventDefault(); load(); });
  load();
}

// ---- a mediator's referral ----

const REASONS = ['family_conflict', 'neighbour_dispute', 'bereavement', 'economic_stress', 'work_stress', 'other'];

function renderRefer({ container }) {
  if (!session.user) {
    location.replace('#/login?next=' + encodeURIComponent(location.hash.slice(1)));
    return;
  }
  const name = field(t('psych.referName'), h('input', { type: 'text', name: 'name', autocomplete: 'off' }), { name: 'name' });
  const phone = field(t('psych.callBackPhone'), h('input', { type: 'tel', name: 'phone', inputmode: 'tel', autocomplete: 'off' }), { name: 'phone', required: true });
  const reason = field(t('psych.referCategory'), select(REASONS.map((r) => ({ value: r, label: t(`psych.reason.${r}`) })), { name: 'reason_category' }), { name: 'reason_category' });
  const agree = checkbox('consent', t('psych.referConsent'));
  const done = h('p', { role: 'status' });
  const form = h('form', { class: 'card form', novalidate: true },
    h('p', { class: 'form-error', hidden: true, role: 'alert' }), name.wrap, phone.wrap, reason.wrap, agree.wrap,
    h('p', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('psych.referSend'))), done);
  append(container, h('h1', null, t('psych.referTitle')), h('p', { class: 'lead' }, t('psych.referLead')), form);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    try {
      await post('/api/v1/psych/referrals', { name: name.input.value.trim() || undefined, phone: phone.input.value.trim(), reason_category: reason.input.value, consent: agree.box.checked });
      done.textContent = t('psych.referSent');
      form.reset();
    } catch (err) {
      showError(form, err instanceof ApiError && err.status === 404 ? new ApiError(404, 'psych_refer_mediators', t('psych.referOnly')) : err);
    }
  });
}
