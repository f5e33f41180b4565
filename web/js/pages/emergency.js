// emergency.js - 突发事件 (incidents, issue 20; docs/emergency.md): the
// incidents the user sees with their overdue reports, the first report
// (初报) a village information reporter files on a phone, and one
// incident's page: its report chain (follow-ups, final), and for the
// township or county the response (plan, tasks with their board,
// resources, counts, closing). #/emergency/warnings is the warnings page
// (emergency-warnings.js).
import { h, replace, field, select } from '../dom.js';
import { t, fmtDateTime } from '../i18n.js';
import { get, post, api, errorBox, showError, clearErrors, session } from '../api.js';
import { emptyState, loading, dl, hasRole } from '../common.js';

const KINDS = ['natural_disaster', 'accident', 'public_health', 'social_security'];
const GRADES = [1, 2, 3, 4];
const TASK_KINDS = ['rescue', 'evacuation', 'supply', 'medical', 'psychological', 'security', 'other'];
const TASK_STATUS = ['assigned', 'in_progress', 'done', 'cancelled'];
const RESOURCE_KINDS = ['shelter', 'supply', 'vehicle', 'equipment', 'other'];
const CONDITIONS = ['affected', 'evacuated', 'injured', 'missing'];

export function gradeLabel(g) {
  return g ? t('em.grade.' + g) : t('em.ungraded');
}

function overdueBadge(i) {
  return i.overdue ? h('span', { class: 'badge em-overdue' }, t('em.overdue')) : null;
}

export async function render(ctx) {
  const { params } = ctx;
  if (params.view === 'warnings') {
    const m = await import('./emergency-warnings.js');
    return m.render(ctx);
  }
  if (params.view === 'incident' && params.id) return renderIncident(ctx, Number(params.id));
  return renderList(ctx);
}

/* The user's first region held as reporter: a village or township. */
function myRegion() {
  const r = ((session.user && session.user.roles) || []).find((x) => ['grid_worker', 'handler', 'admin'].includes(x.role));
  return r ? r.region : '';
}

function firstReportForm(navigate) {
  const kind = select(KINDS.map((k) => ({ value: k, label: t('em.kind.' + k) })), { name: 'kind', required: true });
  const grade = select([{ value: '', label: t('em.ungraded') }, ...GRADES.map((g) => ({ value: String(g), label: gradeLabel(g) }))],
    { name: 'grade', value: '4' });
  const region = h('input', { type: 'text', name: 'region', inputmode: 'numeric', maxlength: '12', required: true, value: myRegion() });
  const title = h('input', { type: 'text', name: 'title', maxlength: '200', required: true });
  const summary = h('textarea', { name: 'summary', rows: 4, maxlength: 4000 });
  const grid = select([{ value: '', label: t('em.noGrid') }], { name: 'grid_id' });
  get('/api/v1/grids').then((g) => {
    for (const x of g.items || []) grid.appendChild(h('option', { value: String(x.id) }, x.name));
  }).catch(() => {});
  const form = h('form', { class: 'form em-form', novalidate: true },
    field(t('em.kindLabel'), kind, { name: 'kind', required: true }).wrap,
    field(t('em.gradeLabel'), grade, { name: 'grade', hint: t('em.gradeHint'), hintId: 'em-grade-hint' }).wrap,
    field(t('em.region'), region, { name: 'region', required: true }).wrap,
    field(t('em.grid'), grid, { name: 'grid_id' }).wrap,
    field(t('em.title'), title, { name: 'title', required: true }).wrap,
    field(t('em.summary'), summary, { name: 'summary' }).wrap,
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn' }, t('em.fileReport'))));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    try {
      const r = await post('/api/v1/incidents', {
        kind: kind.value, grade: grade.value ? Number(grade.value) : undefined, region: region.value.trim(),
        grid_id: grid.value ? Number(grid.value) : undefined,
        title: title.value, summary: summary.value || undefined,
      });
      navigate(`#/emergency/incident/${r.id}`);
    } catch (err) {
      showError(form, err);
    }
  });
  return form;
}

async function renderList({ container, navigate, isCurrent }) {
  const list = h('div', { class: 'em-incidents' });
  const canReport = hasRole(session.user, 'grid_worker', 'handler', 'admin');
  replace(container, h('h1', null, t('em.pageTitle')),
    h('p', { class: 'em-actions' }, h('a', { href: '#/emergency/warnings', class: 'btn btn-small btn-secondary' }, t('em.toWarnings'))),
    canReport ? h('section', { class: 'em-section', 'aria-labelledby': 'em-first' },
      h('h2', { id: 'em-first' }, t('em.firstReport')), firstReportForm(navigate)) : null,
    h('section', { class: 'em-section', 'aria-labelledby': 'em-list' }, h('h2', { id: 'em-list' }, t('em.listTitle')), list));
  replace(list, loading());

  // the incidents, again on every live report or overdue alert
  async function load() {
    let r;
    try {
      r = await get('/api/v1/incidents');
    } catch (err) {
      if (isCurrent()) replace(list, errorBox(err));
      return null;
    }
    if (!isCurrent()) return null;
    if (!r.items.length) {
      replace(list, emptyState(t('em.empty')));
      return r;
    }
    const cols = ['em.colTitle', 'em.colKind', 'em.colGrade', 'em.colRegion', 'em.colStatus'];
    const cell = (i, ...kids) => h('td', { 'data-label': t(cols[i]) }, ...kids);
    replace(list,
      r.overdue ? h('p', { class: 'alert alert-error em-overdue-banner', role: 'status' }, t('em.overdueCount', { n: r.overdue })) : null,
      h('div', { class: 'table-wrap' }, h('table', { class: 'responsive' },
        h('caption', { class: 'visually-hidden' }, t('em.listTitle')),
        h('thead', null, h('tr', null, cols.map((k) => h('th', { scope: 'col' }, t(k))))),
        h('tbody', null, r.items.map((i) => h('tr', null,
          cell(0, h('a', { href: `#/emergency/incident/${i.id}` }, i.title), ' ', overdueBadge(i)),
          cell(1, t('em.kind.' + i.kind)),
          cell(2, gradeLabel(i.grade)),
          cell(3, i.region_name || i.region),
          cell(4, t('em.status.' + i.status))))))));
    return r;
  }
  const r = await load();
  if (!r || !isCurrent()) return undefined;
  let es = null;
  if (typeof EventSource !== 'undefined') {
    es = new EventSource('/api/v1/incidents/stream');
    es.addEventListener('report', () => { load(); });
    es.addEventListener('overdue', () => { load(); });
  }
  const { situationMap } = await import('./emergency-map.js');
  const map = r.items.length ? await situationMap(r.items, isCurrent) : null;
  if (map && isCurrent()) {
    list.after(map);
    await map.draw();
  }
  return () => {
    if (es) es.close();
    if (map) map.dispose();
  };
}

/* A small form posting to path; fields: [[key, label, input]]. */
function actionForm(legend, fields, button, send, onDone) {
  const form = h('form', { class: 'form em-form', novalidate: true },
    h('fieldset', null, h('legend', null, legend),
      fields.map(([key, label, input]) => field(label, input, { name: key }).wrap),
      h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-small' }, button))));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    try {
      onDone(await send());
    } catch (err) {
      showError(form, err);
    }
  });
  return form;
}

async function renderIncident({ container, isCurrent }, id) {
  replace(container, loading());
  let inc;
  try {
    inc = await get(`/api/v1/incidents/${id}`);
  } catch (err) {
    if (isCurrent()) replace(container, h('h1', null, t('em.pageTitle')), errorBox(err));
    return;
  }
  if (!isCurrent()) return;
  const show = (i) => { inc = i; draw(); };
  function draw() {
    const i = inc;
    const open = i.status !== 'closed';
    const parts = [h('h1', null, i.title), overdueBadge(i),
      dl([[t('em.kindLabel'), t('em.kind.' + i.kind)], [t('em.gradeLabel'), gradeLabel(i.grade)],
        [t('em.colStatus'), t('em.status.' + i.status)], [t('em.region'), i.region_name || i.region],
        [t('em.occurred'), fmtDateTime(i.occurred_at)], [t('em.plan'), i.plan],
        [t('em.nextDue'), i.next_due ? fmtDateTime(i.next_due) : ''],
        [t('em.counts'), t('em.countsValue', { affected: i.affected, evacuated: i.evacuated, injured: i.injured, dead: i.dead })],
        [t('em.summary'), i.summary]])];

    parts.push(h('section', { class: 'em-section', 'aria-labelledby': 'em-reports' }, h('h2', { id: 'em-reports' }, t('em.reports')),
      h('ol', { class: 'em-list em-reports' }, i.reports.map((r) => h('li', null,
        h('strong', null, t('em.stage.' + r.stage)), ' · ', fmtDateTime(r.created_at), ' · ',
        t('em.sentTo', { to: (r.sent_to || []).join(', ') }), ' ',
        r.late ? h('span', { class: 'badge em-late' }, t('em.late')) : null,
        h('p', null, r.body))))));
    if (i.can_report && open && !i.has_final) {
      const stage = select(['follow_up', 'final'].map((s) => ({ value: s, label: t('em.stage.' + s) })), { name: 'stage' });
      const body = h('textarea', { name: 'body', rows: 3, maxlength: 4000, required: true });
      parts.push(actionForm(t('em.addReport'), [['stage', t('em.stageLabel'), stage], ['body', t('em.reportBody'), body]],
        t('em.send'), () => post(`/api/v1/incidents/${id}/reports`, { stage: stage.value, body: body.value }), show));
    }
    if (i.can_report && open) {
      const pname = h('input', { type: 'text', name: 'name', maxlength: '100', required: true, autocomplete: 'off' });
      const phone = h('input', { type: 'tel', name: 'phone', maxlength: '32', autocomplete: 'off' });
      const cond = select(CONDITIONS.map((c) => ({ value: c, label: t('em.condition.' + c) })), { name: 'condition' });
      parts.push(actionForm(t('em.addPerson'), [['name', t('em.personName'), pname], ['phone', t('em.personPhone'), phone], ['condition', t('em.condition'), cond]],
        t('em.add'), () => post(`/api/v1/incidents/${id}/people`, { name: pname.value, phone: phone.value.trim() || undefined, condition: cond.value }), show));
    }
    if (i.can_respond && open) {
      const resp = [];
      if (i.status === 'reported') {
        const plan = h('input', { type: 'text', name: 'plan', maxlength: '200', required: true });
        resp.push(actionForm(t('em.activate'), [['plan', t('em.plan'), plan]], t('em.activateButton'),
          () => post(`/api/v1/incidents/${id}/actions/activate`, { plan: plan.value }), show));
      }
      const tkind = select(TASK_KINDS.map((k) => ({ value: k, label: t('em.task.' + k) })), { name: 'kind' });
      const ttitle = h('input', { type: 'text', name: 'title', maxlength: '200', required: true });
      const who = h('input', { type: 'text', name: 'assignee', maxlength: '63', required: true });
      resp.push(actionForm(t('em.addTask'), [['kind', t('em.taskKind'), tkind], ['title', t('em.title'), ttitle], ['assignee', t('em.assignee'), who]],
        t('em.assign'), () => post(`/api/v1/incidents/${id}/tasks`, { kind: tkind.value, title: ttitle.value, assignee: who.value.trim() }), show));
      const rkind = select(RESOURCE_KINDS.map((k) => ({ value: k, label: t('em.resource.' + k) })), { name: 'kind' });
      const rname = h('input', { type: 'text', name: 'name', maxlength: '200', required: true });
      const qty = h('input', { type: 'number', name: 'quantity', min: '0', required: true });
      resp.push(actionForm(t('em.addResource'), [['kind', t('em.resourceKind'), rkind], ['name', t('em.resourceName'), rname], ['quantity', t('em.quantity'), qty]],
        t('em.add'), () => post(`/api/v1/incidents/${id}/resources`, { kind: rkind.value, name: rname.value, quantity: Number(qty.value) }), show));
      const nums = ['affected', 'evacuated', 'injured', 'dead'].map((k) => [k, t('em.count.' + k), h('input', { type: 'number', name: k, min: '0', value: String(i[k]) })]);
      resp.push(actionForm(t('em.counts'), nums, t('em.save'),
        () => post(`/api/v1/incidents/${id}/actions/counts`, Object.fromEntries(nums.map(([k, , el]) => [k, Number(el.value)]))), show));
      const alerts = select([{ value: '', label: t('em.chooseAlert') }], { name: 'import_id' });
      get('/api/v1/cap-imports').then((a) => {
        for (const x of a.items || []) {
          if (x.incident_id !== i.id) alerts.appendChild(h('option', { value: String(x.id) }, `${x.headline || x.event} (${x.sender})`));
        }
      }).catch(() => {});
      resp.push(actionForm(t('em.linkAlert'), [['import_id', t('em.upstreamAlert'), alerts]], t('em.link'),
        async () => {
          await post(`/api/v1/cap-imports/${Number(alerts.value)}/actions/link`, { incident_id: i.id });
          return get(`/api/v1/incidents/${id}`);
        }, show));
      const keep = h('textarea', { name: 'keep_assessment', rows: 2, maxlength: 4000 });
      resp.push(actionForm(t('em.close'), [['keep_assessment', t('em.keepAssessment'), keep]], t('em.closeButton'),
        () => post(`/api/v1/incidents/${id}/actions/close`, { keep_assessment: keep.value.trim() || undefined }), show));
      parts.push(h('section', { class: 'em-section', 'aria-labelledby': 'em-respond' }, h('h2', { id: 'em-respond' }, t('em.respond')), resp));
    }
    if (i.people.length || i.personal_purged_at || i.keep_assessment) {
      parts.push(h('section', { class: 'em-section', 'aria-labelledby': 'em-people' }, h('h2', { id: 'em-people' }, t('em.people')),
        h('p', { class: 'hint' }, i.personal_purged_at ? t('em.peopleDeleted', { at: fmtDateTime(i.personal_purged_at) }) : t('em.peopleHint')),
        i.people.length ? h('ul', { class: 'em-list em-people' }, i.people.map((p) => h('li', null,
          p.name, p.phone ? ` · ${p.phone}` : '', ' · ', t('em.condition.' + p.condition)))) : null));
    }
    const canMove = (k) => i.can_respond || (session.user && k.assignee === session.user.username);
    parts.push(h('section', { class: 'em-section', 'aria-labelledby': 'em-tasks' }, h('h2', { id: 'em-tasks' }, t('em.tasks')),
      i.tasks.length ? h('ul', { class: 'em-list em-tasks' }, i.tasks.map((k) => {
        const st = select(TASK_STATUS.map((s) => ({ value: s, label: t('em.taskStatus.' + s) })),
          { name: 'status', value: k.status, 'aria-label': t('em.taskStatusOf', { title: k.title }), disabled: !open || !canMove(k) });
        st.addEventListener('change', async () => {
          try {
            show(await api('PATCH', `/api/v1/incidents/${id}/tasks/${k.id}`, { status: st.value }));
          } catch (err) {
            st.value = k.status;
            st.after(errorBox(err));
          }
        });
        return h('li', { dataset: { task: String(k.id) } }, h('strong', null, k.title), ' · ', t('em.task.' + k.kind), ' · ',
          k.team_name || k.assignee || '', ' ', st);
      })) : emptyState(t('em.noTasks'))));
    parts.push(h('section', { class: 'em-section', 'aria-labelledby': 'em-res' }, h('h2', { id: 'em-res' }, t('em.resources')),
      i.resources.length ? h('ul', { class: 'em-list' }, i.resources.map((r) => h('li', null,
        t('em.resource.' + r.kind), ': ', r.name, ' × ', String(r.quantity), ' ', r.unit || ''))) : emptyState(t('em.noResources'))));
    if (i.warnings.length || i.imports.length) {
      parts.push(h('section', { class: 'em-section', 'aria-labelledby': 'em-w' }, h('h2', { id: 'em-w' }, t('em.linkedWarnings')),
        h('ul', { class: 'em-list' }, [...i.warnings.map((w) => h('li', null, w.headline)),
          ...i.imports.map((a) => h('li', null, a.headline, ' (', a.sender, ')'))])));
    }
    replace(container, ...parts);
  }
  draw();
}

