// teams.js - 服务团队 (service teams, issue 15): the teams of my area with
// their members and specialties, the requests for help (my team's, mine, all
// I may see; a team's open ones) answered here by a member (accept, done,
// decline with a note), and the form a grid worker opens from a case page
// (#/teams?case=ID) to ask a team for help. Admins and township cadres
// make teams and add members here too. Phones appear only where the server
// sends them (staff over the team's region).
import { h, append, replace, field, select, qs } from '../dom.js';
import { t, tc, fmtDate, fmtDateTime } from '../i18n.js';
import { get, post, session, clearErrors, showError, errorBox, ApiError } from '../api.js';
import { emptyState, loading, hasRole } from '../common.js';

const TABS = ['all', 'team', 'mine'];
const TAB_QUERY = { team: { my_teams: 1 }, mine: { mine: 1 }, all: {} };
const ASKERS = ['grid_worker', 'mediator', 'handler', 'petition_officer', 'admin'];
const KINDS = ['legal', 'mediation', 'counselling', 'volunteer', 'other'];
const SPECIALTIES = ['legal_adviser', 'mediator', 'counsellor', 'volunteer', 'other'];
const opts = (group, codes) => codes.map((c) => ({ value: c, label: tc(group, c) }));

/** A form that posts its named fields (blank ones left out) to path, then
 * calls done; errors are shown next to their field. */
function postForm(path, fields, label, done) {
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-small' }, label);
  const form = h('form', { class: 'form team-manage-form', novalidate: true },
    fields.map((f) => f.wrap), h('div', { class: 'form-actions' }, submit));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const body = {};
    for (const f of fields) if (f.input.value.trim()) body[f.input.name] = f.input.value.trim();
    submit.disabled = true;
    try {
      await post(path, body);
      await done();
    } catch (err) {
      showError(form, err);
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

function named(label, input, required) {
  return field(label, input, { name: input.name, required });
}

// The county or township where the user manages teams, to start the form with.
function manageRegion() {
  const r = ((session.user && session.user.roles) || [])
    .find((x) => ['admin', 'handler'].includes(x.role) && x.region && [6, 9].includes(x.region.length));
  return r ? r.region : '';
}

/** The case page's small link to ask a team for help (case.js). */
export function caseTeamLink(c) {
  if (!c || !c.id || !hasRole(session.user, ...ASKERS)) return null;
  return h('p', { class: 'case-team-link' },
    h('a', { class: 'btn btn-small team-ask-link', href: `#/teams${qs({ case: c.id })}` }, t('team.askFromCase')));
}

function statusPill(q) {
  return [
    h('span', { class: `badge team-status status-${q.status === 'done' ? 'resolved' : q.status === 'declined' ? 'rejected' : q.status === 'accepted' ? 'mediating' : 'registered'}` },
      tc('teamStatus', q.status)),
    q.overdue ? [' ', h('span', { class: 'pill urgency-overdue team-overdue' }, t('team.overdue'))] : null,
  ];
}

function memberLine(m) {
  return h('li', { class: 'team-member' },
    h('strong', null, m.display_name), ' · ', tc('teamSpec', m.specialty),
    m.phone ? [' · ', h('a', { href: `tel:${m.phone.replace(/[^\d+]/g, '')}` }, m.phone)] : null);
}

function addMember(tm, reload) {
  const fields = [
    named(t('team.memberName'), h('input', { type: 'text', name: 'display_name', maxlength: 100 })),
    named(t('team.memberUser'), h('input', { type: 'text', name: 'username', maxlength: 63, autocomplete: 'off' })),
    named(t('team.specialty'), select(opts('teamSpec', SPECIALTIES), { name: 'specialty' }), true),
    named(t('team.phone'), h('input', { type: 'tel', name: 'phone', maxlength: 32 })),
  ];
  return h('details', { class: 'team-add-member' }, h('summary', null, t('team.addMember')),
    postForm(`/api/v1/teams/${tm.id}/members`, fields, t('team.add'), reload));
}

function teamCard(tm, reload) {
  const places = (tm.assignments || []).map((a) => a.region_name || a.grid_name || a.region).filter(Boolean);
  return h('section', { class: 'card team-card', 'aria-labelledby': `team-${tm.id}`, dataset: { team: tm.id } },
    h('div', { class: 'section-head' },
      h('h2', { id: `team-${tm.id}` }, tm.name),
      h('a', { class: 'btn btn-small', href: `#/teams${qs({ team: tm.id })}` }, t('team.openRequests'))),
    h('p', { class: 'muted' }, tc('teamKind', tm.kind), ' · ', tm.region_name || tm.region, ' · ',
      places.length ? t('team.serves', { places: places.join(t('common.sep')) }) : t('team.servesAll')),
    tm.members && tm.members.length
      ? h('ul', { class: 'party-list team-members', 'aria-label': t('team.members') }, tm.members.map(memberLine))
      : h('p', { class: 'muted' }, t('team.noMembers')),
    tm.can_manage ? addMember(tm, reload) : null);
}

export async function render({ container, query, isCurrent }) {
  const caseId = query.get('case');
  const teamId = query.get('team');
  const tab = TABS.includes(query.get('tab')) ? query.get('tab') : 'all';
  const flash = h('p', { class: 'flash', role: 'status', 'aria-live': 'polite' });
  const ask = h('div', { class: 'team-ask' });
  const reqs = h('section', { class: 'card team-requests', 'aria-labelledby': 'team-req-h' }, loading());
  const teams = h('div', { class: 'card-grid team-list' }, loading());
  append(container,
    h('div', { class: 'page-head' }, h('h1', null, t('team.title'))),
    h('p', { class: 'muted' }, t('team.lead')),
    flash, ask, reqs,
    h('h2', { class: 'section' }, t('team.ofMyArea')), teams);

  const loadRequests = async () => {
    const params = teamId ? { team_id: teamId, open: 1 } : caseId ? { case_id: caseId } : TAB_QUERY[tab];
    let res;
    try {
      res = await get('/api/v1/team-requests' + qs(params));
    } catch (err) {
      if (isCurrent()) replace(reqs, errorBox(err));
      return;
    }
    if (!isCurrent()) return;
    const heading = teamId ? t('team.teamOpen') : caseId ? t('team.caseRequests') : t('team.requests');
    const tabs = teamId || caseId ? null : h('div', { class: 'queue-tabs', role: 'tablist', 'aria-label': t('team.requests') },
      TABS.map((k) => h('a', {
        href: '#/teams' + qs({ tab: k }), role: 'tab', class: ['queue-tab', k === tab ? 'active' : ''],
        'aria-selected': k === tab ? 'true' : 'false', 'aria-controls': 'team-req-list',
      }, t(`team.tab.${k}`))));
    const list = h('div', { id: 'team-req-list', role: tabs ? 'tabpanel' : null },
      res.items.length
        ? h('ul', { class: 'party-list team-request-list' }, res.items.map(requestItem))
        : emptyState(t('team.noRequests')));
    replace(reqs,
      h('div', { class: 'section-head' }, h('h2', { id: 'team-req-h' }, heading),
        res.overdue ? h('span', { class: 'pill urgency-overdue' }, t('team.overdueCount', { n: res.overdue })) : null),
      tabs, list);
  };

  function requestItem(q) {
    const about = q.case_id
      ? (q.case_code ? h('a', { href: `#/case/${q.case_id}` }, `${q.case_code} ${q.case_title || ''}`) : t('team.caseHidden'))
      : q.grid_name || '';
    const li = h('li', { class: 'team-request', dataset: { request: q.id, status: q.status } },
      h('div', null, h('strong', null, q.team_name), ' ', statusPill(q)),
      h('p', { class: 'team-need' }, q.need),
      h('p', { class: 'muted small' },
        about ? [t('team.about'), t('common.colon'), about, ' · '] : null,
        t('team.askedBy', { who: q.from_name || t('actor.staff'), at: fmtDateTime(q.created_at) }), ' · ',
        t('team.deadline'), t('common.colon'), fmtDate(q.deadline)),
      q.note ? h('p', { class: 'team-note' }, t('team.note'), t('common.colon'), q.note) : null);
    if (q.can_answer && q.open) li.appendChild(answerForm(q));
    return li;
  }

  function answerForm(q) {
    const note = field(t('team.note'), h('textarea', { rows: 2, maxlength: 1000, name: 'note' }), { name: 'note' });
    const form = h('form', { class: 'form team-answer', novalidate: true }, note.wrap);
    const bar = h('div', { class: 'action-bar' });
    const steps = q.status === 'requested' ? ['accept', 'decline'] : ['done', 'decline'];
    for (const a of steps) {
      const b = h('button', { type: 'button', class: ['btn', 'btn-small', a === 'decline' ? 'btn-danger' : 'btn-primary'], dataset: { action: a } }, t(`team.act.${a}`));
      b.addEventListener('click', async () => {
        clearErrors(form);
        b.disabled = true;
        try {
          const body = note.input.value.trim() ? { note: note.input.value.trim() } : {};
          await post(`/api/v1/team-requests/${q.id}/actions/${a}`, body);
          flash.textContent = t(`team.did.${a}`);
          await loadRequests();
        } catch (err) {
          b.disabled = false;
          showError(form, err);
        }
      });
      bar.appendChild(b);
    }
    form.appendChild(bar);
    return form;
  }

  async function drawAsk() {
    let c;
    let list;
    try {
      c = await get(`/api/cases/${encodeURIComponent(caseId)}`);
      list = (await get('/api/v1/teams' + qs({ region: c.region }))).items;
    } catch (err) {
      if (isCurrent()) replace(ask, errorBox(err));
      return;
    }
    if (!isCurrent()) return;
    const head = h('h2', { id: 'team-ask-h' }, t('team.askTitle'));
    if (!list.length) {
      replace(ask, h('section', { class: 'card', 'aria-labelledby': 'team-ask-h' }, head, emptyState(t('team.noTeamsHere'))));
      return;
    }
    const team = field(t('team.team'), select(list.map((x) => ({ value: x.id, label: `${x.name}（${tc('teamKind', x.kind)}）` })), { name: 'team_id' }),
      { name: 'team_id', required: true });
    const need = field(t('team.need'), h('textarea', { rows: 4, maxlength: 2000, name: 'need', required: true }),
      { name: 'need', required: true, hint: t('team.needHint'), hintId: 'team-need-hint' });
    const days = field(t('team.days'), h('input', { type: 'number', min: 1, max: 30, value: 3, name: 'days', inputmode: 'numeric' }),
      { name: 'days', hint: t('team.daysHint'), hintId: 'team-days-hint' });
    const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, t('team.send'));
    const form = h('form', { class: 'form team-ask-form', novalidate: true },
      team.wrap, need.wrap, days.wrap, h('div', { class: 'form-actions' }, submit));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(form);
      if (!need.input.value.trim()) { // said here, without a round trip
        showError(form, new ApiError(400, 'required', '', 'need'));
        return;
      }
      submit.disabled = true;
      try {
        await post('/api/v1/team-requests', {
          team_id: Number(team.input.value), case_id: c.id, need: need.input.value,
          days: days.input.value ? Number(days.input.value) : undefined,
        });
        need.input.value = '';
        flash.textContent = t('team.sent');
        await loadRequests();
      } catch (err) {
        showError(form, err);
      } finally {
        submit.disabled = false;
      }
    });
    replace(ask, h('section', { class: 'card', 'aria-labelledby': 'team-ask-h' }, head,
      h('p', null, h('a', { href: `#/case/${c.id}` }, `${c.tracking_code} ${c.title}`)), form));
  }

  const loadTeams = async () => {
    let res;
    try {
      res = await get('/api/v1/teams');
    } catch (err) {
      if (isCurrent()) replace(teams, errorBox(err));
      return;
    }
    if (!isCurrent()) return;
    const shown = teamId ? res.items.filter((x) => String(x.id) === teamId) : res.items;
    replace(teams, shown.length ? shown.map((x) => teamCard(x, loadTeams)) : emptyState(t('team.none')));
  };
  if (hasRole(session.user, 'admin', 'handler')) {
    const fields = [
      named(t('team.name'), h('input', { type: 'text', name: 'name', maxlength: 200 }), true),
      named(t('team.kind'), select(opts('teamKind', KINDS), { name: 'kind' }), true),
      named(t('team.region'), h('input', { type: 'text', name: 'region', inputmode: 'numeric', maxlength: 12, value: manageRegion() }), true),
    ];
    teams.before(h('details', { class: 'team-new card' }, h('summary', null, t('team.new')),
      postForm('/api/v1/teams', fields, t('team.create'), async () => {
        flash.textContent = t('team.created');
        fields[0].input.value = '';
        await loadTeams();
      })));
  }

  await Promise.all([caseId ? drawAsk() : null, loadRequests(), loadTeams()]);
}
