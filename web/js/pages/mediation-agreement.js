// mediation-agreement.js - the agreement (调解协议书, 人民调解法 art. 29) in
// the room: drafted from the accepted offer on a template, signed by every
// party (a one-time code bound to the text's SHA-256, 电子签名法 art. 13)
// and the mediator, sealed by the committee, the PDF, then judicial
// confirmation (司法确认, art. 33) and the performance (履行) of each term.
// Staff see every step; a party reads and signs. The shapes are those of
// service/agreement.h (agreement_view, agreement_verify).
import { h, replace, field, select, uid } from '../dom.js';
import { t, tc } from '../i18n.js';
import { get, post, errorBox, clearErrors, showError, ApiError } from '../api.js';
import { dl } from '../common.js';
import { fmtWhen, termsTable } from './mediation-parts.js';

// the templates of domain/mediation/agreement.h (enum agreement_kind)
export const KINDS = ['wages', 'neighbours', 'family_support', 'land', 'traffic', 'other'];
// what an agreement touches: these decide e-signing (电子签名法 art. 3) and
// whether a court may confirm it (SPC interpretation art. 355)
export const MATTERS = ['marriage', 'adoption', 'inheritance', 'parentage', 'ownership'];
// the court steps a status allows (domain agreement_court_step)
const COURT_NEXT = { none: ['file'], withdrawn: ['file'], filed: ['accept', 'withdraw'], accepted: ['confirm', 'reject', 'withdraw'] };

// Whether a room's agreement exists, as this page last learnt it (by base):
// 'present', 'absent' or unknown. The room says whether it has one
// (m.agreement: {id, status} or null); asking for one that does not exist
// answers 404 (which the browser logs), so the page asks only when the room
// says there is one, after its own writes, or after an "agreement" event.
const known = new Map();

/** What this page knows of the agreement of base: forgotten (a fresh
 * look), or, with exists, known to be there (an "agreement" event). */
export function agreementChanged(base, exists) {
  if (exists) known.set(base, 'present');
  else known.delete(base);
}

function worthAsking(ctx) {
  return Boolean(ctx.m.agreement) || known.get(ctx.base) === 'present';
}

/**
 * Draws the agreement into card. ctx: {m (the room), base (the staff
 * room's or the party's API root), staff, party, flash, isCurrent}.
 */
export async function agreementSection(card, ctx) {
  const head = h('h2', { id: 'med-sec-agreement' }, t('med.agreement'));
  let a = null;
  if (worthAsking(ctx)) {
    try {
      a = await get(`${ctx.base}/agreement`);
      known.set(ctx.base, 'present');
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 404)) { replace(card, head, errorBox(err)); return; }
      known.set(ctx.base, 'absent');
    }
  }
  if (!ctx.isCurrent()) return;
  // after a write the agreement exists, whatever the room said before
  const redraw = () => {
    known.set(ctx.base, 'present');
    return agreementSection(card, ctx);
  };
  if (!a) {
    const accepted = (ctx.m.offers || []).find((o) => o.status === 'accepted');
    replace(card, head, h('p', { class: 'muted' }, accepted ? t('med.agreementFromOffer') : t('med.agreementNone')),
      ctx.staff && accepted ? draftForm() : null);
    return;
  }

  const doc = a.document || {};
  const valid = (a.signatures || []).filter((s) => s.valid !== false);
  const partySig = (pid) => valid.find((s) => s.kind === 'party' && Number(s.party_id) === Number(pid));
  const kindSig = (k) => valid.find((s) => s.kind === k);
  const sigRow = (label, s, data) => h('li', { dataset: data },
    h('span', { class: ['badge', s ? 'med-ok' : 'med-wait'] }, s ? t('med.signed') : t('med.notSigned')), ' ',
    label, s ? h('span', { class: 'muted small' }, ' ', fmtWhen(s.at)) : null);
  const sigList = h('ul', { class: 'med-signatures' },
    (doc.parties || []).map((p) => sigRow(`${p.name}（${tc('partyRole', p.role, p.role)}）`, partySig(p.party_id), { party: String(p.party_id) })),
    sigRow(t('med.mediatorNamed', { name: doc.mediator || '' }), kindSig('mediator'), { kind: 'mediator' }),
    h('li', { dataset: { kind: 'seal' } }, h('span', { class: ['badge', kindSig('seal') ? 'med-ok' : 'med-wait'] },
      kindSig('seal') ? t('med.sealed') : t('med.notSealed')), ' ', doc.committee || t('med.seal')));

  const parts = [head,
    h('p', null, h('span', { class: `badge med-agreement-${a.status}` }, tc('medAgreementStatus', a.status)), ' ',
      h('span', { class: 'muted' }, tc('medTemplate', a.kind)), a.oral ? h('span', { class: 'badge' }, t('med.oral')) : null,
      ' ', h('span', { class: 'muted small' }, t('med.docVersion', { v: a.version }))),
    a.esign_allowed === false ? h('p', { class: 'alert alert-warn' }, t('med.wetOnly')) : null,
    h('div', { class: 'med-facts' }, h('h3', null, t('med.facts')), h('p', null, doc.facts || '')),
    h('div', null, h('h3', null, t('med.liability')), h('p', null, doc.liability || '')),
    h('h3', null, t('med.terms')), termsTable(doc.terms, t('med.terms'), 'fen'),
    h('h3', null, t('med.signatures')), sigList,
    dl([
      [t('med.sha256'), h('span', { class: 'code med-hash' }, a.hash || '')],
      [t('med.verifyCode'), h('a', { class: 'code med-code', href: `#/verify/${encodeURIComponent(a.code)}` }, a.code)],
      [t('med.effectiveAt'), fmtWhen(a.effective_at)],
    ]),
    h('p', null, h('a', { class: 'btn med-pdf', href: `${ctx.base}/agreement.pdf`, download: `agreement-${a.code}.pdf` }, t('med.pdf')))];
  if (ctx.staff) parts.push(staffSteps());
  else parts.push(partySign());
  if (ctx.staff && a.status === 'effective') parts.push(court(), performance());
  replace(card, ...parts);

  function draftForm() {
    const kind = select([{ value: '', label: t('common.choose') }, ...KINDS.map((x) => ({ value: x, label: tc('medTemplate', x) }))], { name: 'kind' });
    const facts = h('textarea', { name: 'facts', rows: '3', maxlength: '4000' });
    const liability = h('textarea', { name: 'liability', rows: '2', maxlength: '4000' });
    const boxes = MATTERS.map((x) => ({ x, box: h('input', { type: 'checkbox', name: 'matters', value: x, id: uid('mt') }) }));
    // art. 29 (1): each party's name, sex, age and address (or unit)
    const people = (ctx.m.parties || []).map((p, i) => {
      const sex = select([{ value: '', label: t('common.choose') }, { value: 'male', label: t('med.sex.male') }, { value: 'female', label: t('med.sex.female') }],
        { name: 'sex', value: p.sex || '' });
      const age = h('input', { type: 'number', name: 'age', min: '0', max: '150', inputmode: 'numeric', value: p.age ? String(p.age) : '' });
      const address = h('input', { type: 'text', name: 'address', maxlength: '256', autocomplete: 'off', value: p.address || '' });
      const fs = h('fieldset', { class: 'med-term-row med-draft-party' },
        h('legend', null, `${p.name}（${tc('partyRole', p.role, p.role)}）`),
        field(t('med.sex'), sex, { name: `parties[${i}].sex`, required: true }).wrap,
        field(t('med.age'), age, { name: `parties[${i}].age`, required: true }).wrap,
        field(t('med.address'), address, { name: `parties[${i}].address`, required: true }).wrap);
      return { p, fs, sex, age, address };
    });
    const btn = h('button', { type: 'submit', class: 'btn btn-primary' }, t('med.draft'));
    const form = h('form', { class: 'form med-draft', novalidate: true },
      h('p', { class: 'form-error', hidden: true, role: 'alert' }),
      field(t('med.templatePick'), kind, { name: 'kind', required: true }).wrap,
      field(t('med.facts'), facts, { name: 'facts', required: true }).wrap,
      field(t('med.liability'), liability, { name: 'liability', required: true }).wrap,
      h('h3', null, t('med.draftParties')), people.map((x) => x.fs),
      h('fieldset', { class: 'field', dataset: { field: 'matters' } }, h('legend', null, t('med.matters')),
        h('p', { class: 'hint' }, t('med.mattersHint')),
        boxes.map(({ x, box }) => h('div', { class: 'checkbox' }, box, h('label', { for: box.id }, tc('medMatter', x)))),
        h('p', { class: 'field-error', hidden: true, role: 'alert' })),
      h('p', { class: 'form-actions' }, btn));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(form);
      for (const [name, el] of [['kind', kind], ['facts', facts], ['liability', liability]]) {
        if (!el.value.trim()) { showError(form, new ApiError(400, 'required', '', name)); return; }
      }
      for (const [i, x] of people.entries()) {
        for (const [name, el] of [['sex', x.sex], ['age', x.age], ['address', x.address]]) {
          if (!el.value.trim()) { showError(form, new ApiError(400, 'required', '', `parties[${i}].${name}`)); return; }
        }
      }
      const body = { kind: kind.value, facts: facts.value.trim(), liability: liability.value.trim(),
        matters: boxes.filter((b) => b.box.checked).map((b) => b.x),
        parties: people.map((x) => ({ party_id: x.p.id, sex: x.sex.value, age: Number(x.age.value), address: x.address.value.trim() })) };
      btn.disabled = true;
      try {
        await post(`${ctx.base}/agreement`, body);
        await redraw();
      } catch (err) {
        showError(form, err);
        btn.disabled = false;
      }
    });
    return form;
  }

  // The mediator signs and applies the committee's seal, both on the text
  // whose hash is shown; the last signature makes it effective (art. 29).
  function staffSteps() {
    if (a.status === 'effective' || a.signing === 'wet') return null;
    const box = h('div', { class: 'form-actions med-agreement-steps' });
    const out = h('div', { role: 'status' });
    const step = (label, as) => {
      const b = h('button', { type: 'button', class: 'btn btn-primary', dataset: { as } }, label);
      b.addEventListener('click', async () => {
        b.disabled = true;
        try {
          await post(`${ctx.base}/agreement/sign`, { hash: a.hash, as });
          await redraw();
        } catch (err) {
          b.disabled = false;
          replace(out, errorBox(err));
        }
      });
      box.appendChild(b);
    };
    if (!kindSig('mediator')) step(t('med.mediatorSign'), 'mediator');
    if (!kindSig('seal')) step(t('med.applySeal'), 'seal');
    return h('div', null, box, out);
  }

  // A party reads the text, asks for a code bound to its hash and confirms.
  function partySign() {
    if (!ctx.party || a.status === 'effective' || a.esign_allowed === false) return null;
    // the party's view says whether they signed the current text (me)
    const mine = (doc.parties || []).some((p) => Number(p.party_id) === Number(ctx.party.id));
    if (!mine || (a.me && a.me.signed) || partySig(ctx.party.id)) return null;
    const status = h('p', { class: 'sms-status', role: 'status' });
    const ask = h('button', { type: 'button', class: 'btn btn-large' }, t('med.signCodeSend'));
    const code = h('input', { type: 'text', name: 'code', inputmode: 'numeric', autocomplete: 'one-time-code', maxlength: '6', pattern: '[0-9]*' });
    const btn = h('button', { type: 'submit', class: 'btn btn-primary btn-large' }, t('med.signSubmit'));
    const form = h('form', { class: 'form med-sign', novalidate: true },
      h('h3', null, t('med.signTitle')), h('p', { class: 'muted' }, t('med.signLead', { sha: (a.hash || '').slice(0, 12) })),
      h('p', { class: 'form-error', hidden: true, role: 'alert' }),
      h('p', null, ask), status,
      field(t('med.signCode'), code, { name: 'code', required: true }).wrap,
      h('p', { class: 'form-actions' }, btn));
    ask.addEventListener('click', async () => {
      ask.disabled = true;
      clearErrors(form);
      try {
        await post(`${ctx.base}/agreement/code`, { hash: a.hash });
        status.textContent = t('med.codeSent');
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
        await post(`${ctx.base}/agreement/sign`, { hash: a.hash, code: v });
        if (ctx.flash) ctx.flash.textContent = t('med.signedDone');
        await redraw();
      } catch (err) {
        showError(form, err);
        btn.disabled = false;
      }
    });
    return form;
  }

  // 司法确认: the joint application within 30 days (art. 33), the court's
  // acceptance (3 days) and ruling (15 days, extendable by 10).
  function court() {
    const jc = a.court || { status: 'none' };
    const box = h('section', { class: 'med-confirm', 'aria-labelledby': 'med-sec-confirm' },
      h('h3', { id: 'med-sec-confirm' }, t('med.confirmTitle')));
    if (!a.confirmable) box.appendChild(h('p', { class: 'alert alert-warn' }, a.confirm_warning ? tc('medConfirmWarn', a.confirm_warning) : t('med.notConfirmable')));
    if (jc.late) box.appendChild(h('p', { class: 'alert alert-warn' }, t('med.confirmLate')));
    box.appendChild(dl([
      [t('med.confirmStatus'), tc('medCourt', jc.status)],
      [t('med.confirmDue'), jc.apply_due || ''],
      [t('med.court'), jc.court || ''],
      [t('med.acceptDueCourt'), jc.accept_due || ''],
      [t('med.rulingDue'), jc.ruling_due || ''],
      [t('med.rulingReason'), jc.reason || ''],
    ]));
    if (!a.confirmable) return box;
    box.appendChild(h('p', null, h('a', { class: 'btn', href: `${ctx.base}/agreement/application.pdf`, download: `application-${a.code}.pdf` }, t('med.applicationPdf'))));
    const steps = COURT_NEXT[jc.status] || [];
    if (steps.length) {
      const reason = h('input', { type: 'text', name: 'reason', maxlength: '500' });
      const out = h('div', { role: 'status' });
      const f = h('form', { class: 'form med-court-form', novalidate: true }, h('p', { class: 'form-error', hidden: true, role: 'alert' }),
        steps.some((s) => s === 'reject' || s === 'withdraw') ? field(t('med.rulingReason'), reason, { name: 'reason' }).wrap : null,
        h('p', { class: 'form-actions' }, steps.map((s) => {
          const b = h('button', { type: 'button', class: ['btn', s === 'reject' || s === 'withdraw' ? 'btn-danger' : 'btn-primary'], dataset: { step: s } }, tc('medCourtStep', s));
          b.addEventListener('click', async () => {
            clearErrors(f);
            const body = { step: s };
            if (reason.value.trim()) body.reason = reason.value.trim();
            b.disabled = true;
            try {
              await post(`${ctx.base}/agreement/court`, body);
              await redraw();
            } catch (err) {
              showError(f, err);
              b.disabled = false;
            }
          });
          return b;
        })), out);
      box.appendChild(f);
    }
    return box;
  }

  // 履行: each term, its due date, performed or not; an overdue term
  // stands out with the next step (enforcement if confirmed, else a suit).
  function performance() {
    const items = (a.terms || []).map((term) => {
      const done = term.performed_at;
      const li = h('li', { class: ['med-perf', term.overdue && 'med-overdue'], dataset: { term: String(term.idx) } },
        h('p', null, h('strong', null, term.what), ' ', term.due ? h('span', { class: 'muted' }, t('med.dueOn', { due: term.due })) : null, ' ',
          h('span', { class: ['badge', done ? 'med-ok' : term.overdue ? 'med-late' : 'med-wait'] },
            done ? t('med.performed') : term.overdue ? t('med.overdue') : t('med.notPerformed'))));
      if (!done) {
        const b = h('button', { type: 'button', class: 'btn btn-small' }, t('med.recordPerformed'));
        b.addEventListener('click', async () => {
          b.disabled = true;
          try {
            await post(`${ctx.base}/agreement/perform`, { term: term.idx });
            await redraw();
          } catch (err) {
            b.disabled = false;
            li.appendChild(errorBox(err));
          }
        });
        li.appendChild(h('p', null, b));
      }
      return li;
    });
    return h('section', { class: 'med-performance', 'aria-labelledby': 'med-sec-perf' },
      h('h3', { id: 'med-sec-perf' }, t('med.performance')),
      a.next_step ? h('p', { class: 'alert alert-warn' }, tc('medNextStep', a.next_step)) : null,
      h('ul', { class: 'med-perf-list' }, items));
  }
}
