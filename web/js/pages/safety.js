// safety.js - production safety (安全生产, issue 20; docs/safety.md): the
// hazards board with deadlines and overdue marking (#/safety), the
// enterprises of my villages and grids with a registration form
// (#/safety/enterprises), an inspection on a phone with the checklist and
// the hazards found (#/safety/inspect/<enterprise id>), and one hazard
// with the township's order and the re-inspection (#/safety/hazard/<id>).
// The rules (who may order, who may re-inspect, the stop of a major
// hazard) are the server's; the page shows what it answers.
import { h, append, replace, field, select, qs } from '../dom.js';
import { t, fmtDateTime, getLocale } from '../i18n.js';
import { get, post, session, clearErrors, showError, errorBox } from '../api.js';
import { emptyState, loading, dl } from '../common.js';

const RESULTS = ['pass', 'fail', 'na'];

function myVillage() {
  const r = ((session.user && session.user.roles) || []).find((x) => x.region && x.region.length === 12);
  return r ? r.region : '';
}

const lang = () => (getLocale() === 'en' ? 'en' : 'zh');

function gradeBadge(grade) {
  return h('span', { class: ['badge', grade === 'major' ? 'safety-major' : 'safety-general'] }, t(`safety.grade.${grade}`));
}

function deadlineLine(hz) {
  if (hz.status === 'closed') {
    return h('p', { class: 'muted' }, t('safety.closedAt', { at: fmtDateTime(hz.closed_at), by: hz.closed_by || '' }),
      hz.keep_until ? [' · ', t('safety.keepUntil', { day: hz.keep_until })] : null);
  }
  if (!hz.deadline) return null;
  return h('p', { class: 'safety-deadline' },
    t('safety.deadline', { at: fmtDateTime(hz.deadline) }), ' ',
    hz.overdue
      ? h('span', { class: 'pill urgency-overdue' }, t('safety.overdue'))
      : h('span', { class: 'pill' }, t('safety.daysLeft', { n: hz.days_left })),
    hz.escalated_to ? [' ', h('span', { class: 'pill urgency-overdue' }, t('safety.escalated'))] : null);
}

function hazardCard(hz) {
  return h('li', { class: ['card', 'safety-hazard', hz.overdue ? 'is-overdue' : null], 'data-id': hz.id },
    h('h3', null, h('a', { href: `#/safety/hazard/${hz.id}` }, hz.title), ' ', gradeBadge(hz.grade), ' ',
      h('span', { class: 'badge' }, t(`safety.status.${hz.status}`))),
    hz.enterprise_name ? h('p', { class: 'muted' }, hz.enterprise_name) : null,
    hz.event_id ? h('p', { class: 'muted' }, t('safety.fromPatrol')) : null,
    deadlineLine(hz));
}

// ---- the board ----

async function renderBoard({ container, query, isCurrent }) {
  const all = query.get('all') === '1';
  const list = h('div', { class: 'safety-list' }, loading());
  append(container,
    h('div', { class: 'page-head' }, h('h1', null, t('safety.title'))),
    h('p', { class: 'muted' }, t('safety.lead')),
    h('p', { class: 'safety-links' },
      h('a', { class: 'btn btn-small', href: '#/safety/enterprises' }, t('safety.enterprises')), ' ',
      h('a', { class: 'btn btn-small', href: all ? '#/safety' : '#/safety?all=1' }, t(all ? 'safety.showOpen' : 'safety.showAll'))),
    h('h2', { class: 'section' }, t(all ? 'safety.allHazards' : 'safety.openHazards')), list);
  let res, notices;
  try {
    [res, notices] = await Promise.all([get('/api/v1/safety/hazards' + qs({ open: all ? '' : '1' })),
      get('/api/v1/safety/notices')]);
  } catch (err) {
    if (isCurrent()) replace(list, errorBox(err));
    return;
  }
  if (!isCurrent()) return;
  replace(list,
    // the county's notices of escalated major hazards (安全生产法 art. 41: 督办)
    notices.items.length ? h('section', { class: 'safety-notices', 'aria-labelledby': 'safety-notices-h' },
      h('h2', { class: 'section', id: 'safety-notices-h' }, t('safety.notices')),
      h('ul', null, notices.items.map((n) => h('li', null,
        h('a', { href: `#/safety/hazard/${n.hazard_id}` }, n.title), ' · ', t('safety.noticeEscalated'), ' · ',
        fmtDateTime(n.created_at))))) : null,
    res.overdue ? h('p', { class: 'alert alert-error safety-overdue-count', role: 'status' }, t('safety.overdueCount', { n: res.overdue })) : null,
    res.items.length ? h('ul', { class: 'safety-items' }, res.items.map(hazardCard)) : emptyState(t('safety.noHazards')));
}

// ---- enterprises ----

function enterpriseForm(village, grids, reload) {
  const name = field(t('safety.name'), h('input', { type: 'text', name: 'name', maxlength: 200, required: true }), { name: 'name', required: true });
  const grid = field(t('safety.grid'), select([{ value: '', label: t('safety.noGrid') },
    ...grids.map((g) => ({ value: g.code, label: `${g.name} (${g.code})` }))], { name: 'grid' }), { name: 'grid' });
  const industry = field(t('safety.industry'), h('input', { type: 'text', name: 'industry', maxlength: 200 }), { name: 'industry' });
  const address = field(t('safety.address'), h('input', { type: 'text', name: 'address', maxlength: 200 }), { name: 'address' });
  const credit = field(t('safety.creditCode'), h('input', { type: 'text', name: 'credit_code', maxlength: 18, autocomplete: 'off' }), { name: 'credit_code' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-small' }, t('safety.register'));
  const form = h('form', { class: 'form safety-register', novalidate: true },
    h('h2', { class: 'section' }, t('safety.registerTitle')),
    name.wrap, grid.wrap, industry.wrap, address.wrap, credit.wrap, h('div', { class: 'form-actions' }, submit));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    submit.disabled = true;
    try {
      await post('/api/v1/safety/enterprises', {
        region: village, grid: grid.input.value || null, name: name.input.value.trim(),
        industry: industry.input.value.trim() || null, address: address.input.value.trim() || null,
        credit_code: credit.input.value.trim() || null,
      });
      form.reset();
      await reload();
    } catch (err) {
      showError(form, err);
    }
    submit.disabled = false;
  });
  return form;
}

async function renderEnterprises({ container, isCurrent }) {
  const village = myVillage();
  const list = h('div', { class: 'safety-enterprises' }, loading());
  const reload = async () => {
    let res;
    try {
      res = await get('/api/v1/safety/enterprises');
    } catch (err) {
      if (isCurrent()) replace(list, errorBox(err));
      return;
    }
    if (!isCurrent()) return;
    replace(list, res.items.length
      ? h('ul', { class: 'safety-items' }, res.items.map((e) => h('li', { class: 'card', 'data-id': e.id },
        h('h3', null, e.name),
        dl([[t('safety.grid'), e.grid || t('safety.noGrid')], [t('safety.industry'), e.industry],
          [t('safety.address'), e.address], [t('safety.openCount'), String(e.open_hazards)]]),
        h('a', { class: 'btn btn-primary btn-small', href: `#/safety/inspect/${e.id}` }, t('safety.inspect')))))
      : emptyState(t('safety.noEnterprises')));
  };
  const grids = village ? await get('/api/v1/grids' + qs({ region: village })).then((r) => r.items || []).catch(() => []) : [];
  if (!isCurrent()) return;
  append(container,
    h('div', { class: 'page-head' }, h('h1', null, t('safety.enterprises'))),
    h('p', null, h('a', { href: '#/safety' }, t('safety.backToBoard'))),
    village ? enterpriseForm(village, grids, reload) : null,
    h('h2', { class: 'section' }, t('safety.enterpriseList')), list);
  await reload();
}

// ---- an inspection ----

function resultFieldset(item, index) {
  const name = `r-${index}`;
  const label = lang() === 'en' ? item.en : item.zh;
  return h('fieldset', { class: 'safety-item', 'data-key': item.key },
    h('legend', null, label),
    h('div', { class: 'safety-choices' }, RESULTS.map((r) => {
      const id = `${name}-${r}`;
      return h('label', { class: 'radio', for: id },
        h('input', { type: 'radio', id, name, value: r, checked: r === 'pass' }), ' ', t(`safety.result.${r}`));
    })));
}

let hazardSeq = 0;
function hazardFieldset(items, onRemove) {
  hazardSeq += 1;
  const n = hazardSeq;
  const title = field(t('safety.hazardTitle'), h('input', { type: 'text', name: 'title', maxlength: 200, required: true }), { name: 'title', required: true });
  const desc = field(t('safety.description'), h('textarea', { name: 'description', rows: 2, maxlength: 2000 }), { name: 'description' });
  const grade = field(t('safety.gradeField'), select(['general', 'major'].map((g) => ({ value: g, label: t(`safety.grade.${g}`) })), { name: 'grade' }), { name: 'grade' });
  const item = field(t('safety.item'), select([{ value: '', label: '—' },
    ...items.map((i) => ({ value: i.key, label: lang() === 'en' ? i.en : i.zh }))], { name: 'item' }), { name: 'item' });
  const stop = field(t('safety.stopField'), select(['partial', 'full'].map((s) => ({ value: s, label: t(`safety.stop.${s}`) })), { name: 'stop' }),
    { name: 'stop', hint: t('safety.stopHint'), hintId: `stop-hint-${n}` });
  const fixedBox = h('input', { type: 'checkbox', name: 'fixed_on_spot', id: `fixed-${n}` });
  const fixed = h('div', { class: 'field', 'data-field': 'fixed_on_spot' },
    h('label', { class: 'radio', for: `fixed-${n}` }, fixedBox, ' ', t('safety.fixedOnSpot')));
  const sync = () => {
    const major = grade.input.value === 'major';
    stop.wrap.hidden = !major;
    fixed.hidden = major;
    if (major) fixedBox.checked = false;
  };
  grade.input.addEventListener('change', sync);
  const remove = h('button', { type: 'button', class: 'btn btn-small' }, t('safety.removeHazard'));
  const fs = h('fieldset', { class: 'safety-new-hazard' },
    h('legend', null, t('safety.hazardN', { n })), title.wrap, grade.wrap, item.wrap, desc.wrap, stop.wrap, fixed, remove);
  remove.addEventListener('click', () => { fs.remove(); onRemove(); });
  sync();
  fs.hazardValue = () => ({
    title: title.input.value.trim(), description: desc.input.value.trim() || null, grade: grade.input.value,
    item: item.input.value || null,
    ...(grade.input.value === 'major' ? { stop: stop.input.value } : { fixed_on_spot: fixedBox.checked }),
  });
  return fs;
}

async function renderInspect({ container, params, navigate, isCurrent }) {
  let ent, lists;
  try {
    [ent, lists] = await Promise.all([get(`/api/v1/safety/enterprises/${params.id}`), get('/api/v1/safety/checklists')]);
  } catch (err) {
    if (isCurrent()) append(container, errorBox(err));
    return;
  }
  if (!isCurrent()) return;
  const checklist = lists.items[0];
  const hazards = h('div', { class: 'safety-hazards-new' });
  const add = h('button', { type: 'button', class: 'btn btn-small' }, t('safety.addHazard'));
  add.addEventListener('click', () => {
    const fs = hazardFieldset(checklist.items, () => add.focus());
    hazards.append(fs);
    fs.querySelector('input').focus();
  });
  const note = field(t('safety.note'), h('textarea', { name: 'note', rows: 2, maxlength: 2000 }), { name: 'note' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, t('safety.saveInspection'));
  const form = h('form', { class: 'form safety-inspection', novalidate: true },
    h('div', { 'data-field': 'results' }, h('h2', { class: 'section' }, checklist.name),
      checklist.items.map(resultFieldset), h('p', { class: 'field-error', hidden: true, role: 'alert' })),
    note.wrap,
    h('h2', { class: 'section' }, t('safety.hazardsFound')),
    h('div', { 'data-field': 'hazards' }, hazards, h('p', { class: 'field-error', hidden: true, role: 'alert' })),
    h('p', null, add),
    h('div', { class: 'form-actions' }, submit));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const results = [...form.querySelectorAll('.safety-item')].map((fs) => ({
      key: fs.dataset.key, result: (fs.querySelector('input:checked') || {}).value,
    }));
    const hz = [...hazards.querySelectorAll('.safety-new-hazard')].map((fs) => fs.hazardValue());
    submit.disabled = true;
    try {
      const r = await post('/api/v1/safety/inspections', {
        enterprise_id: ent.id, checklist_id: checklist.id, results, note: note.input.value.trim() || null, hazards: hz,
      });
      navigate(r.hazards.length ? `#/safety/hazard/${r.hazards[0].id}` : '#/safety');
    } catch (err) {
      showError(form, err);
      submit.disabled = false;
    }
  });
  append(container,
    h('div', { class: 'page-head' }, h('h1', null, t('safety.inspectionOf', { name: ent.name }))),
    h('p', null, h('a', { href: '#/safety/enterprises' }, t('safety.backToEnterprises'))),
    form);
}

// ---- one hazard ----

function orderForm(hz, reload) {
  const grade = field(t('safety.gradeField'), select(['general', 'major'].map((g) => ({ value: g, label: t(`safety.grade.${g}`) })),
    { name: 'grade', value: hz.grade }), { name: 'grade' });
  const stop = field(t('safety.stopField'), select(['none', 'partial', 'full'].map((s) => ({ value: s, label: t(`safety.stop.${s}`) })),
    { name: 'stop', value: hz.stop }), { name: 'stop' });
  const plan = field(t('safety.plan'), h('textarea', { name: 'plan', rows: 3, maxlength: 2000 }), { name: 'plan', hint: t('safety.planHint'), hintId: `plan-hint-${hz.id}` });
  if (hz.plan) plan.input.value = hz.plan;
  const days = field(t('safety.deadlineDays'), h('input', { type: 'number', name: 'deadline_days', min: 1, max: 120, inputmode: 'numeric', required: true, value: hz.grade === 'major' ? '30' : '5' }),
    { name: 'deadline_days', required: true, hint: t('safety.workdaysHint'), hintId: `days-hint-${hz.id}` });
  const note = field(t('safety.note'), h('textarea', { name: 'note', rows: 2, maxlength: 2000 }), { name: 'note' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-small' }, t('safety.order'));
  const form = h('form', { class: 'form safety-order', novalidate: true },
    h('h2', { class: 'section' }, t('safety.orderTitle')), grade.wrap, stop.wrap, plan.wrap, days.wrap, note.wrap,
    h('div', { class: 'form-actions' }, submit));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    submit.disabled = true;
    try {
      await post(`/api/v1/safety/hazards/${hz.id}/order`, {
        grade: grade.input.value, stop: stop.input.value, plan: plan.input.value.trim() || null,
        deadline_days: Number(days.input.value || 0), note: note.input.value.trim() || null,
      });
      await reload();
    } catch (err) {
      showError(form, err);
      submit.disabled = false;
    }
  });
  return form;
}

function reinspectForm(hz, reload) {
  const choices = h('fieldset', { class: 'safety-item', 'data-field': 'result' },
    h('legend', null, t('safety.reinspectResult')),
    h('div', { class: 'safety-choices' }, ['pass', 'fail'].map((r) => h('label', { class: 'radio', for: `re-${hz.id}-${r}` },
      h('input', { type: 'radio', id: `re-${hz.id}-${r}`, name: 'result', value: r, checked: r === 'pass' }), ' ',
      t(`safety.reinspect.${r}`)))),
    h('p', { class: 'field-error', hidden: true, role: 'alert' }));
  const note = field(t('safety.note'), h('textarea', { name: 'note', rows: 2, maxlength: 2000 }), { name: 'note' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-small' }, t('safety.saveReinspection'));
  const form = h('form', { class: 'form safety-reinspect', novalidate: true },
    h('h2', { class: 'section' }, t('safety.reinspectTitle')), choices, note.wrap, h('div', { class: 'form-actions' }, submit));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    submit.disabled = true;
    try {
      await post(`/api/v1/safety/hazards/${hz.id}/reinspect`, {
        result: (form.querySelector('input[name=result]:checked') || {}).value, note: note.input.value.trim() || null,
      });
      await reload();
    } catch (err) {
      showError(form, err);
      submit.disabled = false;
    }
  });
  return form;
}

async function renderHazard({ container, params, isCurrent }) {
  const body = h('div', { class: 'safety-one' }, loading());
  append(container, h('p', null, h('a', { href: '#/safety' }, t('safety.backToBoard'))), body);
  const reload = async () => {
    let hz;
    try {
      hz = await get(`/api/v1/safety/hazards/${params.id}`);
    } catch (err) {
      if (isCurrent()) replace(body, errorBox(err));
      return;
    }
    if (!isCurrent()) return;
    replace(body,
      h('div', { class: 'page-head' }, h('h1', null, hz.title, ' ', gradeBadge(hz.grade))),
      h('p', null, h('span', { class: 'badge safety-status' }, t(`safety.status.${hz.status}`))),
      deadlineLine(hz),
      dl([[t('safety.enterprise'), hz.enterprise_name], [t('safety.description'), hz.description],
        [t('safety.stopField'), hz.stop !== 'none' ? t(`safety.stop.${hz.stop}`) : ''],
        [t('safety.plan'), hz.plan], [t('safety.foundBy'), `${hz.found_by} · ${fmtDateTime(hz.found_at)}`],
        [t('safety.orderedBy'), hz.ordered_by ? `${hz.ordered_by} · ${fmtDateTime(hz.ordered_at)}` : ''],
        [t('safety.escalatedTo'), hz.escalated_to || '']]),
      hz.can_order ? orderForm(hz, reload) : null,
      hz.can_reinspect ? reinspectForm(hz, reload) : null,
      h('h2', { class: 'section' }, t('safety.steps')),
      h('ol', { class: 'timeline safety-steps' }, (hz.steps || []).map((s) => h('li', null,
        h('strong', null, t(`safety.step.${s.action}`)), ' · ', s.actor, ' · ', fmtDateTime(s.at),
        s.note ? h('p', { class: 'muted' }, s.note) : null))));
  };
  await reload();
}

export async function render(ctx) {
  const view = ctx.params.view;
  const id = /^\d+$/.test(ctx.params.id || '') ? ctx.params.id : null;
  if (view === 'enterprises') return renderEnterprises(ctx);
  if (view === 'inspect' && id) return renderInspect(ctx);
  if (view === 'hazard' && id) return renderHazard(ctx);
  return renderBoard(ctx);
}
