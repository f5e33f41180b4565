// mediation-party.js - a party's own room, opened from the link texted to
// their phone (#/room/{token}), with no account: first the identity code
// sent to that phone, then consent to mediation (人民调解法 arts. 17, 23:
// voluntary, and it can be withdrawn at any time), then the shared thread,
// their own caucus with the mediator, the offers to answer and the
// agreement to read and sign. Built for a 375 px phone: one column, large
// buttons; 长辈版 makes everything larger still. The routes are those of
// src/api/mediation_party.c (/api/v1/room/{token}/...).
import { h, append, replace, field } from '../dom.js';
import { t, tc, getLocale } from '../i18n.js';
import { api, get, post, errorBox, clearErrors, showError, ApiError } from '../api.js';
import { loading } from '../common.js';
import {
  API, fmtWhen, openStream, replay, liveBadge, messageList, composer, offerForm, offerCard, statusBadgeMed,
  mediatorSpecialties, mediatorLanguages,
} from './mediation-parts.js';
import { agreementSection, agreementChanged } from './mediation-agreement.js';
import { drawDocs, docsBox } from './mediation-docs.js';

export async function render({ container, params, isCurrent }) {
  const token = params.token;
  const base = `${API}/room/${encodeURIComponent(token)}`;
  append(container, loading());
  let room;
  try {
    room = await get(base);
  } catch (err) {
    if (!isCurrent()) return null;
    if (err instanceof ApiError && err.status === 404) {
      replace(container, h('h1', null, t('room.title')), h('p', { class: 'alert alert-error', role: 'alert' }, t('room.badLink')));
    } else replace(container, h('h1', null, t('room.title')), errorBox(err));
    return null;
  }
  if (!isCurrent()) return null;
  agreementChanged(base);

  // the room names this party by id (me); its own record is in parties
  const me = () => (room.parties || []).find((p) => Number(p.id) === Number(room.me)) || {};
  let stop = null;

  if (!me().verified_at) identityStep();
  else await enter();
  return () => { if (stop) stop(); };

  // Step 1: a one-time code texted to the phone the committee has for this
  // party proves the link is in the right hands.
  function identityStep() {
    const status = h('p', { class: 'sms-status', role: 'status' });
    const ask = h('button', { type: 'button', class: 'btn btn-large room-send-code' }, t('room.sendCode'));
    const code = h('input', { type: 'text', name: 'code', inputmode: 'numeric', autocomplete: 'one-time-code', maxlength: '6', pattern: '[0-9]*' });
    const fl = field(t('room.code'), code, { name: 'code', required: true, hint: t('room.codeHint'), hintId: 'room-code-hint' });
    const btn = h('button', { type: 'submit', class: 'btn btn-primary btn-large' }, t('room.verify'));
    const form = h('form', { class: 'card form room-identity', novalidate: true },
      h('h2', null, t('room.stepIdentity')),
      h('p', null, t('room.hello', { name: me().name || '' })),
      h('p', { class: 'form-error', hidden: true, role: 'alert' }),
      h('p', null, ask), status, fl.wrap, h('p', { class: 'form-actions' }, btn));
    ask.addEventListener('click', async () => {
      ask.disabled = true;
      clearErrors(form);
      try {
        // the route takes no body
        await api('POST', `${base}/code`);
        status.textContent = t('room.codeSent');
        code.focus();
      } catch (err) {
        showError(form, err);
      } finally {
        ask.disabled = false;
      }
    });
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(form);
      const v = code.value.replace(/\s/g, '');
      if (!v) { showError(form, new ApiError(400, 'required', '', 'code')); return; }
      btn.disabled = true;
      try {
        room = await post(`${base}/verify`, { code: v });
        await enter();
      } catch (err) {
        showError(form, err);
        btn.disabled = false;
      }
    });
    replace(container, h('h1', null, t('room.title')), h('p', { class: 'lead' }, t('room.lead')), steps(0), form);
  }

  function steps(n) {
    const names = ['room.stepIdentity', 'room.stepConsent', 'room.stepRoom'];
    return h('ol', { class: 'steps room-steps', 'aria-label': t('room.steps') }, names.map((k, i) => h('li', {
      class: ['step', i < n && 'step-done', i === n && 'step-now'], 'aria-current': i === n ? 'step' : null,
    }, h('span', { class: 'step-mark', 'aria-hidden': 'true' }, i < n ? '✓' : String(i + 1)), h('span', { class: 'step-label' }, t(k)))));
  }

  // Step 2: consent to mediation, and to mediation online (arts. 17, 23;
  // 人民法院在线调解规则 art. 2).
  function consentStep() {
    const online = h('input', { type: 'checkbox', name: 'online', id: 'room-online', checked: true });
    const yes = h('button', { type: 'submit', class: 'btn btn-primary btn-large room-consent-yes' }, t('room.consentYes'));
    const no = h('button', { type: 'button', class: 'btn btn-large room-consent-no' }, t('room.consentNo'));
    const form = h('form', { class: 'card form room-consent', novalidate: true },
      h('h2', null, t('room.stepConsent')),
      h('p', null, t('room.consentLead')),
      h('ul', { class: 'room-rights' }, ['room.right1', 'room.right2', 'room.right3'].map((k) => h('li', null, t(k)))),
      h('p', { class: 'form-error', hidden: true, role: 'alert' }),
      h('div', { class: 'field checkbox' }, online, h('label', { for: 'room-online' }, t('room.consentOnline'))),
      h('p', { class: 'form-actions room-big-actions' }, yes, no));
    const send = async (consent, btn) => {
      clearErrors(form);
      btn.disabled = true;
      try {
        room = await post(`${base}/actions/consent`, { consent, online: online.checked });
        await enter();
      } catch (err) {
        showError(form, err);
        btn.disabled = false;
      }
    };
    form.addEventListener('submit', (e) => { e.preventDefault(); send('given', yes); });
    no.addEventListener('click', () => send('refused', no));
    replace(container, h('h1', null, t('room.title')), steps(1), form);
  }

  async function enter() {
    if (!me().consent && room.status !== 'ended') { consentStep(); return; }
    await drawRoom();
  }

  // Step 3: the room itself.
  async function drawRoom() {
    const live = liveBadge();
    const flash = h('div', { class: 'flash', role: 'status', 'aria-live': 'polite' });
    // a failure stands apart from the last success (and replaces it)
    const alerts = h('div', { class: 'med-alerts' });
    const fail = (err) => { flash.textContent = ''; replace(alerts, errorBox(err)); };
    const head = h('section', { class: 'card room-head', 'aria-labelledby': 'room-sec-head' });
    const shared = h('section', { class: 'card room-thread room-shared', 'aria-labelledby': 'room-sec-shared' });
    const caucus = h('section', { class: 'card room-thread room-caucus', 'aria-labelledby': 'room-sec-caucus' });
    const table = h('section', { class: 'card room-thread room-table', 'aria-labelledby': 'room-sec-table' });
    const offers = h('section', { class: 'card room-offers', 'aria-labelledby': 'med-sec-offers' });
    const agreement = h('section', { class: 'card med-agreement', 'aria-labelledby': 'med-sec-agreement' });
    replace(container, h('div', { class: 'page-head' }, h('h1', null, t('room.title')), live), flash, alerts,
      head, h('p', null, h('a', { class: 'btn video-link', href: `#/video/room/${encodeURIComponent(token)}` }, t('video.open'))), shared, caucus, table, offers, agreement);

    const messages = [];
    let lastSeq = 0;
    let countering = null;
    let making = false;
    let moreOpen = false;
    const partyName = (pid) => {
      const p = (room.parties || []).find((x) => Number(x.id) === Number(pid));
      return p ? p.name : t('room.otherSide');
    };
    const viewer = { partyId: room.me, partyName };
    const ended = () => room.status === 'ended';
    const active = () => room.status === 'active';

    async function reload() {
      room = await get(base);
      if (isCurrent()) draw();
    }

    // Every write answers with the room as it now is.
    async function write(path, body) {
      const fresh = await post(`${base}${path}`, body || {});
      if (fresh && fresh.id) room = fresh;
      if (isCurrent()) draw();
    }

    async function act(name, body, btn) {
      if (btn) btn.disabled = true;
      try {
        await write(`/actions/${name}`, body);
      } catch (err) {
        fail(err);
        if (btn) btn.disabled = false;
      }
    }

    function draw() {
      drawHead();
      drawThreads();
      drawCaucus();
      drawTable();
      drawOffers();
      agreementSection(agreement, { m: room, base, staff: false, flash, isCurrent, party: me() });
    }

    function drawHead() {
      const p = me();
      const parts = [h('h2', { id: 'room-sec-head', class: 'visually-hidden' }, t('room.about')),
        h('p', null, statusBadgeMed(room.status), room.end_reason ? [' ', tc('medEnd', room.end_reason)] : null),
        h('p', null, t('room.youAre', { name: p.name || '' })),
        h('p', { class: 'room-status-help' }, t(`room.help.${room.status}`)),
        room.mediator ? h('p', null, t('med.mediator'), t('common.colon'), room.mediator_name || t('room.mediatorSet')) : null,
        room.deadline ? h('p', { class: 'muted' }, t('med.deadline'), t('common.colon'), fmtWhen(room.deadline)) : null];
      if (room.status === 'choosing') parts.push(chooser(p));
      if ((room.sessions || []).length) {
        parts.push(h('ul', { class: 'room-sessions' }, room.sessions.map((s) => h('li', null,
          t('room.session', { at: fmtWhen(s.starts_at), mode: tc('medMode', s.mode) }), s.place ? ` · ${s.place}` : ''))));
      }
      const buttons = h('p', { class: 'form-actions room-choices' });
      if (!ended()) {
        // open or closed sessions are the parties' choice (art. 23)
        const pub = h('button', { type: 'button', class: 'btn', 'aria-pressed': String(Boolean(p.wants_public)) }, t('room.wantPublic'));
        pub.addEventListener('click', () => act('public', { public: !p.wants_public }, pub));
        buttons.appendChild(pub);
      }
      if (active()) {
        // the time limit is extended only with every party's agreement
        const ext = h('button', { type: 'button', class: 'btn', 'aria-pressed': String(Boolean(p.extend_agree)) }, t('room.agreeExtend'));
        ext.disabled = Boolean(p.extend_agree);
        ext.addEventListener('click', () => act('extend', {}, ext));
        buttons.appendChild(ext);
      }
      if (p.consent === 'given' && !ended()) {
        const withdraw = h('button', { type: 'button', class: 'btn btn-danger room-withdraw' }, t('room.withdraw'));
        withdraw.addEventListener('click', () => {
          const sure = h('button', { type: 'button', class: 'btn btn-danger btn-large' }, t('room.withdrawSure'));
          const keep = h('button', { type: 'button', class: 'btn btn-large' }, t('room.withdrawKeep'));
          sure.addEventListener('click', () => act('consent', { consent: 'withdrawn' }, sure));
          keep.addEventListener('click', () => { drawHead(); head.querySelector('.room-withdraw').focus(); });
          replace(withdraw.parentNode, h('span', { role: 'alert' }, t('room.withdrawAsk')), ' ', sure, ' ', keep);
          sure.focus();
        });
        buttons.appendChild(withdraw);
      }
      // the choices a party has at any time, folded away below the thread's way in
      if (buttons.childNodes.length) {
        const more = h('details', { class: 'room-more', open: moreOpen }, h('summary', null, t('room.moreChoices')), buttons);
        more.addEventListener('toggle', () => { moreOpen = more.open; });
        parts.push(more);
      }
      replace(head, ...parts);
    }

    // The committee's published mediators (人民调解法 art. 19: the parties
    // may choose); read once, when the room is choosing.
    let mediators = null;
    function chooser(p) {
      const box = h('section', { class: 'room-chooser', 'aria-labelledby': 'room-choose-h' },
        h('h3', { id: 'room-choose-h' }, t('room.choose')),
        h('p', { class: 'muted small' }, t('room.chooseNote', { when: fmtWhen(room.choice_due) })));
      const fill = () => {
        const list = h('ul', { class: 'room-mediators' }, mediators.map((x) => {
          const mine = p.choice === x.username;
          const btn = h('button', { type: 'button', class: mine ? 'btn btn-primary btn-large' : 'btn btn-large', 'aria-pressed': String(mine) },
            mine ? t('room.chosen') : t('room.chooseThis', { name: x.display_name }));
          btn.addEventListener('click', () => act('choose', { mediator: x.username }, btn));
          return h('li', null, h('p', null, h('strong', null, x.display_name), ' · ', x.committee || ''),
            x.specialties ? h('p', { class: 'muted small' }, t('room.specialties'), t('common.colon'), mediatorSpecialties(x)) : null,
            x.languages ? h('p', { class: 'muted small' }, t('room.languages'), t('common.colon'), mediatorLanguages(x)) : null,
            btn);
        }));
        box.appendChild(mediators.length ? list : h('p', null, t('room.noMediators')));
      };
      if (mediators) fill();
      else {
        get(`${base}/mediators`).then((r) => {
          mediators = r.items || [];
          if (isCurrent()) drawHead();
        }).catch(fail);
      }
      return box;
    }

    function msgThread(msg) { return msg.thread || 'shared'; }

    // Redrawn when a message arrives: only the list changes, so a message
    // being typed stays in its box.
    function drawThread(el, key, id, label, note, open) {
      const msgs = messages.filter((x) => msgThread(x) === key);
      const list = messageList(msgs, viewer, label);
      const shape = `${key}|${open}|${getLocale()}`;
      const old = el.querySelector('.med-messages');
      if (old && el.dataset.shape === shape) old.replaceWith(list);
      else {
        el.dataset.shape = shape;
        replace(el, h('h2', { id }, label), note ? h('p', { class: 'muted small' }, note) : null, list,
          open ? composer(t('room.writeTo', { thread: label }), (body) => post(`${base}/messages`, { thread: key, body }))
            : h('p', { class: 'muted small' }, t(ended() ? 'room.closedEnded' : 'room.closedYet')), docsBox());
        drawDocs(el.querySelector('.med-docs'), { url: `${base}/documents`, thread: key, canUpload: open });
      }
      list.scrollTop = list.scrollHeight;
    }

    // a thread's files (文件与证据) again, when a "document" event names it
    function redrawDocs(key) {
      const el = { shared, caucus, roundtable: table }[key || 'shared'];
      const box = el && el.querySelector('.med-docs');
      if (box) drawDocs(box, { url: `${base}/documents`, thread: key || 'shared', canUpload: active() });
    }

    function drawThreads() {
      drawThread(shared, 'shared', 'room-sec-shared', t('med.thread.shared'), t('room.sharedNote'), active());
      if (me().caucus_open) drawThread(caucus, 'caucus', 'room-sec-caucus', t('room.caucus'), t('room.caucusNote'), active());
      if (room.roundtable_open) drawThread(table, 'roundtable', 'room-sec-table', t('med.thread.roundtable'), null, active());
    }

    // A caucus is opened only with this party's consent; either side closes it.
    function drawCaucus() {
      caucus.hidden = !active() && !messages.some((x) => x.thread === 'caucus');
      if (me().caucus_open) {
        if (!caucus.querySelector('.room-caucus-close')) {
          const close = h('button', { type: 'button', class: 'btn room-caucus-close' }, t('room.caucusClose'));
          close.addEventListener('click', () => act('caucus', { open: false }, close));
          caucus.appendChild(h('p', null, close));
        }
        return;
      }
      caucus.dataset.shape = '';
      const b = active() ? h('button', { type: 'button', class: 'btn btn-large' }, t('room.caucusAgree')) : null;
      if (b) b.addEventListener('click', () => act('caucus', { open: true }, b));
      replace(caucus, h('h2', { id: 'room-sec-caucus' }, t('room.caucus')), h('p', { class: 'muted' }, t('room.caucusOffer')), b ? h('p', null, b) : null);
    }

    // The round table: every party agrees, any party may close it again.
    function drawTable() {
      table.hidden = !active();
      if (room.roundtable_open) {
        if (!table.querySelector('.room-table-close')) {
          const close = h('button', { type: 'button', class: 'btn room-table-close' }, t('room.tableClose'));
          close.addEventListener('click', () => act('roundtable', { agree: false }, close));
          table.appendChild(h('p', null, close));
        }
        return;
      }
      table.dataset.shape = '';
      const agreed = Boolean(me().roundtable_agree);
      const b = h('button', { type: 'button', class: 'btn btn-large', 'aria-pressed': String(agreed) }, t('room.tableAgree'));
      b.addEventListener('click', () => act('roundtable', { agree: !agreed }, b));
      replace(table, h('h2', { id: 'room-sec-table' }, t('med.thread.roundtable')), h('p', { class: 'muted' }, t('room.tableNote')), h('p', null, b));
    }

    function drawOffers() {
      offers.hidden = !active() && !(room.offers || []).length;
      const list = h('ol', { class: 'med-offer-list' });
      const all = [...(room.offers || [])].sort((a, b) => (b.version || 0) - (a.version || 0));
      const answer = async (o, what) => {
        if (what === 'counter') {
          countering = o;
          drawOffers();
          offers.querySelector('.med-offer-form input').focus();
          return;
        }
        try {
          await write(`/offers/${encodeURIComponent(o.id)}/answer`, { answer: what });
          replace(alerts);
          flash.textContent = t(what === 'accept' ? 'room.accepted' : 'room.rejected');
        } catch (err) {
          fail(err);
        }
      };
      for (const o of all) {
        const own = o.from_party !== null && o.from_party !== undefined && Number(o.from_party) === Number(room.me);
        list.appendChild(offerCard(o, viewer, active() && !own ? answer : null));
      }
      if (!all.length) list.appendChild(h('li', { class: 'muted' }, t('med.noOffers')));
      const slot = h('div');
      let make = null;
      if (countering) {
        const o = countering;
        replace(slot, offerForm(t('room.counterTitle', { v: o.version }), async (terms) => {
          countering = null;
          await write(`/offers/${encodeURIComponent(o.id)}/answer`, { answer: 'counter', terms });
        }, o.terms, () => { countering = null; drawOffers(); }));
      } else if (making) {
        replace(slot, offerForm(t('room.makeOffer'), async (terms) => {
          making = false;
          await write('/offers', { terms });
        }, null, () => { making = false; drawOffers(); }));
      } else if (active()) {
        make = h('button', { type: 'button', class: 'btn btn-large' }, t('room.makeOffer'));
        make.addEventListener('click', () => {
          making = true;
          drawOffers();
          offers.querySelector('.med-offer-form input').focus();
        });
      }
      replace(offers, h('h2', { id: 'med-sec-offers' }, t('med.offers')), h('p', { class: 'muted small' }, t('med.offersNote')),
        list, make ? h('p', null, make) : null, slot);
    }

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
    if (!isCurrent()) return;
    draw();
    let pending = null;
    stop = openStream(`${base}/stream`, lastSeq, (ev) => {
      if (!take(ev)) return;
      if (ev.kind === 'message') { drawThreads(); return; }
      if (ev.kind === 'document') { redrawDocs(ev.data && ev.data.thread); return; }
      if (ev.kind === 'agreement') agreementChanged(base, true);
      if (!pending) pending = Promise.resolve().then(() => reload()).catch(() => {}).finally(() => { pending = null; });
    }, (state) => live.set(state));
  }
}
