// village-rules.js - 村规民约 (village rules) and the self-governance charter
// (issue 18; docs/village.md "Rules, assemblies and votes"): the rules of my
// village with their step, a draft form, and for a rule the adviser has
// reviewed the count of the vote (attendance by person and household, yes,
// no, abstain) that the chair records; "adopt" is refused by the server
// (vote_not_passed) unless the quorum and the majority hold (村民委员会组织法
// arts. 22, 26). Then filing with the township, its deadline and overdue flag.
import { h, append, replace, field, select, qs } from '../dom.js';
import { t } from '../i18n.js';
import { get, post, session, clearErrors, showError, errorBox } from '../api.js';
import { emptyState, loading } from '../common.js';

const COUNTS = ['eligible_people', 'eligible_households', 'present_people', 'present_households', 'yes', 'no', 'abstain'];

// The village of the user's first role held at a village (12 digits).
function myVillage() {
  const r = ((session.user && session.user.roles) || []).find((x) => x.region && x.region.length === 12);
  return r ? r.region : '';
}

function today() {
  return new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
}

function daysAgo(n) {
  return new Date(Date.now() + 8 * 3600e3 - n * 86400e3).toISOString().slice(0, 10);
}

function numberField(name) {
  const input = h('input', { type: 'number', name, min: 0, inputmode: 'numeric', required: true });
  return field(t(`vrule.count.${name}`), input, { name });
}

/** The count form of a reviewed rule, then the adopt button. */
function countForm(rule, reload) {
  const kind = select(['assembly', 'representatives'].map((k) => ({ value: k, label: t(`vrule.kind.${k}`) })),
    { name: 'meeting_kind' });
  const notice = h('input', { type: 'date', name: 'notice_day', value: daysAgo(10), required: true });
  const fields = [field(t('vrule.meetingKind'), kind, { name: 'meeting_kind' }), ...COUNTS.map(numberField)];
  const noticeField = field(t('vrule.noticeDay'), notice, { name: 'notice_day', hint: t('vrule.noticeHint'), hintId: `notice-hint-${rule.id}` });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-small' }, t('vrule.recordVote'));
  const form = h('form', { class: 'form vrule-count', novalidate: true },
    h('h3', null, t('vrule.countTitle')), noticeField.wrap, fields.map((f) => f.wrap), h('div', { class: 'form-actions' }, submit));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const body = { meeting_day: today(), notice_day: notice.value, meeting_kind: kind.value };
    for (const f of fields.slice(1)) body[f.input.name] = Number(f.input.value || 0);
    submit.disabled = true;
    try {
      await post(`/api/v1/village-rules/${rule.id}/actions/vote`, body);
      await reload();
    } catch (err) {
      showError(form, err);
      submit.disabled = false;
    }
  });
  return form;
}

/** For a reviewed rule: one-time ballot codes for a secret ballot (无记名
 * 投票), shown once to print and hand out; voters use #/ballot. */
function tokensForm(rule) {
  const n = h('input', { type: 'number', name: 'count', min: 1, max: 2000, value: 10, inputmode: 'numeric', required: true });
  const out = h('div', { class: 'vrule-tokens-out' });
  const form = h('form', { class: 'form vrule-tokens', novalidate: true },
    field(t('vrule.tokensCount'), n, { name: 'count' }).wrap,
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-small' }, t('vrule.tokens'))), out);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    try {
      const r = await post(`/api/v1/village-rules/${rule.id}/ballot-tokens`, { count: Number(n.value || 0) });
      const link = `${location.origin}${location.pathname}#/ballot?rule=${rule.id}`;
      replace(out, h('p', null, t('vrule.ballotLink'), ' ', h('a', { href: `#/ballot?rule=${rule.id}` }, link)),
        h('p', null, t('vrule.tokensShown')), h('ol', { class: 'vrule-token-list' }, r.tokens.map((x) => h('li', null, h('code', null, x)))));
    } catch (err) {
      showError(form, err);
    }
  });
  return form;
}

function actionButton(rule, action, reload) {
  const box = h('div', { class: 'vrule-action' });
  const b = h('button', { type: 'button', class: 'btn btn-small' }, t(`vrule.action.${action}`));
  b.addEventListener('click', async () => {
    b.disabled = true;
    try {
      await post(`/api/v1/village-rules/${rule.id}/actions/${action}`, {});
      await reload();
    } catch (err) {
      replace(box, b, errorBox(err));
      b.disabled = false;
    }
  });
  box.append(b);
  return box;
}

function ruleCard(rule, reload) {
  const counts = rule.votes_yes !== null && rule.votes_yes !== undefined
    ? h('p', { class: 'vrule-counts' }, t('vrule.counted', {
      present: rule.present_people, eligible: rule.eligible_people, households: rule.present_households,
      yes: rule.votes_yes, no: rule.votes_no, abstain: rule.votes_abstain,
    }))
    : null;
  return h('li', { class: 'card vrule', 'data-id': rule.id },
    h('h3', null, rule.title, ' ', h('span', { class: 'badge' }, t(`vrule.status.${rule.status}`))),
    h('p', { class: 'muted' }, t('vrule.version', { n: rule.version })),
    h('p', { class: 'vrule-body' }, rule.body),
    counts,
    rule.filing_due ? h('p', null, t('vrule.filingDue', { day: rule.filing_due }),
      rule.filing_overdue ? [' ', h('span', { class: 'pill urgency-overdue' }, t('vrule.overdue'))] : null) : null,
    rule.review_due ? h('p', null, t('vrule.reviewDue', { day: rule.review_due }),
      rule.review_overdue ? [' ', h('span', { class: 'pill urgency-overdue' }, t('vrule.overdue'))] : null) : null,
    rule.correction_reason ? h('p', { class: 'vrule-correction' }, t('vrule.correction', { reason: rule.correction_reason })) : null,
    rule.status === 'reviewed' ? [tokensForm(rule), countForm(rule, reload)] : null,
    rule.status === 'voted' ? [actionButton(rule, 'adopt', reload), actionButton(rule, 'reject', reload)] : null,
    rule.status === 'adopted' ? actionButton(rule, 'file', reload) : null);
}

function draftForm(village, reload) {
  const title = field(t('vrule.titleField'), h('input', { type: 'text', name: 'title', maxlength: 200, required: true }), { name: 'title', required: true });
  const body = field(t('vrule.bodyField'), h('textarea', { name: 'body', rows: 4, maxlength: 20000, required: true }), { name: 'body', required: true });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-small' }, t('vrule.draft'));
  const form = h('form', { class: 'form vrule-draft', novalidate: true }, title.wrap, body.wrap, h('div', { class: 'form-actions' }, submit));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    try {
      await post('/api/v1/village-rules', { region: village, title: title.input.value.trim(), body: body.input.value.trim() });
      form.reset();
      await reload();
    } catch (err) {
      showError(form, err);
    }
  });
  return form;
}

export async function render({ container, query, isCurrent }) {
  const village = query.get('village') || myVillage();
  const list = h('div', { class: 'vrule-list' }, loading());
  const pub = h('div', { class: 'vrule-public' }, loading());
  const reload = async () => {
    let res, open;
    try {
      [res, open] = await Promise.all([
        get('/api/v1/village-rules' + qs(village ? { region: village } : {})),
        village ? get(`/api/v1/public/villages/${village}/rules`) : Promise.resolve({ items: [] }),
      ]);
    } catch (err) {
      if (isCurrent()) replace(list, errorBox(err));
      return;
    }
    if (!isCurrent()) return;
    replace(list, res.items.length
      ? h('ul', { class: 'vrule-items' }, res.items.map((r) => ruleCard(r, reload)))
      : emptyState(t('vrule.none')));
    replace(pub, open.items.length
      ? h('ul', null, open.items.map((r) => h('li', null, h('strong', null, r.title), ' · ', t('vrule.adoptedOn', { day: r.adopted_on }))))
      : emptyState(t('vrule.noneInForce')));
  };
  append(container,
    h('div', { class: 'page-head' }, h('h1', null, t('vrule.title'))),
    h('p', { class: 'muted' }, t('vrule.lead')),
    village ? draftForm(village, reload) : null,
    h('h2', { class: 'section' }, t('vrule.rules')), list,
    h('h2', { class: 'section' }, t('vrule.inForce')), pub);
  await reload();
}
