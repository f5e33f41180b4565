// case.js - one case: facts, parties, deadlines, duplicates, the actions the
// server allows (each with its own small form) and the timeline.
import { h, append, replace, field, select, uid } from '../dom.js';
import { t, tc, fmtDate, fmtDateTime, fmtMoney, fmtNumber } from '../i18n.js';
import { api, get, post, session, clearErrors, showError, errorBox, ApiError } from '../api.js';
import { CATEGORIES, PARTY_ROLES, codeOptions, hasRole, statusBadge, trackBadge, deadlineChip, deadlineUrgency, dl, timelineList, actorName, loading, nextDeadline } from '../common.js';
import { noticesCard, drawNotices } from '../notices.js';
import { attachmentsCard, drawAttachments } from './attachments.js';
import { bindKeys } from '../keys.js';
import { caseMediationLink } from './mediation.js';
import { caseTeamLink } from './teams.js';

// The order buttons appear in, and the fields each action asks for.
const ACTIONS = {
  take: [],
  accept: [],
  reject: ['reason'],
  assign: ['handler', 'note'],
  start: [],
  suspend: ['reason'],
  resume: [],
  escalate: ['reason'],
  resolve: ['outcome', 'summary'],
  refer: ['to', 'reason'],
  follow_up: ['satisfaction', 'confirmed_resolved', 'note'],
  close: [],
  reopen: ['reason'],
  extend: ['reason'],
  request_review: ['reason'],
  answer_review: ['summary'],
  link: ['other_id'],
  merge: ['other_id'],
  note: ['text'],
  remind: ['reason'],
  send_back: ['reason'],
  co_mediate: ['co_mediators'],
};
// The usual next step in each state: the first of these the server allows
// becomes the one primary button; the rest go under 更多.
const PRIMARY = {
  registered: ['take', 'accept'],
  accepted: ['take', 'assign'],
  reopened: ['take', 'assign'],
  assigned: ['start'],
  mediating: ['resolve'],
  suspended: ['resume'],
  resolved: ['follow_up'],
  followed_up: ['close'],
  referred: ['close'],
  rejected: ['close'],
  under_review: ['answer_review'],
};
// Steps that ask nothing run at once (one click); the rest open a form.
const IMMEDIATE = new Set(['take', 'accept', 'start', 'resume']);
// Destructive steps stand apart from the others.
const DANGER = new Set(['reject']);
const OUTCOMES = ['mediated', 'agreement', 'withdrawn', 'other'];

// Duplicates the server reported when a case was registered here; the case
// itself (GET /api/cases/{id}) may not repeat them.
const knownDuplicates = new Map();
export function rememberDuplicates(id, list) {
  if (Array.isArray(list) && list.length) knownDuplicates.set(String(id), list);
}
const REFER_TO = ['arbitration', 'litigation', 'administrative', 'petition'];
const SATISFACTION = ['satisfied', 'basically_satisfied', 'unsatisfied'];

export async function render({ container, params, isCurrent }) {
  const id = params.id;
  append(container, loading());
  let c;
  try {
    c = await get(`/api/cases/${encodeURIComponent(id)}`);
  } catch (err) {
    if (!isCurrent()) return;
    if (err instanceof ApiError && err.status === 404) {
      replace(container, h('h1', null, t('case.notFoundTitle')), h('p', null, t('case.notFound')),
        h('p', null, h('a', { href: '#/cases', class: 'btn' }, t('inbox.allCases'))));
    } else replace(container, h('h1', null, t('case.pageTitle')), errorBox(err));
    return;
  }
  if (!isCurrent()) return;

  const head = h('div', { class: 'case-head' });
  const facts = h('section', { class: 'card case-facts', 'aria-labelledby': 'sec-facts' });
  const deadlines = h('section', { class: 'card', 'aria-labelledby': 'sec-deadlines' });
  const parties = h('section', { class: 'card', 'aria-labelledby': 'sec-parties' });
  const dups = h('section', { class: 'card', 'aria-labelledby': 'sec-dups' });
  const actions = h('section', { class: 'card actions-card', 'aria-labelledby': 'sec-actions' });
  const timeline = h('section', { class: 'card', 'aria-labelledby': 'sec-timeline' });
  const status = h('p', { class: 'flash', role: 'status', 'aria-live': 'polite' });
  const notices = noticesCard();
  const attachments = attachmentsCard();
  const banner = h('div', { class: 'case-banner' });

  replace(container,
    h('nav', { class: 'breadcrumb', 'aria-label': t('common.breadcrumb') },
      h('a', { href: '#/inbox' }, t('nav.inbox')), ' / ', h('a', { href: '#/cases' }, t('nav.cases')), ' / ',
      h('span', { class: 'code' }, c.tracking_code || String(c.id))),
    head, banner, status,
    h('div', { class: 'case-layout' },
      h('div', { class: 'case-main' }, actions, facts, parties, attachments, timeline),
      h('div', { class: 'case-side' }, deadlines, notices, dups)));

  let contacts = null; // full phone numbers, after the user asked for them

  function draw() {
    replace(head,
      h('h1', null, c.title || c.tracking_code),
      h('p', { class: 'case-badges' },
        h('span', { class: 'code' }, c.tracking_code), ' ',
        statusBadge(c.status), ' ', trackBadge(c.track), ' ',
        c.group_dispute ? h('span', { class: 'badge group' }, t('case.groupDispute')) : null, ' ',
        c.imported ? h('span', { class: 'badge imported' }, t('case.imported')) : null),
      headDeadline(), caseMediationLink(c), caseTeamLink(c));
    drawFacts();
    drawDeadlines();
    drawParties();
    drawDups();
    drawActions();
    drawNotices(notices, c);
  }

  // People by their display names; a channel (public, hotline) in words.
  function handlerName(cs) {
    if (!cs.handler) return '';
    return cs.handler_name || t('actor.staff');
  }

  function createdByName(cs) {
    if (!cs.created_by) return '';
    return cs.created_by_name || actorName({ actor: cs.created_by });
  }

  // On a phone the side column (deadlines) comes last: the nearest open
  // deadline also stands right under the title there (CSS shows it only on
  // narrow screens, so it is not read twice on a desktop).
  function headDeadline() {
    const d = nextDeadline(c);
    if (!d) return null;
    return h('p', { class: 'head-deadline' }, deadlineChip(d), ' ',
      h('span', { class: 'muted due-at' }, t('deadline.dueAt', { at: fmtDate(d.due_at) })));
  }

  // Who moved the case here and why, open reminders (督办) and co-mediators,
  // from GET /api/cases/{id}/team, at the top of the page.
  let team = null;
  async function loadTeam() {
    try {
      team = await get(`/api/cases/${encodeURIComponent(c.id)}/team`);
    } catch (_) {
      team = null; // the rest of the page stands without it
    }
    if (isCurrent()) drawBanner();
  }

  function drawBanner() {
    const m = team && team.move;
    const parts = [];
    if (m && m.to_unit === c.unit_region && (m.kind === 'escalate' || m.kind === 'send_back')) {
      parts.push(h('div', { class: ['banner', m.kind === 'escalate' ? 'banner-escalated' : 'banner-sent-back'], role: 'note' },
        h('strong', null, t(m.kind === 'escalate' ? 'team.escalatedTitle' : 'team.sentBackTitle')), ' ',
        t('team.moveLine', { who: m.actor_name || m.actor, at: fmtDateTime(m.at), from: m.from_unit_name || m.from_unit || '' }),
        m.reason ? h('div', { class: 'banner-reason' }, t('timeline.reason'), t('common.colon'), m.reason) : null));
    }
    for (const r of (team && team.reminders) || []) {
      parts.push(h('div', { class: 'banner banner-remind', role: 'note' },
        h('strong', null, t('team.remindTitle')), ' ',
        t('team.remindLine', { who: r.actor_name || r.actor, at: fmtDateTime(r.at) }),
        h('div', { class: 'banner-reason' }, r.reason)));
    }
    const co = (team && team.co_mediators) || [];
    if (co.length) {
      parts.push(h('p', { class: 'co-mediators muted' }, t('team.coMediators'), t('common.colon'),
        co.map((u) => u.display_name || t('actor.staff')).join(t('common.listSep'))));
    }
    replace(banner, ...parts);
  }

  function drawFacts() {
    const loc = c.location || {};
    const coords = (loc.lat !== undefined && loc.lat !== null && loc.lon !== undefined && loc.lon !== null)
      ? `${loc.lat}, ${loc.lon}` : '';
    const editBtn = mayEdit()
      ? h('button', { type: 'button', class: 'btn btn-small', id: 'edit-facts', 'aria-expanded': editing ? 'true' : 'false', 'aria-controls': 'edit-form', onclick: () => { editing = !editing; drawFacts(); if (editing) facts.querySelector('#edit-form input').focus(); else facts.querySelector('#edit-facts').focus(); } },
        editing ? t('case.editClose') : t('case.edit'))
      : null;
    replace(facts,
      h('div', { class: 'section-head' }, h('h2', { id: 'sec-facts' }, t('case.facts')), editBtn),
      editing ? editForm() : null,
      h('p', { class: 'case-desc' }, c.description || ''),
      dl([
        [t('case.status'), tc('status', c.status)],
        [t('case.category'), tc('category', c.category)],
        [t('case.channel'), tc('channel', c.channel)],
        [t('case.track'), tc('track', c.track)],
        [t('case.region'), c.region_name || c.region],
        [t('case.address'), loc.address || ''],
        [t('case.coords'), coords],
        [t('case.grid'), c.grid || ''],
        [t('case.unit'), c.unit_region_name || c.unit_region || ''],
        [t('case.level'), c.level ? tc('level', c.level) : ''],
        [t('case.handler'), handlerName(c)],
        [t('case.occurredAt'), fmtDateTime(c.occurred_at)],
        [t('case.peopleInvolved'), c.people_involved ? fmtNumber(c.people_involved) : ''],
        [t('case.amount'), c.amount_in_dispute ? fmtMoney(c.amount_in_dispute) : ''],
        [t('case.resolvedLevel'), c.resolved_level ? tc('level', c.resolved_level) : ''],
        [t('case.resolvedAt'), fmtDateTime(c.resolved_at)],
        [t('field.outcome'), c.outcome ? tc('outcome', c.outcome) : ''],
        [t('field.summary'), c.summary || ''],
        [t('field.satisfaction'), c.satisfaction ? tc('satisfaction', c.satisfaction) : ''],
        [t('case.createdBy'), createdByName(c)],
        [t('case.createdAt'), fmtDateTime(c.created_at)],
        [t('case.updatedAt'), fmtDateTime(c.updated_at)],
      ]));
  }

  // ---- editing the facts (PATCH /api/cases/{id}) ----
  let editing = false;

  function mayEdit() {
    if (!c.id || c.imported || c.merged_into || c.status === 'closed' || c.status === 'rejected') return false;
    return hasRole(session.user, 'mediator', 'handler', 'petition_officer', 'admin');
  }

  function editForm() {
    const loc = c.location || {};
    const title = field(t('case.title'), h('input', { type: 'text', name: 'title', value: c.title || '', maxlength: '200', required: true }), { name: 'title', required: true });
    const desc = field(t('case.description'), h('textarea', { name: 'description', rows: '5', maxlength: '5000', required: true }), { name: 'description', required: true });
    desc.input.value = c.description || '';
    const cat = field(t('case.category'), select(codeOptions('category', CATEGORIES), { name: 'category', value: c.category }), { name: 'category' });
    const addr = field(t('case.address'), h('input', { type: 'text', name: 'address', value: loc.address || '', maxlength: '200' }), { name: 'location.address' });
    // the parties are edited with their full phones only (read through the
    // audited contacts call); until then they stay as they are
    const partySlot = h('fieldset', { class: 'edit-parties', dataset: { field: 'parties' } },
      h('legend', null, t('case.parties')));
    let rows = null;
    const drawRows = () => {
      const list = h('div', { class: 'party-rows' });
      rows.forEach((p, i) => {
        const role = select(codeOptions('partyRole', PARTY_ROLES), { name: `role-${i}`, value: p.role, 'aria-label': `${t('case.partyRole')} ${i + 1}` });
        const name = h('input', { type: 'text', value: p.name || '', maxlength: '50', 'aria-label': `${t('case.partyName')} ${i + 1}` });
        const phone = h('input', { type: 'tel', value: p.phone || '', maxlength: '20', inputmode: 'numeric', 'aria-label': `${t('case.partyPhone')} ${i + 1}` });
        const org = h('input', { type: 'text', value: p.org || '', maxlength: '100', 'aria-label': `${t('case.partyOrg')} ${i + 1}` });
        role.addEventListener('change', () => { p.role = role.value; });
        name.addEventListener('input', () => { p.name = name.value; });
        phone.addEventListener('input', () => { p.phone = phone.value; });
        org.addEventListener('input', () => { p.org = org.value; });
        const del = h('button', { type: 'button', class: 'btn btn-small', onclick: () => { rows.splice(i, 1); drawRows(); } }, t('case.partyRemove'));
        list.appendChild(h('div', { class: 'party-row' }, role, name, phone, org, del));
      });
      const add = h('button', { type: 'button', class: 'btn btn-small', onclick: () => { rows.push({ role: 'respondent', name: '', phone: '', org: '' }); drawRows(); } }, t('case.partyAdd'));
      replace(partySlot, h('legend', null, t('case.parties')), list, add, h('p', { class: 'field-error', hidden: true, role: 'alert' }));
    };
    const startParties = h('button', { type: 'button', class: 'btn btn-small', onclick: async () => {
      try {
        if (!contacts) contacts = (await get(`/api/cases/${encodeURIComponent(c.id)}/contacts`)).parties || [];
        rows = contacts.map((p) => ({ role: p.role, name: p.name || '', phone: p.phone || '', org: p.org || '' }));
        drawRows();
        drawParties();
        const first = partySlot.querySelector('input');
        if (first) first.focus();
      } catch (err) {
        partySlot.appendChild(errorBox(err));
      }
    } }, t('case.editParties'));
    partySlot.append(h('p', { class: 'muted small' }, t('case.editPartiesHint')), startParties);
    const save = h('button', { type: 'submit', class: 'btn btn-primary' }, t('case.editSave'));
    const cancel = h('button', { type: 'button', class: 'btn', onclick: () => { editing = false; drawFacts(); facts.querySelector('#edit-facts').focus(); } }, t('common.cancel'));
    const form = h('form', { id: 'edit-form', class: 'edit-form', novalidate: true, 'aria-label': t('case.edit') },
      h('p', { class: 'form-error', hidden: true, role: 'alert' }),
      h('p', { class: 'muted small' }, t('case.editHelp')),
      title.wrap, desc.wrap, cat.wrap, addr.wrap, partySlot,
      h('p', { class: 'form-actions' }, save, cancel));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(form);
      const body = {};
      if (title.input.value.trim() !== (c.title || '')) body.title = title.input.value.trim();
      if (desc.input.value.trim() !== (c.description || '').trim()) body.description = desc.input.value.trim();
      if (cat.input.value !== c.category) body.category = cat.input.value;
      if (addr.input.value.trim() !== (loc.address || '')) body.location = { address: addr.input.value.trim() || null };
      if (rows) {
        body.parties = rows.map((p) => ({ role: p.role, name: p.name.trim(), phone: p.phone.trim() || null, org: p.org.trim() || null }));
      }
      if (Object.keys(body).length === 0) {
        showError(form, new ApiError(400, 'invalid', t('case.editNothing')));
        return;
      }
      save.disabled = true;
      try {
        c = await api('PATCH', `/api/cases/${encodeURIComponent(c.id)}`, body);
        if (rows) contacts = null;
        editing = false;
        draw();
        status.textContent = t('case.editDone');
        await loadTimeline();
        facts.querySelector('#edit-facts').focus();
      } catch (err) {
        showError(form, err);
        save.disabled = false;
      }
    });
    return form;
  }

  function drawDeadlines() {
    const list = (c.deadlines || []);
    const body = list.length === 0 ? h('p', { class: 'muted' }, t('case.noDeadlines'))
      : h('ul', { class: 'deadline-list' }, list.map((d) => h('li', { class: 'urgency-' + deadlineUrgency(d) },
        deadlineChip(d),
        h('span', { class: 'muted due-at' }, t('deadline.dueAt', { at: fmtDate(d.due_at) })))));
    replace(deadlines, h('h2', { id: 'sec-deadlines' }, t('case.deadlines')), body);
  }

  function drawParties() {
    const src = contacts || c.parties || [];
    const btn = h('button', { type: 'button', class: 'btn btn-small', 'aria-pressed': contacts ? 'true' : 'false' },
      contacts ? t('case.hideContacts') : t('case.showContacts'));
    btn.addEventListener('click', async () => {
      if (contacts) { contacts = null; drawParties(); return; }
      btn.disabled = true;
      try {
        const r = await get(`/api/cases/${encodeURIComponent(c.id)}/contacts`);
        contacts = r.parties || [];
        drawParties();
        parties.querySelector('button').focus();
      } catch (err) {
        btn.disabled = false;
        parties.appendChild(errorBox(err));
      }
    });
    const list = src.length === 0 ? h('p', { class: 'muted' }, t('case.noParties'))
      : h('ul', { class: 'party-list' }, src.map((p) => h('li', null,
        h('span', { class: 'badge' }, tc('partyRole', p.role)), ' ',
        h('strong', null, p.name || ''),
        p.org ? h('span', { class: 'muted' }, ` · ${p.org}`) : null,
        p.phone ? h('span', { class: 'phone' }, ' · ', h('a', { href: contacts ? `tel:${p.phone}` : null }, p.phone)) : null)));
    replace(parties,
      h('div', { class: 'section-head' }, h('h2', { id: 'sec-parties' }, t('case.parties')), src.length ? btn : null),
      contacts ? h('p', { class: 'muted small' }, t('case.contactsAudited')) : null,
      list);
  }

  function drawDups() {
    const list = c.possible_duplicates || knownDuplicates.get(String(c.id)) || [];
    const links = Array.isArray(c.links) ? c.links : [];
    const open = c.status !== 'closed' && c.status !== 'rejected' && !c.merged_into;
    replace(dups, h('h2', { id: 'sec-dups' }, t('case.duplicates')),
      list.length === 0 ? h('p', { class: 'muted' }, t('case.noDuplicates'))
        : h('ul', { class: 'dup-list' }, list.map((d) => h('li', null,
          h('a', { href: `#/case/${d.id}` }, d.title || d.tracking_code), ' ',
          h('span', { class: 'code' }, d.tracking_code),
          d.reason ? h('div', { class: 'muted small' }, tc('dupReason', d.reason, t('timeline.otherAction'))) : null,
          open && mayMerge() ? mergeHere(d) : null))),
      links.length ? h('h3', null, t('case.links')) : null,
      links.length ? h('ul', { class: 'dup-list link-list' }, links.map((l) => h('li', null,
        h('span', { class: 'badge' }, tc('linkKind', l.kind, t('case.links'))), ' ',
        h('a', { href: `#/case/${l.id}` }, l.title || l.tracking_code), ' ',
        h('span', { class: 'code' }, l.tracking_code || '')))) : null);
  }

  function mayMerge() {
    return hasRole(session.user, 'mediator', 'handler', 'petition_officer', 'admin');
  }

  // "合并到此案": the duplicate is merged into this case, which survives; a
  // short confirmation says so before anything changes.
  function mergeHere(d) {
    const box = h('div', { class: 'merge-here' });
    const ask = () => {
      const yes = h('button', { type: 'button', class: 'btn btn-primary btn-small' }, t('case.mergeHereConfirm'));
      const no = h('button', { type: 'button', class: 'btn btn-small', onclick: () => { replace(box, btn); btn.focus(); } }, t('common.cancel'));
      yes.addEventListener('click', async () => {
        yes.disabled = true;
        try {
          await post(`/api/cases/${encodeURIComponent(d.id)}/actions`, { action: 'merge', other_id: Number(c.id) });
          c = await get(`/api/cases/${encodeURIComponent(c.id)}`);
          draw();
          status.textContent = t('case.mergeHereDone', { other: d.tracking_code, self: c.tracking_code });
          await loadTimeline();
        } catch (err) {
          yes.disabled = false;
          box.appendChild(errorBox(err));
        }
      });
      replace(box, h('p', { class: 'merge-statement', role: 'status' },
        t('case.mergeHereStatement', { other: d.tracking_code, self: c.tracking_code })), h('p', { class: 'form-actions' }, yes, ' ', no));
      yes.focus();
    };
    const btn = h('button', { type: 'button', class: 'btn btn-small merge-here-btn', dataset: { id: String(d.id) }, onclick: ask }, t('case.mergeHere'));
    box.appendChild(btn);
    return box;
  }

  let openAction = null;
  const formSlot = h('div', { class: 'action-form-slot' });

  let moreOpen = false;
  function primaryAction(allowed) {
    return (PRIMARY[c.status] || []).find((a) => allowed.includes(a)) || null;
  }

  function actionButton(a, cls) {
    const b = h('button', {
      type: 'button', class: ['btn', 'action-btn', ...cls],
      dataset: { action: a }, 'aria-expanded': IMMEDIATE.has(a) ? null : (openAction === a ? 'true' : 'false'),
      'aria-controls': IMMEDIATE.has(a) ? null : 'action-form',
    }, tc('action', a));
    b.addEventListener('click', () => {
      if (IMMEDIATE.has(a)) { runAction(a, { action: a }, null, b); return; }
      if (openAction === a) { closeForm(); return; }
      openForm(a);
    });
    return b;
  }

  function drawActions() {
    const allowed = c.allowed_actions || [];
    // Actions this UI has no form for (e.g. split) are left to other tools.
    const ordered = Object.keys(ACTIONS).filter((a) => allowed.includes(a));
    const primary = primaryAction(ordered);
    const rest = ordered.filter((a) => a !== primary && a !== 'note' && !DANGER.has(a));
    const danger = ordered.filter((a) => DANGER.has(a));
    const bar = h('div', { class: 'action-bar', role: 'group', 'aria-label': t('case.actions') },
      primary ? actionButton(primary, ['btn-primary', 'action-primary']) : null,
      ordered.includes('note') ? actionButton('note', []) : null);
    if (rest.length) {
      if (rest.includes(openAction)) moreOpen = true;
      const more = h('details', { class: 'more-actions', open: moreOpen },
        h('summary', { class: 'btn' }, t('team.more')),
        h('div', { class: 'more-list' }, rest.map((a) => actionButton(a, ['btn-action']))));
      more.addEventListener('toggle', () => { moreOpen = more.open; });
      bar.appendChild(more);
    }
    const dangerBar = danger.length
      ? h('div', { class: 'action-danger', role: 'group', 'aria-label': t('team.danger') }, danger.map((a) => actionButton(a, ['btn-danger'])))
      : null;
    if (openAction && !ordered.includes(openAction)) openAction = null;
    if (!openAction) replace(formSlot);
    replace(actions,
      h('h2', { id: 'sec-actions' }, t('case.actions')),
      ordered.length ? bar : h('p', { class: 'muted' }, t('case.noActions')),
      dangerBar,
      formSlot);
  }

  // Posts one action; on success redraws the page and says so.
  async function runAction(a, body, form, btn) {
    if (btn) btn.disabled = true;
    try {
      const updated = await post(`/api/cases/${encodeURIComponent(c.id)}/actions`, body);
      if (updated && updated.id !== undefined) c = updated;
      else c = await get(`/api/cases/${encodeURIComponent(c.id)}`);
      openAction = null;
      draw();
      status.textContent = t('case.actionDone', { action: tc('action', a) });
      await Promise.all([loadTimeline(), loadTeam()]);
      const first = actions.querySelector('.action-btn');
      if (!first) head.querySelector('h1').setAttribute('tabindex', '-1');
      (first || head.querySelector('h1')).focus();
      return true;
    } catch (err) {
      if (form) showError(form, err);
      else { status.textContent = ''; replace(formSlot, errorBox(err)); }
      if (btn) btn.disabled = false;
      return false;
    }
  }

  // Keyboard: a = the usual next step, e = escalate, n = a note.
  bindKeys(isCurrent, {
    a: () => { const b = actions.querySelector('.action-primary'); if (b) b.click(); },
    e: () => { if ((c.allowed_actions || []).includes('escalate')) { moreOpen = true; openForm('escalate'); } },
    n: () => { if ((c.allowed_actions || []).includes('note')) openForm('note'); },
  });

  function closeForm() {
    const a = openAction;
    openAction = null;
    replace(formSlot);
    drawActions();
    const b = actions.querySelector(`[data-action="${a}"]`);
    if (b) b.focus();
  }

  async function openForm(a) {
    openAction = a;
    drawActions();
    const form = h('form', { id: 'action-form', class: 'action-form', novalidate: true, dataset: { action: a } },
      h('h3', { tabindex: '-1' }, tc('action', a)),
      h('p', { class: 'muted small' }, t(`actionHelp.${a}`) !== `actionHelp.${a}` ? t(`actionHelp.${a}`) : ''),
      h('p', { class: 'form-error', hidden: true, role: 'alert' }));
    const getters = {};
    for (const f of ACTIONS[a] || []) {
      const built = await buildField(a, f);
      form.appendChild(built.wrap);
      getters[f] = built;
    }
    const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, t('case.confirmAction', { action: tc('action', a) }));
    const cancel = h('button', { type: 'button', class: 'btn' }, t('common.cancel'));
    cancel.addEventListener('click', closeForm);
    form.appendChild(h('p', { class: 'form-actions' }, submit, cancel));
    form.addEventListener('keydown', (e) => { if (e.key === 'Escape') closeForm(); });
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(form);
      const body = { action: a };
      for (const [name, g] of Object.entries(getters)) {
        const v = g.value();
        if (g.required && (v === '' || v === null || v === undefined)) {
          g.error.textContent = t('form.required');
          g.error.hidden = false;
          g.input.setAttribute('aria-invalid', 'true');
          g.input.focus();
          return;
        }
        if (v !== '' && v !== null && v !== undefined) body[name] = v;
      }
      await runAction(a, body, form, submit);
    });
    replace(formSlot, form);
    const firstInput = form.querySelector('input, select, textarea');
    (firstInput || submit).focus();
  }

  async function buildField(a, f) {
    let input;
    let required = true;
    let value = () => input.value.trim();
    const opt = (group, codes) => select([{ value: '', label: t('common.choose') }, ...codes.map((x) => ({ value: x, label: tc(group, x) }))], { name: f });
    switch (f) {
      case 'reason': case 'summary': case 'text':
        input = h('textarea', { name: f, rows: '3', maxlength: '2000' });
        break;
      case 'note':
        input = h('textarea', { name: f, rows: '3', maxlength: '2000' });
        required = false;
        break;
      case 'outcome': input = opt('outcome', OUTCOMES); break;
      case 'to': input = opt('referTo', REFER_TO); break;
      case 'satisfaction': input = opt('satisfaction', SATISFACTION); break;
      case 'confirmed_resolved': {
        input = h('input', { type: 'checkbox', name: f, id: uid('cb') });
        required = false;
        value = () => input.checked;
        const error = h('p', { class: 'field-error', hidden: true, role: 'alert' });
        const wrap = h('div', { class: 'field checkbox', dataset: { field: f } }, input, h('label', { for: input.id }, t('field.confirmed_resolved')), error);
        return { wrap, input, error, required, value };
      }
      case 'co_mediators': {
        const users = (await candidates()).filter((u) => !c.handler || u.username !== (c.handler.username || c.handler));
        const chosen = new Set(((team && team.co_mediators) || []).map((u) => u.username));
        const boxes = users.map((u) => ({ u, box: h('input', { type: 'checkbox', name: f, value: u.username, id: uid('co'), checked: chosen.has(u.username) }) }));
        const error = h('p', { class: 'field-error', hidden: true, role: 'alert' });
        const wrap = h('fieldset', { class: 'field co-mediator-pick', dataset: { field: f } },
          h('legend', null, t('field.co_mediators')),
          boxes.length ? boxes.map(({ u, box }) => h('div', { class: 'checkbox' }, box,
            h('label', { for: box.id }, loadLabel(u)))) : h('p', { class: 'muted' }, t('team.noCandidates')),
          error);
        return { wrap, input: boxes.length ? boxes[0].box : wrap, error, required: false, value: () => boxes.filter((x) => x.box.checked).map((x) => x.u.username) };
      }
      case 'handler': {
        const users = await candidates();
        if (users.length) {
          input = select([{ value: '', label: t('common.choose') }, ...users.map((u) => ({
            value: u.username,
            label: loadLabel(u) + (session.user && u.username === session.user.username ? ` — ${t('case.me')}` : ''),
          }))], { name: f });
        } else {
          input = h('input', { type: 'text', name: f, autocomplete: 'off', value: session.user ? session.user.username : '' });
        }
        break;
      }
      case 'other_id': {
        const d = c.possible_duplicates || [];
        input = h('input', { type: 'text', name: f, autocomplete: 'off', list: d.length ? 'dup-ids' : null, spellcheck: 'false' });
        const preview = h('div', { class: 'code-preview', 'aria-live': 'polite' });
        let found = null;
        let seq = 0;
        const look = async () => {
          const v = input.value.trim();
          const mine = ++seq;
          found = null;
          if (v.length < 4 && !/^\d+$/.test(v)) { replace(preview); return; }
          let hit = null;
          let many = [];
          try {
            if (/^FQ-[0-9A-Z]{5}-[0-9A-Z]{5}$/i.test(v)) hit = await get(`/api/cases/by-code/${encodeURIComponent(v.toUpperCase())}`);
            else if (/^\d+$/.test(v)) hit = await get(`/api/cases/${encodeURIComponent(v)}`);
            else many = ((await get('/api/cases?page_size=5&q=' + encodeURIComponent(v))).items || []).filter((x) => x.id !== c.id);
          } catch (_) { hit = null; }
          if (mine !== seq) return;
          if (!hit && many.length === 1) hit = many[0];
          if (hit && hit.id === c.id) hit = null;
          if (hit) {
            found = hit;
            replace(preview, h('div', { class: 'preview-card' },
              h('strong', { class: 'preview-title' }, hit.title || hit.tracking_code), ' ',
              h('span', { class: 'code' }, hit.tracking_code), ' ', statusBadge(hit.status),
              hit.region_name ? h('span', { class: 'muted' }, ' · ', hit.region_name) : null),
            h('p', { class: 'survivor' }, t(a === 'merge' ? 'case.mergeSurvivor' : 'case.linkStatement', { other: hit.tracking_code, self: c.tracking_code })));
          } else if (many.length > 1) {
            replace(preview, h('ul', { class: 'preview-choices' }, many.map((x) => h('li', null,
              h('button', { type: 'button', class: 'btn btn-small btn-link', onclick: () => { input.value = x.tracking_code; look(); } },
                x.tracking_code, ' ', x.title || '')))));
          } else {
            replace(preview, h('p', { class: 'muted small' }, t('case.codeNotFound')));
          }
        };
        let timer = null;
        input.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(look, 250); });
        value = () => (found ? Number(found.id) : (/^\d+$/.test(input.value.trim()) ? Number(input.value.trim()) : ''));
        const fl = field(t('field.other_code'), input, { name: f, required: true, hint: t('field.other_codeHint'), hintId: uid('hint') });
        fl.wrap.appendChild(preview);
        if (d.length) {
          fl.wrap.appendChild(h('datalist', { id: 'dup-ids' }, d.map((x) => h('option', { value: x.tracking_code }, x.title || ''))));
        }
        return { ...fl, required: true, value };
      }
      default:
        input = h('input', { type: 'text', name: f });
    }
    const fl = field(t(`field.${f}`), input, { name: f, required });
    return { ...fl, required, value };
  }

  // A person and their open load: "张美华（枫源村调委会） · 在办 3 件".
  function loadLabel(u) {
    const name = u.display_name || t('actor.staff');
    return typeof u.open === 'number' ? `${name} · ${t('team.openLoad', { n: fmtNumber(u.open) })}` : name;
  }

  async function candidates() {
    // who may take the case, each with their open cases (scoped by the server)
    try {
      const r = await get(`/api/cases/${encodeURIComponent(c.id)}/candidates`);
      if (r.items && r.items.length) return r.items;
    } catch (_) { /* fall back to the directory below */ }
    // people who can see the case: the village's own and those above it
    // within the caller's reach (the server filters to the caller's scope)
    const region = c.region || c.unit_region;
    const out = new Map();
    for (const role of ['handler', 'mediator']) {
      try {
        const r = await get(`/api/users?region=${encodeURIComponent(region)}&role=${role}`);
        for (const u of r.items || []) if (!out.has(u.username)) out.set(u.username, u);
      } catch (_) { /* fall back to typing a user name */ }
    }
    return [...out.values()];
  }

  // The timeline comes a page at a time (100 entries); 更多 loads the next.
  async function loadTimeline() {
    const head = h('h2', { id: 'sec-timeline' }, t('case.timeline'));
    const items = [];
    const page = async (after) => {
      const qs = after ? `?after=${encodeURIComponent(after)}` : '';
      const r = await get(`/api/cases/${encodeURIComponent(c.id)}/timeline${qs}`);
      items.push(...(r.items || []));
      const more = r.next_after
        ? h('button', { type: 'button', class: 'btn btn-secondary tl-more', onclick: async (ev) => {
          ev.currentTarget.disabled = true;
          try { await page(r.next_after); } catch (err) { replace(timeline, head, errorBox(err)); }
        } }, t('case.timelineMore'))
        : null;
      replace(timeline, head, timelineList(items), more);
    };
    try {
      await page(null);
    } catch (err) {
      replace(timeline, head, errorBox(err));
    }
  }

  draw();
  import('./case-risk.js').then((m) => m.mountRisk(container.querySelector('.case-side'), c, isCurrent)); // 风险研判 (issue 16)
  import('./case-adviser.js').then((m) => m.mountAdviser(container.querySelector('.case-side'), c, isCurrent)); // 法律顾问 (issue 18)
  replace(timeline, h('h2', { id: 'sec-timeline' }, t('case.timeline')), loading());
  await Promise.all([loadTimeline(), loadTeam(), drawAttachments(attachments, c, loadTimeline)]);
}
