// emergency-warnings.js - 预警 (warnings, issue 20; docs/emergency.md): the
// warnings the user sees with their colour (art. 63), the draft form with
// what art. 64 asks a warning to say, the next step of each (review,
// approve, publish) for a cadre who did no earlier step (four eyes), the
// CAP 1.2 file of a published one to download, and the alerts imported
// from the upstream feed.
import { h, replace, field, select } from '../dom.js';
import { t, fmtDateTime } from '../i18n.js';
import { get, post, errorBox, showError, clearErrors, session } from '../api.js';
import { emptyState, loading, hasRole } from '../common.js';

const KINDS = ['natural_disaster', 'accident', 'public_health'];

function levelBadge(w) {
  return h('span', { class: `badge em-level-${w.level}` }, t('em.level.' + w.level));
}

function myRegion() {
  const r = ((session.user && session.user.roles) || []).find((x) => ['handler', 'admin'].includes(x.role));
  return r ? r.region : '';
}

function draftForm(reload) {
  const region = h('input', { type: 'text', name: 'region', inputmode: 'numeric', maxlength: '12', required: true, value: myRegion() });
  const kind = select(KINDS.map((k) => ({ value: k, label: t('em.kind.' + k) })), { name: 'kind' });
  const event = h('input', { type: 'text', name: 'event', maxlength: '64', required: true });
  const level = select([1, 2, 3, 4].map((l) => ({ value: String(l), label: t('em.level.' + l) })), { name: 'level', value: '3' });
  const watch = h('textarea', { name: 'watch', rows: 3, maxlength: 4000, required: true });
  const instruction = h('textarea', { name: 'instruction', rows: 3, maxlength: 4000, required: true });
  const area = h('input', { type: 'text', name: 'area_desc', maxlength: '200', required: true });
  const form = h('form', { class: 'form em-form', novalidate: true },
    field(t('em.region'), region, { name: 'region', required: true }).wrap,
    field(t('em.kindLabel'), kind, { name: 'kind' }).wrap,
    field(t('em.event'), event, { name: 'event', required: true }).wrap,
    field(t('em.levelLabel'), level, { name: 'level' }).wrap,
    field(t('em.watch'), watch, { name: 'watch', required: true }).wrap,
    field(t('em.instruction'), instruction, { name: 'instruction', required: true }).wrap,
    field(t('em.area'), area, { name: 'area_desc', required: true }).wrap,
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn' }, t('em.draft'))));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    try {
      await post('/api/v1/warnings', {
        region: region.value.trim(), kind: kind.value, event: event.value, level: Number(level.value),
        watch: watch.value, instruction: instruction.value, area_desc: area.value,
      });
      form.reset();
      region.value = myRegion();
      reload();
    } catch (err) {
      showError(form, err);
    }
  });
  return form;
}

export async function render({ container, isCurrent }) {
  const list = h('div', { class: 'em-warnings' });
  const imports = h('div', { class: 'em-imports' });
  const canWarn = hasRole(session.user, 'handler', 'admin');
  replace(container, h('h1', null, t('em.warningsTitle')),
    h('p', { class: 'em-actions' }, h('a', { href: '#/emergency', class: 'btn btn-small btn-secondary' }, t('em.toIncidents')),
      h('a', { href: '/api/v1/public/warnings/feed', class: 'btn btn-small btn-secondary' }, t('em.feed'))),
    h('p', { class: 'hint' }, t('em.fourEyes')),
    canWarn ? h('section', { class: 'em-section', 'aria-labelledby': 'em-draft' }, h('h2', { id: 'em-draft' }, t('em.draftTitle')), draftForm(load)) : null,
    h('section', { class: 'em-section', 'aria-labelledby': 'em-wl' }, h('h2', { id: 'em-wl' }, t('em.warningsList')), list),
    h('section', { class: 'em-section', 'aria-labelledby': 'em-imp' }, h('h2', { id: 'em-imp' }, t('em.imports')), imports));

  async function act(w, action, li) {
    try {
      await post(`/api/v1/warnings/${w.id}/actions/${action}`, {});
      await load();
    } catch (err) {
      li.append(errorBox(err));
    }
  }

  async function load() {
    replace(list, loading());
    let r;
    try {
      r = await get('/api/v1/warnings');
    } catch (err) {
      if (isCurrent()) replace(list, errorBox(err));
      return;
    }
    if (!isCurrent()) return;
    if (!r.items.length) {
      replace(list, emptyState(t('em.noWarnings')));
      return;
    }
    replace(list, h('ul', { class: 'em-list' }, r.items.map((w) => {
      const li = h('li', { dataset: { warning: String(w.id) } });
      li.append(h('p', null, levelBadge(w), ' ', h('strong', null, w.headline), ' · ', t('em.wstatus.' + w.status),
        w.msg_type !== 'Alert' ? ` · ${t('em.msgType.' + w.msg_type)}` : ''),
      h('p', { class: 'small' }, w.area_desc, ' · ', t('em.onset'), ' ', fmtDateTime(w.onset), ' · ', t('em.draftedBy', { who: w.drafted_by })),
      h('p', { class: 'em-actions' },
        w.can_act ? h('button', { type: 'button', class: 'btn btn-small', onclick: () => act(w, w.next_action, li) }, t('em.action.' + w.next_action)) : null,
        w.next_action && !w.can_act ? h('span', { class: 'hint' }, t('em.waiting.' + w.next_action)) : null,
        w.cap_url ? h('a', { href: w.cap_url, download: `${w.identifier}.xml`, class: 'btn btn-small btn-secondary' }, t('em.capDownload')) : null,
        w.can_change ? h('button', { type: 'button', class: 'btn btn-small btn-secondary', onclick: () => act(w, 'cancel', li) }, t('em.cancelWarning')) : null));
      return li;
    })));
    let a;
    try {
      a = await get('/api/v1/cap-imports');
    } catch (err) {
      if (isCurrent()) replace(imports, errorBox(err));
      return;
    }
    if (!isCurrent()) return;
    replace(imports, a.items.length ? h('ul', { class: 'em-list' }, a.items.map((x) => h('li', null,
      h('strong', null, x.headline || x.event), ' · ', x.sender, ' · ', x.sent,
      x.incident_id ? h('span', null, ' · ', h('a', { href: `#/emergency/incident/${x.incident_id}` }, t('em.linkedIncident'))) : null)))
      : emptyState(t('em.noImports')));
  }
  await load();
}
