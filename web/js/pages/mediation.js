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
  API, fmtWhen, openStream, replay, liveBadge, messageList, composer, offerForm, offerCard,
  clocks, statusBadgeMed, mediatorSpecialties, mediatorLanguages,
} from './mediation-parts.js';
import { agreementSection, agreementChanged } from './mediation-agreement.js';
import { drawDocs, docsBox } from './mediation-docs.js';

// The end reasons a mediator gives by hand (service: mediation_end_reason_
// manual); the rest of the closed list follows from what happens.
const END_MANUAL = ['no_agreement', 'referred', 'unreachable', 'risk_of_crime', 'oral_agreement'];

// The link tokens of a mediation just opened: the server shows them once
// (each is also texted to the party's phone).
let freshLinks = null;

export async function render({ container, params, isCurrent, navigate }) {
  const caseId = params.id;
  append(container, loading());
  let c;
  let m = null;
  try {
    c = await get(`/api/cases/${encodeURIComponent(caseId)}`);
    // the case names its latest mediation ({id, status, risk_flag})
    if (c.mediation) m = await get(`${API}/mediations/${encodeURIComponent(c.mediation.id)}`);
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
        const r = await post(`${API}/cases/${encodeURIComponent(c.id)}/mediation`, {});
        freshLinks = { id: r.id, links: r.links || [] };
        navigate(location.hash);
      } catch (err) {
        open.disabled = false;
        fail(err);
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
  agreementChanged(base);
  const links = freshLinks && freshLinks.id === mid ? freshLinks.links : [];
  freshLinks = null;
  const risk = h('div', { class: 'med-risk-slot' });
  const flash = h('div', { class: 'flash', role: 'status', 'aria-live': 'polite' });
  // a failure stands apart from the last success (and replaces it)
  const alerts = h('div', { class: 'med-alerts' });
  const fail = (err) => { flash.textContent = ''; replace(alerts, errorBox(err)); };
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
    h('div', { class: 'page-head' }, title, live), risk, flash, alerts,
    links.length ? linksBox(links) : null,
    h('div', { class: 'med-layout' },
      h('div', { class: 'med-main' }, threadsCard, offersCard, agreementCard),
      h('div', { class: 'med-side' }, overview, partiesCard, mediatorCard, sessionsCard, endCard)));
  import('./case-adviser.js').then((mod) => mod.mountAdviser(container.querySelector('.med-side'), c)); // 法律顾问 (issue 18)

  const messages = [];
  let lastSeq = 0;
  let thread = 'shared';
  let mediators = null;
  let proposing = false;

  const partyName = (pid) => {
    const p = (m.parties || []).find((x) => Number(x.id) === Number(pid));
    return p ? p.name : t('med.party');
  };
  // a mediator by display name, once the committee's list is in
  const mediatorName = (username) => {
    const u = (mediators || []).find((x) => x.username === username);
    return u && u.display_name ? u.display_name : username;
  };
  const loadMediators = () => get(`${API}/mediators?region=${encodeURIComponent(m.unit_region || c.unit_region || c.region)}`)
    .then((r) => { mediators = r.items || []; return mediators; });
  const viewer = { username: session.user && session.user.username, partyName };
  const ended = () => m.status === 'ended';
  const active = () => m.status === 'active';

  async function reload() {
    m = await get(base);
    if (isCurrent()) draw();
  }

  // Every write answers with the room as it now is.
  async function write(path, body) {
    const room = await post(`${base}${path}`, body || {});
    if (room && room.id === mid) m = room;
    else m = await get(base);
    if (isCurrent()) draw();
    return room;
  }

  async function act(name, body, form, btn) {
    if (btn) btn.disabled = true;
    try {
      await write(`/actions/${name}`, body);
      replace(alerts);
      flash.textContent = t('med.done', { what: tc('medAction', name) });
      return true;
    } catch (err) {
      if (form) showError(form, err);
      else fail(err);
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
    agreementSection(agreementCard, { m, base, staff: true, flash, isCurrent });
  }

  // The links shown once after opening, for a party without a phone (the
  // mediator hands it over in person).
  function linksBox(list) {
    return h('section', { class: 'card med-links', 'aria-labelledby': 'med-sec-links' },
      h('h2', { id: 'med-sec-links' }, t('med.linksTitle')), h('p', { class: 'muted small' }, t('med.linksNote')),
      h('ul', null, list.map((l) => h('li', null, h('strong', null, l.name), t('common.colon'),
        h('span', { class: 'code' }, `${location.origin}/#/room/${l.token}`)))));
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
        [t('med.mediatorNow'), m.mediator ? mediatorName(m.mediator) : t('med.noMediator')],
        [t('med.sessionKind'), m.session_public ? t('med.public') : t('med.closed')],
        [t('med.timeLimit'), m.time_limit_days ? t('med.days', { n: m.time_limit_days }) : ''],
        ...clocks(m),
      ]));
  }

  function drawParties() {
    const list = h('ul', { class: 'med-party-list' });
    for (const p of m.parties || []) {
      const badge = (ok, yes, no) => h('span', { class: ['badge', ok ? 'med-ok' : 'med-wait'] }, ok ? yes : no);
      const li = h('li', { class: 'med-party', dataset: { party: String(p.id) } },
        h('p', { class: 'med-party-name' }, h('strong', null, p.name), ' ', h('span', { class: 'muted' }, tc('partyRole', p.role, p.role))),
        h('p', { class: 'small' },
          p.consent ? h('span', { class: ['badge', p.consent === 'given' ? 'med-ok' : 'med-late'] }, tc('medConsent', p.consent))
            : badge(false, '', t('med.consentPending')), ' ',
          p.consent_online ? [badge(true, t('med.consentOnline')), ' '] : null,
          badge(p.verified_at, t('med.verified'), t('med.notVerified')), ' ',
          p.caucus_open ? [h('span', { class: 'badge' }, t('med.caucusOpen')), ' '] : null,
          p.roundtable_agree ? [h('span', { class: 'badge' }, t('med.roundtableAgreed')), ' '] : null,
          p.extend_agree ? [h('span', { class: 'badge' }, t('med.extendAgreed')), ' '] : null,
          p.wants_public ? h('span', { class: 'badge' }, t('med.wantsPublic')) : null),
        p.phone ? h('p', { class: 'small muted' }, t('med.phone'), t('common.colon'), p.phone) : null);
      const buttons = h('p', { class: 'form-actions' });
      const button = (label, name, body) => {
        const b = h('button', { type: 'button', class: 'btn btn-small' }, label);
        b.addEventListener('click', () => act(name, body, null, b));
        buttons.appendChild(b);
      };
      // what a party said in person or by phone, recorded by the mediator
      if (!p.consent && !ended()) button(t('med.recordConsent'), 'consent', { party: p.id, consent: 'given', online: true });
      if (p.consent === 'given' && !p.caucus_open && active()) button(t('med.askCaucus'), 'caucus', { party: p.id, open: true, party_consent: true });
      if (p.caucus_open && active()) button(t('med.closeCaucus'), 'caucus', { party: p.id, open: false });
      if (active() && !p.extend_agree) button(t('med.recordExtend'), 'extend', { party: p.id });
      if (!ended()) {
        // a new link (the old one stops working), texted and shown this once
        const b = h('button', { type: 'button', class: 'btn btn-small' }, t('med.sendLink'));
        b.addEventListener('click', async () => {
          b.disabled = true;
          try {
            const room = await write('/actions/link', { party: p.id });
            if (room && room.token) {
              replace(flash, t('med.newLink', { name: p.name }), ' ', h('span', { class: 'code' }, `${location.origin}/#/room/${room.token}`));
            }
          } catch (err) {
            b.disabled = false;
            fail(err);
          }
        });
        buttons.appendChild(b);
      }
      if (buttons.childNodes.length) li.appendChild(buttons);
      list.appendChild(li);
    }
    const allAgree = (m.parties || []).length > 0 && (m.parties || []).every((p) => p.roundtable_agree);
    let rt = null;
    if (active()) {
      rt = h('button', { type: 'button', class: 'btn btn-small', 'aria-pressed': String(Boolean(m.roundtable_open)) },
        m.roundtable_open ? t('med.roundtableClose') : t('med.roundtableOpen'));
      rt.disabled = !m.roundtable_open && !allAgree;
      rt.addEventListener('click', () => act('roundtable', { open: !m.roundtable_open }, null, rt));
    }
    replace(partiesCard, h('h2', { id: 'med-sec-parties' }, t('med.parties')), list,
      rt ? h('p', null, rt, allAgree || m.roundtable_open ? null : h('span', { class: 'muted small' }, ' ', t('med.roundtableNeeds'))) : null);
  }

  function drawMediator() {
    const parts = [h('h2', { id: 'med-sec-mediator' }, t('med.mediator'))];
    if (m.mediator) {
      parts.push(h('p', null, t('med.mediatorIs', { name: mediatorName(m.mediator) }),
        m.chosen_by ? h('span', { class: 'muted' }, ' ', tc('medChosenBy', m.chosen_by)) : null));
    } else if (m.status === 'proposed') {
      parts.push(h('p', { class: 'muted' }, t('med.waitConsent')));
    } else if (m.status === 'appointed') {
      parts.push(h('p', null, t('med.proposed', { name: mediatorName(m.proposed_mediator) }), ' ',
        h('span', { class: 'muted' }, tc('medChosenBy', m.chosen_by), ' ', t('med.acceptBy', { at: fmtWhen(m.accept_due) }))));
      if (session.user && session.user.username === m.proposed_mediator) {
        const yes = h('button', { type: 'button', class: 'btn btn-primary btn-small' }, t('med.acceptAppointment'));
        const no = h('button', { type: 'button', class: 'btn btn-small' }, t('med.declineAppointment'));
        yes.addEventListener('click', () => act('accept', {}, null, yes));
        no.addEventListener('click', () => act('decline', {}, null, no));
        parts.push(h('p', { class: 'form-actions' }, yes, no));
      }
    } else if (m.status === 'choosing') {
      const open = Date.now() / 1000 <= Number(m.choice_due);
      parts.push(h('p', null, open ? t('med.choiceBy', { at: fmtWhen(m.choice_due) }) : t('med.choicePassed')));
      const chosen = (m.parties || []).filter((p) => p.choice);
      if (chosen.length) parts.push(h('ul', { class: 'small' }, chosen.map((p) => h('li', null, t('med.partyChose', { party: p.name, name: mediatorName(p.choice) })))));
      parts.push(chooseForm(open));
    }
    replace(mediatorCard, ...parts);
  }

  // The parties choose (art. 19), each in their room or through the
  // mediator; once the time has passed the committee appoints.
  function chooseForm(open) {
    const sel = select([{ value: '', label: t('common.choose') }], { name: 'mediator' });
    const fl = field(t('med.pickMediator'), sel, { name: 'mediator', required: true });
    const how = select([
      ...(open ? (m.parties || []).map((p) => ({ value: `choose:${p.id}`, label: t('med.recordChoice', { party: p.name }) })) : []),
      ...(open ? [] : [{ value: 'appoint', label: t('med.byCommittee') }]),
    ], { name: 'how' });
    const info = h('div', { class: 'med-mediator-info', 'aria-live': 'polite' });
    const btn = h('button', { type: 'submit', class: 'btn btn-primary' }, t('med.pickSubmit'));
    const form = h('form', { class: 'form med-choose', novalidate: true },
      h('p', { class: 'form-error', hidden: true, role: 'alert' }), fl.wrap,
      field(t('med.pickHow'), how, { name: 'how' }).wrap, info, h('p', { class: 'form-actions' }, btn));
    const fill = (items) => {
      for (const u of items) sel.appendChild(h('option', { value: u.username }, [u.display_name || u.username, u.committee].filter(Boolean).join(' · ')));
      if (!items.length) replace(info, h('p', { class: 'muted small' }, t('med.noMediators')));
    };
    if (mediators) fill(mediators);
    else {
      loadMediators().then(fill).catch((err) => { mediators = null; replace(info, errorBox(err)); });
    }
    sel.addEventListener('change', () => {
      const u = (mediators || []).find((x) => x.username === sel.value);
      replace(info, u ? h('p', { class: 'small muted' }, [u.committee, mediatorSpecialties(u), mediatorLanguages(u)].filter(Boolean).join(' · ')) : null);
    });
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(form);
      if (!sel.value) { showError(form, new ApiError(400, 'required', '', 'mediator')); return; }
      if (how.value === 'appoint') await act('appoint', { mediator: sel.value }, form, btn);
      else await act('choose', { mediator: sel.value, party: Number(how.value.slice(7)) }, form, btn);
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
      active() ? sessionForm() : null);
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
      const body = { mode: mode.value, starts_at: Math.floor(new Date(`${at.value}:00+08:00`).getTime() / 1000) };
      if (mode.value === 'in_person') {
        if (!place.value.trim()) { showError(form, new ApiError(400, 'required', '', 'place')); return; }
        body.place = place.value.trim();
      }
      btn.disabled = true;
      try {
        await write('/sessions', body);
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
      if (p.caucus_open || messages.some((x) => msgThread(x) === `caucus:${p.id}`)) {
        keys.push({ key: `caucus:${p.id}`, label: t('med.thread.caucusWith', { name: p.name }), open: Boolean(p.caucus_open) });
      }
    }
    if (m.roundtable_open || messages.some((x) => x.thread === 'roundtable')) {
      keys.push({ key: 'roundtable', label: t('med.thread.roundtable'), open: Boolean(m.roundtable_open) });
    }
    keys[0].open = true;
    return keys;
  }

  function msgThread(msg) {
    return msg.thread === 'caucus' ? `caucus:${msg.party}` : (msg.thread || 'shared');
  }

  // the current thread's files (文件与证据), redrawn on a "document" event
  const docsEl = docsBox();
  function drawThreadDocs() {
    const caucus = thread.startsWith('caucus:');
    drawDocs(docsEl, { url: `${base}/documents`, thread: caucus ? 'caucus' : thread,
      party: caucus ? Number(thread.slice(7)) : 0, canUpload: active() && Boolean((threadKeys().find((k) => k.key === thread) || {}).open) });
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
    const canWrite = active() && current.open;
    // a message arriving replaces the tabs and the list, never the box
    // where one is being typed
    const list = messageList(msgs, viewer, current.label);
    const shape = `${thread}|${canWrite}`;
    const oldList = threadsCard.querySelector('.med-messages');
    if (oldList && threadsCard.dataset.shape === shape) {
      const focused = document.activeElement && document.activeElement.closest('.med-tabs') ? document.activeElement.dataset.thread : null;
      threadsCard.querySelector('.med-tabs').replaceWith(tabs);
      oldList.replaceWith(list);
      if (focused) tabs.querySelector(`[data-thread="${CSS.escape(focused)}"]`).focus();
    } else {
      threadsCard.dataset.shape = shape;
      replace(threadsCard, h('h2', { id: 'med-sec-threads' }, t('med.threads')), tabs,
        thread.startsWith('caucus:') ? h('p', { class: 'muted small med-caucus-note' }, t('med.caucusNote')) : null,
        list, canWrite ? composer(t('med.messageTo', { thread: current.label }), send)
          : h('p', { class: 'muted small' }, t(active() ? 'med.threadClosed' : 'med.roomNotOpen')), docsEl);
      drawThreadDocs();
    }
    list.scrollTop = list.scrollHeight;
  }

  function drawOffers() {
    const offers = [...(m.offers || [])].sort((a, b) => (b.version || 0) - (a.version || 0));
    const list = h('ol', { class: 'med-offer-list' });
    for (const o of offers) list.appendChild(offerCard(o, viewer, null));
    if (!offers.length) list.appendChild(h('li', { class: 'muted' }, t('med.noOffers')));
    let propose = null;
    const slot = h('div');
    if (active()) {
      propose = h('button', { type: 'button', class: 'btn', 'aria-expanded': String(proposing) }, t('med.propose'));
      propose.addEventListener('click', () => {
        proposing = !proposing;
        drawOffers();
        if (proposing) offersCard.querySelector('.med-offer-form input').focus();
      });
    }
    if (proposing) {
      replace(slot, offerForm(t('med.propose'), async (terms) => {
        proposing = false;
        await write('/offers', { terms });
      }, null, () => { proposing = false; drawOffers(); }));
    }
    replace(offersCard, h('h2', { id: 'med-sec-offers' }, t('med.offers')),
      h('p', { class: 'muted small' }, t('med.offersNote')), list, propose ? h('p', null, propose) : null, slot);
  }

  // The end, with a reason the mediator may give (the others follow from
  // what the parties do); the extension, once every party agreed; the risk
  // flag with the report to the police (art. 25).
  function drawEnd() {
    if (ended()) {
      replace(endCard, h('h2', { id: 'med-sec-end' }, t('med.ended')),
        h('p', null, tc('medEnd', m.end_reason)), m.end_note ? h('p', { class: 'muted' }, m.end_note) : null,
        h('p', { class: 'form-actions' }, h('a', { href: `#/case/${encodeURIComponent(c.id)}`, class: 'btn' }, t('med.nextStep')),
          c.status === 'mediating' ? reopenButton() : null));
      return;
    }
    const reason = select([{ value: '', label: t('common.choose') }, ...END_MANUAL.map((r) => ({ value: r, label: tc('medEnd', r) }))], { name: 'reason' });
    const note = h('textarea', { name: 'note', rows: '2', maxlength: '500' });
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

    let extForm = null;
    if (active()) {
      const days = h('input', { type: 'number', name: 'days', min: '1', max: '60', value: '15', inputmode: 'numeric' });
      const extBtn = h('button', { type: 'submit', class: 'btn' }, t('med.extend'));
      extForm = h('form', { class: 'form med-extend-form', novalidate: true },
        h('p', { class: 'form-error', hidden: true, role: 'alert' }), h('p', { class: 'muted small' }, t('med.extendNote')),
        field(t('med.extendDays'), days, { name: 'days' }).wrap, h('p', { class: 'form-actions' }, extBtn));
      extForm.addEventListener('submit', async (e) => {
        e.preventDefault();
        clearErrors(extForm);
        await act('extend', { days: Number(days.value) }, extForm, extBtn);
      });
    }

    const rnote = h('textarea', { name: 'note', rows: '2', maxlength: '500' });
    const police = h('input', { type: 'text', name: 'police_report', maxlength: '500' });
    const riskBtn = h('button', { type: 'submit', class: 'btn btn-danger' }, t('med.flagRisk'));
    const riskForm = h('form', { class: 'form med-risk-form', novalidate: true },
      h('p', { class: 'form-error', hidden: true, role: 'alert' }), h('p', { class: 'muted small' }, t('med.riskHelp')),
      field(t('med.riskNote'), rnote, { name: 'note', required: true }).wrap,
      field(t('med.riskPolice'), police, { name: 'police_report', required: true, hint: t('med.riskPoliceHint'), hintId: 'med-police-hint' }).wrap,
      h('p', { class: 'form-actions' }, riskBtn));
    riskForm.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(riskForm);
      if (!rnote.value.trim()) { showError(riskForm, new ApiError(400, 'required', '', 'note')); return; }
      if (!police.value.trim()) { showError(riskForm, new ApiError(400, 'required', '', 'police_report')); return; }
      await act('flag_risk', { note: rnote.value.trim(), police_report: police.value.trim() }, riskForm, riskBtn);
    });
    replace(endCard, h('h2', { id: 'med-sec-end' }, t('med.endTitle')),
      extForm ? h('details', { class: 'med-more' }, h('summary', null, t('med.extend')), extForm) : null,
      m.risk_flag ? null : h('details', { class: 'med-more' }, h('summary', null, t('med.flagRisk')), riskForm),
      h('details', { class: 'med-more' }, h('summary', null, t('med.endSubmit')), endForm));
  }

  // A case still in 调解中 may be mediated again (one open mediation at a time).
  function reopenButton() {
    const b = h('button', { type: 'button', class: 'btn med-open' }, t('med.openAgain'));
    b.addEventListener('click', async () => {
      b.disabled = true;
      try {
        const r = await post(`${API}/cases/${encodeURIComponent(c.id)}/mediation`, {});
        freshLinks = { id: r.id, links: r.links || [] };
        navigate(location.hash);
      } catch (err) {
        b.disabled = false;
        fail(err);
      }
    });
    return b;
  }

  // The room's events so far (messages and everything else), then live.
  function take(ev) {
    if (ev.seq && ev.seq <= lastSeq) return false;
    if (ev.seq) lastSeq = ev.seq;
    if (ev.kind === 'message' && ev.data) messages.push({ ...ev.data, seq: ev.seq });
    return true;
  }
  try {
    await replay(base, 0, take);
  } catch (err) {
    fail(err);
  }
  if (!isCurrent()) return null;
  draw();
  // names for the user names the room carries
  if (m.mediator || m.proposed_mediator) loadMediators().then(() => { if (isCurrent()) draw(); }).catch(() => {});

  let pending = null;
  const stop = openStream(`${base}/stream`, lastSeq, (ev) => {
    if (!take(ev)) return;
    if (ev.kind === 'message') { drawThreads(); return; }
    if (ev.kind === 'document') { drawThreadDocs(); return; }
    if (ev.kind === 'agreement') agreementChanged(base, true);
    // anything else changes the room: read it again (once per burst)
    if (!pending) pending = Promise.resolve().then(() => reload()).catch(() => {}).finally(() => { pending = null; });
  }, (state) => live.set(state));
  return stop;
}

/**
 * For the case page: the way into the room (在线调解) of a case in 调解中
 * or with a mediation, and the risk flag (art. 25) in front of everyone
 * handling the case. Asks the server nothing: the case carries its latest
 * mediation ({id, status, risk_flag}) and mediation_risk.
 */
export function caseMediationLink(c) {
  const m = c.mediation || null;
  if (!m && c.status !== 'mediating') return null;
  const href = `#/case/${encodeURIComponent(c.id)}/mediation`;
  return h('div', { class: 'case-mediation' },
    (m && m.risk_flag) || c.mediation_risk ? h('div', { class: 'banner med-risk', role: 'note' }, h('strong', null, t('med.riskTitle')), ' ',
      t('med.riskCase')) : null,
    h('p', { class: 'case-risk-link' }, h('a', { class: 'btn btn-primary med-enter', href }, t(m ? 'med.enter' : 'med.enterNew')),
      m && m.status ? [' ', statusBadgeMed(m.status)] : null));
}
