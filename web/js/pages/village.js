// village.js - 三治融合 for one village (issue 18; docs/village.md):
// open village affairs (村务公开: the publication schedule with what is due
// soon or overdue, publishing an item) and good-deed points (积分制: rules,
// households, entries a second person approves, a household's balance and
// ledger, the points shop). Without a session (or ?public=1) it is the
// village's public page: the published items, the schedule, and the
// monthly commendations of households that agreed to be shown, the
// proposals (议事) with their path, where a resident verifies a phone by a
// texted code to file and support one. Staff tabs: affairs, points,
// proposals (settings, decision and result) and the legal adviser
// (appointments, consultation log: topic and outcome only).
import { h, append, replace, field, select, qs } from '../dom.js';
import { t, fmtDate, fmtDateTime } from '../i18n.js';
import { get, api, session, clearErrors, showError, errorBox } from '../api.js';
import { emptyState, loading } from '../common.js';

const TABS = ['affairs', 'points', 'proposals', 'adviser'];
const OUTCOMES = ['answered', 'mediation', 'litigation', 'referred', 'follow_up'];
const SESSION_KEY = 'fq.villageSession';
const KINDS = ['general', 'finance', 'major'];
const STAFF = ['grid_worker', 'mediator', 'handler', 'admin'];

// The village (12-digit code) where the user is staff, to start with.
function myVillage() {
  const r = ((session.user && session.user.roles) || [])
    .find((x) => STAFF.includes(x.role) && x.region && x.region.length === 12);
  return r ? r.region : '';
}

function statePill(s) {
  const cls = s.state === 'overdue' ? 'urgency-overdue' : s.state === 'due_soon' ? 'urgency-soon' : 'pill-unit';
  return h('span', { class: ['pill', cls], dataset: { state: s.state } }, t(`village.state.${s.state}`));
}

function scheduleList(schedules) {
  if (!schedules.length) return emptyState(t('village.noSchedules'));
  return h('ul', { class: 'party-list village-schedules' }, schedules.map((s) => h('li', { dataset: { schedule: s.id } },
    h('div', null, h('strong', null, s.title), ' ', statePill(s)),
    h('p', { class: 'muted small' }, t(`village.kind.${s.kind}`), ' · ',
      s.due ? [t('village.due'), t('common.colon'), fmtDateTime(s.due)] : t('village.noneDue'),
      s.last_published ? [' · ', t('village.last'), t('common.colon'), fmtDate(s.last_published)] : null))));
}

function itemList(items) {
  if (!items.length) return emptyState(t('village.noItems'));
  return h('ul', { class: 'party-list village-items' }, items.map((i) => h('li', null,
    h('h3', null, i.title),
    h('p', { class: 'muted small' }, i.kind ? t(`village.kind.${i.kind}`) : '', i.kind ? ' · ' : '', fmtDateTime(i.published_at)),
    h('p', { class: 'village-item-body' }, i.body))));
}

/** A form of fields [{name, label, input, required}] that sends its values
 * (numbers where the input is a number; checkboxes as booleans) by POST or
 * method to path, then calls done. */
function sendForm(cls, path, fields, label, done, method = 'POST', extra = () => ({}), headers = null) {
  const made = fields.map((f) => ({ ...f, ...field(f.label, f.input, { name: f.name, required: f.required }) }));
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-small' }, label);
  const form = h('form', { class: ['form', cls], novalidate: true }, made.map((f) => f.wrap),
    h('div', { class: 'form-actions' }, submit));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const body = extra();
    for (const f of made) {
      const v = f.input.type === 'checkbox' ? f.input.checked : f.input.value.trim();
      if (v === '') continue;
      body[f.name] = f.input.type === 'number' || f.number ? Number(v) : v;
    }
    submit.disabled = true;
    try {
      await api(method, path, body, headers ? { headers } : {});
      form.reset();
      await done();
    } catch (err) {
      showError(form, err);
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

async function publicView(container, code, isCurrent) {
  const box = h('div', null, loading());
  const props = h('div', { class: 'village-proposal-list' }, loading());
  append(container, h('div', { class: 'page-head' }, h('h1', null, t('village.publicTitle'))),
    h('p', { class: 'muted' }, t('village.publicLead')), box);
  let res, com, rules;
  try {
    res = await get(`/api/public/villages/${encodeURIComponent(code)}/affairs`);
    com = await get(`/api/public/villages/${encodeURIComponent(code)}/commendations`);
    rules = await get(`/api/v1/public/villages/${encodeURIComponent(code)}/rules`);
  } catch (err) {
    if (isCurrent()) replace(box, errorBox(err));
    return;
  }
  if (!isCurrent()) return;
  replace(box,
    h('section', { class: 'card', 'aria-labelledby': 'vp-rules' }, h('h2', { id: 'vp-rules' }, t('village.rulesInForce')),
      rules.items.length
        ? h('ul', { class: 'party-list village-rules-public' }, rules.items.map((r) => h('li', null,
          h('strong', null, r.title), r.adopted_on ? [' ', h('span', { class: 'muted' }, t('village.adoptedOn', { day: r.adopted_on }))] : null)))
        : emptyState(t('village.noRules')),
      h('p', null, h('a', { href: '#/ballot' }, t('vballot.title')))),
    h('section', { class: 'card', 'aria-labelledby': 'vp-items' }, h('h2', { id: 'vp-items' }, t('village.published')), itemList(res.items)),
    h('section', { class: 'card', 'aria-labelledby': 'vp-sched' }, h('h2', { id: 'vp-sched' }, t('village.schedule')), scheduleList(res.schedules)),
    h('section', { class: 'card', 'aria-labelledby': 'vp-com' }, h('h2', { id: 'vp-com' }, t('village.commendations', { month: com.month })),
      com.items.length
        ? h('ul', { class: 'party-list village-commend' }, com.items.map((c) => h('li', null, h('strong', null, c.label), ' ', t('village.pointsN', { n: c.points }))))
        : emptyState(t('village.noCommendations'))),
    h('section', { class: 'card', 'aria-labelledby': 'vp-prop' }, h('h2', { id: 'vp-prop' }, t('village.proposals')),
      residentBox(code, () => publicProposals(code, props)), props));
  await publicProposals(code, props);
}

// The village session of this browser tab, for village code.
function villageSession(code) {
  try {
    const s = JSON.parse(sessionStorage.getItem(SESSION_KEY) || 'null');
    return s && s.code === code ? s.token : null;
  } catch (_) { return null; }
}

/** Verify a phone (a code by SMS), then file a proposal. */
function residentBox(code, reload) {
  const box = h('div', { class: 'village-resident' });
  const draw = () => {
    if (villageSession(code)) {
      replace(box, h('p', { class: 'muted small' }, t('village.verified')),
        sendForm('village-proposal-form', `/api/public/villages/${code}/proposals`, [
          { name: 'title', label: t('village.f.title'), input: h('input', { type: 'text', maxlength: 200 }), required: true },
          { name: 'body', label: t('village.f.proposal'), input: h('textarea', { rows: 4, maxlength: 5000 }), required: true },
        ], t('village.file'), reload, 'POST', () => ({}), { 'x-village-session': villageSession(code) }));
      return;
    }
    const phone = field(t('village.f.phone'), h('input', { type: 'tel', autocomplete: 'tel', maxlength: 20 }), { name: 'phone' });
    const codeIn = field(t('village.f.code'), h('input', { type: 'text', inputmode: 'numeric', maxlength: 6 }), { name: 'code' });
    const send = h('button', { type: 'button', class: 'btn btn-small' }, t('village.sendCode'));
    const ok = h('button', { type: 'submit', class: 'btn btn-primary btn-small' }, t('village.verify'));
    const form = h('form', { class: 'form village-verify-form', novalidate: true }, phone.wrap,
      h('div', { class: 'form-actions' }, send), codeIn.wrap, h('div', { class: 'form-actions' }, ok));
    send.addEventListener('click', async () => {
      clearErrors(form);
      try {
        await api('POST', `/api/public/villages/${code}/phone-code`, { phone: phone.input.value.trim() });
        send.textContent = t('village.codeSent');
      } catch (err) { showError(form, err); }
    });
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(form);
      try {
        const r = await api('POST', `/api/public/villages/${code}/session`, { phone: phone.input.value.trim(), code: codeIn.input.value.trim() });
        sessionStorage.setItem(SESSION_KEY, JSON.stringify({ code, token: r.session }));
        draw();
        await reload();
      } catch (err) { showError(form, err); }
    });
    replace(box, h('p', { class: 'muted small' }, t('village.verifyLead')), form);
  };
  draw();
  return box;
}

function proposalItem(p, extra) {
  return h('li', { dataset: { proposal: p.id, status: p.status } },
    h('div', null, h('strong', null, p.title), ' ',
      h('span', { class: ['pill', p.overdue ? 'urgency-overdue' : p.status === 'agenda' ? 'urgency-soon' : 'pill-unit'] },
        p.overdue ? t('village.state.overdue') : t(`village.prop.${p.status}`))),
    h('p', null, p.body),
    h('p', { class: 'muted small' }, t('village.supports', { n: p.supports, of: p.threshold }),
      p.answer_due ? [' · ', t('village.answerDue'), t('common.colon'), fmtDate(p.answer_due)] : null),
    p.decision ? h('p', null, h('strong', null, t('village.decision')), t('common.colon'), p.decision) : null,
    p.result ? h('p', null, h('strong', null, t('village.result')), t('common.colon'), p.result) : null,
    extra || null);
}

async function publicProposals(code, box) {
  let res;
  try {
    res = await get(`/api/public/villages/${encodeURIComponent(code)}/proposals`);
  } catch (err) {
    replace(box, errorBox(err));
    return;
  }
  const token = villageSession(code);
  replace(box, res.items.length ? h('ul', { class: 'party-list village-proposals' }, res.items.map((p) => {
    let btn = null;
    if (token) {
      btn = h('button', { type: 'button', class: 'btn btn-small' }, t('village.support'));
      btn.addEventListener('click', async () => {
        btn.disabled = true;
        try {
          await api('POST', `/api/public/villages/${code}/proposals/${p.id}/support`, undefined, { headers: { 'x-village-session': token } });
          await publicProposals(code, box);
        } catch (err) {
          btn.replaceWith(errorBox(err));
        }
      });
    }
    return proposalItem(p, btn);
  })) : emptyState(t('village.noProposals')));
}

export async function render({ container, query, isCurrent }) {
  const code = query.get('code') || myVillage();
  if (!session.user || query.get('public') === '1') {
    if (!code) {
      append(container, h('h1', null, t('village.publicTitle')), emptyState(t('village.noVillage')));
      return;
    }
    await publicView(container, code, isCurrent);
    return;
  }
  const tab = TABS.includes(query.get('tab')) ? query.get('tab') : 'affairs';
  const flash = h('p', { class: 'flash', role: 'status', 'aria-live': 'polite' });
  const body = h('div', { id: 'village-panel', role: 'tabpanel' }, loading());
  const tabs = h('div', { class: 'queue-tabs', role: 'tablist', 'aria-label': t('village.title') },
    TABS.map((k) => h('a', {
      href: '#/village' + qs({ code, tab: k }), role: 'tab', class: ['queue-tab', k === tab ? 'active' : ''],
      'aria-selected': k === tab ? 'true' : 'false', 'aria-controls': 'village-panel',
    }, t(`village.tab.${k}`))));
  append(container,
    h('div', { class: 'page-head' }, h('h1', null, t('village.title'))),
    h('p', { class: 'muted' }, t('village.lead'),
      code ? [' ', h('a', { href: '#/village' + qs({ code, public: 1 }) }, t('village.publicLink'))] : null),
    flash, tabs, body);
  if (!code) {
    replace(body, emptyState(t('village.noVillage')));
    return;
  }
  const load = { points: loadPoints, proposals: loadProposals, adviser: loadAdviser }[tab] || loadAffairs;
  await load();

  async function loadAffairs() {
    let res;
    try {
      res = await get('/api/v1/village/affairs' + qs({ region: code }));
    } catch (err) {
      if (isCurrent()) replace(body, errorBox(err));
      return;
    }
    if (!isCurrent()) return;
    const kindSel = select(KINDS.map((k) => ({ value: k, label: t(`village.kind.${k}`) })), { name: 'kind' });
    const schedSel = select([{ value: '', label: t('village.noSchedule') },
      ...res.schedules.map((s) => ({ value: String(s.id), label: s.title }))], { name: 'schedule_id' });
    replace(body,
      h('section', { class: 'card', 'aria-labelledby': 'va-sched' },
        h('div', { class: 'section-head' }, h('h2', { id: 'va-sched' }, t('village.schedule')),
          res.overdue ? h('span', { class: 'pill urgency-overdue' }, t('village.overdueCount', { n: res.overdue })) : null),
        h('p', { class: 'muted small' }, t('village.art30')),
        scheduleList(res.schedules),
        h('details', null, h('summary', null, t('village.addSchedule')),
          sendForm('village-schedule-form', '/api/v1/village/affairs/schedules', [
            { name: 'title', label: t('village.f.title'), input: h('input', { type: 'text', maxlength: 200 }), required: true },
            { name: 'kind', label: t('village.f.kind'), input: kindSel, required: true },
          ], t('village.addSchedule'), async () => { flash.textContent = t('village.saved'); await loadAffairs(); }, 'POST',
          () => ({ region: code })))),
      h('section', { class: 'card', 'aria-labelledby': 'va-pub' }, h('h2', { id: 'va-pub' }, t('village.publish')),
        sendForm('village-publish-form', '/api/v1/village/affairs/items', [
          { name: 'schedule_id', label: t('village.f.schedule'), input: schedSel, number: true },
          { name: 'title', label: t('village.f.title'), input: h('input', { type: 'text', maxlength: 200 }), required: true },
          { name: 'body', label: t('village.f.body'), input: h('textarea', { rows: 4, maxlength: 20000 }), required: true },
        ], t('village.publish'), async () => { flash.textContent = t('village.published.done'); await loadAffairs(); }, 'POST',
        () => ({ region: code }))),
      h('section', { class: 'card', 'aria-labelledby': 'va-items' }, h('h2', { id: 'va-items' }, t('village.published')), itemList(res.items)));
  }

  async function loadPoints() {
    let res;
    try {
      res = await get('/api/v1/village/points' + qs({ region: code }));
    } catch (err) {
      if (isCurrent()) replace(body, errorBox(err));
      return;
    }
    if (!isCurrent()) return;
    const hsOpts = () => res.households.map((x) => ({ value: String(x.id), label: x.label }));
    const ledger = h('div', { class: 'village-ledger', 'aria-live': 'polite' });
    const pick = select([{ value: '', label: t('village.pickHousehold') }, ...hsOpts()], { name: 'household' });
    pick.addEventListener('change', async () => {
      if (!pick.value) { replace(ledger); return; }
      try {
        const x = await get(`/api/v1/village/points/households/${pick.value}`);
        replace(ledger, h('p', null, h('strong', null, t('village.balance')), t('common.colon'), String(x.balance)),
          x.ledger.length ? h('ul', { class: 'party-list' }, x.ledger.map((l) => h('li', null,
            h('strong', null, (l.points > 0 ? '+' : '') + l.points), ' ', l.reason, ' · ', h('span', { class: 'muted small' }, fmtDateTime(l.at)))))
            : emptyState(t('village.noLedger')));
      } catch (err) {
        replace(ledger, errorBox(err));
      }
    });
    const reload = async () => { flash.textContent = t('village.saved'); await loadPoints(); };
    const entryItem = (e) => {
      const li = h('li', { dataset: { entry: e.id, status: e.status } },
        h('div', null, h('strong', null, e.household), ' ', (e.points > 0 ? '+' : '') + e.points, ' ',
          h('span', { class: ['pill', e.status === 'proposed' ? 'urgency-soon' : 'pill-unit'] }, t(`village.entry.${e.status}`))),
        h('p', { class: 'muted small' }, e.rule, t('common.colon'), e.reason, ' · ', t('village.proposedBy', { who: e.proposed_by_name })));
      if (e.can_decide) {
        for (const a of ['approve', 'reject']) {
          const b = h('button', { type: 'button', class: ['btn', 'btn-small', a === 'reject' ? 'btn-danger' : 'btn-primary'], dataset: { action: a } }, t(`village.act.${a}`));
          b.addEventListener('click', async () => {
            b.disabled = true;
            try {
              await api('POST', `/api/v1/village/points/entries/${e.id}/actions/${a}`);
              await reload();
            } catch (err) {
              b.disabled = false;
              li.appendChild(errorBox(err));
            }
          });
          li.appendChild(b);
        }
      }
      return li;
    };
    replace(body,
      h('section', { class: 'card', 'aria-labelledby': 'vp-rules' }, h('h2', { id: 'vp-rules' }, t('village.rules')),
        res.rules.length ? h('ul', { class: 'party-list village-rules' }, res.rules.map((r) => h('li', null, r.name, ' ', h('strong', null, (r.points > 0 ? '+' : '') + r.points))))
          : emptyState(t('village.noPointRules')),
        h('details', null, h('summary', null, t('village.addRule')),
          sendForm('village-rule-form', '/api/v1/village/points/rules', [
            { name: 'name', label: t('village.f.ruleName'), input: h('input', { type: 'text', maxlength: 200 }), required: true },
            { name: 'points', label: t('village.f.points'), input: h('input', { type: 'number', step: 1 }), required: true },
          ], t('village.addRule'), reload, 'POST', () => ({ region: code })))),
      h('section', { class: 'card', 'aria-labelledby': 'vp-entries' }, h('h2', { id: 'vp-entries' }, t('village.entries')),
        h('p', { class: 'muted small' }, t('village.twoPerson')),
        sendForm('village-entry-form', '/api/v1/village/points/entries', [
          { name: 'household_id', label: t('village.f.household'), input: select(hsOpts(), {}), required: true, number: true },
          { name: 'rule_id', label: t('village.f.rule'), input: select(res.rules.map((r) => ({ value: String(r.id), label: `${r.name} (${r.points})` })), {}), required: true, number: true },
          { name: 'reason', label: t('village.f.reason'), input: h('input', { type: 'text', maxlength: 1000 }), required: true },
        ], t('village.propose'), reload),
        res.entries.length ? h('ul', { class: 'party-list village-entries' }, res.entries.map(entryItem)) : emptyState(t('village.noEntries'))),
      h('section', { class: 'card', 'aria-labelledby': 'vp-house' }, h('h2', { id: 'vp-house' }, t('village.households')),
        field(t('village.f.household'), pick).wrap, ledger,
        h('details', null, h('summary', null, t('village.addHousehold')),
          sendForm('village-household-form', '/api/v1/village/points/households', [
            { name: 'label', label: t('village.f.label'), input: h('input', { type: 'text', maxlength: 100 }), required: true },
            { name: 'show_commendation', label: t('village.f.consent'), input: h('input', { type: 'checkbox' }) },
          ], t('village.addHousehold'), reload, 'POST', () => ({ region: code })))),
      h('section', { class: 'card', 'aria-labelledby': 'vp-shop' }, h('h2', { id: 'vp-shop' }, t('village.shop')),
        res.shop.length ? h('ul', { class: 'party-list village-shop' }, res.shop.map((s) => h('li', null, s.name, ' · ',
          t('village.cost', { n: s.cost }), ' · ', t('village.stock', { n: s.stock })))) : emptyState(t('village.noShop')),
        sendForm('village-redeem-form', '/api/v1/village/points/redemptions', [
          { name: 'household_id', label: t('village.f.household'), input: select(hsOpts(), {}), required: true, number: true },
          { name: 'item_id', label: t('village.f.item'), input: select(res.shop.map((s) => ({ value: String(s.id), label: s.name })), {}), required: true, number: true },
        ], t('village.redeem'), reload),
        h('details', null, h('summary', null, t('village.addItem')),
          sendForm('village-item-form', '/api/v1/village/points/shop', [
            { name: 'name', label: t('village.f.itemName'), input: h('input', { type: 'text', maxlength: 200 }), required: true },
            { name: 'cost', label: t('village.f.cost'), input: h('input', { type: 'number', min: 1, step: 1 }), required: true },
            { name: 'stock', label: t('village.f.stock'), input: h('input', { type: 'number', min: 0, step: 1 }), required: true },
          ], t('village.addItem'), reload, 'POST', () => ({ region: code })))));
  }

  async function loadProposals() {
    const list = h('div', null, loading());
    replace(body,
      h('section', { class: 'card', 'aria-labelledby': 'vq-set' }, h('h2', { id: 'vq-set' }, t('village.settings')),
        h('p', { class: 'muted small' }, t('village.thresholdLead')),
        sendForm('village-settings-form', '/api/v1/village/settings', [
          { name: 'households', label: t('village.f.households'), input: h('input', { type: 'number', min: 1, step: 1 }), required: true },
          { name: 'threshold', label: t('village.f.threshold'), input: h('input', { type: 'number', min: 1, step: 1 }) },
        ], t('village.save'), async () => { flash.textContent = t('village.saved'); await loadProposals(); }, 'PUT', () => ({ region: code }))),
      h('section', { class: 'card', 'aria-labelledby': 'vq-list' }, h('h2', { id: 'vq-list' }, t('village.proposals')), list));
    let res;
    try {
      res = await get(`/api/public/villages/${code}/proposals`);
    } catch (err) {
      if (isCurrent()) replace(list, errorBox(err));
      return;
    }
    if (!isCurrent()) return;
    replace(list, res.items.length ? h('ul', { class: 'party-list village-proposals' }, res.items.map((p) => {
      const act = p.status === 'agenda' ? 'decide' : p.status === 'decided' ? 'result' : null;
      const form = act ? sendForm('village-answer-form', `/api/v1/village/proposals/${p.id}/actions/${act}`, [
        { name: 'text', label: t(`village.f.${act}`), input: h('textarea', { rows: 2, maxlength: 5000 }), required: true },
      ], t(`village.act.${act}`), loadProposals) : null;
      return proposalItem(p, form);
    })) : emptyState(t('village.noProposals')));
  }

  async function loadAdviser() {
    let res;
    try {
      res = await get('/api/v1/village/adviser' + qs({ region: code }));
    } catch (err) {
      if (isCurrent()) replace(body, errorBox(err));
      return;
    }
    if (!isCurrent()) return;
    const a = res.adviser;
    replace(body,
      h('section', { class: 'card', 'aria-labelledby': 'vl-who' }, h('h2', { id: 'vl-who' }, t('village.adviser')),
        a ? h('p', null, h('strong', null, a.display_name || a.username), ' · ', a.office_hours) : emptyState(t('village.noAdviser'))),
      h('section', { class: 'card', 'aria-labelledby': 'vl-appt' }, h('h2', { id: 'vl-appt' }, t('village.appointments')),
        res.appointments.length ? h('ul', { class: 'party-list village-appointments' }, res.appointments.map((x) => h('li', null,
          h('strong', null, fmtDateTime(x.slot_at)), ' ', x.topic))) : emptyState(t('village.noAppointments'))),
      h('section', { class: 'card', 'aria-labelledby': 'vl-log' }, h('h2', { id: 'vl-log' }, t('village.consultations')),
        h('p', { class: 'muted small' }, t('village.noAdvice')),
        res.is_adviser ? sendForm('village-consult-form', '/api/v1/village/consultations', [
          { name: 'topic', label: t('village.f.topic'), input: h('input', { type: 'text', maxlength: 200 }), required: true },
          { name: 'outcome', label: t('village.f.outcome'), input: select(OUTCOMES.map((o) => ({ value: o, label: t(`village.outcome.${o}`) })), {}), required: true },
          { name: 'case_id', label: t('village.f.caseId'), input: h('input', { type: 'number', min: 1, step: 1 }) },
        ], t('village.log'), loadAdviser, 'POST', () => ({ region: code })) : null,
        res.consultations.length ? h('ul', { class: 'party-list village-consultations' }, res.consultations.map((x) => h('li', null,
          h('strong', null, x.topic), ' · ', t(`village.outcome.${x.outcome}`), x.case_id ? [' · ', h('a', { href: `#/case/${x.case_id}` }, t('village.case'))] : null,
          ' · ', h('span', { class: 'muted small' }, fmtDateTime(x.at))))) : emptyState(t('village.noConsultations'))));
  }
}
