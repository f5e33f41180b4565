// mediation.js - the staff side of an online mediation (在线调解), opened
// from the case page of a case in 调解中: the parties with their consent
// and identity, the mediator's choice and appointment with its deadlines,
// sessions, the shared thread, one caucus per party and the round table,
// offers, the risk flag (人民调解法 art. 25) at the top for everyone who
// handles the case, the end with its reason, then the agreement. The room
// follows what happens live (mediation-parts.js openStream).
import { h, append, replace, field, select } from '../dom.js';
import { t, tc } from '../i18n.js';
import { get, post, errorBox, clearErrors, showError, ApiError, session } from '../api.js';
import { dl, loading, statusBadge } from '../common.js';
import {
  API, END_REASONS, fmtWhen, openStream, liveBadge, messageList, composer, offerForm, offerCard,
  clocks, statusBadgeMed,
} from './mediation-parts.js';
import { agreementSection } from './mediation-agreement.js';

export async function render({ container, params, isCurrent, navigate }) {
  const caseId = params.id;
  append(container, loading());
  let c;
  let m = null;
  try {
    c = await get(`/api/cases/${encodeURIComponent(caseId)}`);
    m = await get(`${API}/cases/${encodeURIComponent(caseId)}/mediation`).catch((err) => {
      if (err instanceof ApiError && err.status === 404) return null;
      throw err;
    });
  } catch (err) {
    if (!isCurrent()) return null;
    replace(container, h('h1', null, t('med.title')), errorBox(err));
    return null;
  }
  if (!isCurrent()) return null;

  const crumbs = h('nav', { class: 'breadcrumb', 'aria-label': t('common.breadcrumb') },
    h('a', { href: '#/cases' }, t('nav.cases')), ' / ',
    h('a', { href: `#/case/${encodeURIComponent(c.id)}` }, h('span', { class: 'code' }, c.tracking_code || String(c.id))), ' / ',
    h('span', null, t('med.title')));
  const title = h('h1', null, t('med.titleOf', { title: c.title || c.tracking_code }));

  if (!m) {
    // No mediation yet: one button opens it with the case's parties.
    const flash = h('div', { role: 'status' });
    const open = h('button', { type: 'button', class: 'btn btn-primary med-open' }, t('med.open'));
    open.addEventListener('click', async () => {
      open.disabled = true;
      try {
        await post(`${API}/cases/${encodeURIComponent(c.id)}/mediation`, {});
        navigate(location.hash);
      } catch (err) {
        open.disabled = false;
        replace(flash, errorBox(err));
      }
    });
    replace(container, crumbs, title, h('p', null, statusBadge(c.status)),
      h('section', { class: 'card' }, h('p', { class: 'lead' }, t('med.openLead')),
        c.status === 'mediating' ? h('p', { class: 'form-actions' }, open) : h('p', { class: 'muted' }, t('med.onlyMediating')),
        flash));
    return null;
  }

  const mid = m.id;
  const base = `${API}/mediations/${encodeURIComponent(mid)}`;
  const risk = h('div', { class: 'med-risk-slot' });
  const flash = h('p', { class: 'flash', role: 'status', 'aria-live': 'polite' });
  const live = liveBadge();
  const overview = h('section', { class: 'card med-overview', 'aria-labelledby': 'med-sec-overview' });
  const partiesCard = h('section', { class: 'card med-parties', 'aria-labelledby': 'med-sec-parties' });
  const mediatorCard = h('section', { class: 'card med-mediator', 'aria-labelledby': 'med-sec-mediator' });
  const sessionsCard = h('section', { class: 'card med-sessions', 'aria-labelledby': 'med-sec-sessions' });
  const threadsCard = h('section', { class: 'card med-threads', 'aria-labelledby': 'med-sec-threads' });
  const offersCard = h('section', { class: 'card med-offers', 'aria-labelledby': 'med-sec-offers' });
  const endCard = h('section', { class: 'card med-end', 'aria-labelledby': 'med-sec-end' });
  const agreementCard = h('section', { class: 'card med-agreement', 'aria-labelledby': 'med-sec-agreement' });

  replace(container, crumbs,
    h('div', { class: 'page-head' }, title, live), risk, flash,
    h('div', { class: 'med-layout' },
      h('div', { class: 'med-main' }, threadsCard, offersCard, agreementCard),
      h('div', { class: 'med-side' }, overview, partiesCard, mediatorCard, sessionsCard, endCard)));

  const messages = [];
  let lastSeq = 0;
  let thread = 'shared';
  let mediators = null;
  let countering = null;

  const partyName = (pid) => {
    const p = (m.parties || []).find((x) => Number(x.id) === Number(pid));
    return p ? p.name : t('med.party');
  };
  const viewer = { staff: true, partyName };

  async function reload() {
    m = await get(base);
    if (isCurrent()) draw();
  }

  async function act(name, body, form, btn) {
    if (btn) btn.disabled = true;
    try {
      await post(`${base}/actions/${name}`, body || {});
      flash.textContent = t('med.done', { what: tc('medAction', name) });
      await reload();
      return true;
    } catch (err) {
      if (form) showError(form, err);
      else replace(flash, errorBox(err));
      if (btn) btn.disabled = false;
      return false;
    }
  }

  function draw() {
    drawRisk();
    drawOverview();
    drawParties();
    drawMediator();
    drawSessions();
    drawThreads();
    drawOffers();
    drawEnd();
    agreementSection(agreementCard, { m, base, staff: true, viewer, flash, reloadRoom: reload, isCurrent });
  }

  // 人民调解法 art. 25: a risk of violence or crime stands above everything.
  function drawRisk() {
    if (!m.risk_flag) { replace(risk); return; }
    replace(risk, h('div', { class: 'banner med-risk', role: 'note' },
      h('strong', null, t('med.riskTitle')), ' ', t('med.riskLine', { at: fmtWhen(m.risk_at) }),
      m.risk_note ? h('div', { class: 'banner-reason' }, m.risk_note) : null,
      m.risk_police_report ? h('div', { class: 'banner-reason' }, t('med.riskPolice'), t('common.colon'), m.risk_police_report) : null));
  }

  function drawOverview() {
    replace(overview, h('h2', { id: 'med-sec-overview' }, t('med.overview')),
      h('p', null, statusBadgeMed(m.status), m.end_reason ? [' ', h('span', { class: 'med-end-reason' }, tc('medEnd', m.end_reason))] : null),
      dl([
        [t('med.case'), c.tracking_code],
        [t('med.mediatorNow'), m.mediator_name || m.mediator || t('med.noMediator')],
        [t('med.sessionKind'), m.session_public ? t('med.public') : t('med.closed')],
        [t('med.timeLimit'), m.time_limit_days ? t('med.days', { n: m.time_limit_days }) : ''],
        ...clocks(m),
      ]));
  }

  function drawParties() {
    const list = h('ul', { class: 'med-party-list' });
    for (const p of m.parties || []) {
      const consent = p.consent ? tc('medConsent', p.consent) : t('med.consentPending');
      const li = h('li', { class: 'med-party', dataset: { party: String(p.id) } },
        h('p', { class: 'med-party-name' }, h('strong', null, p.name), ' ', h('span', { class: 'muted' }, tc('partyRole', p.role, p.role))),
        h('p', { class: 'small' },
          h('span', { class: ['badge', p.consent === 'given' ? 'med-ok' : 'med-wait'] }, consent), ' ',
          p.consent_online ? h('span', { class: 'badge med-ok' }, t('med.consentOnline')) : null, ' ',
          h('span', { class: ['badge', p.verified_at ? 'med-ok' : 'med-wait'] }, p.verified_at ? t('med.verified') : t('med.notVerified')), ' ',
          p.caucus_open ? h('span', { class: 'badge' }, t('med.caucusOpen')) : null, ' ',
          p.roundtable_agree ? h('span', { class: 'badge' }, t('med.roundtableAgreed')) : null),
        p.phone ? h('p', { class: 'small muted' }, t('med.phone'), t('common.colon'), p.phone) : null);
      if (!p.consent && m.status !== 'ended') {
        // consent given in person, recorded by the mediator (art. 17)
        const give = h('button', { type: 'button', class: 'btn btn-small', dataset: { consent: String(p.id) } }, t('med.recordConsent'));
        give.addEventListener('click', () => act('consent', { party: p.id, consent: 'given' }, null, give));
        li.appendChild(h('p', null, give));
      }
      if (p.consent === 'given' && !p.caucus_open && m.status !== 'ended') {
        const cau = h('button', { type: 'button', class: 'btn btn-small' }, t('med.askCaucus'));
        cau.addEventListener('click', () => act('caucus', { party: p.id, open: true }, null, cau));
        li.appendChild(h('p', null, cau));
      }
      list.appendChild(li);
    }
    const allAgree = (m.parties || []).length > 0 && (m.parties || []).every((p) => p.roundtable_agree);
    const rt = m.status === 'ended' ? null : h('button', { type: 'button', class: 'btn btn-small', 'aria-pressed': String(Boolean(m.roundtable_open)) },
      m.roundtable_open ? t('med.roundtableClose') : t('med.roundtableOpen'));
    if (rt) {
      rt.disabled = !m.roundtable_open && !allAgree;
      rt.addEventListener('click', () => act('roundtable', { open: !m.roundtable_open }, null, rt));
    }
    replace(partiesCard, h('h2', { id: 'med-sec-parties' }, t('med.parties')), list,
      rt ? h('p', null, rt, allAgree || m.roundtable_open ? null : h('span', { class: 'muted small' }, ' ', t('med.roundtableNeeds'))) : null);
  }

  async function drawMediator() {
    const head = h('h2', { id: 'med-sec-mediator' }, t('med.mediator'));
    const parts = [head];
    if (m.mediator) {
      parts.push(h('p', null, t('med.mediatorIs', { name: m.mediator_name || m.mediator }),
        m.chosen_by ? h('span', { class: 'muted' }, ' ', tc('medChosenBy', m.chosen_by)) : null));
    } else if (m.proposed_mediator) {
      parts.push(h('p', null, t('med.proposed', { name: m.proposed_mediator_name || m.proposed_mediator }),
        m.accept_due ? h('span', { class: 'muted' }, ' ', t('med.acceptBy', { at: fmtWhen(m.accept_due) })) : null));
      if (session.user && session.user.username === m.proposed_mediator) {
        const yes = h('button', { type: 'button', class: 'btn btn-primary btn-small' }, t('med.acceptAppointment'));
        const no = h('button', { type: 'button', class: 'btn btn-small' }, t('med.declineAppointment'));
        yes.addEventListener('click', () => act('accept', {}, null, yes));
        no.addEventListener('click', () => act('decline', {}, null, no));
        parts.push(h('p', { class: 'form-actions' }, yes, no));
      }
    } else if (m.choice_due) {
      parts.push(h('p', null, t('med.choiceBy', { at: fmtWhen(m.choice_due) })));
    }
    if (!m.mediator && m.status !== 'ended') parts.push(chooseForm());
    replace(mediatorCard, ...parts);
  }

  // The parties' choice (art. 23) or, after 2 working days, the committee's
  // appointment: one list of the committee's published mediators.
  function chooseForm() {
    const sel = select([{ value: '', label: t('common.choose') }], { name: 'mediator' });
    const fl = field(t('med.pickMediator'), sel, { name: 'mediator', required: true });
    const by = select([{ value: 'choose', label: t('med.byParties') }, { value: 'appoint', label: t('med.byCommittee') }], { name: 'how' });
    const how = field(t('med.pickHow'), by, { name: 'how' });
    const info = h('div', { class: 'med-mediator-info', 'aria-live': 'polite' });
    const btn = h('button', { type: 'submit', class: 'btn btn-primary' }, t('med.pickSubmit'));
    const form = h('form', { class: 'form med-choose', novalidate: true },
      h('p', { class: 'form-error', hidden: true, role: 'alert' }), fl.wrap, how.wrap, info, h('p', { class: 'form-actions' }, btn));
    const fill = (items) => {
      for (const u of items) sel.appendChild(h('option', { value: u.username }, u.display_name || u.name || u.username));
    };
    if (mediators) fill(mediators);
    else {
      get(`${API}/mediators?region=${encodeURIComponent(c.unit_region || c.region || '')}`).then((r) => {
        mediators = r.items || [];
        fill(mediators);
      }).catch(() => { mediators = []; });
    }
    sel.addEventListener('change', () => {
      const u = (mediators || []).find((x) => x.username === sel.value);
      replace(info, u ? h('p', { class: 'small muted' }, [u.committee, u.specialties, u.languages].filter(Boolean).join(' · ')) : null);
    });
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(form);
      if (!sel.value) { showError(form, new ApiError(400, 'required', '', 'mediator')); return; }
      await act(by.value, { mediator: sel.value }, form, btn);
    });
    return form;
  }

  function drawSessions() {
    const list = h('ul', { class: 'med-session-list' });
    for (const s of m.sessions || []) {
      list.appendChild(h('li', null, h('strong', null, fmtWhen(s.starts_at)), ' ', tc('medMode', s.mode), s.place ? ` · ${s.place}` : ''));
    }
    if (!(m.sessions || []).length) list.appendChild(h('li', { class: 'muted' }, t('med.noSessions')));
    replace(sessionsCard, h('h2', { id: 'med-sec-sessions' }, t('med.sessions')), list,
      m.status === 'ended' ? null : sessionForm());
  }

  function sessionForm() {
    const mode = select([{ value: 'online', label: tc('medMode', 'online') }, { value: 'in_person', label: tc('medMode', 'in_person') }], { name: 'mode' });
    const at = h('input', { type: 'datetime-local', name: 'starts_at' });
    const place = h('input', { type: 'text', name: 'place', maxlength: '200' });
    const btn = h('button', { type: 'submit', class: 'btn' }, t('med.schedule'));
    const placeField = field(t('med.place'), place, { name: 'place' });
    const form = h('form', { class: 'form med-session-form', novalidate: true },
      h('p', { class: 'form-error', hidden: true, role: 'alert' }),
      field(t('med.mode'), mode, { name: 'mode' }).wrap,
      field(t('med.startsAt'), at, { name: 'starts_at', required: true }).wrap,
      placeField.wrap, h('p', { class: 'form-actions' }, btn));
    const sync = () => { placeField.wrap.hidden = mode.value !== 'in_person'; };
    mode.addEventListener('change', sync);
    sync();
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(form);
      if (!at.value) { showError(form, new ApiError(400, 'required', '', 'starts_at')); return; }
      // the input is Beijing time, as everything on the page
      const startsAt = Math.floor(new Date(at.value + ':00+08:00').getTime() / 1000);
      const body = { mode: mode.value, starts_at: startsAt };
      if (mode.value === 'in_person') {
        if (!place.value.trim()) { showError(form, new ApiError(400, 'required', '', 'place')); return; }
        body.place = place.value.trim();
      }
      btn.disabled = true;
      try {
        await post(`${base}/sessions`, body);
        await reload();
      } catch (err) {
        showError(form, err);
        btn.disabled = false;
      }
    });
    return form;
  }

  // Threads: the shared one, a caucus per party (open with that party's
  // consent) and the round table when it is open.
  function threadKeys() {
    const keys = [{ key: 'shared', label: t('med.thread.shared') }];
    for (const p of m.parties || []) {
      if (p.caucus_open) keys.push({ key: `caucus:${p.id}`, label: t('med.thread.caucusWith', { name: p.name }) });
    }
    if (m.roundtable_open) keys.push({ key: 'roundtable', label: t('med.thread.roundtable') });
    return keys;
  }

  function msgThread(msg) {
    if (msg.thread === 'caucus') return `caucus:${msg.party ?? msg.caucus_party ?? msg.party_id}`;
    return msg.thread || 'shared';
  }

  function drawThreads() {
    const keys = threadKeys();
    if (!keys.some((k) => k.key === thread)) thread = 'shared';
    const current = keys.find((k) => k.key === thread);
    const tabs = h('div', { class: 'med-tabs', role: 'group', 'aria-label': t('med.threads') },
      keys.map((k) => {
        const n = messages.filter((x) => msgThread(x) === k.key).length;
        return h('button', { type: 'button', class: 'btn btn-small med-tab', 'aria-pressed': String(k.key === thread), dataset: { thread: k.key },
          onclick: () => { thread = k.key; drawThreads(); threadsCard.querySelector(`[data-thread="${CSS.escape(k.key)}"]`).focus(); } },
        k.label, n ? h('span', { class: 'med-count' }, ` (${n})`) : null);
      }));
    const msgs = messages.filter((x) => msgThread(x) === thread);
    const send = async (body) => {
      const b = { body };
      if (thread.startsWith('caucus:')) { b.thread = 'caucus'; b.party = Number(thread.slice(7)); } else b.thread = thread;
      await post(`${base}/messages`, b);
    };
    // a message arriving replaces the tabs and the list, never the box
    // where one is being typed
    const list = messageList(msgs, viewer, current.label);
    const shape = `${thread}|${m.status === 'ended'}|${keys.length}`;
    const oldList = threadsCard.querySelector('.med-messages');
    if (oldList && threadsCard.dataset.shape === shape) {
      const focused = document.activeElement && document.activeElement.closest('.med-tabs') ? document.activeElement.dataset.thread : null;
      threadsCard.querySelector('.med-tabs').replaceWith(tabs);
      if (focused) tabs.querySelector(`[data-thread="${CSS.escape(focused)}"]`).focus();
      oldList.replaceWith(list);
    } else {
      threadsCard.dataset.shape = shape;
      replace(threadsCard, h('h2', { id: 'med-sec-threads' }, t('med.threads')), tabs,
        thread.startsWith('caucus:') ? h('p', { class: 'muted small med-caucus-note' }, t('med.caucusNote')) : null,
        list, m.status === 'ended' ? null : composer(t('med.messageTo', { thread: current.label }), send));
    }
    list.scrollTop = list.scrollHeight;
  }

  function drawOffers() {
    const offers = [...(m.offers || [])].sort((a, b) => (b.id || 0) - (a.id || 0));
    const list = h('ol', { class: 'med-offer-list', reversed: true });
    for (const o of offers) list.appendChild(offerCard(o, viewer, null));
    if (!offers.length) list.appendChild(h('li', { class: 'muted' }, t('med.noOffers')));
    const propose = m.status === 'ended' ? null : h('button', { type: 'button', class: 'btn', 'aria-expanded': String(countering !== null) }, t('med.propose'));
    const slot = h('div');
    if (propose) {
      propose.addEventListener('click', () => {
        countering = countering === null ? {} : null;
        drawOffers();
      });
    }
    if (countering !== null) {
      replace(slot, offerForm(t('med.propose'), async (terms) => {
        await post(`${base}/offers`, { terms });
        countering = null;
        await reload();
      }, null, () => { countering = null; drawOffers(); }));
    }
    replace(offersCard, h('h2', { id: 'med-sec-offers' }, t('med.offers')),
      h('p', { class: 'muted small' }, t('med.offersNote')), list, propose ? h('p', null, propose) : null, slot);
  }

  // The end, with a reason from the closed list; the extension needs both
  // parties' consent (recorded here by the mediator); the risk flag.
  function drawEnd() {
    if (m.status === 'ended') {
      replace(endCard, h('h2', { id: 'med-sec-end' }, t('med.ended')),
        h('p', null, tc('medEnd', m.end_reason)), m.end_note ? h('p', { class: 'muted' }, m.end_note) : null,
        h('p', null, h('a', { href: `#/case/${encodeURIComponent(c.id)}`, class: 'btn' }, t('med.nextStep'))));
      return;
    }
    const reason = select([{ value: '', label: t('common.choose') }, ...END_REASONS.map((r) => ({ value: r, label: tc('medEnd', r) }))], { name: 'reason' });
    const note = h('textarea', { name: 'note', rows: '2', maxlength: '2000' });
    const endBtn = h('button', { type: 'submit', class: 'btn btn-danger' }, t('med.endSubmit'));
    const endForm = h('form', { class: 'form med-end-form', novalidate: true },
      h('p', { class: 'form-error', hidden: true, role: 'alert' }),
      field(t('med.endReason'), reason, { name: 'reason', required: true }).wrap,
      field(t('med.endNote'), note, { name: 'note' }).wrap, h('p', { class: 'form-actions' }, endBtn));
    endForm.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(endForm);
      if (!reason.value) { showError(endForm, new ApiError(400, 'required', '', 'reason')); return; }
      const body = { reason: reason.value };
      if (note.value.trim()) body.note = note.value.trim();
      await act('end', body, endForm, endBtn);
    });

    const days = h('input', { type: 'number', name: 'days', min: '1', max: '30', value: '15', inputmode: 'numeric' });
    const extBtn = h('button', { type: 'submit', class: 'btn' }, t('med.extend'));
    const extForm = h('form', { class: 'form med-extend-form', novalidate: true },
      h('p', { class: 'form-error', hidden: true, role: 'alert' }), h('p', { class: 'muted small' }, t('med.extendNote')),
      field(t('med.extendDays'), days, { name: 'days' }).wrap, h('p', { class: 'form-actions' }, extBtn));
    extForm.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(extForm);
      await act('extend', { days: Number(days.value) }, extForm, extBtn);
    });

    const rnote = h('textarea', { name: 'note', rows: '2', maxlength: '2000' });
    const police = h('input', { type: 'text', name: 'police_report', maxlength: '200' });
    const riskBtn = h('button', { type: 'submit', class: 'btn btn-danger' }, t('med.flagRisk'));
    const riskForm = h('form', { class: 'form med-risk-form', novalidate: true },
      h('p', { class: 'form-error', hidden: true, role: 'alert' }), h('p', { class: 'muted small' }, t('med.riskHelp')),
      field(t('med.riskNote'), rnote, { name: 'note', required: true }).wrap,
      field(t('med.riskPolice'), police, { name: 'police_report' }).wrap, h('p', { class: 'form-actions' }, riskBtn));
    riskForm.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(riskForm);
      if (!rnote.value.trim()) { showError(riskForm, new ApiError(400, 'required', '', 'note')); return; }
      const body = { note: rnote.value.trim() };
      if (police.value.trim()) body.police_report = police.value.trim();
      await act('flag_risk', body, riskForm, riskBtn);
    });
    replace(endCard, h('h2', { id: 'med-sec-end' }, t('med.endTitle')),
      h('details', { class: 'med-more' }, h('summary', null, t('med.extend')), extForm),
      m.risk_flag ? null : h('details', { class: 'med-more' }, h('summary', null, t('med.flagRisk')), riskForm),
      h('details', { class: 'med-more' }, h('summary', null, t('med.endSubmit')), endForm));
  }

  // The room's events so far (messages and everything else), then live.
  function take(ev) {
    if (ev.seq && ev.seq <= lastSeq) return false;
    if (ev.seq) lastSeq = ev.seq;
    if (ev.kind === 'message') messages.push({ ...(ev.data || {}), seq: ev.seq, created_at: (ev.data && ev.data.created_at) || ev.created_at });
    return true;
  }
  try {
    const r = await get(`${base}/events?after=0`);
    for (const e of r.items || r.events || []) take({ seq: Number(e.seq || e.id), kind: e.kind, data: typeof e.data === 'string' ? JSON.parse(e.data) : e.data, created_at: e.created_at });
  } catch (err) {
    replace(flash, errorBox(err));
  }
  if (!isCurrent()) return null;
  draw();

  let pending = null;
  const stop = openStream(`${base}/stream`, lastSeq, (ev) => {
    if (!take(ev)) return;
    if (ev.kind === 'message') { drawThreads(); return; }
    // anything else changes the room: read it again (once per burst)
    if (!pending) pending = Promise.resolve().then(() => reload()).catch(() => {}).finally(() => { pending = null; });
  }, (state) => live.set(state));
  return stop;
}


/**
 * For the case page: the way into the room (在线调解) of a case in 调解中
 * or with a mediation, and the risk flag (art. 25) in front of everyone
 * handling the case. Asks the server nothing (a case without a mediation
 * would answer 404): it reads what the case itself carries.
 */
export function caseMediationLink(c) {
  const m = c.mediation || null;
  if (!m && c.status !== 'mediating') return null;
  const href = `#/case/${encodeURIComponent(c.id)}/mediation`;
  return h('div', { class: 'case-mediation' },
    m && m.risk_flag ? h('div', { class: 'banner med-risk', role: 'note' }, h('strong', null, t('med.riskTitle')), ' ',
      t('med.riskLine', { at: fmtWhen(m.risk_at) })) : null,
    h('p', { class: 'case-risk-link' }, h('a', { class: 'btn btn-primary med-enter', href }, t(m ? 'med.enter' : 'med.enterNew')),
      m && m.status ? [' ', statusBadgeMed(m.status)] : null));
}
