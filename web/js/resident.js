// resident.js - what the residents' pages share (issue 13): the hotline
// numbers, the PIN as printed, copying to the clipboard, today's date in
// Beijing, and a case's progress in plain words (five steps, the unit now
// handling it with its phone, the entries). No staff wording: the entries
// say what happened and where, never who or why.
import { h } from './dom.js';
import { t, tc, fmtDateTime } from './i18n.js';

// 12345 is the government service hotline, 12348 the public legal service
// hotline (公共法律服务热线); 110 the police, for emergencies.
export const HOTLINES = ['12345', '12348'];
export const EMERGENCY = '110';
// The promise of acceptance within 3 working days is Fengqiao's own default
// deadline (src/domain/case/deadline.c, accept_workdays), not a statute:
// 人民调解法 (People's Mediation Law) art. 17 lets a party apply but sets
// no time to accept. Keep the two in step.
export const STEPS = 5; // 提交 受理 调解 办结 回访

/** "12345678" as printed: "1234 5678". */
export function formatPin(pin) {
  const s = String(pin || '');
  return s.length === 8 ? `${s.slice(0, 4)} ${s.slice(4)}` : s;
}

/** Copies text; true when it worked. */
export async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch (_) {
    return false;
  }
}

/** Today's date in Beijing as YYYY-MM-DD (the date input's format). */
export function beijingToday() {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' })
    .format(new Date());
}

/** A unit as residents know it: 枫源村调委会, 枫桥镇矛调中心. */
export function unitName(u) {
  if (!u || !u.name) return '';
  return t(u.level === 5 ? 'resident.unit.village' : 'resident.unit.centre', { name: u.name });
}

/** The five steps as an ordered list, the current one marked for screen readers. */
export function stepsList(progress, status) {
  const step = progress ? progress.step : 0;
  const finished = progress && progress.finished;
  const ol = h('ol', { class: 'steps', 'aria-label': t('resident.steps') });
  for (let i = 0; i < STEPS; i++) {
    const done = i < step || (i === step && finished);
    const now = i === step && !finished;
    let label = t(`resident.step.${i}`);
    if (i === step && status === 'rejected') label = t('resident.rejected');
    ol.appendChild(h('li', {
      class: ['step', done && 'step-done', now && 'step-now', i === step && status === 'rejected' && 'step-stop'],
      'aria-current': now ? 'step' : null,
    }, h('span', { class: 'step-mark', 'aria-hidden': 'true' }, done ? '✓' : String(i + 1)),
    h('span', { class: 'step-label' }, label),
    h('span', { class: 'visually-hidden' }, done ? t('resident.stepDone') : now ? t('resident.stepNow') : '')));
  }
  return ol;
}

/** One entry in plain words. */
export function entryText(e) {
  const unit = unitName(e.unit) || t('resident.unit.unknown');
  const params = { unit, to: tc('referTo', e.to, e.to || ''), outcome: tc('outcome', e.outcome, '') };
  if (e.kind === 'resolve' && !e.outcome) return t('resident.entry.resolveBare', params);
  return t(`resident.entry.${e.kind}`, params);
}

/** The entries, newest first, as the public timeline list. */
export function entriesList(entries) {
  if (!entries || entries.length === 0) return h('p', { class: 'muted' }, t('timeline.empty'));
  const ol = h('ol', { class: 'timeline resident-entries' });
  for (const e of [...entries].reverse()) {
    ol.appendChild(h('li', { class: 'tl-item', dataset: { kind: e.kind } },
      h('div', { class: 'tl-head' },
        h('time', { datetime: e.at }, fmtDateTime(e.at)),
        h('span', { class: 'tl-text' }, entryText(e)))));
  }
  return ol;
}
