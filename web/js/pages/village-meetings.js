// village-meetings.js - a village's meetings and its representatives'
// roster (issue 18; docs/village.md "Meetings and the roster"): the roster
// with its composition (四分之五 of representatives, a third of women:
// 村民委员会组织法 art. 25) and absences in a row (Zhejiang art. 22); the
// meetings of the villagers' assembly, the representatives' assembly and
// the two councils, with the quarter's representatives' assembly (art. 26);
// for a meeting on its day: attendance, decisions with the open vote's
// counts (the result the server finds), minutes, and closing it.
import { h, append, replace, field, select, qs } from '../dom.js';
import { t } from '../i18n.js';
import { get, post, session, clearErrors, showError, errorBox } from '../api.js';
import { emptyState, loading } from '../common.js';

const KINDS = ['representatives', 'assembly', 'residents_council', 'worthies_council'];

function myVillage() {
  const r = ((session.user && session.user.roles) || []).find((x) => x.region && x.region.length === 12);
  return r ? r.region : '';
}

const bjDay = (offset = 0) => new Date(Date.now() + 8 * 3600e3 + offset * 86400e3).toISOString().slice(0, 10);

function textField(label, name, attrs = {}) {
  return field(label, h('input', { type: 'text', name, ...attrs }), { name, required: !!attrs.required });
}

/** Sends form's body from build() to path, then reload(). */
function onSubmit(form, path, build, reload) {
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const button = form.querySelector('button[type="submit"]');
    if (button) button.disabled = true;
    try {
      await post(path, build());
      await reload();
    } catch (err) {
      showError(form, err);
      if (button) button.disabled = false;
    }
  });
  return form;
}

function submitButton(label) {
  return h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary btn-small' }, label));
}

// ---- the roster ----

function rosterForm(village, reload) {
  const name = textField(t('vmeet.name'), 'name', { maxlength: 50, required: true });
  const household = textField(t('vmeet.household'), 'household', { maxlength: 100, required: true });
  const kind = select(['representative', 'committee'].map((k) => ({ value: k, label: t(`vmeet.member.${k}`) })), { name: 'member_kind' });
  const households = field(t('vmeet.households'), h('input', { type: 'number', name: 'households', min: 0, max: 15, value: 10, inputmode: 'numeric' }),
    { name: 'households', hint: t('vmeet.householdsHint'), hintId: 'vmeet-households-hint' });
  const woman = h('input', { type: 'checkbox', name: 'woman', id: 'vmeet-woman' });
  const elected = field(t('vmeet.electedOn'), h('input', { type: 'date', name: 'elected_on', value: bjDay(), required: true }), { name: 'elected_on' });
  const form = h('form', { class: 'form vmeet-roster-form', novalidate: true },
    h('h3', null, t('vmeet.addMember')), name.wrap, household.wrap,
    field(t('vmeet.memberKind'), kind, { name: 'member_kind' }).wrap, households.wrap,
    h('div', { class: 'field checkbox' }, woman, h('label', { for: 'vmeet-woman' }, t('vmeet.woman'))),
    elected.wrap, submitButton(t('vmeet.add')));
  return onSubmit(form, '/api/v1/village/representatives', () => ({
    region: village, name: name.input.value.trim(), household: household.input.value.trim(), member_kind: kind.value,
    households: kind.value === 'committee' ? 0 : Number(households.input.value || 0), woman: woman.checked,
    elected_on: elected.input.value,
  }), reload);
}

function rosterView(res) {
  const s = res.summary;
  const flag = (ok, yes, no) => h('span', { class: ok ? 'pill' : 'pill urgency-overdue' }, t(ok ? yes : no));
  const live = res.items.filter((m) => !m.ended_on);
  return h('div', null,
    h('p', { class: 'vmeet-summary' }, t('vmeet.summary', { reps: s.representatives, committee: s.committee, women: s.women, households: s.households }),
      ' ', flag(s.reps_share_ok, 'vmeet.repsShare.ok', 'vmeet.repsShare.short'),
      ' ', flag(s.women_share_ok, 'vmeet.womenShare.ok', 'vmeet.womenShare.short')),
    live.length
      ? h('ul', { class: 'vmeet-roster' }, live.map((m) => h('li', { 'data-id': m.id },
        h('strong', null, m.name), ' · ', m.household, ' · ', t(`vmeet.member.${m.member_kind}`),
        m.member_kind === 'representative' ? [' · ', m.households ? t('vmeet.forHouseholds', { n: m.households }) : (m.grp || t('vmeet.byGroup'))] : null,
        m.absence_flag ? [' ', h('span', { class: 'pill urgency-overdue' }, t('vmeet.absent3'))] : null)))
      : emptyState(t('vmeet.noMembers')));
}

// ---- meetings ----

function noticeForm(village, reload) {
  const kind = select(KINDS.map((k) => ({ value: k, label: t(`vmeet.kind.${k}`) })), { name: 'kind' });
  const title = textField(t('vmeet.titleField'), 'title', { maxlength: 200, required: true });
  const place = textField(t('vmeet.place'), 'place', { maxlength: 200 });
  const notice = field(t('vmeet.noticeDay'), h('input', { type: 'date', name: 'notice_day', value: bjDay(-3), required: true }),
    { name: 'notice_day', hint: t('vmeet.noticeHint'), hintId: 'vmeet-notice-hint' });
  const day = field(t('vmeet.meetingDay'), h('input', { type: 'date', name: 'meeting_day', value: bjDay(), required: true }), { name: 'meeting_day' });
  const agenda = field(t('vmeet.agenda'), h('textarea', { name: 'agenda', rows: 3, required: true }),
    { name: 'agenda', hint: t('vmeet.agendaHint'), hintId: 'vmeet-agenda-hint', required: true });
  const form = h('form', { class: 'form vmeet-notice-form', novalidate: true },
    h('h3', null, t('vmeet.notice')), field(t('vmeet.kindField'), kind, { name: 'kind' }).wrap, title.wrap, place.wrap,
    notice.wrap, day.wrap, agenda.wrap, submitButton(t('vmeet.sendNotice')));
  return onSubmit(form, '/api/v1/village/meetings', () => ({
    region: village, kind: kind.value, title: title.input.value.trim(), place: place.input.value.trim() || undefined,
    notice_day: notice.input.value, meeting_day: day.input.value,
    agenda: agenda.input.value.split('\n').map((s) => s.trim()).filter(Boolean),
  }), reload);
}

function attendanceForm(m, roster, reload) {
  const rows = roster.filter((r) => !r.ended_on && (m.kind !== 'representatives' || r.member_kind === 'representative'));
  const had = Object.fromEntries((m.attendance || []).filter((a) => a.representative_id).map((a) => [a.representative_id, a]));
  const boxes = rows.map((r) => {
    const box = h('input', { type: 'checkbox', id: `vmeet-att-${m.id}-${r.id}`, checked: had[r.id] ? had[r.id].present : false });
    const reason = h('input', { type: 'text', maxlength: 200, 'aria-label': t('vmeet.reasonFor', { name: r.name }), placeholder: t('vmeet.reason'), value: (had[r.id] && had[r.id].reason) || '' });
    return { r, box, reason, el: h('li', { class: 'checkbox vmeet-att' }, box, h('label', { for: box.id }, r.name, ' · ', r.household), reason) };
  });
  const form = h('form', { class: 'form vmeet-attendance', novalidate: true },
    h('h4', null, t('vmeet.attendance')),
    boxes.length ? h('ul', { class: 'vmeet-att-list' }, boxes.map((b) => b.el)) : emptyState(t('vmeet.noMembers')),
    submitButton(t('vmeet.saveAttendance')));
  return onSubmit(form, `/api/v1/village/meetings/${m.id}/attendance`, () => ({
    items: boxes.map((b) => ({ representative_id: b.r.id, present: b.box.checked, reason: b.reason.value.trim() || undefined })),
  }), reload);
}

function decisionForm(m, reload) {
  const item = select(m.agenda.map((a) => ({ value: a, label: a })), { name: 'item' });
  const decision = field(t('vmeet.decision'), h('textarea', { name: 'decision', rows: 2, required: true }), { name: 'decision', required: true });
  const votes = m.kind === 'assembly' || m.kind === 'representatives';
  const num = (name) => field(t(`vmeet.count.${name}`), h('input', { type: 'number', name, min: 0, inputmode: 'numeric', required: name !== 'eligible_people' || m.kind === 'assembly' }), { name });
  const counts = votes ? ['yes', 'no', 'abstain', ...(m.kind === 'assembly' ? ['eligible_people', 'present_people'] : [])].map(num) : [];
  const form = h('form', { class: 'form vmeet-decision', novalidate: true },
    h('h4', null, t('vmeet.addDecision')), field(t('vmeet.item'), item, { name: 'item' }).wrap, decision.wrap,
    counts.map((c) => c.wrap), submitButton(t('vmeet.recordDecision')));
  return onSubmit(form, `/api/v1/village/meetings/${m.id}/decisions`, () => {
    const body = { item: item.value, decision: decision.input.value.trim() };
    for (const c of counts) if (c.input.value !== '') body[c.input.name] = Number(c.input.value);
    return body;
  }, reload);
}

function closeForm(m, reload) {
  const minutes = field(t('vmeet.minutes'), h('textarea', { name: 'minutes', rows: 4, required: true }),
    { name: 'minutes', hint: t('vmeet.minutesHint'), hintId: `vmeet-minutes-hint-${m.id}`, required: true });
  const form = h('form', { class: 'form vmeet-close', novalidate: true }, minutes.wrap, submitButton(t('vmeet.close')));
  return onSubmit(form, `/api/v1/village/meetings/${m.id}/held`, () => ({ minutes: minutes.input.value.trim() }), reload);
}

function meetingDetail(m, roster, reload) {
  const open = m.status === 'noticed' && m.meeting_day <= bjDay();
  return h('div', { class: 'vmeet-detail' },
    h('ol', { class: 'vmeet-agenda', 'aria-label': t('vmeet.agenda') }, m.agenda.map((a) => h('li', null, a))),
    h('p', null, t('vmeet.present', { n: m.present })),
    m.decisions.length ? h('ul', { class: 'vmeet-decisions' }, m.decisions.map((d) => h('li', null,
      h('strong', null, d.item), ': ', d.decision, ' ', h('span', { class: d.result === 'passed' || d.result === 'advice' ? 'pill' : 'pill urgency-overdue' }, t(`vmeet.result.${d.result}`)),
      d.votes_yes !== null && d.votes_yes !== undefined ? [' ', t('vmeet.counted', { yes: d.votes_yes, no: d.votes_no, abstain: d.votes_abstain, present: d.present_people, eligible: d.eligible_people })] : null))) : null,
    m.minutes ? h('div', { class: 'vmeet-minutes' }, h('h4', null, t('vmeet.minutes')), h('p', null, m.minutes)) : null,
    m.cancel_reason ? h('p', null, t('vmeet.cancelled', { reason: m.cancel_reason })) : null,
    open ? [attendanceForm(m, roster, reload), decisionForm(m, reload), closeForm(m, reload)]
      : (m.status === 'noticed' ? h('p', { class: 'muted' }, t('vmeet.notYet')) : null));
}

function meetingCard(m, roster, opened, reload) {
  const body = h('div', { class: 'vmeet-body' });
  const toggle = h('button', { type: 'button', class: 'btn btn-small', 'aria-expanded': 'false' }, t('vmeet.open'));
  const show = async () => {
    toggle.setAttribute('aria-expanded', 'true');
    opened.add(m.id);
    replace(body, loading());
    try {
      const full = await get(`/api/v1/village/meetings/${m.id}`);
      replace(body, meetingDetail(full, roster, reload));
    } catch (err) {
      replace(body, errorBox(err));
    }
  };
  toggle.addEventListener('click', () => {
    if (toggle.getAttribute('aria-expanded') === 'true') {
      toggle.setAttribute('aria-expanded', 'false');
      opened.delete(m.id);
      replace(body);
    } else show();
  });
  if (opened.has(m.id)) show();
  return h('li', { class: 'card vmeet', 'data-id': m.id },
    h('h3', null, m.title, ' ', h('span', { class: 'badge' }, t(`vmeet.status.${m.status}`))),
    h('p', { class: 'muted' }, t(`vmeet.kind.${m.kind}`), ' · ', t('vmeet.on', { day: m.meeting_day }), m.place ? [' · ', m.place] : null),
    toggle, body);
}

export async function render({ container, query, isCurrent }) {
  const village = query.get('village') || myVillage();
  const rosterBox = h('div', { class: 'vmeet-roster-box' }, loading());
  const quarter = h('div', { class: 'vmeet-quarter' });
  const list = h('div', { class: 'vmeet-list' }, loading());
  const opened = new Set();
  const reload = async () => {
    let roster, meetings;
    try {
      [roster, meetings] = await Promise.all([
        get('/api/v1/village/representatives' + qs({ region: village })),
        get('/api/v1/village/meetings' + qs({ region: village })),
      ]);
    } catch (err) {
      if (isCurrent()) replace(list, errorBox(err));
      return;
    }
    if (!isCurrent()) return;
    replace(rosterBox, rosterView(roster));
    replace(quarter, meetings.quarter.missing
      ? h('p', { role: 'status' }, h('span', { class: 'pill urgency-overdue' }, t('vmeet.quarterMissing', { start: meetings.quarter.start })))
      : h('p', { class: 'muted' }, t('vmeet.quarterHeld', { day: meetings.quarter.last_representatives })));
    replace(list, meetings.items.length
      ? h('ul', { class: 'vmeet-items' }, meetings.items.map((m) => meetingCard(m, roster.items, opened, reload)))
      : emptyState(t('vmeet.none')));
  };
  if (!village) {
    append(container, h('div', { class: 'page-head' }, h('h1', null, t('vmeet.title'))), emptyState(t('vmeet.noVillage')));
    return;
  }
  append(container,
    h('div', { class: 'page-head' }, h('h1', null, t('vmeet.title'))),
    h('p', { class: 'muted' }, t('vmeet.lead')),
    h('h2', { class: 'section' }, t('vmeet.meetings')), quarter, noticeForm(village, reload), list,
    h('h2', { class: 'section' }, t('vmeet.roster')), rosterBox, rosterForm(village, reload));
  await reload();
}
