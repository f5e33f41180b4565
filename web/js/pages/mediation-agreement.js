// mediation-agreement.js - the agreement (调解协议书, 人民调解法 art. 29) in
// the room: drafted from the accepted offer on a template, signed by every
// party (a one-time code bound to the document's SHA-256, 电子签名法 art.
// 13) and the mediator, sealed by the committee, the PDF, then judicial
// confirmation (司法确认, art. 33) and the performance (履行) of each term.
// Staff see every step; a party reads and signs.
import { h, replace, field, select } from '../dom.js';
import { t, tc } from '../i18n.js';
import { get, post, errorBox, clearErrors, showError, ApiError } from '../api.js';
import { dl } from '../common.js';
import { fmtWhen, termsTable } from './mediation-parts.js';

export const TEMPLATES = ['wages', 'neighbours', 'family_support', 'land', 'traffic', 'other'];

/**
 * Draws the agreement into card. ctx: {m, base (the staff room's or the
 * party's API root), staff, viewer, flash, reloadRoom, isCurrent, party}.
 */
export async function agreementSection(card, ctx) {
  const head = h('h2', { id: 'med-sec-agreement' }, t('med.agreement'));
  let a = null;
  try {
    a = await get(`${ctx.base}/agreement`);
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 404)) { replace(card, head, errorBox(err)); return; }
  }
  if (!ctx.isCurrent()) return;
  const redraw = () => agreementSection(card, ctx);
  if (!a) {
    const accepted = (ctx.m.offers || []).find((o) => o.status === 'accepted');
    replace(card, head, h('p', { class: 'muted' }, accepted ? t('med.agreementFromOffer') : t('med.agreementNone')),
      ctx.staff && accepted && ctx.m.status !== 'ended' ? draftForm(accepted) : null);
    return;
  }

  const signatures = a.signatures || [];
  const sigList = h('ul', { class: 'med-signatures' }, signatures.map((s) => h('li', { dataset: { signed: s.signed_at ? '1' : '0' } },
    h('span', { class: ['badge', s.signed_at ? 'med-ok' : 'med-wait'] }, s.signed_at ? t('med.signed') : t('med.notSigned')), ' ',
    s.name || tc('medSigner', s.role, s.role), s.signed_at ? h('span', { class: 'muted small' }, ' ', fmtWhen(s.signed_at)) : null)));
  if (a.sealed_at !== undefined) {
    sigList.appendChild(h('li', null, h('span', { class: ['badge', a.sealed_at ? 'med-ok' : 'med-wait'] }, a.sealed_at ? t('med.sealed') : t('med.notSealed')), ' ', t('med.seal')));
  }
  const parts = [head,
    h('p', null, h('span', { class: `badge med-agreement-${a.status}` }, tc('medAgreementStatus', a.status)), ' ',
      a.template ? h('span', { class: 'muted' }, tc('medTemplate', a.template)) : null),
    a.electronic === false ? h('p', { class: 'alert alert-warn' }, t('med.wetOnly')) : null,
    a.facts ? h('div', { class: 'med-facts' }, h('h3', null, t('med.facts')), h('p', null, a.facts)) : null,
    a.liability ? h('div', null, h('h3', null, t('med.liability')), h('p', null, a.liability)) : null,
    h('h3', null, t('med.terms')), termsTable(a.terms, t('med.terms')),
    h('h3', null, t('med.signatures')), sigList,
    dl([
      [t('med.sha256'), a.sha256 ? h('span', { class: 'code' }, a.sha256) : ''],
      [t('med.verifyCode'), a.verify_code ? h('a', { class: 'code', href: `#/verify/${encodeURIComponent(a.verify_code)}` }, a.verify_code) : ''],
      [t('med.effectiveAt'), fmtWhen(a.effective_at)],
    ])];
  if (a.pdf_url || a.sha256) {
    parts.push(h('p', null, h('a', { class: 'btn med-pdf', href: a.pdf_url || `${ctx.base}/agreement/pdf`, download: `agreement-${a.verify_code || a.id}.pdf` }, t('med.pdf'))));
  }
  if (ctx.staff) parts.push(staffSteps(a));
  else parts.push(partySign(a));
  if (ctx.staff && a.status === 'effective') parts.push(confirmation(a), performance(a));
  replace(card, ...parts);

  function draftForm(offer) {
    const tpl = select([{ value: '', label: t('common.choose') }, ...TEMPLATES.map((x) => ({ value: x, label: tc('medTemplate', x) }))], { name: 'template' });
    const facts = h('textarea', { name: 'facts', rows: '3', maxlength: '4000' });
    const liability = h('textarea', { name: 'liability', rows: '2', maxlength: '4000' });
    const btn = h('button', { type: 'submit', class: 'btn btn-primary' }, t('med.draft'));
    const form = h('form', { class: 'form med-draft', novalidate: true },
      h('p', { class: 'form-error', hidden: true, role: 'alert' }),
      field(t('med.templatePick'), tpl, { name: 'template', required: true }).wrap,
      field(t('med.facts'), facts, { name: 'facts', required: true }).wrap,
      field(t('med.liability'), liability, { name: 'liability' }).wrap,
      h('p', { class: 'form-actions' }, btn));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(form);
      if (!tpl.value) { showError(form, new ApiError(400, 'required', '', 'template')); return; }
      if (!facts.value.trim()) { showError(form, new ApiError(400, 'required', '', 'facts')); return; }
      const body = { offer_id: offer.id, template: tpl.value, facts: facts.value.trim() };
      if (liability.value.trim()) body.liability = liability.value.trim();
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

  // The mediator signs, then the committee's seal makes it effective.
  function staffSteps(ag) {
    const box = h('div', { class: 'form-actions med-agreement-steps' });
    const out = h('div', { role: 'status' });
    const step = (label, path, cls) => {
      const b = h('button', { type: 'button', class: ['btn', cls] }, label);
      b.addEventListener('click', async () => {
        b.disabled = true;
        try {
          await post(`${ctx.base}/agreement/${path}`, {});
          await redraw();
        } catch (err) {
          b.disabled = false;
          replace(out, errorBox(err));
        }
      });
      box.appendChild(b);
    };
    const mine = (ag.signatures || []).find((s) => s.role === 'mediator');
    if (ag.status !== 'effective' && mine && !mine.signed_at) step(t('med.mediatorSign'), 'sign', 'btn-primary');
    if (ag.status !== 'effective' && !ag.sealed_at && mine && mine.signed_at) step(t('med.applySeal'), 'seal', 'btn-primary');
    return h('div', null, box, out);
  }

  // A party asks for a code (texted to their phone) and confirms it.
  function partySign(ag) {
    const me = (ag.signatures || []).find((s) => ctx.party && Number(s.party_id) === Number(ctx.party.id));
    if (!me || me.signed_at || ag.electronic === false) return null;
    const status = h('p', { class: 'sms-status', role: 'status' });
    const ask = h('button', { type: 'button', class: 'btn btn-large' }, t('med.signCodeSend'));
    const code = h('input', { type: 'text', name: 'code', inputmode: 'numeric', autocomplete: 'one-time-code', maxlength: '6', pattern: '[0-9]*' });
    const btn = h('button', { type: 'submit', class: 'btn btn-primary btn-large' }, t('med.signSubmit'));
    const form = h('form', { class: 'form med-sign', novalidate: true },
      h('h3', null, t('med.signTitle')), h('p', { class: 'muted' }, t('med.signLead', { sha: (ag.sha256 || '').slice(0, 12) })),
      h('p', { class: 'form-error', hidden: true, role: 'alert' }),
      h('p', null, ask), status,
      field(t('med.signCode'), code, { name: 'code', required: true }).wrap,
      h('p', { class: 'form-actions' }, btn));
    ask.addEventListener('click', async () => {
      ask.disabled = true;
      clearErrors(form);
      try {
        await post(`${ctx.base}/agreement/sign-code`, { sha256: ag.sha256 });
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
        await post(`${ctx.base}/agreement/sign`, { code: v, sha256: ag.sha256 });
        if (ctx.flash) ctx.flash.textContent = t('med.signedDone');
        await redraw();
      } catch (err) {
        showError(form, err);
        btn.disabled = false;
      }
    });
    return form;
  }

  // 司法确认: the joint application within 30 days (art. 33), then the
  // court's acceptance and ruling as they come.
  function confirmation(ag) {
    const jc = ag.confirmation || {};
    const box = h('section', { class: 'med-confirm', 'aria-labelledby': 'med-sec-confirm' },
      h('h3', { id: 'med-sec-confirm' }, t('med.confirmTitle')));
    if (ag.confirmable === false || jc.warning) box.appendChild(h('p', { class: 'alert alert-warn' }, jc.warning || t('med.notConfirmable')));
    box.appendChild(dl([
      [t('med.confirmDue'), fmtWhen(jc.apply_due)],
      [t('med.court'), jc.court || ''],
      [t('med.confirmStatus'), jc.status ? tc('medConfirmStep', jc.status) : t('med.confirmNone')],
      [t('med.confirmRuling'), jc.ruling ? tc('medRuling', jc.ruling) + (jc.reason ? ` · ${jc.reason}` : '') : ''],
    ]));
    box.appendChild(h('p', null, h('a', { class: 'btn', href: `${ctx.base}/agreement/application.pdf`, download: 'application.pdf' }, t('med.applicationPdf'))));
    const next = { '': 'filed', none: 'filed', filed: 'accepted', accepted: 'ruled' }[jc.status || ''];
    if (next) {
      const out = h('div', { role: 'status' });
      const fields = [];
      let ruling = null;
      let reason = null;
      if (next === 'ruled') {
        ruling = select([{ value: 'confirmed', label: tc('medRuling', 'confirmed') }, { value: 'rejected', label: tc('medRuling', 'rejected') }], { name: 'ruling' });
        reason = h('input', { type: 'text', name: 'reason', maxlength: '500' });
        fields.push(field(t('med.confirmRuling'), ruling, { name: 'ruling' }).wrap, field(t('med.rulingReason'), reason, { name: 'reason' }).wrap);
      }
      const b = h('button', { type: 'submit', class: 'btn' }, tc('medConfirmRecord', next));
      const f = h('form', { class: 'form med-confirm-form', novalidate: true }, h('p', { class: 'form-error', hidden: true, role: 'alert' }), fields, h('p', { class: 'form-actions' }, b), out);
      f.addEventListener('submit', async (e) => {
        e.preventDefault();
        clearErrors(f);
        const body = { step: next };
        if (ruling) { body.ruling = ruling.value; if (reason.value.trim()) body.reason = reason.value.trim(); }
        b.disabled = true;
        try {
          await post(`${ctx.base}/agreement/confirmation`, body);
          await redraw();
        } catch (err) {
          showError(f, err);
          b.disabled = false;
        }
      });
      box.appendChild(f);
    }
    return box;
  }

  // 履行: each term, its due date, performed or not; overdue stands out.
  function performance(ag) {
    const now = Date.now() / 1000;
    const items = (ag.terms || []).map((term, i) => {
      const done = term.performed_at;
      const overdue = !done && term.due && new Date(term.due + 'T23:59:59+08:00').getTime() / 1000 < now;
      const li = h('li', { class: ['med-perf', overdue && 'med-overdue'], dataset: { term: String(i) } },
        h('p', null, h('strong', null, term.what), ' ', term.due ? h('span', { class: 'muted' }, t('med.dueOn', { due: term.due })) : null, ' ',
          h('span', { class: ['badge', done ? 'med-ok' : overdue ? 'med-late' : 'med-wait'] },
            done ? t('med.performed') : overdue ? t('med.overdue') : t('med.notPerformed'))));
      if (!done) {
        const b = h('button', { type: 'button', class: 'btn btn-small' }, t('med.recordPerformed'));
        b.addEventListener('click', async () => {
          b.disabled = true;
          try {
            await post(`${ctx.base}/agreement/terms/${term.id ?? i}/performance`, { performed: true });
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
      h('h3', { id: 'med-sec-perf' }, t('med.performance')), h('ul', { class: 'med-perf-list' }, items));
  }
}
