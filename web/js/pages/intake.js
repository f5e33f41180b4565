// intake.js - staff register a case brought in person or by phone. Before
// saving, the server is asked for likely duplicates; the user may save anyway.
import { h, append, replace, field, select, uid } from '../dom.js';
import { t, tc } from '../i18n.js';
import { post, session, clearErrors, showError, ApiError } from '../api.js';
import { CATEGORIES, CHANNELS, TRACKS, PARTY_ROLES, codeOptions, userRootRegion, hasRole } from '../common.js';
import { regionPicker } from '../regionPicker.js';
import { rememberDuplicates } from './case.js';

const PHONE_RE = /^(\+?86)?1\d{10}$|^0\d{2,3}-?\d{7,8}$/;

export async function render({ container, navigate }) {
  const root = userRootRegion(session.user);
  const form = h('form', { class: 'card form intake-form', novalidate: true });

  const channel = field(t('case.channel'), select(codeOptions('channel', CHANNELS), { name: 'channel', value: 'walk_in' }), { name: 'channel', required: true });
  const trackSel = field(t('case.track'), select(codeOptions('track', TRACKS), { name: 'track', value: 'dispute' }), { name: 'track' });
  if (!hasRole(session.user, 'petition_officer', 'admin')) trackSel.wrap.hidden = true;
  const category = field(t('case.category'), select(codeOptions('category', CATEGORIES, t('common.choose')), { name: 'category' }), { name: 'category', required: true });
  const title = field(t('case.title'), h('input', { type: 'text', name: 'title', maxlength: '100', autocomplete: 'off' }), { name: 'title', required: true, hint: t('intake.titleHint'), hintId: 'in-title-hint' });
  const desc = field(t('case.description'), h('textarea', { name: 'description', rows: '5', maxlength: '4000' }), { name: 'description', required: true });
  const occurred = field(t('case.occurredAt'), h('input', { type: 'datetime-local', name: 'occurred_at' }), { name: 'occurred_at', hint: t('intake.bjTime'), hintId: 'in-occ-hint' });
  const picker = regionPicker({ root: root.code, legend: t('intake.regionLegend'), required: true, name: 'region' });
  const grid = field(t('case.grid'), h('input', { type: 'text', name: 'grid', maxlength: '50', autocomplete: 'off' }), { name: 'grid' });
  const address = field(t('case.address'), h('input', { type: 'text', name: 'address', maxlength: '200' }), { name: 'location' });
  const lat = field(t('intake.lat'), h('input', { type: 'number', name: 'lat', step: 'any', min: '-90', max: '90' }), { name: 'location.lat' });
  const lon = field(t('intake.lon'), h('input', { type: 'number', name: 'lon', step: 'any', min: '-180', max: '180' }), { name: 'location.lon' });
  const people = field(t('case.peopleInvolved'), h('input', { type: 'number', name: 'people_involved', min: '1', step: '1', inputmode: 'numeric' }), { name: 'people_involved' });
  const amount = field(t('intake.amountYuan'), h('input', { type: 'number', name: 'amount', min: '0', step: '0.01', inputmode: 'decimal' }), { name: 'amount_in_dispute' });

  const partyList = h('div', { class: 'party-forms' });
  const parties = [];
  const addBtn = h('button', { type: 'button', class: 'btn btn-small' }, t('intake.addParty'));
  addBtn.addEventListener('click', () => { addParty('respondent'); parties[parties.length - 1].name.input.focus(); });

  function renumber() {
    parties.forEach((p, i) => {
      p.legend.textContent = t('intake.partyN', { n: i + 1 });
      p.remove.hidden = parties.length <= 1;
      for (const k of ['role', 'name', 'phone', 'org']) {
        p[k].wrap.dataset.field = `parties[${i}].${k}`;
      }
    });
  }

  function addParty(role) {
    const p = {};
    p.role = field(t('party.role'), select(codeOptions('partyRole', PARTY_ROLES), { name: 'party_role', value: role }), { required: true });
    p.name = field(t('party.name'), h('input', { type: 'text', name: 'party_name', maxlength: '50', autocomplete: 'off' }), { required: true });
    p.phone = field(t('party.phone'), h('input', { type: 'tel', name: 'party_phone', maxlength: '20', inputmode: 'tel', autocomplete: 'off' }), { required: true });
    p.org = field(t('party.org'), h('input', { type: 'text', name: 'party_org', maxlength: '100', autocomplete: 'off' }));
    p.legend = h('legend', null, '');
    p.remove = h('button', { type: 'button', class: 'btn btn-small btn-link' }, t('intake.removeParty'));
    p.el = h('fieldset', { class: 'party-form' }, p.legend,
      h('div', { class: 'form-row' }, p.role.wrap, p.name.wrap),
      h('div', { class: 'form-row' }, p.phone.wrap, p.org.wrap), p.remove);
    p.remove.addEventListener('click', () => {
      const i = parties.indexOf(p);
      if (i >= 0 && parties.length > 1) { parties.splice(i, 1); p.el.remove(); renumber(); addBtn.focus(); }
    });
    parties.push(p);
    partyList.appendChild(p.el);
    renumber();
  }
  addParty('applicant');
  addParty('respondent');

  const dupPanel = h('div', { class: 'dup-panel', 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, t('intake.submit'));

  append(form,
    h('p', { class: 'form-error', hidden: true, role: 'alert' }),
    h('div', { class: 'form-row' }, channel.wrap, trackSel.wrap, category.wrap),
    title.wrap, desc.wrap,
    picker.el,
    h('div', { class: 'form-row' }, grid.wrap, address.wrap),
    h('details', { class: 'coords' }, h('summary', null, t('intake.coords')), h('div', { class: 'form-row' }, lat.wrap, lon.wrap)),
    h('div', { class: 'form-row' }, occurred.wrap, people.wrap, amount.wrap),
    h('fieldset', { class: 'plain parties-fieldset', dataset: { field: 'parties' } },
      h('legend', null, t('case.parties')),
      partyList, addBtn,
      h('p', { class: 'field-error', hidden: true, role: 'alert' })),
    dupPanel,
    h('p', { class: 'form-actions' }, submit, h('a', { href: '#/inbox', class: 'btn' }, t('common.cancel'))));

  append(container,
    h('h1', null, t('intake.title')),
    h('p', { class: 'lead' }, t('intake.lead')),
    form);

  function fail(f, msg) {
    f.error.textContent = msg || t('form.required');
    f.error.hidden = false;
    f.input.setAttribute('aria-invalid', 'true');
    return false;
  }

  function collect() {
    let ok = true;
    if (!category.input.value) ok = fail(category, t('form.chooseCategory')) && ok;
    if (!title.input.value.trim()) ok = fail(title) && ok;
    if (!desc.input.value.trim()) ok = fail(desc) && ok;
    if (!picker.validate()) ok = false;
    const ps = [];
    for (const p of parties) {
      const name = p.name.input.value.trim();
      const phone = p.phone.input.value.trim().replace(/\s/g, '');
      if (!name) ok = fail(p.name) && ok;
      if (!phone) ok = fail(p.phone) && ok;
      else if (!PHONE_RE.test(phone)) ok = fail(p.phone, t('error.invalid.phone')) && ok;
      const party = { role: p.role.input.value, name, phone };
      if (p.org.input.value.trim()) party.org = p.org.input.value.trim();
      ps.push(party);
    }
    const amt = amount.input.value.trim();
    if (amt && !(Number(amt) >= 0)) ok = fail(amount, t('error.invalid')) && ok;
    const ppl = people.input.value.trim();
    if (ppl && !(Number.isInteger(Number(ppl)) && Number(ppl) > 0)) ok = fail(people, t('error.invalid')) && ok;
    if (!ok) return null;

    const body = {
      title: title.input.value.trim(),
      description: desc.input.value.trim(),
      category: category.input.value,
      channel: channel.input.value,
      track: trackSel.input.value || 'dispute',
      region: picker.value(),
      parties: ps,
    };
    if (grid.input.value.trim()) body.grid = grid.input.value.trim();
    const loc = {};
    if (address.input.value.trim()) loc.address = address.input.value.trim();
    if (lat.input.value !== '' && lon.input.value !== '') { loc.lat = Number(lat.input.value); loc.lon = Number(lon.input.value); }
    if (Object.keys(loc).length) body.location = loc;
    if (ppl) body.people_involved = Number(ppl);
    if (amt) body.amount_in_dispute = Math.round(Number(amt) * 100);
    if (occurred.input.value) body.occurred_at = `${occurred.input.value.length === 16 ? occurred.input.value + ':00' : occurred.input.value}+08:00`;
    return body;
  }

  async function save(body) {
    submit.disabled = true;
    try {
      const created = await post('/api/cases', body);
      rememberDuplicates(created.id, created.possible_duplicates);
      navigate(`#/case/${created.id}`);
    } catch (err) {
      replace(dupPanel);
      showError(form, err);
      submit.disabled = false;
    }
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    replace(dupPanel);
    const body = collect();
    if (!body) {
      const bad = form.querySelector('[aria-invalid="true"]');
      if (bad) bad.focus();
      return;
    }
    submit.disabled = true;
    let dups = [];
    try {
      const r = await post('/api/cases/check-duplicates', body);
      dups = (r && r.possible_duplicates) || [];
    } catch (err) {
      if (!(err instanceof ApiError) || (err.status !== 404 && err.status !== 405)) {
        showError(form, err);
        submit.disabled = false;
        return;
      }
    }
    if (dups.length === 0) { await save(body); return; }
    submit.disabled = false;
    const anyway = h('button', { type: 'button', class: 'btn btn-primary save-anyway' }, t('intake.saveAnyway'));
    const back = h('button', { type: 'button', class: 'btn' }, t('intake.backToEdit'));
    anyway.addEventListener('click', () => { anyway.disabled = true; save(body); });
    back.addEventListener('click', () => { replace(dupPanel); title.input.focus(); });
    const headId = uid('dup');
    replace(dupPanel, h('section', { class: 'alert alert-warn dup-warning', role: 'alert', 'aria-labelledby': headId },
      h('h2', { id: headId, tabindex: '-1' }, t('intake.dupTitle', { n: dups.length })),
      h('p', null, t('intake.dupLead')),
      h('ul', { class: 'dup-list' }, dups.map((d) => h('li', null,
        h('a', { href: `#/case/${d.id}`, target: '_blank', rel: 'noopener' }, d.title || d.tracking_code), ' ',
        h('span', { class: 'code' }, d.tracking_code),
        d.reason ? h('span', { class: 'muted small' }, ' · ', tc('dupReason', d.reason, d.reason)) : null))),
      h('p', { class: 'form-actions' }, anyway, back)));
    dupPanel.querySelector('h2').focus();
  });

  await picker.ready;
}
